import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFixture } from '../helpers/fixture.js';
import { FsError } from '../../source/sysroot/sysroot.js';

test('reads system paths under the sysroot; absent is null, empty is empty', () => {
  const fx = makeFixture({ '/var/qmail/control/me': 'mail.example.com\n', '/var/qmail/control/locals': '' });
  const s = fx.sysroot();
  assert.equal(s.readText('/var/qmail/control/me'), 'mail.example.com\n');
  assert.equal(s.readText('/var/qmail/control/locals'), '');
  assert.equal(s.read('/var/qmail/control/rcpthosts'), null);
});

test('a relative symlink climbing out of the sysroot is refused, never followed', () => {
  const fx = makeFixture({
    '/home/evil/.qmail': { symlink: '../../../../../../../etc/passwd' },
    '/etc/passwd': 'root:x:0:0::/root:/bin/sh\n',
  });
  const s = fx.sysroot();
  assert.throws(() => s.read('/home/evil/.qmail'), (e: unknown) => e instanceof FsError && e.code === 'ESCAPE');
});

test('a `..` chain in the path never climbs above the sysroot top', () => {
  const fx = makeFixture({ '/etc/passwd': 'inside\n' });
  const s = fx.sysroot();
  // As in a chroot, /.. is /: the sysroot's own etc/passwd, not the host's.
  assert.equal(s.readText('/../../../etc/passwd'), 'inside\n');
});

test('an absolute symlink is taken under the sysroot, as a chroot would', () => {
  const fx = makeFixture({
    '/home/a/.qmail': { symlink: '/etc/aliases/a' },
    '/etc/aliases/a': './Maildir/\n',
  });
  assert.equal(fx.sysroot().readText('/home/a/.qmail'), './Maildir/\n');
  assert.equal(fx.sysroot().resolve('/home/a/.qmail'), '/etc/aliases/a');
});

test('symlink loops give ELOOP', () => {
  const fx = makeFixture({ '/a': { symlink: '/b' }, '/b': { symlink: '/a' } });
  assert.throws(() => fx.sysroot().read('/a'), (e: unknown) => e instanceof FsError && e.code === 'ELOOP');
});

test('.fsmeta gives owner, mode and mtime; unlisted paths take the defaults', () => {
  const fx = makeFixture({
    '/etc/passwd': 'alice:x:1001:1001::/home/alice:/bin/sh\nbob:x:1002:1002::/home/bob:/bin/sh\n',
    '/home/alice/.qmail-lists': { content: './Maildir/\n', mode: 0o664, uid: 1001, gid: 1001, mtime: '2026-11-25T10:00:00Z' },
    '/home/bob/': { dir: true, mode: 0o1755, uid: 1002 },
    '/home/alice/.qmail': './Maildir/\n',
    '/var/qmail/control/me': 'x\n',
  });
  const s = fx.sysroot();
  const m = s.stat('/home/alice/.qmail-lists')!;
  assert.deepEqual([m.mode, m.uid, m.gid, m.metaSource, m.mtimeMs], [0o664, 1001, 1001, 'fsmeta', Date.parse('2026-11-25T10:00:00Z')]);
  assert.equal(s.stat('/home/bob')!.mode, 0o1755);
  const d = s.stat('/home/alice/.qmail')!;
  assert.deepEqual([d.mode, d.uid, d.gid, d.metaSource], [0o644, 1001, 1001, 'default']);
  const dir = s.stat('/home/alice')!;
  assert.deepEqual([dir.kind, dir.mode, dir.uid], ['dir', 0o755, 1001]);
  const ctl = s.stat('/var/qmail/control/me')!;
  assert.deepEqual([ctl.uid, ctl.gid], [0, 0]);
});

test('injected faults: EACCES on read, the rest still reads', () => {
  const fx = makeFixture({ '/var/qmail/users/cdb': 'x', '/var/qmail/control/me': 'm\n' });
  const s = fx.sysroot({ faults: { '/var/qmail/users': 'EACCES' } });
  assert.throws(() => s.read('/var/qmail/users/cdb'), (e: unknown) => e instanceof FsError && e.code === 'EACCES' && /permission denied/.test(e.message));
  assert.equal(s.readText('/var/qmail/control/me'), 'm\n');
});

test('readdir leaves out .keep placeholders', () => {
  const fx = makeFixture({ '/var/qmail/queue/todo/.keep': '', '/var/qmail/queue/info/0/.keep': '' });
  assert.deepEqual(fx.sysroot().readdir('/var/qmail/queue/todo'), []);
});
