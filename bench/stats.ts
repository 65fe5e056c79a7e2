import * as fs from 'node:fs';

// Order statistics for benchmark samples. Medians, not means: a shared
// 2-core machine throws the odd run far out, and one outlier must not move
// the figure we track.

export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return NaN;
  const s = [...samples].sort((a, b) => a - b);
  // Nearest rank: p99 of 10,000 samples is the 9,900th smallest.
  const rank = Math.min(s.length, Math.max(1, Math.ceil(q * s.length)));
  return s[rank - 1];
}

export function median(samples: readonly number[]): number {
  if (samples.length === 0) return NaN;
  const s = [...samples].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** The peak RSS (kB) /usr/bin/time -f %M wrote to `file` (its last line: GNU time writes "Command exited with non-zero status N" first); null when there is none. */
export function readPeakRss(file: string): number | null {
  try {
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    const n = Number(lines[lines.length - 1]);
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}
