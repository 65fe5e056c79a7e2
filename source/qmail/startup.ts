// The scripts that start an installation: /var/qmail/rc, daemontools `run`
// scripts, systemd units. Read as text with a small shell word splitter
// (quotes, backslashes, `...` and $(...) substitutions, $VAR from earlier
// assignments in the same script) — enough for the scripts LWQ and the
// distributions write, never executed. What they tell: qmail-start's first
// argument (the default delivery), each tcpserver's address/port/options
// and program, and the environment (env -, envdir, QMAILQUEUE, PATH...).
import type { Sysroot } from '../sysroot/sysroot.js';
import { FsError, decodeBytes, normalizeSystemPath } from '../sysroot/sysroot.js';
import type { Diagnostic, QmailStartCall, ShellWord, StartScript, TcpServerCall } from './model-types.js';
import { splitShell } from './shell-words.js';

export type { WordPart, ShellWord, ShellCommand, EnvSetting, QmailStartCall, TcpServerCall, MultilogCall, StartScript } from './model-types.js';
export { splitShell } from './shell-words.js';

// ---------------------------------------------------------------- commands

function base(p: string): string {
  const k = p.lastIndexOf('/');
  return k < 0 ? p : p.slice(k + 1);
}

// Wrappers that run the rest of their arguments as a command: how many
// option words each takes before the program.
const SOFTLIMIT_OPTS = new Set(['-m', '-a', '-d', '-o', '-p', '-l', '-f', '-c', '-r', '-t', '-s']);
const TCPSERVER_ARG_OPTS = new Set(['x', 't', 'u', 'g', 'l', 'b', 'B', 'c', 'I', 'n', 'C']);

/** systemd's Environment= lines: it quotes whole assignments ("PATH=/a:/b" VAR=x). */
function systemdEnvironment(text: string, path: string, out: StartScript): void {
  for (const m of text.matchAll(/^Environment=(.*)$/gm)) {
    const lineNo = text.slice(0, m.index).split('\n').length;
    for (const c of splitShell(m[1], path).commands) {
      for (const w of [...c.assigns.map((a) => ({ value: `${a.name}=${a.value.value}` })), ...c.words]) {
        const kv = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/.exec(w.value);
        if (kv) out.env.push({ name: kv[1], value: kv[2], path, line: lineNo, via: 'assign' });
      }
    }
  }
}

/** `env [-] [-u NAME] [NAME=value]... prog`: the index of prog, the settings and clearings recorded. */
function peelEnv(w: ShellWord[], k: number, path: string, out: StartScript): number {
  while (k < w.length) {
    const v = w[k].value;
    if (v === '-' || v === '-i' || v === '--ignore-environment') {
      out.envClear.push(w[k].line);
      k++;
      continue;
    }
    if (v === '-u' || v === '--unset') {
      k += 2;
      continue;
    }
    // `env "PATH=/a:$PATH" prog` is an assignment too: look at the word after quote removal.
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(v);
    if (!m) break;
    out.env.push({ name: m[1], value: v.slice(m[0].length), path, line: w[k].line, via: 'env' });
    k++;
  }
  return k;
}

/** Options of a wrapper that runs the rest of its words: the index of the first word after them. */
function skipOptions(w: ShellWord[], k: number, takesArg: (opt: string) => boolean, seen?: (opt: string, k: number) => void): number {
  while (k < w.length && w[k].value.startsWith('-')) {
    const v = w[k].value;
    seen?.(v, k);
    k += takesArg(v) ? 2 : 1;
  }
  return k;
}

/**
 * The wrappers before the real program (exec, env, envdir, setuidgid,
 * softlimit, chpst, ...), peeled off with what they set recorded in `out`:
 * the command's words (argv0 rewrites them) and the index of the program
 * (w.length when there is none).
 */
function peelWrappers(words: ShellWord[], path: string, out: StartScript): { w: ShellWord[]; k: number } {
  let w = words;
  let k = 0;
  while (k < w.length) {
    const name = base(w[k].value);
    if (name === 'exec' || name === 'nohup' || name === 'fghack' || name === 'pgrphack' || name === 'command') k++;
    else if (name === 'export') {
      for (const x of w.slice(k + 1)) {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(x.value);
        if (m) out.env.push({ name: m[1], value: x.value.slice(m[0].length), path, line: x.line, via: 'export' });
      }
      return { w, k: w.length };
    } else if (name === 'env') k = peelEnv(w, k + 1, path, out);
    else if (name === 'envdir') {
      if (k + 1 < w.length) out.envdirs.push({ dir: w[k + 1].value, line: w[k + 1].line });
      k += 2;
    } else if (name === 'setuidgid' || name === 'envuidgid') k += 2;
    else if (name === 'argv0') {
      // argv0 PROGRAM NAME ARGS: runs PROGRAM.
      if (k + 2 < w.length) w = [...w.slice(0, k + 1), ...w.slice(k + 1, k + 2), ...w.slice(k + 3)];
      k++;
    } else if (name === 'softlimit') k = skipOptions(w, k + 1, (v) => SOFTLIMIT_OPTS.has(v));
    else if (name === 'nice') k = skipOptions(w, k + 1, (v) => v === '-n');
    else if (name === 'chpst') {
      k = skipOptions(
        w,
        k + 1,
        (v) => /^-[uUbenlLmdofpcr]$/.test(v),
        (v, at) => {
          if (v === '-e' && at + 1 < w.length) out.envdirs.push({ dir: w[at + 1].value, line: w[at + 1].line });
        },
      );
    } else break;
  }
  return { w, k };
}

/** What the program a command runs tells: an exec'd script, qmail-start's arguments, a tcpserver, a multilog. */
function recordProgram(w: ShellWord[], k: number, path: string, out: StartScript): void {
  const prog = w[k];
  const pname = base(prog.value);
  if (prog.value.startsWith('/') && pname !== 'qmail-start' && !isTcpServer(pname)) {
    out.execs.push({ program: prog.value, line: prog.line });
  }
  if (pname === 'qmail-start') {
    const args = w.slice(k + 1);
    out.qmailStart.push({ path, line: prog.line, program: prog.value, arg: args[0] ?? null, logger: args.slice(1).map((a) => a.value) });
    return;
  }
  if (isTcpServer(pname)) out.tcpservers.push(parseTcpServer(w.slice(k), path));
  if (pname === 'multilog') out.multilogs.push({ path, line: prog.line, program: prog.value, args: w.slice(k + 1).map((x) => x.value) });
}

/** Analyse a script's text. `path` is its system path. */
export function parseStartScript(text: string, path: string, kind: StartScript['kind'] = 'other'): StartScript {
  const body = kind === 'systemd' ? systemdExecLines(text) : text;
  const { commands, diagnostics } = splitShell(body, path);
  const out: StartScript = { path, kind, commands, env: [], envClear: [], envdirs: [], qmailStart: [], tcpservers: [], multilogs: [], execs: [], diagnostics };
  if (kind === 'systemd') systemdEnvironment(text, path, out);
  for (const cmd of commands) {
    for (const a of cmd.assigns) out.env.push({ name: a.name, value: a.value.value, path, line: a.value.line, via: 'assign' });
    const { w, k } = peelWrappers(cmd.words, path, out);
    if (k < w.length) recordProgram(w, k, path, out);
  }
  return out;
}

function isTcpServer(name: string): boolean {
  return name === 'tcpserver' || name === 'sslserver' || name === 'tcpsvd';
}

function parseTcpServer(w: ShellWord[], path: string): TcpServerCall {
  const call: TcpServerCall = {
    path,
    line: w[0].line,
    server: w[0].value,
    host: '',
    port: '',
    localName: null,
    uid: null,
    gid: null,
    rules: null,
    limit: null,
    options: [],
    optionWords: {},
    program: null,
    args: [],
  };
  let k = 1;
  const setOpt = (o: string, v: string): void => {
    if (o === 'l') call.localName = v;
    else if (o === 'u') call.uid = v;
    else if (o === 'g') call.gid = v;
    else if (o === 'x') call.rules = v;
    else if (o === 'c') call.limit = v;
  };
  while (k < w.length) {
    const v = w[k].value;
    if (v === '--') {
      k++;
      break;
    }
    if (!v.startsWith('-') || v === '-') break;
    call.options.push(v);
    // getopt: a cluster of flags, the first option that takes an argument eats the rest or the next word.
    for (let j = 1; j < v.length; j++) {
      const o = v[j];
      if (TCPSERVER_ARG_OPTS.has(o)) {
        let arg = v.slice(j + 1);
        if (arg === '') {
          k++;
          arg = k < w.length ? w[k].value : '';
          call.options.push(arg);
          if (k < w.length) call.optionWords[o] = w[k];
        } else {
          call.optionWords[o] = { raw: arg, parts: [{ lit: arg }], value: arg, line: w[k].line };
        }
        setOpt(o, arg);
        break;
      }
    }
    k++;
  }
  call.host = w[k]?.value ?? '';
  call.port = w[k + 1]?.value ?? '';
  const rest = w.slice(k + 2);
  // The program may itself be wrapped (rblsmtpd, recordio, fixcrio...): keep the first qmail program if any.
  const q = rest.findIndex((x) => /qmail-(smtpd|qmtpd|qmqpd|popup|pop3d)$/.test(x.value));
  const at = q >= 0 ? q : 0;
  call.program = rest[at]?.value ?? null;
  call.args = rest.slice(at + 1).map((x) => x.value);
  return call;
}

/** The command lines of a systemd unit (ExecStart=...), as shell text. */
function systemdExecLines(text: string): string {
  return text
    .split('\n')
    .map((l) => {
      const m = /^ExecStart(?:Pre|Post)?=[-@:+!]*(.*)$/.exec(l);
      return m ? m[1] : '';
    })
    .join('\n');
}

// ---------------------------------------------------------------- resolving

export interface ResolvedWord {
  text: string;
  /** Files whose contents went into the text (cat/head substitutions). */
  files: string[];
  /** Substitutions that could not be resolved (left as `cmd`). */
  unresolved: string[];
  /** Files a `cat` read that do not exist: the shell substitutes nothing for them. */
  missing: string[];
}

/**
 * Resolve a word's `cat FILE` / `head -1 FILE` substitutions by reading the
 * file (through the caller), as the shell would: trailing newlines dropped;
 * an unquoted substitution is also split on blanks (first field kept here,
 * since qmail-start takes one argument).
 */
export function resolveWord(word: ShellWord, readFile: (sysPath: string) => string | null): ResolvedWord {
  let text = '';
  const files: string[] = [];
  const unresolved: string[] = [];
  const missing: string[] = [];
  for (const p of word.parts) {
    if ('lit' in p) {
      text += p.lit;
      continue;
    }
    const m = /^(cat|head(?:\s+-n\s*1|\s+-1)?)\s+(\/\S+)\s*$/.exec(p.subst);
    if (!m) {
      unresolved.push(p.subst);
      text += '`' + p.subst + '`';
      continue;
    }
    const file = m[2].replace(/^["']|["']$/g, '');
    const content = readFile(file);
    files.push(file);
    if (content === null) {
      missing.push(file);
      continue;
    }
    let v = m[1] === 'cat' ? content : content.split('\n')[0] + (content.includes('\n') ? '\n' : '');
    v = v.replace(/\n+$/, '');
    if (!p.quoted) v = v.trim().split(/[ \t\n]+/)[0] ?? '';
    text += v;
  }
  return { text, files, unresolved, missing };
}

// ---------------------------------------------------------------- loading

/** Does this text name the installation root (and not a longer one: /var/qmail vs /var/qmail2)? */
export function referencesRoot(text: string, root: string): boolean {
  // A plain search: the root is a path from outside (--instance), never made into a regular expression.
  for (let i = text.indexOf(root); i >= 0; i = text.indexOf(root, i + 1)) {
    const next = text.charCodeAt(i + root.length);
    if (!continuesPathName(next)) return true;
  }
  return false;
}

/** A character that continues a path's last name (A-Z a-z 0-9 _ . -): /var/qmail2 is not /var/qmail. */
function continuesPathName(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45;
}

function readText(sysroot: Sysroot, path: string, diags: Diagnostic[]): string | null {
  try {
    const b = sysroot.read(path);
    return b === null ? null : decodeBytes(b);
  } catch (e) {
    diags.push({ path, line: null, severity: 'warning', code: 'script-unreadable', message: `unreadable: ${e instanceof FsError ? e.message : String(e)}` });
    return null;
  }
}

function listDir(sysroot: Sysroot, dir: string): string[] {
  try {
    return sysroot.readdir(dir) ?? [];
  } catch {
    return [];
  }
}

/**
 * Every start script of the installation at `root`: ROOT/rc, run scripts
 * under ROOT/supervise and ROOT/service, run scripts in /service,
 * /etc/service, /var/service (and systemd units) that name ROOT, and the
 * scripts those run by path (`exec /var/qmail/rc`) when they belong to ROOT.
 */
export function loadStartScripts(sysroot: Sysroot, root: string): { scripts: StartScript[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const scripts: StartScript[] = [];
  const seen = new Set<string>();
  const add = (path: string, kind: StartScript['kind'], mustReference: boolean): StartScript | null => {
    const norm = normalizeSystemPath(path);
    if (seen.has(norm)) return null;
    const text = readText(sysroot, norm, diagnostics);
    if (text === null) return null;
    if (mustReference && !referencesRoot(text, root)) return null;
    seen.add(norm);
    const s = parseStartScript(text, norm, kind);
    scripts.push(s);
    diagnostics.push(...s.diagnostics);
    return s;
  };
  add(`${root}/rc`, 'rc', false);
  for (const d of [`${root}/supervise`, `${root}/service`]) {
    for (const n of listDir(sysroot, d)) {
      add(`${d}/${n}/run`, 'run', false);
      add(`${d}/${n}/log/run`, 'run', false);
    }
  }
  for (const d of ['/service', '/etc/service', '/var/service', '/etc/sv']) {
    for (const n of listDir(sysroot, d)) {
      // A service of this installation: its log/run names its log (and need not name the root).
      if (add(`${d}/${n}/run`, 'run', true)) add(`${d}/${n}/log/run`, 'run', false);
    }
  }
  for (const d of ['/etc/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system']) {
    for (const n of listDir(sysroot, d)) if (n.endsWith('.service') && n.includes('qmail')) add(`${d}/${n}`, 'systemd', true);
  }
  // Follow `exec /some/script` once when the target belongs to this installation.
  for (let i = 0; i < scripts.length; i++) {
    for (const e of scripts[i].execs) {
      if (referencesRoot(e.program, root) || e.program.startsWith(root + '/')) add(e.program, 'other', false);
    }
  }
  return { scripts, diagnostics };
}

/** The default delivery the installation's scripts give qmail-start, first found (rc before run scripts). */
export function findQmailStart(scripts: StartScript[]): QmailStartCall | null {
  for (const s of scripts) if (s.qmailStart.length > 0) return s.qmailStart[0];
  return null;
}
