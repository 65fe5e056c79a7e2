// The walk the impact preview runs, loaded on demand so a one-shot edit
// without impact work never pays for it.
import type { TraceFn } from './impact.js';

const WALK = '../trace/walk.js';

export async function traceForImpact(): Promise<TraceFn | null> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(WALK)) as Record<string, unknown>;
  } catch {
    return null;
  }
  const walk = mod.walk as ((...a: unknown[]) => unknown) | undefined;
  if (typeof walk !== 'function') return null;
  return ((inst, address, opts) => walk(inst, address, opts)) as TraceFn;
}
