// The TUI's view of vpopmail domains whose users live in MySQL: the Domains
// view's counts (COUNT queries, the numbers first even on a domain of
// 100,000 users), and in the Dot-qmail view a branch under each such domain
// that reads the users (and the valias rows) from the database when opened,
// a page at a time. Everything goes through the loader's one SqlTraceData,
// so one read-only session serves the whole TUI session.
import type { Installation, SystemUsers } from '../qmail/model-types.js';
import { findVpopmailDomains, loadVpopmailBuild, vpopmailHome } from '../qmail/vpopmail-domain.js';
import { readQuiet } from '../qmail/quiet-read.js';
import { sqlBuildFlags, sqlSource, type SqlBuildFlags, type SqlServer } from '../qmail/vpopmail-mysql-config.js';
import { cellText, userTable, userCountStatement, userFromRow, userPageStatement, valiasAllStatement, valiasCountStatement, type SqlLayout } from '../qmail/vpopmail-sql.js';
import { classifyCatchAll, describeGidFlags, BOUNCE_MAIL } from '../qmail/vpopmail.js';
import type { ManagerInfo } from '../qmail/domains.js';
import { attemptsText } from '../trace/vpopmail-sql.js';
import { sanitize } from '../text/sanitize.js';
import type { SqlTraceData } from '../db/vpopmail-sql-access.js';
import type { SqlAnswer, VpopmailSqlClient } from '../db/vpopmail-sql-client.js';
import type { TreeNode } from './dotqmail-tree.js';

/** Users listed per opened page of a domain. */
export const SQL_PAGE = 200;

interface SqlDomain {
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

function failure(a: SqlAnswer): string | null {
  if (a.kind === 'no-connection') return `cannot reach MySQL: ${a.lost ? `the connection was lost (${a.lost.code}: ${a.lost.message}); ` : ''}${attemptsText(a.attempts)}`;
  if (a.kind === 'query-failed') return `${a.server}: ${a.code}: ${a.message}`;
  return null;
}

function clientOf(sql: SqlTraceData, d: SqlDomain): VpopmailSqlClient | null {
  return d.servers ? sql.clientFor(d.servers, d.layout) : null;
}

async function count(client: VpopmailSqlClient, st: ReturnType<typeof userCountStatement>): Promise<number | string> {
  const a = await client.query(st);
  return a.kind === 'rows' ? Number(cellText(a.rows[0]?.n) || 0) : (failure(a) ?? 'no answer');
}

/** A SQL domain's numbers from the database: its users, its valias rows (VALIAS), or why they could not be counted. */
export interface SqlCounts {
  users: number | null;
  valias: number;
  problems: string[];
}

export async function sqlCounts(sql: SqlTraceData, d: SqlDomain): Promise<SqlCounts> {
  const client = clientOf(sql, d);
  if (!client) return { users: null, valias: 0, problems: [`${d.configPath}: ${d.configError ?? 'no server'}: users not counted (vdelivermail defers every message)`] };
  const users = await count(client, userCountStatement(d.layout, d.real));
  const valias = d.flags.valias ? await count(client, valiasCountStatement(d.real)) : 0;
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

const BRANCH = '#mysql@';

/** The lazy node that lists a SQL domain's users from `offset`. */
function pageNode(root: string, key: string, depth: number, offset: number, total: number | null): TreeNode {
  const text =
    offset === 0
      ? 'users in MySQL (read when opened, ' + SQL_PAGE + ' at a time)'
      : `next users in MySQL: ${offset + 1}–${total === null ? '…' : Math.min(total, offset + SQL_PAGE)}${total === null ? '' : ` of ${total}`}`;
  return { id: `${root}#vd:${key}${BRANCH}${offset}`, depth, text, group: true, lazy: true, tone: 'accent' };
}

/**
 * The tree with a lazy "users in MySQL" branch under every SQL domain; the
 * file summary's count line of such a domain names MySQL instead of the
 * empty vpasswd. `only`: the id of a branch these nodes are the children of.
 */
export function withSqlBranches(root: string, nodes: TreeNode[], domains: Map<string, SqlDomain>, only?: string): TreeNode[] {
  if (domains.size === 0) return nodes;
  const out: TreeNode[] = [];
  const prefix = `${root}#vd:`;
  if (only?.startsWith(prefix) && !only.includes(BRANCH) && domains.has(only.slice(prefix.length))) {
    const depth = nodes[0]?.depth ?? 3;
    out.push(pageNode(root, only.slice(prefix.length), depth, 0, null));
  }
  for (const n of nodes) {
    const key = n.id.startsWith(prefix) ? n.id.slice(prefix.length) : null;
    const d = key !== null ? domains.get(key) : undefined;
    if (!d) {
      out.push(n);
      continue;
    }
    const label = n.text.replace(/ {2}vpopmail(:.*)?$/, '');
    out.push({ ...n, text: `${label}  vpopmail over MySQL (${d.flags.manyDomains ? 'table vpopmail' : 'one table per domain'}${d.flags.valias ? ', valias table' : ''})` });
    if (!n.lazy) out.push(pageNode(root, d.key, n.depth + 1, 0, null));
  }
  return out;
}

/** Is this a branch id of withSqlBranches'? */
export function isSqlBranch(id: string): boolean {
  return id.includes(BRANCH);
}

/** One page of a SQL domain's users (and on the first page its valias rows), as tree rows; a lazy node for the next page. */
export async function readSqlBranch(sql: SqlTraceData, root: string, domains: Map<string, SqlDomain>, id: string): Promise<TreeNode[]> {
  const at = id.lastIndexOf(BRANCH);
  const key = id.slice(`${root}#vd:`.length, at);
  const offset = Number(id.slice(at + BRANCH.length));
  const d = domains.get(key);
  const depth = 4;
  const err = (text: string): TreeNode[] => [{ id: `${id}#error`, depth, text: `✗ ${sanitize(text)}`, tone: 'error' }];
  if (!d || !Number.isSafeInteger(offset)) return err(`${key} is not a vpopmail domain over MySQL here`);
  const client = clientOf(sql, d);
  if (!client) return err(`${d.configPath}: ${d.configError ?? 'no server'}`);
  const total = await count(client, userCountStatement(d.layout, d.real));
  if (typeof total === 'string') return err(total);
  const out: TreeNode[] = [];
  if (offset === 0) {
    out.push({ id: `${id}#count`, depth, text: `${total} user${total === 1 ? '' : 's'} of ${sanitize(d.real)} in ${d.flags.manyDomains ? `table vpopmail (pw_domain '${sanitize(d.real)}')` : `table ${sanitize(userTable(d.layout, d.real))}`}`, tone: 'dim' });
    if (d.flags.valias) {
      const v = await client.query(valiasAllStatement(d.real));
      const why = failure(v);
      if (why) out.push(...err(`valias rows: ${why}`));
      else if (v.kind === 'rows') {
        const byAlias = new Map<string, string[]>();
        for (const r of v.rows) {
          const a = cellText(r.alias);
          byAlias.set(a, [...(byAlias.get(a) ?? []), cellText(r.valias_line)]);
        }
        for (const [a, lines] of byAlias) {
          const aid = `${id}/alias:${a}`;
          const addr = `${a}@${key}`;
          out.push({ id: aid, depth, text: `${'alias'.padEnd(9)} ${sanitize(a)}  ${lines.length > 1 ? `${lines.length} deliveries` : sanitize(lines[0])}  (valias table: read by vdelivermail before the users)`, group: lines.length > 1 || undefined, address: addr });
          if (lines.length > 1) lines.forEach((l, i) => out.push({ id: `${aid}#${i}`, depth: depth + 1, text: `→ ${sanitize(l)}`, address: addr }));
        }
      }
    }
  }
  const page = await client.query(userPageStatement(d.layout, d.real, offset, SQL_PAGE));
  const why = failure(page);
  if (why) return [...out, ...err(why)];
  if (page.kind !== 'rows') return out;
  for (const r of page.rows) {
    const u = userFromRow(r, d.real);
    const notes: string[] = [];
    if (u.gid & BOUNCE_MAIL) notes.push('BOUNCE_MAIL: every message bounces');
    else if (u.gid) notes.push(describeGidFlags(u.gid));
    if (u.quota && !u.quota.startsWith('NO')) notes.push(`quota ${u.quota}`);
    const box = u.dir === '' ? '(directory made on first delivery)/Maildir/' : `${u.dir.replace(/\/+$/, '')}/Maildir/`;
    out.push({
      id: `${id}/user:${u.name}`,
      depth,
      text: `${'user'.padEnd(9)} ${sanitize(u.name)}  ${sanitize(box)}${notes.length ? '  ! ' + sanitize(notes.join('; ')) : ''}`,
      tone: u.gid & BOUNCE_MAIL ? 'warn' : undefined,
      address: `${u.name}@${key}`,
      ...(u.dir ? { jump: { path: `${u.dir.replace(/\/+$/, '')}/.qmail`, line: null } } : {}),
    });
  }
  if (offset + SQL_PAGE < total) out.push(pageNode(root, key, depth, offset + SQL_PAGE, total));
  return out;
}
