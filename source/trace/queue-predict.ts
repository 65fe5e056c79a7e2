// The tracer's answer for a queued recipient, said in one line for the queue
// listing ("would deliver to /home/bob/Maildir/", "deferred: ...").
import type { Sysroot } from '../sysroot/sysroot.js';
import type { Delivery, TraceResult } from './types.js';
import { QueueProblems, readQueueLayout, readQueueMessage, readQueuelifetime, scanQueue, type QueuePrediction, type RecipientPredictor } from '../qmail/queue.js';
import type { Installation } from '../qmail/model-types.js';
import { loadInstallation, systemUsersOf } from '../qmail/installation.js';
import { SnapshotSysroot } from '../sysroot/snapshot.js';
import { makeTracer, settle, type Tracer } from './tracer.js';
import { builtinManagers } from './managers.js';
import type { ManagerHandlers } from './types.js';

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

/** Distinct recipients remembered per installation; a huge queue clears and starts over. */
const MEMO_MAX = 50000;

/**
 * The tracer as a RecipientPredictor for one installation: a queued local
 * recipient is walked from qmail-lspawn as the queue holds it (--channel
 * local), a remote one as a remote hop (which may cross into another loaded
 * installation), a todo recipient from qmail-send (not yet rewritten).
 * A remote recipient that simply goes out by SMTP gets no prediction: it
 * would say nothing the channel does not. qmail's delivery decisions do not
 * depend on the envelope sender, so predictions are shared across senders.
 */
/**
 * How many recipients a listing may walk the tracer for. A walk costs about
 * half a millisecond (real stats of homes, .qmail files and maildirs); a
 * 100,000-message queue holds some 60,000 distinct local recipients, which
 * would make the listing ten times slower than qmail-qread. Shared by the
 * installations of one listing; answers already known cost nothing.
 */
export interface PredictBudget {
  /** Walks still allowed (Infinity: every recipient). */
  left: number;
  /** Pending recipients left without a prediction because the budget was spent. */
  skipped: number;
}

/** One tracer for a listing's installations, over one snapshot of the tree (each prediction stats the same homes and domain directories). */
export interface QueueTracer {
  snap: SnapshotSysroot;
  installs: Installation[];
  tracer: Tracer;
}

/** `handlers`: made for the caller's backends (vpopmail's MySQL) when it reads them; by default every manager's, reading no database. */
export function queueTracer(sysroot: Sysroot, allInstances: string[], now: number, handlers: ManagerHandlers = builtinManagers): QueueTracer {
  const snap = new SnapshotSysroot(sysroot);
  const installs = allInstances.map((r) => loadInstallation(snap, r));
  return { snap, installs, tracer: makeTracer({ installs, users: systemUsersOf(snap), now: new Date(now), handlers }) };
}

export function tracerPredictor(sysroot: Sysroot, instance: string, allInstances: string[], now: number, budget?: PredictBudget, shared?: QueueTracer): RecipientPredictor {
  const { snap, installs, tracer } = shared ?? queueTracer(sysroot, allInstances, now);
  const inst = installs[allInstances.indexOf(instance)] ?? loadInstallation(snap, instance);
  const memo = new Map<string, QueuePrediction | null>();
  // Whether a remote hop goes out plainly or crosses into another loaded
  // installation is decided by its domain alone (smtproutes, listeners), so
  // one plain walk per domain answers for every address there.
  const plainDomains = new Set<string>();
  return (address, channel, sender) => {
    const key = (channel ?? 'todo') + '\0' + address;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    const domain = channel === 'remote' ? address.slice(address.lastIndexOf('@') + 1).toLowerCase() : null;
    if (domain !== null && plainDomains.has(domain)) return null;
    if (budget) {
      if (budget.left <= 0) {
        budget.skipped++;
        return null;
      }
      budget.left--;
    }
    let p: QueuePrediction | null;
    try {
      const r = tracer.walk(inst, address, { channel: channel ?? undefined, sender });
      const plainRemote = r.deliveries.length === 1 && r.deliveries[0].kind === 'remote' && r.hops.length === 1;
      p = plainRemote ? null : predictionFromTrace(r);
      if (plainRemote && domain !== null) {
        if (plainDomains.size >= MEMO_MAX) plainDomains.clear();
        plainDomains.add(domain);
        return null;
      }
    } catch (e) {
      p = { kind: 'error', target: '', text: `cannot trace: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (memo.size >= MEMO_MAX) memo.clear();
    memo.set(key, p);
    return p;
  };
}

/**
 * Before a listing whose predictions may need a backend's records (vpopmail
 * over MySQL): every installation's queue is read once with the listing's
 * predictions made and thrown away, the records their walks asked for are
 * fetched, and so again until none is missing; the listing then walks the
 * same recipients, in the same order and within the same budget, over
 * records already there. `id`: only that message (qlens queue --message).
 */
export async function prefetchQueue(qt: QueueTracer, sysroot: Sysroot, allInstances: string[], now: number, budget?: PredictBudget, id: number | null = null): Promise<void> {
  await settle([qt.tracer], () => {
    const left = budget ? { left: budget.left, skipped: 0 } : undefined;
    for (const instance of allInstances) {
      const problems = new QueueProblems();
      const layout = readQueueLayout(sysroot, instance, problems);
      const opts = { now, queuelifetime: readQueuelifetime(sysroot, instance, problems), predict: tracerPredictor(sysroot, instance, allInstances, now, left, qt) };
      if (id !== null) readQueueMessage(sysroot, layout, id, problems, opts);
      else for (const m of scanQueue(sysroot, layout, problems, opts)) void m;
    }
  });
}
