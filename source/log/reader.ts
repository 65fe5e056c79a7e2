// Reading one log as a stream of lines, oldest first, never holding more
// than a chunk: a multilog directory's rotated `@TAI64N.s` / `.u` files in
// name order (the name is the time multilog closed the file) and then
// `current`; a syslog file's rotations (mail.log.3.gz, mail.log.2.gz,
// mail.log.1, mail.log-20261124...) and then the file itself. gzip is
// recognised by its magic bytes and decompressed as it streams.
//
// The log keeps changing while it is read: multilog renames `current` to
// `@....s` when it is full and starts a new one; logrotate renames the
// syslog file or truncates it in place. The reader keeps `current` open,
// so a renamed current is finished through the same descriptor and its new
// name is recognised by inode; a file smaller than what was read was
// truncated and is read again from its start. Every line gets a position
// (segment number and byte offset) from which it can be read again.
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { Readable } from 'node:stream';
import type { Sysroot } from '../sysroot/sysroot.js';
import { FsError } from '../sysroot/sysroot.js';
import { identityOf, openPositional, sameFile, type FileIdentity, type PositionalFile } from '../sysroot/positional.js';
import type { LogFormat } from './find.js';

/** A position is segment * 2^40 + byte offset: one number, exact up to 8192 segments of 1 TB. */
export const SEGMENT_SPAN = 2 ** 40;

export function positionOf(segment: number, offset: number): number {
  return segment * SEGMENT_SPAN + offset;
}

export function splitPosition(pos: number): { segment: number; offset: number } {
  const segment = Math.floor(pos / SEGMENT_SPAN);
  return { segment, offset: pos - segment * SEGMENT_SPAN };
}

export interface Segment {
  /** System path it has now (a `current` renamed while read gets its new name). */
  path: string;
  gzip: boolean;
  identity: FileIdentity | null;
  /** Bytes of it read so far (decompressed bytes for gzip). */
  read: number;
  lines: number;
  /** No more lines will come (a rotated file, or a current that was renamed or truncated). */
  final: boolean;
}

/**
 * Called for each line: buf[start..end) without its newline. `truncated`:
 * the file ended without a newline (a cut-off last line, or one still being
 * written).
 */
export type LineHandler = (buf: Buffer, start: number, end: number, pos: number, line: number, segment: number, truncated: boolean) => void;

export interface ReadNote {
  path: string;
  message: string;
}

export interface ReaderOptions {
  /** Bytes per read (tests make it small to rotate a file between two reads). */
  chunkBytes?: number;
  /** Called after each chunk is handled, with the segment's path and bytes read (tests rotate or truncate here). */
  onChunk?: (segPath: string, bytesRead: number) => void;
  /** Follow mode: a last line without a newline is kept for the next poll instead of being handed over cut. */
  holdPartial?: boolean;
  /** Bytes read between two turns of the event loop (default 64 MB; the TUI reads in the main thread and wants less). */
  yieldBytes?: number;
}

const ROTATED = /^@[0-9a-f]{24}\.[su]$/;

/** A syslog rotation's age rank: higher is older. `mail.log.2.gz` → 2; `mail.log-20261124` sorts by date. */
function rotationKey(base: string, name: string): { num: number; date: string } | null {
  if (!name.startsWith(base)) return null;
  const rest = name.slice(base.length).replace(/\.(gz|z)$/i, '');
  let m = /^\.(\d+)$/.exec(rest);
  if (m) return { num: Number(m[1]), date: '' };
  m = /^[-.](\d{8}(?:\d{2,6})?)$/.exec(rest);
  if (m) return { num: -1, date: m[1] };
  return null;
}

function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

export class LogReader {
  readonly segments: Segment[] = [];
  readonly notes: ReadNote[] = [];
  private current: { seg: number; file: PositionalFile } | null = null;
  private lastRotated = '';
  private started = false;
  private readonly chunk: number;

  constructor(
    private readonly sysroot: Sysroot,
    readonly logPath: string,
    readonly format: LogFormat,
    private readonly opts: ReaderOptions = {},
  ) {
    this.chunk = Math.max(64, opts.chunkBytes ?? 1 << 20);
  }

  /** Whether the log exists at all (a directory with files, or the syslog file). */
  exists(): boolean {
    try {
      const st = this.sysroot.stat(this.logPath);
      return st !== null && (this.format === 'multilog' ? st.kind === 'dir' || st.kind === 'file' : st.kind === 'file');
    } catch {
      return false;
    }
  }

  private note(p: string, message: string): void {
    this.notes.push({ path: p, message });
  }

  private isSingleFile(): boolean {
    try {
      return this.sysroot.stat(this.logPath)?.kind === 'file';
    } catch {
      return false;
    }
  }

  /** The rotated files of a multilog directory (`@TAI64N.s`, `.u`), oldest first. */
  rotatedNames(): string[] {
    return this.listRotated().sort();
  }

  private listRotated(): string[] {
    try {
      return (this.sysroot.readdir(this.logPath) ?? []).filter((n) => ROTATED.test(n));
    } catch (e) {
      this.note(this.logPath, e instanceof FsError ? e.message : String(e));
      return [];
    }
  }

  /** syslog rotations oldest first (numbered ones highest number first, dated ones by date), then nothing of the base. */
  private syslogRotations(): string[] {
    const dir = path.posix.dirname(this.logPath);
    const base = path.posix.basename(this.logPath);
    let names: string[] = [];
    try {
      names = this.sysroot.readdir(dir) ?? [];
    } catch (e) {
      this.note(dir, e instanceof FsError ? e.message : String(e));
    }
    const keyed = names.map((n) => ({ n, k: rotationKey(base, n) })).filter((x): x is { n: string; k: { num: number; date: string } } => x.k !== null);
    keyed.sort((a, b) => {
      if (a.k.num !== b.k.num) return b.k.num - a.k.num;
      return a.k.date < b.k.date ? -1 : a.k.date > b.k.date ? 1 : 0;
    });
    return keyed.map((x) => `${dir}/${x.n}`);
  }

  /**
   * Read everything there is now, oldest first, then look once more for
   * what appeared meanwhile (a rotation) until nothing new comes. For
   * --follow, call again later: it reads only what was added.
   */
  async readAll(handler: LineHandler): Promise<void> {
    for (let guard = 0; guard < 1000; guard++) {
      if (!(await this.pass(handler))) return;
    }
  }

  /**
   * Some of a multilog directory's rotated files, whole, in the order given
   * (a summary reads a big log in parts, one thread a part); the next pass
   * goes on after the last of them.
   */
  async readRotated(names: string[], handler: LineHandler): Promise<void> {
    for (const name of names) {
      await this.readWhole(`${this.logPath}/${name}`, handler);
      if (name > this.lastRotated) this.lastRotated = name;
    }
  }

  /** Rotated files another reader (a worker's) read: counted as read here, and the next pass goes on after them. */
  adopt(segments: Segment[], notes: ReadNote[], lastName: string): void {
    this.segments.push(...segments);
    this.notes.push(...notes);
    if (lastName > this.lastRotated) this.lastRotated = lastName;
  }

  /** One look at the log: read what is new. True when something was read. */
  async pass(handler: LineHandler): Promise<boolean> {
    if (this.format === 'multilog' && !this.isSingleFile()) return this.passMultilog(handler);
    return this.passFile(handler);
  }

  private async passMultilog(handler: LineHandler): Promise<boolean> {
    let any = false;
    const names = this.listRotated().filter((n) => n > this.lastRotated).sort();
    for (const name of names) {
      const p = `${this.logPath}/${name}`;
      let ident: FileIdentity | null = null;
      try {
        ident = identityOf(this.sysroot, p);
      } catch (e) {
        this.note(p, e instanceof FsError ? e.message : String(e));
      }
      this.lastRotated = name;
      const known = this.segments.findIndex((sg) => sameFile(ident, sg.identity));
      if (known >= 0 && (!this.current || this.current.seg !== known)) {
        // A current already finished through its descriptor, now under its rotated name.
        this.segments[known].path = p;
        continue;
      }
      if (this.current && sameFile(ident, this.segments[this.current.seg].identity)) {
        // The current we have open was renamed: finish it through the same descriptor.
        const cur = this.current;
        this.current = null;
        const seg = this.segments[cur.seg];
        seg.path = p;
        any = (await this.readOpen(cur.seg, cur.file, handler, true)) || any;
        seg.final = true;
        cur.file.close();
        continue;
      }
      any = (await this.readWhole(p, handler)) || any;
    }
    any = (await this.followCurrent(`${this.logPath}/current`, handler)) || any;
    if (!this.started) this.started = true;
    return any;
  }

  private async passFile(handler: LineHandler): Promise<boolean> {
    let any = false;
    if (!this.started) {
      this.started = true;
      if (this.format === 'syslog') for (const p of this.syslogRotations()) any = (await this.readWhole(p, handler)) || any;
    }
    any = (await this.followCurrent(this.logPath, handler)) || any;
    return any;
  }

  /** The file written to now: keep it open; notice when the name points to a new file or the file shrank. */
  private async followCurrent(p: string, handler: LineHandler): Promise<boolean> {
    let any = false;
    if (this.current) {
      const seg = this.segments[this.current.seg];
      let now: FileIdentity | null = null;
      try {
        now = identityOf(this.sysroot, p);
      } catch {
        now = null;
      }
      if (!sameFile(now, seg.identity)) {
        // Renamed away (logrotate, or multilog between our two looks) or removed: finish it, then take the new one.
        const cur = this.current;
        this.current = null;
        any = (await this.readOpen(cur.seg, cur.file, handler, true)) || any;
        seg.final = true;
        cur.file.close();
      } else if (this.current.file.identity().size < seg.read) {
        this.note(seg.path, `truncated while read (was ${seg.read} bytes, now ${this.current.file.identity().size}): read again from its start`);
        const cur = this.current;
        this.current = null;
        seg.final = true;
        cur.file.close();
      }
    }
    if (!this.current) {
      let file: PositionalFile | null = null;
      try {
        file = openPositional(this.sysroot, p);
      } catch (e) {
        this.note(p, e instanceof FsError ? e.message : String(e));
        return any;
      }
      if (!file) return any;
      const head = Buffer.alloc(2);
      file.read(head, 0, 2, 0);
      if (isGzip(head)) {
        file.close();
        return (await this.readWhole(p, handler)) || any;
      }
      this.segments.push({ path: p, gzip: false, identity: file.identity(), read: 0, lines: 0, final: false });
      this.current = { seg: this.segments.length - 1, file };
    }
    const cur = this.current;
    return (await this.readOpen(cur.seg, cur.file, handler, !this.opts.holdPartial)) || any;
  }

  /** A file read once, start to end (rotated: it will not grow). */
  private async readWhole(p: string, handler: LineHandler): Promise<boolean> {
    let file: PositionalFile | null;
    try {
      file = openPositional(this.sysroot, p);
    } catch (e) {
      this.note(p, e instanceof FsError ? e.message : String(e));
      return false;
    }
    if (!file) return false;
    try {
      const head = Buffer.alloc(2);
      file.read(head, 0, 2, 0);
      const gzip = isGzip(head);
      this.segments.push({ path: p, gzip, identity: file.identity(), read: 0, lines: 0, final: true });
      const idx = this.segments.length - 1;
      if (gzip) return await this.readGzip(idx, file, handler);
      return await this.readOpen(idx, file, handler, true);
    } catch (e) {
      this.note(p, e instanceof FsError ? e.message : String(e));
      return false;
    } finally {
      file.close();
    }
  }

  /** Read from seg.read to the end of the open file; a last line without newline is handed over cut when `flushPartial`. */
  private async readOpen(idx: number, file: PositionalFile, handler: LineHandler, flushPartial: boolean): Promise<boolean> {
    const seg = this.segments[idx];
    let buf = Buffer.allocUnsafe(this.chunk);
    let any = false;
    const every = this.opts.yieldBytes ?? 64 << 20;
    let yieldAt = seg.read + every;
    for (;;) {
      const n = file.read(buf, 0, buf.length, seg.read);
      if (n === 0) break;
      any = true;
      let start = 0;
      for (;;) {
        const nl = buf.indexOf(10, start);
        if (nl < 0 || nl >= n) break;
        seg.lines++;
        handler(buf, start, nl, positionOf(idx, seg.read + start), seg.lines, idx, false);
        start = nl + 1;
      }
      if (start === 0 && n === buf.length) {
        // One line longer than the buffer: read it again with room for it.
        buf = Buffer.allocUnsafe(buf.length * 2);
        continue;
      }
      seg.read += start;
      this.opts.onChunk?.(seg.path, seg.read);
      if (start < n && n < buf.length) {
        // The end of the file for now, in the middle of a line.
        if (flushPartial) {
          seg.lines++;
          handler(buf, start, n, positionOf(idx, seg.read), seg.lines, idx, true);
          seg.read += n - start;
        }
        break;
      }
      if (seg.read >= yieldAt) {
        // Let a worker's message port or a TUI breathe on a huge file.
        yieldAt = seg.read + every;
        await new Promise<void>((r) => setImmediate(r));
      }
    }
    return any;
  }

  private async readGzip(idx: number, file: PositionalFile, handler: LineHandler): Promise<boolean> {
    const seg = this.segments[idx];
    const gunzip = zlib.createGunzip();
    const src = Readable.from(fileChunks(file, this.chunk));
    let carry: Buffer | null = null;
    let any = false;
    try {
      for await (const piece of src.pipe(gunzip) as AsyncIterable<Buffer>) {
        any = true;
        const buf: Buffer = carry ? Buffer.concat([carry, piece]) : piece;
        let start = 0;
        for (;;) {
          const nl = buf.indexOf(10, start);
          if (nl < 0) break;
          seg.lines++;
          handler(buf, start, nl, positionOf(idx, seg.read + start), seg.lines, idx, false);
          start = nl + 1;
        }
        seg.read += start;
        carry = start < buf.length ? Buffer.from(buf.subarray(start)) : null;
      }
    } catch (e) {
      this.note(seg.path, `gzip: ${(e as Error).message} (read up to there)`);
    }
    if (carry && carry.length > 0) {
      seg.lines++;
      handler(carry, 0, carry.length, positionOf(idx, seg.read), seg.lines, idx, true);
      seg.read += carry.length;
    }
    return any;
  }

  /** The decompressed bytes of the last gzip segment a story read (stories read a few lines of it). */
  private gzCache: { segment: number; bytes: Buffer } | null = null;

  /**
   * lineAt without waiting (a TUI detail, a benchmark): positional for a
   * plain file; a gzip segment is decompressed whole once (rotated syslog
   * files are small) and kept for the next line of the same story.
   */
  lineAtSync(pos: number, max = 64 * 1024): Buffer | null {
    const { segment, offset } = splitPosition(pos);
    const seg = this.segments[segment];
    if (!seg) return null;
    if (this.current && this.current.seg === segment) return lineFrom(this.current.file, offset, max);
    let file: PositionalFile | null;
    try {
      file = openPositional(this.sysroot, seg.path);
    } catch {
      return null;
    }
    if (!file) return null;
    try {
      if (!sameFile(file.identity(), seg.identity)) return null;
      if (!seg.gzip) return lineFrom(file, offset, max);
      if (this.gzCache?.segment !== segment) {
        const size = file.identity().size;
        const raw = Buffer.allocUnsafe(size);
        let n = 0;
        while (n < size) {
          const k = file.read(raw, n, size - n, n);
          if (k === 0) break;
          n += k;
        }
        this.gzCache = { segment, bytes: zlib.gunzipSync(raw.subarray(0, n)) };
      }
      const b = this.gzCache.bytes;
      if (offset >= b.length) return null;
      const nl = b.indexOf(10, offset);
      return Buffer.from(b.subarray(offset, nl < 0 ? Math.min(b.length, offset + max) : Math.min(nl, offset + max)));
    } catch {
      return null;
    } finally {
      file.close();
    }
  }

  close(): void {
    this.current?.file.close();
    this.current = null;
  }
}

function lineFrom(file: PositionalFile, offset: number, max: number): Buffer | null {
  const buf = Buffer.allocUnsafe(Math.min(max, 8192));
  let got = file.read(buf, 0, buf.length, offset);
  if (got === 0) return null;
  let nl = buf.indexOf(10);
  if (nl >= 0 && nl < got) return Buffer.from(buf.subarray(0, nl));
  let big = buf.subarray(0, got);
  while (big.length < max) {
    const more = Buffer.allocUnsafe(Math.min(max - big.length, 65536));
    got = file.read(more, 0, more.length, offset + big.length);
    if (got === 0) break;
    big = Buffer.concat([big, more.subarray(0, got)]);
    nl = big.indexOf(10);
    if (nl >= 0) return big.subarray(0, nl);
  }
  return big;
}

/** A file's bytes from its start, a chunk at a time (for gunzip to stream). */
function* fileChunks(file: PositionalFile, size: number): Generator<Buffer> {
  for (let at = 0; ; ) {
    const b = Buffer.allocUnsafe(size);
    const n = file.read(b, 0, size, at);
    if (n === 0) return;
    at += n;
    yield b.subarray(0, n);
  }
}
