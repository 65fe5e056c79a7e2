// The walk the impact preview runs: the same tracer as `qlens trace`, with
// every manager followed, and one fixed time for both sides so only the
// staged change can make two walks differ.
import { makeTracer, type Tracer } from '../trace/tracer.js';
import { builtinManagers } from '../trace/managers.js';
import { systemUsersOf, loadInstallation } from '../qmail/installation.js';
import type { Sysroot } from '../sysroot/sysroot.js';
import type { TraceFn } from './impact.js';

export function traceForImpact(instances: string[], now = new Date()): TraceFn {
  // One tracer per side (before, after): its installations are loaded once and read lazily.
  const tracers = new Map<Sysroot, Tracer>();
  const tracerOf = (sysroot: Sysroot): Tracer => {
    let t = tracers.get(sysroot);
    if (!t) {
      t = makeTracer({ installs: instances.map((r) => loadInstallation(sysroot, r)), users: systemUsersOf(sysroot), now, handlers: builtinManagers });
      tracers.set(sysroot, t);
    }
    return t;
  };
  return (inst, address, opts) => tracerOf(inst.sysroot).walk(inst, address, { channel: opts.channel });
}
