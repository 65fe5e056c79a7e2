// The walk the impact preview runs: the same tracer as `qlens trace`, with
// the vpopmail/VMailMgr handlers, and one fixed time for both sides so
// only the staged change can make two walks differ.
import { traceAddress } from '../trace/walk.js';
import { builtinManagers } from '../trace/managers.js';
import { systemUsersOf, loadInstallation } from '../qmail/installation.js';
import type { Installation } from '../qmail/model-types.js';
import type { Sysroot } from '../sysroot/sysroot.js';
import type { TraceFn } from './impact.js';

export function traceForImpact(instances: string[], now = new Date()): TraceFn {
  // The other installations of each side, loaded once (their files are read lazily and cached).
  const others = new Map<Sysroot, Map<string, Installation[]>>();
  const othersOf = (inst: Installation): Installation[] => {
    let bySide = others.get(inst.sysroot);
    if (!bySide) {
      bySide = new Map();
      others.set(inst.sysroot, bySide);
    }
    let list = bySide.get(inst.root);
    if (!list) {
      list = instances.filter((r) => r !== inst.root).map((r) => loadInstallation(inst.sysroot, r));
      bySide.set(inst.root, list);
    }
    return list;
  };
  return (inst, address, opts) =>
    traceAddress(inst, systemUsersOf(inst.sysroot), address, {
      channel: opts.channel,
      now,
      managers: builtinManagers,
      others: othersOf(inst),
    });
}
