import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { makeFixture } from '../helpers/fixture.js';
import { SysrootWriter, TargetReader, sha256, writablePath, writerFor } from '../../source/sysroot/write.js';
import { FsError } from '../../source/sysroot/errors.js';

const passwd = 'alice:x:1001:1001::/home/alice:/bin/sh\nbob:x:1002:1002::/home/bob:/bin/sh\n';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof FsError) return e.code;
    throw e;
  }
  return 'no error';
}

test('atomic replace keeps content whole, host mode kept, no temp left', () => {
  const fx = makeFixture({ '/etc/passwd': passwd, '/var/qmail/control/locals': { content: 'a.example\n', mode: 0o640, uid: 0, gid: 82 } });
  fs.chmodSync(fx.host('/var/qmail/control/locals'), 0o640);
  const w = new SysrootWriter(fx.sysroot());
  const before = w.current('/var/qmail/control/locals');
  assert.deepEqual(before.meta, { uid: 0, gid: 82, mode: 0o640 });
  w.write({ path: '/var/qmail/control/locals', content: Buffer.from('a.example\nb.example\n'), expectSha256: before.sha256 });
  assert.equal(fs.readFileSync(fx.host('/var/qmail/control/locals'), 'utf8'), 'a.example\nb.example\n');
  assert.equal(fs.statSync(fx.host('/var/qmail/control/locals')).mode & 0o777, 0o640);
  // The .fsmeta line still describes the file: owner and mode as qmail sees them are kept.
  assert.deepEqual(w.current('/var/qmail/control/locals').meta, { uid: 0, gid: 82, mode: 0o640 });
  assert.deepEqual(fs.readdirSync(fx.host('/var/qmail/control')), ['locals']);
});

test('a symlink at the path or on the way is refused, and nothing is written', () => {
  const fx = makeFixture({
    '/etc/passwd': passwd,
    '/etc/shadow': 'root:secret\n',
    '/home/alice/.qmail-evil': { symlink: '/etc/shadow' },
    '/home/bob/': '',
    '/home/alice/dir': { symlink: '../bob' },
  });
  const w = new SysrootWriter(fx.sysroot());
  assert.equal(code(() => w.write({ path: '/home/alice/.qmail-evil', content: Buffer.from('x\n') })), 'SYMLINK');
  assert.equal(code(() => w.write({ path: '/home/alice/dir/.qmail', content: Buffer.from('x\n') })), 'SYMLINK');
  assert.equal(code(() => w.current('/home/alice/.qmail-evil')), 'SYMLINK');
  assert.equal(fs.readFileSync(fx.host('/etc/shadow'), 'utf8'), 'root:secret\n');
  assert.equal(fs.existsSync(fx.host('/home/bob/.qmail')), false);
});

test('paths leaving the sysroot are refused', () => {
  const fx = makeFixture({ '/etc/passwd': passwd });
  const w = new SysrootWriter(fx.sysroot());
  assert.equal(code(() => writablePath('/../../etc/passwd')), 'ESCAPE');
  assert.equal(code(() => w.write({ path: '/var/../../x', content: Buffer.from('x') })), 'ESCAPE');
  assert.equal(code(() => w.write({ path: 'relative/x', content: Buffer.from('x') })), 'EINVAL');
});

test('content changed since it was read: CONFLICT, file untouched', () => {
  const fx = makeFixture({ '/var/qmail/control/rcpthosts': 'a.example\n' });
  const w = new SysrootWriter(fx.sysroot());
  const stale = sha256(Buffer.from('something else\n'));
  assert.equal(code(() => w.write({ path: '/var/qmail/control/rcpthosts', content: Buffer.from('b\n'), expectSha256: stale })), 'CONFLICT');
  assert.equal(code(() => w.write({ path: '/var/qmail/control/rcpthosts', content: Buffer.from('b\n'), expectSha256: null })), 'CONFLICT');
  assert.equal(fs.readFileSync(fx.host('/var/qmail/control/rcpthosts'), 'utf8'), 'a.example\n');
});

test('a home or file owned by another user than expected is not written through', () => {
  const fx = makeFixture({
    '/etc/passwd': passwd,
    '/home/alice/': { dir: true, uid: 1002, gid: 1002 },
    '/home/bob/.qmail': { content: './Maildir/\n', uid: 0, gid: 0 },
    '/home/bob/sub/': { dir: true, uid: 0, gid: 0 },
  });
  const w = new SysrootWriter(fx.sysroot());
  assert.equal(code(() => w.write({ path: '/home/alice/.qmail', content: Buffer.from('x\n'), expectOwner: { uid: 1001, home: '/home/alice' } })), 'OWNER');
  assert.equal(code(() => w.write({ path: '/home/bob/.qmail', content: Buffer.from('x\n'), expectOwner: { uid: 1002, home: '/home/bob' } })), 'OWNER');
  assert.equal(code(() => w.write({ path: '/home/bob/sub/.qmail', content: Buffer.from('x\n'), expectOwner: { uid: 1002, home: '/home/bob' } })), 'OWNER');
  assert.equal(fs.existsSync(fx.host('/home/alice/.qmail')), false);
  assert.equal(fs.readFileSync(fx.host('/home/bob/.qmail'), 'utf8'), './Maildir/\n');
  // The right owner passes.
  w.write({ path: '/home/bob/.qmail-x', content: Buffer.from('./Maildir/\n'), expectOwner: { uid: 1002, home: '/home/bob' } });
  assert.equal(fs.readFileSync(fx.host('/home/bob/.qmail-x'), 'utf8'), './Maildir/\n');
});

test('remove (undo of a creation) and new files', () => {
  const fx = makeFixture({ '/home/bob/.qmail-x': 'a\n' });
  const w = new SysrootWriter(fx.sysroot());
  w.write({ path: '/home/bob/.qmail-x', content: null, expectSha256: sha256(Buffer.from('a\n')) });
  assert.equal(fs.existsSync(fx.host('/home/bob/.qmail-x')), false);
  w.write({ path: '/home/bob/.qmail-y', content: Buffer.from('b\n'), expectSha256: null, newMeta: { uid: 0, gid: 0, mode: 0o600 } });
  assert.equal(fs.statSync(fx.host('/home/bob/.qmail-y')).mode & 0o777, 0o600);
  assert.equal(code(() => w.write({ path: '/home/nobody/.qmail', content: Buffer.from('b\n') })), 'ENOENT');
});

test('read-only: there is no writer, and what staging reads with cannot write', () => {
  const fx = makeFixture({ '/var/qmail/control/locals': 'a\n' });
  assert.equal(writerFor(fx.sysroot(), true), null);
  assert.ok(writerFor(fx.sysroot(), false) instanceof SysrootWriter);
  const r: TargetReader = new TargetReader(fx.sysroot());
  assert.equal(r.current('/var/qmail/control/locals').content?.toString(), 'a\n');
  for (const m of ['write', 'mkdirs', 'mkdirExclusive', 'lock', 'removeTree', 'cleanStaleTemps']) assert.equal((r as unknown as Record<string, unknown>)[m], undefined, m);
  assert.equal(fs.readFileSync(fx.host('/var/qmail/control/locals'), 'utf8'), 'a\n');
  assert.equal(fs.existsSync(fx.host('/var/backups')), false);
});
