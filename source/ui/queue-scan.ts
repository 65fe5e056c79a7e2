// The queue listing and the subjects, read in a worker thread (queue-worker.ts):
// scanning 100,000 messages allocates a few hundred megabytes of short-lived
// Buffers and objects, and in the main thread that garbage sat beside the
// session until V8 got round to it. The main thread receives only the
// compact rows (queue-items.ts), in chunks, and the subjects.
import { Sysroot, decodeBytes } from '../sysroot/sysroot.js';
import { QueueProblems, readQueueLayout, countQueue, scanQueue, readQueuelifetime, addToShape, ShapeBuilder, type QueueCounts, type SenderKind, type ShapeTable } from '../qmail/queue.js';
import type { Diagnostic } from '../qmail/model-types.js';
import { sanitize } from '../text/sanitize.js';
import { queueItem, type QueueItem } from './queue-items.js';
import { errorText } from './error-text.js';

/**
 * A chunk of rows as columns. Posted as objects, 5,000 rows came out on the
 * main thread with a property array each and a copy of every string; as
 * typed arrays and a table of strings first seen in this chunk, the main
 * thread builds each row once and shares each sender, recipient and subject.
 */
export interface ItemColumns {
  id: Float64Array;
  queuedMs: Float64Array;
  size: Float64Array;
  /** todo, bouncing, pastLifetime (bits 0-2) and the sender kind's index in SENDER_KINDS (from bit 3). */
  flags: Uint8Array;
  pending: Uint32Array;
  recipientCount: Uint32Array;
  /** Index into the installation's string table; -1 for null. */
  sender: Int32Array;
  firstRecipient: Int32Array;
  allRecipients: (string | null)[];
}

const SENDER_KINDS: readonly SenderKind[] = ['address', 'null', 'double-bounce', 'verp', 'unknown'];

/** One installation's strings, numbered in the order first met; the tail not yet posted goes with the next message. */
export class StringTable {
  private readonly index = new Map<string, number>();
  private fresh: string[] = [];
  ref(s: string | null): number {
    if (s === null) return -1;
    let k = this.index.get(s);
    if (k === undefined) {
      this.index.set(s, (k = this.index.size));
      this.fresh.push(s);
    }
    return k;
  }
  /** The strings numbered since the last call. */
  take(): string[] {
    const out = this.fresh;
    this.fresh = [];
    return out;
  }
}

function toColumns(items: QueueItem[], strings: StringTable): ItemColumns {
  const n = items.length;
  const c: ItemColumns = {
    id: new Float64Array(n),
    queuedMs: new Float64Array(n),
    size: new Float64Array(n),
    flags: new Uint8Array(n),
    pending: new Uint32Array(n),
    recipientCount: new Uint32Array(n),
    sender: new Int32Array(n),
    firstRecipient: new Int32Array(n),
    allRecipients: new Array<string | null>(n),
  };
  items.forEach((it, k) => {
    c.id[k] = it.id;
    c.queuedMs[k] = it.queuedMs;
    c.size[k] = it.size;
    c.flags[k] = (it.todo ? 1 : 0) | (it.bouncing ? 2 : 0) | (it.pastLifetime ? 4 : 0) | (Math.max(0, SENDER_KINDS.indexOf(it.senderKind)) << 3);
    c.pending[k] = it.pending;
    c.recipientCount[k] = it.recipientCount;
    c.sender[k] = strings.ref(it.sender);
    c.firstRecipient[k] = strings.ref(it.firstRecipient);
    c.allRecipients[k] = it.allRecipients;
  });
  return c;
}

/**
 * A message number read from a Float64Array as a small integer where it is
 * one: as read, each is a boxed double (16 bytes more per row, and per key of
 * the subjects' map).
 */
export function messageId(ids: Float64Array, k: number): number {
  const n = ids[k];
  return n >= 0 && n <= 0x3fffffff ? n | 0 : n;
}

/** The rows of a chunk, appended to `into`; `table` has the chunk's strings appended first. */
export function fromColumns(c: ItemColumns, table: string[], into: QueueItem[]): void {
  const str = (k: number): string | null => (k < 0 ? null : table[k]);
  for (let k = 0; k < c.id.length; k++) {
    const f = c.flags[k];
    into.push({
      id: messageId(c.id, k),
      queuedMs: c.queuedMs[k],
      size: c.size[k],
      sender: str(c.sender[k]),
      senderKind: SENDER_KINDS[f >> 3] ?? 'unknown',
      todo: (f & 1) !== 0,
      bouncing: (f & 2) !== 0,
      pastLifetime: (f & 4) !== 0,
      pending: c.pending[k],
      recipientCount: c.recipientCount[k],
      firstRecipient: str(c.firstRecipient[k]),
      allRecipients: c.allRecipients[k],
    });
  }
}

export interface QueueScanRequest {
  sysrootDir: string;
  roots: string[];
  now: number;
}

/**
 * `strings` continue the installation's string table (started afresh by the
 * listing with `scanned` 0); rows and subjects refer to it by index.
 */
export type QueueScanMessage =
  /** More rows of a listing (appended); the first one of each installation carries `present` and `counts`. */
  | { part: 'listing'; root: string; present: boolean; counts: QueueCounts; items: ItemColumns | null; strings: string[]; scanned: number }
  | { part: 'listed'; root: string; shape: { local: ShapeTable; remote: ShapeTable }; problems: Diagnostic[] }
  | { part: 'subjects'; root: string; ids: Float64Array; subjects: Int32Array; strings: string[]; read: number }
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

/** List every installation's queue, then read each message's subject; posts as it goes. */
export function scanQueues(req: QueueScanRequest, post: (m: QueueScanMessage) => void): void {
  const sysroot = new Sysroot(req.sysrootDir);
  const listed = new Map<string, { ids: number[]; queueDir: string; split: number; strings: StringTable }>();
  for (const root of req.roots) {
    post({ part: 'step', text: `reading queue of ${root}` });
    try {
      const problems = new QueueProblems();
      const layout = readQueueLayout(sysroot, root, problems);
      const counts = countQueue(sysroot, layout, problems);
      const lifetime = readQueuelifetime(sysroot, root, problems);
      // The shape is added up while scanning, so no full message outlives its row.
      const shape = new ShapeBuilder(req.now);
      const strings = new StringTable();
      const ids: number[] = [];
      let chunk: QueueItem[] = [];
      let n = 0;
      const postChunk = (): void => {
        const items = toColumns(chunk, strings);
        post({ part: 'listing', root, present: layout.present, counts, items, strings: strings.take(), scanned: n });
        chunk = [];
      };
      post({ part: 'listing', root, present: layout.present, counts, items: null, strings: [], scanned: 0 });
      for (const m of scanQueue(sysroot, layout, problems, { now: req.now, queuelifetime: lifetime })) {
        chunk.push(queueItem(m));
        addToShape(shape, m);
        ids.push(m.id);
        if (++n % CHUNK === 0) {
          postChunk();
          post({ part: 'step', text: `reading queue of ${root}: ${n} of ${counts.messages} messages` });
        }
      }
      if (chunk.length) postChunk();
      post({ part: 'listed', root, shape: { local: shape.table('local'), remote: shape.table('remote') }, problems: [...problems.list] });
      if (layout.present && layout.split > 0) listed.set(root, { ids, queueDir: layout.queueDir, split: layout.split, strings });
    } catch (e) {
      post({ part: 'error', root, text: `${sanitize(root)}: queue: ${errorText(e)}` });
    }
  }
  // Subjects, for the filter and the list (one small read per message).
  for (const [root, q] of listed) {
    post({ part: 'step', text: `reading subjects in ${root}` });
    let ids: number[] = [];
    let subjects: number[] = [];
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
          subjects.push(q.strings.ref(subj));
        }
      } catch {
        // a message delivered meanwhile, or unreadable: it keeps no subject
      }
      if (++n % CHUNK === 0 || n === q.ids.length) {
        post({ part: 'subjects', root, ids: Float64Array.from(ids), subjects: Int32Array.from(subjects), strings: q.strings.take(), read: n });
        post({ part: 'step', text: `reading subjects in ${root}: ${n} of ${q.ids.length}` });
        ids = [];
        subjects = [];
      }
    }
  }
  post({ part: 'done' });
}
