// What `qlens check` needs from vpopmail's MySQL backend, fetched before the
// (synchronous) lint rules run: for every vpopmail installation built with
// the MySQL auth module, which domains its database knows (MANY_DOMAINS:
// the distinct pw_domain values of table vpopmail; without it: the tables
// of the database, one per domain as vauth_munch_domain names them) and
// every user's pw_dir, or why the database could not tell.
import type { Installation, SystemUsers } from '../qmail/model-types.js';
import type { Sysroot } from '../sysroot/sysroot.js';
import { findVpopmailDomains, loadVpopmailBuild, vpopmailHome } from '../qmail/vpopmail-domain.js';
import { readQuiet } from '../qmail/quiet-read.js';
import { sqlBuildFlags, sqlSource, type DbOverride, type MysqlConfigError, type SqlBuildFlags } from '../qmail/vpopmail-mysql-config.js';
import { cellText, knownDomainsStatement, tablesStatement, userDirsStatement, userTable, type SqlLayout } from '../qmail/vpopmail-sql.js';
import { attemptsText } from '../trace/vpopmail-sql.js';
import { SqlTraceData } from './vpopmail-sql-access.js';
import type { SqlAnswer } from './vpopmail-sql-client.js';

export interface SqlDomainUsers {
  domain: string;
  /** Each user's name and pw_dir, or why they could not be read. */
  users: Array<{ name: string; dir: string }> | { error: string };
}

export interface SqlCheckHome {
  instance: string;
  home: string;
  flags: SqlBuildFlags;
  configPath: string;
  /** Where the database is, in words. */
  server: string | null;
  /** The connection settings failed (no or bad vpopmail.mysql). */
  configError: MysqlConfigError | null;
  /** No server could be reached, or the listing query failed. */
  error: string | null;
  /** The vpopmail domains users/assign routes to this installation (real domains), with their assign line. */
  assigned: Array<{ domain: string; line: number | null; path: string }>;
  /** The domains the database knows (lower-cased). */
  known: Set<string>;
  domains: SqlDomainUsers[];
}

export type SqlCheckData = SqlCheckHome[];

function failure(a: SqlAnswer): string | null {
  if (a.kind === 'no-connection') return `cannot reach the database: ${a.lost ? `the connection was lost (${a.lost.code}: ${a.lost.message}), then ` : ''}${attemptsText(a.attempts)}`;
  if (a.kind === 'query-failed') return `${a.server}: ${a.sql}: ${a.code}: ${a.message}`;
  return null;
}

/** Is the vpopmail of the passwd user vpopmail (or /home/vpopmail) built with MySQL? Reads only its header. */
export function conventionalHomeIsSql(sysroot: Sysroot, users: SystemUsers): boolean {
  return loadVpopmailBuild(sysroot, vpopmailHome(null, users).home).backend === 'mysql';
}

/** Is any installation's vpopmail built with MySQL? (So `check` loads nothing more for the others.) */
export function hasSqlVpopmail(installs: Installation[], users: SystemUsers): boolean {
  for (const inst of installs) {
    for (const h of homesOf(inst, users).keys()) if (loadVpopmailBuild(inst.sysroot, h).backend === 'mysql') return true;
  }
  return false;
}

function homesOf(inst: Installation, users: SystemUsers): Map<string, ReturnType<typeof findVpopmailDomains>> {
  const out = new Map<string, ReturnType<typeof findVpopmailDomains>>();
  let domains: ReturnType<typeof findVpopmailDomains> = [];
  try {
    domains = findVpopmailDomains(inst);
  } catch {
    domains = [];
  }
  for (const d of domains) {
    const program = d.command.trim().split(/\s+/)[0] ?? null;
    const home = vpopmailHome(program, users).home;
    const list = out.get(home) ?? [];
    list.push(d);
    out.set(home, list);
  }
  return out;
}

/** Fetch what the SQL check rules need, over one read-only session per server set (closed before returning). */
export async function fetchSqlCheckData(installs: Installation[], users: SystemUsers, override: DbOverride | null): Promise<SqlCheckData> {
  const data = new SqlTraceData(override);
  const out: SqlCheckData = [];
  try {
    for (const inst of installs) {
      for (const [home, domains] of homesOf(inst, users)) {
        const build = loadVpopmailBuild(inst.sysroot, home);
        if (build.backend !== 'mysql') continue;
        const flags = sqlBuildFlags(build.defines ?? new Map(), build.path);
        const layout: SqlLayout = { manyDomains: flags.manyDomains, valias: flags.valias };
        const src = sqlSource((p) => readQuiet(inst.sysroot, p), home, flags, override);
        const assign = inst.assign();
        const seen = new Set<string>();
        const assigned: SqlCheckHome['assigned'] = [];
        for (const d of domains) {
          if (seen.has(d.realDomain)) continue;
          seen.add(d.realDomain);
          const own = assign.entries.find((e) => e.kind === '+' && e.local === `${d.realDomain}-`) ?? assign.entries.find((e) => e.kind === '+' && e.user === d.realDomain);
          assigned.push({ domain: d.realDomain, line: own?.line ?? null, path: assign.path });
        }
        const h: SqlCheckHome = { instance: inst.root, home, flags, configPath: src.configPath, server: null, configError: src.ok ? null : src.error, error: null, assigned, known: new Set(), domains: [] };
        out.push(h);
        if (!src.ok) continue;
        const client = data.clientFor(src.servers, layout);
        const list = await client.query(layout.manyDomains ? knownDomainsStatement() : tablesStatement());
        h.error = failure(list);
        if (list.kind !== 'rows') continue;
        h.server = list.server;
        for (const r of list.rows) h.known.add(cellText(layout.manyDomains ? r.pw_domain : r.t).toLowerCase());
        for (const a of assigned) {
          const key = layout.manyDomains ? a.domain : userTable(layout, a.domain).toLowerCase();
          if (!h.known.has(key)) continue;
          const rows = await client.query(userDirsStatement(layout, a.domain));
          const why = failure(rows);
          h.domains.push({ domain: a.domain, users: rows.kind === 'rows' ? rows.rows.map((r) => ({ name: cellText(r.pw_name), dir: cellText(r.pw_dir) })) : { error: why ?? 'no answer' } });
        }
      }
    }
  } finally {
    await data.close();
  }
  return out;
}
