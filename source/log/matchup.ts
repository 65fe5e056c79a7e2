// qmail-send's log lines joined into messages and delivery attempts, as
// qmailanalog's matchup does, with what matchup leaves out made explicit:
// - message ids are inode numbers and are handed out again as soon as a
//   message leaves the queue: `new msg N` ... `end msg N` is one message,
//   and a later `new msg N` another;
// - a message whose `new msg` is older than the log's first line (a
//   delivery, a bounce or an end for an unknown id) "began before the log";
// - a delivery number D belongs to one qmail-send run: a run starts
//   numbering at 1 again, so `status: exiting`, or a D not above the last
//   one, ends every attempt still waiting for its result;
// - `bounce msg N qp Q` names the qp of the bounce message, whose own
//   `info msg` line (qp Q) comes later; a forward's "did 0+1+0/qp Q" names
//   the qp of the copy; `triple bounce: discarding bounce/N` ends the chain.
import type { Channel, DeliveryResult, SendVisitor } from './events.js';
import { parseDid, unsafeText } from './events.js';
import type { LogTime } from './tai64n.js';

export interface LoggedDelivery {
  /** The delivery number D of `starting delivery D`. */
  n: number;
  channel: Channel;
  /** As logged: the recipient as qmail-send handed it to qmail-lspawn/rspawn (already rewritten). */
  recipient: string;
  started: LogTime | null;
  finished: LogTime | null;
  result: DeliveryResult | null;
  /** The result text as logged (logsafe'd), null while there is none. */
  raw: string | null;
  /** The text as qmail-local or qmail-remote wrote it (`_` and the final `/` undone). */
  text: string | null;
  /** Why no result line will come (qmail-send restarted or exited); null otherwise. */
  lost: string | null;
  /** A forward's copy: the qp qmail-local named, and the id of that message once its info line is read. */
  forwardQp: number | null;
  forwardId: number | null;
  /** Log positions (see LinePosition) of the start and result lines; -1 when absent. */
  startPos: number;
  resultPos: number;
}

export interface LoggedMessage {
  /** Which log it came from (index into the reader's logs). */
  log: number;
  id: number;
  received: LogTime | null;
  ended: LogTime | null;
  sender: string | null;
  bytes: number | null;
  qp: number | null;
  uid: number | null;
  beganBeforeLog: boolean;
  /** qp of the bounce this message produced (`bounce msg N qp Q`). */
  bounceQp: number | null;
  /** The bounce message's id, once its `info msg ... qp Q` line is read. */
  bounceId: number | null;
  /** This message is the bounce (or double bounce) of that message id. */
  bounceOf: number | null;
  /** A forward's copy of that message id. */
  forwardOf: number | null;
  /** `triple bounce: discarding bounce/N`: its bounce was thrown away. */
  tripleBounce: boolean;
  /** Why it has no `end msg` line when it should have one (its id was reused). */
  lost: string | null;
  deliveries: LoggedDelivery[];
  /** Attempts started (deliveries.length, also when they are not kept). */
  attempts: number;
  /** Positions of its own lines: new msg, info msg, bounce or triple bounce, end msg (-1: absent). */
  newPos: number;
  infoPos: number;
  bouncePos: number;
  endPos: number;
  /** Position of its first line in the log: the order messages are told in. */
  firstPos: number;
  /** Read in a later part of the log on its own: its earlier lines are in the part before (see MatchupOptions.part). */
  continued: boolean;
}

/** A status line as the sink sees it: the same object each time, so read it during the call and keep nothing of it. */
export interface StatusSample {
  log: number;
  /** The line's time, read only when asked (millions of status lines; a summary rarely needs their time). */
  time: () => LogTime | null;
  localUsed: number;
  localMax: number;
  remoteUsed: number;
  remoteMax: number;
}

export interface UnmatchedResult {
  log: number;
  /**
   * Part mode only: where the line is in its part: 0 before the part's first
   * `starting delivery`, 1 after it, 2 after qmail-send restarted or exited
   * (from then on no attempt of the part before can get its result).
   */
  phase?: 0 | 1 | 2;
  n: number;
  time: LogTime | null;
  result: DeliveryResult;
  text: string;
  pos: number;
}

export interface MatchupSink {
  /** A message whose story is complete (or cut off at the end of the log). */
  message?(m: LoggedMessage): void;
  /** Each attempt as its result line is read (or it is found lost), before its message ends. */
  result?(m: LoggedMessage, d: LoggedDelivery, pos: number): void;
  status?(s: StatusSample): void;
  /** A result line whose `starting delivery` is older than the log. */
  unmatched?(u: UnmatchedResult): void;
}

export interface MatchupOptions {
  /**
   * Tell messages in the order of their first line (contract.md), holding a
   * finished message until every earlier one has finished. Off: each as it
   * ends (what a summary needs, with nothing held).
   */
  ordered?: boolean;
  /** Keep each message's deliveries in it (off for a summary: results go to sink.result only). */
  keepDeliveries?: boolean;
  /**
   * Make every string the JSON and the stories show (senders, success texts)
   * and follow the qp links; off for a summary, which needs only recipients
   * and the texts of deferrals and failures.
   */
  strings?: boolean;
  /**
   * A later part of a log, read on its own while the part before is read
   * in another thread (a summary of a big log): a message first met in the
   * part without its `new msg` is `continued`, unmatched results carry
   * their phase, and the part keeps what the merge needs (the ids whose
   * first line here is `new msg`, the first delivery number, the first
   * restart). See summary-parts.ts.
   */
  part?: boolean;
}

/** What a part read on its own tells the merge about its beginning (MatchupOptions.part). */
export interface PartStart {
  /** Ids whose first line in the part is `new msg` (a message of the part before with that id ended unseen). */
  newFirst: number[];
  /** The number of the part's first `starting delivery`, or null. */
  firstStart: number | null;
  /** Why attempts of the part before can no longer get a result: the part's first restart or exit; null when none. */
  restart: string | null;
  /** The last delivery number when the part ends, and whether the part set it at all. */
  lastD: number;
  movedD: boolean;
}

const RESTARTED = 'qmail-send was restarted before its result was logged';
const EXITED = 'qmail-send exited before its result was logged';

/** How long a message waits for the info line of its bounce or forward copy before it is told anyway (lines). */
const LINK_WAIT_LINES = 4096;

export class Matchup implements SendVisitor {
  private readonly open = new Map<number, LoggedMessage>();
  private readonly dels = new Map<number, { m: LoggedMessage; d: LoggedDelivery }>();
  private lastD = 0;
  /** qp → the message waiting to learn the id of the message with that qp. */
  private readonly qpWait = new Map<number, { m: LoggedMessage; d: LoggedDelivery | null; until: number }>();
  /** Messages in order of first line, for ordered output. */
  private readonly order: LoggedMessage[] = [];
  private orderHead = 0;
  private readonly done = new Set<LoggedMessage>();
  private lines = 0;
  private readonly ordered: boolean;
  private readonly keep: boolean;
  private readonly strings: boolean;

  constructor(
    private readonly log: number,
    private readonly sink: MatchupSink,
    opts: MatchupOptions = {},
  ) {
    this.ordered = opts.ordered ?? true;
    this.keep = opts.keepDeliveries ?? true;
    this.strings = opts.strings ?? true;
    this.seenIds = opts.part ? new Set() : null;
  }

  /** Part mode: every id met in the part, and what the merge needs of its beginning. */
  private readonly seenIds: Set<number> | null;
  readonly partStart: PartStart = { newFirst: [], firstStart: null, restart: null, lastD: 0, movedD: false };
  private phase: 0 | 1 | 2 = 0;

  /**
   * Go on from a state the merge of earlier parts built: these messages
   * open, these attempts waiting for their results, qmail-send's last
   * delivery number (unordered matchups only: a summary).
   */
  restore(open: LoggedMessage[], pending: Array<{ m: LoggedMessage; d: LoggedDelivery }>, lastD: number): void {
    this.open.clear();
    this.dels.clear();
    for (const m of open) this.open.set(m.id, m);
    for (const p of pending) this.dels.set(p.d.n, p);
    this.lastD = lastD;
  }

  private fresh(id: number, pos: number, beganBeforeLog: boolean): LoggedMessage {
    const m: LoggedMessage = {
      log: this.log,
      id,
      received: null,
      ended: null,
      sender: null,
      bytes: null,
      qp: null,
      uid: null,
      beganBeforeLog,
      bounceQp: null,
      bounceId: null,
      bounceOf: null,
      forwardOf: null,
      tripleBounce: false,
      lost: null,
      deliveries: [],
      attempts: 0,
      newPos: -1,
      infoPos: -1,
      bouncePos: -1,
      endPos: -1,
      firstPos: pos,
      continued: false,
    };
    this.open.set(id, m);
    if (this.ordered) this.order.push(m);
    return m;
  }

  /** The open message N, or one that began before the log. */
  private known(id: number, pos: number): LoggedMessage {
    const m = this.open.get(id);
    if (m) return m;
    const before = this.fresh(id, pos, true);
    if (this.seenIds && !this.seenIds.has(id)) {
      this.seenIds.add(id);
      before.continued = true;
    }
    return before;
  }

  private finish(m: LoggedMessage): void {
    if (this.open.get(m.id) === m) this.open.delete(m.id);
    if (!this.ordered) {
      if (!this.waiting(m)) this.sink.message?.(m);
      else this.done.add(m);
      return;
    }
    this.done.add(m);
    this.flushOrdered();
  }

  private waiting(m: LoggedMessage): boolean {
    if (this.qpWait.size === 0) return false;
    for (const w of this.qpWait.values()) if (w.m === m) return true;
    return false;
  }

  private flushOrdered(): void {
    while (this.orderHead < this.order.length) {
      const m = this.order[this.orderHead];
      if (!this.done.has(m) || this.waiting(m)) break;
      this.done.delete(m);
      this.orderHead++;
      this.sink.message?.(m);
    }
    if (this.orderHead > 1024 && this.orderHead * 2 > this.order.length) {
      this.order.splice(0, this.orderHead);
      this.orderHead = 0;
    }
  }

  private release(qp: number): void {
    const w = this.qpWait.get(qp);
    if (!w) return;
    this.qpWait.delete(qp);
    if (!this.done.has(w.m)) return;
    if (this.ordered) this.flushOrdered();
    else if (!this.waiting(w.m)) {
      this.done.delete(w.m);
      this.sink.message?.(w.m);
    }
  }

  private loseOpen(reason: string): void {
    for (const { m, d } of this.dels.values()) {
      d.lost = reason;
      this.sink.result?.(m, d, -1);
    }
    this.dels.clear();
  }

  /** Position of the line being handed over (set by the decoder before each line). */
  pos = -1;
  /** Its time, read from the line only when it is kept (status lines never need theirs). */
  clock: () => LogTime | null = () => null;

  private tick(): void {
    this.lines++;
    if (this.qpWait.size > 0 && (this.lines & 255) === 0) this.expireWaits();
  }

  newMsg(id: number): void {
    this.tick();
    const old = this.open.get(id);
    if (old && (old.infoPos >= 0 || old.attempts > 0 || old.beganBeforeLog)) {
      // The inode was freed and handed out again: the old message left without an end line we can see.
      old.lost = 'its id was given to a new message before an "end msg" line was logged';
      this.finish(old);
    } else if (old) {
      // Preprocessing failed and was tried again: the same message, logged "new" twice.
      return;
    }
    if (this.seenIds && !this.seenIds.has(id)) {
      this.seenIds.add(id);
      this.partStart.newFirst.push(id);
    }
    const m = this.fresh(id, this.pos, false);
    m.newPos = this.pos;
    m.received = this.clock();
  }

  info(id: number, bytes: number, buf: Buffer, senderAt: number, senderEnd: number, qp: number, uid: number): void {
    this.tick();
    const m = this.known(id, this.pos);
    m.infoPos = this.pos;
    if (m.received === null) m.received = this.clock();
    m.bytes = bytes;
    m.sender = this.strings ? buf.toString('latin1', senderAt, senderEnd) : '';
    m.qp = qp;
    m.uid = uid;
    const w = this.qpWait.get(qp);
    if (w) {
      if (w.d) {
        w.d.forwardId = m.id;
        m.forwardOf = w.m.id;
      } else {
        w.m.bounceId = m.id;
        m.bounceOf = w.m.id;
      }
      this.release(qp);
    }
  }

  start(n: number, id: number, channel: Channel, buf: Buffer, rAt: number, rEnd: number): void {
    this.tick();
    if (n <= this.lastD || this.dels.has(n)) {
      // Numbers start at 1 in each qmail-send run: the run before ended (or died) with these unanswered.
      this.loseOpen(RESTARTED);
      this.restarted(RESTARTED);
    }
    if (this.partStart.firstStart === null) {
      this.partStart.firstStart = n;
      if (this.phase === 0) this.phase = 1;
    }
    this.lastD = n;
    this.partStart.lastD = n;
    this.partStart.movedD = true;
    const m = this.known(id, this.pos);
    m.attempts++;
    const d: LoggedDelivery = {
      n,
      channel,
      recipient: buf.toString('latin1', rAt, rEnd),
      started: this.keep ? this.clock() : null,
      finished: null,
      result: null,
      raw: null,
      text: null,
      lost: null,
      forwardQp: null,
      forwardId: null,
      startPos: this.pos,
      resultPos: -1,
    };
    if (this.keep) m.deliveries.push(d);
    this.dels.set(n, { m, d });
  }

  result(n: number, result: DeliveryResult, buf: Buffer, tAt: number, tEnd: number): void {
    this.tick();
    const hit = this.dels.get(n);
    const time = this.clock();
    const needText = this.strings || result !== 'success';
    const raw = tAt < 0 ? 'report_mangled,_will_defer' : needText ? buf.toString('latin1', tAt, tEnd) : '';
    const text = tAt < 0 ? 'report mangled, will defer' : needText ? unsafeText(raw) : '';
    if (!hit) {
      this.sink.unmatched?.({ log: this.log, n, time, result, text, pos: this.pos, ...(this.seenIds ? { phase: this.phase } : {}) });
      return;
    }
    this.dels.delete(n);
    const { m, d } = hit;
    d.finished = time;
    d.result = result;
    d.raw = raw;
    d.text = text;
    d.resultPos = this.pos;
    if (this.strings && result === 'success' && d.channel === 'local' && text.startsWith('did ')) {
      const did = parseDid(text);
      if (did && did.qp !== null) {
        d.forwardQp = did.qp;
        this.qpWait.set(did.qp, { m, d, until: this.lines + LINK_WAIT_LINES });
      }
    }
    this.sink.result?.(m, d, this.pos);
  }

  bounce(id: number, qp: number): void {
    this.tick();
    const m = this.known(id, this.pos);
    m.bounceQp = qp;
    m.bouncePos = this.pos;
    if (this.strings) this.qpWait.set(qp, { m, d: null, until: this.lines + LINK_WAIT_LINES });
  }

  triple(id: number): void {
    this.tick();
    const m = this.known(id, this.pos);
    m.tripleBounce = true;
    m.bouncePos = this.pos;
  }

  end(id: number): void {
    this.tick();
    const m = this.known(id, this.pos);
    m.ended = this.clock();
    m.endPos = this.pos;
    this.finish(m);
  }

  /** One sample object for every status line (a third of a log's lines): valid only during the sink's call. */
  private readonly sample: StatusSample = { log: 0, time: () => null, localUsed: 0, localMax: 0, remoteUsed: 0, remoteMax: 0 };

  status(localUsed: number, localMax: number, remoteUsed: number, remoteMax: number): void {
    this.tick();
    if (!this.sink.status) return;
    const s = this.sample;
    s.log = this.log;
    s.time = this.clock;
    s.localUsed = localUsed;
    s.localMax = localMax;
    s.remoteUsed = remoteUsed;
    s.remoteMax = remoteMax;
    this.sink.status(s);
  }

  exiting(): void {
    this.tick();
    this.loseOpen(EXITED);
    this.restarted(EXITED);
    this.lastD = 0;
    this.partStart.lastD = 0;
    this.partStart.movedD = true;
  }

  private restarted(why: string): void {
    if (this.phase === 2) return;
    this.phase = 2;
    this.partStart.restart = why;
  }

  note(): void {
    this.tick();
  }

  private expireWaits(): void {
    for (const [qp, w] of this.qpWait) if (w.until < this.lines) this.release(qp);
  }

  /** The log ended: tell every message still open, in order, with what is known. */
  finishLog(): void {
    const waits = [...this.qpWait.keys()];
    this.qpWait.clear();
    void waits;
    for (const m of [...this.open.values()]) {
      this.open.delete(m.id);
      if (!this.ordered) this.sink.message?.(m);
      else this.done.add(m);
    }
    if (!this.ordered) {
      for (const m of this.done) this.sink.message?.(m);
      this.done.clear();
    } else this.flushOrdered();
  }

  /** Attempts waiting for a result now (for --follow and the TUI's live view). */
  pending(): Array<{ m: LoggedMessage; d: LoggedDelivery }> {
    return [...this.dels.values()];
  }

  /** qmail-send's last delivery number so far (a part's merge goes on from it). */
  get lastDelivery(): number {
    return this.lastD;
  }

  /** Messages not yet ended. */
  openMessages(): LoggedMessage[] {
    return [...this.open.values()];
  }
}
