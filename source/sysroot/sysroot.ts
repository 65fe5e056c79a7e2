// The only module that reads the file system. Every path it takes is a
// *system* path ("/var/qmail/control/me"), looked up under the sysroot, and
// every path it reports is a system path too: callers never see the host
// directory the sysroot lives in.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FsError, type FsErrorCode } from './errors.js';
import { parseFsmeta, type FsmetaEntry } from './fsmeta.js';
import { openRegular, readBounded, readUpTo, READ_LIMIT } from './open.js';
import { ABNORMAL, normalizeSystemPath } from './system-path.js';
import { assignHomes, ROOT_OWNER, type DefaultOwner, type OwnerRule } from './assign-homes.js';
import { discoverInstances } from '../qmail/discover.js';

export { FsError } from './errors.js';
export type { FsErrorCode } from './errors.js';
export { READ_LIMIT } from './open.js';
export { normalizeSystemPath } from './system-path.js';
export { ownerAssumed, type OwnerRule } from './assign-homes.js';

export type FileKind = 'file' | 'dir' | 'symlink' | 'other';

export interface FileMeta {
  kind: FileKind;
  /** Permission bits including setuid/setgid/sticky (mode & 0o7777). */
  mode: number;
  uid: number;
  gid: number;
  mtimeMs: number;
  size: number;
  /** Where owner/mode came from: the real inode, a .fsmeta line, or the defaults of contract.md. */
  metaSource: 'stat' | 'fsmeta' | 'default';
  /** For metaSource 'default': which rule gave the owner (the home's passwd or users/assign line, or none: root). */
  ownerRule?: OwnerRule;
}

/** Faults a test can inject: reading that system path (or anything below it) fails with that code. */
export type FaultMap = Record<string, FsErrorCode>;

/** A problem the file-system layer met on its own (a bad .fsmeta line, a file too large to read whole). */
export interface SysrootProblem {
  /** System path. */
  path: string;
  line: number | null;
  severity: 'error' | 'warning';
  code: string;
  message: string;
}

/**
 * Where a Sysroot and the views reopened from it put their problems, each
 * once: a command prints them (or `check` lists them) after its own output.
 */
export class SysrootProblems {
  private readonly list: SysrootProblem[] = [];
  private readonly seen = new Set<string>();

  add(p: SysrootProblem): void {
    const key = `${p.code}\0${p.path}\0${p.line}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push(p);
  }

  /** Every problem not taken yet, oldest first; they are not given out again. */
  take(): SysrootProblem[] {
    return this.list.splice(0, this.list.length);
  }
}

export interface SysrootOptions {
  faults?: FaultMap;
  /** Shared by reopen(): where .fsmeta and size problems go (default: a sink of its own). */
  problems?: SysrootProblems;
  /**
   * Keep at most this many bytes of file contents for re-reads, oldest dropped
   * first (default: every file read, until reopen()). A pass that reads each of
   * a big host's thousands of vpasswd files once need not hold them all.
   */
  readCacheBytes?: number;
  /** The most read() takes of one file (default READ_LIMIT); tests make it small. */
  readLimit?: number;
  /** Installations named on the command line (--instance): their users/assign homes count for default owners besides those of /var/qmail*. */
  instances?: string[];
}

/** One regular file opened inside the sysroot, for readers that need more than read() and readHead(). */
export interface OpenedFile {
  /** System path as asked for. */
  path: string;
  size: number;
  /** The .fsmeta mtime in a fixture sysroot, else the real one. */
  mtimeMs: number;
  /** Up to `max` bytes from `position` (fewer at the end of the file). */
  readAt(position: number, max: number): Buffer;
  close(): void;
}

const MAX_SYMLINKS = 40;
export class Sysroot {
  readonly hostRoot: string;
  readonly isRealRoot: boolean;
  private readonly faults: FaultMap;
  private readonly anyFault: boolean;
  private readonly sink: SysrootProblems;
  private readonly readLimit: number;
  private readonly readCache = new Map<string, Buffer | null>();
  private readonly readCacheMax: number;
  private readCacheSize = 0;
  private readonly resolveCache = new Map<string, string>();
  private fsmetaMap: Map<string, FsmetaEntry> | null = null;
  /** /etc/passwd as latin1 text, read on the first default owner asked for. */
  private passwdText: string | null = null;
  /** Every home by path (first line wins), built only when some home needs normalizing. */
  private homeByPath: Map<string, DefaultOwner> | null = null;
  /** Homes searched for in passwdText so far (null: no line has that home). */
  private readonly homeSearched = new Map<string, DefaultOwner | null>();
  /** Homes users/assign names (see assign-homes.ts), read on the first default owner asked for. */
  private assignMap: Map<string, DefaultOwner> | null = null;
  /** Installations named on the command line, whose users/assign homes count besides the discovered ones'. */
  private readonly instances: string[];

  constructor(hostRoot: string, opts: SysrootOptions = {}) {
    const abs = path.resolve(hostRoot);
    this.hostRoot = abs;
    this.isRealRoot = abs === '/';
    this.faults = opts.faults ?? {};
    this.anyFault = Object.keys(this.faults).length > 0;
    this.sink = opts.problems ?? new SysrootProblems();
    this.readCacheMax = opts.readCacheBytes ?? Infinity;
    this.readLimit = opts.readLimit ?? READ_LIMIT;
    this.instances = (opts.instances ?? []).map(normalizeSystemPath);
  }

  /** A fresh view of the same tree with empty caches (what "reload" means). */
  reopen(): Sysroot {
    return new Sysroot(this.hostRoot, { faults: this.faults, problems: this.sink, readCacheBytes: this.readCacheMax, readLimit: this.readLimit, instances: this.instances });
  }

  /** The problems this view (and every view reopened from it) met, each given out once. */
  takeProblems(): SysrootProblem[] {
    return this.sink.take();
  }


  /** The injected faults, to open the same view in a worker thread. */
  faultMap(): FaultMap {
    return { ...this.faults };
  }

  /** The injected fault for a system path, if any (for readers in source/sysroot/ that bypass read()). */
  faultAt(sysPath: string): FsErrorCode | null {
    for (const _ in this.faults) return this.fault(normalizeSystemPath(sysPath));
    return null;
  }

  private fault(sysPath: string): FsErrorCode | null {
    if (!this.anyFault) return null;
    for (const [p, code] of Object.entries(this.faults)) {
      if (sysPath === p || sysPath.startsWith(p.endsWith('/') ? p : p + '/')) return code;
    }
    return null;
  }

  private hostOf(sysPath: string): string {
    return this.isRealRoot ? sysPath : path.join(this.hostRoot, sysPath);
  }

  /**
   * Resolve symlinks inside the sysroot as a chroot would: an absolute target
   * is taken under the sysroot, a relative one from the link's directory.
   * A relative chain that climbs above the sysroot's top is refused, never
   * followed out. Returns the resolved system path (which may not exist).
   */
  resolve(sysPath: string): string {
    const norm = normalizeSystemPath(sysPath);
    if (this.isRealRoot) return norm;
    const cached = this.resolveCache.get(norm);
    if (cached !== undefined) return cached;
    const out = norm === sysPath ? this.resolveLast(norm) : this.resolveUncached(sysPath);
    this.resolveCache.set(norm, out);
    return out;
  }

  /**
   * A normal path: its parent resolved (from the cache, mostly: a walk stats
   * many files in the same few directories) and one lstat for the last
   * component. A link there takes the long way.
   */
  private resolveLast(norm: string): string {
    const slash = norm.lastIndexOf('/');
    if (slash <= 0) return this.resolveUncached(norm);
    const parent = this.resolve(norm.slice(0, slash));
    const candidate = (parent === '/' ? '' : parent) + norm.slice(slash);
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(this.hostOf(candidate), { throwIfNoEntry: false });
    } catch {
      st = undefined;
    }
    if (!st || !st.isSymbolicLink()) return candidate;
    return this.resolveUncached(norm);
  }

  private resolveUncached(sysPath: string): string {
    if (!sysPath.startsWith('/')) throw new FsError('EINVAL', sysPath, 'not an absolute system path');
    let pending = sysPath.split('/').filter((s) => s !== '' && s !== '.');
    const done: string[] = [];
    let links = 0;
    while (pending.length > 0) {
      const seg = pending.shift()!;
      if (seg === '..') {
        if (done.length === 0) {
          throw new FsError('ESCAPE', sysPath, 'path climbs above the sysroot');
        }
        done.pop();
        continue;
      }
      const candidate = '/' + [...done, seg].join('/');
      let st: fs.Stats;
      try {
        st = fs.lstatSync(this.hostOf(candidate));
      } catch {
        // Missing components: the rest cannot be links; keep the path as written.
        done.push(seg);
        continue;
      }
      if (!st.isSymbolicLink()) {
        done.push(seg);
        continue;
      }
      if (++links > MAX_SYMLINKS) throw new FsError('ELOOP', sysPath, 'too many levels of symbolic links');
      let target: string;
      try {
        target = fs.readlinkSync(this.hostOf(candidate));
      } catch {
        // Swapped between the lstat and the readlink (removed, or no longer a link): take it as it is now.
        done.push(seg);
        continue;
      }
      const targetParts = target.split('/').filter((s) => s !== '' && s !== '.');
      if (target.startsWith('/')) {
        done.length = 0;
      } else {
        // Relative: climbing out of the sysroot through the link is an escape.
        let depth = done.length;
        for (const t of targetParts) {
          if (t === '..') {
            if (depth === 0) {
              throw new FsError('ESCAPE', sysPath, `symlink ${candidate} -> ${target} leads outside the sysroot`);
            }
            depth--;
          } else depth++;
        }
      }
      pending = [...targetParts, ...pending];
    }
    return '/' + done.join('/');
  }

  /** Host path of a system path after resolving links inside the sysroot. For writers and child processes. */
  hostPath(sysPath: string): string {
    return this.hostOf(this.resolve(sysPath));
  }

  private mapError(err: unknown, sysPath: string): FsError {
    const e = err as NodeJS.ErrnoException;
    const code = (e && typeof e.code === 'string' ? e.code : 'EIO') as FsErrorCode;
    return new FsError(code, sysPath, e?.message ?? String(err));
  }

  /**
   * Open a regular file inside the sysroot for reading: injected faults,
   * links resolved as a chroot would (never out), never blocking, FIFOs,
   * devices and directories refused. Null when it does not exist. Throws
   * FsError. Every read of file contents starts here.
   */
  open(sysPath: string): OpenedFile | null {
    const norm = normalizeSystemPath(sysPath);
    const opened = this.openDescriptor(norm);
    if (!opened) return null;
    const { fd, st, real } = opened;
    const mapError = (err: unknown): FsError => this.mapError(err, norm);
    let open = true;
    return {
      path: norm,
      size: st.size,
      mtimeMs: this.isRealRoot ? st.mtimeMs : (this.fsmetaEntry(real)?.mtimeMs ?? st.mtimeMs),
      readAt: (position, max) => {
        try {
          return readUpTo(fd, max, max, position);
        } catch (err) {
          throw mapError(err);
        }
      },
      close: () => {
        if (open) fs.closeSync(fd);
        open = false;
      },
    };
  }

  /**
   * The whole file, or null when it does not exist. Throws FsError for
   * anything else. A file longer than the read limit gives its first part,
   * cut at a line end, and a "file too large" problem.
   */
  read(sysPath: string): Buffer | null {
    const norm = normalizeSystemPath(sysPath);
    if (this.readCache.has(norm)) return this.readCache.get(norm)!;
    const buf = this.readWhole(norm);
    this.readCache.set(norm, buf);
    if (this.readCacheMax !== Infinity) this.boundReadCache(norm, buf);
    return buf;
  }

  /**
   * The safety checks of every read, in one place: faults, links resolved
   * inside the sysroot, a regular file opened without blocking. The open
   * descriptor (the caller closes it), or null when the file does not exist.
   * For readers in source/sysroot/ that keep a descriptor (positional.ts).
   */
  openDescriptor(sysPath: string): { fd: number; st: fs.Stats; real: string } | null {
    const norm = normalizeSystemPath(sysPath);
    const f = this.fault(norm);
    if (f === 'ENOENT') return null;
    if (f) throw new FsError(f, norm, 'injected fault');
    const real = this.resolve(norm);
    const f2 = real !== norm ? this.fault(real) : null;
    if (f2 === 'ENOENT') return null;
    if (f2) throw new FsError(f2, norm, 'injected fault');
    try {
      return { ...openRegular(this.hostOf(real)), real };
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return null;
      throw this.mapError(err, norm);
    }
  }

  /** read() without the cache (for the layer's own reads: .fsmeta, /etc/passwd). */
  private readWhole(norm: string): Buffer | null {
    const opened = this.openDescriptor(norm);
    if (!opened) return null;
    try {
      const r = readBounded(opened.fd, opened.st, this.readLimit);
      if (r.truncatedFrom !== undefined) {
        this.sink.add({
          path: norm,
          line: null,
          severity: 'error',
          code: 'file-too-large',
          message: `file too large: ${r.truncatedFrom} bytes, read the first ${r.buf.length} (up to the last line end before ${this.readLimit}); the rest is ignored`,
        });
      }
      return r.buf;
    } catch (err) {
      throw this.mapError(err, norm);
    } finally {
      fs.closeSync(opened.fd);
    }
  }

  private boundReadCache(norm: string, buf: Buffer | null): void {
    // An absent file's entry costs its key and the map's slot.
    const cost = (k: string, b: Buffer | null): number => k.length + 64 + (b?.length ?? 0);
    this.readCacheSize += cost(norm, buf);
    for (const [k, b] of this.readCache) {
      if (this.readCacheSize <= this.readCacheMax || k === norm) break;
      this.readCache.delete(k);
      this.readCacheSize -= cost(k, b);
    }
  }

  /** Read at most `max` bytes from the start of a file (for previews of large files). */
  readHead(sysPath: string, max: number): Buffer | null {
    const f = this.open(sysPath);
    if (!f) return null;
    try {
      return f.readAt(0, max);
    } finally {
      f.close();
    }
  }

  /**
   * At most `max` bytes from the start of a file, with the file's whole size,
   * for a program read as bytes (never run) whatever its size: through
   * open(), so with every check a read has; never cached. Null when the
   * file does not exist.
   */
  readBounded(sysPath: string, max: number): { bytes: Buffer; size: number } | null {
    const f = this.open(sysPath);
    if (!f) return null;
    try {
      return { bytes: f.readAt(0, Math.min(max, f.size)), size: f.size };
    } finally {
      f.close();
    }
  }

  /** Text as UTF-8 where valid, else Latin-1 (qmail deals in bytes; every byte survives). */
  readText(sysPath: string): string | null {
    const buf = this.read(sysPath);
    return buf === null ? null : decodeBytes(buf);
  }

  exists(sysPath: string): boolean {
    return this.stat(sysPath) !== null;
  }

  /** Directory entries (sorted, `.keep` placeholders left out), or null when missing. */
  readdir(sysPath: string): string[] | null {
    const norm = normalizeSystemPath(sysPath);
    const f = this.fault(norm);
    if (f === 'ENOENT') return null;
    if (f) throw new FsError(f, norm, 'injected fault');
    try {
      return fs
        .readdirSync(this.hostPath(norm))
        .filter((n) => n !== '.keep')
        .sort();
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return null;
      throw this.mapError(err, norm);
    }
  }

  /** Iterate a directory without holding all names (for huge queue directories). */
  *iterdir(sysPath: string): Generator<string> {
    const norm = normalizeSystemPath(sysPath);
    const f = this.fault(norm);
    if (f === 'ENOENT') return;
    if (f) throw new FsError(f, norm, 'injected fault');
    let dir: fs.Dir;
    try {
      dir = fs.opendirSync(this.hostPath(norm));
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return;
      throw this.mapError(err, norm);
    }
    try {
      for (let d = dir.readSync(); d !== null; d = dir.readSync()) {
        if (d.name !== '.keep') yield d.name;
      }
    } finally {
      dir.closeSync();
    }
  }

  readlink(sysPath: string): string | null {
    const norm = normalizeSystemPath(sysPath);
    try {
      const parent = this.resolve(path.posix.dirname(norm));
      return fs.readlinkSync(this.hostOf(path.posix.join(parent, path.posix.basename(norm))));
    } catch (err) {
      if (err instanceof FsError) throw err;
      return null;
    }
  }

  /** Owner, mode and times of the path, following links inside the sysroot; null when missing. */
  stat(sysPath: string): FileMeta | null {
    const norm = normalizeSystemPath(sysPath);
    const f = this.fault(norm);
    if (f === 'ENOENT') return null;
    if (f && f !== 'EACCES') throw new FsError(f, norm, 'injected fault');
    const real = this.resolve(norm);
    return this.metaOf(real, false);
  }

  /** Like stat, but a symlink is reported as itself. */
  lstat(sysPath: string): FileMeta | null {
    const norm = normalizeSystemPath(sysPath);
    const f = this.fault(norm);
    if (f === 'ENOENT') return null;
    const parent = normalizeSystemPath(path.posix.dirname(norm));
    const real = parent === '/' ? norm : path.posix.join(this.resolve(parent), path.posix.basename(norm));
    return this.metaOf(real, true);
  }

  private metaOf(sysPath: string, noFollow: boolean): FileMeta | null {
    let st: fs.Stats;
    try {
      st = noFollow ? fs.lstatSync(this.hostOf(sysPath)) : fs.statSync(this.hostOf(sysPath));
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return null;
      throw this.mapError(err, sysPath);
    }
    const kind: FileKind = st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
    if (this.isRealRoot) {
      return { kind, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtimeMs: st.mtimeMs, size: st.size, metaSource: 'stat' };
    }
    const entry = this.fsmeta().get(sysPath);
    if (entry) {
      return {
        kind,
        mode: entry.mode,
        uid: entry.uid,
        gid: entry.gid,
        mtimeMs: entry.mtimeMs ?? st.mtimeMs,
        size: st.size,
        metaSource: 'fsmeta',
      };
    }
    const owner = this.defaultOwner(sysPath);
    return {
      kind,
      mode: kind === 'dir' ? 0o755 : kind === 'symlink' ? 0o777 : 0o644,
      uid: owner.uid,
      gid: owner.gid,
      mtimeMs: st.mtimeMs,
      size: st.size,
      metaSource: 'default',
      ownerRule: owner.rule,
    };
  }

  /** The .fsmeta entry for a system path, if any (for writers that must keep it). */
  fsmetaEntry(sysPath: string): FsmetaEntry | undefined {
    if (this.isRealRoot) return undefined;
    // Already normal (the common case, e.g. queue files by the 100,000): skip the split/join.
    const key = sysPath.charCodeAt(0) === 47 && !ABNORMAL.test(sysPath) ? sysPath : normalizeSystemPath(sysPath);
    return this.fsmeta().get(key);
  }

  private fsmeta(): Map<string, FsmetaEntry> {
    if (this.fsmetaMap) return this.fsmetaMap;
    // Set first: resolving the path of .fsmeta itself asks no owner, but a reader that did must not recurse.
    this.fsmetaMap = new Map();
    const text = this.ownRead('/.fsmeta', 'owners and modes take the defaults of a correct installation');
    const { entries, diagnostics } = parseFsmeta(text);
    for (const d of diagnostics) this.sink.add({ path: '/.fsmeta', line: d.line, severity: 'warning', code: 'fsmeta-format', message: d.message });
    for (const e of entries) this.fsmetaMap.set(normalizeSystemPath(e.path), e);
    return this.fsmetaMap;
  }

  /**
   * A file this layer reads for itself, as latin1 text, through the same
   * safe reader as every other read; a file that cannot be read counts as
   * empty, and the problem (not a regular file, outside the sysroot, too
   * large...) is reported once, with what follows from it.
   */
  private ownRead(sysPath: string, otherwise: string): string {
    try {
      return this.readWhole(sysPath)?.toString('latin1') ?? '';
    } catch (err) {
      const said = err instanceof FsError ? err.message : String(err);
      const message = said.startsWith(sysPath + ': ') ? said.slice(sysPath.length + 2) : said;
      this.sink.add({ path: sysPath, line: null, severity: 'error', code: 'sysroot-unreadable', message: `${message}: ${otherwise}` });
      return '';
    }
  }

  /**
   * contract.md: a path .fsmeta does not list belongs to the user whose home
   * it is under (the longest home that /etc/passwd or users/assign names;
   * for one home named by both, users/assign's), else to root.
   */
  private defaultOwner(sysPath: string): DefaultOwner {
    if (this.passwdText === null) {
      this.passwdText = this.ownRead('/etc/passwd', 'paths not in .fsmeta are taken to belong to root');
      // Any home field that normalizing would change (a doubled slash, a . or .. segment, a
      // trailing slash)? Then build the whole map; else each home can be searched for as written.
      if (/\/\/|\/\.\.?[/:]|[^:]\/:/.test(this.passwdText)) this.homeByPath = allHomes(this.passwdText);
    }
    const assign = this.assignHomes();
    // The longest home that is the path or one of its ancestors.
    for (let p = sysPath; p !== '/' && p !== ''; p = p.slice(0, Math.max(0, p.lastIndexOf('/')))) {
      const a = assign.get(p);
      if (a) return a;
      const h = this.passwdHomeAt(p);
      if (h) return h;
    }
    return ROOT_OWNER;
  }

  /** The owner /etc/passwd gives the home `p` (its first line naming it), or null. */
  private passwdHomeAt(p: string): DefaultOwner | null {
    const text = this.passwdText ?? '';
    if (this.homeByPath) return this.homeByPath.get(p) ?? null;
    let h = this.homeSearched.get(p);
    if (h !== undefined) return h;
    if (this.homeSearched.size >= HOME_SEARCHES) {
      // A long session (TUI, queue listing) asks about thousands of paths: map every home once.
      this.homeByPath = allHomes(text);
      return this.homeByPath.get(p) ?? null;
    }
    h = searchHome(text, p);
    this.homeSearched.set(p, h);
    return h;
  }

  /** The homes users/assign names, read on the first default owner asked for (see assign-homes.ts). */
  private assignHomes(): Map<string, DefaultOwner> {
    if (this.assignMap) return this.assignMap;
    // Set first: finding the installations stats their control/ directories, which asks for default owners.
    this.assignMap = new Map();
    const roots = [...new Set([...this.instances, ...discoverInstances(this)])];
    const map = assignHomes(roots, (p) => {
      try {
        return this.readWhole(p);
      } catch {
        // An unreadable users/assign names no home here; lint says what is wrong with it.
        return null;
      }
    });
    for (const [home, a] of map) {
      const pw = this.passwdHomeAt(home);
      if (pw && pw.uid !== a.uid) a.rule.over = { user: pw.rule.user ?? '', uid: pw.uid, line: pw.rule.line ?? 0 };
    }
    this.assignMap = map;
    return map;
  }
}

/** Paths searched for in /etc/passwd before the whole home map is built instead (a search reads the whole text). */
const HOME_SEARCHES = 64;

/** One /etc/passwd line (from `pos` to `nl`) as the default-owner rule reads it: its user, home and owner, or null. */
function passwdHome(text: string, pos: number, nl: number): { raw: string; at: number; name: string; uid: number; gid: number } | null {
  // name:pw:uid:gid:gecos:home:shell — at least six colons (seven fields).
  const c = [0, 0, 0, 0, 0, 0];
  let n = 0;
  for (let k = pos - 1; n < 6; n++) {
    k = text.indexOf(':', k + 1);
    if (k < 0 || k >= nl) break;
    c[n] = k;
  }
  if (n < 6 || text.charCodeAt(c[4] + 1) !== 47 /* / */) return null;
  const uid = Number(text.slice(c[1] + 1, c[2]));
  const gid = Number(text.slice(c[2] + 1, c[3]));
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) return null;
  return { raw: text.slice(c[4] + 1, c[5]), at: c[4], name: text.slice(pos, c[0]), uid, gid };
}

/** The default owner a passwd line gives its home. */
function passwdOwner(h: { name: string; uid: number; gid: number }, home: string, line: number): DefaultOwner {
  return { uid: h.uid, gid: h.gid, rule: { by: 'passwd', home, user: h.name, path: '/etc/passwd', line } };
}

/** Every home in /etc/passwd, normalized; the first line of a home wins. */
function allHomes(text: string): Map<string, DefaultOwner> {
  const map = new Map<string, DefaultOwner>();
  let line = 0;
  for (let pos = 0; pos < text.length; ) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    line++;
    const h = passwdHome(text, pos, nl);
    pos = nl + 1;
    if (!h) continue;
    const home = ABNORMAL.test(h.raw) ? normalizeSystemPath(h.raw) : h.raw;
    if (home !== '/' && !map.has(home)) map.set(home, passwdOwner(h, home, line));
  }
  return map;
}

/** The owner of the first line whose home is exactly `home` (every home in the file is already normal). */
function searchHome(text: string, home: string): DefaultOwner | null {
  const needle = ':' + home + ':';
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
    const pos = text.lastIndexOf('\n', i) + 1;
    let nl = text.indexOf('\n', i);
    if (nl < 0) nl = text.length;
    const h = passwdHome(text, pos, nl);
    if (h && h.at === i && h.raw === home) {
      let line = 1;
      for (let k = text.indexOf('\n'); k >= 0 && k < pos; k = text.indexOf('\n', k + 1)) line++;
      return passwdOwner(h, home, line);
    }
  }
  return null;
}

/** Decode bytes as UTF-8 when they are valid UTF-8, else as Latin-1 (one char per byte). */
export function decodeBytes(buf: Buffer): string {
  const s = buf.toString('utf8');
  if (!s.includes('\uFFFD')) return s;
  // Only fall back when the replacement char came from invalid input, not from the text itself.
  if (Buffer.from(s, 'utf8').equals(buf)) return s;
  return buf.toString('latin1');
}
