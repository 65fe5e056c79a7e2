// One qmail-send log line (its text after the logger's time stamp) as an
// event, exactly as qmail-send.c writes them (qmail-log(5)):
//   new msg M
//   info msg M: bytes B from <S> qp Q uid U
//   starting delivery D: msg M to local|remote R
//   delivery D: success|deferral|failure: TEXT
//   delivery D: report mangled, will defer
//   bounce msg M qp Q
//   triple bounce: discarding bounce/M
//   end msg M
//   status: local l/L remote r/R [exiting]     status: exiting
//   warning: ...   alert: ...
// Sender, recipient and TEXT went through qsutil.c's logsafe(): a newline
// became `/`, and a space, a control byte, a byte above 126 or `%` became
// `_`. Parsed from the bytes (a big log has millions of lines); strings are
// made only for the fields kept.

export type DeliveryResult = 'success' | 'deferral' | 'failure';
export type Channel = 'local' | 'remote';

export type SendEvent =
  | { k: 'new'; id: number }
  | { k: 'info'; id: number; bytes: number; sender: string; qp: number; uid: number }
  | { k: 'start'; d: number; id: number; channel: Channel; recipient: string }
  | { k: 'result'; d: number; result: DeliveryResult; raw: string }
  /** "report mangled, will defer": a deferral without a text. */
  | { k: 'mangled'; d: number }
  | { k: 'bounce'; id: number; qp: number }
  | { k: 'triple'; id: number }
  | { k: 'end'; id: number }
  | { k: 'status'; localUsed: number; localMax: number; remoteUsed: number; remoteMax: number; exiting: boolean }
  | { k: 'exiting' }
  | { k: 'note'; level: 'warning' | 'alert'; text: string };

const lit = (s: string): Buffer => Buffer.from(s, 'latin1');
const NEW = lit('new msg ');
const INFO = lit('info msg ');
const BYTES = lit(': bytes ');
const FROM = lit(' from <');
const QP = lit('> qp ');
const UID = lit(' uid ');
const STARTING = lit('starting delivery ');
const MSG = lit(': msg ');
const TO_LOCAL = lit(' to local ');
const TO_REMOTE = lit(' to remote ');
const DELIVERY = lit('delivery ');
const SUCCESS = lit(': success: ');
const DEFERRAL = lit(': deferral: ');
const FAILURE = lit(': failure: ');
const MANGLED = lit(': report mangled, will defer');
const BOUNCE = lit('bounce msg ');
const SP_QP = lit(' qp ');
const TRIPLE = lit('triple bounce: discarding bounce/');
const END = lit('end msg ');
const STATUS = lit('status: ');
const LOCAL = lit('local ');
const REMOTE = lit(' remote ');
const EXITING = lit('exiting');
const SP_EXITING = lit(' exiting');
const WARNING = lit('warning: ');
const ALERT = lit('alert: ');

function has(buf: Uint8Array, at: number, end: number, l: Buffer): boolean {
  if (at + l.length > end) return false;
  for (let i = 0; i < l.length; i++) if (buf[at + i] !== l[i]) return false;
  return true;
}

/** Cursor for an unsigned decimal read: the value and where it stopped (-1: no digit). */
let numEnd = 0;
function num(buf: Uint8Array, at: number, end: number): number {
  let v = 0;
  let i = at;
  while (i < end && buf[i] >= 48 && buf[i] <= 57 && i - at < 16) v = v * 10 + (buf[i++] - 48);
  numEnd = i === at ? -1 : i;
  return v;
}

/** What a parsed line tells, handed over without building an object: a log has millions of lines. */
export interface SendVisitor {
  newMsg(id: number): void;
  /** The sender is buf[senderAt..senderEnd) (without its <>). */
  info(id: number, bytes: number, buf: Buffer, senderAt: number, senderEnd: number, qp: number, uid: number): void;
  start(d: number, id: number, channel: Channel, buf: Buffer, rAt: number, rEnd: number): void;
  /** The text is buf[tAt..tEnd); "report mangled, will defer" comes as a deferral with tAt = -1. */
  result(d: number, result: DeliveryResult, buf: Buffer, tAt: number, tEnd: number): void;
  bounce(id: number, qp: number): void;
  triple(id: number): void;
  end(id: number): void;
  status(localUsed: number, localMax: number, remoteUsed: number, remoteMax: number, exiting: boolean): void;
  exiting(): void;
  note(level: 'warning' | 'alert', buf: Buffer, at: number, end: number): void;
}

const NOT_SEND = 'not a qmail-send line';

/** Parse buf[at..end) (no newline, no time stamp) into the visitor; the reason when it is not a qmail-send line. */
export function parseSendLine(buf: Buffer, at: number, end: number, v: SendVisitor): string | null {
  // Trailing CR or blanks (a syslog relay may add them) are not part of qmail's text.
  while (end > at && (buf[end - 1] === 13 || buf[end - 1] === 32)) end--;
  switch (buf[at]) {
    case 115 /* s */: {
      // "status: " and "starting " part at their fourth byte.
      if (buf[at + 3] === 116 && has(buf, at, end, STATUS)) return parseStatus(buf, at + STATUS.length, end, v);
      if (!has(buf, at, end, STARTING)) return NOT_SEND;
      const d = num(buf, at + STARTING.length, end);
      let i = numEnd;
      if (i < 0 || !has(buf, i, end, MSG)) return 'malformed "starting delivery" line';
      const id = num(buf, i + MSG.length, end);
      i = numEnd;
      if (i < 0) return 'malformed "starting delivery" line';
      let channel: Channel;
      if (has(buf, i, end, TO_LOCAL)) {
        channel = 'local';
        i += TO_LOCAL.length;
      } else if (has(buf, i, end, TO_REMOTE)) {
        channel = 'remote';
        i += TO_REMOTE.length;
      } else return 'malformed "starting delivery" line';
      if (i >= end) return '"starting delivery" line without a recipient';
      v.start(d, id, channel, buf, i, end);
      return null;
    }
    case 100 /* d */: {
      if (!has(buf, at, end, DELIVERY)) return NOT_SEND;
      const d = num(buf, at + DELIVERY.length, end);
      const i = numEnd;
      if (i < 0) return 'malformed "delivery" line';
      if (has(buf, i, end, SUCCESS)) v.result(d, 'success', buf, i + SUCCESS.length, end);
      else if (has(buf, i, end, DEFERRAL)) v.result(d, 'deferral', buf, i + DEFERRAL.length, end);
      else if (has(buf, i, end, FAILURE)) v.result(d, 'failure', buf, i + FAILURE.length, end);
      else if (has(buf, i, end, MANGLED) && i + MANGLED.length === end) v.result(d, 'deferral', buf, -1, -1);
      // qmail-send writes ": success: " even for an empty report; a line cut after the colon is not one.
      else return 'malformed "delivery" line';
      return null;
    }
    case 110 /* n */: {
      if (!has(buf, at, end, NEW)) return NOT_SEND;
      const id = num(buf, at + NEW.length, end);
      if (numEnd !== end) return 'malformed "new msg" line';
      v.newMsg(id);
      return null;
    }
    case 105 /* i */: {
      if (!has(buf, at, end, INFO)) return NOT_SEND;
      return parseInfo(buf, at + INFO.length, end, v);
    }
    case 101 /* e */: {
      if (!has(buf, at, end, END)) return NOT_SEND;
      const id = num(buf, at + END.length, end);
      if (numEnd !== end) return 'malformed "end msg" line';
      v.end(id);
      return null;
    }
    case 98 /* b */: {
      if (!has(buf, at, end, BOUNCE)) return NOT_SEND;
      const id = num(buf, at + BOUNCE.length, end);
      const i = numEnd;
      if (i < 0 || !has(buf, i, end, SP_QP)) return 'malformed "bounce msg" line';
      const qp = num(buf, i + SP_QP.length, end);
      if (numEnd !== end) return 'malformed "bounce msg" line';
      v.bounce(id, qp);
      return null;
    }
    case 116 /* t */: {
      if (!has(buf, at, end, TRIPLE)) return NOT_SEND;
      const id = num(buf, at + TRIPLE.length, end);
      if (numEnd !== end) return 'malformed "triple bounce" line';
      v.triple(id);
      return null;
    }
    case 119 /* w */:
      if (!has(buf, at, end, WARNING)) return NOT_SEND;
      v.note('warning', buf, at + WARNING.length, end);
      return null;
    case 97 /* a */:
      if (!has(buf, at, end, ALERT)) return NOT_SEND;
      v.note('alert', buf, at + ALERT.length, end);
      return null;
    default:
      return NOT_SEND;
  }
}

function parseStatus(buf: Buffer, at: number, end: number, v: SendVisitor): string | null {
  const bad = 'malformed "status" line';
  if (has(buf, at, end, EXITING) && at + EXITING.length === end) {
    v.exiting();
    return null;
  }
  if (!has(buf, at, end, LOCAL)) return bad;
  const localUsed = num(buf, at + LOCAL.length, end);
  let i = numEnd;
  if (i < 0 || buf[i] !== 47) return bad;
  const localMax = num(buf, i + 1, end);
  i = numEnd;
  if (i < 0 || !has(buf, i, end, REMOTE)) return bad;
  const remoteUsed = num(buf, i + REMOTE.length, end);
  i = numEnd;
  if (i < 0 || buf[i] !== 47) return bad;
  const remoteMax = num(buf, i + 1, end);
  i = numEnd;
  if (i < 0) return bad;
  let exiting = false;
  if (i !== end) {
    if (!(has(buf, i, end, SP_EXITING) && i + SP_EXITING.length === end)) return bad;
    exiting = true;
  }
  v.status(localUsed, localMax, remoteUsed, remoteMax, exiting);
  return null;
}

function parseInfo(buf: Buffer, at: number, end: number, v: SendVisitor): string | null {
  const bad = 'malformed "info msg" line';
  const id = num(buf, at, end);
  let i = numEnd;
  if (i < 0 || !has(buf, i, end, BYTES)) return bad;
  const bytes = num(buf, i + BYTES.length, end);
  i = numEnd;
  if (i < 0 || !has(buf, i, end, FROM)) return bad;
  const senderAt = i + FROM.length;
  // The sender may itself hold "> qp ": the fields after it are found from the end.
  const qpAt = buf.lastIndexOf(QP, end - 1);
  if (qpAt < senderAt || qpAt >= end) return bad;
  const qp = num(buf, qpAt + QP.length, end);
  i = numEnd;
  if (i < 0 || !has(buf, i, end, UID)) return bad;
  const uid = num(buf, i + UID.length, end);
  if (numEnd !== end) return bad;
  v.info(id, bytes, buf, senderAt, qpAt, qp, uid);
  return null;
}

export type ParsedLine = SendEvent | { k: 'garbage'; reason: string };

const latin1 = (buf: Buffer, a: number, b: number): string => buf.toString('latin1', a, b);

/** One line as an event object (tests, and anything that wants one line at a time). */
export function parseSendEvent(buf: Buffer, at: number, end: number): ParsedLine {
  let ev: SendEvent | null = null;
  const reason = parseSendLine(buf, at, end, {
    newMsg: (id) => (ev = { k: 'new', id }),
    info: (id, bytes, b, sa, se, qp, uid) => (ev = { k: 'info', id, bytes, sender: latin1(b, sa, se), qp, uid }),
    start: (d, id, channel, b, ra, re) => (ev = { k: 'start', d, id, channel, recipient: latin1(b, ra, re) }),
    result: (d, result, b, ta, te) => (ev = ta < 0 ? { k: 'mangled', d } : { k: 'result', d, result, raw: latin1(b, ta, te) }),
    bounce: (id, qp) => (ev = { k: 'bounce', id, qp }),
    triple: (id) => (ev = { k: 'triple', id }),
    end: (id) => (ev = { k: 'end', id }),
    status: (localUsed, localMax, remoteUsed, remoteMax, exiting) => (ev = { k: 'status', localUsed, localMax, remoteUsed, remoteMax, exiting }),
    exiting: () => (ev = { k: 'exiting' }),
    note: (level, b, a, e) => (ev = { k: 'note', level, text: latin1(b, a, e) }),
  });
  return reason !== null ? { k: 'garbage', reason } : ev!;
}

/**
 * A result's text as qmail-local or qmail-remote wrote it: logsafe's `_`
 * back to spaces and its final `/` (the report's closing newline) dropped.
 * A `_` that stood for another byte, or for `%`, cannot be told from one
 * that stood for a space; `/` inside the text is kept as logged (a newline
 * and a slash look the same).
 */
export function unsafeText(raw: string): string {
  const s = raw.endsWith('/') ? raw.slice(0, -1) : raw;
  return s.includes('_') ? s.replaceAll('_', ' ') : s;
}

/**
 * qmail-local's success report "did F+W+P" (files, forwards, programs)
 * [qmail-local.c], or null when the text is not one.
 */
export function parseDid(text: string): { files: number; forwards: number; programs: number; qp: number | null } | null {
  // "did 0+1+0/qp 12345": after a forward, qmail-local also names the qp of the copy it injected.
  const m = /^did (\d+)\+(\d+)\+(\d+)(?:[\s/]qp (\d+))?(?:[\s/]|$)/.exec(text);
  return m ? { files: Number(m[1]), forwards: Number(m[2]), programs: Number(m[3]), qp: m[4] === undefined ? null : Number(m[4]) } : null;
}
