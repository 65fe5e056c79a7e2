// Worker thread entry for `qlens queue`: reads split directories of one
// queue, claimed one at a time from a shared counter, and posts their
// messages rendered, in chunks (queue-pool.ts puts them back in order). It
// never runs ahead of the printing by more than `ahead` directories, so a
// slow consumer (a pager, the tracer's predictions) keeps memory bounded.
import { parentPort, workerData } from 'node:worker_threads';
import { FsError, Sysroot } from '../sysroot/sysroot.js';
import { QueueProblems, newTally, openScan } from '../qmail/queue.js';
import { renderSplit } from './queue-render.js';
import { CLAIM, FINISHED, STOP, type ScanWorkerMessage, type ScanWorkerRequest } from './queue-pool-protocol.js';

function listErrors(req: ScanWorkerRequest): Map<number, FsError> {
  const out = new Map<number, FsError>();
  for (const x of req.listErrors) {
    const e = new FsError(x.code, x.path);
    e.message = x.message;
    out.set(x.d, e);
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
  const errors = listErrors(req);
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
    const listed = errors.get(d) ?? req.ids.subarray(req.starts[index], req.starts[index + 1]);
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
