// A Sysroot that remembers what stat, lstat and readdir answered, for a
// run that asks the same questions thousands of times over a tree it takes
// as a snapshot: `qlens queue` predicts 100,000 recipients, and every one of
// them stats /home, the vpopmail home, its domain directories and the same
// control files again. Reads are already remembered by the base Sysroot;
// everything else is passed through, faults included. Never used where the
// tree is expected to change under the caller (the TUI reloads with reopen()).
import { FsError, Sysroot, type FileMeta, type OpenedFile } from './sysroot.js';

type Memo<T> = { ok: T } | { err: unknown };

/** Entries kept per kind before the memo starts over (bounded memory on a huge listing). */
const MAX_ENTRIES = 100000;

export class SnapshotSysroot extends Sysroot {
  private readonly base: Sysroot;
  private readonly stats = new Map<string, Memo<FileMeta | null>>();
  private readonly lstats = new Map<string, Memo<FileMeta | null>>();
  private readonly dirs = new Map<string, Memo<string[] | null>>();

  constructor(base: Sysroot) {
    super(base.hostRoot);
    this.base = base;
  }

  override reopen(): Sysroot {
    return new SnapshotSysroot(this.base.reopen());
  }

  private remember<T>(map: Map<string, Memo<T>>, key: string, f: () => T): T {
    let m = map.get(key);
    if (m === undefined) {
      try {
        m = { ok: f() };
      } catch (err) {
        // Only the sysroot's own errors are answers about the tree; anything else is not remembered.
        if (!(err instanceof FsError)) throw err;
        m = { err };
      }
      if (map.size >= MAX_ENTRIES) map.clear();
      map.set(key, m);
    }
    if ('err' in m) throw m.err;
    return m.ok;
  }

  override stat(sysPath: string): FileMeta | null {
    return this.remember(this.stats, sysPath, () => this.base.stat(sysPath));
  }

  override lstat(sysPath: string): FileMeta | null {
    return this.remember(this.lstats, sysPath, () => this.base.lstat(sysPath));
  }

  override readdir(sysPath: string): string[] | null {
    const names = this.remember(this.dirs, sysPath, () => this.base.readdir(sysPath));
    return names === null ? null : names.slice();
  }

  override faultAt(sysPath: string) {
    return this.base.faultAt(sysPath);
  }

  override read(sysPath: string): Buffer | null {
    return this.base.read(sysPath);
  }

  override open(sysPath: string): OpenedFile | null {
    return this.base.open(sysPath);
  }

  override openDescriptor(sysPath: string) {
    return this.base.openDescriptor(sysPath);
  }

  override takeProblems() {
    return this.base.takeProblems();
  }

  override readHead(sysPath: string, max: number): Buffer | null {
    return this.base.readHead(sysPath, max);
  }

  override iterdir(sysPath: string): Generator<string> {
    return this.base.iterdir(sysPath);
  }

  override resolve(sysPath: string): string {
    return this.base.resolve(sysPath);
  }

  override hostPath(sysPath: string): string {
    return this.base.hostPath(sysPath);
  }

  override readlink(sysPath: string): string | null {
    return this.base.readlink(sysPath);
  }

  override fsmetaEntry(sysPath: string) {
    return this.base.fsmetaEntry(sysPath);
  }
}
