// The scripts that start an installation: /var/qmail/rc, daemontools `run`
// scripts, systemd units. Read as text with a small shell word splitter
// (quotes, backslashes, `...` and $(...) substitutions, $VAR from earlier
// assignments in the same script) — enough for the scripts LWQ and the
// distributions write, never executed. What they tell: qmail-start's first
// argument (the default delivery), each tcpserver's address/port/options
// and program, and the environment (env -, envdir, QMAILQUEUE, PATH...).
import type { Sysroot } from '../sysroot/sysroot.js';
import { FsError, decodeBytes, normalizeSystemPath } from '../sysroot/sysroot.js';
import type { Diagnostic, QmailStartCall, ShellCommand, ShellWord, StartScript, TcpServerCall, WordPart } from './model-types.js';

export type { WordPart, ShellWord, ShellCommand, EnvSetting, QmailStartCall, TcpServerCall, MultilogCall, StartScript } from './model-types.js';

// ---------------------------------------------------------------- words

function isNameChar(c: string): boolean {
  return /[A-Za-z0-9_]/.test(c);
}

/** Split shell text into commands of words. Never throws: odd input gives odd words and a diagnostic. */
export function splitShell(text: string, path = '(script)'): { commands: ShellCommand[]; diagnostics: Diagnostic[] } {
  const commands: ShellCommand[] = [];
  const diagnostics: Diagnostic[] = [];
  const vars = new Map<string, ShellWord>();
  let i = 0;
  let line = 1;
  let words: ShellWord[] = [];
  let cmdLine = 1;

  const finishCommand = (): void => {
    if (words.length === 0) return;
    const assigns: ShellCommand['assigns'] = [];
    let k = 0;
    while (k < words.length) {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(words[k].raw);
      if (!m) break;
      const w = words[k];
      const value = stripAssignName(w, m[1].length + 1);
      assigns.push({ name: m[1], value });
      k++;
    }
    const rest = words.slice(k);
    // A bare assignment sets a shell variable; later words may use it.
    if (rest.length === 0) for (const a of assigns) vars.set(a.name, a.value);
    if (rest.length > 0 && rest[0].value === 'export') {
      for (const w of rest.slice(1)) {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(w.raw);
        if (m) vars.set(m[1], stripAssignName(w, m[1].length + 1));
      }
    }
    commands.push({ assigns, words: rest, line: cmdLine });
    words = [];
  };

  while (i < text.length) {
    const c = text[i];
    if (c === '\\' && text[i + 1] === '\n') {
      i += 2;
      line++;
      continue;
    }
    if (c === '\n' || c === ';' || c === '&' || c === '|') {
      finishCommand();
      if (c === '\n') line++;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '(' || c === ')' || c === '{' || c === '}') {
      i++;
      continue;
    }
    // Redirections (2>&1, >/dev/null, <file) are not words: skip them and their target.
    const redir = /^[0-9]*(?:>>|>&|<&|>|<)[ \t]*/.exec(text.slice(i, i + 16));
    if (redir) {
      i += redir[0].length;
      while (i < text.length && !/[ \t\n;&|]/.test(text[i])) i++;
      continue;
    }
    // A word.
    if (words.length === 0) cmdLine = line;
    const startLine = line;
    const start = i;
    const parts: WordPart[] = [];
    let lit = '';
    const pushLit = (): void => {
      if (lit) parts.push({ lit });
      lit = '';
    };
    const readSubst = (quoted: boolean): void => {
      // At a backtick or "$(".
      let body = '';
      if (text[i] === '`') {
        i++;
        while (i < text.length && text[i] !== '`') {
          if (text[i] === '\\' && i + 1 < text.length) {
            body += text[i + 1];
            i += 2;
            continue;
          }
          if (text[i] === '\n') line++;
          body += text[i++];
        }
        if (i >= text.length) diagnostics.push({ path, line: startLine, severity: 'warning', code: 'script-syntax', message: 'unterminated `...` substitution' });
        i++;
      } else {
        i += 2;
        let depth = 1;
        while (i < text.length) {
          if (text[i] === '(') depth++;
          if (text[i] === ')' && --depth === 0) break;
          if (text[i] === '\n') line++;
          body += text[i++];
        }
        if (i >= text.length) diagnostics.push({ path, line: startLine, severity: 'warning', code: 'script-syntax', message: 'unterminated $(...) substitution' });
        i++;
      }
      pushLit();
      parts.push({ subst: body.trim(), quoted });
    };
    const readVar = (quoted: boolean): void => {
      // At "$".
      let name = '';
      let j = i + 1;
      if (text[j] === '{') {
        const end = text.indexOf('}', j);
        if (end < 0) {
          lit += '$';
          i++;
          return;
        }
        name = text.slice(j + 1, end);
        j = end + 1;
      } else {
        while (j < text.length && isNameChar(text[j])) name += text[j++];
      }
      if (!name) {
        lit += '$';
        i++;
        return;
      }
      const known = vars.get(name);
      if (known) {
        for (const p of known.parts) {
          if ('lit' in p) lit += p.lit;
          else {
            pushLit();
            parts.push({ subst: p.subst, quoted: quoted || p.quoted });
          }
        }
      } else lit += text.slice(i, j);
      i = j;
    };
    while (i < text.length) {
      const d = text[i];
      if (d === ' ' || d === '\t' || d === '\n' || d === ';' || d === '&' || d === '|' || d === '\r') break;
      if (d === '\\') {
        if (text[i + 1] === '\n') {
          i += 2;
          line++;
          continue;
        }
        if (i + 1 < text.length) lit += text[i + 1];
        i += 2;
        continue;
      }
      if (d === "'") {
        const end = text.indexOf("'", i + 1);
        const body = end < 0 ? text.slice(i + 1) : text.slice(i + 1, end);
        for (const ch of body) if (ch === '\n') line++;
        lit += body;
        i = end < 0 ? text.length : end + 1;
        continue;
      }
      if (d === '"') {
        i++;
        while (i < text.length && text[i] !== '"') {
          const e = text[i];
          if (e === '\\' && i + 1 < text.length && '$`"\\\n'.includes(text[i + 1])) {
            if (text[i + 1] === '\n') line++;
            else lit += text[i + 1];
            i += 2;
            continue;
          }
          if (e === '`' || (e === '$' && text[i + 1] === '(')) {
            readSubst(true);
            continue;
          }
          if (e === '$') {
            readVar(true);
            continue;
          }
          if (e === '\n') line++;
          lit += e;
          i++;
        }
        i++;
        continue;
      }
      if (d === '`' || (d === '$' && text[i + 1] === '(')) {
        readSubst(false);
        continue;
      }
      if (d === '$') {
        readVar(false);
        continue;
      }
      lit += d;
      i++;
    }
    pushLit();
    const raw = text.slice(start, i);
    words.push({ raw, parts, value: partsText(parts), line: startLine });
  }
  finishCommand();
  return { commands, diagnostics };
}

function partsText(parts: WordPart[]): string {
  return parts.map((p) => ('lit' in p ? p.lit : '`' + p.subst + '`')).join('');
}

/** The value part of a NAME=value word. */
function stripAssignName(w: ShellWord, n: number): ShellWord {
  const parts = [...w.parts];
  let drop = n;
  while (drop > 0 && parts.length > 0) {
    const p = parts[0];
    if (!('lit' in p)) break;
    if (p.lit.length <= drop) {
      drop -= p.lit.length;
      parts.shift();
    } else {
      parts[0] = { lit: p.lit.slice(drop) };
      drop = 0;
    }
  }
  return { raw: w.raw.slice(w.raw.indexOf('=') + 1), parts, value: partsText(parts), line: w.line };
}

// ---------------------------------------------------------------- commands

function base(p: string): string {
  const k = p.lastIndexOf('/');
  return k < 0 ? p : p.slice(k + 1);
}

// Wrappers that run the rest of their arguments as a command: how many
// option words each takes before the program.
const SOFTLIMIT_OPTS = new Set(['-m', '-a', '-d', '-o', '-p', '-l', '-f', '-c', '-r', '-t', '-s']);
const TCPSERVER_ARG_OPTS = new Set(['x', 't', 'u', 'g', 'l', 'b', 'B', 'c', 'I', 'n', 'C']);

/** Analyse a script's text. `path` is its system path. */
export function parseStartScript(text: string, path: string, kind: StartScript['kind'] = 'other'): StartScript {
  const body = kind === 'systemd' ? systemdExecLines(text) : text;
  const { commands, diagnostics } = splitShell(body, path);
  const out: StartScript = { path, kind, commands, env: [], envClear: [], envdirs: [], qmailStart: [], tcpservers: [], multilogs: [], execs: [], diagnostics };
  if (kind === 'systemd') {
    for (const m of text.matchAll(/^Environment=(.*)$/gm)) {
      const lineNo = text.slice(0, m.index).split('\n').length;
      // systemd quotes whole assignments: "PATH=/a:/b" VAR=x
      for (const c of splitShell(m[1], path).commands) {
        for (const w of [...c.assigns.map((a) => ({ value: `${a.name}=${a.value.value}` })), ...c.words]) {
          const kv = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/.exec(w.value);
          if (kv) out.env.push({ name: kv[1], value: kv[2], path, line: lineNo, via: 'assign' });
        }
      }
    }
  }
  for (const cmd of commands) {
    for (const a of cmd.assigns) out.env.push({ name: a.name, value: a.value.value, path, line: a.value.line, via: 'assign' });
    let w = cmd.words;
    let k = 0;
    // Peel wrappers until the real program.
    while (k < w.length) {
      const name = base(w[k].value);
      if (name === 'exec' || name === 'nohup' || name === 'fghack' || name === 'pgrphack' || name === 'command') {
        k++;
        continue;
      }
      if (name === 'export') {
        for (const x of w.slice(k + 1)) {
          const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(x.value);
          if (m) out.env.push({ name: m[1], value: x.value.slice(m[0].length), path, line: x.line, via: 'export' });
        }
        k = w.length;
        break;
      }
      if (name === 'env') {
        k++;
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
          const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(w[k].value);
          if (m) {
            out.env.push({ name: m[1], value: w[k].value.slice(m[0].length), path, line: w[k].line, via: 'env' });
            k++;
            continue;
          }
          break;
        }
        continue;
      }
      if (name === 'envdir') {
        if (k + 1 < w.length) out.envdirs.push({ dir: w[k + 1].value, line: w[k + 1].line });
        k += 2;
        continue;
      }
      if (name === 'setuidgid' || name === 'envuidgid') {
        k += 2;
        continue;
      }
      if (name === 'argv0') {
        // argv0 PROGRAM NAME ARGS: runs PROGRAM.
        if (k + 2 < w.length) w = [...w.slice(0, k + 1), ...w.slice(k + 1, k + 2), ...w.slice(k + 3)];
        k++;
        continue;
      }
      if (name === 'softlimit') {
        k++;
        while (k < w.length && w[k].value.startsWith('-')) {
          const v = w[k].value;
          k += SOFTLIMIT_OPTS.has(v) ? 2 : 1;
        }
        continue;
      }
      if (name === 'nice') {
        k++;
        while (k < w.length && w[k].value.startsWith('-')) k += w[k].value === '-n' ? 2 : 1;
        continue;
      }
      if (name === 'chpst') {
        k++;
        while (k < w.length && w[k].value.startsWith('-')) {
          const v = w[k].value;
          if (v === '-e' && k + 1 < w.length) out.envdirs.push({ dir: w[k + 1].value, line: w[k + 1].line });
          k += /^-[uUbenlLmdofpcr]$/.test(v) ? 2 : 1;
        }
        continue;
      }
      break;
    }
    if (k >= w.length) continue;
    const prog = w[k];
    const pname = base(prog.value);
    if (prog.value.startsWith('/') && pname !== 'qmail-start' && !isTcpServer(pname)) {
      out.execs.push({ program: prog.value, line: prog.line });
    }
    if (pname === 'qmail-start') {
      const args = w.slice(k + 1);
      out.qmailStart.push({
        path,
        line: prog.line,
        program: prog.value,
        arg: args[0] ?? null,
        logger: args.slice(1).map((a) => a.value),
      });
      continue;
    }
    if (isTcpServer(pname)) {
      out.tcpservers.push(parseTcpServer(w.slice(k), path));
    }
    if (pname === 'multilog') {
      out.multilogs.push({ path, line: prog.line, program: prog.value, args: w.slice(k + 1).map((x) => x.value) });
    }
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
