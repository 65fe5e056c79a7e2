// `qlens log`: what qmail-send's log says happened, message by message,
// with the tracer's prediction beside each logged recipient; `--summary`
// for the zoverall/zdeferrals view by domain; `--follow` to keep reading as
// the log grows and rotates. Streams: the log is never held whole, and the
// JSON is written message by message.
import type { CommandContext } from './context.js';
import { UsageError } from '../cli-args.js';
import { FsError } from '../sysroot/sysroot.js';
import { toSafeJson, sanitize } from '../text/sanitize.js';
import { findLogs, namedLog, parseLogOption, type LogSearch, type LogSource } from '../log/find.js';
import { LogSession, type SkippedLine } from '../log/session.js';
import type { LoggedDelivery, LoggedMessage } from '../log/matchup.js';
import { SummaryBuilder } from '../log/summary.js';
import { compareTime, isoTime, type LogTime } from '../log/tai64n.js';
import { parseTimeArg } from '../log/time-arg.js';
import { attemptLine, logHeader, storyLines, summaryLines } from '../log/format.js';
import type { LogPrediction } from '../log/predict.js';
import { loadInstallation, systemUsersOf } from '../qmail/installation.js';
import type { ManagerHandlers } from '../trace/types.js';
import { rewrite } from '../trace/send.js';
import { Out } from './out.js';

/** Skipped lines listed one by one; the rest are counted. */
const SKIPPED_MAX = 1000;
const FOLLOW_POLL_MS = 500;

export interface LogRunDeps {
  /** Now, for --since 2h and the like (tests). */
  now?: number;
  /** --follow: resolves when following should stop (tests; the CLI stops on SIGINT/SIGTERM). */
  stop?: Promise<void>;
  pollMs?: number;
  /** --summary: how a big log is read in threads (tests make small logs big enough, or keep one thread). */
  threads?: { threads?: number; minBytes?: number };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function timeOpt(ctx: CommandContext, name: string, now: number): LogTime | null {
  const v = ctx.options[name];
  if (v === undefined) return null;
  if (typeof v !== 'string') throw new UsageError(`log: --${name} needs a TIME`);
  const t = parseTimeArg(v, now);
  if (!t) throw new UsageError(`log: --${name} ${JSON.stringify(v)}: give an ISO time (2026-11-25T10:00:00Z), a local time (2026-11-25 10:00), a TAI64N label (@4000...) or an age (2h, 3d)`);
  return t;
}

function iso(t: LogTime | null): string | null {
  return t ? isoTime(t) : null;
}

function sourcesOf(ctx: CommandContext): LogSearch[] {
  const named = (ctx.options.log as string[] | undefined) ?? [];
  if (named.length === 0) return findLogs(ctx.sysroot, ctx.instances);
  const searches = new Map<string, LogSearch>();
  for (const v of named) {
    const parsed = parseLogOption(v, ctx.instances);
    if ('error' in parsed) throw new UsageError(`log: ${parsed.error}`);
    const se = searches.get(parsed.instance) ?? { instance: parsed.instance, sources: [], shared: [], looked: [], notes: [] };
    searches.set(parsed.instance, se);
    se.looked.push(parsed.path);
    const src = namedLog(ctx.sysroot, parsed.instance, parsed.path);
    if (src) se.sources.push(src);
    else se.notes.push(`--log ${parsed.path}: no such file or directory`);
  }
  return [...searches.values()];
}

interface Filter {
  since: LogTime | null;
  until: LogTime | null;
  id: number | null;
  /** Each log's installation → the forms of --address its log may show (as given, and as qmail-send rewrote it). */
  address: Map<string, Set<string>> | null;
}

function within(t: LogTime | null, f: Filter): boolean {
  if (!t) return false;
  if (f.since && compareTime(t, f.since) < 0) return false;
  if (f.until && compareTime(t, f.until) > 0) return false;
  return true;
}

function wanted(m: LoggedMessage, instance: string, f: Filter): boolean {
  if (f.id !== null && m.id !== f.id) return false;
  if (f.address) {
    const forms = f.address.get(instance)!;
    const hit = (m.sender !== null && forms.has(m.sender.toLowerCase())) || m.deliveries.some((d) => forms.has(d.recipient.toLowerCase()));
    if (!hit) return false;
  }
  if (f.since || f.until) {
    const times = [m.received, m.ended, ...m.deliveries.flatMap((d) => [d.started, d.finished])];
    if (!times.some((t) => within(t, f))) return false;
  }
  return true;
}

function deliveryJson(d: LoggedDelivery, p: LogPrediction | null | undefined): Record<string, unknown> {
  return {
    n: d.n,
    channel: d.channel,
    recipient: d.recipient,
    started: iso(d.started),
    finished: iso(d.finished),
    result: d.result,
    text: d.text,
    raw: d.raw,
    lost: d.lost,
    forward_qp: d.forwardQp,
    forward_id: d.forwardId,
    prediction: p ?? null,
  };
}

export function messageJson(m: LoggedMessage, instance: string, preds: Map<LoggedDelivery, LogPrediction> | null): Record<string, unknown> {
  return {
    instance,
    id: m.id,
    received: iso(m.received),
    ended: iso(m.ended),
    sender: m.sender,
    bytes: m.bytes,
    qp: m.qp,
    uid: m.uid,
    began_before_log: m.beganBeforeLog,
    bounce_qp: m.bounceQp,
    bounce_id: m.bounceId,
    bounce_of: m.bounceOf,
    forward_of: m.forwardOf,
    triple_bounce: m.tripleBounce,
    lost: m.lost,
    deliveries: m.deliveries.map((d) => deliveryJson(d, preds?.get(d))),
  };
}

function logsJson(searches: LogSearch[], session: LogSession): unknown[] {
  const out: unknown[] = [];
  for (const se of searches) {
    for (const src of se.shared) out.push({ instance: se.instance, path: src.path, format: src.format, tag: src.tag, shared_with: [src.instance], notes: se.notes, files: [], lines: 0 });
    if (se.sources.length === 0 && se.shared.length === 0) out.push({ instance: se.instance, path: null, format: null, looked: se.looked, notes: se.notes });
    for (const src of se.sources) {
      const open = session.logs.find((l) => l.source === src);
      out.push({
        instance: se.instance,
        path: src.path,
        format: src.format,
        tag: src.tag,
        found_by: src.foundBy,
        shared_with: src.sharedWith,
        notes: [...src.notes, ...se.notes, ...(open?.reader.notes.map((n) => `${n.path}: ${n.message}`) ?? [])],
        files: open ? open.reader.segments.map((s) => s.path) : [],
        lines: open?.lines ?? 0,
      });
    }
  }
  return out;
}


/** On a host whose vpopmail keeps its users in MySQL: the predictions' handlers made for its database, and how to close it. */
async function sqlBackends(ctx: CommandContext): Promise<{ handlers: ManagerHandlers; close: () => Promise<void> } | null> {
  const { hasSqlVpopmail } = await import('../db/vpopmail-sql-check.js');
  if (!hasSqlVpopmail(ctx.instances.map((r) => loadInstallation(ctx.sysroot, r)), systemUsersOf(ctx.sysroot))) return null;
  const [{ openTraceBackends }, { loadHandlers }, { vpopmailDbOption }] = await Promise.all([import('../db/trace-backends.js'), import('../trace/manager-loader.js'), import('./db-option.js')]);
  const backends = openTraceBackends({ vpopmailDb: vpopmailDbOption(ctx.options) });
  return { handlers: await loadHandlers(backends.session), close: () => backends.close() };
}

/** Every attempt of the messages the run will tell, read once ahead (the log as it is now). */
async function loggedRecipients(ctx: CommandContext, sources: LogSource[], tells: (m: LoggedMessage) => boolean, instanceOf: (log: number) => string) {
  const out: Array<{ instance: string; recipient: string; channel: 'local' | 'remote' }> = [];
  const message = (m: LoggedMessage): void => {
    if (tells(m)) for (const d of m.deliveries) out.push({ instance: instanceOf(m.log), recipient: d.recipient, channel: d.channel });
  };
  const pre = new LogSession(ctx.sysroot, sources, { message }, { ordered: false, keepDeliveries: true, strings: true });
  try {
    await pre.readAll({ end: true });
  } finally {
    pre.close();
  }
  return out;
}

export async function run(ctx: CommandContext, deps: LogRunDeps = {}): Promise<number> {
  const held: Array<() => Promise<void>> = [];
  try {
    return await runLog(ctx, deps, held);
  } finally {
    for (const close of held) await close();
  }
}

async function runLog(ctx: CommandContext, deps: LogRunDeps, held: Array<() => Promise<void>>): Promise<number> {
  const now = deps.now ?? Date.now();
  if (ctx.positionals.length > 0) throw new UsageError(`log: unexpected argument ${JSON.stringify(ctx.positionals[0])} (see qlens --help)`);
  const since = timeOpt(ctx, 'since', now);
  const until = timeOpt(ctx, 'until', now);
  let id: number | null = null;
  if (ctx.options.message !== undefined) {
    const v = str(ctx.options.message) ?? '';
    if (!/^\d+$/.test(v)) throw new UsageError(`log: --message wants the number of "new msg N", not ${JSON.stringify(v)}`);
    id = Number(v);
  }
  const address = str(ctx.options.address);
  if (ctx.options.address !== undefined && !address) throw new UsageError('log: --address needs an ADDRESS');
  const summaryMode = Boolean(ctx.options.summary);
  const follow = Boolean(ctx.options.follow);
  const predict = !ctx.options['no-predict'] && !summaryMode;
  if (summaryMode && (id !== null || address)) throw new UsageError('log: --summary counts every message; it does not take --message or --address');

  const searches = sourcesOf(ctx);
  const sources: LogSource[] = searches.flatMap((s) => s.sources);
  const header = logHeader(searches);
  if (sources.length === 0) {
    for (const l of header) ctx.err(`qlens: log: ${l}\n`);
    ctx.err('qlens: log: no log found (name one with --log [INSTANCE=]PATH)\n');
    return 2;
  }

  const filter: Filter = { since, until, id, address: null };
  if (address) {
    filter.address = new Map();
    for (const se of searches) {
      const forms = new Set([address.toLowerCase()]);
      try {
        const r = rewrite(loadInstallation(ctx.sysroot, se.instance), address);
        if (r.route !== 'stopped') forms.add(r.rewritten.toLowerCase());
      } catch {
        /* the address as given still matches */
      }
      filter.address.set(se.instance, forms);
    }
  }

  const out = new Out(ctx.out);
  const skipped: SkippedLine[] = [];
  let skippedTotal = 0;
  let unmatched = 0;
  const instanceOf = (log: number): string => sources[log].instance;
  const db = predict ? await sqlBackends(ctx) : null;
  if (db) held.push(db.close);
  const predictor = predict ? new (await import('../log/predictor.js')).LogPredictor(ctx.sysroot, ctx.instances, new Date(now), db?.handlers) : null;
  // vpopmail over MySQL: the recipients the log will tell are walked first, so their rows are there when it is told.
  if (db && predictor) await predictor.prefetch(await loggedRecipients(ctx, sources, (m) => wanted(m, instanceOf(m.log), filter), instanceOf));
  const predictionsFor = (m: LoggedMessage): Map<LoggedDelivery, LogPrediction> | null => {
    if (!predictor) return null;
    const map = new Map<LoggedDelivery, LogPrediction>();
    for (const d of m.deliveries) map.set(d, predictor.predict(instanceOf(m.log), d));
    return map;
  };

  const summary = summaryMode ? new SummaryBuilder({ since, until }) : null;
  let firstMessage = true;
  let following = false;
  let shown = 0;

  const session = new LogSession(
    ctx.sysroot,
    sources,
    {
      message: (m) => {
        if (summary) {
          summary.message(m);
          return;
        }
        const instance = instanceOf(m.log);
        if (!wanted(m, instance, filter)) return;
        shown++;
        const preds = predictionsFor(m);
        if (ctx.json) {
          const j = toSafeJson(messageJson(m, instance, preds));
          if (following) out.put(`{"event":"message",${j.slice(1)}\n`);
          else {
            out.put(firstMessage ? j : ',' + j);
            firstMessage = false;
          }
        } else {
          out.put((following ? '' : '\n') + storyLines(m, instance, preds ?? undefined).join('\n') + '\n');
        }
        if (following) out.flush();
      },
      result: (m, d) => {
        if (summary) {
          summary.result(m, d);
          return;
        }
        if (!following || (d.result === null && !d.lost)) return;
        const instance = instanceOf(m.log);
        if (filter.id !== null && m.id !== filter.id) return;
        if (filter.address && !filter.address.get(instance)!.has(d.recipient.toLowerCase())) return;
        if (ctx.json) out.put(toSafeJson({ event: 'delivery', instance, id: m.id, delivery: deliveryJson(d, predictor?.predict(instance, d)) }) + '\n');
        else out.put(`${sanitize(instance)}  msg ${m.id}  ${attemptLine(d)}\n`);
        out.flush();
      },
      status: (st) => summary?.status(st),
      unmatched: (u) => {
        unmatched++;
        summary?.unmatched(u);
      },
      skip: (sk) => {
        skippedTotal++;
        if (skipped.length < SKIPPED_MAX) skipped.push(sk);
      },
      skipMore: (n) => {
        skippedTotal += n;
      },
    },
    { ordered: !summaryMode, keepDeliveries: !summaryMode, strings: !summaryMode, holdPartial: follow },
  );

  if (!ctx.json) {
    for (const l of header) out.put(l + '\n');
    out.flush();
  } else if (!summaryMode && !follow) {
    // Messages stream first; the logs, with what was read of them, close the object.
    out.put('{"messages":[');
  }

  try {
    // Following keeps every message open; otherwise each log's open messages are told right after it.
    const threads = summary && !follow ? (await import('../log/summary-threads.js')).readRotatedInThreads : null;
    await session.readAll({
      end: !follow,
      first: threads ? (log) => threads(ctx.sysroot, log, summary!, session.sink, { since, until, skippedMax: SKIPPED_MAX, ...deps.threads }) : undefined,
    });
  } catch (e) {
    if (e instanceof FsError) {
      ctx.err(`qlens: log: ${e.message}\n`);
      return 2;
    }
    throw e;
  }

  if (follow) {
    // What is complete so far is told; attempts and messages still open are told as they end.
    following = true;
    if (ctx.json) out.put(toSafeJson({ event: 'logs', logs: logsJson(searches, session) }) + '\n');
    out.flush();
    await followLoop(session, deps);
    session.end();
    out.flush();
    return 0;
  }

  session.close();
  const readNotes = session.logs.flatMap((l) => l.reader.notes);

  if (summary) {
    const sum = summary.build();
    if (ctx.json) out.put(toSafeJson({ logs: logsJson(searches, session), summary: sum, skipped, skipped_total: skippedTotal }) + '\n');
    else out.put('\n' + summaryLines(sum).join('\n') + '\n');
  } else if (ctx.json) {
    out.put(`],"logs":${toSafeJson(logsJson(searches, session))},"skipped":${toSafeJson(skipped)},"skipped_total":${skippedTotal},"started_before_log":${unmatched}}\n`);
  } else if (shown === 0) {
    out.put(id !== null ? `\nno message ${id} in the log\n` : '\nno message in the log matches\n');
  }
  if (!ctx.json) {
    for (const n of readNotes) out.put(`note: ${sanitize(n.path)}: ${sanitize(n.message)}\n`);
    if (skippedTotal) {
      const reasons = new Map<string, number>();
      for (const sk of skipped) reasons.set(sk.reason, (reasons.get(sk.reason) ?? 0) + 1);
      const first = skipped[0];
      out.put(`${skippedTotal} line${skippedTotal === 1 ? '' : 's'} skipped (${[...reasons].map(([r, n]) => `${n} ${r}`).join(', ')}); first: ${sanitize(first.path)} line ${first.line}\n`);
    }
    if (unmatched) out.put(`${unmatched} result line${unmatched === 1 ? '' : 's'} of attempts started before the log (recipient unknown)\n`);
  }
  out.flush();
  return 0;
}

async function followLoop(session: LogSession, deps: LogRunDeps): Promise<void> {
  let stopped = false;
  const stop =
    deps.stop ??
    new Promise<void>((resolve) => {
      const done = (): void => resolve();
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
  void stop.then(() => {
    stopped = true;
  });
  const poll = deps.pollMs ?? FOLLOW_POLL_MS;
  while (!stopped) {
    await Promise.race([stop, new Promise((r) => setTimeout(r, poll))]);
    if (stopped) break;
    await session.poll();
  }
}
