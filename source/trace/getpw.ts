// qmail-getpw (qmail-getpw.c): the longest break-separated prefix of the
// local part that names a passwd account with a non-zero uid and a home it
// owns; else the alias user with dash "-" and the whole local part as ext.
import type { SystemUsers, PasswdEntry } from '../qmail/model-types.js';
import type { Sysroot } from '../sysroot/sysroot.js';
import { FsError, ownerAssumed } from '../sysroot/sysroot.js';
import { lcAscii } from '../qmail/control-readers.js';
import { Access, errorStr } from './access.js';
import type { TraceStep } from './types.js';

export type GetpwResult =
  | { kind: 'found'; entry: PasswdEntry; dash: string; ext: string; alias: boolean; steps: TraceStep[] }
  | { kind: 'defer'; reason: string; steps: TraceStep[] };

const q = (s: string) => JSON.stringify(s);

/** errno values qmail's error_temp() calls temporary (a stat failing with these defers). */
const TEMP_ERRNO = new Set(['EINTR', 'ENOMEM', 'ETXTBSY', 'EIO', 'ETIMEDOUT', 'EWOULDBLOCK', 'EAGAIN', 'EDEADLK', 'EBUSY', 'ENFILE', 'EMFILE', 'EFBIG', 'ENOSPC', 'ENETDOWN', 'ENETUNREACH', 'ENETRESET', 'ECONNABORTED', 'ECONNRESET', 'ENOBUFS', 'ETOOMANYREFS', 'ECONNREFUSED', 'EHOSTDOWN', 'EHOSTUNREACH', 'EPROCLIM', 'EUSERS', 'EDQUOT', 'ESTALE', 'ENOLCK']);

export function isTempErrno(code: string): boolean {
  return TEMP_ERRNO.has(code);
}

export interface GetpwOptions {
  breakChar: string;
  aliasUser: string;
  /** The installation root: qmail-lspawn chdir()s there, so a relative passwd home is looked up under it. */
  qmailRoot?: string;
}

/**
 * Who qmail-getpw runs as: qmail-lspawn's nughde_get sets gid nofiles and uid
 * qmailp first (conf-users line 5, conf-groups line 2), so its stat of a home
 * needs search permission on the home's parents. Null when passwd has no
 * qmailp (then nothing can be said and the stat is taken as allowed).
 */
function getpwIdentity(users: SystemUsers): { uid: number; gid: number } | null {
  const p = users.byName('qmailp');
  if (!p) return null;
  let gid = p.gid;
  try {
    const g = users.group().find((e) => e.name === 'nofiles');
    if (g) gid = g.gid;
  } catch {
    // no /etc/group: keep qmailp's own group
  }
  return { uid: p.uid, gid };
}

export function getpw(sysroot: Sysroot, users: SystemUsers, local: string, opts: GetpwOptions): GetpwResult {
  const stage = 'qmail-getpw' as const;
  const steps: TraceStep[] = [];
  const runAs = getpwIdentity(users);
  const access = runAs ? new Access(sysroot) : null;
  const brk = opts.breakChar.slice(0, 1) || '-';
  const notes: string[] = [];
  for (let k = local.length; k >= 0; k--) {
    if (k !== local.length && local[k] !== brk) continue;
    const name = lcAscii(local.slice(0, k));
    // qmail's name buffer holds 32 bytes with its NUL: 31 bytes at most.
    if (Buffer.byteLength(local.slice(0, k), 'utf8') > 31) {
      notes.push(`${q(name)}: longer than 31 bytes, not looked up`);
      continue;
    }
    const pw = name === '' ? null : users.byName(name);
    if (!pw) {
      notes.push(`${q(name)}? no such user`);
      continue;
    }
    if (pw.uid === 0) {
      notes.push(`${q(name)}? uid 0, skipped`);
      continue;
    }
    // stat() runs in the qmail home (qmail-lspawn chdir()s there): a relative
    // home is found under it, an empty one is ENOENT.
    if (pw.home === '') {
      notes.push(`${q(name)}: home is empty (stat fails: file does not exist), skipped`);
      continue;
    }
    const statPath = pw.home.startsWith('/') || !opts.qmailRoot ? pw.home : `${opts.qmailRoot}/${pw.home}`;
    // stat() as qmailp: a parent it may not search gives EACCES (not temporary): skipped.
    const denied = access && runAs ? access.reach(statPath, runAs.uid, runAs.gid) : null;
    if (denied === 'EACCES') {
      notes.push(`${q(name)}: home ${pw.home} cannot be examined by qmail-getpw running as qmailp (${errorStr(denied)}), skipped`);
      continue;
    }
    let st;
    try {
      st = sysroot.stat(statPath);
    } catch (e) {
      const code = e instanceof FsError ? e.code : 'EIO';
      if (isTempErrno(code)) {
        const reason = 'NFS failure in qmail-local.';
        notes.push(`${q(name)}: stat of home ${pw.home} failed (${code}), a temporary error`);
        steps.push({ stage, text: `${notes.join(' · ')} → defer (${reason})`, path: '/etc/passwd', line: pw.line });
        return { kind: 'defer', reason, steps };
      }
      notes.push(`${q(name)}: home ${pw.home} cannot be examined (${code}), skipped`);
      continue;
    }
    if (!st) {
      notes.push(`${q(name)}: home ${pw.home} does not exist, skipped`);
      continue;
    }
    if (st.uid !== pw.uid) {
      const assumed = ownerAssumed(st);
      notes.push(`${q(name)}: home ${pw.home} belongs to uid ${st.uid}${assumed ? ` (${assumed})` : ''}, not ${pw.uid}, skipped`);
      continue;
    }
    const whole = k === local.length;
    const dash = whole ? '' : '-';
    const ext = whole ? '' : local.slice(k + 1);
    steps.push({
      stage,
      text: `${[...notes, `${q(name)}? yes, uid ${pw.uid}, owns ${pw.home}`].join(' · ')} → user ${pw.name}, dash ${q(dash)}, ext ${q(ext)}`,
      path: '/etc/passwd',
      line: pw.line,
    });
    return { kind: 'found', entry: pw, dash, ext, alias: false, steps };
  }
  const alias = users.byName(opts.aliasUser);
  if (!alias) {
    const reason = 'Unable to find alias user!';
    steps.push({ stage, text: `${notes.join(' · ')} → nobody; the alias user ${q(opts.aliasUser)} is not in /etc/passwd: defer (${reason})`, path: '/etc/passwd' });
    return { kind: 'defer', reason, steps };
  }
  steps.push({
    stage,
    text: `${notes.join(' · ')} → nobody matches: the alias user ${alias.name} (uid ${alias.uid}, home ${alias.home}) takes it, dash "-", ext ${q(local)}`,
    path: '/etc/passwd',
    line: alias.line,
  });
  return { kind: 'found', entry: alias, dash: '-', ext: local, alias: true, steps };
}
