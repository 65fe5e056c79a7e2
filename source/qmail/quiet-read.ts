// Reads that never throw, for the readers of the managers' own files
// (vpopmail's, VMailMgr's) and their trace handlers: a file is there, absent,
// or unreadable with a reason, and each caller says what that means for the
// program it imitates.
import type { Sysroot } from '../sysroot/sysroot.js';
import { FsError } from '../sysroot/sysroot.js';

/** Read a file, telling "absent" from "unreadable" (never throws). */
export function readQuiet(sysroot: Sysroot, path: string): { buf: Buffer } | { absent: true } | { error: string } {
  try {
    const b = sysroot.read(path);
    return b === null ? { absent: true } : { buf: b };
  } catch (err) {
    return { error: err instanceof FsError ? `${err.code}` : (err as Error).message };
  }
}

/** stat() that gives null for absent and unreadable alike. */
export function statQuiet(sysroot: Sysroot, path: string) {
  try {
    return sysroot.stat(path);
  } catch {
    return null;
  }
}
