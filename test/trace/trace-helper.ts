// Run the real tracer (with the manager handlers) over a fixture and give
// its deliveries in a form the row tests compare.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Fixture } from '../helpers/fixture.js';
import { Sysroot } from '../../source/sysroot/sysroot.js';
import { loadInstallation, systemUsersOf } from '../../source/qmail/installation.js';
import { traceAddress } from '../../source/trace/walk.js';
import { builtinManagers } from '../../source/trace/managers.js';
import type { TraceOptions, TraceResult } from '../../source/trace/types.js';

export const NOW = new Date('2026-11-25T12:00:00Z');

export function trace(fx: Fixture, address: string, opts: TraceOptions = {}): TraceResult {
  const sysroot = fx.sysroot();
  const inst = loadInstallation(sysroot, '/var/qmail');
  return traceAddress(inst, systemUsersOf(sysroot), address, { managers: builtinManagers, now: NOW, ...opts });
}

/** [kind, target, hop] for every delivery. */
export function dl(r: TraceResult): Array<[string, string, number]> {
  return r.deliveries.map((d) => [d.kind, d.target, d.hop]);
}

/** Kinds only (for bounce/defer/discard, whose targets are words). */
export function dk(r: TraceResult): Array<[string, number]> {
  return r.deliveries.map((d) => [d.kind, d.hop]);
}

export function stepsOf(r: TraceResult, stage: string): string[] {
  return r.hops.flatMap((h) => h.steps.filter((s) => s.stage === stage).map((s) => s.text));
}

/** Host directory of a bundled demo (found from this file upward, so it works from dist/ too). */
export function demoDir(name: string): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const cand = path.join(dir, 'demo', name);
    if (fs.existsSync(path.join(cand, '.fsmeta'))) return cand;
    dir = path.dirname(dir);
  }
  throw new Error(`demo ${name} not found`);
}

/** Trace in a bundled demo sysroot. */
export function traceDemo(name: string, address: string, opts: TraceOptions = {}): TraceResult {
  const sysroot = new Sysroot(demoDir(name));
  const inst = loadInstallation(sysroot, '/var/qmail');
  return traceAddress(inst, systemUsersOf(sysroot), address, { managers: builtinManagers, now: NOW, ...opts });
}
