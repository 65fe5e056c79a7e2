// Worker threads, one way for the whole program: the queue listing's
// readers (commands/queue-pool.ts) and the TUI's background reading
// (ui/loader.ts) start them here, with the same heap limits, the same test
// for whether they can run at all, and the same handling of a worker that
// runs out of memory.
//
// Workers run only from the compiled tree: a worker's entry is a .js file
// next to its caller, and tests run from source (a TypeScript loader) have
// none. This module is compiled with everything else, so its own URL says
// which tree is running; no file is looked for.
import { availableParallelism } from 'node:os';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { sanitize } from '../text/sanitize.js';

/** True when worker entries can be started: the program runs compiled. */
export const workersAvailable: boolean = import.meta.url.endsWith('.js');

/**
 * A small young generation: with V8's default each worker lets its
 * short-lived garbage (a Stats object and a buffer per file read, rendered
 * text) grow to some 40 MB before it is collected; 8 MB takes ~15 MB off
 * each worker at no measurable cost in time.
 */
export const SMALL_HEAP: ResourceLimits = { maxYoungGenerationSizeMb: 8 };

/**
 * The TUI's background workers also cap the old generation: the checks
 * allocate fast, and with V8's defaults their garbage doubled the TUI's peak
 * memory on a big host. Live data stays well below the cap; a worker that
 * outgrows it is started again without it (runTask).
 */
export const CAPPED_HEAP: ResourceLimits = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 8 };

/** Cores to use: one thread each, at most four; 1 on a single core. */
export function cores(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

export interface WorkerEvents<Msg> {
  message(m: Msg): void;
  /** The worker failed (threw, or ran out of memory: `code` ERR_WORKER_OUT_OF_MEMORY). */
  error(e: Error & { code?: string }): void;
  /** The worker's thread ended, after error() if it failed. */
  exit?(): void;
}

/** Start the compiled worker entry `url` with `data` as its workerData. */
export function startWorker<Req, Msg>(url: URL, data: Req, on: WorkerEvents<Msg>, limits: ResourceLimits | undefined = SMALL_HEAP): Worker {
  const w = new Worker(url, { workerData: data, resourceLimits: limits });
  w.on('message', (m: Msg) => on.message(m));
  w.on('error', (e: Error & { code?: string }) => on.error(e));
  w.on('exit', () => on.exit?.());
  return w;
}

export interface Task {
  /** Resolves when the task posted `done`, failed, or was stopped. */
  done: Promise<void>;
  stop(): void;
}

/** A turn of the event loop (keys are handled and frames drawn between load steps). */
export const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Run one task in a worker thread: `inline(req, post)` is the task, `url`
 * its compiled entry (which runs the same function on workerData and posts
 * to the parent). The task's messages go to `on`; its last one has part
 * 'done'. Without workers (tests from source) it runs here after a turn of
 * the event loop. A worker out of memory under `limits` is started again
 * with V8's own limits (its messages so far come again); any other failure
 * is posted as `failed(text)`, then 'done'.
 */
export function runTask<Req, Msg extends { part: string }>(
  url: URL,
  inline: (req: Req, post: (m: Msg) => void) => void,
  req: Req,
  on: (m: Msg) => void,
  failed: (text: string) => Msg,
  limits: ResourceLimits = CAPPED_HEAP,
): Task {
  let stopped = false;
  if (!workersAvailable) {
    const done = yieldTurn().then(() => {
      if (!stopped) inline(req, (m) => !stopped && on(m));
    });
    return { done, stop: () => (stopped = true) };
  }
  let worker: Worker | null = null;
  const done = new Promise<void>((resolve) => {
    const start = (lim: ResourceLimits | undefined): void => {
      const w: Worker = startWorker<Req, Msg>(
        url,
        req,
        {
          message: (m) => {
            if (!stopped) on(m);
            if (m.part === 'done') resolve();
          },
          error: (e) => {
            if (lim && e.code === 'ERR_WORKER_OUT_OF_MEMORY' && !stopped) {
              start(undefined);
              return;
            }
            if (!stopped) on(failed(`background reading failed: ${sanitize(e.message)}`));
            on({ part: 'done' } as Msg);
            resolve();
          },
          // A worker given up for a bigger one (above) exits without ending the task.
          exit: () => {
            if (worker === w) resolve();
          },
        },
        lim,
      );
      worker = w;
    };
    start(limits);
  });
  return {
    done,
    stop: () => {
      stopped = true;
      void worker?.terminate();
    },
  };
}
