// A summary of a big log read in parts at once, one thread a part: the
// rotated files split into runs of whole files, the first read here, the
// later ones in worker threads (summary-worker.ts), then joined in order so
// that the sum is what one reader would have counted.
//
// A later part does not know the state the log was in when it begins: the
// messages then in the queue and the attempts waiting for their results. It
// counts everything that does not depend on that state and keeps the rest
// as fragments for the merge:
// - the success or failure of an attempt of a message that began in an
//   earlier part (its size and arrival are there; a deferral needs neither);
// - the end of such a message;
// - results whose `starting delivery` is in an earlier part, with where they
//   stand against the part's first start and first restart (a restart ends
//   every attempt still waiting);
// - what is open when the part ends.
// The merge walks the parts in order with the state built so far and counts
// the fragments as the one reader would have, then hands the state to the
// matchup that reads on (current, and whatever rotated meanwhile).
//
// One case is told a little differently: a `new msg N` logged twice (its
// preprocessing tried again) with a rotation between the two lines is one
// message to the one reader, timed from the first line; the part after the
// rotation times it from the second.
import type { LoggedDelivery, LoggedMessage, MatchupSink, PartStart, UnmatchedResult } from './matchup.js';
import type { SummaryBuilder } from './summary.js';

export interface PartFragments {
  /** Final results (success, failure) of attempts of continued messages, with the message as the part knew it then. */
  results: Array<{ m: LoggedMessage; d: LoggedDelivery }>;
  /** Continued messages that ended (or lost their id) in the part. */
  ended: LoggedMessage[];
  /** Results whose start is before the part and before its first restart. */
  unmatched: UnmatchedResult[];
}

/** What a later part posts back: its own counts, its fragments, its state at the end. */
export interface PartOutcome {
  summary: SummaryBuilder;
  fragments: PartFragments;
  start: PartStart;
  open: LoggedMessage[];
  pending: Array<{ m: LoggedMessage; d: LoggedDelivery }>;
}

/** The sink of a later part: counts what it can, keeps the fragments. */
export function partSink(summary: SummaryBuilder, fragments: PartFragments): MatchupSink {
  return {
    message: (m) => (m.continued ? fragments.ended.push(m) : summary.message(m)),
    result: (m, d) => (m.continued && (d.result === 'success' || d.result === 'failure') ? fragments.results.push({ m, d: { ...d } }) : summary.result(m, d)),
    status: (s) => summary.status(s),
    unmatched: (u) => (u.phase !== undefined && u.phase < 2 ? fragments.unmatched.push(u) : summary.unmatched(u)),
  };
}

export function emptyFragments(): PartFragments {
  return { results: [], ended: [], unmatched: [] };
}

/** The log's state between two parts: what one reader would hold there. */
export interface JoinState {
  open: Map<number, LoggedMessage>;
  pending: Map<number, { m: LoggedMessage; d: LoggedDelivery }>;
  lastD: number;
}

function hasContent(m: LoggedMessage): boolean {
  return m.infoPos >= 0 || m.attempts > 0 || m.beganBeforeLog;
}

/**
 * Join one later part to the state before it: the fragments counted into
 * `summary` (which already holds the earlier parts), its own counts added,
 * and the state after it returned.
 */
export function joinPart(summary: SummaryBuilder, st: JoinState, part: PartOutcome): JoinState {
  summary.mergeFrom(part.summary);
  // A continued message is the one of that id open before the part, with what the part learnt of it.
  const joined = new Map<number, LoggedMessage>();
  /** The message open before the part → the one it is now (attempts still waiting point to it). */
  const became = new Map<LoggedMessage, LoggedMessage>();
  const join = (m: LoggedMessage): LoggedMessage => {
    if (!m.continued) return m;
    const hit = joined.get(m.id);
    if (hit) {
      hit.ended = m.ended;
      hit.lost = m.lost;
      return hit;
    }
    const prev = st.open.get(m.id);
    let out: LoggedMessage;
    if (!prev) out = { ...m, continued: false };
    else {
      st.open.delete(m.id);
      out = { ...prev, ended: m.ended, lost: m.lost, attempts: prev.attempts + m.attempts, endPos: m.endPos };
      if (m.infoPos >= 0) Object.assign(out, { bytes: m.bytes, sender: m.sender, qp: m.qp, uid: m.uid, infoPos: m.infoPos, received: prev.received ?? m.received });
    }
    joined.set(m.id, out);
    if (prev) became.set(prev, out);
    return out;
  };
  for (const { m, d } of part.fragments.results) {
    // The result as counted then: the message's size and arrival as they were at that line.
    const j = join(m);
    summary.result({ ...j, bytes: j.bytes ?? m.bytes, received: j.received ?? m.received }, d);
  }

  // Results of attempts started before the part, up to its first restart.
  const lose = (why: string): void => {
    for (const p of st.pending.values()) {
      p.d.lost = why;
      summary.result(p.m, p.d);
    }
    st.pending.clear();
  };
  const f = part.start.firstStart;
  // At the part's first start: a number not above the last one means qmail-send started again.
  let firstChecked = f === null;
  const checkFirst = (): void => {
    if (firstChecked) return;
    firstChecked = true;
    if (f! <= st.lastD || st.pending.has(f!)) lose('qmail-send was restarted before its result was logged');
  };
  let restartDone = part.start.restart === null;
  for (const u of part.fragments.unmatched) {
    if ((u.phase ?? 0) >= 1) checkFirst();
    const hit = st.pending.get(u.n);
    if (!hit) {
      summary.unmatched(u);
      continue;
    }
    st.pending.delete(u.n);
    const d: LoggedDelivery = { ...hit.d, result: u.result, finished: u.time, text: u.text, raw: u.text, resultPos: u.pos };
    summary.result(hit.m, d);
  }
  checkFirst();
  if (!restartDone) {
    lose(part.start.restart!);
    restartDone = true;
  }

  for (const m of part.fragments.ended) summary.message(join(m));
  // A message open before the part whose id the part hands to a new message: it left unseen.
  if (part.start.newFirst.length && st.open.size) {
    const fresh = new Set(part.start.newFirst);
    for (const [id, m] of st.open) {
      if (!fresh.has(id)) continue;
      st.open.delete(id);
      if (hasContent(m)) {
        m.lost = 'its id was given to a new message before an "end msg" line was logged';
        summary.message(m);
      }
    }
  }

  const open = new Map(st.open);
  for (const m of part.open) open.set(m.id, join(m));
  const pending = new Map<number, { m: LoggedMessage; d: LoggedDelivery }>();
  for (const [n, p] of st.pending) pending.set(n, { m: became.get(p.m) ?? p.m, d: p.d });
  // (A message and its attempts came in one structured clone: they are still the same objects.)
  for (const p of part.pending) pending.set(p.d.n, { m: join(p.m), d: p.d });
  return { open, pending, lastD: part.start.movedD ? part.start.lastD : st.lastD };
}

