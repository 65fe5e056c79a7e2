// The in-process half of the benchmark. bench.ts runs this file as a child
// process, one task per process, so each figure comes with its own peak
// resident memory and no task warms the caches of the next.
//
//   node dist/bench/probe.js load|loader|trace|queue GENERATED_JSON [RUNS]
//
// It prints one JSON line: {"ok":true,...figures} or {"ok":false,"reason":...}.
// Modules written by other parts of the project are imported by path at run
// time, so the benchmark builds (and says "not measured") before they land.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Generated } from './generate.js';
import { quantile, median, round } from './stats.js';

const distSource = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'source');

class NotLanded extends Error {}

/** Import dist/source/<rel>.js, or throw NotLanded naming what is missing. */
async function need(rel: string, ...names: string[]): Promise<Record<string, any>> {
  const file = path.join(distSource, rel + '.js');
  if (!fs.existsSync(file)) throw new NotLanded(`source/${rel}.ts has not landed`);
  const mod = (await import(pathToFileURL(file).href)) as Record<string, any>;
  for (const n of names) if (typeof mod[n] !== 'function') throw new NotLanded(`source/${rel}.ts does not export ${n}()`);
  return mod;
}

interface Model {
  /** Build the model the first screen needs, for every installation. */
  load(): unknown;
  /** Walk one address in the first installation. */
  trace?: (address: string) => unknown;
}

/**
 * The model the first screen needs, as the one-shot commands and the TUI
 * build it: each installation's control files, users/assign and users/cdb,
 * morercpthosts.cdb walked, the passwd table, and the domain table once its
 * module has landed.
 */
async function openModel(gen: Generated): Promise<Model & { domains: boolean }> {
  const { Sysroot } = await need('sysroot/sysroot');
  const inst = await need('qmail/installation', 'loadInstallation');
  const domainsMod = await findDomains();
  return {
    domains: domainsMod !== null,
    load() {
      const sysroot = new Sysroot(gen.sysroot);
      const installs = gen.instances.map((root) => inst.loadInstallation(sysroot, root));
      for (const i of installs) {
        i.consts();
        i.me();
        i.list('locals');
        i.list('rcpthosts');
        i.virtualdomains();
        i.smtproutes();
        const more = i.morercpthostsCdb();
        if (more && 'reader' in more) for (const _r of more.reader.records());
        i.usersCdb();
        i.assign();
        i.defaultDelivery();
      }
      if (typeof inst.systemUsersOf === 'function') inst.systemUsersOf(sysroot).passwd();
      const rows = domainsMod ? domainsMod.fn(installs, sysroot) : null;
      return { installs, rows };
    },
  };
}

async function findDomains(): Promise<{ fn: (installs: unknown[], sysroot: unknown) => unknown } | null> {
  for (const [rel, name] of [
    ['qmail/domains', 'domainMatrix'],
  ] as const) {
    const file = path.join(distSource, rel + '.js');
    if (!fs.existsSync(file)) continue;
    const mod = (await import(pathToFileURL(file).href)) as Record<string, any>;
    const inst = await need('qmail/installation', 'systemUsersOf');
    if (typeof mod[name] === 'function') {
      return { fn: (installs, sysroot) => installs.map((i) => mod[name](i, inst.systemUsersOf(sysroot))) };
    }
  }
  return null;
}

/** The queue read in-process (source/qmail/queue.ts): counts as qmail-qstat, then the whole listing. */
async function taskQueue(gen: Generated, runs: number): Promise<object> {
  const { Sysroot } = await need('sysroot/sysroot');
  const q = await need('qmail/queue', 'readQueueLayout', 'countQueue', 'scanQueue');
  const counts: number[] = [];
  const scans: number[] = [];
  let last: unknown = null;
  let listed = 0;
  for (let i = 0; i < runs; i++) {
    const sysroot = new Sysroot(gen.sysroot);
    const problems = new q.QueueProblems();
    const s = performance.now();
    const layout = q.readQueueLayout(sysroot, gen.instances[0], problems);
    last = q.countQueue(sysroot, layout, problems);
    counts.push(performance.now() - s);
    const s2 = performance.now();
    listed = 0;
    for (const _m of q.scanQueue(sysroot, layout, problems, { now: Date.UTC(2026, 10, 25, 12) })) listed++;
    scans.push(performance.now() - s2);
  }
  return { countMedianMs: round(median(counts)), scanMedianMs: round(median(scans)), medianMs: round(median(scans)), listed, counts: last };
}

async function taskLoad(gen: Generated, runs: number): Promise<object> {
  const t0 = performance.now();
  const model = await openModel(gen);
  const importMs = performance.now() - t0;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    model.load();
    times.push(performance.now() - s);
  }
  return { importMs: round(importMs), medianMs: round(median(times)), runsMs: times.map((t) => round(t)), domainTable: model.domains };
}

/**
 * The TUI's own loader (source/ui/loader.ts): time to the first screen's data
 * (every installation summarised and the domain table published), and to the
 * end of the background load, with the time spent in each of its steps.
 */
async function taskLoader(gen: Generated, _runs: number): Promise<object> {
  const t0 = performance.now();
  const loader = await need('ui/loader', 'startLoad');
  const importMs = performance.now() - t0;
  const budgetMs = Number(process.env.QLENS_BENCH_LOADER_BUDGET_MS) || 120000;
  const s = performance.now();
  let first = NaN;
  let screen = NaN;
  let lastStep = '';
  let lastAt = 0;
  const steps: Record<string, number> = {};
  const l = loader.startLoad({ source: { sysrootDir: gen.sysroot, demo: null, note: 'bench' }, instances: [], now: Date.UTC(2026, 10, 25, 12) }, (d: any) => {
    const t = performance.now() - s;
    if (Number.isNaN(first)) first = t;
    if (Number.isNaN(screen) && d.instances?.length === gen.instances.length && d.parts?.domains) screen = t;
    // Steps are named with running counts ("7000 of 10000"): group by the words.
    const name = String(d.progress?.step ?? 'done').replace(/[0-9]+/g, 'N');
    if (name !== lastStep) {
      if (lastStep) steps[lastStep] = (steps[lastStep] ?? 0) + (t - lastAt);
      lastStep = name;
      lastAt = t;
    }
  });
  let finished = false;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([l.done.then(() => (finished = true)), new Promise((r) => (timer = setTimeout(r, budgetMs)))]);
  clearTimeout(timer);
  const total = performance.now() - s;
  if (!finished) l.cancel();
  if (lastStep) steps[lastStep] = (steps[lastStep] ?? 0) + (total - lastAt);
  const slowest = Object.entries(steps)
    .sort((x, y) => y[1] - x[1])
    .slice(0, 6)
    .map(([k, v]) => ({ step: k, ms: round(v) }));
  return {
    importMs: round(importMs),
    medianMs: round(screen),
    firstPublishMs: round(first),
    firstScreenMs: round(screen),
    allLoadedMs: finished ? round(total) : null,
    budgetMs,
    slowestSteps: slowest,
  };
}

async function taskTrace(gen: Generated, _runs: number): Promise<object> {
  const { Sysroot } = await need('sysroot/sysroot');
  const inst = await need('qmail/installation', 'loadInstallation');
  const walk = await need('trace/walk', 'traceAddress');
  const sysroot = new Sysroot(gen.sysroot);
  const installs = gen.instances.map((root) => inst.loadInstallation(sysroot, root));
  const users = inst.systemUsersOf(sysroot);
  const managers = fs.existsSync(path.join(distSource, 'trace/managers.js')) ? (await need('trace/managers')).builtinManagers : undefined;
  const lat: number[] = [];
  const kinds: Record<string, number> = {};
  let errors = 0;
  // One pass in the order given: the first addresses pay for lazy reads
  // (users/cdb, passwd, homes), as they do for an admin. A time budget keeps
  // the run bounded when the walk is slow; how many were traced is reported.
  const budgetMs = Number(process.env.QLENS_BENCH_TRACE_BUDGET_MS) || 60000;
  const started = performance.now();
  let firstMs = NaN;
  for (const a of gen.addresses) {
    if (performance.now() - started > budgetMs) break;
    const s = performance.now();
    try {
      const r = walk.traceAddress(installs[0], users, a, { others: installs.slice(1), managers, now: new Date('2026-11-25T12:00:00Z') });
      for (const d of r?.deliveries ?? []) kinds[d.kind] = (kinds[d.kind] ?? 0) + 1;
    } catch {
      errors++;
    }
    const ms = performance.now() - s;
    if (Number.isNaN(firstMs)) firstMs = ms;
    lat.push(ms);
  }
  return {
    addresses: gen.addresses.length,
    traced: lat.length,
    budgetMs,
    p50Ms: round(quantile(lat, 0.5), 4),
    p99Ms: round(quantile(lat, 0.99), 4),
    maxMs: round(quantile(lat, 1), 3),
    firstMs: round(firstMs, 3),
    totalMs: round(lat.reduce((x, y) => x + y, 0)),
    thrown: errors,
    deliveryKinds: kinds,
  };
}

const TASKS: Record<string, (gen: Generated, runs: number) => Promise<object>> = { load: taskLoad, loader: taskLoader, trace: taskTrace, queue: taskQueue };

async function main(): Promise<void> {
  const [task, genPath, runsArg] = process.argv.slice(2);
  const fn = TASKS[task];
  if (!fn || !genPath) {
    process.stderr.write('usage: probe.js load|loader|trace GENERATED_JSON [RUNS]\n');
    process.exit(2);
  }
  const gen = JSON.parse(fs.readFileSync(genPath, 'utf8')) as Generated;
  let out: object;
  try {
    out = { ok: true, ...(await fn(gen, Number(runsArg ?? 5))) };
  } catch (e) {
    out = e instanceof NotLanded ? { ok: false, reason: e.message } : { ok: false, reason: `failed: ${e instanceof Error ? e.stack?.split('\n').slice(0, 3).join(' | ') : String(e)}` };
  }
  // maxRSS is in kilobytes on Linux.
  process.stdout.write(JSON.stringify({ ...out, maxRssKb: process.resourceUsage().maxRSS }) + '\n', () => process.exit(0));
}

await main();
