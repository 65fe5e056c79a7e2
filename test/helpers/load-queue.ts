// A whole queue held in memory, for the queue tests: the layout, qmail-qstat's
// counts and every message scanned, with the problems met. The program never
// holds a queue this way (the CLI and the TUI both stream it).
import type { Sysroot } from '../../source/sysroot/sysroot.js';
import type { Diagnostic } from '../../source/qmail/model-types.js';
import {
  QueueProblems,
  countQueue,
  newTally,
  readQueueLayout,
  readQueuelifetime,
  scanQueue,
  type QueueCounts,
  type QueueLayout,
  type QueueMessage,
  type ScanOptions,
  type ScanTally,
} from '../../source/qmail/queue.js';

/** Everything about one queue. */
export interface QueueSnapshot {
  layout: QueueLayout;
  counts: QueueCounts;
  messages: QueueMessage[];
  tally: ScanTally;
  problems: Diagnostic[];
  /** True when some file could not be read for lack of permission. */
  permissionDenied: boolean;
  now: number;
  queuelifetime: number;
}

export function loadQueue(sysroot: Sysroot, instance: string, opts: ScanOptions = {}): QueueSnapshot {
  const problems = new QueueProblems();
  const now = opts.now ?? Date.now();
  const queuelifetime = opts.queuelifetime ?? readQueuelifetime(sysroot, instance);
  const layout = readQueueLayout(sysroot, instance, problems);
  const counts = countQueue(sysroot, layout, problems);
  const tally = newTally();
  const messages = [...scanQueue(sysroot, layout, problems, { ...opts, now, queuelifetime }, tally)];
  return { layout, counts, messages, tally, problems: problems.list, permissionDenied: problems.permissionDenied, now, queuelifetime };
}
