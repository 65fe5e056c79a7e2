// The queue of one qmail installation, read straight from disk the way
// qmail-qstat and qmail-qread read it (qmail-queue-and-instances.md §1), with
// what they leave out: messages still in todo, the estimated next retry, the
// messages past queuelifetime, the domain × age shape. Read-only, always.
//
// API (plain data; the CLI printer and the TUI's Queues view both use it):
//
//   const problems = new QueueProblems();
//   const layout = readQueueLayout(sysroot, '/var/qmail', problems);
//        → { queueDir, present, split, splitDirs, bigTodo }
//   const counts = countQueue(sysroot, layout, problems);
//        → { messages, todo }: qmail-qstat's two numbers (a directory walk, no file opened)
//   for (const m of scanQueue(sysroot, layout, problems, { now, queuelifetime, predict })) ...
//        → QueueMessage, one at a time (streaming: nothing of a message is kept
//          after it is yielded, bodies are never read). Order: split directory
//          0, 1, ... and ids ascending inside each.
//   readQueueMessage(sysroot, layout, id, problems, opts) → QueueMessageDetail | null
//        → one message with its header lines, a body preview and bounce notes.
//   shapeOf(messages, now) → { local, remote }: qshape's domain × age tables.
//   readQueuelifetime(sysroot, instance) → seconds (control/queuelifetime, default 604800).
//
// Rules kept from qmail:
// - split = the number of numeric subdirectories of mess/; big-todo when
//   todo/0 is a directory (then todo/ and intd/ are split too).
// - Only names made wholly of digits are messages.
// - The trust rule: while todo/N exists, info/local/remote may be partial, so
//   such a message is listed from its todo record (todo: true, recipients not
//   yet rewritten, channel null).
// - A message that vanishes mid-scan (delivered and cleaned up) is skipped; one
//   that leaves todo while read is re-read as preprocessed. Never a crash.
// - A permission error is reported once per installation, with what to do.
export type { RetryEstimate, ShapeTable, ShapeRow, BounceParagraph } from './queue-records.js';
export { qreadDate, isoSeconds, SHAPE_LABELS, ShapeBuilder } from './queue-records.js';
export type * from './queue-types.js';
export { QueueProblems } from './queue-problems.js';
export { readQueueLayout, readQueuelifetime, countQueue, listQueue } from './queue-layout.js';
export { openScan, scanSplit, scanIds, listFailed, scanQueue, predictRecipients, newTally, shapeOf, addToShape, type ScanContext } from './queue-scan.js';
export { readQueueMessage } from './queue-detail.js';
