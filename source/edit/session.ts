// Glue between the file system and the pure edit modules, shared by
// `qlens edit`, `qlens undo` and the TUI's edit flow: build the staging
// environment, the "as it would be" overlay and the impact preview.
import * as path from 'node:path';
import type { Sysroot } from '../sysroot/sysroot.js';
import { TargetReader } from '../sysroot/write.js';
import { OverlaySysroot, type StagedContent } from '../sysroot/overlay.js';
import { loadInstallation, systemUsersOf } from '../qmail/installation.js';
import { loadSystemUsers } from '../qmail/passwd.js';
import { parseAssign } from '../qmail/assign.js';
import { loadStartScripts, type StartScript } from '../qmail/startup.js';
import type { SendService } from './activation.js';
import type { ChangeSet, HomeOwner, StageEnv } from './stage.js';
import { homeOf } from './stage.js';
import { classifyPath, instanceOf } from './file-kind.js';
import { computeImpact, impactAddresses, type Impact, type TraceFn } from './impact.js';

/** Homes and the uid that must own each: passwd users, then users/assign entries. */
export function homeOwners(sysroot: Sysroot, instances: string[]): HomeOwner[] {
  const out: HomeOwner[] = [];
  for (const p of loadSystemUsers(sysroot).passwd()) {
    if (p.home.startsWith('/') && p.home !== '/') out.push({ home: p.home.replace(/\/+$/, ''), uid: p.uid, gid: p.gid, user: p.name });
  }
  for (const inst of instances) {
    let buf: Buffer | null = null;
    try {
      buf = sysroot.read(inst + '/users/assign');
    } catch {
      buf = null;
    }
    for (const e of parseAssign(buf, inst + '/users/assign').entries) {
      const uid = Number(e.uid);
      const gid = Number(e.gid);
      if (!e.home.startsWith('/') || e.home === '/' || !Number.isInteger(uid) || !Number.isInteger(gid)) continue;
      const home = e.home.replace(/\/+$/, '');
      // passwd names the owner first; an assign line for the same home must agree or it is not listed twice.
      if (!out.some((h) => h.home === home)) out.push({ home, uid, gid, user: e.user });
    }
  }
  return out;
}

/** The service (daemontools directory, systemd unit or rc script) whose script starts the installation's qmail-send. */
export function sendServiceOf(sysroot: Sysroot, root: string): SendService | null {
  let scripts: StartScript[];
  try {
    scripts = loadStartScripts(sysroot, root).scripts;
  } catch {
    return null;
  }
  const starting = scripts.filter((s) => s.qmailStart.length > 0);
  // The supervised form first: rc is usually what a run script execs.
  const run = starting.find((s) => s.kind === 'run') ?? scripts.find((s) => s.kind === 'run' && s.execs.some((e) => starting.some((x) => x.path === e.program)));
  if (run) return { kind: 'daemontools', dir: path.posix.dirname(run.path) };
  const unit = starting.find((s) => s.kind === 'systemd');
  if (unit) return { kind: 'systemd', unit: path.posix.basename(unit.path) };
  const rc = starting[0];
  return rc ? { kind: 'rc', script: rc.path } : null;
}

/** What staging reads: the files as a write would find them (links refused), never a writer. */
export function stageEnv(sysroot: Sysroot, instances: string[], reader = new TargetReader(sysroot)): StageEnv {
  const users = loadSystemUsers(sysroot);
  return {
    passwd: (name) => users.byName(name),
    instances,
    isRealRoot: sysroot.isRealRoot,
    current: (p) => reader.current(p),
    ownerOf: (p) => reader.ownerOf(p),
    homes: homeOwners(sysroot, instances),
    services: Object.fromEntries(instances.map((i) => [i, sendServiceOf(sysroot, i)])),
  };
}

/** The sysroot as it would be after the change set. */
export function overlayOf(sysroot: Sysroot, cs: ChangeSet): OverlaySysroot {
  const staged = new Map<string, StagedContent>();
  for (const f of cs.files) staged.set(f.path, { content: f.after, uid: f.meta.uid, gid: f.meta.gid, mode: f.meta.mode });
  return new OverlaySysroot(sysroot.reopen(), staged);
}

/** Trace the derived address set (plus `extra`) before and after; one result per installation touched. */
export function previewImpact(sysroot: Sysroot, instances: string[], cs: ChangeSet, extra: string[], trace: TraceFn): Impact[] {
  const base = sysroot.reopen();
  const over = overlayOf(base, cs);
  const homes = homeOwners(base, instances);
  const touched = new Set<string>();
  const affectedHomes = new Set<string>();
  for (const f of cs.files) {
    if (f.role === 'meta') continue;
    touched.add(instanceOf(f.path, instances) ?? instances[0]);
    const h = homeOf(f.path, homes);
    if (h) affectedHomes.add(h.home);
    else affectedHomes.add(path.posix.dirname(f.path));
  }
  const out: Impact[] = [];
  for (const root of instances.filter((i) => touched.has(i))) {
    const before = loadInstallation(base, root);
    const after = loadInstallation(over, root);
    const staged = cs.files.filter((f) => f.role === 'edit').map((f) => f.path);
    const { addresses, skipped } = impactAddresses([before, after], systemUsersOf(base), [base, over], [...affectedHomes], extra, staged);
    out.push(computeImpact(before, after, addresses, trace, skipped));
  }
  return out;
}

/**
 * The files undo may write: those `qlens edit` could have written (stage.ts
 * refuses the rest as "not a file qlens edits"): a file of a loaded
 * installation, a .qmail file, a file in a home directory, and /.fsmeta,
 * where a new file's owner is recorded. A forged journal entry naming
 * /etc/passwd is refused with the reason.
 */
export function undoScope(sysroot: Sysroot, instances: string[]): (sysPath: string) => string | null {
  const homes = homeOwners(sysroot, instances);
  return (p) => {
    if (p === '/.fsmeta' && !sysroot.isRealRoot) return null;
    const t = classifyPath(p, instances);
    if (t.kind !== 'other' || t.instance !== null || homes.some((h) => p.startsWith(h.home + '/'))) return null;
    return 'not a file qlens edits (not in an installation, not a .qmail file, not in a home)';
  };
}
