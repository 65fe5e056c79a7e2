// The home compiled into a qmail program: where to find it among the
// program's bytes, and where a wrapper script leads. Pure; reading the files
// is binaries.ts's job.
//
// How a real build embeds it (notqmail's Makefile): `./auto-str auto_qmail
// "$(head -1 conf-qmail)" > auto_qmail.c` writes
//     char auto_qmail[] = "\057\166\141\162\057\161\155\141\151\154";
// a writable char array, so the C compiler puts the bytes "/var/qmail\0" in
// the program's .data section, beside the other initialised variables
// (auto_split, the argument vectors), and not among the string literals in
// .rodata ("control/me", "bin/qmail-queue", "/bin/sh", the ELF interpreter's
// path). auto_qmail.o is linked into every program that touches the home:
// qmail-queue, -send, -clean, -lspawn, -rspawn, -local, -remote, -smtpd,
// -qmtpd, -qmqpd, -qmqpc, -inject, -qread, -showctl, -tcpto, -tcpok, -newu,
// -newmrh, -pw2u, sendmail, forward, condredirect, qreceipt and the install
// tools. qmail-getpw, qmail-start, qmail-popup, qmail-pop3d, splogger,
// preline, predate and the small tools are built without it.
// qmail-qstat and qmail-upq are shell scripts into which make writes
// conf-qmail as text (`cd /var/qmail`); datemail and mailsubj run
// /var/qmail/bin/sendmail and qmail-inject by absolute path.
//
// The rule, most exact first:
//  1. An ELF program that kept its symbol table: the bytes of the symbol
//     `auto_qmail`, whatever they say.
//  2. A stripped ELF program: the strings of its writable data (the
//     sections flagged SHF_WRITE, or, with no section table, the writable
//     PT_LOAD segments). A candidate is a maximal run of printable bytes,
//     ended by a NUL, that is an absolute path and not a system path (a
//     shared library, /bin/sh, /dev, /etc, /usr/lib ...: never a home).
//  3. Any other file: the same candidates among all its bytes.
//  A file that shows no sign of qmail apart from the candidate ("qmail" or
//  "control/" elsewhere among its bytes) is a foreign program: none of its
//  paths is its home. With one candidate, that is the home. With several, the one that is an
//  installation root on this host (loaded, or a directory with control/);
//  otherwise there is no answer and every candidate is reported. An ELF
//  program whose data holds none is not searched further: the literals of
//  .rodata are not the home, and guessing from them is worse than saying so.
import { parseElf, symbolBytes, writableData, cString } from './binaries-elf.js';
import { splitShell } from './startup.js';

export type HomeMethod = 'symbol' | 'data' | 'strings';

export interface HomeSearch {
  home: string | null;
  how: HomeMethod | null;
  /** Byte offset of the home string in the file. */
  offset: number | null;
  /** Every string that could have been the home (after the shape and system-path tests), in file order. */
  candidates: string[];
  /** Why there is no home, in words; null when one was found. */
  reason: string | null;
  elf: boolean;
}

/** Longest home looked at; conf-qmail's first line is a directory name. */
const MAX_HOME = 255;
const PRINTABLE_MIN = 0x21;
const PRINTABLE_MAX = 0x7e;
const SLASH = 0x2f;

// A name segment as directories are named; and the whole at least four bytes with two letters in a row,
// so that the odd printable bytes of binary data ("/K", "/%u", "/v4") are never taken for one.
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._+-]*$/;

/** An absolute directory path as conf-qmail would hold one (one trailing slash allowed). */
export function homeShaped(s: string): boolean {
  if (s.length < 4 || s.length > MAX_HOME || s[0] !== '/' || !/[A-Za-z]{2}/.test(s)) return false;
  const segs = s.replace(/\/$/, '').slice(1).split('/');
  return segs.every((x) => x !== '' && x !== '.' && x !== '..' && SEGMENT.test(x));
}

const SYSTEM_PREFIXES = ['/dev/', '/proc/', '/sys/', '/etc/', '/bin/', '/sbin/', '/lib/', '/lib32/', '/lib64/', '/libx32/', '/usr/bin/', '/usr/sbin/', '/usr/lib/', '/usr/lib32/', '/usr/lib64/', '/usr/libexec/', '/usr/share/', '/usr/include/', '/usr/local/bin/', '/usr/local/sbin/', '/usr/local/lib/', '/run/', '/var/run/', '/tmp/', '/var/tmp/'];
const SYSTEM_EXACT = new Set(['/tmp', '/var/tmp', '/dev', '/etc', '/bin', '/sbin', '/usr', '/usr/bin', '/usr/lib', '/lib', '/lib64', '/proc', '/sys', '/run']);

/** A path a program names for the system's own sake (the ELF interpreter, /bin/sh, /dev/null), never a qmail home. */
export function systemPath(s: string): boolean {
  const p = s.replace(/\/$/, '');
  if (SYSTEM_EXACT.has(p)) return true;
  if (SYSTEM_PREFIXES.some((x) => p.startsWith(x))) return true;
  const base = p.slice(p.lastIndexOf('/') + 1);
  return /\.so(\.[0-9]+)*$/.test(base) || /^ld[-.]/.test(base);
}

/** NUL-terminated path strings in [start, end), with their offsets. */
function pathStrings(b: Buffer, start: number, end: number): Array<{ text: string; offset: number }> {
  const out: Array<{ text: string; offset: number }> = [];
  const stop = Math.min(end, b.length);
  for (let i = b.indexOf(SLASH, start); i >= 0 && i < stop; i = b.indexOf(SLASH, i + 1)) {
    // Maximal runs only: the byte before must not be printable (a NUL, padding, part of a number).
    if (i > start && b[i - 1] >= PRINTABLE_MIN && b[i - 1] <= PRINTABLE_MAX) continue;
    let j = i;
    while (j < stop && j - i <= MAX_HOME && b[j] >= PRINTABLE_MIN && b[j] <= PRINTABLE_MAX) j++;
    if (j >= stop || b[j] !== 0) {
      i = j;
      continue;
    }
    out.push({ text: b.toString('latin1', i, j), offset: i });
    i = j;
  }
  return out;
}

export interface HomeOptions {
  /** The file's whole size, when only its start was read. */
  size?: number;
  /** A path that is an installation root on this host (loaded, or a directory with control/). */
  isInstallationRoot?: (path: string) => boolean;
}

const mib = (n: number): string => `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`;

/** The home compiled into a program, by the rule at the top of this file. */
export function compiledHome(b: Buffer, opts: HomeOptions = {}): HomeSearch {
  const cut = opts.size !== undefined && opts.size > b.length ? ` (only the first ${mib(b.length)} of its ${mib(opts.size)} were read)` : '';
  const elf = parseElf(b);
  if (elf) {
    const sym = symbolBytes(elf, b, 'auto_qmail');
    if (sym) {
      const text = cString(b, sym.offset, sym.size > 0 ? sym.offset + sym.size : b.length);
      if (text !== null && text !== '') return { home: text, how: 'symbol', offset: sym.offset, candidates: [text], reason: null, elf: true };
    }
    const found: Array<{ text: string; offset: number }> = [];
    for (const r of writableData(elf)) found.push(...pathStrings(b, r.offset, r.offset + r.size));
    return choose(found, 'data', opts, true, `no home among the strings of its writable data: not a program qmail builds with conf-qmail, or one from another package${cut}`, b);
  }
  return choose(pathStrings(b, 0, b.length), 'strings', opts, false, `no string in it could be a home${cut}`, b);
}

const MARKERS = [Buffer.from('qmail'), Buffer.from('control/')];

/**
 * Whether the file shows it is a qmail program apart from the candidate
 * itself: "qmail" (qmail-queue's "Received: (qmail ", qmail.o's
 * "bin/qmail-queue", the program's own name in its messages) or "control/".
 * A foreign program's data has paths too (git's "/bad-path/", Python's
 * "/site-packages"); they are never taken for a home.
 */
function qmailMarked(b: Buffer, skip: Array<{ offset: number; text: string }>): boolean {
  for (const m of MARKERS) {
    for (let i = b.indexOf(m); i >= 0; i = b.indexOf(m, i + 1)) {
      if (!skip.some((c) => i >= c.offset && i < c.offset + c.text.length)) return true;
    }
  }
  return false;
}

function choose(found: Array<{ text: string; offset: number }>, how: HomeMethod, opts: HomeOptions, elf: boolean, none: string, b?: Buffer): HomeSearch {
  const cands = found.filter((c) => homeShaped(c.text) && !systemPath(c.text));
  if (b && cands.length && !qmailMarked(b, cands)) {
    const shown = [...new Set(cands.map((c) => c.text))].slice(0, 3).join(', ');
    return { home: null, how: null, offset: null, candidates: [], reason: `no sign of qmail in it (neither "qmail" nor "control/" among its bytes): a foreign program, so ${shown} is not taken for its home`, elf };
  }
  const distinct = [...new Set(cands.map((c) => c.text))];
  const at = (text: string): number => cands.find((c) => c.text === text)!.offset;
  if (distinct.length === 1) return { home: distinct[0], how, offset: at(distinct[0]), candidates: distinct, reason: null, elf };
  if (distinct.length === 0) return { home: null, how: null, offset: null, candidates: [], reason: none, elf };
  const roots = opts.isInstallationRoot ? distinct.filter((c) => opts.isInstallationRoot!(c)) : [];
  if (roots.length === 1) return { home: roots[0], how, offset: at(roots[0]), candidates: distinct, reason: null, elf };
  return {
    home: null,
    how: null,
    offset: null,
    candidates: distinct,
    reason: `several strings could be the home (${distinct.slice(0, 5).join(', ')}${distinct.length > 5 ? ', …' : ''}) and ${roots.length ? 'more than one is an installation here' : 'none is an installation here'}`,
    elf,
  };
}

/** Looks like a shell script (or any text a shell would run): "#!" or text without NUL bytes. */
export function looksLikeScript(b: Buffer): boolean {
  if (b.length >= 2 && b[0] === 0x23 && b[1] === 0x21) return true;
  if (b.length === 0 || b[0] === 0x7f) return false;
  const head = b.subarray(0, 4096);
  if (head.includes(0)) return false;
  let text = 0;
  for (const c of head) if ((c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x09 || c === 0x0d || c >= 0x80) text++;
  return text >= head.length * 0.95;
}

export type ScriptRef = { kind: 'cd'; dir: string; line: number } | { kind: 'program'; path: string; line: number };

/**
 * What a wrapper script tells of its home, in script order: a `cd` to an
 * absolute directory (qmail-qstat and qmail-upq carry conf-qmail that way),
 * and every program named by absolute path (datemail runs predate with
 * /var/qmail/bin/sendmail as its argument, so every path word counts, not
 * only the command word). The caller follows the programs until one
 * carries a home.
 */
export function scriptRefs(text: string): ScriptRef[] {
  const out: ScriptRef[] = [];
  for (const c of splitShell(text).commands) {
    const w = c.words.map((x) => x.value);
    if (w[0] === 'cd') {
      if (w[1]?.startsWith('/')) out.push({ kind: 'cd', dir: w[1], line: c.words[1].line });
      continue;
    }
    c.words.forEach((x) => {
      if (x.value.startsWith('/') && !x.value.includes('`') && !x.value.includes('$')) out.push({ kind: 'program', path: x.value, line: x.line });
    });
  }
  return out;
}

/** Printable runs shorter than this are noise in a program's bytes (strings(1)'s default). */
const STRINGS_MIN = 4;

/**
 * The printable strings of a program, with their byte offsets, as
 * `strings -t d` lists them: runs of at least four printable ASCII bytes
 * (tab included), at most `limit` of them.
 */
export function printableRuns(b: Buffer, limit: number): { runs: Array<{ offset: number; text: string }>; more: boolean } {
  const runs: Array<{ offset: number; text: string }> = [];
  let start = -1;
  for (let i = 0; i <= b.length; i++) {
    const c = i < b.length ? b[i] : 0;
    if ((c >= 0x20 && c <= PRINTABLE_MAX) || c === 0x09) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0 && i - start >= STRINGS_MIN) {
      if (runs.length >= limit) return { runs, more: true };
      runs.push({ offset: start, text: b.toString('latin1', start, i) });
    }
    start = -1;
  }
  return { runs, more: false };
}
