// What a delivery user may do with a path, judged from owner and mode (the
// sysroot's stat: real inodes on /, .fsmeta or the contract's defaults in a
// fixture). qmail-local runs with the user's uid and exactly one group (its
// gid), so there are no supplementary groups to consider.
import type { Sysroot, FileMeta } from '../sysroot/sysroot.js';
import { FsError, normalizeSystemPath } from '../sysroot/sysroot.js';
import type { ReadAsUser } from './types.js';

/** qmail's error_str() wording for the errno values the walk meets. */
export function errorStr(code: string): string {
  switch (code) {
    case 'EACCES':
      return 'access denied';
    case 'ENOENT':
      return 'file does not exist';
    case 'ENOTDIR':
      return 'not a directory';
    case 'EISDIR':
      return 'is a directory';
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'symbolic link loop';
    case 'EIO':
      return 'input/output error';
    case 'ESCAPE':
      return 'leads outside the sysroot';
    default:
      return code.toLowerCase();
  }
}

export type StatOutcome = { meta: FileMeta } | { missing: true } | { error: string };

/** Per-walk cache of stats (a trace reads each path once). */
export class Access {
  readonly sysroot: Sysroot;
  private readonly cache = new Map<string, StatOutcome>();

  constructor(sysroot: Sysroot) {
    this.sysroot = sysroot;
  }

  stat(path: string): StatOutcome {
    const p = normalizeSystemPath(path);
    const c = this.cache.get(p);
    if (c) return c;
    let out: StatOutcome;
    try {
      const m = this.sysroot.stat(p);
      out = m ? { meta: m } : { missing: true };
    } catch (e) {
      out = { error: e instanceof FsError ? e.code : 'EIO' };
    }
    this.cache.set(p, out);
    return out;
  }

  /** Can uid/gid reach `path`'s directory: every ancestor a directory it may search? Returns an errno or null. */
  reach(path: string, uid: number, gid: number): string | null {
    return this.blockedAt(path, uid, gid, false)?.errno ?? null;
  }

  /**
   * Where a walk down to `path` as uid/gid stops, as the kernel's path lookup
   * would: the first directory from / on (`path` itself too when `self`, as a
   * chdir into it) that is missing, not a directory or not searchable.
   */
  blockedAt(path: string, uid: number, gid: number, self: boolean): { at: string; errno: string } | null {
    const parts = normalizeSystemPath(path).split('/').filter(Boolean);
    const last = self ? parts.length : parts.length - 1;
    let at = '/';
    for (let i = 0; ; i++) {
      const s = this.stat(at);
      if ('missing' in s) return { at, errno: 'ENOENT' };
      if ('error' in s) return { at, errno: s.error };
      if (s.meta.kind !== 'dir') return { at, errno: 'ENOTDIR' };
      if (!may(s.meta, uid, gid, 1)) return { at, errno: 'EACCES' };
      if (i >= last) return null;
      at = (at === '/' ? '' : at) + '/' + parts[i];
    }
  }

  /** Read a file as uid/gid would: null when absent; reason when the user may not or reading fails. */
  readAs(path: string, uid: number, gid: number): ReadAsUser {
    const p = normalizeSystemPath(path);
    const r = this.reach(p, uid, gid);
    if (r === 'ENOENT' || r === 'ENOTDIR') return null;
    if (r) return { ok: false, reason: errorStr(r), path: p };
    const s = this.stat(p);
    if ('missing' in s) return null;
    if ('error' in s) return { ok: false, reason: errorStr(s.error), path: p };
    if (!may(s.meta, uid, gid, 4)) return { ok: false, reason: errorStr('EACCES'), path: p };
    if (s.meta.kind === 'dir') return { ok: false, reason: errorStr('EISDIR'), path: p };
    try {
      const buf = this.sysroot.read(p);
      if (buf === null) return null;
      return { ok: true, buf, path: p };
    } catch (e) {
      return { ok: false, reason: errorStr(e instanceof FsError ? e.code : 'EIO'), path: p };
    }
  }
}

/** Permission bits for uid/gid on a file: bits 4 read, 2 write, 1 execute/search. */
export function may(meta: FileMeta, uid: number, gid: number, bits: number): boolean {
  if (uid === 0) return true;
  const m = meta.mode;
  if (meta.uid === uid) return ((m >> 6) & bits) === bits;
  if (meta.gid === gid) return ((m >> 3) & bits) === bits;
  return (m & bits) === bits;
}
