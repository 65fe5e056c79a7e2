// Issue 15, "done means": "internal error" is kept for real bugs. The hostile
// cases whose own tests run in-process (undo over a tampered journal,
// --backup-dir refusals, a queuelifetime beyond an int, a temporary file of a
// killed qlens, a symlinked or special edit target) through the built
// program: each ends by itself with 0, 1, 2 or 3, its messages one line each,
// no stack, nothing raw. (The others are run this way in their own files:
// long-input, numbers, safe-reader, escape-names, write-failures, concurrent.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { build, type Built } from './harness.js';
import { runCli, assertClean } from './cli-run.js';

const J = '/var/backups/qlens';
const HAVE_MKFIFO = spawnSync('mkfifo', ['--version']).status === 0;

/** The base world with one applied edit of rcpthosts, made by the built program; the entry's manifest (host path). */
function withEntry(): { b: Built; manifest: string } {
  const b = build({}, false);
  const r = runCli(['--sysroot', b.fx.dir, 'edit', 'control/rcpthosts', '--apply'], { input: 'example.com\nvirt.example\nnew.example\n' });
  assertClean(r, [0]);
  const [name] = fs.readdirSync(b.fx.host(J)).filter((n) => /^\d/.test(n));
  return { b, manifest: b.fx.host(`${J}/${name}/manifest.json`) };
}

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line: ${stderr.slice(0, 1000)}`);
  return lines[0];
}

const MANIFESTS: Array<[string, (m: Record<string, unknown>) => string]> = [
  ['null', () => 'null'],
  ['files: [null]', (m) => JSON.stringify({ ...m, files: [null] })],
  ['path: 5', (m) => JSON.stringify({ ...m, files: [{ ...(m.files as object[])[0], path: 5 }] })],
  ['a path with a NUL', (m) => JSON.stringify({ ...m, files: [{ ...(m.files as object[])[0], path: '/var/qmail/control/rc\0pthosts' }] })],
  ['a backup naming another file', (m) => JSON.stringify({ ...m, files: [{ ...(m.files as object[])[0], backup: 'etc/shadow' }] })],
  ['not JSON', () => '{"qlens":1,'],
];

test('undo over tampered manifests, through the built program: exit 3, one line, nothing written', { timeout: 120_000 }, () => {
  for (const [what, text] of MANIFESTS) {
    const { b, manifest } = withEntry();
    const rcpthosts = fs.readFileSync(b.fx.host('/var/qmail/control/rcpthosts'));
    fs.writeFileSync(manifest, text(JSON.parse(fs.readFileSync(manifest, 'utf8'))));
    const u = runCli(['--sysroot', b.fx.dir, 'undo']);
    assertClean(u, [3]);
    assert.match(oneLine(u.stderr), /^qlens: \/var\/backups\/qlens\/\S+: journal entry \S+ cannot be trusted: .*nothing written$/, what);
    assert.deepEqual(fs.readFileSync(b.fx.host('/var/qmail/control/rcpthosts')), rcpthosts, what);
    b.fx.cleanup();
  }
});

test('undo with a FIFO for a manifest, or a journal others can write: exit 3 at once, one line', { timeout: 60_000 }, () => {
  if (HAVE_MKFIFO) {
    const f = withEntry();
    fs.rmSync(f.manifest);
    assert.equal(spawnSync('mkfifo', [f.manifest]).status, 0);
    const u = runCli(['--sysroot', f.b.fx.dir, 'undo'], { timeout: 20_000 });
    assertClean(u, [3]);
    assert.match(oneLine(u.stderr), /is not a regular file/);
    f.b.fx.cleanup();
  }
  const w = withEntry();
  fs.chmodSync(w.b.fx.host(J), 0o777);
  for (const args of [['undo'], ['edit', 'control/rcpthosts', '--apply']]) {
    const r = runCli(['--sysroot', w.b.fx.dir, ...args], { input: 'example.com\n' });
    assertClean(r, [3]);
    assert.match(oneLine(r.stderr), /is writable by others/, args.join(' '));
  }
  w.b.fx.cleanup();
});

test('--backup-dir at / or in another user\'s home, through the built program: a usage error (exit 2) in one line', () => {
  const b = build({}, false);
  for (const dir of ['/', '/home/alice/journal'])
    for (const args of [['edit', 'control/rcpthosts', '--apply', '--backup-dir', dir], ['undo', '--backup-dir', dir]]) {
      const r = runCli(['--sysroot', b.fx.dir, ...args], { input: 'example.com\n' });
      assertClean(r, [2]);
      assert.match(oneLine(r.stderr), /--backup-dir \S+ (is the root directory itself|is inside \/home\/alice)/, args.join(' '));
    }
  b.fx.cleanup();
});

test('a queuelifetime beyond an int and a .fsmeta time beyond a date: queue, queue --message and check exit 0/1 with the problem in one line', () => {
  const b = build({ '/var/qmail/control/queuelifetime': '99999999999999999999\n' });
  fs.appendFileSync(b.fx.host('/.fsmeta'), '0644 0 0 /var/qmail/queue/info/7/1000001 99999999999999\n');
  for (const args of [['queue'], ['queue', '--json'], ['queue', '--message', '1000001'], ['check']]) {
    const r = runCli(['--sysroot', b.fx.dir, ...args]);
    assertClean(r, [0, 1]);
    assert.match(r.stdout + r.stderr, /queuelifetime:1: error: 99999999999999999999 does not fit/, args.join(' '));
  }
  b.fx.cleanup();
});

test('an edit whose target is a symlink, or whose directory holds a dead qlens\'s temporary file: exit 3 refused / exit 0 saying what it removed', () => {
  const b = build({ '/var/qmail/control/locals': { symlink: 'rcpthosts' } }, false);
  const r = runCli(['--sysroot', b.fx.dir, 'edit', 'control/locals', '--apply'], { input: 'example.com\n' });
  assertClean(r, [3]);
  assert.match(oneLine(r.stderr), /^qlens: \/var\/qmail\/control\/locals: is a symbolic link \(refused\); nothing written$/);
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
  const stale = `/var/qmail/control/.qlens-tmp.${dead}.0badc0de`;
  fs.writeFileSync(b.fx.host(stale), 'half written');
  const e = runCli(['--sysroot', b.fx.dir, 'edit', 'control/rcpthosts', '--apply'], { input: 'example.com\n' });
  assertClean(e, [0]);
  assert.ok(e.stdout.includes(`removed ${stale}: a temporary file left by a qlens that was killed while writing`), e.stdout);
  assert.equal(fs.existsSync(b.fx.host(stale)), false);
  b.fx.cleanup();
});
