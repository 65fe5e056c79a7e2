// What kind of qmail file a system path is, so the edit knows which parser
// validates it, what it derives (users/cdb, morercpthosts.cdb) and what
// qmail must be told afterwards.
import * as path from 'node:path';

export type EditTarget =
  | { kind: 'assign'; instance: string }
  | { kind: 'control'; instance: string; name: string }
  | { kind: 'dotqmail'; instance: string | null }
  | { kind: 'derived'; instance: string; name: 'users/cdb' | 'control/morercpthosts.cdb' }
  | { kind: 'other'; instance: string | null };

/** The installation a system path lies in (longest root first), or null. */
export function instanceOf(sysPath: string, instances: string[]): string | null {
  let best: string | null = null;
  for (const i of instances) {
    if (sysPath.startsWith(i + '/') && (best === null || i.length > best.length)) best = i;
  }
  return best;
}

export function classifyPath(sysPath: string, instances: string[]): EditTarget {
  const inst = instanceOf(sysPath, instances);
  const base = path.posix.basename(sysPath);
  if (inst) {
    const rel = sysPath.slice(inst.length + 1);
    if (rel === 'users/assign') return { kind: 'assign', instance: inst };
    if (rel === 'users/cdb') return { kind: 'derived', instance: inst, name: 'users/cdb' };
    if (rel === 'control/morercpthosts.cdb') return { kind: 'derived', instance: inst, name: 'control/morercpthosts.cdb' };
    if (rel.startsWith('control/') && !rel.slice(8).includes('/')) return { kind: 'control', instance: inst, name: rel.slice(8) };
  }
  if (base === '.qmail' || base.startsWith('.qmail-')) return { kind: 'dotqmail', instance: inst };
  return { kind: 'other', instance: inst };
}

/**
 * Resolve the PATH argument of `qlens edit`: a system path as given, or a
 * path relative to the installation (contract.md "Editing").
 */
export function resolveEditPath(arg: string, instance: string): string {
  return arg.startsWith('/') ? arg : instance.replace(/\/+$/, '') + '/' + arg;
}
