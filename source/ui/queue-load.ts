// The loader's queue phase, main-thread side: the queue worker (queue-scan.ts)
// posts compact rows in chunks, then the subjects; here they become each
// installation's QueueView in the session, one snapshot per chunk.
import type { QueueItem } from './queue-items.js';
import { scanQueues, fromColumns, messageId, type QueueScanMessage, type QueueScanRequest } from './queue-scan.js';
import { runTask, type Task as BackgroundRun } from '../runtime/workers.js';
import type { QueueView, SessionData } from './session-data.js';

const QUEUE_WORKER_URL = new URL('./queue-worker.js', import.meta.url);

export interface QueueLoadSink {
  data: SessionData;
  cancelled(): boolean;
  step(text: string): void;
  advance(): void;
  emit(): void;
}

/** Read every installation's queue and subjects in a worker of its own: only compact rows come back. */
export function loadQueues(req: QueueScanRequest, sink: QueueLoadSink): BackgroundRun {
  const { data } = sink;
  const lists = new Map<string, QueueView>();
  const putQueue = (qv: QueueView): void => {
    lists.set(qv.instance, qv);
    data.parts.queues = { ...data.parts.queues, [qv.instance]: qv };
  };
  const scans = new Map<string, QueueItem[]>();
  // Each installation's strings (senders, recipients, subjects) by the worker's numbers.
  const tables = new Map<string, string[]>();
  const more = (root: string, strings: string[]): string[] => {
    let table = tables.get(root);
    if (!table) tables.set(root, (table = []));
    for (const x of strings) table.push(x);
    return table;
  };
  const on = (m: QueueScanMessage): void => {
    if (sink.cancelled()) return;
    switch (m.part) {
      case 'step':
        sink.step(m.text);
        break;
      case 'listing': {
        // The first chunk of a listing (again, if the worker was started again) starts it afresh.
        if (m.scanned === 0) {
          scans.delete(m.root);
          tables.delete(m.root);
        }
        let items = scans.get(m.root);
        if (!items) scans.set(m.root, (items = []));
        const table = more(m.root, m.strings);
        if (m.items) fromColumns(m.items, table, items);
        // A copy while scanning, so the list's memo sees a new array with each chunk.
        putQueue({ instance: m.root, present: m.present, counts: m.counts, messages: items.slice(), shape: null, problems: [], complete: false, now: req.now, subjects: new Map(), subjectsRead: 0 });
        break;
      }
      case 'listed': {
        const qv = lists.get(m.root);
        if (qv) putQueue({ ...qv, messages: scans.get(m.root) ?? [], shape: m.shape, problems: m.problems, complete: true });
        scans.delete(m.root);
        sink.advance();
        break;
      }
      case 'subjects': {
        const qv = lists.get(m.root);
        const table = more(m.root, m.strings);
        if (!qv) break;
        for (let k = 0; k < m.ids.length; k++) qv.subjects.set(messageId(m.ids, k), table[m.subjects[k]]);
        putQueue({ ...qv, subjectsRead: m.read });
        break;
      }
      case 'error':
        data.errors.push(m.text);
        sink.advance();
        break;
      case 'done':
        return;
    }
    sink.emit();
  };
  const run = runTask<QueueScanRequest, QueueScanMessage>(QUEUE_WORKER_URL, scanQueues, req, on, (text) => ({ part: 'error', root: '', text }));
  return { done: run.done.then(() => tables.clear()), stop: run.stop };
}
