// Worker thread entry: computes the heavy parts of a session and posts each
// as it is ready (plain data, copied to the main thread).
import { parentPort, workerData } from 'node:worker_threads';
import { computeHeavyParts, type HeavyRequest } from './heavy-parts.js';

if (parentPort) {
  const port = parentPort;
  computeHeavyParts(workerData as HeavyRequest, (m) => port.postMessage(m));
}
