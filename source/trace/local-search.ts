// qmail-local's look for its instructions: qmesearch() over the names
// .qmail{dash}{ext}, then each -default from the longest extension down,
// qmeexists() on each (an open error defers only when it is temporary, EPERM
// or EACCES), and qmeox() for the -owner files that set NEWSENDER.
import { lcAscii } from '../qmail/control-readers.js';
import { normalizeSystemPath } from '../sysroot/sysroot.js';
import { errorStr, may } from './access.js';
import { isTempErrno } from './getpw.js';
import type { LocalRun, LocalStop } from './local-types.js';

const q = (s: string) => JSON.stringify(s);
const STAGE = 'qmail-local' as const;

export const modeStr = (m: number): string => m.toString(8).padStart(4, '0');

/** A .qmail file qmesearch chose. */
export interface Found {
  name: string;
  /** The user-x bit (0100): forward-only. */
  forwardOnly: boolean;
  size: number;
}

/** What qmeexists says of one name: the file, no file (with why, when it is worth saying), or a defer. */
type Probe = { found: Found } | { none: true; note?: string } | { defer: string; text: string };

/** The system path of a name in the home directory. */
export function homePath(run: LocalRun, name: string): string {
  return normalizeSystemPath(run.homeDir + '/' + name);
}

/** The extension as qmesearch looks it up: ASCII lower-cased, dots as colons. */
export function safeExt(ext: string): string {
  return lcAscii(ext).replace(/\./g, ':');
}

/** qmeexists: an open error defers only for error_temp, EPERM or EACCES; any other errno is "not there". */
const defers = (e: string): boolean => isTempErrno(e) || e === 'EPERM' || e === 'EACCES';

export function qmeexists(run: LocalRun, name: string): Probe {
  const { access } = run.inp;
  const p = homePath(run, name);
  const r = access.reach(p, run.uid, run.gid);
  if (r === 'ENOENT' || r === 'ENOTDIR' || r === 'ELOOP') return { none: true };
  if (r === 'ESCAPE') return { none: true, note: 'leads outside the sysroot, not followed' };
  if (r && !defers(r)) return { none: true, note: `no (${errorStr(r)})` };
  if (r) {
    const reason = `Unable to open ${name}: ${errorStr(r)}. (#4.3.0)`;
    return { defer: reason, text: `${name}: a directory on the way cannot be searched by ${run.user.name} (${errorStr(r)}) → defer: ${reason}` };
  }
  const s = access.stat(p);
  if ('missing' in s) return { none: true };
  if ('error' in s) {
    if (s.error === 'ESCAPE') return { none: true, note: 'a symlink leading outside the sysroot, not followed' };
    if (s.error === 'ENOENT' || s.error === 'ENOTDIR' || s.error === 'ELOOP') return { none: true };
    if (!defers(s.error)) return { none: true, note: `no (${errorStr(s.error)})` };
    const reason = `Unable to open ${name}: ${errorStr(s.error)}. (#4.3.0)`;
    return { defer: reason, text: `${name} cannot be opened (${errorStr(s.error)}) → defer: ${reason}` };
  }
  if (!may(s.meta, run.uid, run.gid, 4)) {
    const reason = `Unable to open ${name}: access denied. (#4.3.0)`;
    return { defer: reason, text: `${name} exists but ${run.user.name} may not read it (owner ${s.meta.uid}, mode ${modeStr(s.meta.mode)}) → defer: ${reason}; its content is not shown` };
  }
  if (s.meta.kind !== 'file') return { none: true };
  if (s.meta.mode & run.patrn) {
    const reason = 'Uh-oh: .qmail file is writable. (#4.7.0)';
    return { defer: reason, text: `${name} has mode ${modeStr(s.meta.mode)}, which has bits of conf-patrn ${modeStr(run.patrn)} → defer: ${reason}` };
  }
  return { found: { name, forwardOnly: (s.meta.mode & 0o100) !== 0, size: s.meta.size } };
}

/** The names qmesearch tries, in order, each with the DEFAULT it sets when it is the one. */
function candidates(ext: string, dash: string): Array<{ name: string; dflt: string | undefined }> {
  const safe = safeExt(ext);
  const out: Array<{ name: string; dflt: string | undefined }> = [];
  out.push({ name: '.qmail' + dash + safe, dflt: safe.length >= 7 && safe.endsWith('default') ? ext.slice(ext.length - 7) : undefined });
  for (let i = safe.length; i >= 0; i--) {
    if (i !== 0 && safe[i - 1] !== '-') continue;
    out.push({ name: '.qmail' + dash + safe.slice(0, i) + 'default', dflt: ext.slice(i) });
  }
  return out;
}

/**
 * qmesearch: the chosen file (DEFAULT set in the run's env), null when no
 * name is there, or the stop when a name cannot be opened. Says the names
 * tried in one step.
 */
export function qmesearch(run: LocalRun): { found: Found | null } | { stop: LocalStop } {
  const { ext, dash } = run.user;
  const tried: string[] = [];
  const say = (tail: string) =>
    run.steps.push({ stage: STAGE, text: `.qmail search (ext ${q(ext)}, dash ${q(dash)}): ${[...tried, tail].filter(Boolean).join(' · ')}`, path: run.homeDir });
  for (const c of candidates(ext, dash)) {
    const r = qmeexists(run, c.name);
    if ('defer' in r) {
      say('');
      run.steps.push({ stage: STAGE, text: r.text, path: homePath(run, c.name) });
      return { stop: { kind: 'defer', reason: r.defer } };
    }
    if ('none' in r) {
      tried.push(`${c.name}? ${r.note ?? 'no'}`);
      continue;
    }
    if (c.dflt !== undefined) run.env.DEFAULT = c.dflt;
    run.dotqmail = homePath(run, c.name);
    say(`${c.name}? yes${c.dflt !== undefined ? `, DEFAULT=${q(c.dflt)}` : ''}`);
    return { found: r.found };
  }
  say('');
  return { found: null };
}

/** qmeox: does .qmail{dash}{ext}{suffix} exist (stat)? A temporary failure defers. */
function qmeox(run: LocalRun, suffix: string): boolean | LocalStop {
  const name = '.qmail' + run.user.dash + safeExt(run.user.ext) + suffix;
  const p = homePath(run, name);
  const { access } = run.inp;
  const temp = (e: string): LocalStop => {
    run.steps.push({ stage: STAGE, text: `stat ${name} failed temporarily` });
    return { kind: 'defer', reason: `Unable to open ${name}: ${errorStr(e)}. (#4.3.0)` };
  };
  const r = access.reach(p, run.uid, run.gid);
  if (r) return isTempErrno(r) ? temp(r) : false;
  const s = access.stat(p);
  if ('meta' in s) return true;
  if ('error' in s && isTempErrno(s.error)) return temp(s.error);
  return false;
}

/** NEWSENDER: the sender, or the -owner address when .qmail{dash}{ext}-owner exists (VERP with -owner-default). */
export function newSender(run: LocalRun, sender: string): { sender: string } | { stop: LocalStop } {
  if (sender === '' || sender === '#@[]') return { sender };
  const owner = qmeox(run, '-owner');
  if (typeof owner === 'object') return { stop: owner };
  if (!owner) return { sender };
  const od = qmeox(run, '-owner-default');
  if (typeof od === 'object') return { stop: od };
  const { local, domain } = run.inp;
  const out = od ? local + '-owner-@' + domain + '-@[]' : local + '-owner@' + domain;
  const base = '.qmail' + run.user.dash + safeExt(run.user.ext);
  run.steps.push({
    stage: STAGE,
    text: `${base}-owner exists${od ? ` and so does ${base}-owner-default` : ''}: forwards go out with sender ${q(out)}${od ? ' (VERP: qmail-send puts each recipient into it)' : ''}`,
    path: homePath(run, base + '-owner'),
  });
  return { sender: out };
}
