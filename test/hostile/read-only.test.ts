// `--read-only` guarantees no write at all, tested for real: the built
// program runs as an unprivileged user (nobody, through setpriv) over a
// sysroot that user cannot write, under strace, and no system call that
// creates, changes or removes a file is even attempted. The same edit without
// --read-only shows the detector does see write attempts. Needs root (to
// drop privileges), setpriv and strace; skipped where they are missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { STRACE_SKIP, SYSCALLS, writeAttempts, snapshot } from './strace.js';
import { build } from './harness.js';
import { CLI } from '../e2e/helpers/pty-session.js';
import { programForNobody } from './as-nobody.js';

const SKIP = STRACE_SKIP;

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
  attempts: string[];
}

function runAsNobody(sysroot: string, args: string[], input = ''): Ran {
  const prog = programForNobody();
  const log = path.join(fs.mkdtempSync('/tmp/qlens-strace-'), 'log');
  const r = spawnSync(
    'strace',
    ['-f', '-qq', '-o', log, '-e', `trace=${SYSCALLS}`, 'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, prog.cli, '--sysroot', sysroot, ...args],
    { cwd: prog.root, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 },
  );
  const text = fs.readFileSync(log, 'utf8');
  fs.rmSync(path.dirname(log), { recursive: true, force: true });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, attempts: writeAttempts(text).filter((l) => l.includes(sysroot)) };
}

test('--read-only as an unprivileged user over a read-only sysroot: every command runs and nothing even tries to write', { skip: SKIP }, () => {
  const b = build({
    '/var/qmail/control/virtualdomains': 'virt.example:alice-virt\n',
    '/var/backups/qlens/.keep': '',
  });
  // A journal entry to undo, made now by root without --read-only.
  const made = spawnSync(process.execPath, [CLI, '--sysroot', b.fx.dir, 'edit', 'control/virtualdomains', '--apply', '--backup-dir', '/var/backups/qlens'], { input: 'virt.example:bob\n', encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  // Readable by everyone, writable by root only.
  spawnSync('chmod', ['-R', 'go+rX,go-w', b.fx.dir]);
  const before = snapshot(b.fx.dir);
  const runs: Array<[string[], string?]> = [
    [['check']],
    [['domains', '--json']],
    [['trace', 'alice@example.com', 'x@virt.example']],
    [['queue']],
    [['queue', '--message', '1000001']],
    [['veil']],
    [['edit', 'control/virtualdomains', '--apply', '--backup-dir', '/var/backups/qlens'], 'virt.example:carol\n'],
    [['edit', '/home/alice/.qmail-new', '--apply', '--backup-dir', '/var/backups/qlens'], '&bob@example.com\n'],
    [['undo', '--backup-dir', '/var/backups/qlens']],
  ];
  for (const [args, input] of runs) {
    const r = runAsNobody(b.fx.dir, ['--read-only', ...args], input);
    const what = `qlens --read-only ${args.join(' ')}`;
    assert.doesNotMatch(r.stderr, /internal error/, `${what}: ${r.stderr}`);
    assert.notEqual(r.status, 70, what);
    assert.deepEqual(r.attempts, [], `${what} tried to write`);
    if (args[0] !== 'edit' && args[0] !== 'undo') assert.ok(r.stdout.length > 0 && (r.status === 0 || r.status === 1), `${what}: ${r.status} ${r.stderr}`);
    if (args[0] === 'edit' || args[0] === 'undo') {
      assert.equal(r.status, 3, `${what}: ${r.stderr}`);
      assert.match(r.stderr, /read-only|nothing written|nothing is written/, what);
    }
  }
  assert.deepEqual(snapshot(b.fx.dir), before, 'the sysroot is byte for byte what it was');
});

test('the detector sees writes: the same edit without --read-only, as nobody, attempts one and is refused by the file system', { skip: SKIP }, () => {
  const b = build({ '/var/backups/.keep': '' });
  spawnSync('chmod', ['-R', 'go+rX,go-w', b.fx.dir]);
  const before = snapshot(b.fx.dir);
  // A journal directory still to be made: nobody tries (and the kernel says EACCES). An existing
  // journal of root's would be refused before any attempt, as one nobody cannot trust.
  const r = runAsNobody(b.fx.dir, ['edit', 'control/locals', '--apply', '--backup-dir', '/var/backups/qlens'], 'example.com\nexample.org\n');
  assert.ok(r.attempts.length > 0, `no write attempt seen: ${r.stderr}`);
  assert.notEqual(r.status, 0);
  assert.deepEqual(snapshot(b.fx.dir), before);
});
