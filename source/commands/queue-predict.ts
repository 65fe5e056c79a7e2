// The tracer's answer for a queued recipient, said in one line for the queue
// listing ("would deliver to /home/bob/Maildir/", "deferred: ...").
import type { Delivery, TraceResult } from '../trace/types.js';
import type { QueuePrediction } from '../qmail/queue.js';

function words(d: Delivery): string {
  switch (d.kind) {
    case 'maildir':
      return `would deliver to ${d.target}`;
    case 'mbox':
      return `would append to mbox ${d.target}`;
    case 'program':
      return `would run |${d.target}`;
    case 'forward':
      return `would forward to ${d.target}`;
    case 'remote':
      return `would send to ${d.target} by SMTP`;
    case 'bounce':
      return `would bounce: ${d.target}`;
    case 'defer':
      return `deferred: ${d.target}`;
    case 'loop':
      return `would bounce as a mail loop at ${d.target}`;
    case 'discard':
      return `would be discarded: ${d.target}`;
    default:
      return `${d.kind} ${d.target}`;
  }
}

// What an admin must see first: a defer keeps the message in the queue, a
// bounce ends it; a forward is only the way to the delivery after it.
const RANK: Record<string, number> = { defer: 0, bounce: 1, loop: 1, maildir: 2, mbox: 2, program: 2, remote: 2, discard: 2, forward: 3 };

export function predictionFromTrace(result: TraceResult): QueuePrediction {
  const ds = result.deliveries;
  if (ds.length === 0) {
    return { kind: 'none', target: '', text: 'would be accepted and delivered nowhere (nothing to deliver to)' };
  }
  const order = [...ds].sort((a, b) => (RANK[a.kind] ?? 2) - (RANK[b.kind] ?? 2));
  const first = order[0];
  const more = ds.length - 1;
  return {
    kind: first.kind,
    target: first.target,
    text: words(first) + (more > 0 ? ` (+${more} more)` : ''),
    ...(ds.length > 1 ? { deliveries: ds.map((d) => ({ kind: d.kind, target: d.target })) } : {}),
  };
}
