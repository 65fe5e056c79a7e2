// Problems met while reading one installation's queue: a permission error
// said once (with what to do), other file troubles one line each.
import { FsError } from '../sysroot/sysroot.js';
import type { Diagnostic } from './model-types.js';

const PERMISSION_FIX =
  'run qlens as root, or as a member of the qmail group (the group reads mess/ and todo/, enough for the counts; ' +
  'info/, local/, remote/ and bounce/ are mode 0700 for qmails, so the listing needs root or qmails)';

/** Problems met while reading one installation's queue; a permission error is kept once. */
export class QueueProblems {
  readonly list: Diagnostic[] = [];
  permissionDenied = false;
  private readonly seen = new Set<string>();

  add(d: Diagnostic): void {
    this.list.push(d);
  }

  /** Add once per code (e.g. a split mismatch seen on many messages). */
  once(d: Diagnostic): void {
    if (this.seen.has(d.code)) return;
    this.seen.add(d.code);
    this.list.push(d);
  }

  /** The codes added with once() so far. */
  onceCodes(): string[] {
    return [...this.seen];
  }

  /**
   * Take in what another reader of the same queue met (a worker scanning
   * later split directories), keeping the once-only rules as if one reader
   * had met it all in order.
   */
  absorb(list: Diagnostic[], onceCodes: Iterable<string>): void {
    const once = new Set(onceCodes);
    for (const d of list) {
      if (d.code === 'queue-permission') {
        if (this.permissionDenied) continue;
        this.permissionDenied = true;
        this.list.push(d);
      } else if (once.has(d.code)) this.once(d);
      else this.list.push(d);
    }
  }

  /** An FsError met on `what` (a path or "#id"); true when it was a permission error. */
  fsError(e: FsError, id?: number): boolean {
    if (e.code === 'EACCES' || e.code === 'EPERM') {
      if (!this.permissionDenied) {
        this.permissionDenied = true;
        this.list.push({ path: e.path, line: null, severity: 'error', code: 'queue-permission', message: `permission denied; ${PERMISSION_FIX}` });
      }
      return true;
    }
    this.list.push({
      path: e.path,
      line: null,
      severity: 'warning',
      code: 'queue-trouble',
      message: id === undefined ? e.message : `trouble with #${id}: ${e.message}`,
    });
    return false;
  }
}

export function asFsError(e: unknown, path: string): FsError {
  if (e instanceof FsError) return e;
  const code = (e as NodeJS.ErrnoException)?.code ?? 'EIO';
  return new FsError(code, path);
}
