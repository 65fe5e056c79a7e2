// `qlens queue [--json] [--counts | --shape | --message ID]`: each
// installation's queue read from disk (contract.md "qlens queue --json").
// The listing streams: counts first (a directory walk), then one message at
// a time, so a 100,000-message queue never sits in memory.
import type { CommandContext } from './context.js';
import { UsageError } from '../cli-args.js';
import { decodeBytes } from '../sysroot/sysroot.js';
import { toSafeJson, sanitize } from '../text/sanitize.js';
import {
  QueueProblems,
  ShapeBuilder,
  countQueue,
  listQueue,
  newTally,
  readQueueLayout,
  readQueueMessage,
  readQueuelifetime,
  type QueueLayout,
  type RecipientPredictor,
  type ScanTally,
} from '../qmail/queue.js';
import {
  countsText,
  detailJson,
  detailText,
  duration,
  layoutText,
  messageJson,
  messageText,
  shapeText,
} from './queue-format.js';
import type { Diagnostic } from '../qmail/model-types.js';
import type { PoolOptions } from './queue-pool.js';
import { Out } from './out.js';

export interface QueueRunDeps {
  /** The time estimates are made for (tests fix it). */
  now?: number;
  /** The tracer's prediction for each pending recipient of an installation; none when absent. */
  predictorFor?: (instance: string) => RecipientPredictor | null;
  /** The walks the predictors may still make; `skipped` counts recipients left unpredicted. */
  budget?: { left: number; skipped: number; limit: number };
  /** Reading a big queue with worker threads (queue-pool.ts); `{ workers: 0 }` reads in this thread. */
  pool?: PoolOptions;
}

/**
 * Distinct recipients a listing walks the tracer for by default. Enough for
 * every recipient of an ordinary queue; on a 100,000-message spam wave it
 * keeps the listing about as fast as qmail-qread (each walk stats real homes
 * and maildirs), and the summary says how many were left out.
 */
export const DEFAULT_PREDICT_LIMIT = 2000;


function problemLine(d: Diagnostic): string {
  return `qlens: ${sanitize(d.path)}${d.line === null ? '' : `:${d.line}`}: ${d.severity}: ${sanitize(d.message)}\n`;
}

function problemsJson(list: Diagnostic[]): Array<Record<string, unknown>> {
  return list.map((d) => ({ path: d.path, line: d.line, severity: d.severity, code: d.code, message: d.message }));
}

function layoutJson(l: QueueLayout): Record<string, unknown> {
  return { queue: l.queueDir, present: l.present, split: l.split, bigTodo: l.bigTodo };
}

function parseId(v: string | boolean | string[] | undefined): number | null {
  if (v === undefined || v === false) return null;
  const s = typeof v === 'string' ? v : Array.isArray(v) ? v[v.length - 1] : '';
  const m = /^#?(\d+)$/.exec(s);
  if (!m) throw new UsageError(`--message wants a message number (as qmail-qread shows it, e.g. 1234567), not "${sanitize(String(s))}"`);
  return Number(m[1]);
}

export async function run(ctx: CommandContext): Promise<number> {
  const now = Date.now();
  // The tracer is loaded only when recipients are listed: --counts and
  // --shape stay a directory walk and a scan.
  if (ctx.options.counts || ctx.options.shape) return runQueue(ctx, { now });
  if (ctx.options['no-predict'] && ctx.options['predict-all']) throw new UsageError('--no-predict and --predict-all go one at a time');
  if (ctx.options['no-predict']) return runQueue(ctx, { now });
  const { tracerPredictor } = await import('../trace/queue-predict.js');
  // One message is always predicted whole; a listing within the budget.
  const limit = ctx.options['predict-all'] || ctx.options.message ? Infinity : DEFAULT_PREDICT_LIMIT;
  const budget = { left: limit, skipped: 0, limit };
  const sql = await sqlQueueTracer(ctx, now, budget);
  try {
    return await runQueue(ctx, { now, budget, predictorFor: (instance) => tracerPredictor(ctx.sysroot, instance, ctx.instances, now, budget, sql?.qt) });
  } finally {
    await sql?.close();
  }
}

/**
 * vpopmail over MySQL: the predictions read its rows. They are fetched
 * before the listing (prefetchQueue: one read of the queue in this thread)
 * over one read-only session, closed after it; other hosts list as before.
 */
async function sqlQueueTracer(ctx: CommandContext, now: number, budget: { left: number; skipped: number }): Promise<{ qt: import('../trace/queue-predict.js').QueueTracer; close(): Promise<void> } | null> {
  const [{ hasSqlVpopmail }, { loadInstallation, systemUsersOf }] = await Promise.all([import('../db/vpopmail-sql-check.js'), import('../qmail/installation.js')]);
  if (!hasSqlVpopmail(ctx.instances.map((r) => loadInstallation(ctx.sysroot, r)), systemUsersOf(ctx.sysroot))) return null;
  let id: number | null = null;
  try {
    id = parseId(ctx.options.message);
  } catch {
    return null; // runQueue says why
  }
  const [{ queueTracer, prefetchQueue }, { openTraceBackends }, { loadHandlers }, { vpopmailDbOption }] = await Promise.all([
    import('../trace/queue-predict.js'),
    import('../db/trace-backends.js'),
    import('../trace/manager-loader.js'),
    import('./db-option.js'),
  ]);
  const backends = openTraceBackends({ vpopmailDb: vpopmailDbOption(ctx.options) });
  const qt = queueTracer(ctx.sysroot, ctx.instances, now, await loadHandlers(backends.session));
  await prefetchQueue(qt, ctx.sysroot, ctx.instances, now, budget, id);
  return { qt, close: () => backends.close() };
}

export async function runQueue(ctx: CommandContext, deps: QueueRunDeps): Promise<number> {
  if (ctx.positionals.length > 0) throw new UsageError(`queue takes no arguments (got "${sanitize(ctx.positionals[0])}")`);
  const countsOnly = Boolean(ctx.options.counts);
  const shape = Boolean(ctx.options.shape);
  const id = parseId(ctx.options.message);
  if (Number(countsOnly) + Number(shape) + Number(id !== null) > 1) {
    throw new UsageError('--counts, --shape and --message go one at a time');
  }
  const now = deps.now ?? Date.now();
  const out = new Out(ctx.out);
  let status = 0;
  let found = false;
  const several = ctx.instances.length > 1;

  for (const [n, instance] of ctx.instances.entries()) {
    const problems = new QueueProblems();
    const layout = readQueueLayout(ctx.sysroot, instance, problems);
    const queuelifetime = readQueuelifetime(ctx.sysroot, instance, problems);
    const predict = deps.predictorFor?.(instance) ?? undefined;
    const scanOpts = { now, queuelifetime, predict };

    if (id !== null) {
      const d = readQueueMessage(ctx.sysroot, layout, id, problems, scanOpts);
      if (d) {
        found = true;
        if (ctx.json) out.put(toSafeJson({ instance, ...layoutJson(layout), message: detailJson(d, decodeBytes), problems: problemsJson(problems.list) }) + '\n');
        else out.put((several && n > 0 ? '\n' : '') + detailText(d, now, queuelifetime));
      }
      out.flush();
      for (const p of problems.list) ctx.err(problemLine(p));
      if (problems.permissionDenied) status = 2;
      continue;
    }

    // A listing reads the ids its count walk found; --counts only counts.
    const listing = countsOnly ? null : listQueue(ctx.sysroot, layout, problems);
    const counts = listing ? listing.counts : countQueue(ctx.sysroot, layout, problems);
    if (ctx.json) {
      out.put(`{"instance":${toSafeJson(instance)},${toSafeJson(layoutJson(layout)).slice(1, -1)},"counts":${toSafeJson(counts)}`);
    } else {
      if (n > 0) out.put('\n');
      out.put(layoutText(layout));
      out.put(countsText(counts));
    }

    if (listing) {
      const tally: ScanTally = newTally();
      const skippedBefore = deps.budget?.skipped ?? 0;
      const summary = { bouncing: 0, pastLifetime: 0, pendingRecipients: 0 };
      const shapeB = shape ? new ShapeBuilder(now) : null;
      // Loaded for a listing only: --counts stays a directory walk in a process that starts fast.
      const [{ renderQueue }, { spliceChunk }] = await Promise.all([import('./queue-pool.js'), import('./queue-render.js')]);
      const predicting = predict !== undefined && !shapeB;
      // The marker stands where a prediction goes; without predictions there is none (and node:crypto stays unloaded).
      const marker = predicting ? `qlens-prediction-${(await import('node:crypto')).randomBytes(16).toString('hex')}` : '';
      const render = { json: ctx.json, now, predict: predicting, shape: shapeB !== null, marker };
      if (ctx.json && !shapeB) out.put(',"messages":[');
      let first = true;
      for await (const chunk of renderQueue(ctx.sysroot, layout, listing, problems, scanOpts, render, tally, deps.pool)) {
        summary.bouncing += chunk.bouncing;
        summary.pastLifetime += chunk.pastLifetime;
        summary.pendingRecipients += chunk.pendingRecipients;
        if (chunk.shape) {
          shapeB?.addCounts(chunk.shape);
          continue;
        }
        for (const text of spliceChunk(chunk, ctx.json, predict)) {
          let flushed: boolean;
          if (ctx.json) flushed = out.put(first ? text : ',' + text);
          else flushed = out.put(first ? '\n' + text : text);
          first = false;
          // Let the event loop run now and then: a closed pipe then ends us.
          if (flushed) await new Promise((resolve) => setImmediate(resolve));
        }
      }
      const tallyJson = {
        listed: tally.listed,
        todo: tally.todo,
        inFlight: tally.inFlight,
        vanished: tally.vanished,
        complete: !tally.incomplete,
        ...summary,
        queuelifetime,
        ...(deps.budget && deps.budget.skipped > skippedBefore ? { notPredicted: deps.budget.skipped - skippedBefore, predictLimit: deps.budget.limit } : {}),
      };
      if (ctx.json) {
        if (shapeB) out.put(`,"shape":${toSafeJson({ remote: shapeB.table('remote'), local: shapeB.table('local') })}`);
        else out.put(']');
        out.put(`,"summary":${toSafeJson(tallyJson)}`);
      } else if (shapeB) {
        out.put('\n' + shapeText(shapeB.table('remote'), instance) + '\n' + shapeText(shapeB.table('local'), instance));
        if (tally.todo) out.put(`(${tally.todo} not yet preprocessed, so without a channel: not counted above)\n`);
      } else {
        const parts = [`${tally.listed} listed`];
        if (tally.todo) parts.push(`${tally.todo} not yet preprocessed`);
        if (summary.bouncing) parts.push(`${summary.bouncing} bouncing`);
        parts.push(`${summary.pastLifetime} past queuelifetime (${duration(queuelifetime)})`);
        if (tally.inFlight) parts.push(`${tally.inFlight} being written or orphaned (not listed)`);
        if (tally.vanished) parts.push(`${tally.vanished} finished while read`);
        if (tally.incomplete) parts.push('listing incomplete');
        out.put(`\n${parts.join(', ')}\n`);
        if (tallyJson.notPredicted) {
          out.put(
            `${tallyJson.notPredicted} pending recipient${tallyJson.notPredicted === 1 ? '' : 's'} listed without a prediction: a listing traces ${tallyJson.predictLimit} distinct recipients at most ` +
              `(each walk stats real homes and maildirs); qlens queue --message ID or qlens trace --channel CH ADDRESS predicts one, --predict-all every one\n`,
          );
        }
      }
    }
    if (ctx.json) out.put(`,"problems":${toSafeJson(problemsJson(problems.list))}}\n`);
    out.flush();
    for (const p of problems.list) ctx.err(problemLine(p));
    if (problems.permissionDenied) status = 2;
  }
  out.flush();
  if (id !== null && !found) {
    ctx.err(`qlens: no message #${id} in the queue of ${sanitize(ctx.instances.join(', '))}\n`);
    return 2;
  }
  return status;
}
