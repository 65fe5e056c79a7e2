// Issue 15.3 and 15.5: every read goes through the one sysroot reader —
// regular files only, bounded size, inside the sysroot — the layer's own
// reads of /.fsmeta and /etc/passwd included. A FIFO or a device there used
// to hang every command; an absolute symlink .fsmeta pointing out of the
// sysroot was followed and decided a trace; 1 GB control files gave "Cannot
// create a string longer than ..." and a 1 GB NUL-filled remote/ file
// aborted node. Now: one problem naming the file, and the rest goes on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { build, runClean, type Built } from './harness.js';
import { runCli, assertClean } from './cli-run.js';
import { Sysroot, READ_LIMIT } from '../../source/sysroot/sysroot.js';
import { BULK_READ_LIMIT } from '../../source/sysroot/bulk-dir.js';

const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const isRoot = process.getuid?.() === 0;
const COMMANDS: string[][] = [['check'], ['domains'], ['trace', 'alice@example.com', 'bob@example.com'], ['queue'], ['queue', '--message', '1000001'], ['veil']];

function replaceWith(b: Built, sysPath: string, kind: 'fifo' | 'zero'): void {
  fs.rmSync(b.fx.host(sysPath), { force: true });
  const r = kind === 'fifo' ? spawnSync('mkfifo', [b.fx.host(sysPath)]) : spawnSync('mknod', [b.fx.host(sysPath), 'c', '1', '5']);
  assert.equal(r.status, 0, String(r.stderr));
}

for (const kind of ['fifo', 'zero'] as const) {
  test(`a ${kind === 'fifo' ? 'FIFO' : 'character device (/dev/zero)'} at /.fsmeta and at /etc/passwd: every command answers, naming each once`, { skip: (kind === 'fifo' ? !has('mkfifo') : !isRoot || !has('mknod')) && 'cannot make one here', timeout: 180_000 }, () => {
    const b = build();
    replaceWith(b, '/.fsmeta', kind);
    replaceWith(b, '/etc/passwd', kind);
    for (const args of COMMANDS) {
      const r = runCli(['--sysroot', b.fx.dir, ...args], { timeout: 60_000 });
      assertClean(r, [0, 1, 2]);
      const said = (r.stdout + r.stderr).split('\n');
      assert.equal(said.filter((l) => /^(qlens: )?\/\.fsmeta: error: is not a regular file/.test(l)).length, 1, `${args.join(' ')}: ${r.stderr}`);
    }
  });
}

test('an absolute symlink .fsmeta is resolved inside the sysroot (as a chroot would): a file outside never decides a trace', () => {
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'qlens-outside-'));
  try {
    // Outside: an .fsmeta that would make alice's home world-writable (qmail-local defers).
    fs.writeFileSync(path.join(outside, 'fsmeta'), '0777 1001 1001 /home/alice\n');
    const b = build();
    fs.rmSync(b.fx.host('/.fsmeta'));
    fs.symlinkSync(path.join(outside, 'fsmeta'), b.fx.host('/.fsmeta'));
    const t = runCli(['--sysroot', b.fx.dir, 'trace', '--json', 'alice@example.com']);
    assertClean(t, [0]);
    assert.deepEqual(JSON.parse(t.stdout).deliveries.map((d: { kind: string }) => d.kind), ['maildir']);
    // The same path inside the sysroot is what counts.
    fs.mkdirSync(b.fx.host(outside), { recursive: true });
    fs.writeFileSync(b.fx.host(path.join(outside, 'fsmeta')), '0777 1001 1001 /home/alice\n');
    const t2 = runCli(['--sysroot', b.fx.dir, 'trace', '--json', 'alice@example.com']);
    assert.deepEqual(JSON.parse(t2.stdout).deliveries.map((d: { kind: string }) => d.kind), ['defer']);
    // A relative one that climbs out is refused, said once, and the defaults apply.
    fs.rmSync(b.fx.host('/.fsmeta'));
    fs.symlinkSync('../'.repeat(30) + path.join(outside, 'fsmeta').slice(1), b.fx.host('/.fsmeta'));
    const t3 = runCli(['--sysroot', b.fx.dir, 'trace', 'alice@example.com']);
    assertClean(t3, [0]);
    assert.match(t3.stderr, /^qlens: \/\.fsmeta: error: .*leads outside the sysroot \(refused\): owners and modes take the defaults/m);
  } finally {
    fs.rmSync(outside, { recursive: true, force: true });
  }
});

const GB = 1024 ** 3;

test('1 GB control files, users/assign, a .qmail, and a NUL-filled remote/ file: each a "file too large" problem, every command answers', { timeout: 600_000 }, () => {
  const b = build();
  const big = ['/var/qmail/control/locals', '/var/qmail/control/virtualdomains', '/var/qmail/control/rcpthosts', '/var/qmail/control/me', '/var/qmail/users/assign', '/home/alice/.qmail', '/var/qmail/queue/remote/7/1000001'];
  for (const p of big) {
    // Sparse: no disk used, every byte NUL (a read of it whole would need 1 GB of memory).
    fs.rmSync(b.fx.host(p), { force: true });
    fs.closeSync(fs.openSync(b.fx.host(p), 'w'));
    fs.truncateSync(b.fx.host(p), GB);
  }
  for (const args of COMMANDS) {
    const r = runCli(['--sysroot', b.fx.dir, ...args], { timeout: 300_000 });
    assertClean(r, [0, 1, 2]);
    const text = r.stdout + r.stderr;
    if (args[0] === 'check') {
      for (const p of big.slice(0, 5)) assert.match(text, new RegExp(`^${p.replace(/\./g, '\\.')}: error: file too large: ${GB} bytes, read the first \\d+`, 'm'));
    }
    if (args[0] === 'queue' && args.length === 1) assert.match(r.stderr, /\/var\/qmail\/queue\/remote\/7\/1000001: file too large: 1073741824 bytes \(a queue file qlens reads whole is at most 16777216\)/);
  }
});

test('the read limit: a longer file gives its first part cut at a line end, once reported; a file of no line end gives the limit', async () => {
  const b = build({ '/var/qmail/control/rcpthosts': 'example.com\n' + 'x.example\n'.repeat(20) + 'last.example\n', '/var/qmail/control/me': 'm'.repeat(500) });
  const s = new Sysroot(b.fx.dir, { readLimit: 100 });
  const r = s.read('/var/qmail/control/rcpthosts')!;
  assert.equal(r.toString(), 'example.com\n' + 'x.example\n'.repeat(8));
  assert.equal(s.read('/var/qmail/control/me')!.length, 100);
  s.read('/var/qmail/control/rcpthosts');
  s.reopen().read('/var/qmail/control/rcpthosts');
  const probs = s.takeProblems();
  assert.deepEqual(probs.map((p) => p.path), ['/var/qmail/control/rcpthosts', '/var/qmail/control/me']);
  assert.match(probs[0].message, /^file too large: 225 bytes, read the first 92 \(up to the last line end before 100\); the rest is ignored$/);
  assert.ok(READ_LIMIT >= 16 * 1024 * 1024 && BULK_READ_LIMIT >= 16 * 1024 * 1024);
  await runClean('check', new Sysroot(b.fx.dir, { readLimit: 100 }));
});
