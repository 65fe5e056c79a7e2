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

/** qmail-newu's loop over the file (bytes as latin1). */
function scanAssign(bin: string, path: string): Scan {
  const lines: RawLine[] = [];
  const errors: Diagnostic[] = [];
  let wildChars = '';
  let terminatorLine: number | null = null;
  const err = (line: number | null, why: string): void => {
    errors.push({ path, line, severity: 'error', code: 'assign-format', message: `${ASSIGN_FORMAT}: ${why}` });
  };
  let pos = 0;
  let lineNo = 0;
  while (true) {
    if (pos >= bin.length) {
      // getln at end of file with nothing read: no terminator.
      err(lineNo > 0 ? lineNo : null, lineNo > 0 ? 'the file ends without the "." line' : 'the file is empty (it needs at least the "." line)');
      break;
    }
    lineNo++;
    const nl = bin.indexOf('\n', pos);
    const hasNl = nl >= 0;
    const line = hasNl ? bin.slice(pos, nl) : bin.slice(pos);
    pos = hasNl ? nl + 1 : bin.length;
    if (line.length > 0 && line[0] === '.') {
      terminatorLine = lineNo;
      break;
    }
    if (!hasNl) {
      err(lineNo, 'the last line has no newline and the "." line is missing');
      break;
    }
    if (line.includes('\0')) {
      err(lineNo, 'line holds a NUL byte');
      continue;
    }
    const c = line.indexOf(':');
    if (c < 0) {
      err(lineNo, line === '' ? 'blank line (users/assign has no blank lines)' : 'line has no ":" (users/assign has no comments)');
      continue;
    }
    if (c === 0) {
      err(lineNo, 'line starts with ":"');
      continue;
    }
    const lead = line[0];
    const local = line.slice(1, c);
    const rest = line.slice(c + 1);
    const fields: string[] = [];
    let start = 0;
    while (fields.length < 6) {
      const k = rest.indexOf(':', start);
      if (k < 0) break;
      fields.push(rest.slice(start, k));
      start = k + 1;
    }
    if (fields.length < 6) {
      err(lineNo, `only ${fields.length} of the 6 ":"-terminated fields after the name (user:uid:gid:home:dash:ext: — is the last ":" missing?)`);
      continue;
    }
    let key: string;
    if (lead === '+') {
      key = '!' + lcAscii(local);
      if (local.length > 0) {
        const last = local[local.length - 1];
        if (!wildChars.includes(last)) wildChars += last;
      }
    } else {
      key = '!' + lcAscii(local) + '\0';
    }
    lines.push({ lead, local, fields, key, line: lineNo });
  }
  return { lines, errors, wildChars, terminatorLine };
}

/** Parse users/assign (null = the file does not exist). Never throws. */
export function parseAssign(buf: Buffer | null, path = '/var/qmail/users/assign'): ParsedAssign {
  if (buf === null) return { path, present: false, entries: [], errors: [], terminatorLine: null, wildChars: '' };
  const bin = buf.toString('latin1');
  const scan = scanAssign(bin, path);
  // Decode shown fields as UTF-8 only when the whole file is valid UTF-8, as decodeBytes would.
  const utf8 = /[\x80-\xff]/.test(bin) && decodeBytes(buf) !== bin;
  const show = (s: string): string => (utf8 && /[\x80-\xff]/.test(s) ? Buffer.from(s, 'latin1').toString('utf8') : s);
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
  return { path, present: true, entries, errors: scan.errors, terminatorLine: scan.terminatorLine, wildChars: show(scan.wildChars) };
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
