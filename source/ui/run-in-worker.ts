// The TUI's background reading in worker threads (the checks, the veil, the
// .qmail tree, the queue scan): each part posts plain messages to the main
// thread as it goes. The same work runs inline when the compiled worker file
// is not there (tests run from source).
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { hostFileExists } from '../sysroot/host.js';
import { sanitize } from '../text/sanitize.js';

/** Lets key handling and drawing run between load steps. */
export const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The workers' heaps, kept small: with V8's defaults its garbage grows to a few
 * hundred megabytes before it is collected (the checks allocate fast), which
 * on a big host doubled the TUI's peak memory. A small young generation and a
 * capped old one make V8 collect early; live data stays well below the cap (and a
 * worker that outgrows it is started again without it).
 */
const WORKER_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 8 };

export interface BackgroundRun {
  /** Resolves once the part has posted `done` (or failed, or was stopped). */
  done: Promise<void>;
  stop(): void;
}

/**
 * Run `inline`'s work in a worker thread (the compiled `url`), posting its
 * messages to `on`; inline (after a turn of the event loop) when the compiled
 * worker file is not there.
 */
export function runInWorker<Req, Msg extends { part: string }>(
  url: URL,
  inline: (req: Req, post: (m: Msg) => void) => void,
  req: Req,
  on: (m: Msg) => void,
  failed: (text: string) => Msg,
  limits: ResourceLimits = WORKER_LIMITS,
): BackgroundRun {
  let stopped = false;
  if (!hostFileExists(fileURLToPath(url))) {
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
