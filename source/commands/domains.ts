// `qlens domains`: every domain each installation accepts and delivers
// (contract.md "qlens domains --json" and "Rulings: domains").
import type { CommandContext } from './context.js';
import { UsageError } from '../cli-args.js';
import { loadInstallation, systemUsersOf } from '../qmail/installation.js';
import { domainCounts, domainMatrix, domainRowJson, managerInfoText, type DomainMatrix, type DomainRow } from '../qmail/domains.js';
import { sanitize, toSafeJson } from '../text/sanitize.js';
import { vpopmailDbOption } from './db-option.js';

function cell(s: string, width: number): string {
  if (s.length <= width) return s.padEnd(width);
  // Keep the end of a domain (the part that tells): "…ample.com".
  return '…' + s.slice(s.length - width + 1);
}

function shownDomain(r: DomainRow): string {
  return r.domain === '' ? '(catch-all "")' : r.domain;
}

/** What qmail-send does with a plain address at the domain; "exception" is an empty prepend (delivered remotely). */
function delivery(r: DomainRow): string {
  if (r.locals) return r.implicit ? 'local (me)' : 'local';
  if (r.virtual === null) return 'remote';
  if (r.virtual === '') return 'exception';
  return 'virtual';
}

/**
 * The counts over the rows listed below them, as the TUI header counts them
 * ("accepts 4 · delivers 3"): a wildcard (".example.org") or the catch-all
 * is a row too, named apart from the domains.
 */
function countsLine(m: DomainMatrix): string {
  const n = domainCounts(m);
  const patterns = m.domains.filter((r) => r.domain === '' || r.domain.startsWith('.')).map((r) => (r.domain === '' ? '"" catch-all' : sanitize(r.domain)));
  const plural = (k: number, w: string): string => `${k} ${w}${k === 1 ? '' : 's'}`;
  const what = patterns.length ? `${plural(m.domains.length, 'name')} (${plural(n.domains, 'domain')}, ${patterns.length === 1 ? 'a wildcard' : `${patterns.length} wildcards`}: ${patterns.join(', ')})` : plural(n.domains, 'domain');
  const accepted = m.domains.filter((r) => r.rcpthosts).length;
  const delivered = m.domains.filter((r) => r.delivery !== 'remote').length;
  return `${what}, ${accepted} accepted by qmail-smtpd, ${delivered} delivered here`;
}

export function formatDomains(m: DomainMatrix, me: string | null): string {
  const lines: string[] = [];
  lines.push(`${sanitize(m.instance)}  me ${me === null ? '(none)' : sanitize(JSON.stringify(me))}  ${countsLine(m)}`);
  for (const p of m.problems) lines.push(`  ! ${sanitize(p.message)}`);
  if (m.domains.length === 0) lines.push('  (no domains named in locals, rcpthosts, morercpthosts.cdb or virtualdomains)');
  else lines.push(`  ${'DOMAIN'.padEnd(30)} ${'DELIVERY'.padEnd(11)} ${'PREPEND'.padEnd(14)} ${'SMTP'.padEnd(5)} MANAGER`);
  for (const r of m.domains) {
    const prepend = r.virtual === null ? '-' : r.virtual === '' ? '""' : r.virtual;
    const smtp = r.morercpthosts ? 'more' : r.rcpthosts ? 'yes' : 'no';
    lines.push(
      `  ${cell(sanitize(shownDomain(r)), 30)} ${cell(delivery(r), 11)} ${cell(sanitize(prepend), 14)} ${smtp.padEnd(5)} ${r.manager ?? '-'}`.trimEnd(),
    );
    if (r.manager && r.managerInfo) {
      lines.push(`      ${sanitize(managerInfoText(r.manager, r.managerInfo))}`);
      for (const p of r.managerInfo.problems ?? []) lines.push(`      ! ${sanitize(p)}`);
    }
    for (const u of r.users) lines.push(`      user ${sanitize(u.address)} -> ${u.prepend === '' ? '"" (remote)' : sanitize(u.prepend)}  (virtualdomains line ${u.line})`);
    for (const p of r.problems) lines.push(`      ! ${sanitize(p)}`);
  }
  for (const u of m.users) lines.push(`  user ${sanitize(u.address)} -> ${u.prepend === '' ? '"" (remote)' : sanitize(u.prepend)}  (virtualdomains line ${u.line}; its domain is in no list)`);
  return lines.join('\n') + '\n';
}

export async function run(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length > 0) throw new UsageError(`domains takes no arguments (got "${ctx.positionals[0]}")`);
  const users = systemUsersOf(ctx.sysroot);
  const results = ctx.instances.map((root) => {
    const inst = loadInstallation(ctx.sysroot, root);
    return { inst, matrix: domainMatrix(inst, users, { managerInfo: true }) };
  });
  // vpopmail domains whose users are in MySQL: counted in the database (their vpasswd files do not exist).
  const sqlDomains = await import('../db/vpopmail-sql-domains.js');
  const sqlByInst = results.map(({ inst }) => sqlDomains.sqlDomainsOf(inst, users));
  if (sqlByInst.some((m) => m.size > 0)) {
    const { SqlTraceData } = await import('../db/vpopmail-sql-access.js');
    const data = new SqlTraceData(vpopmailDbOption(ctx.options));
    try {
      for (let i = 0; i < results.length; i++) {
        for (const r of results[i].matrix.domains) {
          const d = r.manager === 'vpopmail' ? sqlByInst[i].get(r.domain) : undefined;
          if (d) r.managerInfo = sqlDomains.sqlManagerInfo(await sqlDomains.sqlCounts(data, d), d, r.managerInfo);
        }
      }
    } finally {
      await data.close();
    }
  }
  // Control files that exist but cannot be read leave their domains out of the table: say so, once each.
  const unreadable = results.map(({ inst }) =>
    inst.diagnostics().filter((d) => d.code === 'unreadable').map((d) => `${d.message}: the domains it names are missing from this table`),
  );
  if (ctx.json) {
    ctx.out(
      toSafeJson({
        instances: results.map(({ matrix }) => ({
          instance: matrix.instance,
          domains: matrix.domains.map(domainRowJson),
          problems: [...unreadable[results.findIndex((r) => r.matrix === matrix)], ...matrix.problems.map((p) => p.message)],
          users: matrix.users,
        })),
      }) + '\n',
    );
    return 0;
  }
  for (const list of unreadable) for (const m of list) ctx.err(`qlens: ${sanitize(m)}\n`);
  ctx.out(results.map(({ inst, matrix }) => formatDomains(matrix, inst.me())).join('\n'));
  return 0;
}
