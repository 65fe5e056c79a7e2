// /etc/passwd and /etc/group as glibc's files backend reads them, which is
// what qmail-getpw's getpwnam() sees: blank and `#` lines skipped, a line
// that does not parse is skipped (so a later line with the same name can be
// found), and the first good line of a name wins.
import type { Sysroot } from '../sysroot/sysroot.js';
import { FsError, decodeBytes } from '../sysroot/sysroot.js';
import type { Diagnostic, GroupEntry, PasswdEntry, SystemUsers } from './model-types.js';

export const PASSWD_PATH = '/etc/passwd';
export const GROUP_PATH = '/etc/group';

function isNumeric(s: string): boolean {
  return /^[0-9]+$/.test(s);
}

/** Lines of a text file with their 1-based numbers; a final line without `\n` counts. */
function splitLines(text: string): string[] {
  const parts = text.split('\n');
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** glibc skips leading blanks, then empty lines and `#` comments. */
function skippable(raw: string): boolean {
  const t = raw.replace(/^[ \t]+/, '');
  return t === '' || t.startsWith('#');
}

export function parsePasswd(text: string, path = PASSWD_PATH): { entries: PasswdEntry[]; diagnostics: Diagnostic[] } {
  const entries: PasswdEntry[] = [];
  const diagnostics: Diagnostic[] = [];
  const lines = splitLines(text);
  for (let i = 0; i < lines.length; i++) {
    const e = passwdLine(lines[i], i + 1, path, diagnostics);
    if (e) entries.push(e);
  }
  return { entries, diagnostics };
}

/** One line as the files backend reads it: the entry, or null when skipped (a malformed line is reported into `diagnostics` when given). */
function passwdLine(raw: string, lineNo: number, path: string, diagnostics?: Diagnostic[]): PasswdEntry | null {
  if (skippable(raw)) return null;
  const bad = (message: string): null => {
    diagnostics?.push({ path, line: lineNo, severity: 'warning', code: 'passwd-format', message });
    return null;
  };
  if (raw.startsWith('+') || raw.startsWith('-')) return bad('NIS compat entry ("+"/"-"): not read by the files backend; qlens ignores it');
  const f = raw.split(':');
  if (f.length !== 7) return bad(`malformed passwd line: ${f.length} fields, 7 expected (getpwnam skips it)`);
  const [name, , uidText, gidText, , home, shell] = f;
  if (name === '') return bad('passwd line with an empty login name (skipped)');
  if (!isNumeric(uidText) || !isNumeric(gidText)) return bad(`passwd line for "${name}": uid "${uidText}" / gid "${gidText}" is not a number (getpwnam skips it)`);
  return { name, uid: Number(uidText), gid: Number(gidText), home, shell, line: lineNo };
}

/**
 * The first good line of `text` that `accept` takes, read at the line
 * starts `candidates` yields (in file order; each a superset filter, never
 * missing a line that could match), as getpwnam/getpwuid stop at the first
 * match: a look-up need not parse the whole file.
 */
function firstLine(text: string, candidates: Iterable<number>, accept: (e: PasswdEntry) => boolean): PasswdEntry | null {
  let lineNo = 1;
  let counted = 0;
  for (const start of candidates) {
    for (let k = text.indexOf('\n', counted); k !== -1 && k < start; k = text.indexOf('\n', k + 1)) lineNo++;
    counted = start;
    const nl = text.indexOf('\n', start);
    const e = passwdLine(text.slice(start, nl === -1 ? text.length : nl), lineNo, PASSWD_PATH);
    if (e && accept(e)) return e;
  }
  return null;
}

/**
 * Starts of the lines that begin with `prefix`, in file order: the first
 * line by a comparison at 0, the others found as "\n" plus `prefix`. A
 * plain string search: a name asked for comes from outside and is never
 * made into a regular expression.
 */
function* linesStartingWith(text: string, prefix: string): Generator<number> {
  if (text.startsWith(prefix)) yield 0;
  const needle = '\n' + prefix;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) yield i + 1;
}

/** Starts of the lines holding `piece` anywhere, in file order, each once (a superset filter for the caller to check). */
function* linesHolding(text: string, piece: string): Generator<number> {
  for (let i = text.indexOf(piece); i >= 0; ) {
    yield text.lastIndexOf('\n', i) + 1;
    const nl = text.indexOf('\n', i);
    if (nl < 0) return;
    i = text.indexOf(piece, nl + 1);
  }
}

export function parseGroup(text: string, path = GROUP_PATH): { entries: GroupEntry[]; diagnostics: Diagnostic[] } {
  const entries: GroupEntry[] = [];
  const diagnostics: Diagnostic[] = [];
  const lines = splitLines(text);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    if (skippable(raw)) continue;
    const lineNo = i + 1;
    const f = raw.split(':');
    if (raw.startsWith('+') || raw.startsWith('-')) {
      diagnostics.push({ path, line: lineNo, severity: 'warning', code: 'group-format', message: 'NIS compat entry ("+"/"-"): ignored' });
      continue;
    }
    if (f.length !== 4 || f[0] === '' || !isNumeric(f[2])) {
      diagnostics.push({
        path,
        line: lineNo,
        severity: 'warning',
        code: 'group-format',
        message: `malformed group line: expected name:password:gid:members (skipped)`,
      });
      continue;
    }
    const members = f[3] === '' ? [] : f[3].split(',').filter((m) => m !== '');
    entries.push({ name: f[0], gid: Number(f[2]), members, line: lineNo });
  }
  return { entries, diagnostics };
}

/** The host's users, read on first use. Extra look-ups beyond SystemUsers for lint and veil. */
export class LoadedSystemUsers implements SystemUsers {
  private text: string | null | undefined = undefined;
  private pw: PasswdEntry[] | null = null;
  private gr: GroupEntry[] | null = null;
  private names: Map<string, PasswdEntry> | null = null;
  private uids: Map<number, PasswdEntry> | null = null;
  private gids: Map<number, GroupEntry> | null = null;
  private diags: Diagnostic[] = [];
  private passwdState: 'present' | 'absent' | 'error' = 'present';

  constructor(readonly sysroot: Sysroot) {}

  /** The file's text; null when absent or unreadable (unreadable is recorded). */
  private readText(path: string, code: string): string | null {
    try {
      const buf = this.sysroot.read(path);
      return buf === null ? null : decodeBytes(buf);
    } catch (e) {
      const msg = e instanceof FsError ? e.message : String(e);
      this.diags.push({ path, line: null, severity: 'error', code, message: `unreadable: ${msg}` });
      return null;
    }
  }

  /** /etc/passwd's text, read once; null when absent or unreadable (both recorded). */
  private passwdText(): string | null {
    if (this.text !== undefined) return this.text;
    let text: string | null = null;
    let failed = false;
    try {
      const buf = this.sysroot.read(PASSWD_PATH);
      text = buf === null ? null : decodeBytes(buf);
    } catch (e) {
      failed = true;
      const msg = e instanceof FsError ? e.message : String(e);
      this.diags.push({ path: PASSWD_PATH, line: null, severity: 'error', code: 'passwd-unreadable', message: `unreadable: ${msg}` });
    }
    if (text === null) {
      this.passwdState = failed ? 'error' : 'absent';
      if (!failed) {
        this.diags.push({
          path: PASSWD_PATH,
          line: null,
          severity: 'warning',
          code: 'passwd-missing',
          message: 'no /etc/passwd: qmail-getpw finds no user and the alias user cannot be found',
        });
      }
    }
    this.text = text;
    return text;
  }

  passwd(): PasswdEntry[] {
    if (this.pw) return this.pw;
    const text = this.passwdText();
    if (text === null) {
      this.pw = [];
      return this.pw;
    }
    const { entries, diagnostics } = parsePasswd(text);
    this.diags.push(...diagnostics);
    this.pw = entries;
    return entries;
  }

  /** 'absent' when /etc/passwd does not exist, 'error' when it cannot be read. */
  passwdStatus(): 'present' | 'absent' | 'error' {
    this.passwdText();
    return this.passwdState;
  }

  /**
   * Until the whole file is parsed (lint, veil and the TUI do), a look-up
   * reads only the lines that can match, up to the first good one: a
   * one-shot trace asks for two or three names of thousands. Each such
   * look-up searches the whole text, though, so a process that asks for
   * many (the queue listing's predictions, a trace of many addresses)
   * parses the file once and answers from the index after a few.
   */
  private lazyLeft = 16;

  private lazy(): boolean {
    if (this.pw) return false;
    if (this.lazyLeft > 0) {
      this.lazyLeft--;
      return true;
    }
    this.passwd();
    return false;
  }

  byName(name: string): PasswdEntry | null {
    if (this.lazy()) {
      const text = this.passwdText();
      if (text === null || name === '' || name.includes('\n')) return null;
      return firstLine(text, linesStartingWith(text, `${name}:`), (e) => e.name === name);
    }
    this.names ??= firstBy(this.passwd(), (e) => e.name);
    return this.names.get(name) ?? null;
  }

  /** First passwd line with this uid (for naming owners). */
  byUid(uid: number): PasswdEntry | null {
    // A uid field equal to a safe integer is its digits after any zeros; a larger one goes through the whole parse.
    if (Number.isSafeInteger(uid) && uid >= 0 && this.lazy()) {
      const text = this.passwdText();
      if (text === null) return null;
      // Its uid field, after any zeros, is the digits and a colon: every such line holds them.
      return firstLine(text, linesHolding(text, `${uid}:`), (e) => e.uid === uid);
    }
    this.uids ??= firstBy(this.passwd(), (e) => e.uid);
    return this.uids.get(uid) ?? null;
  }

  group(): GroupEntry[] {
    if (this.gr) return this.gr;
    const text = this.readText(GROUP_PATH, 'group-unreadable');
    if (text === null) {
      this.gr = [];
      return this.gr;
    }
    const { entries, diagnostics } = parseGroup(text);
    this.diags.push(...diagnostics);
    this.gr = entries;
    return entries;
  }

  groupByGid(gid: number): GroupEntry | null {
    this.gids ??= firstBy(this.group(), (g) => g.gid);
    return this.gids.get(gid) ?? null;
  }

  /** What reading met; once /etc/passwd has been read, its malformed lines too (as when every look-up parsed it whole). */
  diagnostics(): Diagnostic[] {
    if (this.text != null) this.passwd();
    return [...this.diags];
  }
}

/** An index where the first line with a key wins, as getpwnam/getpwuid/getgrgid return the first match. */
function firstBy<T, K>(items: T[], key: (item: T) => K): Map<K, T> {
  const m = new Map<K, T>();
  for (const it of items) if (!m.has(key(it))) m.set(key(it), it);
  return m;
}

export function loadSystemUsers(sysroot: Sysroot): LoadedSystemUsers {
  return new LoadedSystemUsers(sysroot);
}
