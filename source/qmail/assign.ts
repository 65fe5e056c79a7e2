// users/assign exactly as qmail-newu reads it, and users/cdb exactly as
// qmail-newu writes it (qmail-delivery.md §3.1, §3.2). Also
// morercpthosts.cdb as qmail-newmrh writes it.
//
// Parsing works on the bytes (a latin1 string holds one char per byte) so
// that keys, the wildcard set and the cdb come out byte for byte; the
// fields shown to people are decoded as UTF-8 when the file is valid UTF-8.
import type { AssignEntry, AssignFile, Diagnostic } from './model-types.js';
import { makeCdb, type CdbRecord } from './cdb.js';
import { lcAscii } from './control-readers.js';
import { decodeBytes } from '../sysroot/sysroot.js';

/** An assign entry with the details qmail-newu derives from it. */
export interface AssignEntryDetail extends AssignEntry {
  /** The first byte as written ('=', '+', or any other byte qmail-newu takes as '='). */
  lead: string;
  /** The cdb key as a latin1 string: "!" + lc(local) (+ "\0" for '=' lines). */
  key: string;
}

export interface ParsedAssign extends AssignFile {
  entries: AssignEntryDetail[];
  /** The wildcard characters qmail-newu stores under the "" key, as written, in order of first appearance. */
  wildChars: string;
  /** The same as the bytes qmail-newu stores (latin1), not decoded for display. */
  wildBytes?: string;
}

export const ASSIGN_FORMAT = 'bad format in users/assign';

export class AssignFormatError extends Error {
  readonly errors: Diagnostic[];
  constructor(errors: Diagnostic[]) {
    super(`qmail-newu: fatal: ${ASSIGN_FORMAT}` + (errors[0] ? ` (${errors[0].path}:${errors[0].line ?? ''}: ${errors[0].message})` : ''));
    this.name = 'AssignFormatError';
    this.errors = errors;
  }
}

interface RawLine {
  lead: string;
  /** bytes between the first byte and the first colon (latin1). */
  local: string;
  /** the six fields (latin1). */
  fields: string[];
  key: string;
  line: number;
}

interface Scan {
  lines: RawLine[];
  errors: Diagnostic[];
  wildChars: string;
  terminatorLine: number | null;
}

/**
 * qmail-newu's loop over the file (bytes as latin1). It works on offsets, not
 * on a copy of each line: every line is checked, but only the lines `want`
 * accepts (all, without it) are cut into fields — a look-up of one local part
 * need not allocate 50,000 of them.
 */
function scanAssign(bin: string, path: string, want?: (from: number, to: number) => boolean): Scan {
  const lines: RawLine[] = [];
  const errors: Diagnostic[] = [];
  let wildChars = '';
  let terminatorLine: number | null = null;
  const err = (line: number | null, why: string): void => {
    errors.push({ path, line, severity: 'error', code: 'assign-format', message: `${ASSIGN_FORMAT}: ${why}` });
  };
  let pos = 0;
  let lineNo = 0;
  // The first NUL at or after some offset not past `pos` (-1: none left), so each line's test is O(1).
  let nul = bin.indexOf('\0');
  const colons: number[] = [];
  while (true) {
    if (pos >= bin.length) {
      // getln at end of file with nothing read: no terminator.
      err(lineNo > 0 ? lineNo : null, lineNo > 0 ? 'the file ends without the "." line' : 'the file is empty (it needs at least the "." line)');
      break;
    }
    lineNo++;
    const nl = bin.indexOf('\n', pos);
    const hasNl = nl >= 0;
    const start = pos;
    const end = hasNl ? nl : bin.length;
    pos = hasNl ? nl + 1 : bin.length;
    if (end > start && bin.charCodeAt(start) === 46 /* . */) {
      terminatorLine = lineNo;
      break;
    }
    if (!hasNl) {
      err(lineNo, 'the last line has no newline and the "." line is missing');
      break;
    }
    if (nul !== -1 && nul < start) nul = bin.indexOf('\0', start);
    if (nul !== -1 && nul < end) {
      err(lineNo, 'line holds a NUL byte');
      continue;
    }
    const c = bin.indexOf(':', start);
    if (c < 0 || c >= end) {
      err(lineNo, end === start ? 'blank line (users/assign has no blank lines)' : 'line has no ":" (users/assign has no comments)');
      continue;
    }
    if (c === start) {
      err(lineNo, 'line starts with ":"');
      continue;
    }
    colons.length = 0;
    for (let k = c; colons.length < 6; ) {
      k = bin.indexOf(':', k + 1);
      if (k < 0 || k >= end) break;
      colons.push(k);
    }
    if (colons.length < 6) {
      err(lineNo, `only ${colons.length} of the 6 ":"-terminated fields after the name (user:uid:gid:home:dash:ext: — is the last ":" missing?)`);
      continue;
    }
    const lead = bin[start];
    if (lead === '+' && c > start + 1) {
      const last = bin[c - 1];
      if (!wildChars.includes(last)) wildChars += last;
    }
    if (want && !want(start + 1, c)) continue;
    lines.push(cutLine(bin, start, c, colons, lineNo));
  }
  return { lines, errors, wildChars, terminatorLine };
}

/** One accepted line cut into its parts; `colons` holds the six colons after the first one (at `c`). */
function cutLine(bin: string, start: number, c: number, colons: number[], line: number): RawLine {
  const lead = bin[start];
  const local = bin.slice(start + 1, c);
  const fields: string[] = [];
  for (let i = 0, from = c + 1; i < 6; from = colons[i] + 1, i++) fields.push(bin.slice(from, colons[i]));
  const key = lead === '+' ? '!' + lcAscii(local) : '!' + lcAscii(local) + '\0';
  return { lead, local, fields, key, line };
}

/** Parse users/assign (null = the file does not exist). Never throws. */
export function parseAssign(buf: Buffer | null, path = '/var/qmail/users/assign'): ParsedAssign {
  if (buf === null) return { path, present: false, entries: [], errors: [], terminatorLine: null, wildChars: '' };
  const bin = buf.toString('latin1');
  return fromScan(buf, bin, scanAssign(bin, path), path);
}

function fromScan(buf: Buffer, bin: string, scan: Scan, path: string): ParsedAssign {
  // Decode shown fields as UTF-8 only when the whole file is valid UTF-8, as
  // decodeBytes would; the file is tested only once a field has a high byte.
  let utf8: boolean | undefined;
  const show = (s: string): string => {
    if (!/[\x80-\xff]/.test(s)) return s;
    utf8 ??= decodeBytes(buf) !== bin;
    return utf8 ? Buffer.from(s, 'latin1').toString('utf8') : s;
  };
  const entries: AssignEntryDetail[] = scan.lines.map((l) => ({
    kind: l.lead === '+' ? '+' : '=',
    local: show(l.local),
    user: show(l.fields[0]),
    uid: show(l.fields[1]),
    gid: show(l.fields[2]),
    home: show(l.fields[3]),
    dash: show(l.fields[4]),
    ext: show(l.fields[5]),
    line: l.line,
    lead: show(l.lead),
    key: l.key,
  }));
  return { path, present: true, entries, errors: scan.errors, terminatorLine: scan.terminatorLine, wildChars: show(scan.wildChars), wildBytes: scan.wildChars };
}

/** users/assign as one look-up sees it: every format error, but only the entries it can land on. */
export interface AssignProbe extends ParsedAssign {
  /** `entries` holds only the lines whose key a look-up of the probed local part can meet. */
  partial: true;
}

/**
 * The lines of users/assign a look-up of `lowerBin` (a local part's bytes as
 * latin1, ASCII lower-cased) can land on — those whose key, lower-cased, is
 * a prefix of it — with the file's format errors and wildcard characters,
 * without cutting every line into fields. For a one-shot trace of a big file.
 */
export function probeAssign(buf: Buffer | null, lowerBin: string, path = '/var/qmail/users/assign'): AssignProbe {
  if (buf === null) return { path, present: false, entries: [], errors: [], terminatorLine: null, wildChars: '', wildBytes: '', partial: true };
  const bin = buf.toString('latin1');
  const want = (from: number, to: number): boolean => {
    if (to - from > lowerBin.length) return false;
    for (let i = from; i < to; i++) {
      let b = bin.charCodeAt(i);
      if (b >= 65 && b <= 90) b += 32;
      if (b !== lowerBin.charCodeAt(i - from)) return false;
    }
    return true;
  };
  // A file qmail-newu accepts is found by one regular expression; any other
  // goes through the line-by-line scan, which names its errors.
  const fast = probeValid(bin, lowerBin, want);
  const out: AssignProbe = { ...fromScan(buf, bin, fast ?? scanAssign(bin, path, want), path), partial: true };
  // The terminator's line number costs a count of every newline before it; nothing a trace shows needs it.
  if (fast) {
    let line: number | undefined;
    Object.defineProperty(out, 'terminatorLine', { enumerable: true, configurable: true, get: () => (line ??= fast.terminatorLineOf()) });
  }
  return out;
}

/** A line qmail-newu accepts, newline included: a first byte that is not ".", ":" or NUL, a name up to the first ":", six ":"-terminated fields, no NUL. */
const GOOD_LINE = '[^\\n\\0:.][^\\n\\0:]*:(?:[^\\n\\0:]*:){6}[^\\n\\0]*\\n';
const GOOD_FIRST = new RegExp(GOOD_LINE, 'y');

const hex = (x: number): string => '\\x' + x.toString(16).padStart(2, '0');

/**
 * The longest local part probeValid() makes a pattern of (its compile time
 * grows with the length: 256 characters take some 10 ms, 2,700 abort V8).
 */
export const PATTERN_MAX = 256;

/** A regular-expression piece matching any prefix of `lowerBin` (its bytes, A-Z matching a-z too), the longest first. */
function prefixPattern(lowerBin: string): string {
  let alt = '';
  for (let i = lowerBin.length - 1; i >= 0; i--) {
    const c = lowerBin.charCodeAt(i);
    alt = `(?:${c >= 97 && c <= 122 ? `[${hex(c)}${hex(c - 32)}]` : hex(c)}${alt})?`;
  }
  return alt;
}

/**
 * scanAssign's result for a file without format errors, from native
 * regular-expression searches instead of a loop over every line: a search
 * stops only at a line that is not a good line (the "." terminator, or an
 * error), whose name could be a prefix of `lowerBin` (then checked exactly
 * by `want`), or that starts with "+" and ends its name with a wildcard
 * character not seen yet (so a file of 2,500 "+name-:" lines stops once).
 * Null when the file has a format error or `lowerBin` holds a newline: the
 * caller then scans line by line.
 */
function probeValid(bin: string, lowerBin: string, want: (from: number, to: number) => boolean): (Scan & { terminatorLineOf: () => number }) | null {
  // The pattern nests one group per character of the local part, which comes from outside: past
  // PATTERN_MAX characters the line-by-line scan (plain comparisons) is both safe and fast enough.
  if (lowerBin.includes('\n') || lowerBin.length > PATTERN_MAX) return null;
  const candidate = `[^\\n]${prefixPattern(lowerBin)}:`;
  const stopsFor = (wild: string): RegExp =>
    new RegExp(`\\n(?:(?!${GOOD_LINE})|(?=${candidate}|\\+[^\\n:]*[^\\n:${[...wild].map((ch) => hex(ch.charCodeAt(0))).join('')}]:))`, 'g');
  let stops = stopsFor('');
  const lines: RawLine[] = [];
  const colons: number[] = [];
  let wildChars = '';
  let lineNo = 1;
  let counted = 0;
  /** The 1-based number of the line starting at `start` (newlines counted as far as needed). */
  const numberOf = (start: number): number => {
    for (let k = bin.indexOf('\n', counted); k !== -1 && k < start; k = bin.indexOf('\n', k + 1)) lineNo++;
    counted = start;
    return lineNo;
  };
  for (let start = 0; ; ) {
    GOOD_FIRST.lastIndex = start;
    if (!GOOD_FIRST.test(bin)) {
      if (start < bin.length && bin.charCodeAt(start) === 46 /* . */) return { lines, errors: [], wildChars, terminatorLine: null, terminatorLineOf: () => numberOf(start) };
      return null;
    }
    const c = bin.indexOf(':', start);
    if (bin.charCodeAt(start) === 43 /* + */ && c > start + 1) {
      const last = bin[c - 1];
      if (!wildChars.includes(last)) {
        wildChars += last;
        stops = stopsFor(wildChars);
      }
    }
    if (want(start + 1, c)) {
      colons.length = 0;
      for (let k = c, i = 0; i < 6; i++) colons.push((k = bin.indexOf(':', k + 1)));
      lines.push(cutLine(bin, start, c, colons, numberOf(start)));
    }
    stops.lastIndex = start;
    const m = stops.exec(bin);
    if (m === null) return null;
    start = m.index + 1;
  }
}

/** The records qmail-newu would write, in order, or the format errors that make it refuse. */
export function usersCdbRecords(buf: Buffer, path = '/var/qmail/users/assign'): { records: CdbRecord[]; errors: Diagnostic[] } {
  const scan = scanAssign(buf.toString('latin1'), path);
  if (scan.errors.length > 0) return { records: [], errors: scan.errors };
  const records: CdbRecord[] = scan.lines.map((l) => ({
    key: Buffer.from(l.key, 'latin1'),
    value: Buffer.from(l.fields.join('\0'), 'latin1'),
  }));
  records.push({ key: Buffer.alloc(0), value: Buffer.from(scan.wildChars, 'latin1') });
  return { records, errors: [] };
}

/**
 * users/cdb byte for byte as qmail-newu writes it from these users/assign
 * bytes. Throws AssignFormatError when qmail-newu would refuse the file
 * (it then leaves users/cdb untouched).
 */
export function compileUsersCdb(buf: Buffer, path = '/var/qmail/users/assign'): Buffer {
  const { records, errors } = usersCdbRecords(buf, path);
  if (errors.length > 0) throw new AssignFormatError(errors);
  return makeCdb(records);
}

/**
 * control/morercpthosts.cdb as qmail-newmrh writes it from
 * control/morercpthosts: every line read like control_readfile (trailing
 * blanks stripped, empty and `#` lines skipped), lower-cased, stored as a
 * key with an empty value, in file order.
 */
export function compileMoreRcptHostsCdb(text: string | Buffer): Buffer {
  return makeCdb(moreRcptHostsRecords(text));
}

export function moreRcptHostsRecords(text: string | Buffer): CdbRecord[] {
  const bin = typeof text === 'string' ? Buffer.from(text, 'utf8').toString('latin1') : text.toString('latin1');
  const parts = bin.split('\n');
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  const out: CdbRecord[] = [];
  for (const raw of parts) {
    let end = raw.length;
    while (end > 0 && (raw[end - 1] === ' ' || raw[end - 1] === '\t')) end--;
    const t = raw.slice(0, end);
    if (t === '' || t[0] === '#') continue;
    out.push({ key: Buffer.from(lcAscii(t), 'latin1'), value: Buffer.alloc(0) });
  }
  return out;
}
