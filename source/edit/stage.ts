// Staged changes: the new content of one or more files, checked and
// completed before anything is written. Staging adds what qmail's own tools
// would write alongside (users/cdb from users/assign as qmail-newu does,
// morercpthosts.cdb as qmail-newmrh does), the .fsmeta line that records a
// new file's owner in a sysroot, the owner and mode each file keeps, the
// diff, the diagnostics and the activation plan. No file is touched here.
import * as path from 'node:path';
import type { Diagnostic, PasswdEntry } from '../qmail/model-types.js';
import { decodeBytes, normalizeSystemPath } from '../sysroot/sysroot.js';
import { FsError } from '../sysroot/errors.js';
import { formatFsmetaLine, parseFsmeta } from '../sysroot/fsmeta.js';
import { sha256, writablePath, type FileState, type OwnerMode } from '../sysroot/write.js';
import { compileUsersCdb, compileMoreRcptHostsCdb } from '../qmail/assign.js';
import { classifyPath, type EditTarget } from './file-kind.js';
import { validateContent, hasErrors } from './validate.js';
import { activationFor, type ActivationStep, type SendService } from './activation.js';
import { unifiedDiff } from './diff.js';

export interface EditRequest {
  /** System path. */
  path: string;
  content: Buffer;
  /** The hash the caller read the file with (the TUI), or --expect-sha256; refused when the disk differs. */
  expectSha256?: string | null;
}

export interface HomeOwner {
  home: string;
  uid: number;
  gid: number;
  /** Who names this home: a passwd user or a users/assign entry. */
  user: string;
}

export interface StageEnv {
  instances: string[];
  /** On `/` owners are set with chown; elsewhere a new file's owner goes to .fsmeta. */
  isRealRoot: boolean;
  /** The file as it is now (the writer's view: links refused). */
  current: (sysPath: string) => FileState;
  /** Owner and mode of a directory (or file) as qmail sees them; null when absent. */
  ownerOf: (sysPath: string) => OwnerMode | null;
  /** Homes with the uid that must own them (passwd and users/assign). */
  homes: HomeOwner[];
  /** The time of the edit (for .fsmeta modification times); default now. */
  now?: Date;
  /** How each installation's qmail-send is supervised (for the commands of the activation plan). */
  services?: Record<string, SendService | null>;
  /** The passwd user of a name (users/assign entries are checked against it). */
  passwd?: (name: string) => PasswdEntry | null;
}

export type FileRole = 'edit' | 'derived' | 'meta';

export interface StagedFile {
  path: string;
  role: FileRole;
  target: EditTarget;
  before: Buffer | null;
  beforeSha: string | null;
  after: Buffer | null;
  afterSha: string | null;
  /** Owner and mode the file keeps (or gets, when new). */
  meta: OwnerMode;
  metaKept: boolean;
  expectOwner?: { uid: number; home: string };
  /** diff -u text; for binary (cdb) files a one-line summary. */
  diff: string;
}

export interface ChangeSet {
  files: StagedFile[];
  diagnostics: Diagnostic[];
  activation: ActivationStep[];
  /** False when any diagnostic is an error: such a change set is never applied. */
  valid: boolean;
}

/** The home a path lies in (longest match), if any. */
export function homeOf(sysPath: string, homes: HomeOwner[]): HomeOwner | null {
  let best: HomeOwner | null = null;
  for (const h of homes) {
    if (h.home === '/' || !sysPath.startsWith(h.home + '/')) continue;
    if (!best || h.home.length > best.home.length) best = h;
  }
  return best;
}

function binarySummary(before: Buffer | null, after: Buffer | null): string {
  if (before && after && before.equals(after)) return '';
  return `binary file: ${before ? before.length + ' bytes' : 'absent'} -> ${after ? after.length + ' bytes' : 'absent'}\n`;
}

export function fmtMode(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

export function stageEdits(requests: EditRequest[], env: StageEnv): ChangeSet {
  const diagnostics: Diagnostic[] = [];
  const files: StagedFile[] = [];
  const byPath = new Map<string, StagedFile>();
  const newFileLines: string[] = [];

  const add = (p: string, role: FileRole, target: EditTarget, after: Buffer | null, expect?: string | null): StagedFile => {
    const state = env.current(p);
    if (expect !== undefined && expect !== state.sha256) throw new FsError('CONFLICT', state.path);
    // Only a user's own files are checked against the home's owner; files of an
    // installation belong to root whatever home (qmaild's /var/qmail) they lie in.
    const home = target.kind === 'dotqmail' || target.instance === null ? homeOf(state.path, env.homes) : null;
    let meta: OwnerMode;
    let kept = true;
    if (state.meta && state.content !== null) meta = state.meta;
    else {
      kept = false;
      // A new file belongs to whoever owns its directory (the user in a home), mode 0644.
      const owner = env.ownerOf(path.posix.dirname(state.path)) ?? { uid: 0, gid: 0 };
      meta = { uid: owner.uid, gid: owner.gid, mode: 0o644 };
    }
    const binary = target.kind === 'derived';
    const f: StagedFile = {
      path: state.path,
      role,
      target,
      before: state.content,
      beforeSha: state.sha256,
      after,
      afterSha: sha256(after),
      meta,
      metaKept: kept,
      expectOwner: home ? { uid: home.uid, home: home.home } : undefined,
      diff: binary
        ? binarySummary(state.content, after)
        : unifiedDiff(state.content === null ? null : decodeBytes(state.content), after === null ? null : decodeBytes(after), state.path),
    };
    const prev = byPath.get(f.path);
    if (prev) {
      // A second edit of the same file replaces the first; the "before" stays what was read first.
      Object.assign(prev, { after: f.after, afterSha: f.afterSha, diff: binary ? binarySummary(prev.before, after) : unifiedDiff(prev.before === null ? null : decodeBytes(prev.before), after === null ? null : decodeBytes(after), prev.path) });
      return prev;
    }
    byPath.set(f.path, f);
    files.push(f);
    if (state.content === null && after !== null && !env.isRealRoot) {
      newFileLines.push(formatFsmetaLine({ mode: meta.mode, uid: meta.uid, gid: meta.gid, path: f.path }));
    }
    return f;
  };

  // Other files as they would be: this change set's content first, else the disk.
  const staged = new Map<string, Buffer>();
  for (const req of requests) staged.set(writablePath(req.path), req.content);
  const read = (sysPath: string): Buffer | null => {
    const st = staged.get(sysPath);
    if (st !== undefined) return st;
    try {
      return env.current(sysPath).content;
    } catch {
      return null;
    }
  };

  for (const req of requests) {
    const p = writablePath(req.path);
    const target = classifyPath(p, env.instances);
    const f = add(p, 'edit', target, req.content, req.expectSha256);
    diagnostics.push(...validateContent(target, p, req.content, { before: f.before, read, passwd: env.passwd }));
    if (target.kind === 'other' && target.instance === null && !homeOf(p, env.homes)) {
      diagnostics.push({ path: p, line: null, severity: 'error', code: 'edit-not-qmail', message: 'not a file qlens edits: only files of a qmail installation, .qmail files and files in a home directory' });
    }
    if (f.meta.mode & 0o002) {
      diagnostics.push({
        path: f.path,
        line: null,
        severity: 'warning',
        code: 'mode-world-writable',
        message:
          target.kind === 'dotqmail'
            ? `mode ${fmtMode(f.meta.mode)} is kept and is world-writable: qmail-local defers every delivery through this file`
            : `mode ${fmtMode(f.meta.mode)} is kept and is world-writable: anyone on the host can change this file`,
      });
    }
  }

  // What qmail's tools would compile from the edited sources.
  if (!hasErrors(diagnostics)) {
    for (const f of [...files]) {
      if (f.role !== 'edit' || f.after === null) continue;
      if (f.target.kind === 'assign') {
        const cdbPath = f.target.instance + '/users/cdb';
        add(cdbPath, 'derived', classifyPath(cdbPath, env.instances), compileUsersCdb(f.after, f.path));
      } else if (f.target.kind === 'control' && f.target.name === 'morercpthosts') {
        const cdbPath = f.target.instance + '/control/morercpthosts.cdb';
        add(cdbPath, 'derived', classifyPath(cdbPath, env.instances), compileMoreRcptHostsCdb(f.after));
      }
    }
  }

  // In a sysroot, .fsmeta stands for what a checkout cannot keep: a new
  // file's owner and mode, and the modification time of a file whose line
  // gives one (a stale-users/cdb check compares them), now the time of this edit.
  if (!env.isRealRoot) {
    const cur = env.current('/.fsmeta');
    const before = cur.content ? decodeBytes(cur.content) : '';
    const lines = before.split('\n');
    const changed = new Set(files.filter((f) => f.role !== 'meta' && f.beforeSha !== f.afterSha && f.after !== null).map((f) => f.path));
    const stamp = Math.floor((env.now ?? new Date()).getTime() / 1000) * 1000;
    for (const e of parseFsmeta(before).entries) {
      if (e.mtimeMs !== undefined && changed.has(normalizeSystemPath(e.path))) lines[e.line - 1] = formatFsmetaLine({ ...e, mtimeMs: stamp });
    }
    let text = lines.join('\n');
    if (newFileLines.length > 0) {
      if (text !== '' && !text.endsWith('\n')) text += '\n';
      text += newFileLines.join('\n') + '\n';
    }
    if (text !== before) add('/.fsmeta', 'meta', { kind: 'other', instance: null }, Buffer.from(text, 'utf8'));
  }

  const activation = files.filter((f) => f.role === 'edit' && !(f.before && f.after && f.before.equals(f.after))).map((f) => activationFor(f.target, f.path, env.services));
  return { files, diagnostics, activation, valid: !hasErrors(diagnostics) };
}

/** True when applying would change nothing on disk. */
export function isNoop(cs: ChangeSet): boolean {
  return cs.files.every((f) => f.beforeSha === f.afterSha);
}
