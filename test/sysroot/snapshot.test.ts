import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeFixture } from '../helpers/fixture.js';
import { FsError, Sysroot } from '../../source/sysroot/sysroot.js';
import { SnapshotSysroot } from '../../source/sysroot/snapshot.js';

test('a snapshot answers stat and readdir as its base did the first time', () => {
  const fx = makeFixture({ '/home/bob/Maildir/new/.keep': '', '/home/bob/.qmail': './Maildir/\n' });
  const snap = new SnapshotSysroot(fx.sysroot());
  assert.equal(snap.stat('/home/bob/Maildir')?.kind, 'dir');
  assert.deepEqual(snap.readdir('/home/bob'), ['.qmail', 'Maildir']);
  fs.rmSync(path.join(fx.dir, 'home/bob/Maildir'), { recursive: true });
  // Taken as a snapshot: the listing that asked once gets the same answer again.
  assert.equal(snap.stat('/home/bob/Maildir')?.kind, 'dir');
  assert.deepEqual(snap.readdir('/home/bob'), ['.qmail', 'Maildir']);
  // reopen() is a fresh look.
  assert.equal(snap.reopen().stat('/home/bob/Maildir'), null);
  assert.equal(snap.readText('/home/bob/.qmail'), './Maildir/\n');
});

test('a snapshot keeps its base\'s injected faults, and repeats the same error', () => {
  const fx = makeFixture({ '/home/bob/.qmail': './Maildir/\n', '/var/qmail/control/me': 'x\n' });
  const base = new Sysroot(fx.dir, { faults: { '/home/bob': 'EIO', '/var/qmail/control/me': 'EACCES' } });
  const snap = new SnapshotSysroot(base);
  for (let i = 0; i < 2; i++) {
    assert.throws(() => snap.stat('/home/bob/.qmail'), (e: unknown) => e instanceof FsError && e.code === 'EIO');
    assert.throws(() => snap.read('/var/qmail/control/me'), (e: unknown) => e instanceof FsError && e.code === 'EACCES');
  }
  assert.equal(snap.faultAt('/home/bob/x'), 'EIO');
});
