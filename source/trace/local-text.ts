// The small text rules qmail-local applies (myctime.c, quote.c, its
// HOST2..HOST4 and EXT2..EXT4 cuts) and the ones the walk needs to read a
// .qmail line as qmail-local hands it on (a mailbox path under the home, a
// program's words as /bin/sh splits them, an `exit N` command).
import { normalizeSystemPath } from '../sysroot/sysroot.js';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** myctime.c: "Www Mmm DD HH:MM:SS YYYY\n" in UTC. */
export function myctime(d: Date): string {
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${WEEKDAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${d.getUTCFullYear()}\n`;
}

/** quote.c quote_need: does the local part need double quotes? */
function quoteNeed(s: string): boolean {
  if (s.length === 0) return true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || c < 32 || c === 127) return true;
    if (' "(),:;<>@[\\]'.includes(s[i])) return true;
  }
  if (s[0] === '.' || s[s.length - 1] === '.') return true;
  return s.includes('..');
}

/** quote.c quote2: quote the part before the last @ when needed. */
export function quote2(s: string): string {
  if (s === '') return '';
  const j = s.lastIndexOf('@');
  const box = j < 0 ? s : s.slice(0, j);
  const rest = j < 0 ? '' : s.slice(j);
  const quoted = quoteNeed(box) ? '"' + box.replace(/[\r\n"\\]/g, (c) => '\\' + c) + '"' : box;
  return quoted + rest;
}

/** HOST2..HOST4: cut at the last `.` each time; no further `.` leaves the value as it is (str_rchr/byte_rchr). */
export function hostCuts(host: string): [string, string, string] {
  const rchr = (n: number) => {
    if (n === 0) return 0;
    const k = host.lastIndexOf('.', n - 1);
    return k < 0 ? n : k;
  };
  const i = rchr(host.length);
  const j = rchr(i);
  const k = rchr(j);
  return [host.slice(0, i), host.slice(0, j), host.slice(0, k)];
}

/** EXT2..EXT4: the part after the 1st, 2nd, 3rd `-` (literal hyphen), "" when there is none. */
export function extCuts(ext: string): [string, string, string] {
  const next = (s: string) => {
    const i = s.indexOf('-');
    return i < 0 ? '' : s.slice(i + 1);
  };
  const e2 = next(ext);
  const e3 = next(e2);
  const e4 = next(e3);
  return [e2, e3, e4];
}

/** Join a .qmail path as the system names it: relative lines under home, no ./ or doubled /. */
export function mailboxPath(home: string, line: string, maildir: boolean): string {
  const p = normalizeSystemPath(line.startsWith('/') ? line : home + '/' + line);
  return maildir ? (p === '/' ? '/' : p + '/') : p;
}

interface Cursor {
  cmd: string;
  i: number;
}

const VAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/y;

/** A `$NAME` or `${NAME}` at the cursor, expanded from env (unset: empty); a lone `$` stays. */
function expandVar(c: Cursor, env: Readonly<Record<string, string>>): string {
  VAR.lastIndex = c.i;
  const m = VAR.exec(c.cmd);
  if (!m) {
    c.i++;
    return '$';
  }
  c.i += m[0].length;
  return env[m[1] ?? m[2]] ?? '';
}

/** A double-quoted part, the cursor at its opening quote: backslash escapes $ ` " \\ and newline; $VAR expands. */
function doubleQuoted(c: Cursor, env: Readonly<Record<string, string>>): string {
  let out = '';
  c.i++;
  while (c.i < c.cmd.length && c.cmd[c.i] !== '"') {
    const ch = c.cmd[c.i];
    if (ch === '\\' && c.i + 1 < c.cmd.length && '$`"\\\n'.includes(c.cmd[c.i + 1])) {
      out += c.cmd[c.i + 1];
      c.i += 2;
    } else if (ch === '$') out += expandVar(c, env);
    else {
      out += ch;
      c.i++;
    }
  }
  c.i++;
  return out;
}

/** Split a command the way /bin/sh would for a simple command (quotes, backslashes, $VAR from env). */
export function shellWords(cmd: string, env: Readonly<Record<string, string>>): string[] {
  const words: string[] = [];
  const c: Cursor = { cmd, i: 0 };
  let cur = '';
  let inWord = false;
  while (c.i < cmd.length) {
    const ch = cmd[c.i];
    if (ch === ' ' || ch === '\t' || ch === '\n') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      c.i++;
      continue;
    }
    inWord = true;
    if (ch === "'") {
      const e = cmd.indexOf("'", c.i + 1);
      cur += e < 0 ? cmd.slice(c.i + 1) : cmd.slice(c.i + 1, e);
      c.i = e < 0 ? cmd.length : e + 1;
    } else if (ch === '"') cur += doubleQuoted(c, env);
    else if (ch === '\\') {
      cur += cmd[c.i + 1] ?? '';
      c.i += 2;
    } else if (ch === '$') cur += expandVar(c, env);
    else {
      cur += ch;
      c.i++;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/** A command whose exit status is plain from its text (the shell builtin `exit N`). */
export function literalExit(cmd: string): string | null {
  const m = /^[ \t]*exit[ \t]+([0-9]+)[ \t]*;?$/.exec(cmd);
  if (!m) return null;
  const n = Number(m[1]) % 256;
  if (n === 0) return null;
  const what =
    n === 99
      ? 'success, and qmail-local skips every later line (forwards collected before it are still sent)'
      : [100, 64, 65, 70, 76, 77, 78, 112].includes(n)
        ? 'a permanent failure: qmail-local stops and the message bounces'
        : 'a temporary failure: qmail-local stops and the message is retried later (deliveries done so far are repeated)';
  return `the shell builtin "exit ${n}": real qmail would see exit ${n}, ${what}`;
}

