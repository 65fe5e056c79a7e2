// `qlens veil [--json]`: where the loaded installations give each other
// away (contract.md "qlens veil --json"). Text output is grouped by
// severity; every leak shows its evidence as path:line and what hides it.
import type { CommandContext } from './context.js';
import { UsageError } from '../cli-args.js';
import { loadInstallation, systemUsersOf } from '../qmail/installation.js';
import { findLeaks, type Leak, type LeakSeverity } from '../veil/index.js';
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

export async function run(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length > 0) throw new UsageError(`veil takes no arguments (got "${ctx.positionals[0]}")`);
  const installs = ctx.instances.map((root) => loadInstallation(ctx.sysroot, root));
  const users = systemUsersOf(ctx.sysroot);
  const leaks = findLeaks(installs, users, ctx.sysroot);
  if (ctx.json) {
    ctx.out(toSafeJson({ instances: ctx.instances, leaks }) + '\n');
    return 0;
  }
  if (ctx.instances.length < 2) {
    ctx.out(`Only one installation loaded (${sanitize(ctx.instances[0] ?? '')}): there is no other installation for it to give away.\n`);
    return 0;
  }
  // Bold headings only on a terminal: piped into less or a file the text stays plain.
  ctx.out(formatLeaksText(ctx.instances, leaks, ctx.color && process.stdout.isTTY === true));
  return 0;
}
