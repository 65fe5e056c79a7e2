// `qlens check`: lint every installation. One line per problem,
// `PATH:LINE: severity: message`; exit 1 when any problem is an error.
import type { CommandContext } from './context.js';
import { UsageError } from '../cli-args.js';
import { loadInstallation, systemUsersOf } from '../qmail/installation.js';
import { formatDiagnostic, lintInstallations, registerLintRules } from '../qmail/lint.js';
import { veilLintRule } from '../veil/index.js';
import { sanitize, shown, toSafeJson } from '../text/sanitize.js';

export async function run(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length > 0) throw new UsageError(`check takes no arguments (got "${shown(ctx.positionals[0])}")`);
  const users = systemUsersOf(ctx.sysroot);
  const installs = ctx.instances.map((root) => loadInstallation(ctx.sysroot, root));
  registerLintRules(veilLintRule);
  // The file-system layer's own problems (a bad .fsmeta line, a file too large to read whole) are problems too.
  const problems = [...lintInstallations(installs, users), ...ctx.sysroot.takeProblems()];
  const errors = problems.filter((p) => p.severity === 'error').length;
  if (ctx.json) {
    ctx.out(
      toSafeJson({
        problems: problems.map((p) => ({ path: p.path, line: p.line, severity: p.severity, code: p.code, message: p.message })),
      }) + '\n',
    );
  } else {
    for (const p of problems) ctx.out(sanitize(formatDiagnostic(p)) + '\n');
    const warnings = problems.filter((p) => p.severity === 'warning').length;
    ctx.err(`${sanitize(installs.map((i) => i.root).join(', '))}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}, ${problems.length - errors - warnings} note${problems.length - errors - warnings === 1 ? '' : 's'}\n`);
  }
  return errors > 0 ? 1 : 0;
}
