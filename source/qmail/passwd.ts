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
    const raw = lines[i];
    if (skippable(raw)) continue;
    const lineNo = i + 1;
    const bad = (message: string): void => {
      diagnostics.push({ path, line: lineNo, severity: 'warning', code: 'passwd-format', message });
    };
    if (raw.startsWith('+') || raw.startsWith('-')) {
      bad('NIS compat entry ("+"/"-"): not read by the files backend; qlens ignores it');
      continue;
    }
    const f = raw.split(':');
    if (f.length < 7) {
      bad(`malformed passwd line: ${f.length} fields, 7 expected (getpwnam skips it)`);
      continue;
    }
    if (f.length > 7) {
      bad(`malformed passwd line: ${f.length} fields, 7 expected (getpwnam skips it)`);
      continue;
    }
    const [name, , uidText, gidText, , home, shell] = f;
    if (name === '') {
      bad('passwd line with an empty login name (skipped)');
      continue;
    }
    if (!isNumeric(uidText) || !isNumeric(gidText)) {
      bad(`passwd line for "${name}": uid "${uidText}" / gid "${gidText}" is not a number (getpwnam skips it)`);
      continue;
    }
    entries.push({ name, uid: Number(uidText), gid: Number(gidText), home, shell, line: lineNo });
  }
  return { entries, diagnostics };
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

  passwd(): PasswdEntry[] {
    if (this.pw) return this.pw;
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
    this.passwd();
    return this.passwdState;
  }

  byName(name: string): PasswdEntry | null {
    this.names ??= firstBy(this.passwd(), (e) => e.name);
    return this.names.get(name) ?? null;
  }

  /** First passwd line with this uid (for naming owners). */
  byUid(uid: number): PasswdEntry | null {
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

  diagnostics(): Diagnostic[] {
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
