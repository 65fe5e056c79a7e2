// `npm run bench -- [--size small|large] [--json] [--qmail-bin DIR] [--runs N] [--dir DIR]`
// `npm run bench -- --queue [10k,100k,1m] [--json] [--qmail-bin DIR] [--runs N] [--dir DIR]`
//   (the queue alone at each size, beside the Node floor and qmail's own
//   tools: queue-bench.ts)
//
// Generates the benchmark host from a fixed seed (bench/generate.ts) and
// measures what an admin waits for: loading the installations, the first
// TUI frame, a trace inside one process, the one-shot `qlens trace` process
// against `node -e 0`, and the queue read as qmail-qstat and qmail-qread
// read it. Every figure is a median over several runs, with the peak
// resident memory of the process that produced it. A part whose module has
// not landed is reported as "not measured: <reason>", never as a number.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generateOrReuse, tempTarget, SIZES, DEFAULT_SEED, type SizeName, type Generated } from './generate.js';
import { median, readPeakRss, round } from './stats.js';
import { firstFrame, type FrameResult } from './first-frame.js';
import { benchVpopmailSql } from './vpopmail-sql.js';
import { benchLog } from './log-bench.js';
import { parseSizes, queueTable, runQueueBench } from './queue-bench.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.resolve(here, '..', '..');
const cli = path.join(projectRoot, 'dist', 'source', 'cli.js');
const probe = path.join(here, 'probe.js');
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const TIMEOUT = ['/usr/bin/timeout', '/bin/timeout'].find((p) => fs.existsSync(p)) ?? null;
/** A process still running after this long is stopped (with its whole process group) and reported as such. */
const limits = { processMs: 0 };

interface Options {
  size: SizeName;
  json: boolean;
  qmailBin: string | null;
  runs: number;
  dir: string | null;
  keep: boolean;
  /** --queue: message counts of the queue-only bench. */
  queue: number[] | null;
}

function parseOptions(argv: string[]): Options {
  const o: Options = { size: 'small', json: false, qmailBin: null, runs: 0, dir: null, keep: false, queue: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = (): string => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    if (a === '--json') o.json = true;
    else if (a === '--queue' || a.startsWith('--queue=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : '10k,100k,1m';
      try {
        o.queue = parseSizes(v);
      } catch (e) {
        usage((e as Error).message);
      }
    }
    else if (a === '--keep') o.keep = true;
    else if (a.startsWith('--size')) {
      const v = val();
      if (!(v in SIZES)) usage(`--size is small or large, not ${v}`);
      o.size = v as SizeName;
    } else if (a.startsWith('--qmail-bin')) o.qmailBin = path.resolve(val());
    else if (a.startsWith('--runs')) o.runs = Number(val());
    else if (a.startsWith('--dir')) o.dir = path.resolve(val());
    else usage(`unknown argument ${a}`);
  }
  if (!o.runs || !Number.isInteger(o.runs) || o.runs < 1) o.runs = o.queue ? 5 : o.size === 'large' ? 5 : 7;
  budget.perFigureMs = o.size === 'large' ? 40000 : 12000;
  limits.processMs = o.size === 'large' ? 90000 : 60000;
  return o;
}

function usage(msg: string): never {
  process.stderr.write(
    `bench: ${msg}\nusage: npm run bench -- [--size small|large] [--json] [--qmail-bin DIR] [--runs N] [--dir DIR] [--keep]\n` +
      `       npm run bench -- --queue [10k,100k,1m] [--json] [--qmail-bin DIR] [--runs N] [--dir DIR] [--keep]\n`,
  );
  process.exit(2);
}

/** One figure: measured, or why not. */
type Figure =
  | { measured: true; medianMs: number; runsMs?: number[]; peakRssMb: number | null; [k: string]: unknown }
  | { measured: false; reason: string };

interface ProcRun {
  ms: number;
  status: number | null;
  rssKb: number | null;
  stderr: string;
  stdoutBytes: number;
}

/** Run a whole process, stdout to a file (a 100,000-message listing is big), with its peak RSS. */
function runProcess(cmd: string, args: string[], env?: NodeJS.ProcessEnv): ProcRun {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qlens-run-'));
  const outFile = path.join(tmp, 'out');
  const rssFile = path.join(tmp, 'rss');
  const fd = fs.openSync(outFile, 'w');
  let [file, argv] = TIME ? [TIME, ['-o', rssFile, '-f', '%M', cmd, ...args]] : [cmd, args];
  // timeout(1) runs the command in its own process group and signals the whole group, grandchildren included.
  if (TIMEOUT && limits.processMs > 0) [file, argv] = [TIMEOUT, ['-s', 'TERM', '-k', '5', String(Math.ceil(limits.processMs / 1000)), file, ...argv]];
  const s = performance.now();
  const r = spawnSync(file, argv, { stdio: ['ignore', fd, 'pipe'], env: env ?? process.env, maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - s;
  const timedOut = TIMEOUT !== null && limits.processMs > 0 && (r.status === 124 || r.status === 137);
  fs.closeSync(fd);
  const rssKb = TIME ? readPeakRss(rssFile) : null;
  const stdoutBytes = fs.statSync(outFile).size;
  fs.rmSync(tmp, { recursive: true, force: true });
  const stderr = timedOut ? `still running after ${Math.ceil(limits.processMs / 1000)} s: stopped` : r.stderr?.toString() ?? '';
  return { ms, status: timedOut ? null : r.status, rssKb, stderr, stdoutBytes };
}

function firstLine(s: string): string {
  return s.trim().split('\n')[0]?.slice(0, 160) ?? '';
}

function peakMb(runs: Array<{ rssKb: number | null }>): number | null {
  const v = runs.map((r) => r.rssKb).filter((x): x is number => x !== null);
  return v.length ? round(Math.max(...v) / 1024, 1) : null;
}

/** Time one figure may take, all runs together, before fewer runs are taken. */
const budget = { perFigureMs: 15000 };

/** `runs` runs of one command after a warm-up; not measured when it fails. */
function measureProcess(cmd: string, args: string[] | ((i: number) => string[]), runs: number, okStatus: number[] = [0]): Figure & { stdoutBytes?: number } {
  const argsOf = typeof args === 'function' ? args : () => args;
  const warm = runProcess(cmd, argsOf(0));
  if (warm.status === null || !okStatus.includes(warm.status)) {
    return { measured: false, reason: warm.status === null ? firstLine(warm.stderr) : `exit ${warm.status}: ${firstLine(warm.stderr) || '(no message)'}` };
  }
  const rs: ProcRun[] = [];
  // A slow command (seconds) is not made faster by a warm cache: its warm-up
  // counts as a run, and runs stop once the figure's time budget is spent.
  if (warm.ms > 1000) rs.push(warm);
  let spent = warm.ms;
  for (let i = rs.length; i < runs && (spent < budget.perFigureMs || rs.length < 1); i++) {
    const r = runProcess(cmd, argsOf(i + 1));
    rs.push(r);
    spent += r.ms;
  }
  const bad = rs.find((r) => r.status === null || !okStatus.includes(r.status));
  if (bad) return { measured: false, reason: `a later run failed, exit ${bad.status}: ${firstLine(bad.stderr)}` };
  return { measured: true, medianMs: round(median(rs.map((r) => r.ms))), runsMs: rs.map((r) => round(r.ms)), peakRssMb: peakMb(rs), stdoutBytes: warm.stdoutBytes };
}

/**
 * Two commands run alternately, a then b, so both see the same load on a
 * shared machine; the ratio is the median of the per-pair ratios.
 */
function measurePair(a: { cmd: string; args: (i: number) => string[] }, b: { cmd: string; args: (i: number) => string[] }, runs: number): { a: Figure; b: Figure; ratio: number | null } {
  const warmA = runProcess(a.cmd, a.args(0));
  const warmB = runProcess(b.cmd, b.args(0));
  const fail = (w: ProcRun): Figure => ({ measured: false, reason: `exit ${w.status}: ${firstLine(w.stderr) || '(no message)'}` });
  const ra: ProcRun[] = [];
  const rb: ProcRun[] = [];
  const aOk = warmA.status === 0;
  const bOk = warmB.status === 0;
  for (let i = 0; i < runs; i++) {
    if (aOk) ra.push(runProcess(a.cmd, a.args(i + 1)));
    if (bOk) rb.push(runProcess(b.cmd, b.args(i + 1)));
  }
  const fig = (rs: ProcRun[], warm: ProcRun): Figure => {
    const bad = rs.find((r) => r.status !== 0);
    if (bad) return fail(bad);
    return { measured: true, medianMs: round(median(rs.map((r) => r.ms))), runsMs: rs.map((r) => round(r.ms)), peakRssMb: peakMb(rs), stdoutBytes: warm.stdoutBytes };
  };
  const fa = aOk ? fig(ra, warmA) : fail(warmA);
  const fb = bOk ? fig(rb, warmB) : fail(warmB);
  const ratio = fa.measured && fb.measured ? round(median(ra.map((r, i) => r.ms / rb[i].ms)), 2) : null;
  return { a: fa, b: fb, ratio };
}

interface ProbeOut {
  ok: boolean;
  reason?: string;
  maxRssKb: number;
  [k: string]: unknown;
}

function runProbe(task: string, genFile: string, inner: number): { out: ProbeOut; proc: ProcRun } {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qlens-probe-'));
  const outFile = path.join(tmp, 'out');
  const fd = fs.openSync(outFile, 'w');
  const s = performance.now();
  const r = spawnSync(process.execPath, [probe, task, genFile, String(inner)], { stdio: ['ignore', fd, 'pipe'] });
  const ms = performance.now() - s;
  fs.closeSync(fd);
  const text = fs.readFileSync(outFile, 'utf8').trim();
  fs.rmSync(tmp, { recursive: true, force: true });
  let out: ProbeOut;
  try {
    out = JSON.parse(text.split('\n').pop() ?? '') as ProbeOut;
  } catch {
    out = { ok: false, reason: `probe crashed (exit ${r.status}): ${firstLine(r.stderr?.toString() ?? '')}`, maxRssKb: 0 };
  }
  return { out, proc: { ms, status: r.status, rssKb: out.maxRssKb ?? null, stderr: r.stderr?.toString() ?? '', stdoutBytes: text.length } };
}

/** A load measured in a fresh process each run: the first load is what the admin waits for. */
function measureLoad(task: 'load' | 'loader', genFile: string, runs: number): Figure {
  const results: ProbeOut[] = [];
  let spent = 0;
  for (let i = 0; i < runs && (i === 0 || spent < budget.perFigureMs); i++) {
    const { out, proc } = runProbe(task, genFile, 1);
    if (!out.ok) return { measured: false, reason: out.reason ?? 'unknown' };
    results.push(out);
    spent += proc.ms;
  }
  const num = (k: string): number[] => results.map((r) => Number(r[k])).filter((x) => Number.isFinite(x));
  const fig: Figure = {
    measured: true,
    medianMs: round(median(num('medianMs'))),
    runsMs: num('medianMs').map((x) => round(x)),
    importMs: round(median(num('importMs'))),
    domainTable: results[0].domainTable,
    peakRssMb: round(Math.max(...results.map((r) => r.maxRssKb)) / 1024, 1),
  };
  if (task === 'loader') {
    fig.firstPublishMs = round(median(num('firstPublishMs')));
    const all = results.map((r) => r.allLoadedMs).filter((x): x is number => typeof x === 'number');
    fig.allLoadedMs = all.length === results.length ? round(median(all)) : null;
    fig.budgetMs = results[0].budgetMs;
    fig.slowestSteps = results[results.length - 1].slowestSteps;
  }
  return fig;
}

function measureTrace(genFile: string, budgetMs: number): Figure {
  process.env.QLENS_BENCH_TRACE_BUDGET_MS = String(budgetMs);
  const { out } = runProbe('trace', genFile, 1);
  if (!out.ok) return { measured: false, reason: out.reason ?? 'unknown' };
  const { ok: _ok, maxRssKb, ...rest } = out;
  return { measured: true, medianMs: Number(out.p50Ms), peakRssMb: round(maxRssKb / 1024, 1), ...rest };
}

async function measureFrame(gen: Generated, runs: number): Promise<Figure> {
  const rs: Array<Extract<FrameResult, { ok: true }>> = [];
  const started = performance.now();
  for (let i = 0; i <= runs; i++) {
    const r = await firstFrame(cli, gen.sysroot, TIME);
    if (!r.ok) return { measured: false, reason: r.reason };
    if (i > 0) rs.push(r); // the first run warms the page cache
    if (i > 0 && performance.now() - started > budget.perFigureMs) break;
  }
  const ready = rs.map((r) => r.readyMs).filter((x): x is number => x !== null);
  return {
    measured: true,
    medianMs: round(median(rs.map((r) => r.firstFrameMs))),
    runsMs: rs.map((r) => round(r.firstFrameMs)),
    readyMs: ready.length === rs.length ? round(median(ready)) : null,
    peakRssMb: peakMb(rs),
    screen: rs[rs.length - 1].screen,
  };
}

/** qlens queue's counts-only form, if the command table has one. */
async function queueCountArgs(): Promise<string[] | null> {
  try {
    const mod = (await import(path.join(projectRoot, 'dist', 'source', 'cli-args.js'))) as { COMMANDS: Record<string, { options: Record<string, unknown> }> };
    const opts = mod.COMMANDS.queue?.options ?? {};
    for (const name of ['count', 'counts', 'stat', 'qstat']) if (name in opts) return [`--${name}`];
  } catch {
    // no command table: not measured below
  }
  return null;
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  if (!fs.existsSync(cli)) usage(`${cli} is missing: build first (npm run bench builds)`);
  const log = (s: string): void => {
    if (!o.json) process.stdout.write(s);
  };
  const startAll = performance.now();
  const target = o.dir ?? tempTarget();
  if (o.queue) {
    log(`qlens queue bench: ${o.queue.join(', ')} messages, ${o.runs} runs each (interleaved), node ${process.version}, ${os.cpus().length} cores\n`);
    const results = await runQueueBench({ sizes: o.queue, qmailBin: o.qmailBin, runs: o.runs, dir: target, json: o.json, cli, floor: path.join(here, 'queue-floor.js'), log });
    const totalSeconds = round((performance.now() - startAll) / 1000, 1);
    if (o.json) process.stdout.write(JSON.stringify({ tool: 'qlens-bench-queue', version: 1, date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, results, totalSeconds }) + '\n');
    else process.stdout.write('\n' + queueTable(results) + `\n\ntotal ${totalSeconds} s\n`);
    finish(o, target, log);
    return;
  }
  log(`qlens bench: size ${o.size}, seed ${DEFAULT_SEED}, ${o.runs} runs each, node ${process.version}, ${os.cpus().length} cores\n`);
  log(`generating into ${target} ...`);
  const { gen, reused } = generateOrReuse(target, o.size);
  const genFile = path.join(target, 'generated.json');
  log(reused ? ' reused\n' : ` ${gen.files} files, ${gen.dirs} dirs, ${round(gen.bytes / 1048576, 1)} MB in ${round(gen.generateMs / 1000, 1)} s\n`);

  const results: Record<string, Figure> = {};
  const step = (name: string): void => log(`  ${name} ...\n`);

  step('load (model)');
  results.load = measureLoad('load', genFile, o.runs);
  step('load (TUI loader)');
  process.env.QLENS_BENCH_LOADER_BUDGET_MS = String(o.size === 'large' ? 60000 : 45000);
  results.tuiLoader = measureLoad('loader', genFile, Math.min(o.runs, 3));
  step('first TUI frame');
  results.firstFrame = await measureFrame(gen, Math.min(o.runs, 5));
  step('trace in one process');
  results.traceInProcess = measureTrace(genFile, o.size === 'large' ? 60000 : 30000);

  step('queue in one process');
  {
    const { out } = runProbe('queue', genFile, 3);
    if (!out.ok) results.queueInProcess = { measured: false, reason: out.reason ?? 'unknown' };
    else results.queueInProcess = { measured: true, medianMs: Number(out.scanMedianMs), countMedianMs: Number(out.countMedianMs), listed: out.listed, peakRssMb: round(out.maxRssKb / 1024, 1) };
  }
  step('one-shot trace against node -e 0');
  const addr = (i: number): string => gen.addresses[(i * 997) % gen.addresses.length];
  const floor = { cmd: process.execPath, args: () => ['-e', '0'] };
  const pair = measurePair({ cmd: process.execPath, args: (i) => [cli, 'trace', addr(i), '--sysroot', gen.sysroot] }, floor, o.runs);
  results.nodeFloor = pair.b;
  results.oneShotTrace = pair.a;
  const pairJson = measurePair({ cmd: process.execPath, args: (i) => [cli, 'trace', addr(i), '--json', '--sysroot', gen.sysroot] }, floor, o.runs);
  results.oneShotTraceJson = pairJson.a;

  step('queue');
  const countArgs = await queueCountArgs();
  results.queueCounts = countArgs
    ? measureProcess(process.execPath, [cli, 'queue', ...countArgs, '--instance', '/var/qmail', '--sysroot', gen.sysroot], o.runs)
    : { measured: false, reason: 'qlens queue has no counts-only option (--count/--stat) yet' };
  results.queueList = measureProcess(process.execPath, [cli, 'queue', '--instance', '/var/qmail', '--sysroot', gen.sysroot], o.runs);
  results.queueListNoPredict = measureProcess(process.execPath, [cli, 'queue', '--no-predict', '--instance', '/var/qmail', '--sysroot', gen.sysroot], o.runs);
  results.queueListJson = measureProcess(process.execPath, [cli, 'queue', '--json', '--instance', '/var/qmail', '--sysroot', gen.sysroot], o.runs);

  // qmail's own tools read only their compiled-in queue, so the comparison
  // runs on that installation's queue, read by qlens through --sysroot /.
  let qstatRatio: number | null = null;
  let qreadRatio: number | null = null;
  let qreadNoPredictRatio: number | null = null;
  if (o.qmailBin) {
    const home = path.dirname(o.qmailBin);
    step(`qmail-qstat / qmail-qread in ${o.qmailBin}`);
    const qstat = path.join(o.qmailBin, 'qmail-qstat');
    const qread = path.join(o.qmailBin, 'qmail-qread');
    if (fs.existsSync(qstat) && countArgs) {
      const p = measurePair({ cmd: process.execPath, args: () => [cli, 'queue', ...countArgs, '--sysroot', '/', '--instance', home] }, { cmd: qstat, args: () => [] }, o.runs);
      results.qmailQstat = p.b;
      results.qlensCountsSameQueue = p.a;
      qstatRatio = p.ratio;
    } else {
      results.qmailQstat = fs.existsSync(qstat) ? measureProcess(qstat, [], o.runs) : { measured: false, reason: `${qstat} not found` };
      results.qlensCountsSameQueue = { measured: false, reason: countArgs ? `${qstat} not found` : 'qlens queue has no counts-only option' };
    }
    if (fs.existsSync(qread)) {
      const p = measurePair({ cmd: process.execPath, args: () => [cli, 'queue', '--sysroot', '/', '--instance', home] }, { cmd: qread, args: () => [] }, o.runs);
      results.qmailQread = p.b;
      results.qlensListSameQueue = p.a;
      qreadRatio = p.ratio;
      // What qmail-qread itself does: the listing without the tracer's predictions.
      const np = measurePair({ cmd: process.execPath, args: () => [cli, 'queue', '--no-predict', '--sysroot', '/', '--instance', home] }, { cmd: qread, args: () => [] }, o.runs);
      results.qlensListNoPredictSameQueue = np.a;
      qreadNoPredictRatio = np.ratio;
    } else {
      results.qmailQread = { measured: false, reason: `${qread} not found` };
      results.qlensListSameQueue = { measured: false, reason: `${qread} not found` };
    }
  } else {
    const reason = 'no --qmail-bin DIR given';
    results.qmailQstat = { measured: false, reason };
    results.qmailQread = { measured: false, reason };
  }

  Object.assign(results, await benchVpopmailSql({ runs: o.runs, cli, log }));
  Object.assign(results, await benchLog({ mb: 1024, runs: Math.min(o.runs, 3), cli, log })); // issue 17: a 1 GB qmail-send log (bench/log-bench.ts)
  const ratios = {
    oneShotTraceVsNode: pair.ratio,
    oneShotTraceJsonVsNode: pairJson.ratio,
    queueCountsVsQstat: qstatRatio,
    queueListVsQread: qreadRatio,
    queueListNoPredictVsQread: qreadNoPredictRatio,
  };
  const summary = {
    tool: 'qlens-bench',
    version: 1,
    date: new Date().toISOString(),
    size: o.size,
    seed: DEFAULT_SEED,
    node: process.version,
    cpus: os.cpus().length,
    runs: o.runs,
    generated: { reused, files: gen.files, dirs: gen.dirs, mb: round(gen.bytes / 1048576, 1), ms: round(gen.generateMs), counts: gen.counts, queue: gen.queue },
    results,
    ratios,
    totalSeconds: round((performance.now() - startAll) / 1000, 1),
  };
  if (o.json) process.stdout.write(JSON.stringify(summary) + '\n');
  else process.stdout.write('\n' + table(summary.results, ratios) + `\ntotal ${summary.totalSeconds} s\n`);
  finish(o, target, log);
}

function finish(o: Options, target: string, log: (s: string) => void): void {
  if (!o.dir && !o.keep) {
    // Removing half a million directories takes minutes on a busy disk: it
    // goes on in the background (niced) after the figures are printed.
    const rm = spawn('nice', ['-n', '19', 'rm', '-rf', target], { detached: true, stdio: 'ignore' });
    rm.unref();
    log(`removing ${target} in the background\n`);
  } else log(`tree kept in ${target} (reuse with --dir ${target})\n`);
}

const LABELS: Record<string, string> = {
  load: 'load installations + domains (model)',
  tuiLoader: 'first screen data (TUI loader)',
  queueInProcess: 'queue scan in one process (listing)',
  firstFrame: 'first TUI frame (pty, whole process)',
  traceInProcess: 'trace in one process, p50',
  nodeFloor: 'node -e 0',
  oneShotTrace: 'qlens trace ADDRESS (process)',
  oneShotTraceJson: 'qlens trace ADDRESS --json (process)',
  queueCounts: 'qlens queue counts (process)',
  queueList: 'qlens queue, full listing (process)',
  queueListNoPredict: 'qlens queue --no-predict (process)',
  queueListJson: 'qlens queue --json (process)',
  qmailQstat: 'qmail-qstat',
  qmailQread: 'qmail-qread',
  qlensCountsSameQueue: 'qlens counts, same queue as qstat',
  qlensListSameQueue: 'qlens listing, same queue as qread',
  qlensListNoPredictSameQueue: 'qlens --no-predict, same queue as qread',
};

function fmtMs(n: number): string {
  return n < 10 ? n.toFixed(3) + ' ms' : n < 1000 ? n.toFixed(1) + ' ms' : (n / 1000).toFixed(2) + ' s';
}

function table(results: Record<string, Figure>, ratios: Record<string, number | null>): string {
  const rows: string[][] = [['measure', 'median', 'peak RSS', 'note']];
  for (const [k, f] of Object.entries(results)) {
    const label = LABELS[k] ?? k;
    if (!f.measured) {
      rows.push([label, '—', '—', `not measured: ${f.reason}`]);
      continue;
    }
    const notes: string[] = [];
    if (k === 'traceInProcess') {
      notes.push(`p99 ${fmtMs(Number(f.p99Ms))}, max ${fmtMs(Number(f.maxMs))}, first ${fmtMs(Number(f.firstMs))}; ${f.traced} of ${f.addresses} addresses traced` + (Number(f.traced) < Number(f.addresses) ? ` (${Number(f.budgetMs) / 1000} s budget)` : ''));
      if (Number(f.thrown)) notes.push(`${f.thrown} threw`);
    }
    if (k === 'load' || k === 'tuiLoader') notes.push(`imports ${fmtMs(Number(f.importMs))}`);
    if (k === 'load' && f.domainTable === false) notes.push('domain table not built: its module has not landed');
    if (k === 'queueInProcess') notes.push(`counts ${fmtMs(Number(f.countMedianMs))}; ${f.listed} messages listed`);
    if (k === 'tuiLoader') {
      notes.push(`first publish ${fmtMs(Number(f.firstPublishMs))}`);
      notes.push(f.allLoadedMs != null ? `all loaded ${fmtMs(Number(f.allLoadedMs))}` : `not all loaded within ${Number(f.budgetMs) / 1000} s`);
      const slow = (f.slowestSteps as Array<{ step: string; ms: number }> | undefined) ?? [];
      if (slow.length) notes.push('slowest: ' + slow.slice(0, 3).map((x) => `${x.step} ${fmtMs(x.ms)}`).join(', '));
    }
    if (k === 'firstFrame' && f.readyMs != null) notes.push(`domains on screen ${fmtMs(Number(f.readyMs))}`);
    if (k === 'oneShotTrace' && ratios.oneShotTraceVsNode != null) notes.push(`${ratios.oneShotTraceVsNode}x node -e 0 (paired runs)`);
    if (k === 'oneShotTraceJson' && ratios.oneShotTraceJsonVsNode != null) notes.push(`${ratios.oneShotTraceJsonVsNode}x node -e 0 (paired runs)`);
    if (k === 'qlensCountsSameQueue' && ratios.queueCountsVsQstat != null) notes.push(`${ratios.queueCountsVsQstat}x qmail-qstat`);
    if (k === 'qlensListSameQueue' && ratios.queueListVsQread != null) notes.push(`${ratios.queueListVsQread}x qmail-qread`);
    if (k === 'qlensListNoPredictSameQueue' && ratios.queueListNoPredictVsQread != null) notes.push(`${ratios.queueListNoPredictVsQread}x qmail-qread`);
    if (typeof f.ratioVsNode === 'number') notes.push(`${f.ratioVsNode}x node -e 0 (paired runs; target ${f.target}x)`);
    if (typeof f.firstFrameMs === 'number') notes.push(`first frame ${fmtMs(f.firstFrameMs)}; target ${f.target} ms`);
    if (typeof f.stdoutBytes === 'number' && f.stdoutBytes > 100000) notes.push(`${round(f.stdoutBytes / 1048576, 1)} MB out`);
    if (Array.isArray(f.runsMs) && f.runsMs.length < 3) notes.push(`${f.runsMs.length} run${f.runsMs.length === 1 ? '' : 's'} (time budget)`);
    rows.push([label, fmtMs(f.medianMs), f.peakRssMb === null ? '?' : `${f.peakRssMb} MB`, notes.join('; ')]);
  }
  const w = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => [r[0].padEnd(w[0]), r[1].padStart(w[1]), r[2].padStart(w[2]), r[3]].join('  ').trimEnd()).join('\n');
}

await main();
