// The Queues view's message list as columns (issue 21 point 2): each column
// as wide as its longest value in the listing, capped by a share of the
// terminal (so widths grow with it and do not jump while scrolling), one
// space at least between columns, and the orders `o` cycles through.
import { sanitize } from '../../text/sanitize.js';
import type { QueueItem } from '../queue-items.js';
import type { Tone } from '../theme.js';

export interface QueueRow {
  instance: string;
  m: QueueItem;
  subject: string | null;
}

export type ColumnKey = 'inst' | 'id' | 'age' | 'size' | 'sender' | 'rcpt' | 'subject' | 'state';

export interface Column {
  key: ColumnKey;
  title: string;
  width: number;
  align: 'left' | 'right';
}

export function age(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${m % 60 ? String(m % 60).padStart(2, '0') : ''}`;
  return `${Math.floor(h / 24)}d${h % 24 ? (h % 24) + 'h' : ''}`;
}

/** Bytes as at most five characters: 812, 14K, 3.2M, 12M, 1.1G. */
export function sizeText(n: number): string {
  if (n < 1000) return String(n);
  const units = ['K', 'M', 'G', 'T'];
  let v = n / 1024;
  let u = 0;
  while (v >= 999.5 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return (v < 9.95 ? v.toFixed(1) : String(Math.round(v))) + units[u];
}

export const showSender = (m: Pick<QueueItem, 'sender' | 'senderKind'>): string =>
  m.sender === null ? '(no sender)' : m.sender === '' ? '<> (bounce)' : m.senderKind === 'double-bounce' ? '#@[] (double bounce)' : sanitize(m.sender);

/** The first recipient and how many more. */
export function recipientsText(m: QueueItem): string {
  return m.firstRecipient === null ? '(none)' : sanitize(m.firstRecipient) + (m.recipientCount > 1 ? ` +${m.recipientCount - 1}` : '');
}

/** An installation as the list names it: the whole root when there is room, else its last part. */
export function instText(root: string, wide: boolean): string {
  return wide ? sanitize(root) : sanitize(root.replace(/^\/var\//, ''));
}

/** State of a message as a glyph and a word (readable without colour). */
export function messageState(m: QueueItem): { text: string; tone: Tone } {
  if (m.todo) return { text: '○ todo', tone: 'warn' };
  if (m.bouncing) return { text: '✗ bouncing', tone: 'error' };
  if (m.pastLifetime) return { text: '! expired', tone: 'error' };
  return m.pending ? { text: `… ${m.pending} pending`, tone: 'warn' } : { text: '✓ done', tone: 'ok' };
}

export type SortKey = 'queue' | 'age' | 'size' | 'sender' | 'domain';

/** What `o` steps through, in order; `queue` is qmail-qread's own order (split directory, then number). */
export const SORTS: Array<{ key: SortKey; words: string; column: ColumnKey | null }> = [
  { key: 'queue', words: 'in queue order', column: null },
  { key: 'age', words: 'by age, oldest first', column: 'age' },
  { key: 'size', words: 'by size, largest first', column: 'size' },
  { key: 'sender', words: 'by sender', column: 'sender' },
  { key: 'domain', words: 'by recipient domain', column: 'rcpt' },
];

export function sortOf(key: string | undefined): (typeof SORTS)[number] {
  return SORTS.find((s) => s.key === key) ?? SORTS[0];
}

export function nextSort(key: string | undefined): SortKey {
  const i = SORTS.findIndex((s) => s.key === key);
  return SORTS[(Math.max(0, i) + 1) % SORTS.length].key;
}

const domainOf = (a: string | null): string => {
  if (a === null) return '\uffff';
  const at = a.lastIndexOf('@');
  return (at < 0 ? '' : a.slice(at + 1)).toLowerCase() + '\u0000' + a.toLowerCase();
};

const sorted = new WeakMap<QueueRow[], Map<SortKey, QueueRow[]>>();

/** The rows in the order asked for (stable: equal keys keep the queue's order); computed once per listing and order. */
export function sortRows(rows: QueueRow[], key: SortKey): QueueRow[] {
  if (key === 'queue') return rows;
  let byKey = sorted.get(rows);
  if (!byKey) sorted.set(rows, (byKey = new Map()));
  let out = byKey.get(key);
  if (!out) {
    const text = (r: QueueRow): string => (key === 'sender' ? showSender(r.m).toLowerCase() : domainOf(r.m.firstRecipient));
    const cmp =
      key === 'age'
        ? (a: QueueRow, b: QueueRow) => a.m.queuedMs - b.m.queuedMs
        : key === 'size'
          ? (a: QueueRow, b: QueueRow) => b.m.size - a.m.size
          : (a: QueueRow, b: QueueRow) => {
              const x = text(a);
              const y = text(b);
              return x < y ? -1 : x > y ? 1 : 0;
            };
    out = rows.slice().sort(cmp);
    byKey.set(key, out);
  }
  return out;
}

interface Longest {
  id: number;
  sender: number;
  rcpt: number;
  subject: number;
  inst: number;
  state: number;
}

const longestOf = new WeakMap<QueueRow[], Longest>();

/** The longest value of each column over the whole listing, once per listing. */
function longest(rows: QueueRow[]): Longest {
  let l = longestOf.get(rows);
  if (!l) {
    l = { id: 2, sender: 6, rcpt: 10, subject: 7, inst: 4, state: 5 };
    for (const r of rows) {
      l.id = Math.max(l.id, String(r.m.id).length);
      l.sender = Math.max(l.sender, showSender(r.m).length);
      l.rcpt = Math.max(l.rcpt, recipientsText(r.m).length);
      l.subject = Math.max(l.subject, (r.subject ?? '').length);
      l.inst = Math.max(l.inst, r.instance.length);
      l.state = Math.max(l.state, messageState(r.m).text.length);
    }
    longestOf.set(rows, l);
  }
  return l;
}

const AGE_W = 6;
const SIZE_W = 5;
const MIN_FLEX = 6;

/**
 * Share `avail` columns among columns wanting `wants` (their longest values):
 * each gets what it wants when that is no more than an even share of what is
 * left (smallest first), the others split the rest evenly; what no column
 * wants is left blank at the end of the row.
 */
export function share(avail: number, wants: number[], min: number): number[] {
  const out = wants.map(() => 0);
  let left = avail;
  let open = wants.map((_w, i) => i).sort((a, b) => wants[a] - wants[b]);
  while (open.length) {
    const fair = Math.floor(left / open.length);
    const want = Math.max(min, wants[open[0]]);
    if (want > fair) {
      open.forEach((i, k) => (out[i] = fair + (k < left - fair * open.length ? 1 : 0)));
      left = 0;
      break;
    }
    out[open[0]] = want;
    left -= want;
    open = open.slice(1);
  }
  return out;
}

/**
 * The columns for a terminal `width` columns wide (the row's first column is
 * the cursor mark). The three text columns share what is left; below that,
 * the size goes first, then the installations' long names.
 */
export function queueColumns(rows: QueueRow[], width: number, multi: boolean): Column[] {
  const l = longest(rows);
  const wide = width >= 100;
  const instW = multi ? Math.min(wide ? 14 : 8, wide ? l.inst : Math.max(4, l.inst - 5)) : 0;
  let cols: Column[] = [
    ...(multi ? [{ key: 'inst' as const, title: 'inst', width: instW, align: 'left' as const }] : []),
    { key: 'id', title: 'id', width: l.id, align: 'right' },
    { key: 'age', title: 'age', width: AGE_W, align: 'right' },
    { key: 'size', title: 'size', width: SIZE_W, align: 'right' },
  ];
  const room = (cs: Column[]): number => width - 1 - cs.reduce((n, c) => n + c.width + 1, 0) - 3 - l.state;
  if (room(cols) < 3 * MIN_FLEX) cols = cols.filter((c) => c.key !== 'size');
  const [sender, rcpt, subject] = share(Math.max(3 * MIN_FLEX, room(cols)), [l.sender, l.rcpt, l.subject], MIN_FLEX);
  return [
    ...cols,
    { key: 'sender', title: 'sender', width: sender, align: 'left' },
    { key: 'rcpt', title: 'recipients', width: rcpt, align: 'left' },
    { key: 'subject', title: 'subject', width: subject, align: 'left' },
    { key: 'state', title: 'state', width: l.state, align: 'left' },
  ];
}

/** Whether the installations column shows whole roots (see instText). */
export const wideInst = (width: number): boolean => width >= 100;
