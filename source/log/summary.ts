// What qmailanalog's zoverall, zdeferrals, zfailures and zrecipients tell,
// by recipient domain: attempts and their results, bytes delivered, the
// most frequent deferral and failure reasons, and how long messages took
// from arrival to their final result (success or failure). Fed one result
// at a time; memory stays bounded however long the log (delays are kept
// exactly up to a few hundred per domain, then in a 1%-wide histogram;
// reasons are grouped with their variable parts, such as IP addresses and
// queue ids, taken out, and capped).
import type { DeliveryResult } from './events.js';
import type { LoggedDelivery, LoggedMessage, StatusSample, UnmatchedResult } from './matchup.js';
import { compareTime, isoTime, secondsBetween, type LogTime } from './tai64n.js';

const EXACT_MAX = 256;
const RATIO = Math.log(1.01);
const INV_RATIO = 1 / RATIO;

/** The histogram bucket of a delay: 1% wide; bucket 0 holds everything under a millisecond. */
function bucketOf(x: number): number {
  return x < 0.001 ? 0 : 1 + Math.floor(Math.log(x * 1000) * INV_RATIO);
}

/** Percentiles of a stream of non-negative values, exact while small. */
export class DelaySketch {
  private exact: number[] | null = [];
  /** Counts by bucket number (a delay of ten years is bucket 3,300): an array, not a map, for millions of adds. */
  private buckets = new Float64Array(0);
  count = 0;
  max = 0;

  add(v: number): void {
    const x = v > 0 ? v : 0;
    this.count++;
    if (x > this.max) this.max = x;
    if (this.exact) {
      this.exact.push(x);
      if (this.exact.length > EXACT_MAX) {
        for (const y of this.exact) this.bucketAdd(bucketOf(y), 1);
        this.exact = null;
      }
      return;
    }
    this.bucketAdd(bucketOf(x), 1);
  }

  private bucketAdd(b: number, n: number): void {
    if (b >= this.buckets.length) {
      const grown = new Float64Array(Math.max(b + 1, this.buckets.length * 2, 1024));
      grown.set(this.buckets);
      this.buckets = grown;
    }
    this.buckets[b] += n;
  }

  /** Another sketch's values added to this one's (a log read in parts). */
  merge(o: DelaySketch): void {
    if (o.count === 0) return;
    this.max = Math.max(this.max, o.max);
    if (this.exact && o.exact && this.exact.length + o.exact.length <= EXACT_MAX) {
      for (const y of o.exact) this.exact.push(y);
      this.count += o.count;
      return;
    }
    if (this.exact) {
      for (const y of this.exact) this.bucketAdd(bucketOf(y), 1);
      this.exact = null;
    }
    if (o.exact) for (const y of o.exact) this.bucketAdd(bucketOf(y), 1);
    else for (let b = 0; b < o.buckets.length; b++) if (o.buckets[b]) this.bucketAdd(b, o.buckets[b]);
    this.count += o.count;
  }

  /** Nearest-rank percentile (q in 0..1); null when empty. */
  quantile(q: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.count));
    if (this.exact) {
      const s = [...this.exact].sort((a, b) => a - b);
      return s[rank - 1];
    }
    let seen = 0;
    for (let k = 0; k < this.buckets.length; k++) {
      seen += this.buckets[k];
      if (seen >= rank) return k === 0 ? 0 : Math.min(this.max, 0.001 * Math.exp((k - 0.5) * RATIO));
    }
    return this.max;
  }

  exactValues(): boolean {
    return this.exact !== null;
  }
}

/** Texts that differ only in addresses, numbers and ids are one reason. */
export function reasonKey(text: string): string {
  return text
    .replace(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g, 'IP')
    .replace(/\b[0-9A-Fa-f]*\d[0-9A-Fa-f]{4,}\b/g, '#')
    .slice(0, 300);
}

/** reasonKey of texts seen before: the same few reasons come back millions of times. */
const keyCache = new Map<string, string>();
function cachedKey(text: string): string {
  let k = keyCache.get(text);
  if (k === undefined) {
    k = reasonKey(text);
    if (keyCache.size >= 50000) keyCache.clear();
    keyCache.set(text, k);
  }
  return k;
}

class ReasonCounter {
  readonly map = new Map<string, { text: string; count: number }>();
  other = 0;
  constructor(private readonly cap: number) {}
  add(text: string): void {
    const key = cachedKey(text);
    const hit = this.map.get(key);
    if (hit) hit.count++;
    else if (this.map.size < this.cap) this.map.set(key, { text, count: 1 });
    else this.other++;
  }
  /** Another counter's reasons added (fields only: `o` may be a worker's structured clone). */
  merge(o: ReasonCounter): void {
    for (const [key, r] of o.map) {
      const hit = this.map.get(key);
      if (hit) hit.count += r.count;
      else if (this.map.size < this.cap) this.map.set(key, { text: r.text, count: r.count });
      else this.other += r.count;
    }
    this.other += o.other;
  }
  top(n: number): Array<{ text: string; count: number }> {
    return [...this.map.values()].sort((a, b) => b.count - a.count || (a.text < b.text ? -1 : 1)).slice(0, n);
  }
}

interface DomainStats {
  attempts: number;
  success: number;
  deferral: number;
  failure: number;
  bytes: number;
  delay: DelaySketch;
  deferrals: ReasonCounter;
  failures: ReasonCounter;
}

export interface SummaryOptions {
  since?: LogTime | null;
  until?: LogTime | null;
}

function inWindow(t: LogTime | null, o: SummaryOptions): boolean {
  if (t === null) return !o.since && !o.until;
  if (o.since && compareTime(t, o.since) < 0) return false;
  if (o.until && compareTime(t, o.until) > 0) return false;
  return true;
}

export function domainOf(recipient: string): string {
  const at = recipient.lastIndexOf('@');
  if (at < 0) return '';
  const d = recipient.slice(at + 1);
  for (let i = 0; i < d.length; i++) {
    const c = d.charCodeAt(i);
    if (c >= 65 && c <= 90) return d.toLowerCase();
  }
  return d;
}

export interface DomainSummary {
  domain: string;
  attempts: number;
  success: number;
  deferral: number;
  failure: number;
  bytes: number;
  delay: DelaySummary;
  deferral_reasons: Array<{ text: string; count: number }>;
  failure_reasons: Array<{ text: string; count: number }>;
}

export interface DelaySummary {
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
  exact: boolean;
}

export interface LogSummary {
  from: string | null;
  to: string | null;
  messages: { completed: number; began_before_log: number; not_ended: number; bytes: number };
  deliveries: { attempts: number; success: number; deferral: number; failure: number; no_result: number; lost: number; started_before_log: number };
  bytes_delivered: number;
  delay: DelaySummary;
  concurrency: {
    local: { peak: number; limit: number | null };
    remote: { peak: number; limit: number | null };
    /** The most deliveries in progress at once, hour by hour (from the status lines). */
    hours: Array<{ hour: string; local: number; remote: number }>;
  };
  deferral_reasons: Array<{ text: string; count: number }>;
  failure_reasons: Array<{ text: string; count: number }>;
  domains: DomainSummary[];
  domains_total: number;
}

function delaySummary(s: DelaySketch): DelaySummary {
  const r = (v: number | null): number | null => (v === null ? null : Math.round(v * 1000) / 1000);
  return { count: s.count, p50: r(s.quantile(0.5)), p90: r(s.quantile(0.9)), p99: r(s.quantile(0.99)), max: s.count ? r(s.max) : null, exact: s.exactValues() };
}

export class SummaryBuilder {
  private readonly domains = new Map<string, DomainStats>();
  private readonly all = { attempts: 0, success: 0, deferral: 0, failure: 0, noResult: 0, lost: 0, unmatched: 0, bytes: 0 };
  private readonly delay = new DelaySketch();
  private readonly deferrals = new ReasonCounter(20000);
  private readonly failures = new ReasonCounter(20000);
  private readonly msgs = { completed: 0, beganBefore: 0, notEnded: 0, bytes: 0 };
  private first: LogTime | null = null;
  private last: LogTime | null = null;
  private readonly peak = { local: 0, remote: 0, localMax: null as number | null, remoteMax: null as number | null };
  /** Peak local and remote deliveries in progress by hour (Unix hour → [local, remote]). */
  private readonly hours = new Map<number, [number, number]>();

  constructor(private readonly opts: SummaryOptions = {}) {}

  private seen(t: LogTime | null): void {
    if (!t) return;
    if (!this.first || compareTime(t, this.first) < 0) this.first = t;
    if (!this.last || compareTime(t, this.last) > 0) this.last = t;
  }

  private domain(name: string): DomainStats {
    let d = this.domains.get(name);
    if (!d) {
      d = { attempts: 0, success: 0, deferral: 0, failure: 0, bytes: 0, delay: new DelaySketch(), deferrals: new ReasonCounter(20), failures: new ReasonCounter(20) };
      this.domains.set(name, d);
    }
    return d;
  }

  /** One attempt's result (or its loss). */
  result(m: LoggedMessage, d: LoggedDelivery): void {
    const when = d.finished ?? d.started;
    if (!inWindow(when, this.opts)) return;
    this.seen(when);
    this.all.attempts++;
    const dom = this.domain(domainOf(d.recipient));
    dom.attempts++;
    if (d.result === null) {
      if (d.lost) this.all.lost++;
      else this.all.noResult++;
      return;
    }
    this.count(d.result, d.text ?? '', dom);
    if (d.result === 'success' && m.bytes !== null) {
      this.all.bytes += m.bytes;
      dom.bytes += m.bytes;
    }
    if (d.result !== 'deferral' && m.received && d.finished) {
      const s = secondsBetween(m.received, d.finished);
      this.delay.add(s);
      dom.delay.add(s);
    }
  }

  private count(r: DeliveryResult, text: string, dom: DomainStats | null): void {
    this.all[r]++;
    if (dom) dom[r]++;
    if (r === 'deferral') {
      this.deferrals.add(text);
      dom?.deferrals.add(text);
    } else if (r === 'failure') {
      this.failures.add(text);
      dom?.failures.add(text);
    }
  }

  /** A result whose start is older than the log: counted, but no recipient is known. */
  unmatched(u: UnmatchedResult): void {
    if (!inWindow(u.time, this.opts)) return;
    this.seen(u.time);
    this.all.attempts++;
    this.all.unmatched++;
    this.count(u.result, u.text, null);
  }

  message(m: LoggedMessage): void {
    const when = m.ended ?? m.received;
    if (!inWindow(when, this.opts)) return;
    this.seen(m.received);
    this.seen(m.ended);
    if (m.beganBeforeLog) this.msgs.beganBefore++;
    if (m.ended && !m.lost) {
      this.msgs.completed++;
      this.msgs.bytes += m.bytes ?? 0;
    } else this.msgs.notEnded++;
  }

  status(s: StatusSample): void {
    const t = s.time();
    if ((this.opts.since || this.opts.until) && !inWindow(t, this.opts)) return;
    if (s.localUsed > this.peak.local) this.peak.local = s.localUsed;
    if (s.remoteUsed > this.peak.remote) this.peak.remote = s.remoteUsed;
    this.peak.localMax = s.localMax;
    this.peak.remoteMax = s.remoteMax;
    if (!t) return;
    const hour = Math.floor(t.s / 3600);
    const h = this.hours.get(hour);
    if (!h) this.hours.set(hour, [s.localUsed, s.remoteUsed]);
    else {
      if (s.localUsed > h[0]) h[0] = s.localUsed;
      if (s.remoteUsed > h[1]) h[1] = s.remoteUsed;
    }
  }

  /**
   * Another builder's counts added to these: the later part of a log read
   * in another thread. Reads only fields, so `o` may be the structured
   * clone a worker posted.
   */
  mergeFrom(o: SummaryBuilder): void {
    for (const k of Object.keys(this.all) as Array<keyof SummaryBuilder['all']>) this.all[k] += o.all[k];
    for (const k of Object.keys(this.msgs) as Array<keyof SummaryBuilder['msgs']>) this.msgs[k] += o.msgs[k];
    this.delay.merge(o.delay);
    this.deferrals.merge(o.deferrals);
    this.failures.merge(o.failures);
    for (const [name, od] of o.domains) {
      const d = this.domain(name);
      d.attempts += od.attempts;
      d.success += od.success;
      d.deferral += od.deferral;
      d.failure += od.failure;
      d.bytes += od.bytes;
      d.delay.merge(od.delay);
      d.deferrals.merge(od.deferrals);
      d.failures.merge(od.failures);
    }
    if (o.first) this.seen(o.first);
    if (o.last) this.seen(o.last);
    if (o.peak.local > this.peak.local) this.peak.local = o.peak.local;
    if (o.peak.remote > this.peak.remote) this.peak.remote = o.peak.remote;
    // The limits of the later part's qmail-send are the ones in force now.
    if (o.peak.localMax !== null) this.peak.localMax = o.peak.localMax;
    if (o.peak.remoteMax !== null) this.peak.remoteMax = o.peak.remoteMax;
    for (const [hour, [l, r]] of o.hours) {
      const h = this.hours.get(hour);
      if (!h) this.hours.set(hour, [l, r]);
      else {
        h[0] = Math.max(h[0], l);
        h[1] = Math.max(h[1], r);
      }
    }
  }

  build(topDomains = 50): LogSummary {
    const domains = [...this.domains.entries()]
      .sort((a, b) => b[1].attempts - a[1].attempts || (a[0] < b[0] ? -1 : 1))
      .slice(0, topDomains)
      .map(([domain, d]) => ({
        domain,
        attempts: d.attempts,
        success: d.success,
        deferral: d.deferral,
        failure: d.failure,
        bytes: d.bytes,
        delay: delaySummary(d.delay),
        deferral_reasons: d.deferrals.top(3),
        failure_reasons: d.failures.top(3),
      }));
    return {
      from: this.first ? isoTime(this.first) : null,
      to: this.last ? isoTime(this.last) : null,
      messages: { completed: this.msgs.completed, began_before_log: this.msgs.beganBefore, not_ended: this.msgs.notEnded, bytes: this.msgs.bytes },
      deliveries: {
        attempts: this.all.attempts,
        success: this.all.success,
        deferral: this.all.deferral,
        failure: this.all.failure,
        no_result: this.all.noResult,
        lost: this.all.lost,
        started_before_log: this.all.unmatched,
      },
      bytes_delivered: this.all.bytes,
      delay: delaySummary(this.delay),
      concurrency: {
        local: { peak: this.peak.local, limit: this.peak.localMax },
        remote: { peak: this.peak.remote, limit: this.peak.remoteMax },
        hours: [...this.hours.entries()].sort((a, b) => a[0] - b[0]).map(([h, [local, remote]]) => ({ hour: isoTime({ s: h * 3600, ns: 0 }), local, remote })),
      },
      deferral_reasons: this.deferrals.top(10),
      failure_reasons: this.failures.top(10),
      domains,
      domains_total: this.domains.size,
    };
  }
}
