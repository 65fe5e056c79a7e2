// The only code in qlens that writes. Every write is a whole-file
// replacement done as qmail-newu does it: a temporary file in the same
// directory, fsync, rename over the target, fsync the directory; so a crash
// at any instant leaves the old file or the new one, never a mix.
//
// Before anything is written, each path is checked: it must stay inside the
// sysroot, no component may be a symlink (a user's `.qmail-x -> /etc/shadow`
// must not turn a root editor into a tool against the system), it must be a
// regular file (a FIFO or device is never opened, let alone replaced), its
// content must still be what was read (hash), and inside a home directory
// the home and the file must belong to the user whose home it is.
//
// Reading what a write would replace is TargetReader's; writing is
// SysrootWriter's. Under --read-only there is no SysrootWriter at all
// (writerFor() gives null), so no code path can write, whatever it asks.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { FsError } from './errors.js';
import { Sysroot } from './sysroot.js';
import { openRegular, readBounded, readUpTo, READ_LIMIT } from './open.js';

export function sha256(buf: Buffer | null): string | null {
  return buf === null ? null : createHash('sha256').update(buf).digest('hex');
}

export interface OwnerMode {
  uid: number;
  gid: number;
  mode: number;
}

/** What a write expects to find and leave. */
export interface WriteRequest {
  /** System path. */
  path: string;
  /** New content; null removes the file (undo of a creation). */
  content: Buffer | null;
  /** sha256 of the content the change was made against; null = the file must not exist; undefined = not checked. */
  expectSha256?: string | null;
  /** Owner and mode for a file that does not exist yet (on `/`: chown/chmod; else the caller records .fsmeta). */
  newMeta?: OwnerMode;
  /** Inside a home directory: the uid that must own the home and the file. */
  expectOwner?: { uid: number; home: string };
}

/** What a path holds now, as checked before a write. */
export interface FileState {
  path: string;
  content: Buffer | null;
  sha256: string | null;
  /** Owner and mode as qmail sees them (.fsmeta in a sysroot, the inode on `/`). Null when absent. */
  meta: OwnerMode | null;
}

/** Prefix of the temporary files a write makes beside its target: `.qlens-tmp.PID.RANDOM.NAME`. */
export const TEMP_PREFIX = '.qlens-tmp.';

/**
 * Normalise a system path for writing. Unlike reading, a `..` that would
 * climb above `/` is an escape, not clamped: a writer never guesses.
 */
export function writablePath(sysPath: string): string {
  if (!sysPath.startsWith('/')) throw new FsError('EINVAL', sysPath, 'not an absolute system path');
  if (sysPath.includes('\0')) throw new FsError('EINVAL', sysPath, 'a path with a NUL byte');
  const parts: string[] = [];
  for (const seg of sysPath.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0) throw new FsError('ESCAPE', sysPath, 'path climbs above the sysroot');
      parts.pop();
      continue;
    }
    parts.push(seg);
  }
  return '/' + parts.join('/');
}

/** An error of the fs module as the one-line FsError the callers print, naming the system path. */
export function asFsError(err: unknown, sysPath: string): FsError {
  if (err instanceof FsError) return err;
  const e = err as NodeJS.ErrnoException;
  return new FsError(typeof e?.code === 'string' ? e.code : 'EIO', sysPath, e?.message);
}

/**
 * The reading half of a write: what a path holds now, links refused on the
 * way, fresh from disk. Staging a change needs it; it never writes.
 */
export class TargetReader {
  readonly sysroot: Sysroot;

  constructor(sysroot: Sysroot) {
    this.sysroot = sysroot;
  }

  protected host(sysPath: string): string {
    return this.sysroot.isRealRoot ? sysPath : path.join(this.sysroot.hostRoot, sysPath);
  }

  /** Refuse any symlink on the way to (and at) the path; below the sysroot's own directory only. */
  protected refuseLinks(norm: string): void {
    const segs = norm.split('/').filter(Boolean);
    let cur = '';
    for (const seg of segs) {
      cur += '/' + seg;
      let st: fs.Stats;
      try {
        st = fs.lstatSync(this.host(cur));
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (e.code === 'ENOENT') return;
        if (e.code === 'ENOTDIR') throw new FsError('ENOTDIR', cur);
        throw new FsError(e.code ?? 'EIO', cur, e.message);
      }
      if (st.isSymbolicLink()) {
        throw new FsError('SYMLINK', norm, cur === norm ? undefined : `${cur} on the way is a symbolic link`);
      }
      if (cur !== norm && !st.isDirectory()) throw new FsError('ENOTDIR', cur);
    }
  }

  /** Owner and mode of a path as qmail sees it, read fresh; links on the way refused. */
  ownerOf(sysPath: string): OwnerMode | null {
    const norm = writablePath(sysPath);
    this.refuseLinks(norm);
    return this.metaOf(norm);
  }

  /** Fresh owner and mode (no caches: .fsmeta may have changed since the session began). */
  protected metaOf(norm: string): OwnerMode | null {
    const st = this.sysroot.reopen().lstat(norm);
    return st ? { uid: st.uid, gid: st.gid, mode: st.mode } : null;
  }

  /**
   * Read the path as it is now, without following links and without any
   * write. Only a regular file is read (a FIFO or device: NOTFILE, a
   * directory: EISDIR, never a blocking open), and one over the read limit
   * is EFBIG: qlens does not edit what it cannot hold whole.
   */
  current(sysPath: string): FileState {
    const norm = writablePath(sysPath);
    this.refuseLinks(norm);
    let content: Buffer | null;
    let opened;
    try {
      opened = openRegular(this.host(norm), { noFollow: true });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ENOENT') opened = null;
      else if (e.code === 'ELOOP') throw new FsError('SYMLINK', norm);
      else throw asFsError(err, norm);
    }
    if (opened === null) content = null;
    else {
      try {
        const r = readBounded(opened.fd, opened.st, READ_LIMIT);
        if (r.truncatedFrom !== undefined) throw new FsError('EFBIG', norm, `file too large: ${r.truncatedFrom} bytes (qlens edits or restores only files of at most ${READ_LIMIT})`);
        content = r.buf;
      } catch (err) {
        throw asFsError(err, norm);
      } finally {
        fs.closeSync(opened.fd);
      }
    }
    return { path: norm, content, sha256: sha256(content), meta: content === null ? null : this.metaOf(norm) };
  }

  /** Real owner and mode of a host directory or file (not .fsmeta: what guards qlens' own journal is the real inode). */
  hostStat(sysPath: string): fs.Stats | null {
    try {
      return fs.lstatSync(this.host(writablePath(sysPath)));
    } catch {
      return null;
    }
  }

  /** List a directory (the journal), or [] when missing; links on the way refused. */
  list(sysPath: string): string[] {
    const norm = writablePath(sysPath);
    this.refuseLinks(norm);
    try {
      return fs.readdirSync(this.host(norm)).sort();
    } catch {
      return [];
    }
  }
}

/** Whether a process with this pid still runs (EPERM: it does, as another user). */
export function pidAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sleep without giving up the thread (the write path is synchronous). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** A held lock; release() removes the lock file. */
export interface HeldLock {
  path: string;
  release(): void;
}

export class SysrootWriter extends TargetReader {
  /**
   * Every check a write makes, without writing: escape, symlinks, kind,
   * owner, conflict. A batch is checked whole before its journal is
   * written, so a refusal leaves nothing behind.
   */
  preflight(req: WriteRequest): FileState {
    const state = this.current(req.path);
    const parent = path.posix.dirname(state.path);
    if (req.content !== null) {
      let pst: fs.Stats;
      try {
        pst = fs.statSync(this.host(parent));
      } catch {
        throw new FsError('ENOENT', parent, 'directory does not exist');
      }
      if (!pst.isDirectory()) throw new FsError('ENOTDIR', parent);
    }
    if (req.expectOwner) {
      const { uid, home } = req.expectOwner;
      const hm = this.metaOf(writablePath(home));
      if (!hm || hm.uid !== uid) {
        throw new FsError('OWNER', state.path, `home ${home} belongs to uid ${hm?.uid ?? '?'}, not ${uid} (refused)`);
      }
      // Every directory between the home and the file must be the user's too.
      let dir = parent;
      while (dir.length > home.length && dir.startsWith(home + '/')) {
        const dm = this.metaOf(dir);
        if (dm && dm.uid !== uid) throw new FsError('OWNER', state.path, `${dir} belongs to uid ${dm.uid}, not ${uid} (refused)`);
        dir = path.posix.dirname(dir);
      }
      if (state.meta && state.meta.uid !== uid) {
        throw new FsError('OWNER', state.path, `belongs to uid ${state.meta.uid}, not ${uid} (refused)`);
      }
    }
    if (req.expectSha256 !== undefined && req.expectSha256 !== state.sha256) {
      throw new FsError('CONFLICT', state.path);
    }
    return state;
  }

  /**
   * Replace (or remove) one file atomically, keeping its owner and mode.
   * Checks again right before the rename, so a change made on disk since
   * the preflight is still refused. A failure of the file system (EROFS,
   * EACCES, ENOSPC...) is an FsError naming the path; the temporary file is
   * removed and the target left as it was.
   */
  write(req: WriteRequest): void {
    const state = this.preflight(req);
    const norm = state.path;
    const hostPath = this.host(norm);
    const dir = path.posix.dirname(hostPath);
    if (req.content === null) {
      if (state.content === null) return;
      try {
        fs.unlinkSync(hostPath);
      } catch (err) {
        throw asFsError(err, norm);
      }
      fsyncDir(dir);
      return;
    }
    const old = this.hostStat(norm);
    const tmp = path.posix.join(dir, `${TEMP_PREFIX}${process.pid}.${randomBytes(4).toString('hex')}.${path.posix.basename(norm)}`);
    let fd: number;
    try {
      // 0600 until the content is whole, so no one reads a half-written file.
      fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
    } catch (err) {
      throw asFsError(err, norm);
    }
    try {
      writeAll(fd, req.content);
      if (this.sysroot.isRealRoot) {
        const want = old ? { uid: old.uid, gid: old.gid, mode: old.mode & 0o7777 } : req.newMeta ?? { uid: 0, gid: 0, mode: 0o644 };
        fs.fchownSync(fd, want.uid, want.gid);
        fs.fchmodSync(fd, want.mode);
      } else {
        // In a sysroot, qmail-relevant owner and mode live in .fsmeta; the
        // host file keeps its own permission bits.
        fs.fchmodSync(fd, old ? old.mode & 0o777 : (req.newMeta?.mode ?? 0o644) & 0o777);
      }
      fs.fsyncSync(fd);
    } catch (err) {
      fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
      throw asFsError(err, norm);
    }
    fs.closeSync(fd);
    try {
      // Last look: someone may have written the file since the preflight.
      if (req.expectSha256 !== undefined && this.current(norm).sha256 !== req.expectSha256) {
        throw new FsError('CONFLICT', norm);
      }
      fs.renameSync(tmp, hostPath);
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw asFsError(err, norm);
    }
    fsyncDir(dir);
  }

  /** Create a directory and its missing parents (for the journal), refusing links on the way; the ones made, outermost first. */
  mkdirs(sysPath: string): string[] {
    const made: string[] = [];
    const norm = writablePath(sysPath);
    this.refuseLinks(norm);
    const segs = norm.split('/').filter(Boolean);
    let cur = '';
    for (const seg of segs) {
      cur += '/' + seg;
      const h = this.host(cur);
      if (this.isRealDir(cur, norm)) continue;
      try {
        fs.mkdirSync(h, { mode: 0o700 });
      } catch (err) {
        // Another qlens applying at the same instant made it between our look
        // and our mkdir: a real directory is as good as ours (but not ours to
        // remove); a link or a file put there is refused as above.
        if ((err as NodeJS.ErrnoException).code === 'EEXIST' && this.isRealDir(cur, norm)) continue;
        throw asFsError(err, cur);
      }
      made.push(cur);
      fsyncDir(path.posix.dirname(h));
    }
    return made;
  }

  /** Whether `cur` (on the way to `norm`) is a directory now: false when absent; a link or anything else there is refused. */
  private isRealDir(cur: string, norm: string): boolean {
    const st = this.hostStat(cur);
    if (!st) return false;
    if (st.isSymbolicLink()) throw new FsError('SYMLINK', norm, cur === norm ? undefined : `${cur} on the way is a symbolic link`);
    if (!st.isDirectory()) throw new FsError('ENOTDIR', cur);
    return true;
  }

  /** Remove directories this writer made, innermost first, as long as they are empty (a failed apply leaves no journal behind). */
  removeEmptyDirs(made: string[]): void {
    for (const d of [...made].reverse()) {
      try {
        fs.rmdirSync(this.host(writablePath(d)));
      } catch {
        return;
      }
    }
  }

  /** Create a new directory that must not exist yet (a journal entry); false when it exists. */
  mkdirExclusive(sysPath: string): boolean {
    const norm = writablePath(sysPath);
    this.refuseLinks(path.posix.dirname(norm));
    try {
      fs.mkdirSync(this.host(norm), { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw asFsError(err, norm);
    }
    fsyncDir(path.posix.dirname(this.host(norm)));
    return true;
  }

  /** Remove a directory tree qlens made (a journal entry whose apply failed before it changed anything). */
  removeTree(sysPath: string): void {
    const norm = writablePath(sysPath);
    this.refuseLinks(norm);
    fs.rmSync(this.host(norm), { recursive: true, force: true });
    fsyncDir(path.posix.dirname(this.host(norm)));
  }

  /**
   * Take the exclusive lock file `sysPath`, holding the holder's pid. It is
   * made whole before it exists under its name (a file with the pid, then
   * link(2), which fails when the lock exists), so a qlens killed at any
   * instant leaves either no lock or one that names it. A lock left by a
   * process that no longer runs is taken over; one held by a live process
   * is waited for up to `waitMs`, then LOCKED.
   */
  lock(sysPath: string, waitMs = 10_000): HeldLock {
    const norm = writablePath(sysPath);
    this.refuseLinks(norm);
    const host = this.host(norm);
    const mine = `${host}.${process.pid}`;
    try {
      fs.rmSync(mine, { force: true });
      const fd = fs.openSync(mine, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | (fs.constants.O_NOFOLLOW ?? 0), 0o600);
      try {
        writeAll(fd, Buffer.from(`${process.pid}\n`));
      } finally {
        fs.closeSync(fd);
      }
    } catch (err) {
      throw asFsError(err, norm);
    }
    const until = Date.now() + waitMs;
    try {
      for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
        try {
          fs.linkSync(mine, host);
          let held = true;
          return {
            path: norm,
            release: () => {
              if (held) fs.rmSync(host, { force: true });
              held = false;
            },
          };
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw asFsError(err, norm);
        }
        const holder = this.lockHolder(host);
        if (holder !== null && !pidAlive(holder)) {
          // Left by a process that died (kill -9 mid-apply): take it over by renaming it away (one taker wins).
          const stale = `${host}.stale.${process.pid}`;
          try {
            fs.renameSync(host, stale);
            fs.rmSync(stale, { force: true });
          } catch {
            // another qlens took it over first: try again
          }
          continue;
        }
        if (Date.now() >= until) {
          throw new FsError('LOCKED', norm, `locked by another qlens${holder !== null ? ` (pid ${holder})` : ''} writing beside this journal; try again when it is done`);
        }
        sleepSync(pause);
      }
    } finally {
      fs.rmSync(mine, { force: true });
    }
  }

  /** The pid in a lock file, or null when it cannot be read. */
  private lockHolder(host: string): number | null {
    try {
      const { fd, st } = openRegular(host, { noFollow: true });
      let text: string;
      try {
        text = readUpTo(fd, 32, st.size).toString('latin1');
      } finally {
        fs.closeSync(fd);
      }
      const pid = Number(text.trim());
      return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
    } catch {
      return null;
    }
  }

  /**
   * Remove the temporary files that a qlens killed mid-write (kill -9, a
   * crash) left in a directory: `.qlens-tmp.PID.*` of a pid that no longer
   * runs. Returns the system paths removed, for the caller to say so.
   */
  cleanStaleTemps(sysDir: string): string[] {
    const norm = writablePath(sysDir);
    const removed: string[] = [];
    for (const name of this.list(norm)) {
      if (!name.startsWith(TEMP_PREFIX)) continue;
      const pid = Number(name.slice(TEMP_PREFIX.length).split('.')[0]);
      if (!Number.isSafeInteger(pid) || pid === process.pid || pidAlive(pid)) continue;
      const p = (norm === '/' ? '' : norm) + '/' + name;
      const st = this.hostStat(p);
      if (!st || !st.isFile()) continue;
      try {
        fs.unlinkSync(this.host(p));
        removed.push(p);
      } catch {
        // not ours to remove after all (permissions): leave it
      }
    }
    return removed;
  }
}

/** The writer of a session: none under --read-only, so nothing below can write. */
export function writerFor(sysroot: Sysroot, readOnly: boolean): SysrootWriter | null {
  return readOnly ? null : new SysrootWriter(sysroot);
}

function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
}

function fsyncDir(hostDir: string): void {
  let fd: number;
  try {
    fd = fs.openSync(hostDir, 'r');
  } catch {
    return;
  }
  try {
    fs.fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a directory; the rename is still atomic.
  } finally {
    fs.closeSync(fd);
  }
}
