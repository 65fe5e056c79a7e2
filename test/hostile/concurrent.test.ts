// Issue 15.9 and 15.10: writers that run at the same time, and writers that
// were killed. Two `qlens edit --apply` of the same file used to both print
// "written:" with one change lost; now the compare-and-rename runs under an
// exclusive lock beside the journal with the hash checked again under it,
// so the second writer gets the conflict (exit 3). A qlens killed mid-write
// leaves a .qlens-tmp.PID.* file; the next apply in that directory removes
// it and says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { build, runEditCommand } from './harness.js';
import { runCli } from './cli-run.js';
import { CLI, ROOT } from '../e2e/helpers/pty-session.js';
import { SysrootWriter, pidAlive, type HeldLock } from '../../source/sysroot/write.js';
import { FsError } from '../../source/sysroot/errors.js';
import { stageEdits } from '../../source/edit/stage.js';
import { stageEnv } from '../../source/edit/session.js';
import { applyChangeSet } from '../../source/edit/journal.js';
import type { Built } from './harness.js';

const J = '/var/backups/qlens';
const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

interface Done {
  status: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[]): { child: ChildProcess; done: Promise<Done> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Done>((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
  return { child, done };
}

/** A pid that ran and is gone. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const pid = Number(r.stdout);
  assert.ok(!pidAlive(pid));
  return pid;
}

test('two concurrent edit --apply of one file, many times: never both "written" against the same content; undo unwinds every entry', { timeout: 300_000 }, async (t) => {
  const b = build({}, false);
  const file = b.fx.host('/var/qmail/control/rcpthosts');
  const original = fs.readFileSync(file);
  let conflicts = 0;
  for (let round = 0; round < 8; round++) {
    const base = fs.readFileSync(file);
    const runs = ['a', 'b'].map((w) => start(['--sysroot', b.fx.dir, 'edit', 'control/rcpthosts', '--apply']));
    // Both have started and wait on standard input: let them go at the same instant.
    runs.forEach((r, i) => r.child.stdin!.end(`example.com\nround${round}-${i}.example\n`));
    const [x, y] = await Promise.all(runs.map((r) => r.done));
    for (const d of [x, y]) {
      assert.ok(d.status === 0 || d.status === 3, `exit ${d.status}: ${d.stderr}`);
      if (d.status === 3) assert.match(d.stderr, /^qlens: \/var\/qmail\/control\/rcpthosts: changed on disk since it was read; nothing written$/m);
    }
    if (x.status === 3 || y.status === 3) conflicts++;
    if (x.status === 0 && y.status === 0) {
      // Serialized: the one applied second was staged after the first had written (its "before" is the other's "after").
      const entries = fs.readdirSync(b.fx.host(J)).filter((n) => /^\d/.test(n)).sort();
      const last = entries.slice(-2).map((n) => JSON.parse(fs.readFileSync(b.fx.host(`${J}/${n}/manifest.json`), 'utf8')).files[0]);
      assert.ok(!(last[0].before === sha(base) && last[1].before === sha(base)), 'both applied against the same content: a lost update');
    }
  }
  // Every entry can be undone, newest first, back to the original bytes.
  for (let i = 0; i < 40; i++) {
    const u = runCli(['--sysroot', b.fx.dir, 'undo']);
    if (u.status === 1) break;
    assert.equal(u.status, 0, u.stderr);
  }
  assert.deepEqual(fs.readFileSync(file), original);
  t.diagnostic(`${conflicts} of 8 rounds ended in a conflict for the second writer`);
});

test('the hash is checked again under the lock: a writer waiting for it finds the file changed and refuses (exit 3)', { timeout: 120_000 }, async () => {
  const b = build({}, false);
  fs.mkdirSync(b.fx.host(J), { recursive: true, mode: 0o700 });
  // Another qlens holds the lock: a live process's pid in the lock file.
  const holder = spawn('sleep', ['300']);
  const lockFile = b.fx.host(`${J}/.lock`);
  fs.writeFileSync(lockFile, `${holder.pid}\n`);
  try {
    const run = start(['--sysroot', b.fx.dir, 'edit', 'control/rcpthosts', '--apply']);
    run.child.stdin!.end('example.com\nmine.example\n');
    // It has staged and checked, and now waits for the lock: its own lock file appears beside the journal.
    const waiting = `${lockFile}.${run.child.pid}`;
    for (let i = 0; !fs.existsSync(waiting); i++) {
      assert.ok(i < 6000, 'the writer never reached the lock');
      await new Promise((r) => setTimeout(r, 10));
    }
    // The holder writes the file, then lets go.
    fs.writeFileSync(b.fx.host('/var/qmail/control/rcpthosts'), 'example.com\ntheirs.example\n');
    fs.rmSync(lockFile);
    const d = await run.done;
    assert.equal(d.status, 3, d.stderr + d.stdout);
    assert.match(d.stderr, /^qlens: \/var\/qmail\/control\/rcpthosts: changed on disk since it was read; nothing written$/m);
    assert.equal(fs.readFileSync(b.fx.host('/var/qmail/control/rcpthosts'), 'utf8'), 'example.com\ntheirs.example\n');
    assert.deepEqual(fs.readdirSync(b.fx.host(J)).filter((n) => /^\d/.test(n)), []);
  } finally {
    holder.kill('SIGKILL');
  }
});

test('the journal lock: held by a live process it is waited for, then LOCKED naming the pid; left by a dead one it is taken over', () => {
  const b = build({ '/var/backups/qlens/.keep': '' }, false);
  const w = new SysrootWriter(b.sysroot());
  const lockFile = b.fx.host(`${J}/.lock`);
  fs.writeFileSync(lockFile, `${process.ppid}\n`);
  assert.throws(() => w.lock(`${J}/.lock`, 100), (e: unknown) => e instanceof FsError && e.code === 'LOCKED' && e.message.includes(`(pid ${process.ppid})`));
  const dead = deadPid();
  fs.writeFileSync(lockFile, `${dead}\n`);
  const held = w.lock(`${J}/.lock`, 100);
  assert.equal(fs.readFileSync(lockFile, 'utf8'), `${process.pid}\n`);
  held.release();
  assert.equal(fs.existsSync(lockFile), false);
  assert.deepEqual(fs.readdirSync(b.fx.host(J)), ['.keep'], 'no lock or helper file left');
});

test('temporary files of a qlens killed mid-write are removed by the next apply there, and it says so; a live one is kept', async () => {
  const assign = '=carol:alice:1001:1001:/home/alice:::\n.\n';
  const b = build({ '/var/qmail/users/assign': assign }, false);
  const dead = deadPid();
  const stale = `/var/qmail/users/.qlens-tmp.${dead}.0badc0de.cdb`;
  const live = `/var/qmail/users/.qlens-tmp.${process.ppid}.0123abcd.cdb`;
  fs.writeFileSync(b.fx.host(stale), 'half a cdb');
  fs.writeFileSync(b.fx.host(live), 'being written');
  const r = await runEditCommand(b.fx, 'edit', { target: '/var/qmail/users/assign', content: '=dave:bob:1002:1002:/home/bob:::\n.\n' });
  assert.equal(r.status, 0, r.err);
  assert.match(r.out, new RegExp(`^removed ${stale.replace(/\./g, '\\.')}: a temporary file left by a qlens that was killed while writing$`, 'm'));
  assert.equal(fs.existsSync(b.fx.host(stale)), false);
  assert.equal(fs.existsSync(b.fx.host(live)), true);
  assert.deepEqual(fs.readdirSync(b.fx.host('/var/qmail/users')).sort(), ['.qlens-tmp.' + path.basename(live).split('.qlens-tmp.')[1], 'assign', 'cdb'].sort());
});

// The race the loop above once lost on a fresh clone: both appliers saw no
// /var/backups, both ran mkdir, and the loser stopped on EEXIST. Here the
// other writer's mkdir is put exactly between this writer's look and its own.
/** A writer that, the first time it looks at one of `paths`, finds nothing there and then `other` makes it (another qlens winning the race). */
class RacedWriter extends SysrootWriter {
  private readonly pending: Set<string>;
  constructor(
    b: Built,
    paths: string[],
    private readonly other: (hostPath: string) => void,
  ) {
    super(b.sysroot());
    this.pending = new Set(paths);
  }
  override hostStat(sysPath: string): fs.Stats | null {
    const st = super.hostStat(sysPath);
    if (st === null && this.pending.delete(sysPath)) this.other(this.host(sysPath));
    return st;
  }
}

function rcpthostsChange(b: Built, line: string) {
  const cs = stageEdits([{ path: '/var/qmail/control/rcpthosts', content: Buffer.from(`example.com\n${line}\n`) }], stageEnv(b.sysroot(), ['/var/qmail']));
  assert.ok(cs.valid);
  return cs;
}

test('the journal directories made by another qlens between the look and the mkdir (EEXIST): used as they are, the apply is written, and they are not removed as ours', () => {
  const b = build({}, false);
  assert.equal(fs.existsSync(b.fx.host('/var/backups')), false);
  const w = new RacedWriter(b, ['/var/backups', J], (h) => fs.mkdirSync(h, { mode: 0o700 }));
  assert.deepEqual(w.mkdirs(J), [], 'none of them made by this writer');
  fs.rmSync(b.fx.host('/var/backups'), { recursive: true });

  const w2 = new RacedWriter(b, ['/var/backups', J], (h) => fs.mkdirSync(h, { mode: 0o700 }));
  const r = applyChangeSet(w2, rcpthostsChange(b, 'raced.example'));
  assert.equal(fs.readFileSync(b.fx.host('/var/qmail/control/rcpthosts'), 'utf8'), 'example.com\nraced.example\n');
  assert.ok(fs.existsSync(b.fx.host(`${r.entry.dir}/manifest.json`)), r.entry.dir);
  assert.equal(path.posix.dirname(r.entry.dir), J);
});

test('a symbolic link or a file put where the journal directory goes between the look and the mkdir: still refused (SYMLINK, ENOTDIR), nothing written', () => {
  for (const [what, put, code] of [
    ['link', (h: string) => fs.symlinkSync(fs.mkdtempSync(path.join(path.dirname(h), '..', 'outside-')), h), 'SYMLINK'],
    ['file', (h: string) => fs.writeFileSync(h, 'not a directory'), 'ENOTDIR'],
  ] as const) {
    const b = build({}, false);
    const before = fs.readFileSync(b.fx.host('/var/qmail/control/rcpthosts'));
    const w = new RacedWriter(b, ['/var/backups'], put);
    assert.throws(
      () => applyChangeSet(w, rcpthostsChange(b, 'raced.example')),
      (e: unknown) => e instanceof FsError && e.code === code && e.message.includes('/var/backups'),
      what,
    );
    assert.deepEqual(fs.readFileSync(b.fx.host('/var/qmail/control/rcpthosts')), before, what);
    const st = fs.lstatSync(b.fx.host('/var/backups'));
    if (what === 'link') assert.deepEqual(fs.readdirSync(fs.realpathSync(b.fx.host('/var/backups'))), [], 'nothing made through the link');
    else assert.ok(st.isFile());
  }
});

test('the journal directory removed, empty, by another qlens between our mkdirs and our lock (its apply failed): made again, the apply is written', () => {
  const b = build({}, false);
  let removed = 0;
  const w = new (class extends SysrootWriter {
    override lock(sysPath: string, waitMs?: number): HeldLock {
      if (removed++ === 0) fs.rmdirSync(this.host(path.posix.dirname(sysPath)));
      return super.lock(sysPath, waitMs);
    }
  })(b.sysroot());
  applyChangeSet(w, rcpthostsChange(b, 'again.example'));
  assert.equal(removed, 2, 'the lock was taken on the second try');
  assert.equal(fs.readFileSync(b.fx.host('/var/qmail/control/rcpthosts'), 'utf8'), 'example.com\nagain.example\n');
  assert.equal(fs.readdirSync(b.fx.host(J)).filter((n) => /^\d/.test(n)).length, 1);
});
