// The only code in qlens that writes. Every write is a whole-file
// replacement done as qmail-newu does it: a temporary file in the same
// directory, fsync, rename over the target, fsync the directory; so a crash
// at any instant leaves the old file or the new one, never a mix.
//
// Before anything is written, each path is checked: it must stay inside the
// sysroot, no component may be a symlink (a user's `.qmail-x -> /etc/shadow`
// must not turn a root editor into a tool against the system), its content
// must still be what was read (hash), and inside a home directory the home
// and the file must belong to the user whose home it is.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { FsError } from './errors.js';
import { Sysroot } from './sysroot.js';

// One switch for the whole process: `--read-only` sets it before anything
// else runs, and every entry point below checks it before touching a file.
let readOnly = false;

export function setReadOnly(on: boolean): void {
  readOnly = on;
}

export function isReadOnly(): boolean {
  return readOnly;
}

function guard(sysPath: string): void {
  if (readOnly) throw new FsError('EROFS', sysPath, 'qlens runs with --read-only: nothing is written');
}

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

/**
 * Normalise a system path for writing. Unlike reading, a `..` that would
 * climb above `/` is an escape, not clamped: a writer never guesses.
 */
export function writablePath(sysPath: string): string {
  if (!sysPath.startsWith('/')) throw new FsError('EINVAL', sysPath, 'not an absolute system path');
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

export class SysrootWriter {
  readonly sysroot: Sysroot;

  constructor(sysroot: Sysroot) {
    this.sysroot = sysroot;
  }

  private host(sysPath: string): string {
    return this.sysroot.isRealRoot ? sysPath : path.join(this.sysroot.hostRoot, sysPath);
  }

  /** Refuse any symlink on the way to (and at) the path; below the sysroot's own directory only. */
  private refuseLinks(norm: string): void {
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
  private metaOf(norm: string): OwnerMode | null {
    const st = this.sysroot.reopen().lstat(norm);
    return st ? { uid: st.uid, gid: st.gid, mode: st.mode } : null;
  }

  /** Read the path as it is now, without following links and without any write. */
  current(sysPath: string): FileState {
    const norm = writablePath(sysPath);
    this.refuseLinks(norm);
    let content: Buffer | null;
    try {
      content = fs.readFileSync(this.host(norm));
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ENOENT') content = null;
      else throw new FsError(e.code ?? 'EIO', norm, e.message);
    }
    return { path: norm, content, sha256: sha256(content), meta: content === null ? null : this.metaOf(norm) };
  }

  /**
   * Every check a write makes, without writing: escape, symlinks, owner,
   * conflict. A batch is checked whole before its journal is written, so a
   * refusal leaves nothing behind.
   */
  preflight(req: WriteRequest): FileState {
    guard(req.path);
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
    const st = this.hostStat(state.path);
    if (st && !st.isFile()) throw new FsError('EISDIR', state.path, 'not a regular file');
    return state;
  }

  private hostStat(norm: string): fs.Stats | null {
    try {
      return fs.lstatSync(this.host(norm));
    } catch {
      return null;
    }
  }

  /**
   * Replace (or remove) one file atomically, keeping its owner and mode.
   * Checks again right before the rename, so a change made on disk since
   * the preflight is still refused.
   */
  write(req: WriteRequest): void {
    const state = this.preflight(req);
    const norm = state.path;
    const hostPath = this.host(norm);
    const dir = path.posix.dirname(hostPath);
    if (req.content === null) {
      if (state.content === null) return;
      fs.unlinkSync(hostPath);
      fsyncDir(dir);
      return;
    }
    const old = this.hostStat(norm);
    const tmp = path.posix.join(dir, `.qlens-tmp.${process.pid}.${randomBytes(4).toString('hex')}.${path.posix.basename(norm)}`);
    // 0600 until the content is whole, so no one reads a half-written file.
    const fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
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
      throw err;
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
      throw err;
    }
    fsyncDir(dir);
  }

  /** Create a directory and its missing parents (for the journal), refusing links on the way. */
  mkdirs(sysPath: string): void {
    guard(sysPath);
    const norm = writablePath(sysPath);
    this.refuseLinks(norm);
    const segs = norm.split('/').filter(Boolean);
    let cur = '';
    for (const seg of segs) {
      cur += '/' + seg;
      const h = this.host(cur);
      const st = this.hostStat(cur);
      if (st) {
        if (!st.isDirectory()) throw new FsError('ENOTDIR', cur);
        continue;
      }
      fs.mkdirSync(h, { mode: 0o700 });
      fsyncDir(path.posix.dirname(h));
    }
  }

  /** Create a new directory that must not exist yet (a journal entry); false when it exists. */
  mkdirExclusive(sysPath: string): boolean {
    guard(sysPath);
    const norm = writablePath(sysPath);
    this.refuseLinks(path.posix.dirname(norm));
    try {
      fs.mkdirSync(this.host(norm), { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
    fsyncDir(path.posix.dirname(this.host(norm)));
    return true;
  }

  /** List a directory the writer owns (the journal), or [] when missing. */
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
