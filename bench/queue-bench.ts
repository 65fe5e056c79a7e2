// `npm run bench -- --queue [10k,100k,1m] [--qmail-bin DIR] [--runs N] [--dir DIR] [--json]`
//
// The queue at 10,000 to a million messages (gen-queue-host.ts: qmail's own
// layout, inode-named files), each size measured as the admin waits for it:
// `qlens queue --no-predict` beside the Node floor (queue-floor.ts: the same
// system calls in one thread, nothing else) and beside qmail-qread, `qlens
// queue --counts` beside qmail-qstat, and the TUI's Queues view (first rows,
// the whole queue listed, subjects read). Runs are interleaved (floor,
// qlens, qmail-qread, counts, qmail-qstat, then again), so each pair sees
// the same load; medians, with the spread, CPU time and peak RSS.
//
// qmail-qread and qmail-qstat read only their compiled-in queue: with
// --qmail-bin HOME/bin, HOME/queue must be a symbolic link (or absent); it
// is pointed at each generated queue in turn and put back afterwards, and
// qlens reads the same queue through it (--sysroot / --instance HOME).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { queueHostOrReuse, type QueueHost } from './gen-queue-host.js';
import { median, round } from './stats.js';
import { tuiQueue } from './tui-queue.js';

const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

export interface QueueBenchOptions {
  sizes: number[];
  qmailBin: string | null;
  runs: number;
  dir: string;
  json: boolean;
  cli: string;
  floor: string;
  log: (s: string) => void;
}

interface Run {
  wallMs: number;
  cpuMs: number | null;
  rssKb: number | null;
  status: number | null;
  stdoutBytes: number;
  stderr: string;
}

function run(cmd: string, args: string[]): Run {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qlens-qb-'));
  const outFile = path.join(tmp, 'out');
  const timeFile = path.join(tmp, 'time');
  const fd = fs.openSync(outFile, 'w');
  const [file, argv] = TIME ? [TIME, ['-o', timeFile, '-f', '%U %S %M', cmd, ...args]] : [cmd, args];
  const s = performance.now();
  const r = spawnSync(file, argv, { stdio: ['ignore', fd, 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  const wallMs = performance.now() - s;
  fs.closeSync(fd);
  let cpuMs: number | null = null;
  let rssKb: number | null = null;
  if (TIME) {
    const last = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
    const [u, sys, m] = last.split(' ').map(Number);
    if (Number.isFinite(u) && Number.isFinite(sys)) cpuMs = (u + sys) * 1000;
    if (Number.isFinite(m)) rssKb = m;
  }
  const stdoutBytes = fs.statSync(outFile).size;
  fs.rmSync(tmp, { recursive: true, force: true });
  return { wallMs, cpuMs, rssKb, status: r.status, stdoutBytes, stderr: r.stderr?.toString() ?? '' };
}

export interface Figure {
  medianMs: number;
  minMs: number;
  maxMs: number;
  cpuMs: number | null;
  peakRssMb: number | null;
  runs: number;
  stdoutBytes: number;
}

function figure(rs: Run[]): Figure | { failed: string } {
  const bad = rs.find((r) => r.status !== 0);
  if (bad) return { failed: `exit ${bad.status}: ${bad.stderr.trim().split('\n')[0]?.slice(0, 120) ?? ''}` };
  const w = rs.map((r) => r.wallMs);
  const cpu = rs.map((r) => r.cpuMs).filter((x): x is number => x !== null);
  const rss = rs.map((r) => r.rssKb).filter((x): x is number => x !== null);
  return {
    medianMs: round(median(w)),
    minMs: round(Math.min(...w)),
    maxMs: round(Math.max(...w)),
    cpuMs: cpu.length ? round(median(cpu)) : null,
    peakRssMb: rss.length ? round(Math.max(...rss) / 1024, 1) : null,
    runs: rs.length,
    stdoutBytes: rs[0]?.stdoutBytes ?? 0,
  };
}

/** The median of per-pair ratios a/b (runs interleaved). */
function pairRatio(a: Run[], b: Run[]): number | null {
  if (!a.length || a.length !== b.length) return null;
  return round(median(a.map((r, i) => r.wallMs / b[i].wallMs)), 2);
}

export interface SizeResult {
  messages: number;
  generated: { reused: boolean; ms: number };
  floor: Figure | { failed: string };
  noPredict: Figure | { failed: string };
  counts: Figure | { failed: string };
  qread: Figure | { failed: string } | null;
  qstat: Figure | { failed: string } | null;
  ratios: { noPredictVsFloor: number | null; noPredictVsQread: number | null; countsVsQstat: number | null; cpuNoPredictVsFloor: number | null };
  tui: { firstRowsMs: number | null; listedMs: number | null; subjectsMs: number | null; peakRssMb: number | null; runs: number } | { failed: string };
}

/** Point HOME/queue at `target` (it must be a link or absent); returns how to put it back. */
function linkQueue(home: string, target: string): () => void {
  const link = path.join(home, 'queue');
  let old: string | null = null;
  try {
    const st = fs.lstatSync(link);
    if (!st.isSymbolicLink()) throw new Error(`${link} is not a symbolic link: the bench will not replace a real queue`);
    old = fs.readlinkSync(link);
    fs.unlinkSync(link);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  fs.symlinkSync(target, link);
  return () => {
    fs.unlinkSync(link);
    if (old !== null) fs.symlinkSync(old, link);
  };
}

function sizeLabel(n: number): string {
  return n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);
}

async function measureSize(o: QueueBenchOptions, messages: number): Promise<SizeResult> {
  o.log(`  ${sizeLabel(messages)} messages: generating into ${path.join(o.dir, sizeLabel(messages))} ...`);
  const { host, reused } = queueHostOrReuse(path.join(o.dir, sizeLabel(messages)), messages);
  o.log(reused ? ' reused\n' : ` ${round(host.generateMs / 1000, 1)} s\n`);
  const home = o.qmailBin ? path.dirname(o.qmailBin) : null;
  const restore = home ? linkQueue(home, host.queueDir) : null;
  try {
    return await measureHost(o, host, home, reused);
  } finally {
    restore?.();
  }
}

async function measureHost(o: QueueBenchOptions, host: QueueHost, home: string | null, reused: boolean): Promise<SizeResult> {
  const where = home ? ['--sysroot', '/', '--instance', home] : ['--sysroot', host.sysroot, '--instance', host.instance];
  const queueDir = home ? path.join(home, 'queue') : host.queueDir;
  const qread = o.qmailBin ? path.join(o.qmailBin, 'qmail-qread') : null;
  const qstat = o.qmailBin ? path.join(o.qmailBin, 'qmail-qstat') : null;
  // A million messages take a minute a run: fewer runs there.
  const runs = host.messages >= 1e6 ? Math.min(o.runs, 3) : o.runs;
  const rs = { floor: [] as Run[], noPredict: [] as Run[], counts: [] as Run[], qread: [] as Run[], qstat: [] as Run[] };
  // One warm-up of each (the page cache), not counted.
  run(process.execPath, [o.floor, queueDir]);
  run(process.execPath, [o.cli, 'queue', '--no-predict', ...where]);
  for (let i = 0; i < runs; i++) {
    o.log(`    run ${i + 1} of ${runs}\n`);
    rs.floor.push(run(process.execPath, [o.floor, queueDir]));
    rs.noPredict.push(run(process.execPath, [o.cli, 'queue', '--no-predict', ...where]));
    if (qread) rs.qread.push(run(qread, []));
    rs.counts.push(run(process.execPath, [o.cli, 'queue', '--counts', ...where]));
    if (qstat) rs.qstat.push(run(qstat, []));
  }
  const cpuRatio = (a: Run[], b: Run[]): number | null => {
    const x = a.map((r) => r.cpuMs).filter((v): v is number => v !== null);
    const y = b.map((r) => r.cpuMs).filter((v): v is number => v !== null);
    return x.length && y.length ? round(median(x) / median(y), 2) : null;
  };
  // The TUI: fewer runs (each starts the whole program and reads everything twice: rows, then subjects).
  const tuiRuns: Array<{ firstRowsMs: number | null; listedMs: number | null; subjectsMs: number | null; rssKb: number | null }> = [];
  let tuiFailed: string | null = null;
  const timeoutMs = Math.max(60000, host.messages * 0.5);
  for (let i = 0; i < Math.min(runs, 3); i++) {
    o.log(`    TUI run ${i + 1}\n`);
    const r = await tuiQueue(o.cli, host.sysroot, TIME, timeoutMs);
    if (!r.ok) {
      tuiFailed = r.reason;
      break;
    }
    tuiRuns.push(r);
  }
  const med = (k: 'firstRowsMs' | 'listedMs' | 'subjectsMs'): number | null => {
    const v = tuiRuns.map((r) => r[k]).filter((x): x is number => x !== null);
    return v.length === tuiRuns.length && v.length ? round(median(v)) : null;
  };
  const rss = tuiRuns.map((r) => r.rssKb).filter((x): x is number => x !== null);
  return {
    messages: host.messages,
    generated: { reused, ms: round(host.generateMs) },
    floor: figure(rs.floor),
    noPredict: figure(rs.noPredict),
    counts: figure(rs.counts),
    qread: qread ? figure(rs.qread) : null,
    qstat: qstat ? figure(rs.qstat) : null,
    ratios: {
      noPredictVsFloor: pairRatio(rs.noPredict, rs.floor),
      noPredictVsQread: qread ? pairRatio(rs.noPredict, rs.qread) : null,
      countsVsQstat: qstat ? pairRatio(rs.counts, rs.qstat) : null,
      cpuNoPredictVsFloor: cpuRatio(rs.noPredict, rs.floor),
    },
    tui: tuiFailed ? { failed: tuiFailed } : { firstRowsMs: med('firstRowsMs'), listedMs: med('listedMs'), subjectsMs: med('subjectsMs'), peakRssMb: rss.length ? round(Math.max(...rss) / 1024, 1) : null, runs: tuiRuns.length },
  };
}

const s = (ms: number | null | undefined): string => (ms == null ? '—' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`);
const fig = (f: Figure | { failed: string } | null): string => (f === null ? '—' : 'failed' in f ? `failed (${f.failed})` : s(f.medianMs));
const spread = (f: Figure | { failed: string } | null): string => (f === null || 'failed' in f ? '' : ` (${s(f.minMs)}–${s(f.maxMs)})`);
const rssOf = (f: Figure | { failed: string } | null): string => (f === null || 'failed' in f || f.peakRssMb === null ? '—' : `${f.peakRssMb} MB`);
const x = (r: number | null): string => (r === null ? '—' : `${r}×`);

/** The issue's table, in Markdown: one row per size. */
export function queueTable(results: SizeResult[]): string {
  const lines = [
    '| messages | qlens --no-predict | Node floor | ratio | qmail-qread | ratio | CPU qlens / floor | peak RSS | --counts | qmail-qstat | ratio | TUI first rows | TUI all listed | TUI subjects read | TUI peak RSS |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const t = 'failed' in r.tui ? null : r.tui;
    lines.push(
      `| ${r.messages.toLocaleString('en-US')} | ${fig(r.noPredict)}${spread(r.noPredict)} | ${fig(r.floor)} | ${x(r.ratios.noPredictVsFloor)} | ${fig(r.qread)} | ${x(r.ratios.noPredictVsQread)} | ${x(r.ratios.cpuNoPredictVsFloor)} | ${rssOf(r.noPredict)} | ${fig(r.counts)} | ${fig(r.qstat)} | ${x(r.ratios.countsVsQstat)} | ${t ? s(t.firstRowsMs) : 'failed'} | ${t ? s(t.listedMs) : '—'} | ${t ? s(t.subjectsMs) : '—'} | ${t?.peakRssMb != null ? `${t.peakRssMb} MB` : '—'} |`,
    );
  }
  // The fixed cost: what the smallest size takes beyond its messages at the per-message cost between the two largest.
  const ok = results.filter((r) => !('failed' in r.noPredict)).sort((a, b) => a.messages - b.messages);
  if (ok.length >= 3) {
    const small = ok[0];
    const mid = ok[ok.length - 2];
    const big = ok[ok.length - 1];
    const ms = (r: SizeResult): number => (r.noPredict as Figure).medianMs;
    const per = (ms(big) - ms(mid)) / (big.messages - mid.messages);
    const fl = (r: SizeResult): number => ('failed' in r.floor ? NaN : r.floor.medianMs);
    const perFloor = (fl(big) - fl(mid)) / (big.messages - mid.messages);
    lines.push('', `per message (from ${sizeLabel(mid.messages)} to ${sizeLabel(big.messages)}): qlens ${(per * 1000).toFixed(1)} µs, floor ${(perFloor * 1000).toFixed(1)} µs; fixed cost of qlens (its ${sizeLabel(small.messages)} time less ${sizeLabel(small.messages)} messages at that rate): ${s(ms(small) - per * small.messages)}`);
  }
  return lines.join('\n');
}

export async function runQueueBench(o: QueueBenchOptions): Promise<SizeResult[]> {
  const out: SizeResult[] = [];
  for (const n of o.sizes) out.push(await measureSize(o, n));
  return out;
}

/** "10k,100k,1m" → [10000, 100000, 1000000]. */
export function parseSizes(v: string): number[] {
  return v.split(',').map((t) => {
    const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(t.trim());
    if (!m) throw new Error(`--queue sizes are like 10k,100k,1m, not "${t}"`);
    return Math.round(Number(m[1]) * (m[2].toLowerCase() === 'k' ? 1e3 : m[2].toLowerCase() === 'm' ? 1e6 : 1));
  });
}
