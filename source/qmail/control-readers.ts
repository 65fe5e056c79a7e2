// qmail's three control-file readers (control.c), as pure functions over the
// file's bytes. `null` input means the file does not exist, which qmail
// treats differently from an empty file.
import { isAscii } from 'node:buffer';
import { decodeBytes } from '../sysroot/sysroot.js';

/** ASCII-only lower-casing, as qmail's case_lowerb: bytes above 0x7f are left alone. */
export function lcAscii(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** scan.c scan_ulong: the leading decimal digits as an unsigned long (mod 2^32), 0 when none. */
export function scanUlong(s: string): number {
  const m = /^[0-9]+/.exec(s);
  return m ? Number(m[0]) % 2 ** 32 : 0;
}

/** Case-insensitive compare of A-Z only (case_diffs). */
export function eqAsciiCase(a: string, b: string): boolean {
  return a.length === b.length && lcAscii(a) === lcAscii(b);
}

/** Strip trailing \n, space and tab; carriage return and leading blanks stay (control.c). */
export function stripTrailing(s: string): string {
  let end = s.length;
  while (end > 0) {
    const c = s.charCodeAt(end - 1);
    if (c === 10 || c === 32 || c === 9) end--;
    else break;
  }
  return s.slice(0, end);
}

/** Reader A (control_readline): the first line, trailing blanks stripped; null when absent. */
export function readLineValue(buf: Buffer | null): string | null {
  if (buf === null) return null;
  const text = decodeBytes(buf);
  const nl = text.indexOf('\n');
  return stripTrailing(nl < 0 ? text : text.slice(0, nl));
}

export interface ListLine {
  /** The line as qmail keeps it (trailing \n, spaces and tabs removed). */
  text: string;
  /** 1-based line number in the file. */
  line: number;
  /** One of several entries a NUL byte split this line into (qmail reads them as separate entries). */
  nulPiece?: true;
}

/**
 * Reader D (control_readfile): every line, trailing blanks stripped, empty
 * lines and lines whose first byte is `#` skipped. A final line without `\n`
 * still counts. null when absent (the caller applies the `me` fallback).
 */
export function readListLines(buf: Buffer | null): ListLine[] | null {
  if (buf === null) return null;
  const text = decodeBytes(buf);
  const parts = text.split('\n');
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  const out: ListLine[] = [];
  parts.forEach((raw, i) => {
    const t = stripTrailing(raw);
    // A line whose first byte is NUL reads as empty to control_readfile.
    if (t === '' || t.startsWith('#') || t.startsWith('\0')) return;
    // control_readfile keeps each line NUL-terminated in one buffer and its
    // users walk it NUL by NUL, so a NUL inside a line makes several entries
    // (the pieces after the first skip the empty and `#` checks).
    if (t.includes('\0')) {
      for (const piece of t.split('\0')) out.push({ text: piece, line: i + 1, nulPiece: true });
      return;
    }
    out.push({ text: t, line: i + 1 });
  });
  return out;
}

/** The largest value control_readint's `int` holds. */
export const QMAIL_INT_MAX = 2 ** 31 - 1;

/**
 * Reader C (control_readint): leading decimal digits of the first line, else
 * the default. scan_ulong wraps modulo 2^64 and `*i = u` keeps the low 32
 * bits as a signed int, so a number beyond 2^31-1 is not what the file says:
 * `value` is what qmail holds and `overflow` the digits as written (for the
 * problem to report). Digits are folded one at a time: a line of a million
 * digits costs a million steps, never a huge number.
 */
export function readIntValue(buf: Buffer | null, def: number): { value: number; fromFile: boolean; overflow?: string } {
  const v = readLineValue(buf);
  if (v === null) return { value: def, fromFile: false };
  let n = 0;
  while (n < v.length && v.charCodeAt(n) >= 48 && v.charCodeAt(n) <= 57) n++;
  if (n === 0) return { value: def, fromFile: false };
  let low = 0;
  let big = false;
  for (let i = 0; i < n; i++) {
    const exact = low * 10 + (v.charCodeAt(i) - 48);
    if (!big && exact > QMAIL_INT_MAX) big = true;
    low = exact % 2 ** 32;
  }
  if (!big) return { value: low, fromFile: true };
  const digits = v.slice(0, n);
  return { value: low >= 2 ** 31 ? low - 2 ** 32 : low, fromFile: true, overflow: digits.length > 40 ? `${digits.slice(0, 20)}… (${digits.length} digits)` : digits };
}

export interface ColonEntry {
  /** The key as written (may be empty). */
  key: string;
  /** Everything after the first colon. */
  value: string;
  line: number;
}

/**
 * constmap over a colon list (virtualdomains, smtproutes): split at the first
 * `:`, lines without one ignored, keys case-insensitive, the last duplicate wins.
 * Returns the map keyed by lcAscii(key) and the lines without a colon.
 */
export function colonMap(lines: ListLine[]): { map: Map<string, ColonEntry>; noColon: ListLine[] } {
  const map = new Map<string, ColonEntry>();
  const noColon: ListLine[] = [];
  for (const l of lines) {
    const c = l.text.indexOf(':');
    if (c < 0) {
      noColon.push(l);
      continue;
    }
    const key = l.text.slice(0, c);
    map.set(lcAscii(key), { key, value: l.text.slice(c + 1), line: l.line });
  }
  return { map, noColon };
}

/** The lower-cased text of a plain-ASCII colon list, made once per buffer (a walk looks up the same file many times). */
const lowered = new WeakMap<Buffer, string>();

/**
 * The entries of a colon list for these keys (already ASCII lower-cased), as
 * colonMap(readListLines(buf)).map would hold them — the last duplicate wins,
 * the first colon splits — without making an entry per line. Null when the
 * bytes are not plain ASCII without NUL: then decoding and NUL pieces matter
 * and the caller reads the whole list.
 *
 * The keys come from outside (an envelope recipient's domain can be 40,000
 * characters long), so they are looked up as plain strings in the
 * lower-cased text, never built into a regular expression.
 */
export function colonLookup(buf: Buffer, keys: Iterable<string>): Map<string, ColonEntry> | null {
  if (!isAscii(buf) || buf.indexOf(0) !== -1) return null;
  const text = buf.toString('latin1');
  let lower = lowered.get(buf);
  // ASCII text: toLowerCase folds exactly A-Z here, as lcAscii does.
  if (lower === undefined) lowered.set(buf, (lower = text.toLowerCase()));
  const found: Array<{ start: number; colon: number }> = [];
  for (const key of new Set(keys)) {
    // A key never holds a colon (the first one ends it) or a newline (lines end there), and a line
    // starting with "#" is a comment: such a key cannot match.
    if (key.includes(':') || key.includes('\n') || key.startsWith('#')) continue;
    const needle = '\n' + key + ':';
    // The last line with the key wins; the first line has no "\n" before it.
    const at = lower.lastIndexOf(needle);
    const start = at >= 0 ? at + 1 : lower.startsWith(needle.slice(1)) ? 0 : -1;
    if (start >= 0) found.push({ start, colon: start + key.length });
  }
  found.sort((a, b) => a.start - b.start);
  const out = new Map<string, ColonEntry>();
  let line = 1;
  let counted = 0;
  for (const { start, colon } of found) {
    for (let p = text.indexOf('\n', counted); p >= 0 && p < start; p = text.indexOf('\n', p + 1)) {
      line++;
      counted = p + 1;
    }
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    while (end > start) {
      const ch = text.charCodeAt(end - 1);
      if (ch === 32 || ch === 9) end--;
      else break;
    }
    const key = text.slice(start, colon);
    out.set(lcAscii(key), { key, value: text.slice(colon + 1, end), line });
  }
  return out;
}
