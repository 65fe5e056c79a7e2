// qmail-local (qmail-local.c), in its own order: the home directory, the
// environment, the Delivered-To loop check, the .qmail search (qmesearch),
// NEWSENDER, then each line of the chosen file or of the default delivery.
// Nothing is run or written: each line says what qmail-local would do.
import type { Installation, SystemUsers, DotQmailFile } from '../qmail/model-types.js';
import { parseDotQmail } from '../qmail/dotqmail.js';
import { lcAscii } from '../qmail/control-readers.js';
import { normalizeSystemPath } from '../sysroot/sysroot.js';
import { Access, errorStr, may } from './access.js';
import { isTempErrno } from './getpw.js';
import type { ManagerHandlers, ManagerKind, TraceStep, TraceUser } from './types.js';

export interface LocalInput {
  inst: Installation;
  users: SystemUsers;
  access: Access;
  user: TraceUser;
  /** qmail-local's `local` and `domain` arguments (case kept). */
  local: string;
  domain: string;
  /** The sender qmail-lspawn hands on (after qmail-send's VERP expansion). */
  sender: string;
  /** Header lines of the copy (Delivered-To of its forward chain, --message lines), without `\n`. */
  headerLines: readonly string[];
  now: Date;
  hopIndex: number;
  recipient: string;
  managers?: ManagerHandlers;
}

export type LocalAction =
  | { kind: 'maildir' | 'mbox' | 'program' | 'discard'; target: string }
  /** immediate: injected by a manager program at once (kept even if qmail-local later fails);
   *  otherwise collected by qmail-local and injected only when it finishes successfully. */
  | { kind: 'forward'; target: string; immediate: boolean; deliveredTo: string; sender: string };

export type LocalEnd = { kind: 'ok'; delivered: boolean } | { kind: 'defer' | 'bounce' | 'loop'; reason: string };

export interface LocalResult {
  dotqmail: string | null;
  env: Record<string, string>;
  steps: TraceStep[];
  actions: LocalAction[];
  end: LocalEnd;
}

const q = (s: string) => JSON.stringify(s);
const STAGE = 'qmail-local' as const;
const NO_MAILBOX = 'Sorry, no mailbox here by that name. (#5.1.1)';
const LOOPING = 'This message is looping: it already has my Delivered-To line. (#5.4.6)';

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
function hostCuts(host: string): [string, string, string] {
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
function extCuts(ext: string): [string, string, string] {
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

/** Split a command the way /bin/sh would for a simple command (quotes, backslashes, $VAR from env). */
export function shellWords(cmd: string, env: Readonly<Record<string, string>>): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let i = 0;
  const expand = (): string => {
    // at cmd[i] === '$'
    let m = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(cmd.slice(i));
    if (!m) m = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(cmd.slice(i));
    if (!m) {
      i++;
      return '$';
    }
    i += m[0].length;
    return env[m[1]] ?? '';
  };
  while (i < cmd.length) {
    const c = cmd[i];
    if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      i++;
      continue;
    }
    inWord = true;
    if (c === "'") {
      const e = cmd.indexOf("'", i + 1);
      cur += e < 0 ? cmd.slice(i + 1) : cmd.slice(i + 1, e);
      i = e < 0 ? cmd.length : e + 1;
    } else if (c === '"') {
      i++;
      while (i < cmd.length && cmd[i] !== '"') {
        if (cmd[i] === '\\' && i + 1 < cmd.length && '$`"\\\n'.includes(cmd[i + 1])) {
          cur += cmd[i + 1];
          i += 2;
        } else if (cmd[i] === '$') cur += expand();
        else cur += cmd[i++];
      }
      i++;
    } else if (c === '\\') {
      cur += cmd[i + 1] ?? '';
      i += 2;
    } else if (c === '$') {
      cur += expand();
    } else {
      cur += c;
      i++;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/** Which manager, if any, a program line calls (vdelivermail: vpopmail; vdeliver: VMailMgr). */
export function managerOf(argv: string[]): ManagerKind | null {
  let k = 0;
  while (k < argv.length && (argv[k] === 'exec' || /(^|\/)preline$/.test(argv[k]))) k++;
  const prog = argv[k];
  if (!prog) return null;
  const base = prog.slice(prog.lastIndexOf('/') + 1);
  if (base === 'vdelivermail') return 'vpopmail';
  if (base === 'vdeliver') return 'vmailmgr';
  return null;
}

export function qmailLocal(inp: LocalInput): LocalResult {
  const steps: TraceStep[] = [];
  const actions: LocalAction[] = [];
  const env: Record<string, string> = {};
  const { user, access } = inp;
  const home = user.home;
  const uid = user.uid;
  const gid = user.gid;
  const consts = inp.inst.consts();
  const patrn = consts.patrn;
  const fail = (kind: 'defer' | 'bounce' | 'loop', reason: string, text: string, path?: string, line?: number): LocalResult => {
    steps.push({ stage: STAGE, text, path, line });
    return { dotqmail, env, steps, actions, end: { kind, reason } };
  };
  let dotqmail: string | null = null;

  if (!home.startsWith('/')) {
    return fail('bounce', 'qmail-local: usage: qmail-local [ -nN ] user homedir local dash ext domain sender aliasempty', `home ${q(home)} does not begin with /: qmail-local stops with a usage error, exit 100 → bounce`);
  }

  // chdir(home) as the user.
  const reach = access.reach(home + '/.', uid, gid);
  const hs = access.stat(home);
  let chdirErr: string | null = reach;
  if (!chdirErr) {
    if ('missing' in hs) chdirErr = 'ENOENT';
    else if ('error' in hs) chdirErr = hs.error;
    else if (hs.meta.kind !== 'dir') chdirErr = 'ENOTDIR';
    else if (!may(hs.meta, uid, gid, 1)) chdirErr = 'EACCES';
  }
  if (chdirErr) {
    const reason = `Unable to switch to ${home}: ${errorStr(chdirErr)}. (#4.3.0)`;
    return fail('defer', reason, `cd ${home} as ${user.name} fails (${errorStr(chdirErr)}) → defer: ${reason}`);
  }
  const hmeta = 'meta' in hs ? hs.meta : null!;
  const modeStr = (m: number) => m.toString(8).padStart(4, '0');
  if (hmeta.mode & patrn) {
    const reason = 'Uh-oh: home directory is writable. (#4.7.0)';
    return fail('defer', reason, `home ${home} has mode ${modeStr(hmeta.mode)}, which has bits of conf-patrn ${modeStr(patrn)} → defer: ${reason}`, home);
  }
  if (hmeta.mode & 0o1000) {
    const reason = 'Home directory is sticky: user is editing his .qmail file. (#4.2.1)';
    return fail('defer', reason, `home ${home} has the sticky bit (mode ${modeStr(hmeta.mode)}) → defer: ${reason}`, home);
  }
  steps.push({ stage: STAGE, text: `runs as ${user.name} (uid ${uid}, gid ${gid}); home ${home} mode ${modeStr(hmeta.mode)}: not writable by conf-patrn ${modeStr(patrn)}, not sticky`, path: home });

  const recipient = inp.local + '@' + inp.domain;
  const dtline = 'Delivered-To: ' + recipient.replace(/\n/g, '_') + '\n';
  env.HOST = inp.domain;
  env.HOME = home;
  env.USER = user.name;
  env.LOCAL = inp.local;
  env.RECIPIENT = recipient;
  env.DTLINE = dtline;

  // Delivered-To loop check: a header line byte-for-byte equal to DTLINE.
  const dtNoNl = dtline.slice(0, -1);
  const loopAt = inp.headerLines.findIndex((l) => l === dtNoNl);
  if (loopAt >= 0) {
    return fail('loop', LOOPING, `the message already has the line ${q(dtNoNl)} → bounce: ${LOOPING}`);
  }
  if (inp.headerLines.length > 0) {
    const n = inp.headerLines.filter((l) => /^delivered-to:/i.test(l)).length;
    steps.push({ stage: STAGE, text: `loop check: no header line equals ${q(dtNoNl)} (${n} Delivered-To line${n === 1 ? '' : 's'} in the copy)` });
  }

  const sender = inp.sender;
  env.SENDER = sender;
  env.RPLINE = 'Return-Path: <' + quote2(sender).replace(/\n/g, '_') + '>\n';
  env.UFLINE = 'From ' + (sender === '' ? 'MAILER-DAEMON' : sender.replace(/[ \t\n]/g, '-')) + ' ' + myctime(inp.now);
  const ext = user.ext;
  const [e2, e3, e4] = extCuts(ext);
  env.EXT = ext;
  env.EXT2 = e2;
  env.EXT3 = e3;
  env.EXT4 = e4;
  const [h2, h3, h4] = hostCuts(inp.domain);
  env.HOST2 = h2;
  env.HOST3 = h3;
  env.HOST4 = h4;

  // qmesearch.
  const dash = user.dash;
  const safeext = lcAscii(ext).replace(/\./g, ':');
  const homeDir = normalizeSystemPath(home);
  const sysPathOf = (name: string) => normalizeSystemPath(homeDir + '/' + name);
  type Probe = { found: true; name: string; forwardOnly: boolean; size: number } | { found: false; note?: string } | { defer: string; text: string };
  const probe = (name: string): Probe => {
    const p = sysPathOf(name);
    // qmeexists: an open error defers only for error_temp, EPERM or EACCES; any other errno is "not there".
    const defers = (e: string) => isTempErrno(e) || e === 'EPERM' || e === 'EACCES';
    const r = access.reach(p, uid, gid);
    if (r === 'ENOENT' || r === 'ENOTDIR' || r === 'ELOOP') return { found: false };
    if (r === 'ESCAPE') return { found: false, note: 'leads outside the sysroot, not followed' };
    if (r && !defers(r)) return { found: false, note: `no (${errorStr(r)})` };
    if (r) {
      const reason = `Unable to open ${name}: ${errorStr(r)}. (#4.3.0)`;
      return { defer: reason, text: `${name}: a directory on the way cannot be searched by ${user.name} (${errorStr(r)}) → defer: ${reason}` };
    }
    const s = access.stat(p);
    if ('missing' in s) return { found: false };
    if ('error' in s) {
      if (s.error === 'ESCAPE') return { found: false, note: 'a symlink leading outside the sysroot, not followed' };
      if (s.error === 'ENOENT' || s.error === 'ENOTDIR' || s.error === 'ELOOP') return { found: false };
      if (!defers(s.error)) return { found: false, note: `no (${errorStr(s.error)})` };
      const reason = `Unable to open ${name}: ${errorStr(s.error)}. (#4.3.0)`;
      return { defer: reason, text: `${name} cannot be opened (${errorStr(s.error)}) → defer: ${reason}` };
    }
    if (!may(s.meta, uid, gid, 4)) {
      const reason = `Unable to open ${name}: access denied. (#4.3.0)`;
      return { defer: reason, text: `${name} exists but ${user.name} may not read it (owner ${s.meta.uid}, mode ${modeStr(s.meta.mode)}) → defer: ${reason}; its content is not shown` };
    }
    if (s.meta.kind !== 'file') return { found: false };
    if (s.meta.mode & patrn) {
      const reason = 'Uh-oh: .qmail file is writable. (#4.7.0)';
      return { defer: reason, text: `${name} has mode ${modeStr(s.meta.mode)}, which has bits of conf-patrn ${modeStr(patrn)} → defer: ${reason}` };
    }
    return { found: true, name, forwardOnly: (s.meta.mode & 0o100) !== 0, size: s.meta.size };
  };

  const tried: string[] = [];
  let chosen: { name: string; forwardOnly: boolean; size: number } | null = null;
  const searchStep = (tail: string) =>
    steps.push({ stage: STAGE, text: `.qmail search (ext ${q(ext)}, dash ${q(dash)}): ${[...tried, tail].filter(Boolean).join(' · ')}`, path: homeDir });
  const tryName = (name: string): 'found' | 'no' | LocalResult => {
    const r = probe(name);
    if ('defer' in r) {
      searchStep('');
      return fail('defer', r.defer, r.text, sysPathOf(name));
    }
    if (!r.found) {
      tried.push(`${name}? ${r.note ?? 'no'}`);
      return 'no';
    }
    chosen = r;
    return 'found';
  };
  const first = '.qmail' + dash + safeext;
  let found = tryName(first);
  if (typeof found === 'object') return found;
  if (found === 'found') {
    if (safeext.length >= 7 && safeext.endsWith('default')) env.DEFAULT = ext.slice(ext.length - 7);
  } else {
    for (let i = safeext.length; i >= 0; i--) {
      if (i !== 0 && safeext[i - 1] !== '-') continue;
      const name = '.qmail' + dash + safeext.slice(0, i) + 'default';
      found = tryName(name);
      if (typeof found === 'object') return found;
      if (found === 'found') {
        env.DEFAULT = ext.slice(i);
        break;
      }
    }
  }
  const pick = chosen as { name: string; forwardOnly: boolean; size: number } | null;
  if (pick) {
    dotqmail = sysPathOf(pick.name);
    const def = 'DEFAULT' in env ? `, DEFAULT=${q(env.DEFAULT)}` : '';
    searchStep(`${pick.name}? yes${def}`);
  } else {
    searchStep('');
    if (dash !== '') {
      return fail('bounce', NO_MAILBOX, `no .qmail file matches and the dash is ${q(dash)} (not empty) → bounce: ${NO_MAILBOX}`);
    }
  }

  // NEWSENDER: the -owner files of the actual ext.
  let newsender = sender;
  if (sender !== '' && sender !== '#@[]') {
    const base = '.qmail' + dash + safeext;
    const ox = (suffix: string): boolean | LocalResult => {
      const name = base + suffix;
      const p = sysPathOf(name);
      const r = access.reach(p, uid, gid);
      if (r) {
        if (isTempErrno(r)) return fail('defer', `Unable to open ${name}: ${errorStr(r)}. (#4.3.0)`, `stat ${name} failed temporarily`);
        return false;
      }
      const s = access.stat(p);
      if ('meta' in s) return true;
      if ('error' in s && isTempErrno(s.error)) return fail('defer', `Unable to open ${name}: ${errorStr(s.error)}. (#4.3.0)`, `stat ${name} failed temporarily`);
      return false;
    };
    const owner = ox('-owner');
    if (typeof owner === 'object') return owner;
    if (owner) {
      const od = ox('-owner-default');
      if (typeof od === 'object') return od;
      newsender = od ? inp.local + '-owner-@' + inp.domain + '-@[]' : inp.local + '-owner@' + inp.domain;
      steps.push({
        stage: STAGE,
        text: `${base}-owner exists${od ? ` and so does ${base}-owner-default` : ''}: forwards go out with sender ${q(newsender)}${od ? ' (VERP: qmail-send puts each recipient into it)' : ''}`,
        path: sysPathOf(base + '-owner'),
      });
    }
  }
  env.NEWSENDER = newsender;
  const shownEnv = ['EXT', 'EXT2', 'EXT3', 'EXT4', 'HOST2', 'HOST3', 'HOST4', 'DEFAULT', 'NEWSENDER']
    .map((k) => (k in env ? `${k}=${q(env[k])}` : `${k} unset`))
    .join(' ');
  steps.push({ stage: STAGE, text: `environment for programs: ${shownEnv}` });

  // Read the instructions: the file, or the default delivery for no file / a 0-byte file.
  let file: DotQmailFile;
  let forwardOnly = false;
  let usingDefault = false;
  let ddPath: string | undefined;
  let ddLine: number | undefined;
  if (pick && pick.size > 0) {
    const rd = access.readAs(dotqmail!, uid, gid);
    if (rd === null || !rd.ok) {
      const why = rd === null ? 'file does not exist' : rd.reason;
      const reason = `Unable to open ${pick.name}: ${why}. (#4.3.0)`;
      return fail('defer', reason, `${pick.name} cannot be read (${why}) → defer: ${reason}`, dotqmail!);
    }
    if (rd.buf.length === 0) {
      file = defaultFile();
    } else {
      file = parseDotQmail(dotqmail!, rd.buf);
      forwardOnly = pick.forwardOnly;
    }
  } else {
    file = defaultFile();
  }
  function defaultFile(): DotQmailFile {
    const dd = inp.inst.defaultDelivery();
    ddPath = dd.path ?? undefined;
    ddLine = dd.line ?? undefined;
    usingDefault = true;
    steps.push({
      stage: STAGE,
      text: `${pick ? `${pick.name} is empty (0 bytes)` : 'no .qmail file and the dash is empty'}: the default delivery applies: ${q(dd.text)} — ${dd.explanation}`,
      path: ddPath,
      line: ddLine,
    });
    const f = parseDotQmail(dd.path ?? '(default delivery)', dd.text === '' ? '\n' : dd.text);
    return f;
  }
  if (forwardOnly) steps.push({ stage: STAGE, text: `${pick!.name} has the user-x bit (0100): forward-only; a file or program line in it defers`, path: dotqmail! });

  const isDefault = usingDefault;
  const lineStep = (n: number, text: string) =>
    steps.push(isDefault ? { stage: STAGE, text, path: ddPath, line: ddLine } : { stage: STAGE, text, path: file.path, line: n });
  let delivered = false;
  for (const l of file.lines) {
    const shown = q(l.raw.replace(/[ \t]+$/, ''));
    switch (l.kind) {
      case 'blank':
        if (l.line === 1) {
          const reason = 'Uh-oh: first line of .qmail file is blank. (#4.2.1)';
          lineStep(l.line, `line 1 is blank → defer: ${reason}`);
          return { dotqmail, env, steps, actions, end: { kind: 'defer', reason } };
        }
        continue;
      case 'comment':
        if (l.flag === 'list') {
          forwardOnly = true;
          lineStep(l.line, `line ${l.line} "+list": forward-only from here on; a later file or program line defers`);
        }
        continue;
      case 'mbox':
      case 'maildir': {
        if (forwardOnly) {
          const reason = 'Uh-oh: .qmail has file delivery but has x bit set. (#4.7.0)';
          lineStep(l.line, `line ${l.line} ${shown} is a file line in forward-only mode → defer: ${reason}${collectedNote(actions)}`);
          return { dotqmail, env, steps, actions, end: { kind: 'defer', reason } };
        }
        const isDir = l.kind === 'maildir';
        const target = mailboxPath(homeDir, l.target, isDir);
        const chk = isDir ? checkMaildir(access, target, l.target, uid, gid) : checkMbox(access, target, l.target, uid, gid);
        if (chk.defer) {
          lineStep(l.line, `line ${l.line} ${shown} → ${l.kind} ${target}: ${chk.text} → defer: ${chk.defer}${collectedNote(actions)}`);
          return { dotqmail, env, steps, actions, end: { kind: 'defer', reason: chk.defer } };
        }
        actions.push({ kind: l.kind, target });
        delivered = true;
        lineStep(l.line, `line ${l.line} ${shown} → ${l.kind} ${target}${isDir ? '' : ' (appended, From_ line first)'}${chk.text ? ` (${chk.text})` : ''}`);
        if (chk.warn) steps.push({ stage: STAGE, warn: true, text: chk.warn + deferConsequences(file, l.line, actions), path: target });
        continue;
      }
      case 'program': {
        if (forwardOnly) {
          const reason = 'Uh-oh: .qmail has prog delivery but has x bit set. (#4.7.0)';
          lineStep(l.line, `line ${l.line} ${shown} is a program line in forward-only mode → defer: ${reason}${collectedNote(actions)}`);
          return { dotqmail, env, steps, actions, end: { kind: 'defer', reason } };
        }
        delivered = true;
        const argv = shellWords(l.target, env);
        const kind = managerOf(argv);
        const handler = kind ? inp.managers?.[kind] : undefined;
        if (kind && handler) {
          const res = handler({
            kind,
            sysroot: inp.access.sysroot,
            installation: inp.inst,
            users: inp.users,
            command: l.target,
            argv,
            path: file.path,
            line: l.line,
            hop: { index: inp.hopIndex, recipient: inp.recipient, local: inp.local, domain: inp.domain, user, dotqmail },
            env: { ...env },
            sender,
            headerLines: inp.headerLines,
            readAsUser: (p) => access.readAs(p, uid, gid),
            now: inp.now,
          });
          if (res) {
            lineStep(l.line, `line ${l.line} ${shown} runs ${kind === 'vpopmail' ? 'vdelivermail' : 'vdeliver'}: followed inside`);
            for (const st of res.steps) steps.push(st); // no spread: a 10 MB .qmail gives more steps than call arguments allow
            for (const a of res.actions) {
              if (a.kind === 'forward') {
                actions.push({ kind: 'forward', target: a.target, immediate: true, deliveredTo: a.deliveredTo ?? dtNoNl, sender: a.sender ?? sender });
              } else if (a.kind === 'bounce' || a.kind === 'defer') {
                return { dotqmail, env, steps, actions, end: { kind: a.kind, reason: a.target } };
              } else if (a.kind === 'loop') {
                return { dotqmail, env, steps, actions, end: { kind: 'loop', reason: a.target ?? 'mail is looping' } };
              } else {
                actions.push({ kind: a.kind, target: a.target });
              }
            }
            continue;
          }
        }
        actions.push({ kind: 'program', target: l.target });
        const note = kind ? ` (${kind === 'vpopmail' ? "vpopmail's vdelivermail" : "VMailMgr's vdeliver"}; not followed here)` : '';
        lineStep(l.line, `line ${l.line} ${shown} → program ${q(l.target)}${note}, run by /bin/sh -c in ${home}; never run by qlens: assumed to exit 0 (99 would skip the lines after it, 100 would bounce, 111 would defer)`);
        const known = literalExit(l.target);
        if (known) steps.push({ stage: STAGE, warn: true, text: `this command is ${known}; the walk still follows the exit-0 ruling`, path: file.path, line: l.line });
        continue;
      }
      case 'forward':
        delivered = true;
        actions.push({ kind: 'forward', target: l.target, immediate: false, deliveredTo: dtNoNl, sender: newsender });
        lineStep(l.line, `line ${l.line} ${shown} → forward to ${q(l.target)} (collected; re-injected when the file is done, sender ${q(newsender)})`);
        continue;
    }
  }
  if (!delivered) {
    steps.push({ stage: STAGE, text: `${usingDefault ? 'the default delivery' : file.path} has no delivery line: qmail-local accepts the message and delivers nothing (did 0+0+0)`, path: dotqmail ?? undefined });
  }
  return { dotqmail, env, steps, actions, end: { kind: 'ok', delivered } };
}

/** A command whose exit status is plain from its text (the shell builtin `exit N`). */
function literalExit(cmd: string): string | null {
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

/**
 * What a deferral at this line does in qmail-local (the first failing line ends
 * the run, exit 111): earlier lines stay done and run again on each retry,
 * later lines are not reached, the forwards collected so far are not sent.
 */
function deferConsequences(file: DotQmailFile, lineNo: number, actions: LocalAction[]): string {
  const later = file.lines.filter((x) => x.line > lineNo && x.kind !== 'blank' && x.kind !== 'comment');
  // The maildir itself was just listed: what ran before it is every other mailbox or program.
  const earlier = actions.filter((a) => a.kind === 'maildir' || a.kind === 'mbox' || a.kind === 'program').length - 1;
  const parts = [
    'qmail-local stops there with exit 111 and qmail-send retries later (until the directory exists, or until queuelifetime runs out and the message bounces)',
    earlier > 0 ? `the ${earlier} mailbox or program line${earlier > 1 ? 's' : ''} before it ha${earlier > 1 ? 've' : 's'} already run and run${earlier > 1 ? '' : 's'} again on each retry` : '',
    later.length > 0 ? `line ${later[0].line}${later.length > 1 ? ` and the ${later.length - 1} delivery line${later.length > 2 ? 's' : ''} after it are` : ' is'} not carried out` : '',
  ].filter(Boolean);
  return `; ${parts.join('; ')}${collectedNote(actions)}; the walk lists the maildir as if it existed`;
}

function collectedNote(actions: LocalAction[]): string {
  const n = actions.filter((a) => a.kind === 'forward' && !a.immediate).length;
  return n ? `; the ${n} forward${n > 1 ? 's' : ''} collected so far ${n > 1 ? 'are' : 'is'} not sent` : '';
}

type Check = { defer?: string; text: string; warn?: string };

/** qmail-local's mailfile(): open for append, creating with mode 0600 — as the user. */
function checkMbox(access: Access, target: string, written: string, uid: number, gid: number): Check {
  const r = access.reach(target, uid, gid);
  if (r) {
    const reason = `Unable to open ${written}: ${errorStr(r)}. (#4.2.1)`;
    return { defer: reason, text: `cannot reach it (${errorStr(r)})` };
  }
  const s = access.stat(target);
  if ('error' in s) return { defer: `Unable to open ${written}: ${errorStr(s.error)}. (#4.2.1)`, text: errorStr(s.error) };
  if ('meta' in s) {
    if (s.meta.kind === 'dir') return { defer: `Unable to open ${written}: is a directory. (#4.2.1)`, text: 'it is a directory (an mbox line needs a file; a maildir line ends in "/")' };
    if (!may(s.meta, uid, gid, 2)) return { defer: `Unable to open ${written}: access denied. (#4.2.1)`, text: `the user may not write it (owner ${s.meta.uid}, mode ${s.meta.mode.toString(8).padStart(4, '0')})` };
    return { text: '' };
  }
  const parent = target.slice(0, target.lastIndexOf('/')) || '/';
  const ps = access.stat(parent);
  if (!('meta' in ps)) return { defer: `Unable to open ${written}: file does not exist. (#4.2.1)`, text: `its directory ${parent} does not exist` };
  if (!may(ps.meta, uid, gid, 3)) return { defer: `Unable to open ${written}: access denied. (#4.2.1)`, text: `it does not exist and the user may not create it in ${parent} (owner ${ps.meta.uid}, mode ${ps.meta.mode.toString(8).padStart(4, '0')})` };
  return { text: 'created on first delivery' };
}

/** qmail-local's maildir(): chdir into it, then tmp/ and new/. */
function checkMaildir(access: Access, target: string, written: string, uid: number, gid: number): Check {
  const dir = target.replace(/\/+$/, '') || '/';
  const r = access.reach(dir, uid, gid);
  const s = access.stat(dir);
  if ('missing' in s || r === 'ENOENT') {
    return { text: '', warn: `maildir ${target} does not exist: real qmail-local would defer here with "Unable to chdir to maildir. (#4.2.1)" (chdir fails with ENOENT)` };
  }
  if (r || 'error' in s || s.meta.kind !== 'dir' || !may(s.meta, uid, gid, 1)) {
    return { defer: 'Unable to chdir to maildir. (#4.2.1)', text: `the user cannot enter ${dir}` };
  }
  for (const sub of ['tmp', 'new']) {
    const ss = access.stat(dir + '/' + sub);
    if (!('meta' in ss) || ss.meta.kind !== 'dir') {
      return { text: '', warn: `${target} has no ${sub}/ directory: real qmail-local would defer here with "Temporary error on maildir delivery. (#4.3.0)"` };
    }
    if (!may(ss.meta, uid, gid, 3)) return { defer: 'Temporary error on maildir delivery. (#4.3.0)', text: `the user may not write ${dir}/${sub}/` };
  }
  void written;
  return { text: '' };
}

