// The readable face of a trace (design.md §2): outcomes first, each with the
// chain of addresses that led to it, then every hop's steps with the file
// and line that decided them. Everything from outside goes through sanitize().
import { sanitize } from '../text/sanitize.js';
import type { TraceResult, TraceHop, TraceStep } from './types.js';
import { hopsText, traceWarnings, warningCount } from './warnings.js';

const KIND_WIDTH = 8;
const TARGET_WIDTH = 46;

function ancestry(r: TraceResult, hop: number): string[] {
  const out: string[] = [];
  let h: number | null = r.hops[hop]?.parent ?? null;
  while (h !== null && r.hops[h]) {
    out.push(r.hops[h].recipient);
    h = r.hops[h].parent;
  }
  return out;
}

function shownAddress(a: string): string {
  return a === '' ? '<>' : sanitize(a);
}

function hopTitle(h: TraceHop, i: number): string {
  const inst = `  ${sanitize(h.instance)}`;
  if (h.route === 'remote') return `hop ${i}${inst}  remote  ${shownAddress(h.rewritten)}`;
  const local = h.local === null ? shownAddress(h.recipient) : sanitize(h.local);
  const u = h.user;
  const who = u ? `  (user ${sanitize(u.name)} ${u.uid}:${u.gid}, ${u.source}${u.ext !== '' || u.dash !== '' ? `, ext ${JSON.stringify(sanitize(u.ext))}` : ''})` : '';
  const via = h.recipient !== h.rewritten ? `  <- ${shownAddress(h.recipient)}` : '';
  return `hop ${i}${inst}  local  ${local}${who}${via}`;
}

/** Under the outcomes: how many `!` the walk holds, and each once (issue 14 point 7). */
function warningLines(r: TraceResult): string[] {
  const ws = traceWarnings(r);
  if (ws.length === 0) return [];
  return [
    `${warningCount(ws.length)}:`,
    ...ws.map((w) => {
      const where = w.path ? `  [${sanitize(w.path)}${w.line ? ':' + w.line : ''}]` : '';
      return `  ! ${hopsText(w.hops)} ${w.stage}: ${sanitize(w.text)}${where}`;
    }),
  ];
}

function stepLine(s: TraceStep): string {
  const where = s.path ? `  [${sanitize(s.path)}${s.line ? ':' + s.line : ''}]` : '';
  return `  ${(s.warn ? '! ' : '') + s.stage.padEnd(13)} ${sanitize(s.text)}${where}`;
}

export function formatTrace(r: TraceResult): string {
  const lines: string[] = [];
  lines.push(`trace ${shownAddress(r.address)} in ${sanitize(r.instance)}`);
  if (r.deliveries.length === 0) lines.push('(nothing delivered: the message is accepted and dropped)');
  let lastChain = '';
  for (const d of r.deliveries) {
    const target = sanitize(d.target);
    lines.push(`${d.kind.padEnd(KIND_WIDTH)} ${target.padEnd(TARGET_WIDTH)} hop ${d.hop}`);
    const chain = ancestry(r, d.hop);
    const chainText = chain.map(shownAddress).join(' <-- ');
    if (chain.length > 0 && chainText !== lastChain) lines.push(`    <-- ${chainText}`);
    lastChain = chain.length > 0 ? chainText : '';
  }
  lines.push(...warningLines(r));
  lines.push('');
  r.hops.forEach((h, i) => {
    lines.push(hopTitle(h, i));
    for (const s of h.steps) lines.push(stepLine(s));
  });
  if (r.leaks.length > 0) {
    lines.push('');
    for (const l of r.leaks) lines.push(`! veil: ${sanitize(l.text)} (hop ${l.hop})`);
  }
  return lines.join('\n') + '\n';
}

/** Several installations' traces of one address: a side-by-side summary of outcomes, then each trace. */
export function formatSideBySide(results: TraceResult[]): string {
  const lines: string[] = [];
  if (results.length === 0) return '';
  lines.push(`trace ${shownAddress(results[0].address)} in ${results.length} installations`);
  const cols = results.map((r) => ({
    head: sanitize(r.instance),
    rows: r.deliveries.length ? r.deliveries.map((d) => `${d.kind} ${sanitize(d.target)}`) : ['(nothing delivered)'],
  }));
  const width = Math.max(24, ...cols.map((c) => Math.max(c.head.length, ...c.rows.map((x) => x.length))));
  const cap = Math.min(width, Math.floor(78 / results.length) - 2);
  const cell = (s: string) => (s.length > cap ? s.slice(0, cap - 1) + '…' : s.padEnd(cap));
  lines.push(cols.map((c) => cell(c.head)).join('  '));
  const n = Math.max(...cols.map((c) => c.rows.length));
  for (let i = 0; i < n; i++) lines.push(cols.map((c) => cell(c.rows[i] ?? '')).join('  ').trimEnd());
  const same = results.every((r) => JSON.stringify(r.deliveries) === JSON.stringify(results[0].deliveries));
  lines.push(same ? '(the same outcome in every installation)' : '(the installations disagree)');
  const warned = results.map((r) => ({ r, n: traceWarnings(r).length })).filter((x) => x.n > 0);
  if (warned.length > 0) lines.push(`warnings: ${warned.map((x) => `${sanitize(x.r.instance)} ${x.n}`).join(', ')} (each trace below lists them under its outcomes)`);
  lines.push('');
  for (const r of results) lines.push(formatTrace(r));
  return lines.join('\n');
}
