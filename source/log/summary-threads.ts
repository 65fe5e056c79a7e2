// A big multilog log summed up by several threads at once: its rotated
// files split into as many runs of whole files, of about the same size, as
// there are cores (at most four), each read by a worker thread
// (summary-worker.ts) with a small young generation, while this thread only
// joins their counts in order (summary-parts.ts): each thread's heap grows
// with the garbage its reading makes, and this thread's cannot be made
// smaller once Node has started, so it reads none of the log itself until the
// parts are joined. The session then reads on from there as one reader
// would: current, and any file rotated meanwhile. A log below `minBytes`, a
// syslog file, or a single core: nothing is done here and the session reads
// it all.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Sysroot } from '../sysroot/sysroot.js';
import { hostFileExists } from '../sysroot/host.js';
import type { OpenLog, SessionSink } from './session.js';
import type { SummaryBuilder } from './summary.js';
import type { LogTime } from './tai64n.js';
import { joinPart, type JoinState } from './summary-parts.js';
import { readPart, type PartReply, type PartRequest } from './summary-part-read.js';

const WORKER_URL = new URL('./summary-worker.js', import.meta.url);

export interface ThreadsOptions {
  /** Threads in all, this one included (default: the cores, at most 4). */
  threads?: number;
  /** Rotated bytes below which one thread is as fast (default 64 MB). */
  minBytes?: number;
  since?: LogTime | null;
  until?: LogTime | null;
  skippedMax?: number;
  /** Read the later parts in this thread, one after the other (tests: the same joins without threads). */
  inThisThread?: boolean;
}

/** Split names (oldest first) into `k` runs of whole files of about equal bytes. */
export function splitRuns(names: string[], sizes: number[], k: number): string[][] {
  const total = sizes.reduce((a, b) => a + b, 0);
  const runs: string[][] = [];
  let cur: string[] = [];
  let acc = 0;
  for (let i = 0; i < names.length; i++) {
    cur.push(names[i]);
    acc += sizes[i];
    // Close a run once it holds its share of what is left for the runs still to come.
    if (runs.length < k - 1 && acc >= (total * (runs.length + 1)) / k) {
      runs.push(cur);
      cur = [];
    }
  }
  if (cur.length) runs.push(cur);
  return runs;
}

/**
 * A reading thread's young generation (MB): V8's default lets each thread's
 * heap grow by some 60 MB of short-lived line garbage; 4 MB costs a few
 * percent more collections (1 GB log, two threads: peak RSS 250 -> 170 MB).
 */
const YOUNG_MB = 4;

function readPartInWorker(req: PartRequest): Promise<PartReply> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER_URL, { workerData: req, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB } });
    let replied = false;
    w.once('message', (m: PartReply | { error: string }) => {
      replied = true;
      if ('error' in m) reject(new Error(m.error));
      else resolve(m);
      void w.terminate();
    });
    w.once('error', (e) => reject(e));
    w.once('exit', (code) => {
      if (!replied) reject(new Error(`a reading thread stopped (exit ${code})`));
    });
  });
}

/**
 * Read the log's rotated files in parts, if it is worth it; the counts go to
 * `summary` and the session's matchup and reader are left where one reader
 * would be. Returns the threads used (0: none).
 */
export async function readRotatedInThreads(sysroot: Sysroot, log: OpenLog, summary: SummaryBuilder, sink: SessionSink, o: ThreadsOptions = {}): Promise<number> {
  const threads = o.threads ?? Math.min(4, availableParallelism());
  if (threads < 2 || log.source.format !== 'multilog' || (!o.inThisThread && !hostFileExists(fileURLToPath(WORKER_URL)))) return 0;
  let names: string[];
  let sizes: number[];
  try {
    if (sysroot.stat(log.source.path)?.kind !== 'dir') return 0;
    names = log.reader.rotatedNames();
    sizes = names.map((n) => sysroot.stat(`${log.source.path}/${n}`)?.size ?? 0);
  } catch {
    return 0;
  }
  if (sizes.reduce((a, b) => a + b, 0) < (o.minBytes ?? 64 << 20) || names.length < 2) return 0;
  const runs = splitRuns(names, sizes, threads);
  if (runs.length < 2) return 0;
  const base = { hostRoot: sysroot.hostRoot, faults: sysroot.faultMap(), logPath: log.source.path, since: o.since ?? null, until: o.until ?? null, skippedMax: o.skippedMax ?? 1000 };
  const parts: Array<Promise<PartReply> | (() => Promise<PartReply>)> = runs.map((run) => (o.inThisThread ? () => readPart({ ...base, names: run }) : readPartInWorker({ ...base, names: run })));
  // Rejections are taken below, in order; none may go unhandled while an earlier part is awaited.
  for (const p of parts) if (p instanceof Promise) p.catch(() => {});
  // The first part joins an empty state: what one reader holds before the log's first line.
  let st: JoinState = { open: new Map(), pending: new Map(), lastD: 0 };
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    const reply = await (p instanceof Promise ? p : p());
    st = joinPart(summary, st, reply.outcome);
    log.reader.adopt(reply.segments, reply.notes, runs[i][runs[i].length - 1]);
    for (const sk of reply.skipped) sink.skip?.(sk, log.index, -1);
    if (reply.skippedTotal > reply.skipped.length) sink.skipMore?.(reply.skippedTotal - reply.skipped.length);
  }
  log.matchup.restore([...st.open.values()], [...st.pending.values()], st.lastD);
  return runs.length;
}
