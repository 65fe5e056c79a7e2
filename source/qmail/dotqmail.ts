// A .qmail file (or qmail-start's default delivery) read line by line the
// way qmail-local reads it (qmail-local.c, the command loop): a missing final
// newline is added, trailing spaces and tabs go, leading blanks stay, and the
// first byte alone decides the kind of line.
import type { Diagnostic, DotQmailFile, DotQmailLine } from './model-types.js';
import { decodeBytes } from '../sysroot/sysroot.js';

/** Strip trailing spaces and tabs only (qmail-local keeps CR and leading blanks). */
function stripBlanks(s: string): string {
  let end = s.length;
  while (end > 0) {
    const c = s.charCodeAt(end - 1);
    if (c === 32 || c === 9) end--;
    else break;
  }
  return s.slice(0, end);
}

/** qmail-local hands C strings on: a NUL inside a line ends what the program sees. */
function cString(s: string): string {
  const z = s.indexOf('\0');
  return z < 0 ? s : s.slice(0, z);
}

/** Classify one line, already stripped of trailing blanks. */
export function classifyLine(stripped: string, lineNo: number, raw: string = stripped): DotQmailLine {
  const first = stripped.length === 0 ? '' : stripped[0];
  if (first === '' || first === '\0') return { line: lineNo, raw, kind: 'blank', target: '' };
  switch (first) {
    case '#':
      return { line: lineNo, raw, kind: 'comment', target: '' };
    case '.':
    case '/':
      // Only the last byte of the (stripped) line tells a maildir from an mbox.
      return {
        line: lineNo,
        raw,
        kind: stripped.endsWith('/') ? 'maildir' : 'mbox',
        target: cString(stripped),
      };
    case '|':
      return { line: lineNo, raw, kind: 'program', target: cString(stripped.slice(1)) };
    case '+':
      // Undocumented: exactly "+list" turns forward-only mode on; any other "+" line is ignored.
      // str_equal(cmds.s + i + 1, "list") compares C strings: a NUL after "+list" ends the compare.
      return { line: lineNo, raw, kind: 'comment', target: '', flag: cString(stripped) === '+list' ? 'list' : 'ignored' };
    case '&':
      return { line: lineNo, raw, kind: 'forward', target: cString(stripped.slice(1)) };
    default:
      return { line: lineNo, raw, kind: 'forward', target: cString(stripped) };
  }
}

/**
 * Parse a .qmail file's bytes. `path` is the system path used in diagnostics.
 * A 0-byte file yields no lines (qmail-local then uses the default delivery).
 */
export function parseDotQmail(path: string, content: Buffer | string): DotQmailFile {
  const text = typeof content === 'string' ? content : decodeBytes(content);
  const lines: DotQmailLine[] = [];
  const diagnostics: Diagnostic[] = [];
  if (text.length === 0) return { path, lines, hasDelivery: false, diagnostics };
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const rawLines = body.split('\n');
  let hasDelivery = false;
  rawLines.forEach((raw, i) => {
    const n = i + 1;
    const l = classifyLine(stripBlanks(raw), n, raw);
    lines.push(l);
    const diag = (severity: Diagnostic['severity'], code: string, message: string) =>
      diagnostics.push({ path, line: n, severity, code, message });
    switch (l.kind) {
      case 'blank':
        if (n === 1) diag('error', 'dotqmail-first-blank', 'first line is blank: qmail-local defers every message (Uh-oh: first line of .qmail file is blank. (#4.2.1))');
        break;
      case 'comment':
        if (l.flag === 'ignored') diag('info', 'dotqmail-plus', 'a "+" line other than "+list" is ignored by qmail-local');
        break;
      case 'forward':
        hasDelivery = true;
        if (/^[ \t]+[./|&#]/.test(l.raw)) diag('warning', 'dotqmail-indented', 'leading blanks make this line a forward to the address as written, not a file, program or comment line');
        else if (/^[ \t]/.test(l.target)) diag('warning', 'dotqmail-forward-blank', 'forward address starts with a blank; qmail-local keeps it as part of the address');
        else if (l.target === '') diag('warning', 'dotqmail-forward-empty', 'forward to the empty address');
        break;
      case 'mbox':
        hasDelivery = true;
        if (/(^|\/)Maildir$/.test(l.target)) diag('warning', 'dotqmail-mbox-maildir', 'no trailing "/": qmail-local treats this as an mbox file, not a maildir');
        break;
      case 'maildir':
      case 'program':
        hasDelivery = true;
        break;
    }
    if (raw.includes('\r')) diag('warning', 'dotqmail-cr', 'line holds a carriage return (CRLF file?); qmail-local keeps it as part of the line');
  });
  return { path, lines, hasDelivery, diagnostics };
}
