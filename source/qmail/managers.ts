// The virtual-domain managers qlens knows, one descriptor each
// (manager-types.ts). Adding one is a descriptor file and one line here;
// everything that deals with managers (the domain matrix, the checks, the
// Dot-qmail tree, the walk and its handler loader) loops over this list.
import type { Diagnostic, Installation, SystemUsers } from './model-types.js';
import type { ManagerDescriptor, ManagerKind } from './manager-types.js';
import { vpopmail } from './vpopmail-manager.js';
import { vmailmgr } from './vmailmgr-manager.js';

export const MANAGERS: readonly ManagerDescriptor[] = [vpopmail, vmailmgr];

/** The manager whose delivery program this program line runs (its words as /bin/sh splits them). */
export function managerOfArgv(argv: readonly string[], managers: readonly ManagerDescriptor[] = MANAGERS): ManagerDescriptor | null {
  return managers.find((m) => m.detect(argv)) ?? null;
}

/** The kind of that manager, or null. */
export function managerOf(argv: readonly string[]): ManagerKind | null {
  return managerOfArgv(argv)?.kind ?? null;
}

export function managerByKind(kind: ManagerKind, managers: readonly ManagerDescriptor[] = MANAGERS): ManagerDescriptor | null {
  return managers.find((m) => m.kind === kind) ?? null;
}

/** A manager's name in words; the kind itself for one qlens does not know. */
export function managerName(kind: ManagerKind): string {
  return managerByKind(kind)?.name ?? kind;
}

/** Every manager trap of these installations (one of qlens check's rule sets), installation by installation. */
export function managerLint(installs: Installation[], users: SystemUsers): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const inst of installs) for (const m of MANAGERS) out.push(...m.lint(inst, users));
  return out;
}
