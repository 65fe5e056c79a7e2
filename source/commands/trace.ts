// `qlens trace ADDRESS... | -`: walk recipients through qmail as it would
// deliver them. Reads only what the walk needs (the installation is lazy);
// never imports Ink or React.
import * as path from 'node:path';
import type { CommandContext } from './context.js';
import { UsageError } from '../cli-args.js';
import { Sysroot, FsError, decodeBytes } from '../sysroot/sysroot.js';
import { loadInstallation, systemUsersOf } from '../qmail/installation.js';
import { messageHeaderLines } from '../trace/walk.js';
import { makeTracer, type Tracer, type WalkRequest } from '../trace/tracer.js';
import { injectComplete } from '../trace/send.js';
import { toSafeJson, sanitize } from '../text/sanitize.js';
import type { Installation } from '../qmail/model-types.js';
import type { TraceOptions, TraceResult } from '../trace/types.js';
import { openTraceBackends } from '../db/trace-backends.js';
import { vpopmailDbOption } from './db-option.js';

/** Would qmail refuse to queue this recipient at all? (qmail-queue's envelope cannot carry NUL; a newline breaks every reader.) */
function rejected(a: string): string | null {
  if (a.includes('\0')) return 'contains a NUL byte, which an envelope cannot carry';
  if (a.includes('\n')) return 'contains a newline';
  return null;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The addresses named, `-` read from standard input one a line. */
async function readAddresses(ctx: CommandContext): Promise<string[]> {
  const addresses: string[] = [];
  for (const p of ctx.positionals) {
    if (p === '-') {
      const text = await ctx.readStdin();
      for (const l of text.split('\n')) {
        const a = l.replace(/\r$/, '');
        if (a !== '') addresses.push(a);
      }
    } else addresses.push(p);
  }
  return addresses;
}

/** --channel, --now, --sender and --inject, checked. */
function walkOptions(o: CommandContext['options'], usage: number): { channel: TraceOptions['channel']; now: Date | undefined } {
  const channel = str(o.channel);
  if (channel !== undefined && channel !== 'local' && channel !== 'remote') throw new UsageError(`trace: --channel must be local or remote, not ${JSON.stringify(channel)}`, usage);
  let now: Date | undefined;
  if (str(o.now) !== undefined) {
    now = new Date(str(o.now)!);
    if (Number.isNaN(now.getTime())) throw new UsageError(`trace: --now wants an ISO time such as 2026-11-25T10:00:00Z, not ${JSON.stringify(o.now)}`, usage);
  }
  if (o.sender !== undefined && typeof o.sender !== 'string') throw new UsageError('trace: --sender needs a value', usage);
  if (channel && o.inject) throw new UsageError('trace: --inject and --channel do not go together (a queued recipient is already complete)', usage);
  return { channel: channel as TraceOptions['channel'], now };
}

/** The header lines of --message FILE (only Delivered-To matters); an error line and null when it cannot be read. */
function messageHeaders(ctx: CommandContext, msg: string): string[] | null {
  let buf: Buffer | null = null;
  try {
    buf = new Sysroot('/').read(path.resolve(msg));
  } catch (e) {
    ctx.err(`qlens: trace: cannot read --message ${sanitize(msg)}: ${e instanceof FsError ? e.message : String(e)}\n`);
    return null;
  }
  if (buf === null) {
    ctx.err(`qlens: trace: --message ${sanitize(msg)}: no such file\n`);
    return null;
  }
  return messageHeaderLines(decodeBytes(buf));
}

/** One address in one installation; --inject completes it first, as qmail-inject would, and shows its steps. */
async function traceOne(tracer: Tracer, inst: Installation, a: string, inject: boolean, req: WalkRequest): Promise<TraceResult> {
  if (!inject) return tracer.trace(inst, a, req);
  const c = injectComplete(inst, a);
  const r = await tracer.trace(inst, c.address, req);
  r.address = a;
  if (r.hops[0]) r.hops[0].steps.unshift(...c.steps);
  return r;
}

/** qlens trace --check: 2 when any outcome bounces (or loops), 1 when any defers, else 0. */
function checkStatus(results: TraceResult[][]): number {
  let status = 0;
  for (const row of results)
    for (const r of row)
      for (const d of r.deliveries) {
        if (d.kind === 'bounce' || d.kind === 'loop') status = 2;
        else if (d.kind === 'defer' && status < 1) status = 1;
      }
  return status;
}

export async function run(ctx: CommandContext): Promise<number> {
  // The text formatter is loaded only for text output, and its loading starts
  // now so that it overlaps the walk (--json never loads it).
  const formatting = ctx.json ? null : import('../trace/format.js');
  const o = ctx.options;
  const check = Boolean(o.check);
  const usage = check ? 64 : 2;
  const fatal = check ? 66 : 2;

  const addresses = await readAddresses(ctx);
  if (ctx.positionals.length === 0) throw new UsageError('trace: name at least one ADDRESS (or - to read them from standard input)', usage);
  const { channel, now } = walkOptions(o, usage);
  const vpopmailDb = vpopmailDbOption(o, usage);
  const msg = str(o.message);
  const headerLines = msg === undefined ? undefined : messageHeaders(ctx, msg);
  if (headerLines === null) return usage;

  for (const a of addresses) {
    const why = rejected(a);
    if (why) {
      ctx.err(`qlens: trace: ${JSON.stringify(sanitize(a))} ${why}: qmail would not queue it\n`);
      return 2;
    }
  }
  if (addresses.length === 0) throw new UsageError('trace: standard input held no address', usage);

  let installs: Installation[];
  try {
    installs = ctx.instances.map((r) => loadInstallation(ctx.sysroot, r));
  } catch (e) {
    ctx.err(`qlens: ${e instanceof Error ? e.message : String(e)}\n`);
    return fatal;
  }
  const walkIn = o['all-instances'] ? installs : installs.slice(0, 1);
  const req = { sender: str(o.sender), channel, headerLines };
  // No handler is loaded before a walk needs it: a plain address keeps the
  // process close to Node's own start-up, and a vpopmail address does not
  // load VMailMgr's. vpopmail's SQL records are fetched (one read-only
  // session per server, closed at the end) only once a walk meets a MySQL build.
  const backends = openTraceBackends({ vpopmailDb });
  const tracer = makeTracer({ installs, users: systemUsersOf(ctx.sysroot), now, session: backends.session });

  const results: TraceResult[][] = [];
  try {
    for (const a of addresses) {
      const row: TraceResult[] = [];
      for (const inst of walkIn) row.push(await traceOne(tracer, inst, a, Boolean(o.inject), req));
      results.push(row);
    }
  } catch (e) {
    if (e instanceof FsError) {
      ctx.err(`qlens: ${e.message}\n`);
      return fatal;
    }
    throw e;
  } finally {
    await backends.close();
  }

  if (ctx.json) {
    for (const row of results) for (const r of row) ctx.out(toSafeJson(r) + '\n');
  } else {
    const { formatTrace, formatSideBySide } = await (formatting ?? import('../trace/format.js'));
    const parts: string[] = [];
    for (const row of results) parts.push(row.length > 1 ? formatSideBySide(row) : formatTrace(row[0]));
    ctx.out(parts.join('\n'));
  }
  return check ? checkStatus(results) : 0;
}
