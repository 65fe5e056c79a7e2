// Worker thread entry: lists the queues and reads the subjects (queue-scan.ts),
// posting compact rows to the main thread as they are read.
import { parentPort, workerData } from 'node:worker_threads';
import { scanQueues, type QueueScanRequest } from './queue-scan.js';

if (parentPort) {
  const port = parentPort;
  scanQueues(workerData as QueueScanRequest, (m) => port.postMessage(m));
}
