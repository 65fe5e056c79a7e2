// A big queue read by several threads at once. Reading a queue is some ten
// system calls per message (stat mess, open/fstat/read/close info, local,
// remote), each a few microseconds, so one thread spends seconds on a
// 100,000-message queue. Split directories are claimed one at a time from
// a shared counter by worker threads (queue-scan-worker.ts) and by this
// thread whenever it has nothing to print, and each is read and rendered
// where it is claimed. The chunks are printed in the order one reader would
// give them: split directory 0, 1, ..., ids ascending. The tracer's
// predictions are spliced in here, in that order, while the workers read on
// (queue-render.ts). Same text, same problems, same tally as one thread.
import { Sysroot } from '../sysroot/sysroot.js';
import { QueueProblems, newTally, openScan, type QueueLayout, type DirListing, type QueueListing, type ScanContext, type ScanOptions, type ScanTally } from '../qmail/queue.js';
import { cores, startWorker, workersAvailable } from '../runtime/workers.js';
import type { ResourceLimits, Worker } from 'node:worker_threads';
import { renderSplit, type RenderOptions, type RenderedChunk } from './queue-render.js';
import { CLAIM, FINISHED, STOP, type ScanWorkerMessage, type ScanWorkerRequest } from './queue-pool-protocol.js';

const WORKER_URL = new URL('./queue-scan-worker.js', import.meta.url);

export interface PoolOptions {
  /** Worker threads; 0 reads in this thread only. Default: defaultWorkers(). */
  workers?: number;
  /** Below this many messages (qmail-qstat's count) one thread is faster than starting workers. */
  minMessages?: number;
  /** Split directories that may be read beyond the one being printed. */
  ahead?: number;
  /** Messages per chunk posted. */
  chunk?: number;
  /** Told how many workers read (0: this thread alone). */
  onStart?: (workers: number) => void;
  /** The workers' heap limits. */
  limits?: ResourceLimits;
}

/**
 * A worker thread costs some 35 ms of CPU to start and 20 more to load its
 * modules; a message costs some 30 µs to read. Below 5,000 messages (0.15 s
 * of reading) one thread is done before a worker would help.
 */
export const DEFAULT_MIN_MESSAGES = 5000;

/**
 * Split directories read beyond the one being printed, per reader: one each
 * keeps them busy. More let them read on while the first recipients'
 * predictions are made, but cost 2-3 MB of rendered text a directory on a
 * 100,000-message queue (8 ahead took the --json listing past 300 MB) and
 * measured no faster.
 */
export const DEFAULT_AHEAD = 1;

/**
 * Workers besides this thread: one per core, at most four in all. This
 * thread reads too when it has nothing to print, so without predictions it
 * is one of the readers; with them it is busy splicing predictions, and
 * every core gets a worker.
 */
export function defaultWorkers(predicting: boolean): number {
  const n = cores();
  return n <= 1 ? 0 : predicting ? n : n - 1;
}

interface Pending {
  chunks: RenderedChunk[];
  end: Extract<ScanWorkerMessage, { kind: 'end' }> | null;
}

function addTally(into: ScanTally, t: ScanTally): void {
  into.listed += t.listed;
  into.todo += t.todo;
  into.vanished += t.vanished;
  into.inFlight += t.inFlight;
  into.incomplete ||= t.incomplete;
}

/** The listing's ids in one shared buffer (workers read it in place), with each split directory's start. */
function sharedIds(layout: QueueLayout, listing: QueueListing): { ids: Float64Array; starts: number[] } {
  let total = 0;
  for (const d of layout.splitDirs) total += listing.dirs.get(d)?.ids.length ?? 0;
  const ids = new Float64Array(new SharedArrayBuffer(Math.max(1, total) * Float64Array.BYTES_PER_ELEMENT));
  const starts = [0];
  for (const d of layout.splitDirs) {
    const mine = listing.dirs.get(d)?.ids ?? [];
    ids.set(mine, starts[starts.length - 1]);
    starts.push(starts[starts.length - 1] + mine.length);
  }
  return { ids, starts };
}

/** What the listing found in split directory `d`. */
function listedIn(listing: QueueListing, d: number): DirListing {
  return listing.dirs.get(d) ?? { ids: [] };
}

/**
 * The queue listing's messages, rendered in chunks in listing order, read
 * from `listing` (listQueue's ids): by worker threads and this thread when
 * the queue is big enough and the program runs compiled (tests from source
 * read in this thread). Problems go to `problems`, counters to `tally`, as
 * scanQueue() would leave them.
 */
export async function* renderQueue(
  sysroot: Sysroot,
  layout: QueueLayout,
  listing: QueueListing,
  problems: QueueProblems,
  opts: ScanOptions,
  render: RenderOptions,
  tally: ScanTally,
  pool: PoolOptions = {},
): AsyncGenerator<RenderedChunk> {
  if (!layout.present || layout.split === 0) return;
  const chunkSize = pool.chunk ?? 500;
  // todo/ and bounce/ listed once, here, so their problems are met once.
  const cx = openScan(sysroot, layout, problems, { ...opts, predict: undefined });
  const dirs = layout.splitDirs;
  const workers = Math.min(pool.workers ?? defaultWorkers(render.predict), dirs.length);
  const usable =
    workers > 0 &&
    workersAvailable &&
    listing.counts.messages >= (pool.minMessages ?? DEFAULT_MIN_MESSAGES) &&
    // A worker opens a plain Sysroot on the same directory: a view with
    // more to it (a snapshot, staged edits) is read here.
    sysroot.constructor === Sysroot;
  pool.onStart?.(usable ? workers : 0);
  if (!usable) {
    for (let index = 0; index < dirs.length; index++) {
      const part = newTally();
      const stop = yield* renderSplit(cx, dirs[index], listedIn(listing, dirs[index]), part, new Map(), render, chunkSize);
      addTally(tally, part);
      if (stop) return;
    }
    return;
  }
  yield* readTogether(sysroot, cx, listing, problems, render, tally, { ...pool, workers, chunk: chunkSize });
}

/** The listing read by `pool.workers` workers and this thread, as renderQueue says. */
async function* readTogether(
  sysroot: Sysroot,
  cx: ScanContext,
  listing: QueueListing,
  problems: QueueProblems,
  render: RenderOptions,
  tally: ScanTally,
  pool: PoolOptions & { workers: number; chunk: number },
): AsyncGenerator<RenderedChunk> {
  const { layout } = cx.dirs;
  const dirs = layout.splitDirs;
  const control = new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT);
  const ctl = new Int32Array(control);
  const ahead = pool.ahead ?? pool.workers + 1 + DEFAULT_AHEAD;
  const { ids, starts } = sharedIds(layout, listing);
  const req: ScanWorkerRequest = {
    hostRoot: sysroot.hostRoot,
    faults: sysroot.faultMap(),
    layout,
    now: cx.now,
    queuelifetime: cx.lifetimeMs / 1000,
    startedMs: cx.startedMs,
    todoIds: [...cx.todoIds],
    bounceIds: [...cx.bounceIds],
    includeTodo: cx.includeTodo,
    ids,
    starts,
    dirNotes: [...listing.dirs]
      .filter(([, l]) => l.error || l.odd)
      .map(([d, l]) => ({ d, error: l.error ? { code: l.error.code, path: l.error.path, message: l.error.message } : undefined, odd: l.odd })),
    control,
    ahead,
    chunk: pool.chunk,
    render,
  };

  const pending = new Map<number, Pending>();
  const pendingOf = (i: number): Pending => {
    let p = pending.get(i);
    if (!p) pending.set(i, (p = { chunks: [], end: null }));
    return p;
  };
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const nudge = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  const threads: Worker[] = [];
  let running = pool.workers;
  for (let n = 0; n < pool.workers; n++) {
    threads.push(
      startWorker<ScanWorkerRequest, ScanWorkerMessage>(
        WORKER_URL,
        req,
        {
          message: (m) => {
            if (m.kind === 'chunk') pendingOf(m.index).chunks.push(m.chunk);
            else if (m.kind === 'end') pendingOf(m.index).end = m;
            nudge();
          },
          error: (e) => {
            failure ??= e;
            nudge();
          },
          exit: () => {
            running--;
            nudge();
          },
        },
        pool.limits,
      ),
    );
  }

  // This thread's own reading: its problems are kept per directory, like a worker's, and taken in listing order.
  const mine = { cx: openScan(sysroot, layout, new QueueProblems(), { now: cx.now, queuelifetime: cx.lifetimeMs / 1000, startedMs: cx.startedMs, todoIds: cx.todoIds, bounceIds: cx.bounceIds, includeTodo: cx.includeTodo }), openDirs: new Map<string, boolean>() };
  const readHere = (index: number): void => {
    const part = newTally();
    const p = pendingOf(index);
    const chunks = renderSplit(mine.cx, dirs[index], listedIn(listing, dirs[index]), part, mine.openDirs, render, pool.chunk);
    let step = chunks.next();
    for (; !step.done; step = chunks.next()) p.chunks.push(step.value);
    const mp = mine.cx.problems;
    p.end = { kind: 'end', index, tally: part, problems: mp.list.splice(0), onceCodes: mp.onceCodes(), stop: step.value };
  };

  let index = 0;
  // Of the directory being consumed: the last message id handed out (to resume after a failed worker).
  let lastId = -1;
  try {
    while (index < dirs.length) {
      const p = pending.get(index);
      if (p && p.chunks.length > 0) {
        const chunk = p.chunks.shift()!;
        if (chunk.lastId !== undefined) lastId = chunk.lastId;
        yield chunk;
        continue;
      }
      if (p?.end) {
        pending.delete(index);
        addTally(tally, p.end.tally);
        problems.absorb(p.end.problems, p.end.onceCodes);
        if (p.end.stop) return;
        index++;
        lastId = -1;
        Atomics.store(ctl, FINISHED, index);
        Atomics.notify(ctl, FINISHED);
        continue;
      }
      if (failure || running === 0) break;
      // Nothing to print yet: read the next unclaimed directory here, if it is within reach.
      const claimed = Atomics.load(ctl, CLAIM);
      if (claimed < dirs.length && claimed < index + ahead) {
        const mineIndex = Atomics.add(ctl, CLAIM, 1);
        if (mineIndex < dirs.length) {
          readHere(mineIndex);
          continue;
        }
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
    if (index >= dirs.length) return;
    // A worker died (a bug, or out of memory), or all ended with directories
    // unread: read the rest here, from where the messages handed out so far
    // end, so each is listed once.
    Atomics.store(ctl, STOP, 1);
    Atomics.notify(ctl, FINISHED);
    for (const w of threads) void w.terminate();
    for (; index < dirs.length; index++) {
      const part = newTally();
      // A worker that died may have handed out part of this directory; its tally of it is lost, so it is counted again here.
      const done = pending.get(index)?.end;
      if (done) {
        // Read whole by a reader that did not fail: taken as it is.
        const p = pending.get(index)!;
        for (const c of p.chunks) yield c;
        addTally(tally, done.tally);
        problems.absorb(done.problems, done.onceCodes);
        if (done.stop) return;
        lastId = -1;
        continue;
      }
      const stop = yield* renderSplit(cx, dirs[index], listedIn(listing, dirs[index]), part, new Map(), render, pool.chunk, lastId);
      lastId = -1;
      addTally(tally, part);
      if (stop) return;
    }
  } finally {
    Atomics.store(ctl, STOP, 1);
    Atomics.notify(ctl, FINISHED);
    for (const w of threads) void w.terminate();
  }
}
