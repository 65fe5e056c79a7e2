// What the tracer predicts now for a logged recipient, and whether that
// agrees with what qmail logged. Exact about why the two can differ:
// - the configuration may have changed since the attempt (the files the walk
//   read are named, with their change time when it is after the attempt);
// - the walk traces a fresh message, while qmail-local also read the
//   message's own Delivered-To lines (a loop shows only there);
// - a remote server's answer (and the network on the way) cannot be
//   predicted: a remote deferral or failure is never called a disagreement;
// - qmail-local's temporary errors (disk full, quota, a lock) are not in
//   the configuration.
import type { Delivery, TraceResult } from '../trace/types.js';
import type { LoggedDelivery } from './matchup.js';
import { parseDid } from './events.js';
import { compareTime, type LogTime, timeFromMs, isoTime } from './tai64n.js';

export interface LogPrediction {
  /** The outcome that matters most (a defer before a bounce before a delivery), as `qlens trace` names kinds; `none` when nothing would be delivered. */
  kind: string;
  target: string;
  /** Every outcome of the walk, when more than one. */
  deliveries?: Array<{ kind: string; target: string; hop: number }>;
  /** True: the last logged result is what the walk predicts; false: they disagree; null: cannot be judged. */
  agrees: boolean | null;
  /** Why, in words (always set when agrees is not true). */
  why: string;
}

/** The tracer for one installation: a queued recipient, walked from qmail-lspawn (local) or as a remote hop. */
export type RecipientTracer = (recipient: string, channel: 'local' | 'remote') => TraceResult | null;

/** A file's change time, for "the configuration changed since". */
export type MtimeOf = (sysPath: string) => number | null;

const RANK: Record<string, number> = { defer: 0, bounce: 1, loop: 1, maildir: 2, mbox: 2, program: 2, remote: 2, discard: 2, forward: 3 };

function headline(ds: Delivery[]): { kind: string; target: string } {
  if (ds.length === 0) return { kind: 'none', target: 'accepted and delivered nowhere' };
  // The first qmail-local run's outcome before those of the copies it forwarded.
  const first = [...ds].sort((a, b) => (RANK[a.kind] ?? 2) - (RANK[b.kind] ?? 2) || a.hop - b.hop)[0];
  return { kind: first.kind, target: first.target };
}

/** Same reason: one text holds the other (qmail-local's message, maybe with more said around it). */
export function sameReason(logged: string, predicted: string): boolean {
  const norm = (s: string): string => s.replace(/\s+/g, ' ').trim().toLowerCase();
  const a = norm(logged);
  const b = norm(predicted);
  return a === b || (b.length > 0 && a.includes(b)) || (a.length > 0 && b.includes(a));
}

/** Files the walk read, from its steps' evidence. */
function evidence(r: TraceResult): string[] {
  const out = new Set<string>();
  for (const h of r.hops) for (const s of h.steps) if (s.path) out.add(s.path);
  return [...out];
}

function changedSince(r: TraceResult, when: LogTime | null, mtimeOf: MtimeOf): string[] {
  if (!when) return [];
  const out: string[] = [];
  for (const p of evidence(r)) {
    const m = mtimeOf(p);
    if (m !== null && compareTime(timeFromMs(m), when) > 0) out.push(`${p} changed ${isoTime(timeFromMs(m))}, after this attempt`);
  }
  return out.length > 3 ? [...out.slice(0, 3), `${out.length - 3} more files the walk read changed since`] : out;
}

/** The first qmail-local run (hop 0): what its "did F+W+P" would say, unless a manager (a program qlens follows) ran. */
function hop0Counts(r: TraceResult): { files: number; forwards: number; programs: number } | null {
  const h = r.hops[0];
  if (!h || h.route !== 'local') return null;
  if (h.steps.some((s) => s.stage === 'vdelivermail' || s.stage === 'vdeliver')) return null;
  const ds = r.deliveries.filter((d) => d.hop === 0);
  if (ds.some((d) => d.kind === 'defer' || d.kind === 'bounce' || d.kind === 'loop' || d.kind === 'discard')) return null;
  return {
    files: ds.filter((d) => d.kind === 'maildir' || d.kind === 'mbox').length,
    forwards: ds.filter((d) => d.kind === 'forward').length,
    programs: ds.filter((d) => d.kind === 'program').length,
  };
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Judge one logged attempt against the walk of its recipient now (null walk: a plain remote delivery). */
export function judge(d: LoggedDelivery, r: TraceResult | null, mtimeOf: MtimeOf): LogPrediction {
  const ds = r ? r.deliveries : [];
  const head = r ? headline(ds) : { kind: 'remote', target: d.recipient };
  const base: Omit<LogPrediction, 'agrees' | 'why'> = { kind: head.kind, target: head.target, ...(ds.length > 1 ? { deliveries: ds.map((x) => ({ kind: x.kind, target: x.target, hop: x.hop })) } : {}) };
  const changed = r ? changedSince(r, d.finished ?? d.started, mtimeOf) : [];
  const since = changed.length ? `; ${changed.join('; ')}` : '';
  const say = (agrees: boolean | null, why: string): LogPrediction => ({ ...base, agrees, why });
  const hop0 = ds.filter((x) => x.hop === 0);
  const deferNow = hop0.find((x) => x.kind === 'defer');
  const bounceNow = hop0.find((x) => x.kind === 'bounce' || x.kind === 'loop');

  if (d.result === null) return say(null, d.lost ? `no result: ${d.lost}` : 'no result logged yet');
  if (d.channel === 'remote') {
    if (d.result === 'success') return head.kind === 'remote' || !r ? say(true, '') : say(null, `qmail sent it by SMTP${since}`);
    return say(null, "a remote server's answer cannot be predicted (qlens predicts only that qmail hands it to qmail-remote)");
  }
  if (!r) return say(null, 'the walk could not be made');
  const text = d.text ?? '';
  if (d.result === 'success') {
    if (deferNow || bounceNow) return say(false, `qmail delivered it${since || (deferNow ? '; the mailbox or the configuration changed since' : '; the configuration changed since')}`);
    const did = parseDid(text);
    const want = hop0Counts(r);
    if (did && want && (did.files !== want.files || did.forwards !== want.forwards || did.programs !== want.programs)) {
      return say(
        false,
        `qmail-local did ${plural(did.files, 'file', 'files')}, ${plural(did.forwards, 'forward', 'forwards')}, ${plural(did.programs, 'program', 'programs')}; ` +
          `qlens predicts ${plural(want.files, 'file', 'files')}, ${plural(want.forwards, 'forward', 'forwards')}, ${plural(want.programs, 'program', 'programs')}` +
          (since || '; a program that exits 99 stops the rest, or the .qmail file changed since'),
      );
    }
    return say(true, '');
  }
  if (d.result === 'deferral') {
    if (deferNow) return sameReason(text, deferNow.target) ? say(true, '') : say(false, `qmail deferred it for another reason: ${text}${since}`);
    return say(false, `qmail deferred it (${text})${since || '; the cause is gone, or is not in the configuration (a full disk, a quota, a lock, a program that exited 111)'}`);
  }
  // failure
  if (bounceNow) {
    if (sameReason(text, bounceNow.target) || (bounceNow.kind === 'loop' && /looping/i.test(text))) return say(true, '');
    return say(false, `qmail bounced it for another reason: ${text}${since}`);
  }
  if (/Delivered-To|looping/i.test(text)) return say(false, `qmail found the message looping (${text}): qlens traces a fresh message, without the Delivered-To lines this one carried`);
  return say(false, `qmail bounced it (${text})${since || '; the configuration changed since, or a program exited 100'}`);
}
