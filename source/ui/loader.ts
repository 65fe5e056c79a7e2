// The one place the TUI gets its data: it calls the model and hands plain
// data to the store. Every step awaits a turn of the event loop, so keys are
// handled while it reads, and the small facts (installations, me, domain
// counts, queue counts) are published before anything large (the queue
// listing, home directories).
//
// The phases, in order: find the installations; read what the first screen
// shows; once it is drawn, the workers (the managers' names and the .qmail
// tree, the queues, then the veil search, then the checks). Things read on
// demand (detail-readers.ts) are asked for with request().
import { Sysroot, normalizeSystemPath } from '../sysroot/sysroot.js';
import { discoverInstances } from '../qmail/discover.js';
import { loadInstallation, systemUsersOf, type LoadedInstallation } from '../qmail/installation.js';
import { headerHomes } from '../qmail/binaries.js';
import { domainMatrix, type DomainMatrix, type DomainRow } from '../qmail/domains.js';
import { computeHeavyParts, type DomainManagers, type HeavyMessage, type HeavyRequest } from './heavy-parts.js';
import { QueueProblems, readQueueLayout, countQueue, type QueueLayout } from '../qmail/queue.js';
import type { Leak } from '../veil/index.js';
import { sanitize } from '../text/sanitize.js';
import { errorText } from './error-text.js';
import { runTask, yieldTurn, type Task as BackgroundRun } from '../runtime/workers.js';
import { loadQueues } from './queue-load.js';
import { SOURCES, type DataSource } from './data-sources.js';
import { readerFor } from './detail-readers.js';
import { SqlTraceData } from '../db/vpopmail-sql-access.js';
import type { DbOverride } from '../qmail/vpopmail-mysql-config.js';
import { withSqlBranches } from './vpopmail-sql-parts.js';
import { sqlCounts, sqlDomainsOf, sqlManagerInfo, type SqlCounts } from '../db/vpopmail-sql-domains.js';
import { requestKey, type DetailRequest, type InstanceSummary, type SessionData, type SourceInfo } from './session-data.js';

export interface LoadRequest {
  source: SourceInfo;
  /** --instance values; empty: discover. */
  instances: string[];
  /** The time queue ages are measured from (tests fix it). */
  now?: number;
  /** The background reading (worker threads) waits for this: the TUI's first frame with the domain rows. */
  background?: Promise<void>;
  /** --vpopmail-db: vpopmail's MySQL server instead of the one its vpopmail.mysql names. */
  vpopmailDb?: DbOverride | null;
  /** The data sources started beside the queue scan (tests pass their own). */
  sources?: DataSource[];
}

/** The header's facts for one installation, from its domain matrix. */
export function summarize(inst: LoadedInstallation, matrix: DomainMatrix): InstanceSummary {
  const me = inst.me();
  const acceptsAll = !inst.list('rcpthosts').present;
  return {
    root: inst.root,
    me: me === null ? null : sanitize(me),
    accepts: acceptsAll ? 0 : matrix.domains.filter((d) => d.rcpthosts).length,
    delivers: matrix.domains.filter((d) => d.delivery !== 'remote').length,
    acceptsAll,
  };
}

/**
 * The matrix with each domain's manager named (the worker's second pass): new
 * rows only where a manager was found, so the first pass's rows are kept
 * rather than a second copy of the whole table coming over from the worker.
 */
export function withManagers(matrix: DomainMatrix, managers: DomainManagers): DomainMatrix {
  if (managers.length === 0) return matrix;
  const byDomain = new Map(managers.map((x) => [x.domain, x]));
  const domains = matrix.domains.map((r) => {
    const x = byDomain.get(r.domain);
    if (!x) return r;
    const row: DomainRow = { ...r, manager: x.manager };
    if (x.managerInfo) row.managerInfo = x.managerInfo;
    return row;
  });
  return { ...matrix, domains };
}

const HEAVY_WORKER_URL = new URL('./load-worker.js', import.meta.url);

/** The checks, veil, managers and .qmail tree (heavy-parts.ts) in a worker thread. */
export function runHeavy(req: HeavyRequest, on: (m: HeavyMessage) => void): BackgroundRun {
  return runTask<HeavyRequest, HeavyMessage>(HEAVY_WORKER_URL, computeHeavyParts, req, on, (text) => ({ part: 'error', text }));
}

export interface Loader {
  /** Resolves when everything is loaded (or the load was cancelled). */
  done: Promise<void>;
  cancel(): void;
  /** Read something on demand (a queued message, a file); published into data.details. */
  request(r: DetailRequest): void;
}

/** One load's state, shared by its phases. */
interface LoadState {
  req: LoadRequest;
  data: SessionData;
  sysroot: Sysroot;
  installs: LoadedInstallation[];
  layouts: Map<string, QueueLayout>;
  now: number;
  cancelled: boolean;
  /** What the workers are doing, shown while the main thread has nothing else to say. */
  heavyStep: string | null;
  /** Every worker started, stopped on cancel. */
  runs: BackgroundRun[];
  /** vpopmail's MySQL backends: one read-only session per server for the whole session, closed on cancel. */
  sql: SqlTraceData;
  /** The installations' vpopmail domains whose users are in MySQL, by root (found once). */
  sqlDomains(root: string): ReturnType<typeof sqlDomainsOf>;
  /** Their counts, asked once per root. */
  sqlCounts: Map<string, Promise<Map<string, SqlCounts>>>;
  /** The data sources' states, by id, once started (the log's is read in this thread, a chunk at a time). */
  sources: Map<string, unknown>;
  emit(): void;
}

function step(st: LoadState, name: string): void {
  if (st.data.progress) st.data.progress = { ...st.data.progress, step: name };
}

function advance(st: LoadState): void {
  if (st.data.progress) st.data.progress = { ...st.data.progress, done: st.data.progress.done + 1 };
}

/** Phase 1: the installations asked for, else those found. */
function findRoots(st: LoadState): string[] {
  const { req, data } = st;
  let roots: string[];
  try {
    roots = req.instances.length ? req.instances.map(normalizeSystemPath) : discoverInstances(st.sysroot);
  } catch (e) {
    data.errors.push(errorText(e));
    roots = [];
  }
  if (roots.length === 0) data.errors.push(`no qmail installation found under ${sanitize(req.source.sysrootDir)}: ${whatIsThere(st.sysroot, req.source.sysrootDir)}`);
  return roots;
}

/** What qlens looked for under a sysroot with no installation, and what it found instead. */
function whatIsThere(sysroot: Sysroot, dir: string): string {
  const want = `qlens looks for ${sanitize(dir.replace(/\/+$/, ''))}/var/qmail*/control/ (a qmail installation's control files; --instance PATH names one elsewhere)`;
  const some = (names: string[]): string => names.slice(0, 6).map((n) => sanitize(n)).join(', ') + (names.length > 6 ? ', …' : '');
  try {
    const top = sysroot.readdir('/');
    if (top === null) return `${want}; the directory does not exist or cannot be read`;
    if (top.length === 0) return `${want}; the directory is empty`;
    const vars = sysroot.readdir('/var');
    const above = top.includes('control') ? '; it looks like a qmail installation itself: --sysroot takes the directory above var/' : top.some((n) => n.startsWith('qmail')) ? '; it looks like a var/ directory: --sysroot takes the directory above it' : '';
    if (vars === null) return `${want}; it has no var/ (it holds ${some(top)})${above}`;
    const q = vars.filter((n) => n.startsWith('qmail'));
    if (q.length === 0) return `${want}; var/ holds no qmail* directory (it holds ${some(vars) || 'nothing'})`;
    return `${want}; ${some(q.map((n) => `var/${n}`))} ${q.length === 1 ? 'has' : 'have'} no control/ directory`;
  } catch (e) {
    return `${want}; ${errorText(e)}`;
  }
}

/** Phase 2: what the first screen shows, one installation at a time: me, domain counts, queue counts. */
async function readFirstScreen(st: LoadState, roots: string[]): Promise<void> {
  const { data, sysroot } = st;
  const matrices: Record<string, DomainMatrix> = {};
  for (const root of roots) {
    if (st.cancelled) return;
    step(st, `reading the control files of ${sanitize(root)}`);
    await yieldTurn();
    try {
      if (sysroot.stat(`${root}/control`)?.kind !== 'dir') {
        data.errors.push(`${sanitize(root)}: not a qmail installation (no control/ directory)`);
      } else {
        const inst = loadInstallation(sysroot, root);
        st.installs.push(inst);
        // Managers are named in the second pass: that reads one .qmail-default per virtual domain.
        const matrix = domainMatrix(inst, systemUsersOf(sysroot), { managers: false });
        matrices[root] = matrix;
        const summary = summarize(inst, matrix);
        summary.binaryHomes = headerHomes(sysroot, root);
        const problems = new QueueProblems();
        const layout = readQueueLayout(sysroot, root, problems);
        st.layouts.set(root, layout);
        summary.queue = countQueue(sysroot, layout, problems);
        data.instances.push(summary);
      }
    } catch (e) {
      data.errors.push(`${sanitize(root)}: ${errorText(e)}`);
    }
    advance(st);
    st.emit();
  }
  data.parts.domains = { ...matrices };
}

/**
 * What the first screen read (users/cdb, virtualdomains, the passwd table,
 * tens of megabytes on a big host) is not kept while the workers run: a
 * trace or a message reads again what it needs, through a fresh view.
 */
function dropFirstScreenReads(st: LoadState): void {
  st.sysroot = st.sysroot.reopen();
  st.installs.splice(0, st.installs.length, ...st.installs.map((i) => loadInstallation(st.sysroot, i.root)));
}

/** A heavy worker's messages into the session; `last`: this worker's `done` ends the step. */
function onHeavy(st: LoadState, last: boolean): (m: HeavyMessage) => void {
  const { data } = st;
  return (m) => {
    if (st.cancelled) return;
    switch (m.part) {
      case 'step':
        st.heavyStep = m.text;
        return;
      case 'problems':
        data.parts.problems = m.value;
        break;
      case 'domainErrors':
        data.parts.domainErrors = m.value;
        break;
      case 'veil':
        data.parts.veil = m.value;
        break;
      case 'managers': {
        const matrix = data.parts.domains?.[m.root];
        // A SQL domain's row keeps its database counts (the file summary found no vpasswd).
        const sqlKeys = st.sqlDomains(m.root);
        if (matrix) data.parts.domains = { ...data.parts.domains, [m.root]: withManagers(matrix, m.value.filter((x) => !sqlKeys.has(x.domain))) };
        void countSqlDomains(st, m.root, m.value);
        break;
      }
      case 'dotqmail':
        data.parts.dotqmail = Object.fromEntries(Object.entries(m.value).map(([root, nodes]) => [root, withSqlBranches(root, nodes, st.sqlDomains(root))]));
        break;
      case 'error':
        data.errors.push(m.text);
        break;
      case 'done':
        if (!last) return;
        st.heavyStep = null;
        advance(st);
        break;
    }
    st.emit();
  };
}

/**
 * vpopmail domains over MySQL: their counts from the database (asked once per
 * load, started as soon as the first frame is drawn) replace the file
 * summary's, which found no vpasswd. `managers`: the names' pass, when in.
 */
async function countSqlDomains(st: LoadState, root: string, managers: DomainManagers | null): Promise<void> {
  const domains = st.sqlDomains(root);
  if (domains.size === 0) return;
  let counts = st.sqlCounts.get(root);
  if (!counts) {
    counts = (async () => {
      const m = new Map<string, SqlCounts>();
      for (const [key, d] of domains) if (!st.cancelled) m.set(key, await sqlCounts(st.sql, d));
      return m;
    })();
    st.sqlCounts.set(root, counts);
  }
  const got = await counts;
  const prev = new Map((managers ?? []).map((x) => [x.domain, x]));
  const updated: DomainManagers = [];
  for (const [key, c] of got) updated.push({ domain: key, manager: 'vpopmail', managerInfo: sqlManagerInfo(c, domains.get(key)!, prev.get(key)?.managerInfo) });
  const matrix = st.data.parts.domains?.[root];
  if (!matrix || st.cancelled) return;
  st.data.parts.domains = { ...st.data.parts.domains, [root]: withManagers(matrix, updated) };
  st.emit();
}

/** The workers' steps, shown until `done` (a step the names' worker posts late must not keep this loop going). */
async function showSteps(st: LoadState, done: Promise<void>, first: string): Promise<void> {
  step(st, first);
  st.emit();
  let over = false;
  void done.then(() => (over = true));
  while (st.heavyStep !== null && !over && !st.cancelled) {
    step(st, st.heavyStep);
    st.emit();
    await Promise.race([done, new Promise((r) => setTimeout(r, 250))]);
  }
  await done;
}

/**
 * Phase 4: the veil search, then the checks, each in a worker of its own: the
 * first one's heap is gone before the second starts. The checks take the
 * leaks found (their veil rule would look for them again). Only the checks'
 * worker ends the step; the names' worker (`names`) may end before or after it.
 */
async function veilThenChecks(st: LoadState, names: BackgroundRun): Promise<void> {
  const sysrootDir = st.req.source.sysrootDir;
  const roots = st.installs.map((i) => i.root);
  let leaks: Leak[] = [];
  const onVeil = onHeavy(st, false);
  const veil = runHeavy({ sysrootDir, roots, parts: 'veil' }, (m) => {
    if (m.part === 'veil') leaks = m.value;
    onVeil(m);
  });
  st.runs.push(veil);
  await showSteps(st, veil.done, 'looking for veil leaks');
  if (st.cancelled) return;
  const checks = runHeavy({ sysrootDir, roots, parts: 'checks', leaks, now: st.now }, onHeavy(st, true));
  st.runs.push(checks);
  await showSteps(st, Promise.all([names.done, checks.done]).then(() => undefined), 'checking (qlens check)');
}

async function runPhases(st: LoadState, installsReady: () => void): Promise<void> {
  const { req, data } = st;
  st.emit();
  await yieldTurn();
  const roots = findRoots(st);
  // installations × (summary, queue scan) + problems
  data.progress = { done: 0, total: roots.length * 2 + 1, step: 'reading the control files' };
  st.emit();
  await readFirstScreen(st, roots);
  if (st.cancelled) return;
  installsReady();
  step(st, 'reading the queues, the .qmail files and the managers');
  if (st.installs.length === 0) {
    // Nothing to read in the background: the errors say why.
    data.progress = null;
    st.emit();
    return;
  }
  st.emit();
  // vpopmail domains over MySQL: counted now (a session and two COUNTs), so the numbers follow the first screen closely.
  for (const inst of st.installs) void countSqlDomains(st, inst.root, null);
  // The workers load modules and read files on both cores: until the first frame is drawn they would slow it down.
  if (req.background) await req.background;
  if (st.cancelled) return;
  dropFirstScreenReads(st);
  // Phase 3: the managers' names and the .qmail tree, beside the queue scan; the veil search and the checks after it.
  const roots3 = st.installs.map((i) => i.root);
  const names = runHeavy({ sysrootDir: req.source.sysrootDir, roots: roots3, parts: 'names' }, onHeavy(st, false));
  st.runs.push(names);
  const queues = loadQueues(
    { sysrootDir: req.source.sysrootDir, roots: roots3, now: st.now },
    { data, cancelled: () => st.cancelled, step: (t) => step(st, t), advance: () => advance(st), emit: st.emit },
  );
  st.runs.push(queues);
  // The data sources (the logs: their newest lines at once, then the whole of them beside the workers).
  for (const source of req.sources ?? SOURCES) {
    const s = source.start({ sysroot: st.sysroot, roots: roots3, now: st.now, data, cancelled: () => st.cancelled, emit: st.emit });
    st.sources.set(source.id, s.state);
    const read = s.done.catch((e: unknown) => {
      data.errors.push(errorText(e));
    });
    st.runs.push({ done: read, stop: () => s.stop() });
  }
  await queues.done;
  if (st.cancelled) return;
  await veilThenChecks(st, names);
  data.progress = null;
  st.emit();
}

/** Load a session, publishing a new snapshot after each step. */
export function startLoad(req: LoadRequest, publish: (data: SessionData) => void): Loader {
  const data: SessionData = {
    source: req.source,
    instances: [],
    progress: { done: 0, total: 1, step: 'finding installations' },
    errors: [],
    parts: {},
    details: {},
  };
  const sqlByRoot = new Map<string, ReturnType<typeof sqlDomainsOf>>();
  const st: LoadState = {
    req,
    data,
    sysroot: new Sysroot(req.source.sysrootDir, { instances: req.instances }),
    installs: [],
    layouts: new Map(),
    now: req.now ?? Date.now(),
    cancelled: false,
    heavyStep: null,
    runs: [],
    sql: new SqlTraceData(req.vpopmailDb ?? null),
    sqlCounts: new Map(),
    sqlDomains: (root) => {
      let m = sqlByRoot.get(root);
      if (!m) {
        const inst = st.installs.find((i) => i.root === root);
        m = inst ? sqlDomainsOf(inst, systemUsersOf(st.sysroot)) : new Map();
        sqlByRoot.set(root, m);
      }
      return m;
    },
    sources: new Map(),
    emit: () => {
      if (!st.cancelled) publish({ ...data, instances: [...data.instances], errors: [...data.errors], parts: { ...data.parts }, details: { ...data.details } });
    },
  };

  let installsReady: () => void = () => {};
  const installsLoaded = new Promise<void>((resolve) => (installsReady = resolve));
  const pending = new Set<string>();
  const request = (r: DetailRequest): void => {
    const key = requestKey(r);
    if (pending.has(key) || data.details[key]) return;
    pending.add(key);
    const reader = readerFor(r, req.sources ?? SOURCES);
    // After `r`, a request may come before the installations it needs.
    void (reader.needsInstalls ? installsLoaded : yieldTurn()).then(async () => {
      if (st.cancelled) return;
      try {
        data.details[key] = await reader.read(st, r);
      } catch (e) {
        data.details[key] = reader.failed(r, errorText(e));
      }
      pending.delete(key);
      st.emit();
    });
  };

  const done = runPhases(st, installsReady)
    .finally(() => installsReady())
    .catch((e: unknown) => {
      data.errors.push(errorText(e));
      data.progress = null;
      st.emit();
    });
  return {
    done,
    request,
    cancel: () => {
      st.cancelled = true;
      for (const r of st.runs) r.stop();
      void st.sql.close();
    },
  };
}
