// The warnings of a walk gathered for the top of its summary (issue 14
// point 7): an admin reads the outcomes first and must not have to scroll
// thirty steps to find the self-MX bounce. The same list feeds the text
// output (format.ts) and the TUI's Trace view.
import type { TraceResult, TraceStage } from './types.js';

export interface TraceWarning {
  /** The hops that said it, in walk order (a forward walked twice says it twice). */
  hops: number[];
  /** The step's stage, or 'veil' for a leak between installations. */
  stage: TraceStage | 'veil';
  /** As the walk said it (not yet sanitized). */
  text: string;
  path?: string;
  line?: number;
}

/**
 * Every `!` of the walk, in the order the steps show them: the warned steps
 * hop by hop, then the veil's leaks. The same warning said by several hops
 * (same stage, words, file and line) is one entry naming each hop.
 */
export function traceWarnings(r: TraceResult): TraceWarning[] {
  const out: TraceWarning[] = [];
  const seen = new Map<string, TraceWarning>();
  const add = (hop: number, w: Omit<TraceWarning, 'hops'>): void => {
    const key = JSON.stringify([w.stage, w.text, w.path ?? null, w.line ?? null]);
    const had = seen.get(key);
    if (had) {
      if (!had.hops.includes(hop)) had.hops.push(hop);
      return;
    }
    const entry: TraceWarning = { hops: [hop], ...w };
    seen.set(key, entry);
    out.push(entry);
  };
  r.hops.forEach((h, i) => {
    for (const s of h.steps) if (s.warn) add(i, { stage: s.stage, text: s.text, path: s.path, line: s.line });
  });
  for (const l of r.leaks) add(l.hop, { stage: 'veil', text: l.text });
  return out;
}

/** "1 warning", "3 warnings". */
export function warningCount(n: number): string {
  return `${n} warning${n === 1 ? '' : 's'}`;
}

/** "hop 0", "hops 1, 3". */
export function hopsText(hops: readonly number[]): string {
  return `${hops.length === 1 ? 'hop' : 'hops'} ${hops.join(', ')}`;
}
