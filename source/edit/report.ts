// Text and JSON forms of a staged change, its impact and its application,
// shared by `qlens edit`, `qlens undo` and the TUI's confirm screen. All
// file content and addresses pass through sanitize before they are printed.
import { sanitize } from '../text/sanitize.js';
import type { Diagnostic } from '../qmail/model-types.js';
import type { ChangeSet, StagedFile } from './stage.js';
import { fmtMode } from './stage.js';
import type { Impact, ImpactChange } from './impact.js';
import type { ActivationStep } from './activation.js';
import type { Delivery } from '../trace/types.js';

export function diagnosticLine(d: Diagnostic): string {
  return sanitize(`${d.path}${d.line !== null ? ':' + d.line : ''}: ${d.severity}: ${d.message}`);
}

export function ownerLine(f: StagedFile, names?: (uid: number) => string | null): string {
  const who = names?.(f.meta.uid);
  const owner = `${who ? sanitize(who) + ' ' : ''}${f.meta.uid}:${f.meta.gid}`;
  return `${f.path}: owner ${owner}, mode ${fmtMode(f.meta.mode)} ${f.metaKept ? 'kept' : '(new file)'}`;
}

function deliveryText(d: Delivery): string {
  return `${d.kind} ${sanitize(d.target)}`;
}

export function deliveriesText(ds: Delivery[]): string {
  return ds.length === 0 ? 'nothing delivered' : ds.map(deliveryText).join('; ');
}

export function impactChangeLines(c: ImpactChange): string[] {
  const lines = [`  ${sanitize(c.address)}${c.channel ? ` (queued, ${c.channel})` : ''}  — ${sanitize(c.why)}`];
  lines.push(`    before: ${deliveriesText(c.before)}`);
  lines.push(`    after:  ${deliveriesText(c.after)}`);
  if (c.divergedAt) {
    const d = c.divergedAt;
    lines.push(`    parts at hop ${d.hop}, ${d.stage}: ${sanitize(d.before ?? '(no step)')} → ${sanitize(d.after ?? '(no step)')}`);
  }
  return lines;
}

export function impactLines(impacts: Impact[] | null): string[] {
  if (impacts === null) return ['impact: not traced'];
  const out: string[] = [];
  for (const im of impacts) {
    const n = im.changed.length;
    out.push(`impact in ${im.instance}: ${im.traced} addresses traced, ${n === 0 ? 'no delivery changes' : `${n} deliver${n === 1 ? 's' : ''} differently`}${im.skipped ? ` (${im.skipped} more not traced)` : ''}`);
    for (const c of im.changed) out.push(...impactChangeLines(c));
  }
  return out;
}

export function activationLines(steps: ActivationStep[]): string[] {
  const out: string[] = [];
  for (const s of steps) {
    out.push(`  ${s.path}: ${s.text}`);
    for (const c of s.commands) out.push(`    $ ${c}`);
  }
  return out;
}

/** The whole preview as text: diagnostics, diffs, owners, impact, what qmail must be told. */
export function changeSetText(cs: ChangeSet, impacts: Impact[] | null): string {
  const out: string[] = [];
  for (const d of cs.diagnostics) out.push(diagnosticLine(d));
  for (const f of cs.files) {
    if (f.role === 'meta') {
      out.push(`${f.path}: records the owner and mode of the new file`);
      continue;
    }
    if (f.diff === '') {
      out.push(`${f.path}: unchanged`);
      continue;
    }
    if (f.role === 'derived') out.push(`${f.path}: compiled as qmail's own tool would (${f.diff.trim()})`);
    else out.push(...sanitize(f.diff, { keepNewlines: true, keepTabs: true }).replace(/\n$/, '').split('\n'));
    out.push(ownerLine(f));
  }
  out.push(...impactLines(impacts));
  const act = activationLines(cs.activation);
  if (act.length) {
    out.push('then:');
    out.push(...act);
  }
  // Paths and words from outside (file names, reasons) too: sanitize is idempotent, so lines already made safe stay as they are.
  return out.map((l) => sanitize(l, { keepTabs: true })).join('\n') + '\n';
}

export function changeSetJson(cs: ChangeSet, impacts: Impact[] | null) {
  return {
    valid: cs.valid,
    diagnostics: cs.diagnostics,
    files: cs.files.map((f) => ({
      path: f.path,
      role: f.role,
      before: f.beforeSha,
      after: f.afterSha,
      uid: f.meta.uid,
      gid: f.meta.gid,
      mode: fmtMode(f.meta.mode),
      kept: f.metaKept,
      diff: f.diff,
    })),
    impact: impacts,
    activation: cs.activation,
  };
}
