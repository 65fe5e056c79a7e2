// The one place the TUI gets its data: it calls the model and hands plain
// data to the store. Every step awaits a turn of the event loop, so keys are
// handled while it reads, and the small facts (installations, me, domain
// counts, queue counts) are published before anything large (the queue
// listing, home directories).
import { Sysroot, FsError, normalizeSystemPath, decodeBytes } from '../sysroot/sysroot.js';
import { discoverInstances } from '../qmail/discover.js';
import { loadInstallation, systemUsersOf, type LoadedInstallation } from '../qmail/installation.js';
import { domainMatrix, type DomainMatrix } from '../qmail/domains.js';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dotqmailBranch } from './dotqmail-tree.js';
import { computeHeavyParts, type HeavyMessage, type HeavyRequest } from './heavy-parts.js';
import {
  QueueProblems,
  readQueueLayout,
  countQueue,
  scanQueue,
  readQueueMessage,
  readQueuelifetime,
  addToShape,
  ShapeBuilder,
  type QueueLayout,
} from '../qmail/queue.js';
import { Interner, queueItem, type QueueItem } from './queue-items.js';
import { sanitize } from '../text/sanitize.js';
import { traceAddress } from '../trace/walk.js';
import { builtinManagers } from '../trace/managers.js';
import { requestKey, type DetailRequest, type InstanceSummary, type QueueView, type SessionData, type SourceInfo } from './session-data.js';

export interface LoadRequest {
  source: SourceInfo;
  /** --instance values; empty: discover. */
  instances: string[];
  /** The time queue ages are measured from (tests fix it). */
  now?: number;
}

/** Lets key handling and drawing run between load steps. */
const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const SUBJECT_HEAD = 4096;
const SUBJECT_FIRST = 1024;

/** The head holds the blank line that ends the header. */
function headerEnded(head: Buffer): boolean {
  return head.indexOf('\n\n') >= 0 || head.indexOf('\n\r\n') >= 0 || head[0] === 0x0a;
}
/** Most bytes the file view reads: enough for any sane file; a mailbox or a 10 MB .qmail shows its head. */
const FILE_VIEW_MAX = 1024 * 1024;

/**
 * The Subject header of a message head (continuation lines joined),
 * sanitized; null when none. Only the header's own bytes are decoded, so the
 * string kept for 100,000 messages does not pin each message's head in memory.
 */
export function subjectOf(head: Buffer): string | null {
  let pos = 0;
  while (pos < head.length) {
    let nl = head.indexOf(0x0a, pos);
    if (nl < 0) nl = head.length;
    const line = head.subarray(pos, nl);
    if (line.length === 0 || (line.length === 1 && line[0] === 0x0d)) return null;
    if (line.length >= 8 && line.subarray(0, 8).toString('latin1').toLowerCase() === 'subject:') {
      let end = nl;
      // Continuation lines start with a blank.
      while (end + 1 < head.length && (head[end + 1] === 0x20 || head[end + 1] === 0x09)) {
        const next = head.indexOf(0x0a, end + 1);
        end = next < 0 ? head.length : next;
      }
      const text = decodeBytes(Buffer.from(head.subarray(pos + 8, end)));
      return sanitize(text.replace(/\r?\n[ \t]+/g, ' ').replace(/\r$/, '').trim());
    }
    pos = nl + 1;
  }
  return null;
}

/** Messages read between two yields while scanning a queue. */
const SCAN_CHUNK = 250;
/** A partial listing is published at most this often (each publish copies the list so far). */
const PUBLISH_MS = 400;

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

const WORKER_URL = new URL('./load-worker.js', import.meta.url);

/**
 * The worker's heap, kept small: with V8's defaults its garbage grows to a few
 * hundred megabytes before it is collected (the checks allocate fast), which
 * on a big host doubled the TUI's peak memory. A small young generation and a
 * capped old one make V8 collect early; live data stays well below the cap (and a
 * worker that outgrows it is started again without it).
 */
const HEAVY_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 8 };

/**
 * Run the heavy parts in a worker thread; inline (after a turn of the event
 * loop) when the compiled worker file is not there (tests run from source).
 */
export function runHeavy(req: HeavyRequest, on: (m: HeavyMessage) => void): { done: Promise<void>; stop(): void } {
  let stopped = false;
  if (!existsSync(fileURLToPath(WORKER_URL))) {
    const done = yieldTurn().then(() => {
      if (!stopped) computeHeavyParts(req, (m) => !stopped && on(m));
    });
    return { done, stop: () => (stopped = true) };
  }
  let worker: Worker;
  const done = new Promise<void>((resolve) => {
    const start = (limits: ResourceLimits | undefined): void => {
      let finished = false;
      const w = new Worker(WORKER_URL, { workerData: req, resourceLimits: limits });
      worker = w;
      w.on('message', (m: HeavyMessage) => {
        if (m.part === 'done') finished = true;
        if (!stopped) on(m);
        if (m.part === 'done') resolve();
      });
      w.on('error', (e: Error & { code?: string }) => {
        // Outgrew the small heap: start again with V8's own limits (the parts posted so far are posted again).
        if (limits && e.code === 'ERR_WORKER_OUT_OF_MEMORY' && !stopped) {
          start(undefined);
          return;
        }
        if (!stopped) on({ part: 'error', text: `background reading failed: ${sanitize(e.message)}` });
        on({ part: 'done' });
        resolve();
      });
      w.on('exit', () => {
        if (finished || stopped || worker !== w) return;
        resolve();
      });
    };
    start(HEAVY_LIMITS);
  });
  return {
    done,
    stop: () => {
      stopped = true;
      void worker.terminate();
    },
  };
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
  const sysroot = new Sysroot(req.source.sysrootDir);
  const installs: LoadedInstallation[] = [];
  const layouts = new Map<string, QueueLayout>();
  const now = req.now ?? Date.now();

  // What the worker is doing, shown while the main thread has nothing else to say.
  let heavyStep: string | null = null;
  let heavy: { done: Promise<void>; stop(): void } | null = null;
  const step = (name: string): void => {
    if (data.progress) data.progress = { ...data.progress, step: name };
  };
  const advance = (): void => {
    if (data.progress) data.progress = { ...data.progress, done: data.progress.done + 1 };
  };

  const scanOne = async (inst: LoadedInstallation): Promise<void> => {
    const root = inst.root;
    const problems = new QueueProblems();
    const layout = layouts.get(root) ?? readQueueLayout(sysroot, root, problems);
    const counts = data.parts.queues?.[root]?.counts ?? countQueue(sysroot, layout, problems);
    const lifetime = readQueuelifetime(sysroot, root);
    const messages: QueueItem[] = [];
    // The shape is added up while scanning, so no full message outlives its row.
    const shape = new ShapeBuilder(now);
    const intern = new Interner();
    const put = (complete: boolean): void => {
      const qv: QueueView = {
        instance: root,
        present: layout.present,
        counts,
        messages: complete ? messages : messages.slice(),
        shape: complete ? { local: shape.table('local'), remote: shape.table('remote') } : null,
        problems: [...problems.list],
        complete,
        now,
        subjects: new Map(),
        subjectsRead: 0,
      };
      data.parts.queues = { ...data.parts.queues, [root]: qv };
    };
    let n = 0;
    let published = Date.now();
    for (const m of scanQueue(sysroot, layout, problems, { now, queuelifetime: lifetime })) {
      if (cancelled) return;
      messages.push(queueItem(m, intern));
      addToShape(shape, m);
      if (++n % SCAN_CHUNK === 0) {
        if (Date.now() - published >= PUBLISH_MS) {
          step(`reading queue of ${root}: ${n} of ${counts.messages} messages`);
          put(false);
          emit();
          published = Date.now();
        }
        await yieldTurn();
      }
    }
    put(true);
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
    const users = systemUsersOf(sysroot);
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
          const matrix = domainMatrix(inst, users, { managers: false });
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
    // 2. Checks, veil, managers, .qmail tree: seconds on a big host, so in a worker thread.
    heavy = runHeavy({ sysrootDir: req.source.sysrootDir, roots: installs.map((i) => i.root) }, (m) => {
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
        case 'domains':
          data.parts.domains = { ...data.parts.domains, [m.root]: m.value };
          break;
        case 'dotqmail':
          data.parts.dotqmail = m.value;
          break;
        case 'error':
          data.errors.push(m.text);
          break;
        case 'done':
          heavyStep = null;
          advance();
          break;
      }
      emit();
    });
    // 4. The queues, in chunks.
    for (const inst of installs) {
      if (cancelled) return;
      step(`reading queue of ${inst.root}`);
      emit();
      await yieldTurn();
      try {
        await scanOne(inst);
      } catch (e) {
        data.errors.push(`${sanitize(inst.root)}: queue: ${describe(e)}`);
      }
      advance();
      emit();
    }
    // 5. Subjects, for the filter and the list (one small read per message).
    for (const inst of installs) {
      if (cancelled) return;
      const qv = data.parts.queues?.[inst.root];
      const layout = layouts.get(inst.root);
      if (!qv || !layout || !layout.present || layout.split === 0) continue;
      step(`reading subjects in ${inst.root}`);
      let n = 0;
      let published = Date.now();
      for (const m of qv.messages) {
        if (cancelled) return;
        try {
          const file = `${layout.queueDir}/mess/${m.id % layout.split}/${m.id}`;
          // Most subjects sit in the first KB: a 4 KB read per message is churn for 100,000 of them.
          let head = sysroot.readHead(file, SUBJECT_FIRST);
          let subj = head ? subjectOf(head) : null;
          if (head && subj === null && head.length === SUBJECT_FIRST && !headerEnded(head)) {
            head = sysroot.readHead(file, SUBJECT_HEAD);
            subj = head ? subjectOf(head) : null;
          }
          if (subj !== null) qv.subjects.set(m.id, subj);
        } catch {
          // a message delivered meanwhile, or unreadable: it keeps no subject
        }
        if (++n % SCAN_CHUNK === 0) {
          if (Date.now() - published >= PUBLISH_MS) {
            step(`reading subjects in ${inst.root}: ${n} of ${qv.messages.length}`);
            data.parts.queues = { ...data.parts.queues, [inst.root]: { ...qv, subjectsRead: n } };
            emit();
            published = Date.now();
          }
          await yieldTurn();
        }
      }
      data.parts.queues = { ...data.parts.queues, [inst.root]: { ...qv, subjectsRead: n } };
    }
    if (heavy) {
      step('');
      while (heavyStep !== null && !cancelled) {
        step(heavyStep);
        emit();
        await Promise.race([heavy.done, new Promise((r) => setTimeout(r, 250))]);
      }
      await heavy.done;
    }
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
    void (r.kind === 'trace' || r.kind === 'branch' ? installsLoaded : yieldTurn()).then(() => {
      if (cancelled) return;
      try {
        if (r.kind === 'message') {
          const problems = new QueueProblems();
          const layout = layouts.get(r.instance) ?? readQueueLayout(sysroot, r.instance, problems);
          const message = readQueueMessage(sysroot, layout, r.id, problems, { now });
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
    },
  };
}
