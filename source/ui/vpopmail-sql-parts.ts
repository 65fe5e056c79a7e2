// The TUI's view of vpopmail domains whose users live in MySQL: the Domains
// view's counts (COUNT queries, the numbers first even on a domain of
// 100,000 users), and in the Dot-qmail view a branch under each such domain
// that reads the users (and the valias rows) from the database when opened,
// a page at a time. Everything goes through the loader's one SqlTraceData,
// so one read-only session serves the whole TUI session.
import { cellText, userTable, userCountStatement, userFromRow, userPageStatement, valiasAllStatement } from '../qmail/vpopmail-sql.js';
import { describeGidFlags, BOUNCE_MAIL } from '../qmail/vpopmail.js';
import { sanitize } from '../text/sanitize.js';
import type { SqlTraceData } from '../db/vpopmail-sql-access.js';
import { sqlClientOf, sqlCount, sqlFailure, type SqlDomain } from '../db/vpopmail-sql-domains.js';
import type { TreeNode } from './dotqmail-tree.js';

/** Users listed per opened page of a domain. */
export const SQL_PAGE = 200;

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
  const client = sqlClientOf(sql, d);
  if (!client) return err(`${d.configPath}: ${d.configError ?? 'no server'}`);
  const total = await sqlCount(client, userCountStatement(d.layout, d.real));
  if (typeof total === 'string') return err(total);
  const out: TreeNode[] = [];
  if (offset === 0) {
    out.push({ id: `${id}#count`, depth, text: `${total} user${total === 1 ? '' : 's'} of ${sanitize(d.real)} in ${d.flags.manyDomains ? `table vpopmail (pw_domain '${sanitize(d.real)}')` : `table ${sanitize(userTable(d.layout, d.real))}`}`, tone: 'dim' });
    if (d.flags.valias) {
      const v = await client.query(valiasAllStatement(d.real));
      const why = sqlFailure(v);
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
  const why = sqlFailure(page);
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
