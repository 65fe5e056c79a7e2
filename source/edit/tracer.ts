// The walk the impact preview runs: the same tracer as `qlens trace`, with
// the vpopmail/VMailMgr handlers, and one fixed time for both sides so
// only the staged change can make two walks differ.
import { traceAddress } from '../trace/walk.js';
import { builtinManagers } from '../trace/managers.js';
import { systemUsersOf, loadInstallation } from '../qmail/installation.js';
import type { TraceFn } from './impact.js';

export function traceForImpact(instances: string[], now = new Date()): TraceFn {
  return (inst, address, opts) =>
    traceAddress(inst, systemUsersOf(inst.sysroot), address, {
      channel: opts.channel,
      now,
      managers: builtinManagers,
      others: instances.filter((r) => r !== inst.root).map((r) => loadInstallation(inst.sysroot, r)),
    });
}
