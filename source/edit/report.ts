// Text and JSON forms of a staged change, its impact and its application,
// shared by `qlens edit`, `qlens undo` and the TUI's confirm screen. All
// file content and addresses pass through sanitize before they are printed.
import { sanitize } from '../text/sanitize.js';
import type { Diagnostic } from '../qmail/model-types.js';
import type { ChangeSet, StagedFile } from './stage.js';
import { fmtMode } from './stage.js';
import type { Impact, ImpactChange, SmtpdAnswer, WalkPoint } from './impact.js';
import { SELF_MX_BOUNCE } from './impact.js';
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

/** qmail-smtpd's replies to RCPT TO from another host (qmail-smtpd.c err_nogateway, die_control). */
const SMTPD_TEXT: Record<SmtpdAnswer, string> = {
  accept: 'accepted',
  refuse: "refused: 553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)",
  defer: 'deferred: 421 unable to read controls (#4.3.0)',
};

/** What changes at qmail-smtpd for mail from outside, or null when nothing does. */
export function outsideText(c: ImpactChange): string | null {
  const { before, after } = c.outside;
  if (before === after || before === null || after === null) return null;
  return `from outside: ${before === 'accept' ? 'accepted' : SMTPD_TEXT[before].split(':')[0]} → ${SMTPD_TEXT[after]}`;
}

/** The self-MX bounce the walk after the change leads to, in words. */
export function selfMxText(c: ImpactChange): string | null {
  if (c.selfMx.length === 0) return null;
  const doms = [...new Set(c.selfMx.map((a) => a.slice(a.lastIndexOf('@') + 1)))].join(', ');
  const still = c.outside.after === 'accept' ? 'qmail-smtpd still takes it from outside, and ' : '';
  return `${still}while the MX of ${doms} names this host, qmail-remote bounces: ${SELF_MX_BOUNCE}`;
}

const ANSWER_WORD: Record<SmtpdAnswer, string> = { accept: 'accepted', refuse: 'refused (553)', defer: 'deferred (421)' };

/** The outcomes after the change, short: a copy sent on to the same address by MX is "remote (MX)". */
function afterShort(c: ImpactChange): string {
  if (c.after.length === 1 && c.after[0].kind === 'remote' && c.after[0].target === c.address) return 'remote (MX)';
  return deliveriesText(c.after);
}

/** One changed address, short (the TUI's confirm screen): the answer from outside, the outcomes, the self-MX bounce. */
export function impactChangeShort(c: ImpactChange): string {
  const parts: string[] = [];
  const { before, after } = c.outside;
  if (before !== after && before !== null && after !== null) parts.push(`${after === 'accept' ? 'now accepted' : ANSWER_WORD[after]} from outside`);
  if (c.deliveries) parts.push(`${deliveriesText(c.before)} → ${afterShort(c)}`);
  else if (!parts.length && c.divergedAt) parts.push(`same outcome, another way at ${c.divergedAt.stage} (${c.divergedAt.decision}: ${c.divergedAt.before?.path ?? '-'} → ${c.divergedAt.after?.path ?? '-'})`);
  if (c.selfMx.length) parts.push('own-MX bounce (#5.4.6)');
  return sanitize(`${c.address}${c.channel ? ` (queued, ${c.channel})` : ''}: ${parts.join('; ')}`);
}

/** The headline of the confirm screen: how many traced addresses change, and how. */
export function impactHeadline(impacts: Impact[]): string {
  const traced = impacts.reduce((n, i) => n + i.traced, 0);
  const changed = impacts.reduce((n, i) => n + i.changed.length, 0);
  const parts: string[] = [];
  const deliver = impacts.reduce((n, i) => n + i.deliverDifferently, 0);
  if (deliver) parts.push(`${deliver} deliver${deliver === 1 ? 's' : ''} differently`);
  const refused = impacts.reduce((n, i) => n + i.refusedFromOutside.count, 0);
  if (refused) parts.push(`qmail-smtpd refuses ${refused} from outside (553: ${[...new Set(impacts.flatMap((i) => i.refusedFromOutside.domains))].join(', ')})`);
  const accepted = impacts.reduce((n, i) => n + i.acceptedFromOutside.count, 0);
  if (accepted) parts.push(`qmail-smtpd accepts ${accepted} more from outside`);
  const mx = impacts.reduce((n, i) => n + i.selfMx, 0);
  if (mx) parts.push(`${mx} own-MX bounce${mx === 1 ? '' : 's'} (#5.4.6)`);
  const skipped = impacts.reduce((n, i) => n + i.skipped, 0);
  return sanitize(`Impact: ${changed} of ${traced} traced addresses change${parts.length ? ': ' + parts.join('; ') : ''}${skipped ? ` (${skipped} more not traced)` : ''}`);
}

function pointText(p: WalkPoint | null): string {
  return p ? p.text : '(no such step)';
}

export function impactChangeLines(c: ImpactChange): string[] {
  const lines = [`  ${sanitize(c.address)}${c.channel ? ` (queued, ${c.channel})` : ''}  — ${sanitize(c.why)}`];
  const outside = outsideText(c);
  if (outside) lines.push(`    ${outside}`);
  if (c.deliveries) {
    lines.push(`    before: ${deliveriesText(c.before)}`);
    lines.push(`    after:  ${deliveriesText(c.after)}`);
  } else lines.push(`    delivered as before${c.outside.after === 'refuse' ? ' when it comes from this host (a local injection or a forward)' : ''}: ${deliveriesText(c.after)}`);
  const mx = selfMxText(c);
  // qmail-remote's text is two lines; each is kept whole, as the bounce has it.
  if (mx) mx.split('\n').forEach((l, i) => lines.push(`    ${i === 0 ? '! ' : '  '}${sanitize(l)}`));
  // Where the walks part, unless that is qmail-smtpd's answer, said above.
  if (c.divergedAt && !(c.divergedAt.decision === 'rcpthosts' && outside)) {
    const d = c.divergedAt;
    lines.push(`    parts at hop ${d.hop}, ${d.stage} (${d.decision}): ${sanitize(pointText(d.before))} → ${sanitize(pointText(d.after))}`);
  }
  return lines;
}

/** The impact on one installation in one line: what changes, and how many. */
export function impactSummary(im: Impact): string {
  const n = im.changed.length;
  const parts: string[] = [];
  if (im.deliverDifferently) parts.push(`${im.deliverDifferently} deliver${im.deliverDifferently === 1 ? 's' : ''} differently`);
  const r = im.refusedFromOutside;
  if (r.count) parts.push(`qmail-smtpd now refuses ${r.count} from outside (553; every address at ${r.domains.join(', ')})`);
  const a = im.acceptedFromOutside;
  if (a.count) parts.push(`qmail-smtpd now accepts ${a.count} from outside (at ${a.domains.join(', ')})`);
  if (im.selfMx) parts.push(`${im.selfMx} go${im.selfMx === 1 ? 'es' : ''} to qmail-remote by MX and bounce while the MX names this host (#5.4.6)`);
  const rest = im.changed.filter((c) => !c.deliveries && !outsideText(c)).length;
  if (rest > 0) parts.push(`${rest} take${rest === 1 ? 's' : ''} another way to the same outcome`);
  const what = n === 0 ? 'no walk changes (from qmail-smtpd to the deliveries)' : `${n} walk${n === 1 ? '' : 's'} change: ${parts.join('; ')}`;
  return sanitize(`impact in ${im.instance}: ${im.traced} addresses traced, ${what}${im.skipped ? ` (${im.skipped} more not traced)` : ''}`);
}

export function impactLines(impacts: Impact[] | null): string[] {
  if (impacts === null) return ['impact: not traced'];
  const out: string[] = [];
  for (const im of impacts) {
    out.push(impactSummary(im));
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
