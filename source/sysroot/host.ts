// The host's own files, outside any sysroot: the program's compiled worker
// files, the bundled demos, private temporary copies (a demo opened, a file
// handed to $EDITOR). Paths here are host paths, never system paths; the
// sysroot's reads of qmail's files go through sysroot.ts.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FsError } from './errors.js';
import { openRegular, readBounded, READ_LIMIT } from './open.js';

export function hostFileExists(p: string): boolean {
  return fs.existsSync(p);
}

export function hostIsDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The names of the directories in `dir`, sorted; none when it cannot be read. */
export function hostSubdirectories(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
}

/** A new directory only this user can enter (mode 0700), under the system's temporary directory. */
export function makePrivateTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Remove a tree made by makePrivateTempDir (no error when it is gone already). */
export function removeHostTree(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Write a new private file (mode 0600 unless told). */
export function writeHostFile(p: string, content: Buffer | string, mode = 0o600): void {
  fs.writeFileSync(p, content, { mode });
}

/**
 * A whole host file through the same checks as every sysroot read: never a
 * blocking open (a FIFO put where $EDITOR's copy was), regular files only,
 * at most `max` bytes (EFBIG beyond). Throws FsError naming the host path.
 */
export function readHostFile(p: string, max = READ_LIMIT): Buffer {
  let opened;
  try {
    opened = openRegular(p);
  } catch (e) {
    throw new FsError((e as NodeJS.ErrnoException).code ?? 'EIO', p);
  }
  try {
    const r = readBounded(opened.fd, opened.st, max);
    if (r.truncatedFrom !== undefined) throw new FsError('EFBIG', p, `file too large: ${r.truncatedFrom} bytes, more than ${max}`);
    return r.buf;
  } catch (e) {
    if (e instanceof FsError) throw e;
    throw new FsError((e as NodeJS.ErrnoException).code ?? 'EIO', p);
  } finally {
    fs.closeSync(opened.fd);
  }
}

/** The host path with every link resolved, or '' when it cannot be (for "was this file run as the program?"). */
export function realHostPath(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return '';
  }
}

/**
 * Copy a tree: modes and times kept, symbolic links copied as the links they
 * are (a demo's relative links stay relative, pointing inside the copy).
 */
export function copyHostTree(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
}
