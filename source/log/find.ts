// Where each installation's qmail-send writes its log, read from the start
// scripts (qmail/startup.ts, never run): the log/run script of the
// supervise service that starts qmail-start gives multilog its directory
// (`multilog t ./main`, `multilog t s99999 n10 /var/log/qmail`); a
// qmail-start whose logger is splogger (`qmail-start ./Mailbox splogger
// qmail`) writes to syslog, tagged with splogger's first argument; and
// `--log [INSTANCE=]PATH` names anything else.
import * as path from 'node:path';
import type { Sysroot } from '../sysroot/sysroot.js';
import { FsError, normalizeSystemPath } from '../sysroot/sysroot.js';
import { loadStartScripts, type MultilogCall, type StartScript } from '../qmail/startup.js';

export type LogFormat = 'multilog' | 'syslog';

export interface LogSource {
  /** The installation whose qmail-send writes it. */
  instance: string;
  /** System path: the multilog directory, or the syslog file (its rotations sit beside it). */
  path: string;
  format: LogFormat;
  /** syslog: the tag splogger writes (its first argument), e.g. "qmail". */
  tag: string | null;
  /** How it was found, in words ("multilog in /var/qmail/supervise/qmail-send/log/run line 2"). */
  foundBy: string;
  /** Other installations configured to log to the same place. */
  sharedWith: string[];
  /** What the reader should know (a directory chosen among several, a shared tag...). */
  notes: string[];
}

export interface LogSearch {
  instance: string;
  sources: LogSource[];
  /** Configured logs that another installation already reads (told under that one). */
  shared: LogSource[];
  /** Everything looked at, for "no log found: looked in ...". */
  looked: string[];
  notes: string[];
}

/** Where syslog daemons write mail: Debian's mail.log, Red Hat's and BSD's maillog, then the catch-alls. */
export const SYSLOG_FILES = ['/var/log/mail.log', '/var/log/maillog', '/var/log/mail.info', '/var/log/mail', '/var/log/syslog', '/var/log/messages'];

/** multilog's directory actions (an action starting with `.` or `/`), with the selection in force before each. */
export function multilogDirs(call: MultilogCall): Array<{ dir: string; selected: boolean }> {
  const out: Array<{ dir: string; selected: boolean }> = [];
  // Each line starts selected; -pattern / +pattern change that for the actions after it.
  let patterns = 0;
  const base = path.posix.dirname(call.path);
  for (const a of call.args) {
    if (a.startsWith('-') || a.startsWith('+')) {
      patterns++;
      continue;
    }
    if (a.startsWith('.') || a.startsWith('/')) {
      out.push({ dir: normalizeSystemPath(a.startsWith('/') ? a : path.posix.join(base, a)), selected: patterns === 0 });
    }
  }
  return out;
}

function isDir(sysroot: Sysroot, p: string): boolean {
  try {
    return sysroot.stat(p)?.kind === 'dir';
  } catch {
    return false;
  }
}

function isFile(sysroot: Sysroot, p: string): boolean {
  try {
    return sysroot.stat(p)?.kind === 'file';
  } catch {
    return false;
  }
}

/** The scripts that start qmail-send: they run qmail-start, or exec a script (rc) that does. */
function sendStarters(scripts: StartScript[]): Set<string> {
  const starts = new Set(scripts.filter((s) => s.qmailStart.length > 0).map((s) => s.path));
  const out = new Set(starts);
  for (const s of scripts) if (s.execs.some((e) => starts.has(normalizeSystemPath(e.program)))) out.add(s.path);
  return out;
}

function multilogSource(instance: string, call: MultilogCall): { source: LogSource | null; note: string | null } {
  const dirs = multilogDirs(call);
  if (dirs.length === 0) return { source: null, note: `${call.path} line ${call.line}: multilog has no log directory` };
  const chosen = dirs.find((d) => d.selected) ?? dirs[0];
  const notes: string[] = [];
  if (dirs.length > 1) notes.push(`multilog writes ${dirs.length} directories (${dirs.map((d) => d.dir).join(', ')}); reading ${chosen.dir}`);
  if (!chosen.selected) notes.push(`lines are selected by patterns before ${chosen.dir}: some of qmail-send's lines may not be in it`);
  return {
    source: { instance, path: chosen.dir, format: 'multilog', tag: null, foundBy: `multilog in ${call.path} line ${call.line}`, sharedWith: [], notes },
    note: null,
  };
}

/** The log of one installation, as its scripts configure it. */
export function findInstanceLog(sysroot: Sysroot, instance: string, scripts?: StartScript[]): LogSearch {
  const all = scripts ?? loadStartScripts(sysroot, instance).scripts;
  const search: LogSearch = { instance, sources: [], shared: [], looked: [], notes: [] };
  const starters = sendStarters(all);
  // supervise: X/run starts qmail-send, X/log/run is the multilog its output is piped to.
  for (const s of all) {
    if (!s.path.endsWith('/log/run')) continue;
    search.looked.push(s.path);
    const service = s.path.slice(0, -'/log/run'.length);
    if (!starters.has(`${service}/run`)) continue;
    for (const call of s.multilogs) {
      const { source, note } = multilogSource(instance, call);
      if (note) search.notes.push(note);
      if (source && !search.sources.some((x) => x.path === source.path)) search.sources.push(source);
    }
  }
  // rc piping qmail-start into multilog itself (`qmail-start ./Maildir/ | multilog t /var/log/qmail`).
  for (const s of all) {
    if (!starters.has(s.path) || s.path.endsWith('/log/run')) continue;
    for (const call of s.multilogs) {
      const { source } = multilogSource(instance, call);
      if (source && !search.sources.some((x) => x.path === source.path)) search.sources.push(source);
    }
  }
  if (search.sources.length > 0) return search;
  for (const s of all) {
    for (const q of s.qmailStart) {
      const logger = q.logger;
      if (logger.length === 0 || path.posix.basename(logger[0]) !== 'splogger') continue;
      const tag = logger[1] ?? 'splogger';
      const foundBy = `splogger ${tag} in ${q.path} line ${q.line}`;
      for (const f of SYSLOG_FILES) {
        search.looked.push(f);
        if (isFile(sysroot, f)) {
          search.sources.push({ instance, path: f, format: 'syslog', tag, foundBy, sharedWith: [], notes: [] });
          return search;
        }
      }
      search.notes.push(`${foundBy}: qmail-send logs to syslog, but none of ${SYSLOG_FILES.join(', ')} exists`);
      return search;
    }
  }
  if (all.length === 0) search.notes.push(`no start script of ${instance} found (rc, supervise run scripts, systemd units)`);
  else if (!all.some((s) => s.qmailStart.length > 0)) search.notes.push(`no start script of ${instance} runs qmail-start`);
  else search.notes.push('qmail-start has no logger and no supervise log/run takes its output');
  return search;
}

/** `--log [INSTANCE=]PATH`: a directory is a multilog directory, a file a syslog file (or one multilog file). */
export function parseLogOption(value: string, instances: string[]): { instance: string; path: string } | { error: string } {
  const eq = value.indexOf('=');
  let instance = instances[0];
  let p = value;
  if (eq > 0 && value.startsWith('/') && !value.slice(0, eq).includes('=')) {
    const inst = normalizeSystemPath(value.slice(0, eq));
    if (instances.includes(inst)) {
      instance = inst;
      p = value.slice(eq + 1);
    }
  }
  if (!p.startsWith('/')) return { error: `--log ${value}: the log must be a system path (absolute, as the host names it)` };
  if (instance === undefined) return { error: `--log ${value}: no installation to give it to` };
  return { instance, path: normalizeSystemPath(p) };
}

/** A log named with --log: its format from what is there. Throws FsError when unreadable. */
export function namedLog(sysroot: Sysroot, instance: string, p: string): LogSource | null {
  if (isDir(sysroot, p)) return { instance, path: p, format: 'multilog', tag: null, foundBy: '--log', sharedWith: [], notes: [] };
  const st = sysroot.stat(p);
  if (!st) return null;
  if (st.kind !== 'file') throw new FsError('NOTFILE', p);
  const head = sysroot.readHead(p, 4096);
  const first = head ? head.toString('latin1') : '';
  // One multilog file (a copied @....s or current): lines begin with a TAI64N label.
  const format: LogFormat = /^@[0-9a-f]{24} /.test(first) ? 'multilog' : 'syslog';
  return { instance, path: p, format, tag: format === 'syslog' ? 'qmail' : null, foundBy: '--log', sharedWith: [], notes: [] };
}

/**
 * Every installation's log. Two installations configured for the same place
 * share it: multilog locks its directory, so only one of them can be
 * logging there at a time; syslog lines of one tag cannot be told apart.
 */
export function findLogs(sysroot: Sysroot, instances: string[]): LogSearch[] {
  const searches = instances.map((i) => findInstanceLog(sysroot, i));
  const byPath = new Map<string, LogSource>();
  for (const s of searches) {
    s.sources = s.sources.filter((src) => {
      const key = `${src.path}\0${src.tag ?? ''}`;
      const first = byPath.get(key);
      if (!first) {
        byPath.set(key, src);
        return true;
      }
      first.sharedWith.push(s.instance);
      s.shared.push(first);
      s.notes.push(
        src.format === 'multilog'
          ? `${src.path} is also ${first.instance}'s log directory (${src.foundBy}): multilog locks the directory, so only one of the two can be logging there; its lines are shown under ${first.instance}`
          : `${src.path} lines tagged "${src.tag}" are also ${first.instance}'s: they cannot be told apart; shown under ${first.instance}`,
      );
      return false;
    });
  }
  return searches;
}
