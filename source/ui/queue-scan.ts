// The queue listing and the subjects, read in a worker thread (queue-worker.ts):
// scanning 100,000 messages allocates a few hundred megabytes of short-lived
// Buffers and objects, and in the main thread that garbage sat beside the
// session until V8 got round to it. The main thread receives only the
// compact rows (queue-items.ts), in chunks, and the subjects.
import { Sysroot, decodeBytes } from '../sysroot/sysroot.js';
import { QueueProblems, readQueueLayout, countQueue, scanQueue, readQueuelifetime, addToShape, ShapeBuilder, type QueueCounts, type ShapeTable } from '../qmail/queue.js';
import type { Diagnostic } from '../qmail/model-types.js';
import { sanitize } from '../text/sanitize.js';
import { Interner, queueItem, type QueueItem } from './queue-items.js';

export interface QueueScanRequest {
  sysrootDir: string;
  roots: string[];
  now: number;
}

export type QueueScanMessage =
  /** More rows of a listing (appended); the first one of each installation carries `present` and `counts`. */
  | { part: 'listing'; root: string; present: boolean; counts: QueueCounts; items: QueueItem[]; scanned: number }
  | { part: 'listed'; root: string; shape: { local: ShapeTable; remote: ShapeTable }; problems: Diagnostic[] }
  | { part: 'subjects'; root: string; ids: number[]; subjects: string[]; read: number }
  | { part: 'step'; text: string }
  | { part: 'error'; root: string; text: string }
  | { part: 'done' };

/** Rows (and subjects) posted at a time. */
const CHUNK = 5000;
const SUBJECT_HEAD = 4096;
const SUBJECT_FIRST = 1024;

/** The head holds the blank line that ends the header. */
function headerEnded(head: Buffer): boolean {
  return head.indexOf('\n\n') >= 0 || head.indexOf('\n\r\n') >= 0 || head[0] === 0x0a;
}

/**
 * The Subject header of a message head (continuation lines joined),
 * sanitized; null when none. Only the header's own bytes are decoded, so the
 * string kept for 100,000 messages does not pin each message's head in memory.
 */
export function subjectOf(head: Buffer): string | null {
  let pos = 0;
  while (pos < head.length) {
    let nl = head.indexOf(0x0a, pos);
    if (nl < 0) nl = head.length;
    const line = head.subarray(pos, nl);
    if (line.length === 0 || (line.length === 1 && line[0] === 0x0d)) return null;
    if (line.length >= 8 && line.subarray(0, 8).toString('latin1').toLowerCase() === 'subject:') {
      let end = nl;
      // Continuation lines start with a blank.
      while (end + 1 < head.length && (head[end + 1] === 0x20 || head[end + 1] === 0x09)) {
        const next = head.indexOf(0x0a, end + 1);
        end = next < 0 ? head.length : next;
      }
      const text = decodeBytes(Buffer.from(head.subarray(pos + 8, end)));
      return sanitize(text.replace(/\r?\n[ \t]+/g, ' ').replace(/\r$/, '').trim());
    }
    pos = nl + 1;
  }
  return null;
}

function describe(e: unknown): string {
  return sanitize(e instanceof Error ? e.message : String(e));
}

/** List every installation's queue, then read each message's subject; posts as it goes. */
export function scanQueues(req: QueueScanRequest, post: (m: QueueScanMessage) => void): void {
  const sysroot = new Sysroot(req.sysrootDir);
  const listed = new Map<string, { ids: number[]; queueDir: string; split: number }>();
  for (const root of req.roots) {
    post({ part: 'step', text: `reading queue of ${root}` });
    try {
      const problems = new QueueProblems();
      const layout = readQueueLayout(sysroot, root, problems);
      const counts = countQueue(sysroot, layout, problems);
      const lifetime = readQueuelifetime(sysroot, root);
      // The shape is added up while scanning, so no full message outlives its row.
      const shape = new ShapeBuilder(req.now);
      const intern = new Interner();
      const ids: number[] = [];
      let chunk: QueueItem[] = [];
      let n = 0;
      post({ part: 'listing', root, present: layout.present, counts, items: [], scanned: 0 });
      for (const m of scanQueue(sysroot, layout, problems, { now: req.now, queuelifetime: lifetime })) {
        chunk.push(queueItem(m, intern));
        addToShape(shape, m);
        ids.push(m.id);
        if (++n % CHUNK === 0) {
          post({ part: 'listing', root, present: layout.present, counts, items: chunk, scanned: n });
          post({ part: 'step', text: `reading queue of ${root}: ${n} of ${counts.messages} messages` });
          chunk = [];
        }
      }
      if (chunk.length) post({ part: 'listing', root, present: layout.present, counts, items: chunk, scanned: n });
      post({ part: 'listed', root, shape: { local: shape.table('local'), remote: shape.table('remote') }, problems: [...problems.list] });
      if (layout.present && layout.split > 0) listed.set(root, { ids, queueDir: layout.queueDir, split: layout.split });
    } catch (e) {
      post({ part: 'error', root, text: `${sanitize(root)}: queue: ${describe(e)}` });
    }
  }
  // Subjects, for the filter and the list (one small read per message).
  for (const [root, q] of listed) {
    post({ part: 'step', text: `reading subjects in ${root}` });
    let ids: number[] = [];
    let subjects: string[] = [];
    let n = 0;
    for (const id of q.ids) {
      try {
        const file = `${q.queueDir}/mess/${id % q.split}/${id}`;
        // Most subjects sit in the first KB: a 4 KB read per message is churn for 100,000 of them.
        let head = sysroot.readHead(file, SUBJECT_FIRST);
        let subj = head ? subjectOf(head) : null;
        if (head && subj === null && head.length === SUBJECT_FIRST && !headerEnded(head)) {
          head = sysroot.readHead(file, SUBJECT_HEAD);
          subj = head ? subjectOf(head) : null;
        }
        if (subj !== null) {
          ids.push(id);
          subjects.push(subj);
        }
      } catch {
        // a message delivered meanwhile, or unreadable: it keeps no subject
      }
      if (++n % CHUNK === 0 || n === q.ids.length) {
        post({ part: 'subjects', root, ids, subjects, read: n });
        post({ part: 'step', text: `reading subjects in ${root}: ${n} of ${q.ids.length}` });
        ids = [];
        subjects = [];
      }
    }
  }
  post({ part: 'done' });
}
