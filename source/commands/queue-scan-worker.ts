// Worker thread entry for `qlens queue`: reads split directories of one
// queue, claimed one at a time from a shared counter, and posts their
// messages rendered, in chunks (queue-pool.ts puts them back in order). It
// never runs ahead of the printing by more than `ahead` directories, so a
// slow consumer (a pager, the tracer's predictions) keeps memory bounded.
import { parentPort, workerData } from 'node:worker_threads';
import { FsError, Sysroot } from '../sysroot/sysroot.js';
import { QueueProblems, newTally, openScan } from '../qmail/queue.js';
import { renderSplit } from './queue-render.js';
import type { Diagnostic } from '../qmail/model-types.js';
import { CLAIM, FINISHED, STOP, type ScanWorkerMessage, type ScanWorkerRequest } from './queue-pool-protocol.js';

/** The listing's notes on split directories, its errors made FsErrors again. */
function dirNotes(req: ScanWorkerRequest): Map<number, { error?: FsError; odd?: Diagnostic[] }> {
  const out = new Map<number, { error?: FsError; odd?: Diagnostic[] }>();
  for (const x of req.dirNotes) {
    let error: FsError | undefined;
    if (x.error) {
      error = new FsError(x.error.code, x.error.path);
      error.message = x.error.message;
    }
    out.set(x.d, { error, odd: x.odd });
  }
  return out;
}

function work(req: ScanWorkerRequest, post: (m: ScanWorkerMessage) => void): void {
  const control = new Int32Array(req.control);
  const sysroot = new Sysroot(req.hostRoot, { faults: req.faults });
  const problems = new QueueProblems();
  const cx = openScan(sysroot, req.layout, problems, {
    now: req.now,
    queuelifetime: req.queuelifetime,
    startedMs: req.startedMs,
    todoIds: req.todoIds,
    bounceIds: req.bounceIds,
    includeTodo: req.includeTodo,
  });
  const notes = dirNotes(req);
  const openDirs = new Map<string, boolean>();
  for (;;) {
    const index = Atomics.add(control, CLAIM, 1);
    if (index >= req.layout.splitDirs.length) break;
    for (;;) {
      if (Atomics.load(control, STOP)) return post({ kind: 'idle' });
      const finished = Atomics.load(control, FINISHED);
      if (index < finished + req.ahead) break;
      Atomics.wait(control, FINISHED, finished, 1000);
    }
    const d = req.layout.splitDirs[index];
    const listed = { ...notes.get(d), ids: req.ids.subarray(req.starts[index], req.starts[index + 1]) };
    const tally = newTally();
    const chunks = renderSplit(cx, d, listed, tally, openDirs, req.render, req.chunk);
    let step = chunks.next();
    for (; !step.done; step = chunks.next()) post({ kind: 'chunk', index, chunk: step.value });
    const stop = step.value;
    post({ kind: 'end', index, tally, problems: problems.list.splice(0), onceCodes: problems.onceCodes(), stop });
    if (stop) break;
  }
  post({ kind: 'idle' });
}

if (parentPort) {
  const port = parentPort;
  work(workerData as ScanWorkerRequest, (m) => port.postMessage(m));
}
