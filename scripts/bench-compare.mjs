#!/usr/bin/env node
// Compare two `npm run bench -- --json` results, figure by figure:
//   node scripts/bench-compare.mjs OLD.json NEW.json
// Prints each median (and peak RSS) before and after, with the change. A
// figure that one run measured and the other did not says why.
import { readFileSync } from 'node:fs';

const [oldPath, newPath] = process.argv.slice(2);
if (!oldPath || !newPath) {
  console.error('usage: bench-compare.mjs OLD.json NEW.json');
  process.exit(2);
}
const load = (p) => {
  const text = readFileSync(p, 'utf8').trim().split('\n').pop();
  return JSON.parse(text);
};
const a = load(oldPath);
const b = load(newPath);
if (a.size !== b.size) console.log(`note: sizes differ (${a.size} vs ${b.size})`);
const fmt = (n) => (n == null || Number.isNaN(n) ? '—' : n < 10 ? n.toFixed(3) : n < 1000 ? n.toFixed(1) : n.toFixed(0));
const rows = [['figure', 'old ms', 'new ms', 'change', 'old MB', 'new MB']];
const keys = [...new Set([...Object.keys(a.results ?? {}), ...Object.keys(b.results ?? {})])];
for (const k of keys) {
  const x = a.results?.[k];
  const y = b.results?.[k];
  if (!x?.measured || !y?.measured) {
    rows.push([k, x?.measured ? fmt(x.medianMs) : '—', y?.measured ? fmt(y.medianMs) : '—', (y && !y.measured ? y.reason : x && !x.measured ? x.reason : '').slice(0, 60), '', '']);
    continue;
  }
  const change = x.medianMs > 0 ? `${(((y.medianMs - x.medianMs) / x.medianMs) * 100).toFixed(0)}%` : '';
  rows.push([k, fmt(x.medianMs), fmt(y.medianMs), change, fmt(x.peakRssMb), fmt(y.peakRssMb)]);
}
for (const [k, v] of Object.entries(b.ratios ?? {})) rows.push([`ratio ${k}`, fmt(a.ratios?.[k]), fmt(v), '', '', '']);
const w = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
for (const r of rows) console.log(r.map((c, i) => (i === 0 || i === 3 ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join('  ').trimEnd());
