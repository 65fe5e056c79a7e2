// Time as qmail's loggers write it. multilog's `t` prefixes each line with
// `@` and a TAI64N label: 16 hex digits of seconds (2^62 + TAI seconds) and
// 8 of nanoseconds. daemontools takes TAI as UTC + 10 s (the 1970 offset,
// no leap-second table): tai64n writes 2^62 + 10 + time(), tai64nlocal
// subtracts the same, so that is what a label means here. splogger writes
// `SECONDS.MICRO` (gettimeofday) at the front of each syslog message.

/** A logged instant: Unix seconds and nanoseconds, exact (no float rounding of the fraction). */
export interface LogTime {
  s: number;
  ns: number;
}

const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX[97 + i] = 10 + i;
  HEX[65 + i] = 10 + i;
}

/** 2^62 / 2^32: the high word of a label's seconds for 1970. */
const HIGH_1970 = 0x40000000;
const TWO32 = 4294967296;
/** daemontools' TAI - UTC. */
const TAI_OFFSET = 10;

function hexWord(buf: Uint8Array, at: number): number {
  let v = 0;
  for (let i = at; i < at + 8; i++) {
    const d = HEX[buf[i]];
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

/**
 * The TAI64N label at buf[at] (the 24 hex digits after `@`), or null when
 * those bytes are not one. Labels before 1970 or after 2^53 seconds are
 * refused (no log line carries them).
 */
export function parseTai64nAt(buf: Uint8Array, at: number): LogTime | null {
  if (at + 24 > buf.length) return null;
  const hi = hexWord(buf, at);
  const lo = hexWord(buf, at + 8);
  const ns = hexWord(buf, at + 16);
  if (hi < 0 || lo < 0 || ns < 0 || ns > 999999999) return null;
  const high = hi - HIGH_1970;
  if (high < 0 || high > 0x1fffff) return null;
  const s = high * TWO32 + lo - TAI_OFFSET;
  if (s < 0) return null;
  return { s, ns };
}

/** `@4000...` as text (with or without the `@`). */
export function parseTai64n(label: string): LogTime | null {
  const hex = label.startsWith('@') ? label.slice(1) : label;
  if (hex.length !== 24) return null;
  return parseTai64nAt(Buffer.from(hex, 'latin1'), 0);
}

/** The label multilog would write for this instant (for rotated file names and generated logs). */
export function formatTai64n(t: LogTime): string {
  const secs = t.s + TAI_OFFSET;
  const hi = HIGH_1970 + Math.floor(secs / TWO32);
  const lo = secs % TWO32;
  return '@' + hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0') + t.ns.toString(16).padStart(8, '0');
}

/** splogger's `SECONDS.MICRO` at buf[at..end); null when it is not one. */
export function parseSploggerStamp(buf: Uint8Array, at: number, end: number): LogTime | null {
  let s = 0;
  let i = at;
  while (i < end && buf[i] >= 48 && buf[i] <= 57) s = s * 10 + (buf[i++] - 48);
  if (i === at || i >= end || buf[i] !== 46 /* . */ || i - at > 15) return null;
  const dot = ++i;
  let us = 0;
  while (i < end && buf[i] >= 48 && buf[i] <= 57 && i - dot < 9) us = us * 10 + (buf[i++] - 48);
  const digits = i - dot;
  if (digits === 0 || i !== end) return null;
  return { s, ns: us * 10 ** (9 - digits) };
}

export function compareTime(a: LogTime, b: LogTime): number {
  return a.s !== b.s ? a.s - b.s : a.ns - b.ns;
}

/** Seconds (with fraction) from a to b. */
export function secondsBetween(a: LogTime, b: LogTime): number {
  return b.s - a.s + (b.ns - a.ns) / 1e9;
}

export function timeFromMs(ms: number): LogTime {
  const s = Math.floor(ms / 1000);
  return { s, ns: Math.round((ms - s * 1000) * 1e6) };
}

export function timeToMs(t: LogTime): number {
  return t.s * 1000 + t.ns / 1e6;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** ISO-8601 in UTC, the fraction as logged without trailing zeros: 2026-11-25T10:00:00.2Z. */
export function isoTime(t: LogTime): string {
  const d = new Date(t.s * 1000);
  const base = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  if (t.ns === 0) return base + 'Z';
  return base + '.' + String(t.ns).padStart(9, '0').replace(/0+$/, '') + 'Z';
}

/**
 * Local time (the TZ of the process) as tai64nlocal prints it:
 * `YYYY-MM-DD HH:MM:SS.nnnnnnnnn`; `digits` shortens the fraction (0: none).
 */
export function localTime(t: LogTime, digits = 9): string {
  const d = new Date(t.s * 1000);
  const base = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  if (digits <= 0) return base;
  return base + '.' + String(t.ns).padStart(9, '0').slice(0, digits);
}
