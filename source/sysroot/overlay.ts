// A Sysroot that serves staged contents for a few paths and the disk for
// everything else: the impact preview traces "the files as they would be"
// through it, with the same parsers and the same walk, without writing.
import * as path from 'node:path';
import { Sysroot, normalizeSystemPath, type FileMeta, type OpenedFile, type SysrootOptions } from './sysroot.js';

export interface StagedContent {
  /** New content; null = the file would not exist. */
  content: Buffer | null;
  /** Owner and mode the file would have. */
  uid: number;
  gid: number;
  mode: number;
}

export class OverlaySysroot extends Sysroot {
  private readonly staged: Map<string, StagedContent>;
  private readonly base: Sysroot;

  constructor(base: Sysroot, staged: Map<string, StagedContent>, opts: SysrootOptions = {}) {
    super(base.hostRoot, opts);
    this.base = base;
    this.staged = new Map([...staged].map(([p, s]) => [normalizeSystemPath(p), s]));
  }

  override reopen(): Sysroot {
    return new OverlaySysroot(this.base.reopen(), this.staged);
  }

  private stagedAt(sysPath: string): StagedContent | undefined {
    return this.staged.get(normalizeSystemPath(sysPath));
  }

  override read(sysPath: string): Buffer | null {
    const s = this.stagedAt(sysPath);
    return s ? s.content : this.base.read(sysPath);
  }

  override takeProblems() {
    return this.base.takeProblems();
  }

  override openDescriptor(sysPath: string) {
    return this.base.openDescriptor(sysPath);
  }

  override open(sysPath: string): OpenedFile | null {
    const s = this.stagedAt(sysPath);
    if (!s) return this.base.open(sysPath);
    const content = s.content;
    if (content === null) return null;
    return {
      path: normalizeSystemPath(sysPath),
      size: content.length,
      mtimeMs: Date.now(),
      readAt: (position, max) => content.subarray(position, position + max),
      close: () => undefined,
    };
  }

  override readHead(sysPath: string, max: number): Buffer | null {
    const s = this.stagedAt(sysPath);
    return s ? (s.content === null ? null : s.content.subarray(0, max)) : this.base.readHead(sysPath, max);
  }

  private metaFor(s: StagedContent, base: FileMeta | null): FileMeta | null {
    if (s.content === null) return null;
    return {
      kind: 'file',
      mode: s.mode,
      uid: s.uid,
      gid: s.gid,
      mtimeMs: base?.mtimeMs ?? Date.now(),
      size: s.content.length,
      metaSource: base?.metaSource ?? 'fsmeta',
    };
  }

  override stat(sysPath: string): FileMeta | null {
    const s = this.stagedAt(sysPath);
    return s ? this.metaFor(s, this.base.stat(sysPath)) : this.base.stat(sysPath);
  }

  override lstat(sysPath: string): FileMeta | null {
    const s = this.stagedAt(sysPath);
    return s ? this.metaFor(s, this.base.lstat(sysPath)) : this.base.lstat(sysPath);
  }

  /** Names a staged file adds to (or removes from) a directory listing. */
  private adjust(dir: string, names: string[] | null): string[] | null {
    const d = normalizeSystemPath(dir);
    let out = names;
    for (const [p, s] of this.staged) {
      if (path.posix.dirname(p) !== d) continue;
      const name = path.posix.basename(p);
      if (s.content === null) out = out ? out.filter((n) => n !== name) : out;
      else if (!out) out = [name];
      else if (!out.includes(name)) out = [...out, name].sort();
    }
    return out;
  }

  override readdir(sysPath: string): string[] | null {
    return this.adjust(sysPath, this.base.readdir(sysPath));
  }

  override *iterdir(sysPath: string): Generator<string> {
    const extra = this.adjust(sysPath, []) ?? [];
    const removed = new Set<string>();
    const d = normalizeSystemPath(sysPath);
    for (const [p, s] of this.staged) if (path.posix.dirname(p) === d && s.content === null) removed.add(path.posix.basename(p));
    const seen = new Set<string>();
    for (const n of this.base.iterdir(sysPath)) {
      if (removed.has(n)) continue;
      seen.add(n);
      yield n;
    }
    for (const n of extra) if (!seen.has(n)) yield n;
  }

  override resolve(sysPath: string): string {
    return this.base.resolve(sysPath);
  }

  override readlink(sysPath: string): string | null {
    return this.stagedAt(sysPath) ? null : this.base.readlink(sysPath);
  }

  override fsmetaEntry(sysPath: string) {
    const s = this.stagedAt(sysPath);
    if (s && s.content !== null) return { mode: s.mode, uid: s.uid, gid: s.gid, path: normalizeSystemPath(sysPath), line: 0 };
    return this.base.fsmetaEntry(sysPath);
  }
}
