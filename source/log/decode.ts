// From a raw log line to a qmail-send event and its time, per logger:
// - multilog `t`: `@` + TAI64N label + space, then qmail-send's text; a line
//   without a label (multilog run without `t`) has no time; a line written
//   by accustamp or copied from splogger (`SECONDS.MICRO text`) keeps that.
// - syslog through splogger: `<syslog header> TAG: SECONDS.MICRO text`, or
//   `TAG[pid]:`; splogger cuts a text at 799 bytes and goes on in a new
//   syslog message `SECONDS.MICRO+rest` with the same stamp [splogger.c];
//   lines of other programs are not qmail-send's and are passed over.
// The time is read from the line only when the event is kept (a summary
// never needs the time of a status line).
import { parseSendLine, type SendVisitor } from './events.js';
import type { LineHandler } from './reader.js';
import { parseSploggerStamp, parseTai64nAt, type LogTime } from './tai64n.js';
import type { LogFormat } from './find.js';

/** Where decoded lines go: the matchup (its `pos` and `clock` are set for each line). */
export interface DecodeTarget extends SendVisitor {
  pos: number;
  clock: () => LogTime | null;
}

export interface LineSink {
  target: DecodeTarget;
  skip(segment: number, line: number, reason: string, pos: number): void;
}

/** splogger's buffer holds 799 characters; a longer text continues in the next syslog message. */
const SPLOGGER_PIECE = 799;

function digit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export interface Decoder {
  handler: LineHandler;
  flush: () => void;
  /** A syslog text of 799 bytes waits for its continuation line. */
  holding: () => boolean;
}

export function multilogDecoder(sink: LineSink): Decoder {
  const t = sink.target;
  let cur: Buffer = Buffer.alloc(0);
  let stampAt = -1;
  let sploggerEnd = -1;
  t.clock = () => (stampAt < 0 ? null : sploggerEnd < 0 ? parseTai64nAt(cur, stampAt) : parseSploggerStamp(cur, stampAt, sploggerEnd));
  const handler: LineHandler = (buf, start, end, pos, line, segment, truncated) => {
    if (truncated) {
      sink.skip(segment, line, 'truncated last line (no newline)', pos);
      return;
    }
    let at = start;
    stampAt = -1;
    sploggerEnd = -1;
    if (buf[start] === 64 /* @ */ && end - start >= 26 && buf[start + 25] === 32) {
      // Parsed only when asked; a label that is not hex gives the line no time.
      stampAt = start + 1;
      at = start + 26;
    } else if (digit(buf[start])) {
      const sp = buf.indexOf(32, start);
      if (sp > start && sp < end && sp - start <= 26 && parseSploggerStamp(buf, start, sp)) {
        stampAt = start;
        sploggerEnd = sp;
        at = sp + 1;
      }
    }
    cur = buf;
    t.pos = pos;
    const reason = parseSendLine(buf, at, end, t);
    if (reason !== null) sink.skip(segment, line, reason, pos);
  };
  return { handler, flush: () => {}, holding: () => false };
}

export function syslogDecoder(tag: string, sink: LineSink): Decoder {
  const t = sink.target;
  const plain = Buffer.from(` ${tag}: `, 'latin1');
  const withPid = Buffer.from(` ${tag}[`, 'latin1');
  let time: LogTime | null = null;
  t.clock = () => time;
  // A text cut at 799 bytes waits for its continuation.
  let held: { text: Buffer; time: LogTime; pos: number; segment: number; line: number; stamp: string } | null = null;
  const emit = (buf: Buffer, at: number, end: number, when: LogTime, pos: number, segment: number, line: number): void => {
    time = when;
    t.pos = pos;
    const reason = parseSendLine(buf, at, end, t);
    if (reason !== null) sink.skip(segment, line, reason, pos);
  };
  const flush = (): void => {
    if (!held) return;
    const h = held;
    held = null;
    emit(h.text, 0, h.text.length, h.time, h.pos, h.segment, h.line);
  };
  const handler: LineHandler = (buf, start, end, pos, line, segment, truncated) => {
    let at = -1;
    const a = buf.indexOf(plain, start);
    if (a >= 0 && a < end) at = a + plain.length;
    else {
      const b = buf.indexOf(withPid, start);
      if (b >= 0 && b < end) {
        const close = buf.indexOf(']: ', b + withPid.length, 'latin1');
        if (close >= 0 && close < end) at = close + 3;
      }
    }
    // Another program's line: not qmail-send's, not counted as skipped.
    if (at < 0) return;
    if (truncated) {
      flush();
      sink.skip(segment, line, 'truncated last line (no newline)', pos);
      return;
    }
    let sp = at;
    while (sp < end && (digit(buf[sp]) || buf[sp] === 46)) sp++;
    const when = sp < end ? parseSploggerStamp(buf, at, sp) : null;
    if (!when || (buf[sp] !== 32 && buf[sp] !== 43)) {
      flush();
      sink.skip(segment, line, `tagged "${tag}" but without splogger's SECONDS.MICRO stamp`, pos);
      return;
    }
    const stamp = buf.toString('latin1', at, sp);
    const body = sp + 1;
    if (buf[sp] === 43 /* + */) {
      if (held && held.stamp === stamp) {
        held.text = Buffer.concat([held.text, buf.subarray(body, end)]);
        if (end - body < SPLOGGER_PIECE) flush();
        return;
      }
      flush();
      sink.skip(segment, line, 'splogger continuation without the line it continues', pos);
      return;
    }
    flush();
    if (end - body >= SPLOGGER_PIECE) {
      held = { text: Buffer.from(buf.subarray(body, end)), time: when, pos, segment, line, stamp };
      return;
    }
    emit(buf, body, end, when, pos, segment, line);
  };
  return { handler, flush, holding: () => held !== null };
}

export function decoderFor(format: LogFormat, tag: string | null, sink: LineSink): Decoder {
  if (format === 'syslog') return syslogDecoder(tag ?? 'qmail', sink);
  return multilogDecoder(sink);
}
