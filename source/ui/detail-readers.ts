// What the loader reads on demand (a queued message, a file, a lazily read
// Dot-qmail branch, a trace), one reader per kind of DetailRequest: a kind of
// the loader's own is an entry here (the table's type makes it required); a
// data source's kinds come with the source (data-sources.ts).
import { decodeBytes, type Sysroot } from '../sysroot/sysroot.js';
import { systemUsersOf, type LoadedInstallation } from '../qmail/installation.js';
import { QueueProblems, readQueueLayout, readQueueMessage, type QueueLayout } from '../qmail/queue.js';
import { sanitize } from '../text/sanitize.js';
import { makeTracer, settle } from '../trace/tracer.js';
import { loadHandlers } from '../trace/manager-loader.js';
import { queueTracer, tracerPredictor } from '../trace/queue-predict.js';
import { openTraceBackends } from '../db/trace-backends.js';
import { programListing } from '../qmail/binaries.js';
import { dotqmailBranch } from './dotqmail-tree.js';
import type { SqlTraceData } from '../db/vpopmail-sql-access.js';
import { isSqlBranch, readSqlBranch, withSqlBranches } from './vpopmail-sql-parts.js';
import type { sqlDomainsOf } from '../db/vpopmail-sql-domains.js';
import type { Detail, DetailRequest } from './session-data.js';
import { SOURCES, type DataSource } from './data-sources.js';

/** What a reader reads with: the loader's current view of the sysroot and what it has loaded. */
export interface ReadContext {
  sysroot: Sysroot;
  installs: LoadedInstallation[];
  layouts: Map<string, QueueLayout>;
  now: number;
  /** vpopmail's MySQL backends (the session's one read-only connection per server). */
  sql: SqlTraceData;
  sqlDomains(root: string): ReturnType<typeof sqlDomainsOf>;
  /** Each started data source's state, by its id (data-sources.ts). */
  sources: ReadonlyMap<string, unknown>;
}

export interface Reader<R extends DetailRequest = DetailRequest> {
  /** Wait for the installations to load first (a trace walks them; a message's recipients get the tracer's prediction). */
  needsInstalls: boolean;
  read(ctx: ReadContext, r: R): Detail | Promise<Detail>;
  /** The detail shown when reading threw. */
  failed(r: R, error: string): Detail;
}

export type RequestOf<K extends DetailRequest['kind']> = Extract<DetailRequest, { kind: K }>;

/** The loader's own kinds (a source's are its own). */
type OwnKind = 'message' | 'file' | 'branch' | 'trace';

/** Most bytes the file view reads: enough for any sane file; a mailbox or a 10 MB .qmail shows its head. */
const FILE_VIEW_MAX = 1024 * 1024;

const message: Reader<RequestOf<'message'>> = {
  needsInstalls: true,
  async read({ sysroot, installs, layouts, now, sql }, r) {
    const first = new QueueProblems();
    const layout = layouts.get(r.instance) ?? readQueueLayout(sysroot, r.instance, first);
    const roots = installs.map((i) => i.root);
    // The predictions read vpopmail's MySQL rows too: the message is read again once the rows its walks asked for are in.
    const qt = roots.includes(r.instance) ? queueTracer(sysroot, roots, now, await loadHandlers(openTraceBackends({ sql }).session)) : null;
    const { m, problems } = await settle(qt ? [qt.tracer] : [], () => {
      const problems = new QueueProblems();
      problems.absorb(first.list, first.onceCodes());
      const predict = qt ? tracerPredictor(sysroot, r.instance, roots, now, undefined, qt) : undefined;
      return { m: readQueueMessage(sysroot, layout, r.id, problems, { now, predict }), problems };
    });
    return {
      kind: 'message',
      message: m,
      error: m ? null : problems.list.map((d) => sanitize(d.message)).join('; ') || `message ${r.id} is no longer in the queue`,
    };
  },
  failed: (_r, error) => ({ kind: 'message', message: null, error }),
};

const branch: Reader<RequestOf<'branch'>> = {
  needsInstalls: true,
  async read({ sysroot, installs, sql, sqlDomains }, r) {
    const inst = installs.find((i) => i.root === r.instance);
    if (!inst) return { kind: 'branch', nodes: [], error: `${sanitize(r.instance)} is not loaded` };
    // A vpopmail domain's users in MySQL: a page read from the database.
    if (isSqlBranch(r.id)) return { kind: 'branch', nodes: await readSqlBranch(sql, r.instance, sqlDomains(r.instance), r.id), error: null };
    return { kind: 'branch', nodes: withSqlBranches(r.instance, dotqmailBranch(sysroot, inst, systemUsersOf(sysroot), r.id), sqlDomains(r.instance), r.id), error: null };
  },
  failed: (_r, error) => ({ kind: 'branch', nodes: [], error }),
};

const trace: Reader<RequestOf<'trace'>> = {
  needsInstalls: true,
  async read({ sysroot, installs, sql }, r) {
    const users = systemUsersOf(sysroot);
    // A queued recipient is walked only where it is queued, from qmail-lspawn (local) or as remote.
    const q = r.queued ?? null;
    const walkIn = q ? installs.filter((i) => i.root === q.instance) : installs;
    // vpopmail over MySQL: the walk says which rows it needs, they are fetched, and it walks again.
    const tracer = makeTracer({ installs, users, session: openTraceBackends({ sql }).session });
    const results = [];
    for (const inst of walkIn) results.push(await tracer.trace(inst, r.address, { channel: q?.channel }));
    return { kind: 'trace', address: r.address, results, error: installs.length ? null : 'no installation loaded yet' };
  },
  failed: (r, error) => ({ kind: 'trace', address: r.address, results: [], error }),
};

const file: Reader<RequestOf<'file'>> = {
  needsInstalls: false,
  read({ sysroot }, r) {
    // A jump may land on a mailbox: a 2 GB mbox is never read whole, only its head is shown.
    const st = sysroot.stat(r.path);
    const big = st !== null && st.kind === 'file' && st.size > FILE_VIEW_MAX;
    const buf = big ? sysroot.readHead(r.path, FILE_VIEW_MAX) : sysroot.read(r.path);
    // A program (a binary a leak names) is listed by its strings, the compiled-in home marked; never run.
    const listing = buf === null ? null : programListing(sysroot, r.path, buf, st?.size ?? buf.length);
    if (listing) return { kind: 'file', file: { path: r.path, lines: listing.map((l) => sanitize(l)), error: null, program: true } };
    const lines = buf === null ? null : decodeBytes(buf).split('\n').map((l) => sanitize(l));
    if (lines && big) lines.push(`… (the file is ${st.size} bytes; only the first ${FILE_VIEW_MAX} are shown)`);
    return { kind: 'file', file: lines === null ? { path: r.path, lines: null, error: 'no such file' } : { path: r.path, lines, error: null } };
  },
  failed: (r, error) => ({ kind: 'file', file: { path: r.path, lines: null, error } }),
};

export const READERS: { [K in OwnKind]: Reader<RequestOf<K>> } = { message, branch, trace, file };

/** The reader of a request: the loader's own, else the data source's that added its kind. */
export function readerFor(r: DetailRequest, sources: readonly DataSource[] = SOURCES): Reader {
  const own = (READERS as Record<string, Reader | undefined>)[r.kind];
  const reader = own ?? sources.find((s) => s.readers[r.kind])?.readers[r.kind];
  if (!reader) throw new Error(`no reader for a ${r.kind} request`);
  return reader as Reader;
}
