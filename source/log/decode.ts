// From a raw log line to a qmail-send event and its time, per logger:
// - multilog `t`: `@` + TAI64N label + space, then qmail-send's text; a line
//   without a label (multilog run without `t`) has no time; a line written
//   by accustamp or copied from splogger (`SECONDS.MICRO text`) keeps that.
// - syslog through splogger: `<syslog header> TAG: SECONDS.MICRO text`, or
//   `TAG[pid]:`; splogger cuts a text at 799 bytes and goes on in a new
//   syslog message `SECONDS.MICRO+rest` with the same stamp [splogger.c];
//   lines of other programs are not qmail-send's and are passed over.
import { parseSendLine, type SendEvent } from './events.js';
import type { LineHandler } from './reader.js';
import { parseSploggerStamp, parseTai64nAt, type LogTime } from './tai64n.js';
import type { LogFormat } from './find.js';

export interface LineSink {
  event(ev: SendEvent, time: LogTime | null, pos: number): void;
  skip(segment: number, line: number, reason: string, pos: number): void;
  /** A syslog line of another program (not counted as skipped). */
  other?(): void;
}

/** splogger's buffer holds 799 characters; a longer text continues in the next syslog message. */
const SPLOGGER_PIECE = 799;

function digit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function stampedBody(buf: Buffer, start: number, end: number): { time: LogTime | null; at: number } {
  if (buf[start] === 64 /* @ */ && end - start >= 26 && buf[start + 25] === 32) {
    const t = parseTai64nAt(buf, start + 1);
    if (t) return { time: t, at: start + 26 };
  }
  if (digit(buf[start])) {
    const sp = buf.indexOf(32, start);
    if (sp > start && sp < end && sp - start <= 26) {
      const t = parseSploggerStamp(buf, start, sp);
      if (t) return { time: t, at: sp + 1 };
    }
  }
  return { time: null, at: start };
}

export function multilogDecoder(sink: LineSink): LineHandler {
  return (buf, start, end, pos, line, segment, truncated) => {
    if (truncated) {
      sink.skip(segment, line, 'truncated last line (no newline)', pos);
      return;
    }
    const { time, at } = stampedBody(buf, start, end);
    const p = parseSendLine(buf, at, end);
    if (p.k === 'garbage') sink.skip(segment, line, p.reason, pos);
    else sink.event(p, time, pos);
  };
}

export function syslogDecoder(tag: string, sink: LineSink): { handler: LineHandler; flush: () => void } {
  const plain = Buffer.from(` ${tag}: `, 'latin1');
  const withPid = Buffer.from(` ${tag}[`, 'latin1');
  // A text cut at 799 bytes waits for its continuation.
  let held: { text: Buffer; time: LogTime; pos: number; segment: number; line: number; stamp: string } | null = null;
  const emit = (text: Buffer, time: LogTime, pos: number, segment: number, line: number): void => {
    const p = parseSendLine(text, 0, text.length);
    if (p.k === 'garbage') sink.skip(segment, line, p.reason, pos);
    else sink.event(p, time, pos);
  };
  const flush = (): void => {
    if (!held) return;
    const h = held;
    held = null;
    emit(h.text, h.time, h.pos, h.segment, h.line);
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
    if (at < 0) {
      sink.other?.();
      return;
    }
    if (truncated) {
      flush();
      sink.skip(segment, line, 'truncated last line (no newline)', pos);
      return;
    }
    let sp = at;
    while (sp < end && (digit(buf[sp]) || buf[sp] === 46)) sp++;
    const time = sp < end ? parseSploggerStamp(buf, at, sp) : null;
    if (!time || (buf[sp] !== 32 && buf[sp] !== 43)) {
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
      held = { text: Buffer.from(buf.subarray(body, end)), time, pos, segment, line, stamp };
      return;
    }
    const p = parseSendLine(buf, body, end);
    if (p.k === 'garbage') sink.skip(segment, line, p.reason, pos);
    else sink.event(p, time, pos);
  };
  return { handler, flush };
}

export function decoderFor(format: LogFormat, tag: string | null, sink: LineSink): { handler: LineHandler; flush: () => void } {
  if (format === 'syslog') return syslogDecoder(tag ?? 'qmail', sink);
  return { handler: multilogDecoder(sink), flush: () => {} };
}
