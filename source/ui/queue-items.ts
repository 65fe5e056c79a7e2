// One small object per queued message: only what a row of the Queues view
// shows and its filter searches. A 100,000-message queue kept as
// QueueMessage objects (a Buffer per recipient, retry estimates, predictions)
// costs hundreds of megabytes; the whole message is read again on Enter.
import type { QueueMessage, SenderKind } from '../qmail/queue.js';

export interface QueueItem {
  id: number;
  queuedMs: number;
  /** Bytes of the message file (mess/). */
  size: number;
  /** Envelope sender as the queue holds it (interned: a spam wave repeats a few). */
  sender: string | null;
  senderKind: SenderKind;
  todo: boolean;
  bouncing: boolean;
  pastLifetime: boolean;
  /** Recipients without a D record. */
  pending: number;
  recipientCount: number;
  /** The first recipient's address, or null when none. */
  firstRecipient: string | null;
  /** Every recipient's address, space-separated, when there are several (the filter searches them). */
  allRecipients: string | null;
}

/** Reuses equal strings: one copy of each sender and recipient domain-heavy address. */
export class Interner {
  private readonly seen = new Map<string, string>();
  get(s: string): string {
    const hit = this.seen.get(s);
    if (hit !== undefined) return hit;
    this.seen.set(s, s);
    return s;
  }
}

export function queueItem(m: QueueMessage, intern?: Interner): QueueItem {
  const rc = m.recipients;
  let pending = 0;
  for (const r of rc) if (!r.done) pending++;
  const first = rc.length ? rc[0].address : null;
  return {
    id: m.id,
    queuedMs: m.queuedMs,
    size: m.size,
    sender: m.sender === null ? null : intern ? intern.get(m.sender) : m.sender,
    senderKind: m.senderKind,
    todo: m.todo,
    bouncing: m.bouncing,
    pastLifetime: m.pastLifetime,
    pending,
    recipientCount: rc.length,
    firstRecipient: first === null ? null : intern ? intern.get(first) : first,
    allRecipients: rc.length > 1 ? rc.map((r) => r.address).join(' ') : null,
  };
}
