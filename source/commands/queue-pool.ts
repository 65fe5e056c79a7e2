// A big queue read by several threads at once. Reading a queue is some ten
// system calls per message (stat mess, open/fstat/read/close info, local,
// remote), each a few microseconds, so one thread spends seconds on a
// 100,000-message queue; worker threads (queue-scan-worker.ts) each take
// whole split directories, read and render their messages, and the chunks
// come back here in the order one reader would give them: split directory
// 0, 1, ..., ids ascending. The tracer's predictions are spliced in by the
// consumer, in that order, while the workers read on (queue-render.ts).
// Same text, same problems, same tally as one thread reading.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { Sysroot } from '../sysroot/sysroot.js';
import {
  newTally,
  openScan,
  type QueueLayout,
  type QueueProblems,
  type ScanOptions,
  type ScanTally,
} from '../qmail/queue.js';
import { renderSplit, type RenderOptions, type RenderedChunk } from './queue-render.js';
import { CLAIM, FINISHED, STOP, type ScanWorkerMessage, type ScanWorkerRequest } from './queue-pool-protocol.js';

const WORKER_URL = new URL('./queue-scan-worker.js', import.meta.url);

export interface PoolOptions {
  /** Worker threads; 0 reads in this thread. Default: the cores, at most 4. */
  workers?: number;
  /** Below this many messages (qmail-qstat's count) one thread is faster than starting workers. */
  minMessages?: number;
  /** Split directories a worker may read ahead of the consumer. */
  ahead?: number;
  /** Messages per chunk posted. */
  chunk?: number;
  /** Told how many workers read (0: this thread). */
  onStart?: (workers: number) => void;
  /** The workers' heap limits. */
  limits?: ResourceLimits;
}

export const DEFAULT_MIN_MESSAGES = 5000;

/**
 * Split directories a worker reads beyond the one being printed: one each
 * keeps them busy. More let them read on while the first recipients'
 * predictions are made, but cost 2-3 MB of rendered text a directory on a
 * 100,000-message queue (8 ahead took the --json listing past 300 MB) and
 * measured no faster.
 */
export const DEFAULT_AHEAD = 1;

/**
 * A small young generation: V8's default lets each worker's short-lived
 * garbage (a Stats object and a buffer per file, the rendered text) grow to
 * some 40 MB before it is collected; 8 MB takes ~15 MB off each worker at
 * no measurable cost in time.
 */
const WORKER_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 8 };

/** One per core, at most four; none on a single core (a worker there only adds its start-up). */
export function defaultWorkers(): number {
  const cores = availableParallelism();
  return cores <= 1 ? 0 : Math.min(4, cores);
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

/** The messages of the directories from `index` on, read and rendered in this thread. */
function* renderHere(
  cx: ReturnType<typeof openScan>,
  dirs: number[],
  index: number,
  afterId: number,
  render: RenderOptions,
  tally: ScanTally,
  chunkSize: number,
): Generator<RenderedChunk> {
  const openDirs = new Map<string, boolean>();
  for (; index < dirs.length; index++) {
    const part = newTally();
    // A worker that died may have handed out part of this directory; its tally of it is lost, so it is counted again here.
    const stop = yield* renderSplit(cx, dirs[index], part, openDirs, render, chunkSize, afterId);
    afterId = -1;
    addTally(tally, part);
    if (stop) return;
  }
}

/**
 * The queue listing's messages, rendered in chunks in listing order: read by
 * worker threads when the queue is big enough and the compiled worker is
 * there (tests running from source read in this thread). `expected` is the
 * number of messages the counts found. Problems go to `problems`, counters
 * to `tally`, as scanQueue() would leave them.
 */
export async function* renderQueue(
  sysroot: Sysroot,
  layout: QueueLayout,
  problems: QueueProblems,
  opts: ScanOptions,
  render: RenderOptions,
  tally: ScanTally,
  expected: number,
  pool: PoolOptions = {},
): AsyncGenerator<RenderedChunk> {
  if (!layout.present || layout.split === 0) return;
  const chunkSize = pool.chunk ?? 500;
  // todo/ and bounce/ listed once, here, so their problems are met once.
  const cx = openScan(sysroot, layout, problems, { ...opts, predict: undefined });
  const dirs = layout.splitDirs;
  const workers = Math.min(pool.workers ?? defaultWorkers(), dirs.length);
  const usable =
    workers > 0 &&
    expected >= (pool.minMessages ?? DEFAULT_MIN_MESSAGES) &&
    // A worker opens a plain Sysroot on the same directory: a view with
    // more to it (a snapshot, staged edits) is read here.
    sysroot.constructor === Sysroot &&
    existsSync(fileURLToPath(WORKER_URL));
  pool.onStart?.(usable ? workers : 0);
  if (!usable) {
    yield* renderHere(cx, dirs, 0, -1, render, tally, chunkSize);
    return;
  }

  const control = new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT);
  const ctl = new Int32Array(control);
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
    control,
    ahead: pool.ahead ?? workers + DEFAULT_AHEAD,
    chunk: chunkSize,
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
  let running = workers;
  for (let n = 0; n < workers; n++) {
    const w = new Worker(WORKER_URL, { workerData: req, resourceLimits: pool.limits ?? WORKER_LIMITS });
    w.on('message', (m: ScanWorkerMessage) => {
      if (m.kind === 'chunk') pendingOf(m.index).chunks.push(m.chunk);
      else if (m.kind === 'end') pendingOf(m.index).end = m;
      nudge();
    });
    w.on('error', (e) => {
      failure ??= e;
      nudge();
    });
    w.on('exit', () => {
      running--;
      nudge();
    });
    threads.push(w);
  }

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
      await new Promise<void>((resolve) => (wake = resolve));
    }
    if (index >= dirs.length) return;
    // A worker died (a bug, or out of memory): read the rest here, from
    // where the messages handed out so far end, so each is listed once.
    Atomics.store(ctl, STOP, 1);
    Atomics.notify(ctl, FINISHED);
    for (const w of threads) void w.terminate();
    yield* renderHere(cx, dirs, index, lastId, render, tally, chunkSize);
  } finally {
    Atomics.store(ctl, STOP, 1);
    Atomics.notify(ctl, FINISHED);
    for (const w of threads) void w.terminate();
  }
}
