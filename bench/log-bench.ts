// qmail-send's log at a gigabyte (issue 17's targets), on a generated
// multilog directory under /tmp (bench/gen-log.ts: rotated @TAI64N.s files
// of 16 MB, then current) in a sysroot whose rc pipes qmail-send to it:
// - `qlens log --summary --json` against `grep -c delivery` over the same
//   files, runs interleaved, the median of the paired ratios (target 3x) and
//   qlens's peak RSS (target 200 MB); CPU seconds beside the wall clock, as
//   the machine is shared;
// - the TUI in a pty: `7` typed as soon as it draws, the clock read when the
//   first attempts are on screen (target 1 s however big the log) and when
//   the whole log is read (the title stops saying "reading");
// - one message's story (the middle of the log: not among the rows the view
//   keeps, so read back by the offsets index) once the first full read is
//   done, through the TUI's own loader (LogLoad.story), in a process of its
//   own (target 1 s), with that process's peak RSS.
//
// `node dist/bench/log-bench.js [--mb 1024] [--runs 5] [--dir DIR] [--keep] [--json]`,
// and from `npm run bench` (bench.ts).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generateLog, type GeneratedLog } from './gen-log.js';
import { median, round } from './stats.js';
import { runInPty } from './pty-screen.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

type Figure = { measured: true; medianMs: number; runsMs?: number[]; peakRssMb: number | null; [k: string]: unknown } | { measured: false; reason: string };

interface Timed {
  ms: number;
  cpuS: number | null;
  rssKb: number | null;
  status: number | null;
  stdout: string;
}

/** A whole process, timed, with /usr/bin/time's peak RSS and CPU seconds. */
function timed(cmd: string, args: string[]): Timed {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qlens-logb-'));
  const tf = path.join(tmp, 'time');
  const [file, argv] = TIME ? [TIME, ['-o', tf, '-f', '%M %U %S', cmd, ...args]] : [cmd, args];
  const s = performance.now();
  const r = spawnSync(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 << 20 });
  const ms = performance.now() - s;
  let rssKb: number | null = null;
  let cpuS: number | null = null;
  try {
    const last = fs.readFileSync(tf, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
    if (last.length === 3 && last.every(Number.isFinite)) [rssKb, cpuS] = [last[0], last[1] + last[2]];
  } catch {
    /* no /usr/bin/time */
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  return { ms, cpuS, rssKb, status: r.status, stdout: r.stdout.toString() };
}

/** The sysroot: one installation whose qmail-send logs through multilog into /var/log/qmail. */
function makeSysroot(dir: string, mb: number): { root: string; gen: GeneratedLog; reused: boolean } {
  const root = path.join(dir, 'sysroot');
  const logDir = path.join(root, 'var/log/qmail');
  const stamp = path.join(dir, 'generated-log.json');
  fs.mkdirSync(path.join(root, 'var/qmail/control'), { recursive: true });
  fs.writeFileSync(path.join(root, 'var/qmail/control/me'), 'bench.example\n');
  fs.writeFileSync(path.join(root, 'var/qmail/rc'), '#!/bin/sh\nexec env - PATH="/var/qmail/bin:$PATH" qmail-start ./Maildir/ | multilog t s16777215 n1000 /var/log/qmail\n');
  try {
    const old = JSON.parse(fs.readFileSync(stamp, 'utf8')) as { mb: number; gen: GeneratedLog };
    if (old.mb === mb && fs.existsSync(path.join(logDir, 'current'))) return { root, gen: old.gen, reused: true };
  } catch {
    /* generate */
  }
  const gen = generateLog(logDir, mb);
  fs.writeFileSync(stamp, JSON.stringify({ mb, gen }));
  return { root, gen, reused: false };
}

function logFiles(logDir: string): string[] {
  return fs
    .readdirSync(logDir)
    .filter((n) => n === 'current' || /^@[0-9a-f]{24}\.[su]$/.test(n))
    .sort()
    .map((n) => path.join(logDir, n));
}

interface SummaryFigures {
  summary: Figure;
  grep: Figure;
  ratio: number | null;
  cpuRatio: number | null;
}

function measureSummary(cli: string, root: string, logDir: string, runs: number, log: (s: string) => void): SummaryFigures {
  const files = logFiles(logDir);
  const q: Timed[] = [];
  const g: Timed[] = [];
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  // One warm-up of each: the page cache holds the log for both from then on.
  timed('grep', ['-c', 'delivery', ...files]);
  timed(process.execPath, [cli, 'log', '--summary', '--json', '--sysroot', root]);
  for (let i = 0; i < runs; i++) {
    const a = timed('grep', ['-c', 'delivery', ...files]);
    const b = timed(process.execPath, [cli, 'log', '--summary', '--json', '--sysroot', root]);
    if (b.status !== 0) return { summary: { measured: false, reason: `qlens log --summary exited ${b.status}` }, grep: { measured: false, reason: 'qlens failed' }, ratio: null, cpuRatio: null };
    g.push(a);
    q.push(b);
    ratios.push(b.ms / a.ms);
    if (a.cpuS && b.cpuS !== null) cpuRatios.push(b.cpuS / a.cpuS);
    log(`    run ${i + 1}: grep ${round(a.ms / 1000, 2)} s, qlens ${round(b.ms / 1000, 2)} s (${round(b.ms / a.ms, 2)}x), qlens RSS ${b.rssKb ? round(b.rssKb / 1024) : '?'} MB\n`);
  }
  const sum = JSON.parse(q[q.length - 1].stdout) as { summary?: { deliveries?: { attempts?: number } } };
  const fig = (xs: Timed[], extra: Record<string, unknown>): Figure => ({
    measured: true,
    medianMs: round(median(xs.map((x) => x.ms)), 1),
    runsMs: xs.map((x) => round(x.ms, 1)),
    cpuS: xs[0].cpuS === null ? null : round(median(xs.map((x) => x.cpuS!)), 2),
    peakRssMb: xs[0].rssKb === null ? null : round(Math.max(...xs.map((x) => x.rssKb!)) / 1024, 1),
    ...extra,
  });
  return {
    summary: fig(q, { attempts: sum.summary?.deliveries?.attempts ?? null, target: '3x grep -c delivery, 200 MB' }),
    grep: fig(g, { files: files.length }),
    ratio: round(median(ratios), 2),
    cpuRatio: cpuRatios.length ? round(median(cpuRatios), 2) : null,
  };
}

const ATTEMPT_ROW = /\b(success|deferral|failure)\s+\S+@\S+/;
const READING = /reading|newest lines/;
const DONE = /Log — newest first .*\d+ attempts/;

async function measureTui(cli: string, root: string, runs: number, log: (s: string) => void): Promise<Figure> {
  const first: number[] = [];
  const fromKey: number[] = [];
  const whole: number[] = [];
  const rss: number[] = [];
  let screen = '';
  for (let i = 0; i < runs; i++) {
    let keyAt: number | null = null;
    let rowsAt: number | null = null;
    let doneAt: number | null = null;
    const run = await runInPty(cli, ['--sysroot', root], { cols: 120, rows: 30, timeoutMs: 180_000, timeBin: TIME }, (text, t, control) => {
      if (keyAt === null && text.trim() !== '') {
        keyAt = t;
        control.type('7');
      }
      if (keyAt !== null && rowsAt === null && /Log — /.test(text) && ATTEMPT_ROW.test(text)) rowsAt = t;
      if (rowsAt !== null && doneAt === null && DONE.test(text) && !READING.test(text)) {
        doneAt = t;
        screen = text;
        setTimeout(() => control.quit(), 100);
      }
    });
    if (rowsAt === null) return { measured: false, reason: `no attempt on the Log view's screen (exit ${run.exitCode}): ${run.screen.split('\n').slice(0, 3).join(' | ')}` };
    first.push(rowsAt);
    fromKey.push(rowsAt - keyAt!);
    if (doneAt !== null) whole.push(doneAt);
    if (run.rssKb) rss.push(run.rssKb);
    log(`    run ${i + 1}: first attempts on screen ${round(rowsAt / 1000, 2)} s (${round((rowsAt - keyAt!) / 1000, 2)} s after 7), whole log read ${doneAt === null ? '—' : round(doneAt / 1000, 1) + ' s'}, RSS ${run.rssKb ? round(run.rssKb / 1024) : '?'} MB\n`);
  }
  return {
    measured: true,
    medianMs: round(median(first), 1),
    runsMs: first.map((x) => round(x, 1)),
    afterKeyMs: round(median(fromKey), 1),
    wholeReadMs: whole.length ? round(median(whole), 1) : null,
    peakRssMb: rss.length ? round(Math.max(...rss) / 1024, 1) : null,
    target: 'first attempts 1000 ms',
    screen,
  };
}

function measureStory(root: string, id: number): Figure {
  const r = timed(process.execPath, [fileURLToPath(import.meta.url), '--story-probe', root, String(id)]);
  if (r.status !== 0) return { measured: false, reason: `story probe exited ${r.status}: ${r.stdout.slice(0, 200)}` };
  const out = JSON.parse(r.stdout) as { readMs: number; storyMs: number[]; attempts: number; found: boolean };
  if (!out.found) return { measured: false, reason: `message ${id} not found in the log` };
  return { measured: true, medianMs: round(median(out.storyMs), 2), runsMs: out.storyMs.map((x) => round(x, 2)), firstReadMs: round(out.readMs, 0), attempts: out.attempts, peakRssMb: r.rssKb ? round(r.rssKb / 1024, 1) : null, target: 'story 1000 ms' };
}

/** In its own process: the TUI's log loader reads the whole log, then tells one message's story. */
async function storyProbe(root: string, id: number): Promise<void> {
  const { Sysroot } = await import('../source/sysroot/sysroot.js');
  const { LogLoad } = await import('../source/ui/log-load.js');
  const data = { parts: {} } as { parts: { log?: { phase: string } } };
  const s0 = performance.now();
  const load = new LogLoad(new Sysroot(root), ['/var/qmail'], { data: data as never, cancelled: () => false, emit: () => {} }, Date.now());
  await load.run();
  const readMs = performance.now() - s0;
  const storyMs: number[] = [];
  let found = false;
  let attempts = 0;
  for (let i = 0; i < 5; i++) {
    const s = performance.now();
    const st = load.story('/var/qmail', id, null);
    storyMs.push(performance.now() - s);
    found = st.message !== null;
    attempts = st.message?.deliveries.length ?? 0;
  }
  process.stdout.write(JSON.stringify({ readMs, storyMs, found, attempts }) + '\n');
  process.exit(0);
}

export interface LogBenchOptions {
  mb: number;
  runs: number;
  cli: string;
  dir?: string | null;
  keep?: boolean;
  log: (s: string) => void;
}

export async function benchLog(o: LogBenchOptions): Promise<Record<string, Figure>> {
  const dir = o.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'qlens-bench-log-'));
  try {
    o.log(`  qmail-send log of ${o.mb} MB in ${dir} ...`);
    const s = performance.now();
    const { root, gen, reused } = makeSysroot(dir, o.mb);
    o.log(reused ? ' reused\n' : ` ${gen.files} files, ${gen.lines} lines, ${gen.messages} messages in ${round((performance.now() - s) / 1000, 1)} s\n`);
    const logDir = path.join(root, 'var/log/qmail');
    o.log('  qlens log --summary against grep -c delivery ...\n');
    const sum = measureSummary(o.cli, root, logDir, o.runs, o.log);
    o.log('  the Log view in a pty ...\n');
    const tui = await measureTui(o.cli, root, Math.min(o.runs, 3), o.log);
    o.log(`  a story (message ${gen.probe.id}) after the first full read ...\n`);
    const story = measureStory(root, gen.probe.id);
    return {
      logGrep: sum.grep,
      logSummary: sum.summary.measured ? { ...sum.summary, ratioVsGrep: sum.ratio, cpuRatioVsGrep: sum.cpuRatio, mb: round(gen.bytes / 1048576, 1) } : sum.summary,
      logViewFirstScreen: tui,
      logStory: story,
    };
  } finally {
    if (!o.dir && !o.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function logTable(r: Record<string, Figure>): string {
  const labels: Record<string, string> = {
    logGrep: 'grep -c delivery (the log files)',
    logSummary: 'qlens log --summary --json',
    logViewFirstScreen: 'Log view: first attempts on screen',
    logStory: "a message's story after the full read",
  };
  const rows: string[][] = [['measure', 'median', 'CPU', 'peak RSS', 'note']];
  for (const [k, f] of Object.entries(r)) {
    if (!f.measured) {
      rows.push([labels[k] ?? k, '—', '—', '—', `not measured: ${f.reason}`]);
      continue;
    }
    const notes: string[] = [];
    if (k === 'logSummary') notes.push(`${f.ratioVsGrep}x grep (wall, paired), ${f.cpuRatioVsGrep}x (CPU); ${f.mb} MB, ${f.attempts} attempts`);
    if (k === 'logGrep') notes.push(`${f.files} files`);
    if (k === 'logViewFirstScreen') notes.push(`${f.afterKeyMs} ms after 7; whole log read ${f.wholeReadMs === null ? '—' : round(Number(f.wholeReadMs) / 1000, 1) + ' s'}`);
    if (k === 'logStory') notes.push(`${f.attempts} attempts; first full read ${round(Number(f.firstReadMs) / 1000, 1)} s`);
    if (typeof f.target === 'string') notes.push(`target ${f.target}`);
    const ms = f.medianMs < 10 ? `${f.medianMs.toFixed(2)} ms` : f.medianMs < 1000 ? `${f.medianMs.toFixed(0)} ms` : `${(f.medianMs / 1000).toFixed(2)} s`;
    rows.push([labels[k] ?? k, ms, typeof f.cpuS === 'number' ? `${f.cpuS} s` : '', f.peakRssMb === null ? '?' : `${f.peakRssMb} MB`, notes.join('; ')]);
  }
  const w = [0, 1, 2, 3].map((c) => Math.max(...rows.map((x) => x[c].length)));
  return rows.map((x) => [x[0].padEnd(w[0]), x[1].padStart(w[1]), x[2].padStart(w[2]), x[3].padStart(w[3]), x[4]].join('  ').trimEnd()).join('\n');
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--story-probe') return storyProbe(argv[1], Number(argv[2]));
  const o = { mb: 1024, runs: 5, dir: null as string | null, keep: false, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--mb') o.mb = Number(argv[++i]);
    else if (a === '--runs') o.runs = Number(argv[++i]);
    else if (a === '--dir') o.dir = path.resolve(argv[++i]);
    else if (a === '--keep') o.keep = true;
    else if (a === '--json') o.json = true;
    else {
      process.stderr.write(`log-bench: unknown argument ${a}\nusage: node dist/bench/log-bench.js [--mb 1024] [--runs 5] [--dir DIR] [--keep] [--json]\n`);
      process.exit(2);
    }
  }
  const cli = path.resolve(here, '..', 'source', 'cli.js');
  const log = (s: string): void => {
    if (!o.json) process.stdout.write(s);
  };
  log(`qlens log bench: ${o.mb} MB, ${o.runs} runs, node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}\n`);
  const r = await benchLog({ ...o, cli, log });
  if (o.json) process.stdout.write(JSON.stringify({ tool: 'qlens-bench-log', date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, results: r }) + '\n');
  else process.stdout.write('\n' + logTable(r) + '\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await main(process.argv.slice(2));
