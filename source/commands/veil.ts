// `qlens veil [--json]`: where the loaded installations give each other
// away (contract.md "qlens veil --json"). Text output is grouped by
// severity; every leak shows its evidence as path:line and what hides it.
import type { CommandContext } from './context.js';
import { UsageError } from '../cli-args.js';
import { loadInstallation, systemUsersOf } from '../qmail/installation.js';
import { findVeil, type BinaryEntry, type Leak, type LeakSeverity } from '../veil/index.js';
import { sanitize, toSafeJson } from '../text/sanitize.js';

const WIDTH = 78;

const HEADINGS: Record<LeakSeverity, string> = {
  high: 'HIGH — conclusive to an outsider, or mail crosses mailboxes',
  medium: 'MEDIUM — strong correlation, or needs local access',
  low: 'LOW — weak fingerprint',
  info: 'INFO — inherent to one host; shown so you know',
};

/** Greedy word wrap; long words (paths) stay whole. */
export function wrap(text: string, indent: string, width = WIDTH): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      out.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(indent + line);
  return out;
}

function evidenceLine(e: Leak['evidence'][number]): string {
  const where = e.line === null ? e.path : `${e.path}:${e.line}`;
  return `      ${sanitize(where)}  ${sanitize(e.text)}`;
}

export function formatLeaksText(instances: string[], leaks: Leak[], color: boolean): string {
  const bold = (s: string): string => (color ? `\x1b[1m${s}\x1b[22m` : s);
  const counts = (['high', 'medium', 'low', 'info'] as LeakSeverity[]).map((s) => [s, leaks.filter((l) => l.severity === s).length] as const);
  const lines: string[] = [];
  lines.push(...wrap(`${instances.length} installations: ${instances.map((i) => sanitize(i)).join(', ')}`, ''));
  lines.push(`${leaks.length} leak${leaks.length === 1 ? '' : 's'}: ${counts.map(([s, n]) => `${n} ${s}`).join(', ')}`);
  for (const [sev, n] of counts) {
    if (n === 0) continue;
    lines.push('', bold(HEADINGS[sev]));
    for (const l of leaks.filter((x) => x.severity === sev)) {
      lines.push('', `  ${bold(`${l.id} ${l.kind}`)}  [${l.instances.map((i) => sanitize(i)).join(', ')}]`);
      lines.push(...wrap(sanitize(l.explanation), '    '));
      if (l.evidence.length) {
        lines.push('    evidence:');
        for (const e of l.evidence) lines.push(evidenceLine(e));
      }
      lines.push(...wrap(`fix: ${sanitize(l.fix)}`, '    '));
    }
  }
  return lines.join('\n') + '\n';
}

/** One line per installation: which homes its programs carry (binaries.ts), or that it has none to read. */
export function formatBinariesText(instances: string[], binaries: BinaryEntry[]): string {
  const lines = ['', 'Programs (the home compiled into each, read from its bytes):'];
  for (const root of instances) {
    const mine = binaries.filter((b) => b.instance === root);
    if (!mine.length) {
      lines.push(`  ${sanitize(root)}: no programs in ${sanitize(root)}/bin`);
      continue;
    }
    const by = new Map<string, number>();
    for (const b of mine) if (b.home !== null) by.set(b.home, (by.get(b.home) ?? 0) + 1);
    const none = mine.filter((b) => b.home === null).length;
    const parts = [...by].sort((a, b) => b[1] - a[1]).map(([h, n]) => `${n} built for ${sanitize(h)}${h === root ? '' : ' (not this one)'}`);
    if (none) parts.push(`${none} without a home to read`);
    lines.push(...wrap(`${sanitize(root)}: ${mine.length} program${mine.length === 1 ? '' : 's'}, ${parts.join(', ')}`, '  '));
  }
  return lines.join('\n') + '\n';
}

export async function run(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length > 0) throw new UsageError(`veil takes no arguments (got "${ctx.positionals[0]}")`);
  const installs = ctx.instances.map((root) => loadInstallation(ctx.sysroot, root));
  const users = systemUsersOf(ctx.sysroot);
  const { leaks, binaries } = findVeil(installs, users, ctx.sysroot);
  if (ctx.json) {
    ctx.out(toSafeJson({ instances: ctx.instances, leaks, binaries }) + '\n');
    return 0;
  }
  // Bold headings only on a terminal: piped into less or a file the text stays plain.
  const color = ctx.color && process.stdout.isTTY === true;
  if (ctx.instances.length < 2) {
    ctx.out(`Only one installation loaded (${sanitize(ctx.instances[0] ?? '')}): there is no other installation for it to give away.\n`);
    // Programs built for another home break its mail all the same.
    if (leaks.length) ctx.out('\n' + formatLeaksText(ctx.instances, leaks, color));
  } else ctx.out(formatLeaksText(ctx.instances, leaks, color));
  ctx.out(formatBinariesText(ctx.instances, binaries));
  return 0;
}
