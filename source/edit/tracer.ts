// The walk the impact preview runs: the same tracer as `qlens trace`, with
// every manager followed, and one fixed time for both sides so only the
// staged change can make two walks differ.
import { makeTracer, settle, type Tracer } from '../trace/tracer.js';
import { builtinManagers } from '../trace/managers.js';
import { systemUsersOf, loadInstallation } from '../qmail/installation.js';
import type { Sysroot } from '../sysroot/sysroot.js';
import type { ManagerHandlers } from '../trace/types.js';
import type { TraceFn } from './impact.js';

export interface ImpactTracer {
  /** The walk computeImpact() makes, for either side. */
  trace: TraceFn;
  /**
   * Run a preview (previewImpact over `trace`) until its walks need nothing
   * more: a MySQL-backed vpopmail address asks for its rows, they are
   * fetched, and the preview is made again over them.
   */
  settle<T>(preview: () => T): Promise<T>;
}

/**
 * `handlers`: made for the caller's backends (manager-loader.ts
 * loadHandlers(session)) when it reads vpopmail's database; by default
 * every manager's handler without one (a MySQL build then defers, saying
 * that this view reads no database).
 */
export function impactTracer(instances: string[], opts: { now?: Date; handlers?: ManagerHandlers } = {}): ImpactTracer {
  const now = opts.now ?? new Date();
  const handlers = opts.handlers ?? builtinManagers;
  // One tracer per side (before, after): its installations are loaded once and read lazily.
  const tracers = new Map<Sysroot, Tracer>();
  const tracerOf = (sysroot: Sysroot): Tracer => {
    let t = tracers.get(sysroot);
    if (!t) {
      t = makeTracer({ installs: instances.map((r) => loadInstallation(sysroot, r)), users: systemUsersOf(sysroot), now, handlers });
      tracers.set(sysroot, t);
    }
    return t;
  };
  return {
    trace: (inst, address, o) => tracerOf(inst.sysroot).walk(inst, address, { channel: o.channel }),
    // A preview opens each side afresh (sysroot.reopen()): the tracers of every run are asked.
    settle: (preview) => settle(() => tracers.values(), preview),
  };
}

export function traceForImpact(instances: string[], now = new Date()): TraceFn {
  return impactTracer(instances, { now }).trace;
}
