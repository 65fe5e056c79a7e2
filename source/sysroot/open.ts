// The one place that opens a file for reading. Every reader in
// source/sysroot/ (the Sysroot, the queue's BulkDir, the writer reading what
// it is about to replace, and any positional or bounded reader added later)
// goes through openRegular() and readUpTo(), so the safety rules live here:
//   - never block: O_NONBLOCK, so a FIFO where a file was expected (a user's
//     ~/.qmail-x, .fsmeta, /etc/passwd) cannot hang qlens, and it is refused
//     after fstat anyway;
//   - regular files only: a FIFO, socket or device (/dev/zero) is NOTFILE, a
//     directory EISDIR, decided on the opened descriptor, not on a path that
//     can change between a stat and the open;
//   - bounded: at most `max` bytes are ever read into memory, whatever the
//     file claims or becomes while it is read.
import * as fs from 'node:fs';

/**
 * The most qlens reads of one file into memory (16 MiB). The biggest real
 * qmail files are well below it (a users/assign of 50,000 lines is 3.5 MB);
 * beyond it a reader gets the first READ_LIMIT bytes, cut at a line end,
 * and the sysroot reports "file too large".
 */
export const READ_LIMIT = 16 * 1024 * 1024;

export interface OpenedRegular {
  fd: number;
  st: fs.Stats;
}

/** An error with the code the FsError words know (NOTFILE, EISDIR), as the fs module throws them. */
function coded(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(code), { code });
}

/**
 * Open a host path for reading without blocking and refuse anything that is
 * not a regular file. `noFollow`: a symlink at the last component is ELOOP
 * (the caller resolves links itself, or refuses them). Throws the fs error.
 */
export function openRegular(host: string, opts: { noFollow?: boolean } = {}): OpenedRegular {
  const flags = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (opts.noFollow ? fs.constants.O_NOFOLLOW ?? 0 : 0);
  const fd = fs.openSync(host, flags);
  let st: fs.Stats;
  try {
    st = fs.fstatSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
  if (st.isFile()) return { fd, st };
  fs.closeSync(fd);
  throw coded(st.isDirectory() ? 'EISDIR' : 'NOTFILE');
}

/**
 * Up to `max` bytes from `position` of an open file, reading until the end
 * of the file or `max`, whichever comes first (st.size is only a hint: a
 * file may grow or shrink while it is read, and /proc files say 0).
 */
export function readUpTo(fd: number, max: number, sizeHint: number, position = 0): Buffer {
  let cap = Math.max(0, Math.min(max, sizeHint > 0 ? sizeHint : 64 * 1024));
  let buf = Buffer.allocUnsafe(cap);
  let n = 0;
  for (;;) {
    if (n === cap) {
      if (cap >= max) break;
      // The file grew past what fstat said (or said 0): read on, doubling, up to max.
      cap = Math.min(max, Math.max(cap * 2, 64 * 1024));
      const bigger = Buffer.allocUnsafe(cap);
      buf.copy(bigger, 0, 0, n);
      buf = bigger;
    }
    const k = fs.readSync(fd, buf, n, cap - n, position + n);
    if (k === 0) break;
    n += k;
  }
  return n === buf.length ? buf : buf.subarray(0, n);
}

/** What readBounded() read: the bytes, and when the file was longer than allowed, how long it was. */
export interface BoundedRead {
  buf: Buffer;
  /** Set when the file holds more than `max` bytes: its size as fstat said (at least max + 1). */
  truncatedFrom?: number;
}

/**
 * A whole regular file, or its first `max` bytes cut back to the last line
 * end when it is longer (a reader never sees half a line it would take for
 * a whole one).
 */
export function readBounded(fd: number, st: fs.Stats, max: number): BoundedRead {
  const buf = readUpTo(fd, max + 1, Math.min(st.size, max + 1));
  if (buf.length <= max) return { buf };
  const cut = buf.lastIndexOf(10, max - 1);
  return { buf: buf.subarray(0, cut >= 0 ? cut + 1 : max), truncatedFrom: Math.max(st.size, max + 1) };
}
