// Reading a big file a piece at a time, at chosen offsets, through one open
// descriptor: a qmail-send log of gigabytes must never be read whole, its
// `current` may be renamed or truncated while it is read (the descriptor
// keeps naming the same inode), and a message's story is found again by
// offset. Same checks as Sysroot.read(): the path is resolved inside the
// sysroot (symlinks as a chroot would), only a regular file is opened (a FIFO
// never hangs the reader), injected faults are honoured.
import * as fs from 'node:fs';
import { FsError, normalizeSystemPath, type Sysroot } from './sysroot.js';

/** Which inode a path names, and how big it is: enough to tell a rotation or a truncation. */
export interface FileIdentity {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
}

export function sameFile(a: FileIdentity | null, b: FileIdentity | null): boolean {
  return a !== null && b !== null && a.dev === b.dev && a.ino === b.ino;
}

export class PositionalFile {
  private fd: number | null;

  constructor(
    /** System path as opened. */
    readonly path: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  private open(): number {
    if (this.fd === null) throw new FsError('EBADF', this.path, 'read after close');
    return this.fd;
  }

  /** The open inode now (its size grows as the file is appended to, even after a rename). */
  identity(): FileIdentity {
    try {
      const st = fs.fstatSync(this.open());
      return { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
    } catch (e) {
      if (e instanceof FsError) throw e;
      throw new FsError((e as NodeJS.ErrnoException).code ?? 'EIO', this.path);
    }
  }

  /** Read up to `length` bytes at `position` into buf[offset...]; 0 at the end of the file. */
  read(buf: Buffer, offset: number, length: number, position: number): number {
    try {
      return fs.readSync(this.open(), buf, offset, length, position);
    } catch (e) {
      if (e instanceof FsError) throw e;
      throw new FsError((e as NodeJS.ErrnoException).code ?? 'EIO', this.path);
    }
  }

  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    fs.closeSync(fd);
  }
}

/** Open a file of the sysroot for positional reads; null when it does not exist. Throws FsError otherwise. */
export function openPositional(sysroot: Sysroot, sysPath: string): PositionalFile | null {
  const norm = normalizeSystemPath(sysPath);
  // The Sysroot's own checks (faults, links inside the sysroot, a regular file opened without blocking).
  const opened = sysroot.openDescriptor(norm);
  return opened ? new PositionalFile(norm, opened.fd) : null;
}

/** What a path names now (links followed inside the sysroot); null when missing or not a regular file. */
export function identityOf(sysroot: Sysroot, sysPath: string): FileIdentity | null {
  const norm = normalizeSystemPath(sysPath);
  const f = sysroot.faultAt(norm);
  if (f === 'ENOENT') return null;
  if (f) throw new FsError(f, norm, 'injected fault');
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(sysroot.hostPath(norm), { throwIfNoEntry: false });
  } catch (e) {
    if (e instanceof FsError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') return null;
    throw new FsError(code ?? 'EIO', norm);
  }
  if (!st || !st.isFile()) return null;
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
}
