// The backup journal: one directory per apply, written BEFORE the change,
// holding the old files under their system paths and a manifest with the
// hash of every file before and after. Undo restores the newest change not
// yet undone, refusing when a file has changed since; undo is itself a
// journal entry, so nothing qlens writes is ever lost.
//
// The journal is trusted only as far as no one else can change it: its
// directory must belong to the user running qlens and be writable by no
// one else, every manifest is checked against the schema below, and undo
// restores only files the entry's own apply wrote, whose hashes it
// recorded, and that qlens edits at all. Writers beside one journal take
// its lock around compare-and-rename, so two concurrent applies cannot both
// pass the "unchanged since read" check.
import * as path from 'node:path';
import { FsError } from '../sysroot/errors.js';
import { sha256, writablePath, type SysrootWriter, type TargetReader, type OwnerMode, type HeldLock } from '../sysroot/write.js';
import type { ChangeSet } from './stage.js';

export const DEFAULT_BACKUP_DIR = '/var/backups/qlens';

/** The lock file beside the journal's entries. */
export const LOCK_NAME = '.lock';

export interface ManifestFile {
  path: string;
  before: string | null;
  after: string | null;
  uid: number;
  gid: number;
  mode: number;
  /** Where the old content is kept, relative to the entry directory; null when the file did not exist. */
  backup: string | null;
}

export interface Manifest {
  qlens: 1;
  kind: 'edit' | 'undo';
  /** ISO 8601 UTC. */
  time: string;
  /** 'pending' from before the first file is written until the last one is. */
  state: 'pending' | 'applied';
  /** For an undo: the entry it undoes. */
  undoes: string | null;
  files: ManifestFile[];
}

export interface JournalEntry {
  /** Directory name, e.g. 20261125T193000Z-1. */
  name: string;
  /** System path of the entry directory. */
  dir: string;
  manifest: Manifest;
}

/** An entry whose manifest cannot be trusted: why, in one line. */
export interface BadEntry {
  name: string;
  dir: string;
  reason: string;
}

export interface ApplyResult {
  entry: JournalEntry;
  /** Paths actually written (unchanged files are skipped). */
  written: string[];
  /** Temporary files of a qlens killed mid-write, removed from the directories written to. */
  cleaned: string[];
}

/** The files of an apply: what ChangeSet holds, minus what applying needs no more. */
export interface ApplyFile {
  path: string;
  before: Buffer | null;
  beforeSha: string | null;
  after: Buffer | null;
  afterSha: string | null;
  meta: OwnerMode;
  expectOwner?: { uid: number; home: string };
}

/** Entry directory names: a UTC time and a number. */
const ENTRY_NAME = /^\d{8}T\d{6}Z-\d{1,9}$/;
const HEX64 = /^[0-9a-f]{64}$/;
/** More files than one apply ever writes (an edit, its cdb and .fsmeta): a manifest beyond it is not ours. */
const MAX_FILES = 1000;

function stamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/** Sort key for entry names: time, then the number after it. */
function entryOrder(a: string, b: string): number {
  const [ta, na] = a.split('-');
  const [tb, nb] = b.split('-');
  if (ta !== tb) return ta < tb ? -1 : 1;
  return Number(na) - Number(nb);
}

function entryFile(entryDir: string, sysPath: string): string {
  return entryDir + sysPath;
}

function euid(): number {
  return process.geteuid?.() ?? 0;
}

/**
 * --backup-dir must be a place only root (the user running qlens) can
 * change: not `/` itself, and not inside a user's home, where that user
 * could forge the entries undo trusts. The reason, or null when it is fine.
 */
export function backupDirRefusal(dir: string, homes: Array<{ home: string; user: string }>): string | null {
  let norm: string;
  try {
    norm = writablePath(dir);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  if (norm === '/') return '--backup-dir / is the root directory itself: the journal needs a directory of its own';
  for (const h of homes) {
    if (h.home === '/' || h.home === '') continue;
    if (norm === h.home || norm.startsWith(h.home + '/')) {
      return `--backup-dir ${norm} is inside ${h.home}, the home of ${h.user}, who could forge the journal undo trusts`;
    }
  }
  return null;
}

/**
 * Refuse a journal directory someone else could change: it must be a
 * directory of the user running qlens, writable by no group and no other,
 * and no directory above it (inside the sysroot) may be writable by others
 * without the sticky bit (else the journal could be renamed away and forged).
 * Real owners and modes: what guards qlens' own files is the inode, not .fsmeta.
 */
export function trustJournal(reader: TargetReader, dir: string): void {
  const norm = writablePath(dir);
  const st = reader.hostStat(norm);
  if (!st) return;
  if (!st.isDirectory()) throw new FsError('JOURNAL', norm, `the journal ${norm} is not a directory (refused)`);
  const me = euid();
  if (st.uid !== me) throw new FsError('JOURNAL', norm, `the journal ${norm} belongs to uid ${st.uid}, not to uid ${me} running qlens (refused; chown it or use --backup-dir)`);
  if (st.mode & 0o022) {
    throw new FsError('JOURNAL', norm, `the journal ${norm} is writable by ${st.mode & 0o002 ? 'others' : 'its group'} (mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')}; refused: chmod go-w ${norm})`);
  }
  for (let p = path.posix.dirname(norm); ; p = path.posix.dirname(p)) {
    const ps = reader.hostStat(p);
    if (ps && ps.mode & 0o002 && !(ps.mode & 0o1000)) {
      throw new FsError('JOURNAL', norm, `${p}, above the journal, is writable by others without the sticky bit (refused)`);
    }
    if (p === '/') break;
  }
}

/** An owner check of one file or directory inside the journal: the user running qlens, no one else may write it. */
function ownedByUs(reader: TargetReader, p: string): string | null {
  const st = reader.hostStat(p);
  if (!st) return null;
  if (st.uid !== euid()) return `${p} belongs to uid ${st.uid}, not to the user running qlens`;
  if (st.mode & 0o022) return `${p} is writable by others than its owner`;
  return null;
}

/**
 * The manifest schema: exactly what applyFiles writes. A reason (one line,
 * naming the field) when `x` is not such a manifest.
 */
export function checkManifest(x: unknown, backupDir: string): string | null {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return 'the manifest is not a JSON object';
  const m = x as Record<string, unknown>;
  if (m.qlens !== 1) return '"qlens" is not 1';
  if (m.kind !== 'edit' && m.kind !== 'undo') return '"kind" is neither "edit" nor "undo"';
  if (typeof m.time !== 'string' || m.time.length > 40 || Number.isNaN(Date.parse(m.time))) return '"time" is not an ISO 8601 time';
  if (m.state !== 'pending' && m.state !== 'applied') return '"state" is neither "pending" nor "applied"';
  if (m.kind === 'edit' ? m.undoes !== null : typeof m.undoes !== 'string' || !ENTRY_NAME.test(m.undoes)) {
    return m.kind === 'edit' ? '"undoes" of an edit is not null' : '"undoes" does not name a journal entry';
  }
  if (!Array.isArray(m.files)) return '"files" is not an array';
  // An undo of a change already put back by hand writes nothing and lists no file; an edit always lists one.
  const least = m.kind === 'edit' ? 1 : 0;
  if (m.files.length < least || m.files.length > MAX_FILES) return `"files" holds ${m.files.length} entries (${least} to ${MAX_FILES} expected)`;
  const seen = new Set<string>();
  for (let i = 0; i < m.files.length; i++) {
    const why = checkFile(m.files[i], backupDir);
    if (why) return `files[${i}]: ${why}`;
    const p = (m.files[i] as ManifestFile).path;
    if (seen.has(p)) return `files[${i}]: "${p}" is named twice`;
    seen.add(p);
  }
  return null;
}

function isId(v: unknown): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 2 ** 32 - 2;
}

function checkFile(x: unknown, backupDir: string): string | null {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return 'not an object';
  const f = x as Record<string, unknown>;
  if (typeof f.path !== 'string') return '"path" is not a string';
  if (f.path.length > 4096) return `"path" is ${f.path.length} characters long`;
  if (f.path.includes('\0')) return '"path" holds a NUL byte';
  let norm: string;
  try {
    norm = writablePath(f.path);
  } catch {
    return '"path" is not an absolute path inside the sysroot';
  }
  if (norm !== f.path) return '"path" is not written as qlens writes paths';
  if (norm === backupDir || norm.startsWith(backupDir + '/')) return '"path" lies inside the journal';
  for (const k of ['before', 'after'] as const) if (f[k] !== null && !(typeof f[k] === 'string' && HEX64.test(f[k] as string))) return `"${k}" is neither null nor a sha256`;
  if (!isId(f.uid) || !isId(f.gid)) return '"uid" or "gid" is not a user or group id';
  if (typeof f.mode !== 'number' || !Number.isInteger(f.mode) || f.mode < 0 || f.mode > 0o7777) return '"mode" is not a file mode';
  const want = f.before === null ? null : norm.slice(1);
  if (f.backup !== want) return want === null ? '"backup" names a copy of a file that did not exist' : '"backup" is not the file\'s own copy';
  return null;
}

/**
 * Write the change set: check every file, journal the old contents, then
 * replace each file atomically. Throws FsError (CONFLICT, SYMLINK, ESCAPE,
 * OWNER, JOURNAL, LOCKED, or the errno of a failed write) when it cannot;
 * then nothing is changed and no entry is left behind (only a write that
 * failed after others had been made and could not be rolled back leaves
 * its entry, pending, for undo).
 */
export function applyChangeSet(
  writer: SysrootWriter,
  cs: ChangeSet,
  opts: { backupDir?: string; now?: Date } = {},
): ApplyResult {
  if (!cs.valid) throw new Error('the staged content is invalid; nothing written');
  return applyFiles(writer, cs.files, { ...opts, kind: 'edit', undoes: null });
}

/**
 * Create the journal directory if need be, check it can be trusted, and take
 * its lock. Releasing the lock also removes the directories made here when
 * they stayed empty (an apply that failed leaves no journal behind).
 */
function openJournal(writer: SysrootWriter, backupDir: string): HeldLock {
  for (let attempt = 1; ; attempt++) {
    const made = writer.mkdirs(backupDir);
    try {
      trustJournal(writer, backupDir);
      const lock = writer.lock(`${backupDir}/${LOCK_NAME}`);
      return {
        path: lock.path,
        release: () => {
          lock.release();
          writer.removeEmptyDirs(made);
        },
      };
    } catch (e) {
      writer.removeEmptyDirs(made);
      // Another qlens that made the journal directory and failed removed it,
      // empty, between our mkdirs and our lock: make it again.
      if (e instanceof FsError && e.code === 'ENOENT' && attempt < 3) continue;
      throw e;
    }
  }
}

export function applyFiles(
  writer: SysrootWriter,
  files: ApplyFile[],
  opts: { backupDir?: string; now?: Date; kind: 'edit' | 'undo'; undoes: string | null; locked?: boolean },
): ApplyResult {
  const backupDir = writablePath(opts.backupDir ?? DEFAULT_BACKUP_DIR);
  for (const f of files) {
    if (f.path === backupDir || f.path.startsWith(backupDir + '/')) throw new FsError('EINVAL', f.path, 'inside the backup journal');
  }
  // Every check once before the journal is touched, so a refusal leaves not even a journal directory behind;
  // again under the lock, where it counts.
  for (const f of files) writer.preflight({ path: f.path, content: f.after, expectSha256: f.beforeSha, expectOwner: f.expectOwner });
  const lock = opts.locked ? null : openJournal(writer, backupDir);
  try {
    return applyLocked(writer, files, backupDir, opts);
  } finally {
    lock?.release();
  }
}

function applyLocked(writer: SysrootWriter, files: ApplyFile[], backupDir: string, opts: { now?: Date; kind: 'edit' | 'undo'; undoes: string | null }): ApplyResult {
  const now = opts.now ?? new Date();
  const cleaned = [...new Set(files.map((f) => path.posix.dirname(f.path)))].flatMap((d) => writer.cleanStaleTemps(d));
  // Every check first, under the lock (so the hash compared is the one the rename replaces): a
  // refusal leaves no journal entry and no file behind.
  for (const f of files) writer.preflight({ path: f.path, content: f.after, expectSha256: f.beforeSha, expectOwner: f.expectOwner });
  let name = '';
  let dir = '';
  for (let n = 1; ; n++) {
    name = `${stamp(now)}-${n}`;
    dir = `${backupDir}/${name}`;
    if (writer.mkdirExclusive(dir)) break;
  }
  const manifest: Manifest = {
    qlens: 1,
    kind: opts.kind,
    time: now.toISOString(),
    state: 'pending',
    undoes: opts.undoes,
    files: files.map((f) => ({
      path: f.path,
      before: f.beforeSha,
      after: f.afterSha,
      uid: f.meta.uid,
      gid: f.meta.gid,
      mode: f.meta.mode,
      backup: f.before === null ? null : f.path.slice(1),
    })),
  };
  const backupMeta = { uid: 0, gid: 0, mode: 0o600 };
  const manifestPath = `${dir}/manifest.json`;
  const pending = Buffer.from(JSON.stringify(manifest, null, 2) + '\n');
  try {
    for (const f of files) {
      if (f.before === null) continue;
      const p = entryFile(dir, f.path);
      writer.mkdirs(path.posix.dirname(p));
      writer.write({ path: p, content: f.before, expectSha256: null, newMeta: backupMeta });
    }
    writer.write({ path: manifestPath, content: pending, expectSha256: null, newMeta: backupMeta });
  } catch (e) {
    // Nothing of the change was written: the entry goes, so no "pending" entry tells of a write that never happened.
    writer.removeTree(dir);
    throw e;
  }

  const written: string[] = [];
  try {
    for (const f of files) {
      if (f.beforeSha === f.afterSha) continue;
      writer.write({ path: f.path, content: f.after, expectSha256: f.beforeSha, newMeta: f.meta, expectOwner: f.expectOwner });
      written.push(f.path);
    }
  } catch (e) {
    rollBack(writer, files, written, dir, e);
    throw e;
  }
  manifest.state = 'applied';
  writer.write({ path: manifestPath, content: Buffer.from(JSON.stringify(manifest, null, 2) + '\n'), expectSha256: sha256(pending), newMeta: backupMeta });
  return { entry: { name, dir, manifest }, written, cleaned };
}

/**
 * A write failed after `written` were made: put those back (newest first)
 * and drop the entry. If even that fails, the entry stays pending (it tells
 * the truth: files were changed) and the error says undo restores them.
 */
function rollBack(writer: SysrootWriter, files: ApplyFile[], written: string[], dir: string, cause: unknown): void {
  try {
    for (const p of [...written].reverse()) {
      const f = files.find((x) => x.path === p)!;
      writer.write({ path: p, content: f.before, expectSha256: f.afterSha, newMeta: f.meta });
    }
    writer.removeTree(dir);
  } catch {
    if (cause instanceof FsError) {
      Object.defineProperty(cause, 'message', {
        value: `${cause.message}; ${written.join(', ')} had been written already and could not be put back: the journal entry ${dir} keeps them (qlens undo restores them)`,
      });
    }
  }
}

/**
 * Every entry of the journal, oldest first: those with a manifest that
 * passes the schema, and those whose manifest cannot be trusted (with the
 * reason). An entry without a manifest never changed a file and is left out.
 */
export function readJournal(reader: TargetReader, backupDir = DEFAULT_BACKUP_DIR): { entries: JournalEntry[]; bad: BadEntry[] } {
  const base = writablePath(backupDir);
  const entries: JournalEntry[] = [];
  const bad: BadEntry[] = [];
  for (const name of reader.list(base).filter((n) => ENTRY_NAME.test(n)).sort(entryOrder)) {
    const dir = `${base}/${name}`;
    const manifestPath = `${dir}/manifest.json`;
    let buf: Buffer | null;
    try {
      buf = reader.current(manifestPath).content;
    } catch (e) {
      bad.push({ name, dir, reason: e instanceof Error ? e.message : String(e) });
      continue;
    }
    if (buf === null) continue;
    const owner = ownedByUs(reader, dir) ?? ownedByUs(reader, manifestPath);
    if (owner) {
      bad.push({ name, dir, reason: owner });
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(buf.toString('utf8'));
    } catch {
      bad.push({ name, dir, reason: 'manifest.json is not JSON' });
      continue;
    }
    const why = checkManifest(parsed, base);
    if (why) bad.push({ name, dir, reason: `manifest.json: ${why}` });
    else entries.push({ name, dir, manifest: parsed as Manifest });
  }
  return { entries, bad };
}

/** Every entry with a manifest that passes the schema, oldest first. */
export function listEntries(reader: TargetReader, backupDir = DEFAULT_BACKUP_DIR): JournalEntry[] {
  return readJournal(reader, backupDir).entries;
}

/** The newest edit that no completed undo has undone, or null. */
export function newestUndoable(entries: JournalEntry[]): JournalEntry | null {
  const undone = new Set(entries.filter((e) => e.manifest.kind === 'undo' && e.manifest.state === 'applied').map((e) => e.manifest.undoes));
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i];
    if (e.manifest.kind === 'edit' && !undone.has(e.name)) return e;
  }
  return null;
}

export interface UndoPlan {
  entry: JournalEntry;
  files: ApplyFile[];
  /** Files already as they were before the change (a crash mid-apply, or restored by hand). */
  alreadyRestored: string[];
}

/** Which paths undo may write: the files qlens edits (a reason when `path` is not one). */
export type UndoScope = (sysPath: string) => string | null;

/**
 * What undoing an entry would write. Only files the entry's apply wrote
 * (their hash before and after differ) are restored; each must now hold
 * exactly what the entry wrote (or already what it replaced), and its
 * backup copy must have the hash recorded; anything else is a conflict and
 * nothing is written.
 */
export function planUndo(reader: TargetReader, entry: JournalEntry, scope?: UndoScope): UndoPlan {
  const files: ApplyFile[] = [];
  const alreadyRestored: string[] = [];
  for (const mf of entry.manifest.files) {
    if (mf.before === mf.after) continue;
    const outside = scope?.(mf.path);
    if (outside) throw new FsError('JOURNAL', mf.path, `the journal entry ${entry.dir} names ${mf.path}, ${outside} (refused)`);
    const cur = reader.current(mf.path);
    if (cur.sha256 === mf.before) {
      alreadyRestored.push(mf.path);
      continue;
    }
    if (cur.sha256 !== mf.after) throw new FsError('CONFLICT', mf.path, 'changed since the change being undone');
    let old: Buffer | null = null;
    if (mf.before !== null) {
      const copy = entryFile(entry.dir, mf.path);
      try {
        old = reader.current(copy).content;
      } catch (e) {
        throw new FsError('JOURNAL', copy, `the backup copy cannot be used: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (sha256(old) !== mf.before) throw new FsError('EIO', copy, 'backup copy is missing or damaged');
      const owner = ownedByUs(reader, copy);
      if (owner) throw new FsError('JOURNAL', copy, `${owner} (refused)`);
    }
    files.push({
      path: mf.path,
      before: cur.content,
      beforeSha: cur.sha256,
      after: old,
      afterSha: mf.before,
      meta: cur.meta ?? { uid: mf.uid, gid: mf.gid, mode: mf.mode },
    });
  }
  return { entry, files, alreadyRestored };
}

export interface UndoResult {
  undone: JournalEntry;
  result: ApplyResult | null;
  restored: string[];
  alreadyRestored: string[];
}

/**
 * Restore the newest change; null when there is nothing to undo. Refuses
 * (FsError JOURNAL) a journal someone else could have changed, and a
 * journal whose newest entries cannot be trusted: undoing an older change
 * past a forged or damaged one is not something to guess at.
 */
export function undoNewest(writer: SysrootWriter, opts: { backupDir?: string; now?: Date; scope?: UndoScope } = {}): UndoResult | null {
  const backupDir = writablePath(opts.backupDir ?? DEFAULT_BACKUP_DIR);
  if (!writer.hostStat(backupDir)) return null;
  const lock = openJournal(writer, backupDir);
  try {
    const { entries, bad } = readJournal(writer, backupDir);
    const target = newestUndoable(entries);
    const newer = bad.filter((b) => !target || entryOrder(b.name, target.name) > 0);
    if (newer.length > 0) {
      const b = newer[newer.length - 1];
      throw new FsError('JOURNAL', b.dir, `journal entry ${b.name} cannot be trusted: ${b.reason}; undo refused (move the entry away to undo older changes)`);
    }
    if (!target) return null;
    const plan = planUndo(writer, target, opts.scope);
    const result = applyFiles(writer, plan.files, { backupDir, now: opts.now, kind: 'undo', undoes: target.name, locked: true });
    return { undone: target, result, restored: result.written, alreadyRestored: plan.alreadyRestored };
  } finally {
    lock.release();
  }
}
