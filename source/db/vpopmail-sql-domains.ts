// vpopmail domains whose users live in MySQL, and their numbers counted in
// the database (COUNT queries: the numbers first, even on a domain of
// 100,000 users). Shared by `qlens domains` and the TUI's Domains view and
// Dot-qmail branch (ui/vpopmail-sql-parts.ts), through one SqlTraceData so
// that one read-only session serves a whole run.
import type { Installation, SystemUsers } from '../qmail/model-types.js';
import { findVpopmailDomains, loadVpopmailBuild, vpopmailHome } from '../qmail/vpopmail-domain.js';
import { readQuiet } from '../qmail/quiet-read.js';
import { sqlBuildFlags, sqlSource, type SqlBuildFlags, type SqlServer } from '../qmail/vpopmail-mysql-config.js';
import { cellText, userCountStatement, valiasCountStatement, type SqlLayout } from '../qmail/vpopmail-sql.js';
import { classifyCatchAll } from '../qmail/vpopmail.js';
import type { ManagerInfo } from '../qmail/domains.js';
import { attemptsText } from '../trace/vpopmail-sql.js';
import type { SqlTraceData } from './vpopmail-sql-access.js';
import type { SqlAnswer, VpopmailSqlClient } from './vpopmail-sql-client.js';

export interface SqlDomain {
  /** The virtualdomains key (an alias domain has its own key and the real domain's rows). */
  key: string;
  real: string;
  flags: SqlBuildFlags;
  layout: SqlLayout;
  servers: SqlServer[] | null;
  configError: string | null;
  configPath: string;
  /** The catch-all in the file summary's words ("bounce-no-mailbox", "delete", "forward x@y", "path /d/"). */
  catchAll: string;
}

/** The vpopmail domains of an installation whose build uses MySQL, by virtualdomains key. */
export function sqlDomainsOf(inst: Installation, users: SystemUsers): Map<string, SqlDomain> {
  const out = new Map<string, SqlDomain>();
  let domains: ReturnType<typeof findVpopmailDomains> = [];
  try {
    domains = findVpopmailDomains(inst);
  } catch {
    return out;
  }
  const byHome = new Map<string, Omit<SqlDomain, 'key' | 'real' | 'catchAll'> | null>();
  for (const d of domains) {
    const home = vpopmailHome(d.command.trim().split(/\s+/)[0] ?? null, users).home;
    if (!byHome.has(home)) {
      const build = loadVpopmailBuild(inst.sysroot, home);
      if (build.backend !== 'mysql') byHome.set(home, null);
      else {
        const flags = sqlBuildFlags(build.defines ?? new Map(), build.path);
        const src = sqlSource((p) => readQuiet(inst.sysroot, p), home, flags, null);
        byHome.set(home, { flags, layout: { manyDomains: flags.manyDomains, valias: flags.valias }, servers: src.ok ? src.servers : null, configError: src.ok ? null : src.error.message, configPath: src.configPath });
      }
    }
    const h = byHome.get(home);
    const ca = d.catchAll === null ? null : classifyCatchAll(d.catchAll);
    const catchAll = ca === null ? 'none' : ca.kind === 'path' ? `path ${ca.dir}` : ca.kind === 'forward' ? `forward ${ca.arg}` : ca.kind;
    if (h) out.set(d.domain, { key: d.domain, real: d.realDomain, ...h, catchAll });
  }
  return out;
}

export function sqlFailure(a: SqlAnswer): string | null {
  if (a.kind === 'no-connection') return `cannot reach MySQL: ${a.lost ? `the connection was lost (${a.lost.code}: ${a.lost.message}); ` : ''}${attemptsText(a.attempts)}`;
  if (a.kind === 'query-failed') return `${a.server}: ${a.code}: ${a.message}`;
  return null;
}

export function sqlClientOf(sql: SqlTraceData, d: SqlDomain): VpopmailSqlClient | null {
  return d.servers ? sql.clientFor(d.servers, d.layout) : null;
}

export async function sqlCount(client: VpopmailSqlClient, st: ReturnType<typeof userCountStatement>): Promise<number | string> {
  const a = await client.query(st);
  return a.kind === 'rows' ? Number(cellText(a.rows[0]?.n) || 0) : (sqlFailure(a) ?? 'no answer');
}

/** A SQL domain's numbers from the database: its users, its valias rows (VALIAS), or why they could not be counted. */
export interface SqlCounts {
  users: number | null;
  valias: number;
  problems: string[];
}

export async function sqlCounts(sql: SqlTraceData, d: SqlDomain): Promise<SqlCounts> {
  const client = sqlClientOf(sql, d);
  if (!client) return { users: null, valias: 0, problems: [`${d.configPath}: ${d.configError ?? 'no server'}: users not counted (vdelivermail defers every message)`] };
  const users = await sqlCount(client, userCountStatement(d.layout, d.real));
  const valias = d.flags.valias ? await sqlCount(client, valiasCountStatement(d.real)) : 0;
  const problems: string[] = [];
  if (typeof users === 'string') problems.push(`users not counted: ${users}`);
  if (typeof valias === 'string') problems.push(`valias rows not counted: ${valias}`);
  if (users === 0) problems.push(`MySQL has no user for ${d.real}: vdelivermail sends every message to the catch-all`);
  return { users: typeof users === 'number' ? users : null, valias: typeof valias === 'number' ? valias : 0, problems };
}

/**
 * The Domains view's numbers for a SQL domain: its users counted in MySQL,
 * its aliases the valias rows plus the .qmail-NAME files the file summary
 * counted (when it has come in). Not counted: catch-all 'unknown', so the
 * row says "users not counted" rather than "0 users".
 */
export function sqlManagerInfo(c: SqlCounts, d: SqlDomain, prev: ManagerInfo | undefined): ManagerInfo {
  if (c.users === null) return { users: 0, aliases: 0, catchAll: 'unknown', problems: c.problems };
  const fileAliases = prev && prev.catchAll !== 'unknown' ? prev.aliases : 0;
  return { users: c.users, aliases: fileAliases + c.valias, catchAll: d.catchAll, ...(c.problems.length ? { problems: c.problems } : {}) };
}

