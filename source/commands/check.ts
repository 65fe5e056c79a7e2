// `qlens check`: lint every installation. One line per problem,
// `PATH:LINE: severity: message`; exit 1 when any problem is an error.
import type { CommandContext } from './context.js';
import { UsageError } from '../cli-args.js';
import { loadInstallation, systemUsersOf } from '../qmail/installation.js';
import { formatDiagnostic, lintInstallations, type LintRule } from '../qmail/lint.js';
import { veilLintRule } from '../veil/index.js';
import { stuckTodoRule } from '../checks/stuck-todo.js';
import { sanitize, shown, toSafeJson } from '../text/sanitize.js';
import { vpopmailDbOption } from './db-option.js';
import type { Diagnostic, Installation } from '../qmail/model-types.js';

export async function run(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length > 0) throw new UsageError(`check takes no arguments (got "${shown(ctx.positionals[0])}")`);
  const users = systemUsersOf(ctx.sysroot);
  const installs = ctx.instances.map((root) => loadInstallation(ctx.sysroot, root));
  // vpopmail over MySQL: its rows are fetched before the (synchronous) lint
  // rules run. Only the vpopmail user's own build header is looked at first,
  // so that a host without it is linted reading its files in the usual order.
  const sql = await import('../db/vpopmail-sql-check.js');
  const override = vpopmailDbOption(ctx.options);
  const sqlRule = async (): Promise<(i: Installation[]) => Diagnostic[]> => {
    const data = await sql.fetchSqlCheckData(installs, users, override);
    const { vpopmailSqlDiagnostics } = await import('../qmail/vpopmail-sql-lint.js');
    return (inst) => vpopmailSqlDiagnostics(data, inst);
  };
  const early = sql.conventionalHomeIsSql(ctx.sysroot, users);
  // A message stuck in todo/ is judged against the clock now.
  const rules: LintRule[] = [veilLintRule, stuckTodoRule(Date.now()), ...(early ? [await sqlRule()] : [])];
  // The file-system layer's own problems (a bad .fsmeta line, a file too large to read whole) are problems too.
  let problems = [...lintInstallations(installs, users, rules), ...ctx.sysroot.takeProblems()];
  // A vpopmail installed elsewhere (its vdelivermail path names another home): checked after the rest.
  if (!early && sql.hasSqlVpopmail(installs, users)) problems = [...problems, ...(await sqlRule())(installs)];
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
