// A manager domain in numbers (the Domains view, `qlens domains`, the
// Dot-qmail tree): every manager's domains of an installation summarized by
// the manager's own readers (qmail/managers.ts), and a domain row's numbers
// taken from those summaries.
import type { Installation, SystemUsers } from './model-types.js';
import type { ManagerDomainSummary, ManagerKind } from './manager-types.js';
import { MANAGERS, managerByKind, managerName } from './managers.js';

/** A manager domain in numbers (the Domains view, `qlens domains`), from the manager's own summary. */
export interface ManagerInfo {
  users: number;
  aliases: number;
  /** The catch-all in words, as the manager's summary says it ("bounce-no-mailbox", "delete", "forward x@y", "path /d/", ...). */
  catchAll: string;
  /** What stands in the way of trusting the counts (a stale or corrupt table, a domain the summary cannot find). */
  problems?: string[];
}

/** Manager domains of an installation by virtualdomains key; summary null when it could not be made. */
export type ManagerSummaries = Map<string, { manager: ManagerKind; table: string; summary: ManagerDomainSummary | null; error: string | null }>;

/**
 * Every manager domain of an installation, summarized by the managers' own readers
 * (the first manager that claims a virtualdomains key keeps it).
 * `countsOnly` skips what only the users' deliveries need (a vpopmail user's own .qmail);
 * `noEntries` keeps no entries (counts, catch-all and diagnostics only), for a caller that lists no users;
 * `only` summarizes that one key alone.
 */
export function managerSummaries(inst: Installation, users: SystemUsers | null, opts: { countsOnly?: boolean; noEntries?: boolean; only?: string } = {}): ManagerSummaries {
  const out: ManagerSummaries = new Map();
  for (const m of MANAGERS) {
    let found: ReturnType<typeof m.findDomains> = [];
    try {
      found = m.findDomains(inst, users);
    } catch {
      found = [];
    }
    for (const d of found) {
      if (out.has(d.key) || (opts.only !== undefined && d.key !== opts.only)) continue;
      try {
        const summary = m.summarize(inst, d, { deliveries: !opts.countsOnly });
        // The entries (100,000 users on a big host, ~60 MB) go as soon as each domain is counted.
        if (opts.noEntries) summary.entries = [];
        out.set(d.key, { manager: m.kind, table: d.table, summary, error: null });
      } catch (e) {
        out.set(d.key, { manager: m.kind, table: d.table, summary: null, error: e instanceof Error ? e.message : String(e) });
      }
    }
    if (opts.only !== undefined && out.has(opts.only)) break;
  }
  return out;
}

/** What of a domain row (qmail/domains.ts DomainRow) its numbers depend on. */
export interface ManagerRow {
  domain: string;
  virtual: string | null;
  virtualKey: string | null;
  manager: ManagerKind | null;
}

/** The row's numbers from its summary: the exact virtualdomains key first, then the key that gave its prepend. */
export function managerInfoOf(r: ManagerRow, summaries: ManagerSummaries): ManagerInfo | undefined {
  if (!r.manager) return undefined;
  const hit = summaries.get(r.domain) ?? (r.virtualKey !== null ? summaries.get(r.virtualKey) : undefined);
  const name = managerName(r.manager);
  if (!hit || hit.manager !== r.manager) {
    const why = managerByKind(r.manager)?.notCounted(r) ?? 'qlens does not know this manager';
    return { users: 0, aliases: 0, catchAll: 'unknown', problems: [`${name} users not counted: ${why}`] };
  }
  if (!hit.summary) return { users: 0, aliases: 0, catchAll: 'unknown', problems: [`${name} users not counted: ${hit.error ?? 'its files could not be read'}`] };
  const s = hit.summary;
  const problems = s.diagnostics.map((d) => `${d.path}: ${d.message}`);
  // A missing table is no diagnostic of the reader, but 0 users must not read as "an empty domain, all well".
  if (s.users === 0 && s.aliases === 0 && problems.length === 0) problems.push(`${hit.table}: no users and no aliases (the table is missing or empty)`);
  return { users: s.users, aliases: s.aliases, catchAll: s.catchAll, ...(problems.length ? { problems } : {}) };
}

/** "vpopmail: 7 users, 3 aliases, catch-all bounce-no-mailbox" (not sanitized: the caller does). */
export function managerInfoText(manager: ManagerKind, info: ManagerInfo): string {
  const name = managerName(manager);
  if (info.catchAll === 'unknown' && info.users === 0 && info.aliases === 0 && info.problems?.length) return `${name}: users not counted`;
  const n = (k: number, w: string): string => `${k} ${w}${k === 1 ? '' : w === 'alias' ? 'es' : 's'}`;
  return `${name}: ${n(info.users, 'user')}, ${n(info.aliases, 'alias')}, catch-all ${info.catchAll}`;
}
