// The log in words: which log each installation uses, a message's story,
// one attempt as a line, the summary as tables. Everything that came from
// the log (addresses are the sender's choice, deferral texts are what
// remote servers said) is sanitized here, before any terminal sees it.
// Times are local (TZ), as tai64nlocal shows them; JSON has them in UTC.
import { sanitize } from '../text/sanitize.js';
import type { LogSearch, LogSource } from './find.js';
import type { LoggedDelivery, LoggedMessage } from './matchup.js';
import type { LogPrediction } from './predict.js';
import type { DelaySummary, LogSummary } from './summary.js';
import { localTime, type LogTime } from './tai64n.js';

const s = (x: string): string => sanitize(x);

export function when(t: LogTime | null, digits = 3): string {
  return t ? localTime(t, digits) : '(no time)';
}

export function sourceWords(src: LogSource): string {
  const what = src.format === 'multilog' ? `multilog ${src.path}` : `syslog ${src.path}, tag "${src.tag}"`;
  return `${what} (${src.foundBy})`;
}

/** One line per installation: its log, or that none was found and where qlens looked. */
export function logHeader(searches: LogSearch[], counts?: Map<LogSource, { files: number; lines: number }>): string[] {
  const out: string[] = [];
  for (const se of searches) {
    for (const src of se.shared) out.push(`${s(se.instance)}: ${s(sourceWords(src))}, shared with ${s(src.instance)}`);
    if (se.sources.length === 0 && se.shared.length === 0) {
      const looked = se.looked.length ? `; looked at ${se.looked.join(', ')}` : '';
      out.push(`${s(se.instance)}: no log found${looked}`);
    }
    for (const src of se.sources) {
      const c = counts?.get(src);
      const size = c ? `: ${c.files} ${c.files === 1 ? 'file' : 'files'}, ${c.lines} lines` : '';
      out.push(`${s(se.instance)}: ${s(sourceWords(src))}${size}`);
      for (const n of src.notes) out.push(`  note: ${s(n)}`);
      if (src.sharedWith.length) out.push(`  note: also configured as the log of ${src.sharedWith.map(s).join(', ')}`);
    }
    for (const n of se.notes) out.push(`  note: ${s(n)}`);
  }
  return out;
}

export function resultWord(d: LoggedDelivery): string {
  if (d.result) return d.result;
  return d.lost ? 'lost' : 'pending';
}

/** One attempt: time, number, channel, recipient, result and text. */
export function attemptLine(d: LoggedDelivery): string {
  const t = when(d.finished ?? d.started);
  const text = d.text !== null ? `: ${s(d.text)}` : d.lost ? `: ${s(d.lost)}` : ': no result logged yet';
  return `${t}  delivery ${d.n}  ${d.channel} ${s(d.recipient)}  ${resultWord(d)}${text}`;
}

export function predictionLine(p: LogPrediction): string {
  const mark = p.agrees === true ? '✓ agrees' : p.agrees === false ? '✗ DISAGREES' : 'cannot be compared';
  const what = p.kind === 'none' ? 'nothing delivered' : `${p.kind} ${s(p.target)}`;
  const more = p.deliveries && p.deliveries.length > 1 ? ` (+${p.deliveries.length - 1} more)` : '';
  return `qlens now predicts ${what}${more} — ${mark}${p.why ? `: ${s(p.why)}` : ''}`;
}

export function messageHead(m: LoggedMessage, instance: string): string {
  const parts = [`msg ${m.id}`, s(instance)];
  if (m.beganBeforeLog) parts.push('began before the log');
  else parts.push(`received ${when(m.received)}`);
  if (m.sender !== null) parts.push(`from <${s(m.sender)}>`);
  if (m.bytes !== null) parts.push(`${m.bytes} bytes`);
  if (m.qp !== null) parts.push(`qp ${m.qp}`);
  if (m.uid !== null) parts.push(`uid ${m.uid}`);
  return parts.join('  ');
}

/**
 * A message's whole story: arrival, every attempt with its time and text,
 * the prediction under each recipient's last attempt, its bounce, its end.
 */
export function storyLines(m: LoggedMessage, instance: string, predictions?: Map<LoggedDelivery, LogPrediction>): string[] {
  const out = [messageHead(m, instance)];
  if (m.bounceOf !== null) out.push(`  the bounce of msg ${m.bounceOf}${m.sender === '#@[]' ? ' (a double bounce: its sender is #@[])' : ''}`);
  if (m.forwardOf !== null) out.push(`  a forwarded copy from msg ${m.forwardOf}`);
  const last = new Map<string, LoggedDelivery>();
  for (const d of m.deliveries) last.set(`${d.channel}\0${d.recipient}`, d);
  for (const d of m.deliveries) {
    out.push(`  ${attemptLine(d)}`);
    if (d.forwardQp !== null) out.push(`      forwarded as qp ${d.forwardQp}${d.forwardId !== null ? ` (msg ${d.forwardId})` : ''}`);
    const p = predictions?.get(d);
    if (p && last.get(`${d.channel}\0${d.recipient}`) === d) out.push(`      ${predictionLine(p)}`);
  }
  if (m.deliveries.length === 0) out.push('  no delivery attempt in the log');
  if (m.bounceQp !== null) out.push(`  bounced: the bounce is qp ${m.bounceQp}${m.bounceId !== null ? ` (msg ${m.bounceId})` : ''}`);
  if (m.tripleBounce) out.push('  triple bounce: its bounce bounced again and was discarded (qmail-send keeps no triple bounces)');
  if (m.lost) out.push(`  no end line: ${s(m.lost)}`);
  else if (m.ended) out.push(`  ended ${when(m.ended)}`);
  else out.push('  not ended when the log ends (still in the queue, or its end is not logged yet)');
  return out;
}

function secs(v: number | null): string {
  if (v === null) return '-';
  if (v < 1) return `${Math.round(v * 1000)} ms`;
  if (v < 120) return `${v.toFixed(1)} s`;
  if (v < 7200) return `${(v / 60).toFixed(1)} min`;
  if (v < 172800) return `${(v / 3600).toFixed(1)} h`;
  return `${(v / 86400).toFixed(1)} d`;
}

function delayWords(d: DelaySummary): string {
  if (d.count === 0) return 'no final result';
  return `p50 ${secs(d.p50)}, p90 ${secs(d.p90)}, p99 ${secs(d.p99)}, max ${secs(d.max)}${d.exact ? '' : ' (percentiles within 1%)'}`;
}

function pad(x: string | number, w: number, right = false): string {
  const t = String(x);
  return right ? t.padStart(w) : t.padEnd(w);
}

/** zoverall, zdeferrals and zfailures in one screen, then the domains. */
export function summaryLines(sum: LogSummary, width = 80): string[] {
  const out: string[] = [];
  const d = sum.deliveries;
  out.push(`from ${sum.from ?? '-'} to ${sum.to ?? '-'} (UTC)`);
  out.push(`messages: ${sum.messages.completed} completed (${sum.messages.bytes} bytes), ${sum.messages.not_ended} not ended, ${sum.messages.began_before_log} began before the log`);
  out.push(`delivery attempts: ${d.attempts}: ${d.success} success, ${d.deferral} deferral, ${d.failure} failure, ${d.no_result} without result yet, ${d.lost} lost at a restart`);
  if (d.started_before_log) out.push(`  ${d.started_before_log} of them started before the log (recipient unknown)`);
  out.push(`bytes delivered (message bytes x successful recipients): ${sum.bytes_delivered}`);
  out.push(`delay from arrival to the final result: ${delayWords(sum.delay)}`);
  const c = sum.concurrency;
  out.push(`concurrency peak: local ${c.local.peak}/${c.local.limit ?? '?'}, remote ${c.remote.peak}/${c.remote.limit ?? '?'}`);
  if (c.hours.length > 1) {
    const shown = c.hours.slice(-24);
    out.push(`  by hour, the most in progress at once${shown.length < c.hours.length ? ` (the last 24 of ${c.hours.length} hours)` : ''}:`);
    for (const h of shown) out.push(`    ${localTime({ s: Date.parse(h.hour) / 1000, ns: 0 }, 0).slice(0, 16)}  local ${pad(h.local, 3, true)}  remote ${pad(h.remote, 3, true)}`);
  }
  const reasons = (title: string, list: Array<{ text: string; count: number }>): void => {
    if (list.length === 0) return;
    out.push('');
    out.push(title);
    for (const r of list) out.push(`  ${pad(r.count, 7, true)}  ${s(r.text).slice(0, Math.max(20, width - 12))}`);
  };
  reasons('most frequent deferral reasons:', sum.deferral_reasons);
  reasons('most frequent failure reasons:', sum.failure_reasons);
  if (sum.domains.length) {
    out.push('');
    const dw = Math.max(12, Math.min(32, width - 48));
    out.push(`${pad('domain', dw)} ${pad('tries', 7, true)} ${pad('ok', 7, true)} ${pad('defer', 6, true)} ${pad('fail', 6, true)}  p50/p90 delay`);
    for (const x of sum.domains) {
      const name = x.domain.length > dw ? '…' + x.domain.slice(x.domain.length - dw + 1) : x.domain || '(none)';
      out.push(`${pad(s(name), dw)} ${pad(x.attempts, 7, true)} ${pad(x.success, 7, true)} ${pad(x.deferral, 6, true)} ${pad(x.failure, 6, true)}  ${secs(x.delay.p50)}/${secs(x.delay.p90)}`);
      const top = x.deferral_reasons[0] ?? x.failure_reasons[0];
      if (top && (x.deferral + x.failure) > 0) out.push(`${' '.repeat(Math.min(dw, 4))}  ${s(top.text).slice(0, Math.max(20, width - 8))}`);
    }
    if (sum.domains_total > sum.domains.length) out.push(`(${sum.domains_total - sum.domains.length} more domains)`);
  }
  return out;
}
