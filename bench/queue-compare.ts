// Byte-for-byte check of `qlens queue` between two builds:
//
//   node dist/bench/queue-compare.js --base OTHER/dist [--sysroot DIR --instance I]... [--demos] [--fixtures]
//
// Runs each build's own cli.js main() in a child process with the clock
// fixed (Date.now), for every form of the listing (text and --json; with
// and without predictions; --counts, --shape, --message of a few ids), and
// compares stdout, stderr and the exit status by SHA-256. `--demos` adds the
// bundled demo sysroots; `--fixtures` the queue stories the tests build
// (bench/queue-fixtures.ts). Prints one line per run and a total; exits 1
// on any difference.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { writeQueueFixtures } from './queue-fixtures.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ownDist = path.resolve(here, '..');
const projectRoot = path.resolve(ownDist, '..');
const driver = path.join(here, 'queue-driver.js');

/** The clock both builds run with: the day after the bench queues' newest message. */
export const COMPARE_NOW = Date.UTC(2026, 10, 26, 0, 0, 0);

interface Target {
  label: string;
  sysroot: string;
  instances: string[];
}

function digest(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex').slice(0, 16);
}

function run(dist: string, args: string[]): { out: string; err: string; status: number | null; bytes: number } {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qlens-cmp-'));
  const outFile = path.join(tmp, 'out');
  const fd = fs.openSync(outFile, 'w');
  const r = spawnSync(process.execPath, [driver, dist, String(COMPARE_NOW), ...args], { stdio: ['ignore', fd, 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  fs.closeSync(fd);
  const out = fs.readFileSync(outFile);
  fs.rmSync(tmp, { recursive: true, force: true });
  return { out: digest(out), err: digest(r.stderr ?? Buffer.alloc(0)), status: r.status, bytes: out.length };
}

/** A few message ids of an installation's queue, for --message. */
function someIds(t: Target, instance: string): string[] {
  const r = spawnSync(process.execPath, [driver, ownDist, String(COMPARE_NOW), 'queue', '--json', '--no-predict', '--sysroot', t.sysroot, '--instance', instance], { maxBuffer: 1024 * 1024 * 1024 });
  const ids: string[] = [];
  try {
    const msgs = (JSON.parse(r.stdout.toString().split('\n')[0]) as { messages: Array<{ id: number }> }).messages;
    for (const i of [0, 1, Math.floor(msgs.length / 2), msgs.length - 1]) if (msgs[i]) ids.push(String(msgs[i].id));
  } catch {
    // no queue or no messages: no --message runs
  }
  return [...new Set(ids)];
}

function forms(t: Target, big: boolean): string[][] {
  const inst = t.instances.flatMap((i) => ['--instance', i]);
  const base = ['queue', '--sysroot', t.sysroot, ...inst];
  const out = [
    [...base, '--counts'],
    [...base, '--counts', '--json'],
    [...base, '--no-predict'],
    [...base, '--no-predict', '--json'],
    [...base, '--shape'],
    [...base, '--shape', '--json'],
    [...base],
    [...base, '--json'],
  ];
  if (!big) out.push([...base, '--predict-all'], [...base, '--predict-all', '--json']);
  for (const i of t.instances.slice(0, 1)) for (const id of someIds(t, i)) out.push([...base, '--message', id], [...base, '--message', id, '--json']);
  return out;
}

function main(): number {
  const argv = process.argv.slice(2);
  let baseDist: string | null = null;
  const targets: Target[] = [];
  let pendingSysroot: string | null = null;
  const fixturesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qlens-cmp-fx-'));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--base') baseDist = path.resolve(argv[++i]);
    else if (a === '--sysroot') {
      pendingSysroot = path.resolve(argv[++i]);
      targets.push({ label: pendingSysroot, sysroot: pendingSysroot, instances: [] });
    } else if (a === '--instance') {
      if (!pendingSysroot) throw new Error('--instance goes after a --sysroot');
      targets[targets.length - 1].instances.push(argv[++i]);
    } else if (a === '--demos') {
      targets.push({ label: 'demo/plain', sysroot: path.join(projectRoot, 'demo/plain'), instances: ['/var/qmail'] });
      targets.push({ label: 'demo/multi', sysroot: path.join(projectRoot, 'demo/multi'), instances: ['/var/qmail', '/var/qmail2', '/var/qmail3'] });
    } else if (a === '--fixtures') {
      for (const fx of writeQueueFixtures(fixturesDir)) targets.push({ label: `fixture ${fx.name}`, sysroot: fx.sysroot, instances: fx.instances });
    } else {
      process.stderr.write(`queue-compare: unknown argument ${a}\n`);
      return 2;
    }
  }
  if (!baseDist || targets.length === 0) {
    process.stderr.write('usage: queue-compare.js --base OTHER/dist [--sysroot DIR [--instance I]...]... [--demos] [--fixtures]\n');
    return 2;
  }
  let runs = 0;
  let differ = 0;
  for (const t of targets) {
    if (t.instances.length === 0) t.instances.push('/var/qmail');
    const big = fs.existsSync(path.join(t.sysroot, 'var/qmail/queue/mess/0')) && fs.readdirSync(path.join(t.sysroot, 'var/qmail/queue/mess/0')).length > 400;
    for (const args of forms(t, big)) {
      const a = run(baseDist, args);
      const b = run(ownDist, args);
      runs++;
      const same = a.out === b.out && a.err === b.err && a.status === b.status;
      if (!same) differ++;
      const shown = args.filter((x) => x !== t.sysroot).join(' ');
      process.stdout.write(`${same ? 'same' : 'DIFFERENT'}  ${t.label}: ${shown}  (${b.bytes} bytes, exit ${b.status}${same ? '' : `; base ${a.out}/${a.err}/${a.status}, new ${b.out}/${b.err}/${b.status}`})\n`);
    }
  }
  fs.rmSync(fixturesDir, { recursive: true, force: true });
  process.stdout.write(`${runs - differ} of ${runs} runs byte-identical (stdout, stderr, exit status)\n`);
  return differ ? 1 : 0;
}

process.exitCode = main();
