// The backup journal: one directory per apply, written BEFORE the change,
// holding the old files under their system paths and a manifest with the
// hash of every file before and after. Undo restores the newest change not
// yet undone, refusing when a file has changed since; undo is itself a
// journal entry, so nothing qlens writes is ever lost.
import * as path from 'node:path';
import { FsError } from '../sysroot/errors.js';
import { sha256, writablePath, type SysrootWriter, type OwnerMode } from '../sysroot/write.js';
import type { ChangeSet } from './stage.js';

export const DEFAULT_BACKUP_DIR = '/var/backups/qlens';

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

export interface ApplyResult {
  entry: JournalEntry;
  /** Paths actually written (unchanged files are skipped). */
  written: string[];
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

/**
 * Write the change set: check every file, journal the old contents, then
 * replace each file atomically. Throws FsError (CONFLICT, SYMLINK, ESCAPE,
 * OWNER, EROFS) before anything is written when a check fails.
 */
export function applyChangeSet(
  writer: SysrootWriter,
  cs: ChangeSet,
  opts: { backupDir?: string; now?: Date } = {},
): ApplyResult {
  if (!cs.valid) throw new Error('the staged content is invalid; nothing written');
  return applyFiles(writer, cs.files, { ...opts, kind: 'edit', undoes: null });
}

export function applyFiles(
  writer: SysrootWriter,
  files: ApplyFile[],
  opts: { backupDir?: string; now?: Date; kind: 'edit' | 'undo'; undoes: string | null },
): ApplyResult {
  const backupDir = writablePath(opts.backupDir ?? DEFAULT_BACKUP_DIR);
  const now = opts.now ?? new Date();
  // Every check first: a refusal leaves no journal entry and no file behind.
  for (const f of files) {
    if (f.path === backupDir || f.path.startsWith(backupDir + '/')) throw new FsError('EINVAL', f.path, 'inside the backup journal');
    writer.preflight({ path: f.path, content: f.after, expectSha256: f.beforeSha, expectOwner: f.expectOwner });
  }
  writer.mkdirs(backupDir);
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
  for (const f of files) {
    if (f.before === null) continue;
    const p = entryFile(dir, f.path);
    writer.mkdirs(path.posix.dirname(p));
    writer.write({ path: p, content: f.before, expectSha256: null, newMeta: backupMeta });
  }
  const manifestPath = `${dir}/manifest.json`;
  const pending = Buffer.from(JSON.stringify(manifest, null, 2) + '\n');
  writer.write({ path: manifestPath, content: pending, expectSha256: null, newMeta: backupMeta });

  const written: string[] = [];
  for (const f of files) {
    if (f.beforeSha === f.afterSha) continue;
    writer.write({ path: f.path, content: f.after, expectSha256: f.beforeSha, newMeta: f.meta, expectOwner: f.expectOwner });
    written.push(f.path);
  }
  manifest.state = 'applied';
  writer.write({ path: manifestPath, content: Buffer.from(JSON.stringify(manifest, null, 2) + '\n'), expectSha256: sha256(pending), newMeta: backupMeta });
  return { entry: { name, dir, manifest }, written };
}

/** Every entry with a readable manifest, oldest first. Entries without one never changed a file. */
export function listEntries(writer: SysrootWriter, backupDir = DEFAULT_BACKUP_DIR): JournalEntry[] {
  const base = writablePath(backupDir);
  const out: JournalEntry[] = [];
  for (const name of writer.list(base).filter((n) => /^\d{8}T\d{6}Z-\d+$/.test(n)).sort(entryOrder)) {
    const dir = `${base}/${name}`;
    let manifest: Manifest;
    try {
      const buf = writer.current(`${dir}/manifest.json`).content;
      if (buf === null) continue;
      manifest = JSON.parse(buf.toString('utf8')) as Manifest;
    } catch {
      continue;
    }
    if (manifest.qlens !== 1 || !Array.isArray(manifest.files)) continue;
    out.push({ name, dir, manifest });
  }
  return out;
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

/**
 * What undoing an entry would write. Each file must now hold exactly what
 * the entry wrote (or already what it replaced); anything else is a
 * conflict and nothing is written.
 */
export function planUndo(writer: SysrootWriter, entry: JournalEntry): UndoPlan {
  const files: ApplyFile[] = [];
  const alreadyRestored: string[] = [];
  for (const mf of entry.manifest.files) {
    const cur = writer.current(mf.path);
    if (cur.sha256 === mf.before) {
      alreadyRestored.push(mf.path);
      continue;
    }
    if (cur.sha256 !== mf.after) throw new FsError('CONFLICT', mf.path, 'changed since the change being undone');
    let old: Buffer | null = null;
    if (mf.before !== null) {
      old = writer.current(entryFile(entry.dir, mf.path)).content;
      if (sha256(old) !== mf.before) throw new FsError('EIO', entryFile(entry.dir, mf.path), 'backup copy is missing or damaged');
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

/** Restore the newest change; null when there is nothing to undo. */
export function undoNewest(writer: SysrootWriter, opts: { backupDir?: string; now?: Date } = {}): UndoResult | null {
  const target = newestUndoable(listEntries(writer, opts.backupDir));
  if (!target) return null;
  const plan = planUndo(writer, target);
  const result = applyFiles(writer, plan.files, { backupDir: opts.backupDir, now: opts.now, kind: 'undo', undoes: target.name });
  return { undone: target, result, restored: result.written, alreadyRestored: plan.alreadyRestored };
}
