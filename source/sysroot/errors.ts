// One error type for everything the file-system layer refuses or fails at,
// so callers can print "PATH: what went wrong" in one line.
export type FsErrorCode =
  | 'ENOENT'
  | 'EACCES'
  | 'EPERM'
  | 'EIO'
  | 'ELOOP'
  | 'EISDIR'
  | 'ENOTDIR'
  | 'EINVAL'
  | 'EROFS'
  | 'ESCAPE'
  | 'SYMLINK'
  | 'CONFLICT'
  | string;

const WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'input/output error',
  ELOOP: 'too many levels of symbolic links',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  EROFS: 'read-only file system',
  ESCAPE: 'leads outside the sysroot (refused)',
  SYMLINK: 'is a symbolic link (refused)',
  OWNER: 'belongs to another user than expected (refused)',
  CONFLICT: 'changed on disk since it was read',
  NOTFILE: 'is not a regular file (a FIFO or device: not read)',
  EFBIG: 'file too large',
  READONLY: 'qlens runs with --read-only: nothing is written',
  LOCKED: 'locked by another qlens',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EEXIST: 'already exists',
  ENOENT: 'no such file or directory',
  ENAMETOOLONG: 'file name too long',
};

/** Codes whose detail is the whole explanation (the words alone would say too little). */
const SAY_DETAIL = new Set(['OWNER', 'EFBIG', 'JOURNAL', 'LOCKED']);

/** A path as an error line shows it: whole up to 300 characters, else its start and end with the length between. */
function shownPath(p: string): string {
  return p.length <= 300 ? p : `${p.slice(0, 180)}…(${p.length} characters)…${p.slice(-120)}`;
}

export class FsError extends Error {
  readonly code: FsErrorCode;
  /** System path (never sysroot-prefixed). */
  readonly path: string;
  constructor(code: FsErrorCode, path: string, detail?: string) {
    const words = WORDS[code] ?? code;
    const sysPath = shownPath(path);
    // An escape says which link led out, a refused symlink which component is the link, an
    // owner refusal whose the home or file is; other codes read best as plain words.
    const said =
      (code === 'ESCAPE' || code === 'SYMLINK') && detail
        ? `${sysPath}: ${detail} (refused)`
        : SAY_DETAIL.has(code) && detail
          ? `${sysPath}: ${detail}`
          : `${sysPath}: ${words}`;
    super(said);
    this.name = 'FsError';
    this.code = code;
    this.path = path;
  }
}
