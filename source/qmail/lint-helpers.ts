// Helpers the rule sets of `qlens check` share: stat and read that never
// throw, a stat of many homes that lists each parent once, and who counts
// as a user that receives mail.
import type { Installation, PasswdEntry } from './model-types.js';

export function statSafe(inst: Installation, path: string): ReturnType<Installation['sysroot']['stat']> | 'error' {
  try {
    return inst.sysroot.stat(path);
  } catch {
    return 'error';
  }
}

/**
 * stat() for many homes: a directory listing of each parent is read once,
 * so a missing home costs a set look-up instead of a failed system call.
 */
export function homeStatter(inst: Installation): (path: string) => ReturnType<typeof statSafe> {
  const listings = new Map<string, Set<string> | null>();
  return (path) => {
    const clean = path.replace(/\/+$/, '');
    const k = clean.lastIndexOf('/');
    const parent = k <= 0 ? '/' : clean.slice(0, k);
    const name = clean.slice(k + 1);
    if (name === '' || name === '.' || name === '..') return statSafe(inst, path);
    let names = listings.get(parent);
    if (names === undefined) {
      try {
        const l = inst.sysroot.readdir(parent);
        names = l === null ? null : new Set(l);
      } catch {
        names = null;
        listings.set(parent, names);
        return statSafe(inst, path);
      }
      listings.set(parent, names);
    }
    if (names === null || !names.has(name)) return null;
    return statSafe(inst, path);
  };
}

export function readSafe(inst: Installation, path: string): Buffer | null {
  try {
    return inst.sysroot.read(path);
  } catch {
    return null;
  }
}

export function q(s: string): string {
  return JSON.stringify(s);
}

export function isMailUser(pw: PasswdEntry): boolean {
  if (pw.uid === 0 || pw.uid === 65534) return false;
  if (pw.home.startsWith('/home/')) return true;
  return pw.uid >= 1000 && !/(nologin|false)$/.test(pw.shell);
}

