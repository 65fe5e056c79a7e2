// Issue 15.6: edit --apply on special targets and writes the file system
// refuses. A FIFO, a device or a directory as the target is refused up front
// (no blocking read of its "content"). A write that fails — EROFS, EACCES,
// ENOSPC — is a one-line refusal naming the file and the errno, exit 3, the
// target as it was, and no journal entry (above all no "pending" one that
// would tell of a write that never happened).
//
// Each failure is real where it can be: a read-only bind mount (EROFS), a
// tmpfs of a few pages filled up (ENOSPC), the program run as nobody through
// setpriv (EACCES). These need root and mount(8); they are skipped elsewhere.
// A failure on the second file of a change (users/assign written, users/cdb
// not) cannot be produced on demand by a real file system, so it is injected
// (a writer that fails on that path) to test the roll-back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { build, runEditCommand, treeSnapshot, assertNoRaw, type Built } from './harness.js';
import { runCli, assertClean } from './cli-run.js';
import { programForNobody } from './as-nobody.js';
import { FsError } from '../../source/sysroot/errors.js';
import { SysrootWriter, type WriteRequest } from '../../source/sysroot/write.js';
import { stageEdits } from '../../source/edit/stage.js';
import { stageEnv } from '../../source/edit/session.js';
import { applyChangeSet } from '../../source/edit/journal.js';
import { compileUsersCdb } from '../../source/qmail/assign.js';

const J = '/var/backups/qlens';
const isRoot = process.getuid?.() === 0;
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** Can this machine mount (root, and not forbidden by a container)? */
const CAN_MOUNT = (() => {
  if (!isRoot || !has('mount')) return false;
  const d = fs.mkdtempSync('/tmp/qlens-mount-probe-');
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', d]).status === 0;
  if (ok) spawnSync('umount', [d]);
  fs.rmSync(d, { recursive: true, force: true });
  return ok;
})();
const MOUNT_SKIP = CAN_MOUNT ? false : 'needs root and mount(8)';

function journalEntries(b: Built): string[] {
  const d = b.fx.host(J);
  return fs.existsSync(d) ? fs.readdirSync(d).filter((n) => /^\d/.test(n)) : [];
}

function assertRefusedWrite(r: { status: number | null; out: string; err: string; thrown?: unknown }, file: string, errno: string): void {
  assert.equal(r.thrown, undefined, (r.thrown as Error)?.stack);
  assert.equal(r.status, 3, `${r.status}\n${r.out}\n${r.err}`);
  const lines = r.err.trim().split('\n');
  assert.equal(lines.length, 1, r.err);
  assert.ok(lines[0].startsWith(`qlens: ${file}: `) && lines[0].includes(`(${errno})`) && lines[0].endsWith('; nothing written'), r.err);
  assert.doesNotMatch(r.err + r.out, /internal error|\n\s+at /);
  assertNoRaw(r.out + r.err, 'edit');
}

/** Mount something over a host directory for the length of `f`, then take it away. */
async function mounted(dir: string, how: string[][], f: () => Promise<void>): Promise<void> {
  for (const args of how) {
    const r = spawnSync('mount', [...args, dir], { encoding: 'utf8' });
    assert.equal(r.status, 0, `mount ${args.join(' ')}: ${r.stderr}`);
  }
  try {
    await f();
  } finally {
    for (let i = 0; i < how.length; i++) spawnSync('umount', ['-l', dir]);
  }
}

const HAVE_MKFIFO = has('mkfifo');

test('a FIFO, a device or a directory as the target: refused at once (exit 3), nothing read, nothing written', { skip: !HAVE_MKFIFO && 'no mkfifo', timeout: 60_000 }, async () => {
  const b = build({}, false);
  const fifo = b.fx.host('/var/qmail/control/smtproutes');
  spawnSync('mkfifo', [fifo]);
  fs.mkdirSync(b.fx.host('/var/qmail/control/dir'));
  const targets: Array<[string, RegExp]> = [
    ['/var/qmail/control/smtproutes', /is not a regular file \(a FIFO or device: not read\)/],
    ['/var/qmail/control/dir', /is a directory/],
  ];
  if (isRoot && spawnSync('mknod', [b.fx.host('/var/qmail/control/concurrencyremote'), 'c', '1', '5']).status === 0) {
    targets.push(['/var/qmail/control/concurrencyremote', /is not a regular file/]);
  }
  const before = treeSnapshot(b.fx.dir);
  for (const [target, says] of targets) {
    for (const apply of [true, false]) {
      const r = await runEditCommand(b.fx, 'edit', { target, content: 'x\n', options: { apply } });
      assert.equal(r.status, 3, `${target}: ${r.err}`);
      assert.match(r.err, says);
      assert.equal(r.err.trim().split('\n').length, 1);
    }
    // The real program too: it answers at once instead of hanging on the FIFO.
    assertClean(runCli(['--sysroot', b.fx.dir, 'edit', target, '--apply'], { input: 'x\n', timeout: 30_000 }), [3]);
  }
  assert.deepEqual(treeSnapshot(b.fx.dir), before);
  assert.deepEqual(journalEntries(b), []);
});

test('EROFS (control/ a read-only bind mount): one line naming the file and EROFS, exit 3, no journal entry', { skip: MOUNT_SKIP }, async () => {
  const b = build({}, false);
  const dir = b.fx.host('/var/qmail/control');
  await mounted(dir, [['--bind', dir], ['-o', 'remount,bind,ro']], async () => {
    const before = treeSnapshot(b.fx.dir);
    const r = await runEditCommand(b.fx, 'edit', { content: 'example.com\nnew.example\n' });
    assertRefusedWrite(r, '/var/qmail/control/rcpthosts', 'EROFS');
    assert.match(r.err, /read-only file system/);
    assert.deepEqual(journalEntries(b), []);
    assert.deepEqual(treeSnapshot(b.fx.dir), before);
    assertClean(runCli(['--sysroot', b.fx.dir, 'edit', 'control/rcpthosts', '--apply'], { input: 'example.com\nnew.example\n' }), [3]);
  });
});

test('EROFS for the whole sysroot: the journal cannot be made, exit 3 naming it', { skip: MOUNT_SKIP }, async () => {
  const b = build({}, false);
  await mounted(b.fx.dir, [['--bind', b.fx.dir], ['-o', 'remount,bind,ro']], async () => {
    const r = await runEditCommand(b.fx, 'edit', { content: 'example.com\nnew.example\n' });
    assertRefusedWrite(r, '/var/backups', 'EROFS');
  });
  assert.deepEqual(journalEntries(b), []);
});

test('ENOSPC (control/ on a full tmpfs): one line naming the file and ENOSPC, exit 3, the file and the journal as they were', { skip: MOUNT_SKIP }, async () => {
  const b = build({}, false);
  const dir = b.fx.host('/var/qmail/control');
  const saved = fs.mkdtempSync('/tmp/qlens-control-');
  spawnSync('cp', ['-a', dir + '/.', saved]);
  await mounted(dir, [['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs']], async () => {
    spawnSync('cp', ['-a', saved + '/.', dir]);
    // Fill every page left (dd stops at ENOSPC).
    spawnSync('dd', ['if=/dev/zero', `of=${dir}/.filler`, 'bs=4096']);
    const before = fs.readFileSync(path.join(dir, 'rcpthosts'));
    const r = await runEditCommand(b.fx, 'edit', { content: 'example.com\n' + 'x.example\n'.repeat(2000) });
    assertRefusedWrite(r, '/var/qmail/control/rcpthosts', 'ENOSPC');
    assert.match(r.err, /no space left on device/);
    assert.deepEqual(fs.readFileSync(path.join(dir, 'rcpthosts')), before);
    assert.deepEqual(fs.readdirSync(dir).filter((n) => n.startsWith('.qlens-tmp')), [], 'no temporary file left');
    assert.deepEqual(journalEntries(b), [], 'no pending entry');
  });
  fs.rmSync(saved, { recursive: true, force: true });
});

test('ENOSPC in the journal itself (a full tmpfs at /var/backups): the entry is taken away again, nothing changed', { skip: MOUNT_SKIP }, async () => {
  const b = build({ '/var/backups/.keep': '' }, false);
  const dir = b.fx.host('/var/backups');
  await mounted(dir, [['-t', 'tmpfs', '-o', 'size=16k,mode=0755', 'tmpfs']], async () => {
    spawnSync('dd', ['if=/dev/zero', `of=${dir}/.filler`, 'bs=4096']);
    const before = fs.readFileSync(b.fx.host('/var/qmail/control/rcpthosts'));
    const r = await runEditCommand(b.fx, 'edit', { content: 'example.com\nnew.example\n' });
    assert.equal(r.status, 3, r.err);
    assert.match(r.err, /\((ENOSPC)\); nothing written$/m);
    assert.deepEqual(fs.readFileSync(b.fx.host('/var/qmail/control/rcpthosts')), before);
    assert.deepEqual(journalEntries(b), []);
  });
});

test('EACCES, as nobody (setpriv) with a journal of its own but no right to control/: exit 3 naming the file and EACCES, no entry', { skip: isRoot && has('setpriv') ? false : 'needs root and setpriv' }, async () => {
  const prog = programForNobody();
  const b = build({ '/var/backups/qlens/.keep': '' }, false);
  spawnSync('chmod', ['-R', 'go+rX,go-w', b.fx.dir]);
  fs.chownSync(b.fx.host(J), 65534, 65534);
  fs.chmodSync(b.fx.host(J), 0o700);
  const before = treeSnapshot(b.fx.dir);
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, prog.cli, '--sysroot', b.fx.dir, 'edit', 'control/rcpthosts', '--apply'], {
    cwd: prog.root,
    input: 'example.com\nnew.example\n',
    encoding: 'utf8',
    timeout: 60_000,
  });
  assertRefusedWrite({ status: r.status, out: r.stdout, err: r.stderr }, '/var/qmail/control/rcpthosts', 'EACCES');
  assert.match(r.stderr, /permission denied/);
  assert.deepEqual(treeSnapshot(b.fx.dir), before, 'nothing written, not even a journal entry');
});

/** A writer whose write of one path fails as a full disk would (injected: the second file of a change). */
class FailingWriter extends SysrootWriter {
  constructor(
    b: Built,
    private readonly failAt: string,
  ) {
    super(b.sysroot());
  }
  override write(req: WriteRequest): void {
    if (req.path === this.failAt) throw new FsError('ENOSPC', req.path);
    super.write(req);
  }
}

test('injected: users/assign written, then users/cdb fails (ENOSPC): users/assign is put back, no entry', () => {
  const assign = '=carol:alice:1001:1001:/home/alice:::\n.\n';
  const b = build({ '/var/qmail/users/assign': assign, '/var/qmail/users/cdb': compileUsersCdb(Buffer.from(assign)) }, false);
  const before = treeSnapshot(b.fx.dir);
  const cs = stageEdits([{ path: '/var/qmail/users/assign', content: Buffer.from('=dave:bob:1002:1002:/home/bob:::\n.\n') }], stageEnv(b.sysroot(), ['/var/qmail']));
  assert.ok(cs.valid);
  assert.deepEqual(cs.files.map((f) => f.path).slice(0, 2), ['/var/qmail/users/assign', '/var/qmail/users/cdb']);
  assert.throws(() => applyChangeSet(new FailingWriter(b, '/var/qmail/users/cdb'), cs), (e: unknown) => e instanceof FsError && e.code === 'ENOSPC');
  assert.deepEqual(treeSnapshot(b.fx.dir).filter((l) => !l.startsWith('var/backups')), before);
  assert.deepEqual(journalEntries(b), []);
});

test('injected: the roll-back fails too: the entry stays pending and the error says undo restores it', () => {
  const assign = '=carol:alice:1001:1001:/home/alice:::\n.\n';
  const b = build({ '/var/qmail/users/assign': assign, '/var/qmail/users/cdb': compileUsersCdb(Buffer.from(assign)) }, false);
  const cs = stageEdits([{ path: '/var/qmail/users/assign', content: Buffer.from('=dave:bob:1002:1002:/home/bob:::\n.\n') }], stageEnv(b.sysroot(), ['/var/qmail']));
  let writes = 0;
  const w = new (class extends SysrootWriter {
    override write(req: WriteRequest): void {
      // The journal's two writes, users/assign, then nothing more succeeds.
      if (!req.path.startsWith(J) && ++writes > 1) throw new FsError('EIO', req.path);
      super.write(req);
    }
  })(b.sysroot());
  assert.throws(() => applyChangeSet(w, cs), (e: unknown) => e instanceof FsError && /had been written already and could not be put back: the journal entry .* keeps them \(qlens undo restores them\)/.test(e.message));
  assert.equal(journalEntries(b).length, 1);
  const m = JSON.parse(fs.readFileSync(b.fx.host(`${J}/${journalEntries(b)[0]}/manifest.json`), 'utf8'));
  assert.equal(m.state, 'pending');
});
