// The one place the TUI gets its data: it calls the model and hands plain
// data to the store. Every step awaits a turn of the event loop, so keys are
// handled while it reads, and the small facts (installations, me, domain
// counts, queue counts) are published before anything large (the queue
// listing, home directories).
import { Sysroot, FsError, normalizeSystemPath, decodeBytes } from '../sysroot/sysroot.js';
import { discoverInstances } from '../qmail/discover.js';
import { loadInstallation, systemUsersOf, type LoadedInstallation } from '../qmail/installation.js';
import { domainMatrix, type DomainMatrix, type DomainRow } from '../qmail/domains.js';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dotqmailBranch } from './dotqmail-tree.js';
import { computeHeavyParts, type DomainManagers, type HeavyMessage, type HeavyRequest } from './heavy-parts.js';
import {
  QueueProblems,
  readQueueLayout,
  countQueue,
  readQueueMessage,
  type QueueLayout,
} from '../qmail/queue.js';
import type { QueueItem } from './queue-items.js';
import type { Leak } from '../veil/index.js';
import { scanQueues, fromColumns, messageId, type QueueScanMessage, type QueueScanRequest } from './queue-scan.js';
import { sanitize } from '../text/sanitize.js';
import { traceAddress } from '../trace/walk.js';
import { builtinManagers } from '../trace/managers.js';
import { tracerPredictor } from '../trace/queue-predict.js';
import { requestKey, type DetailRequest, type InstanceSummary, type QueueView, type SessionData, type SourceInfo } from './session-data.js';

export interface LoadRequest {
  source: SourceInfo;
  /** --instance values; empty: discover. */
  instances: string[];
  /** The time queue ages are measured from (tests fix it). */
  now?: number;
  /** The background reading (worker threads) waits for this: the TUI's first frame with the domain rows. */
  background?: Promise<void>;
}

/** Lets key handling and drawing run between load steps. */
const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export { subjectOf } from './queue-scan.js';

/** Most bytes the file view reads: enough for any sane file; a mailbox or a 10 MB .qmail shows its head. */
const FILE_VIEW_MAX = 1024 * 1024;

function describe(e: unknown): string {
  if (e instanceof FsError) return sanitize(e.message);
  return sanitize(e instanceof Error ? e.message : String(e));
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

const WORKER_URL = new URL('./load-worker.js', import.meta.url);
const QUEUE_WORKER_URL = new URL('./queue-worker.js', import.meta.url);

/**
 * The workers' heaps, kept small: with V8's defaults its garbage grows to a few
 * hundred megabytes before it is collected (the checks allocate fast), which
 * on a big host doubled the TUI's peak memory. A small young generation and a
 * capped old one make V8 collect early; live data stays well below the cap (and a
 * worker that outgrows it is started again without it).
 */
const WORKER_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 8 };

/**
 * Run `inline`'s work in a worker thread (the compiled `url`), posting its
 * messages to `on`; inline (after a turn of the event loop) when the compiled
 * worker file is not there (tests run from source).
 */
function runInWorker<Req, Msg extends { part: string }>(
  url: URL,
  inline: (req: Req, post: (m: Msg) => void) => void,
  req: Req,
  on: (m: Msg) => void,
  failed: (text: string) => Msg,
  limits: ResourceLimits = WORKER_LIMITS,
): { done: Promise<void>; stop(): void } {
  let stopped = false;
  if (!existsSync(fileURLToPath(url))) {
    const done = yieldTurn().then(() => {
      if (!stopped) inline(req, (m) => !stopped && on(m));
    });
    return { done, stop: () => (stopped = true) };
  }
  let worker: Worker;
  const done = new Promise<void>((resolve) => {
    const start = (limits: ResourceLimits | undefined): void => {
      const w = new Worker(url, { workerData: req, resourceLimits: limits });
      worker = w;
      w.on('message', (m: Msg) => {
        if (!stopped) on(m);
        if (m.part === 'done') resolve();
      });
      w.on('error', (e: Error & { code?: string }) => {
        // Outgrew the small heap: start again with V8's own limits (the parts posted so far are posted again).
        if (limits && e.code === 'ERR_WORKER_OUT_OF_MEMORY' && !stopped) {
          start(undefined);
          return;
        }
        if (!stopped) on(failed(`background reading failed: ${sanitize(e.message)}`));
        on({ part: 'done' } as Msg);
        resolve();
      });
      // A worker given up for a bigger one (above) exits without ending the run.
      w.on('exit', () => {
        if (worker === w) resolve();
      });
    };
    start(limits);
  });
  return {
    done,
    stop: () => {
      stopped = true;
      void worker.terminate();
    },
  };
}

/** The checks, veil, managers and .qmail tree (heavy-parts.ts) in a worker thread. */
export function runHeavy(req: HeavyRequest, on: (m: HeavyMessage) => void): { done: Promise<void>; stop(): void } {
  return runInWorker<HeavyRequest, HeavyMessage>(WORKER_URL, computeHeavyParts, req, on, (text) => ({ part: 'error', text }));
}

export interface Loader {
  /** Resolves when everything is loaded (or the load was cancelled). */
  done: Promise<void>;
  cancel(): void;
  /** Read something on demand (a queued message, a file); published into data.details. */
  request(r: DetailRequest): void;
}

/** Load a session, publishing a new snapshot after each step. */
export function startLoad(req: LoadRequest, publish: (data: SessionData) => void): Loader {
  let cancelled = false;
  const data: SessionData = {
    source: req.source,
    instances: [],
    progress: { done: 0, total: 1, step: 'finding installations' },
    errors: [],
    parts: {},
    details: {},
  };
  const emit = (): void => {
    if (!cancelled) publish({ ...data, instances: [...data.instances], errors: [...data.errors], parts: { ...data.parts }, details: { ...data.details } });
  };
  let sysroot = new Sysroot(req.source.sysrootDir);
  const installs: LoadedInstallation[] = [];
  const layouts = new Map<string, QueueLayout>();
  const now = req.now ?? Date.now();

  // What the worker is doing, shown while the main thread has nothing else to say.
  let heavyStep: string | null = null;
  let heavy: { stop(): void } | null = null;
  let queues: { done: Promise<void>; stop(): void } | null = null;
  const step = (name: string): void => {
    if (data.progress) data.progress = { ...data.progress, step: name };
  };
  const advance = (): void => {
    if (data.progress) data.progress = { ...data.progress, done: data.progress.done + 1 };
  };

  const run = async (): Promise<void> => {
    emit();
    await yieldTurn();
    let roots: string[];
    try {
      roots = req.instances.length ? req.instances.map(normalizeSystemPath) : discoverInstances(sysroot);
    } catch (e) {
      data.errors.push(describe(e));
      roots = [];
    }
    if (roots.length === 0) data.errors.push(`no qmail installation found under ${sanitize(req.source.sysrootDir)}`);
    // installations × (summary, queue scan) + problems
    data.progress = { done: 0, total: roots.length * 2 + 1, step: 'reading control files' };
    emit();
    const matrices: Record<string, DomainMatrix> = {};
    // 1. What the first screen shows: me, domain counts, queue counts.
    for (const root of roots) {
      if (cancelled) return;
      await yieldTurn();
      try {
        if (sysroot.stat(`${root}/control`)?.kind !== 'dir') {
          data.errors.push(`${sanitize(root)}: not a qmail installation (no control/ directory)`);
        } else {
          const inst = loadInstallation(sysroot, root);
          installs.push(inst);
          // Managers are named in the second pass: that reads one .qmail-default per virtual domain.
          const matrix = domainMatrix(inst, systemUsersOf(sysroot), { managers: false });
          matrices[root] = matrix;
          const summary = summarize(inst, matrix);
          const problems = new QueueProblems();
          const layout = readQueueLayout(sysroot, root, problems);
          layouts.set(root, layout);
          summary.queue = countQueue(sysroot, layout, problems);
          data.instances.push(summary);
        }
      } catch (e) {
        data.errors.push(`${sanitize(root)}: ${describe(e)}`);
      }
      advance();
      emit();
    }
    data.parts.domains = { ...matrices };
    installsReady();
    emit();
    // The workers load modules and read files on both cores: until the first frame is drawn they would slow it down.
    if (req.background) await req.background;
    if (cancelled) return;
    // What the first screen read (users/cdb, virtualdomains, the passwd table,
    // tens of megabytes on a big host) is not kept while the workers run: a
    // trace or a message reads again what it needs, through a fresh view.
    sysroot = sysroot.reopen();
    installs.splice(0, installs.length, ...installs.map((i) => loadInstallation(sysroot, i.root)));
    // 2. Checks, veil, managers, .qmail tree: seconds on a big host, so in worker threads.
    // The veil search and the checks run after the queue scan, each in a worker of its own (see HeavyRequest.parts).
    // Only the checks' worker ends the step (the names' worker may end before or after it).
    const onHeavy = (last: boolean) => (m: HeavyMessage): void => {
      if (cancelled) return;
      switch (m.part) {
        case 'step':
          heavyStep = m.text;
          return;
        case 'problems':
          data.parts.problems = m.value;
          break;
        case 'veil':
          data.parts.veil = m.value;
          break;
        case 'managers': {
          const matrix = data.parts.domains?.[m.root];
          if (matrix) data.parts.domains = { ...data.parts.domains, [m.root]: withManagers(matrix, m.value) };
          break;
        }
        case 'dotqmail':
          data.parts.dotqmail = m.value;
          break;
        case 'error':
          data.errors.push(m.text);
          break;
        case 'done':
          if (!last) return;
          heavyStep = null;
          advance();
          break;
      }
      emit();
    };
    const names = runHeavy({ sysrootDir: req.source.sysrootDir, roots: installs.map((i) => i.root), parts: 'names' }, onHeavy(false));
    heavy = names;
    // 4. The queues and their subjects, read in a worker of their own: only compact rows come back.
    const lists = new Map<string, QueueView>();
    const putQueue = (qv: QueueView): void => {
      lists.set(qv.instance, qv);
      data.parts.queues = { ...data.parts.queues, [qv.instance]: qv };
    };
    const scans = new Map<string, QueueItem[]>();
    // Each installation's strings (senders, recipients, subjects) by the worker's numbers.
    const tables = new Map<string, string[]>();
    const more = (root: string, strings: string[]): string[] => {
      let table = tables.get(root);
      if (!table) tables.set(root, (table = []));
      for (const x of strings) table.push(x);
      return table;
    };
    queues = runInWorker<QueueScanRequest, QueueScanMessage>(
      QUEUE_WORKER_URL,
      scanQueues,
      { sysrootDir: req.source.sysrootDir, roots: installs.map((i) => i.root), now },
      (m) => {
        if (cancelled) return;
        switch (m.part) {
          case 'step':
            step(m.text);
            break;
          case 'listing': {
            // The first chunk of a listing (again, if the worker was started again) starts it afresh.
            if (m.scanned === 0) {
              scans.delete(m.root);
              tables.delete(m.root);
            }
            let items = scans.get(m.root);
            if (!items) scans.set(m.root, (items = []));
            const table = more(m.root, m.strings);
            if (m.items) fromColumns(m.items, table, items);
            // A copy while scanning, so the list's memo sees a new array with each chunk.
            putQueue({ instance: m.root, present: m.present, counts: m.counts, messages: items.slice(), shape: null, problems: [], complete: false, now, subjects: new Map(), subjectsRead: 0 });
            break;
          }
          case 'listed': {
            const qv = lists.get(m.root);
            if (qv) putQueue({ ...qv, messages: scans.get(m.root) ?? [], shape: m.shape, problems: m.problems, complete: true });
            scans.delete(m.root);
            advance();
            break;
          }
          case 'subjects': {
            const qv = lists.get(m.root);
            const table = more(m.root, m.strings);
            if (!qv) break;
            for (let k = 0; k < m.ids.length; k++) qv.subjects.set(messageId(m.ids, k), table[m.subjects[k]]);
            putQueue({ ...qv, subjectsRead: m.read });
            break;
          }
          case 'error':
            data.errors.push(m.text);
            advance();
            break;
          case 'done':
            return;
        }
        emit();
      },
      (text) => ({ part: 'error', root: '', text }),
    );
    await queues.done;
    tables.clear();
    if (cancelled) return;
    // The veil search, then the checks, each in a worker of its own: the
    // first one's heap is gone before the second starts. The checks take the
    // leaks found (their veil rule would look for them again).
    const loaded = installs.map((i) => i.root);
    const later: Array<{ done: Promise<void>; stop(): void }> = [names];
    heavy = { stop: () => later.forEach((w) => w.stop()) };
    // The worker's steps, shown until `done` (a step the names' worker posts late must not keep this loop going).
    const showSteps = async (done: Promise<void>): Promise<void> => {
      step('');
      let over = false;
      void done.then(() => (over = true));
      while (heavyStep !== null && !over && !cancelled) {
        step(heavyStep);
        emit();
        await Promise.race([done, new Promise((r) => setTimeout(r, 250))]);
      }
      await done;
    };
    let leaks: Leak[] = [];
    const onVeil = onHeavy(false);
    const veil = runHeavy({ sysrootDir: req.source.sysrootDir, roots: loaded, parts: 'veil' }, (m) => {
      if (m.part === 'veil') leaks = m.value;
      onVeil(m);
    });
    later.push(veil);
    await showSteps(veil.done);
    if (cancelled) return;
    const checks = runHeavy({ sysrootDir: req.source.sysrootDir, roots: loaded, parts: 'checks', leaks }, onHeavy(true));
    later.push(checks);
    await showSteps(Promise.all([names.done, checks.done]).then(() => undefined));
    data.progress = null;
    emit();
  };

  const pending = new Set<string>();
  let installsReady: () => void = () => {};
  const installsLoaded = new Promise<void>((resolve) => (installsReady = resolve));
  const request = (r: DetailRequest): void => {
    const key = requestKey(r);
    if (pending.has(key) || data.details[key]) return;
    pending.add(key);
    // A trace waits for the installations (after `r`, the request may come first).
    // A message waits too: each pending recipient gets the tracer's prediction.
    void (r.kind === 'trace' || r.kind === 'branch' || r.kind === 'message' ? installsLoaded : yieldTurn()).then(() => {
      if (cancelled) return;
      try {
        if (r.kind === 'message') {
          const problems = new QueueProblems();
          const layout = layouts.get(r.instance) ?? readQueueLayout(sysroot, r.instance, problems);
          const roots = installs.map((i) => i.root);
          const predict = roots.includes(r.instance) ? tracerPredictor(sysroot, r.instance, roots, now) : undefined;
          const message = readQueueMessage(sysroot, layout, r.id, problems, { now, predict });
          data.details[key] = {
            kind: 'message',
            message,
            error: message ? null : problems.list.map((d) => sanitize(d.message)).join('; ') || `message ${r.id} is no longer in the queue`,
          };
        } else if (r.kind === 'branch') {
          const inst = installs.find((i) => i.root === r.instance);
          data.details[key] = inst
            ? { kind: 'branch', nodes: dotqmailBranch(sysroot, inst, systemUsersOf(sysroot), r.id), error: null }
            : { kind: 'branch', nodes: [], error: `${sanitize(r.instance)} is not loaded` };
        } else if (r.kind === 'trace') {
          const users = systemUsersOf(sysroot);
          // A queued recipient is walked only where it is queued, from qmail-lspawn (local) or as remote.
          const q = r.queued ?? null;
          const walkIn = q ? installs.filter((i) => i.root === q.instance) : installs;
          const results = walkIn.map((inst) => traceAddress(inst, users, r.address, { managers: builtinManagers, others: installs, channel: q?.channel }));
          data.details[key] = { kind: 'trace', address: r.address, results, error: installs.length ? null : 'no installation loaded yet' };
        } else {
          // A jump may land on a mailbox: a 2 GB mbox is never read whole, only its head is shown.
          const st = sysroot.stat(r.path);
          const big = st !== null && st.kind === 'file' && st.size > FILE_VIEW_MAX;
          const buf = big ? sysroot.readHead(r.path, FILE_VIEW_MAX) : sysroot.read(r.path);
          const lines = buf === null ? null : decodeBytes(buf).split('\n').map((l) => sanitize(l));
          if (lines && big) lines.push(`… (the file is ${st!.size} bytes; only the first ${FILE_VIEW_MAX} are shown)`);
          data.details[key] = {
            kind: 'file',
            file: lines === null ? { path: r.path, lines: null, error: 'no such file' } : { path: r.path, lines, error: null },
          };
        }
      } catch (e) {
        data.details[key] =
          r.kind === 'message'
            ? { kind: 'message', message: null, error: describe(e) }
            : r.kind === 'trace'
              ? { kind: 'trace', address: r.address, results: [], error: describe(e) }
              : r.kind === 'branch'
                ? { kind: 'branch', nodes: [], error: describe(e) }
              : { kind: 'file', file: { path: r.path, lines: null, error: describe(e) } };
      }
      pending.delete(key);
      emit();
    });
  };

  const done = run().finally(() => installsReady()).catch((e: unknown) => {
    data.errors.push(describe(e));
    data.progress = null;
    emit();
  });
  return {
    done,
    request,
    cancel: () => {
      cancelled = true;
      heavy?.stop();
      queues?.stop();
    },
  };
}
