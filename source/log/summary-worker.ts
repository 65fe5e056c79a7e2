// Worker thread entry for a summary read in parts (summary-parts.ts): reads
// the rotated files it is given, whole and in order, through the sysroot's
// checks, counts what it can on its own and posts its counts, its fragments
// and its state at the end.
import { parentPort, workerData } from 'node:worker_threads';
import { readPart, type PartRequest } from './summary-part-read.js';

readPart(workerData as PartRequest).then(
  (reply) => parentPort!.postMessage(reply),
  (e: unknown) => parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) }),
);
