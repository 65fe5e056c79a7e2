// Sysroot.readBounded: a program read as bytes, at most so many, with the
// same refusals as read().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { makeFixture } from '../helpers/fixture.js';
import { FsError } from '../../source/sysroot/sysroot.js';

test('readBounded: a small file whole, with its size; a missing one is null', () => {
  const fx = makeFixture({ '/var/qmail/bin/qmail-queue': Buffer.from('ab\0/var/qmail\0cd') });
  const r = fx.sysroot().readBounded('/var/qmail/bin/qmail-queue', 1024)!;
  assert.equal(r.size, 16);
  assert.equal(r.bytes.toString('latin1'), 'ab\0/var/qmail\0cd');
  assert.equal(fx.sysroot().readBounded('/var/qmail/bin/qmail-send', 1024), null);
  assert.equal(fx.sysroot().readBounded('/var/qmail/bin/qmail-queue/x', 1024), null);
});

test('readBounded: a huge file gives only the first bytes asked for, and says how big it is', () => {
  const fx = makeFixture({ '/var/qmail/bin/qmail-send': '' });
  // A sparse 3 GiB file: nothing near that is ever allocated or read.
  const fd = fs.openSync(fx.host('/var/qmail/bin/qmail-send'), 'r+');
  fs.writeSync(fd, Buffer.from('\x7fELF'), 0, 4, 0);
  fs.ftruncateSync(fd, 3 * 1024 ** 3);
  fs.closeSync(fd);
  const r = fx.sysroot().readBounded('/var/qmail/bin/qmail-send', 4096)!;
  assert.equal(r.bytes.length, 4096);
  assert.equal(r.size, 3 * 1024 ** 3);
  assert.equal(r.bytes.subarray(0, 4).toString('latin1'), '\x7fELF');
});

test('readBounded: a link is followed inside the sysroot; one that climbs out is refused', () => {
  const fx = makeFixture({
    '/var/qmail/bin/sendmail': 'prog\0/var/qmail\0',
    '/usr/sbin/sendmail': { symlink: '/var/qmail/bin/sendmail' },
    '/usr/lib/sendmail': { symlink: '../../../../../../../../bin/sh' },
  });
  const s = fx.sysroot();
  assert.equal(s.readBounded('/usr/sbin/sendmail', 100)!.bytes.toString('latin1'), 'prog\0/var/qmail\0');
  assert.throws(() => s.readBounded('/usr/lib/sendmail', 100), (e: unknown) => e instanceof FsError && e.code === 'ESCAPE');
});

test('readBounded: injected faults on the path and on where its link leads, as read() has them', () => {
  const fx = makeFixture({
    '/var/qmail/bin/qmail-queue': 'x',
    '/var/qmail2/bin/qmail-queue': { symlink: '/var/qmail/bin/qmail-queue' },
  });
  const s = fx.sysroot({ faults: { '/var/qmail/bin': 'EACCES' } });
  assert.throws(() => s.readBounded('/var/qmail/bin/qmail-queue', 10), (e: unknown) => e instanceof FsError && e.code === 'EACCES');
  assert.throws(() => s.readBounded('/var/qmail2/bin/qmail-queue', 10), (e: unknown) => e instanceof FsError && e.code === 'EACCES');
  const gone = fx.sysroot({ faults: { '/var/qmail/bin/qmail-queue': 'ENOENT' } });
  assert.equal(gone.readBounded('/var/qmail2/bin/qmail-queue', 10), null);
});

test('readBounded: a directory is EISDIR; a FIFO is refused without blocking', { skip: spawnSync('mkfifo', ['--version']).status !== 0 && 'no mkfifo' }, () => {
  const fx = makeFixture({ '/var/qmail/bin/': '' });
  assert.throws(() => fx.sysroot().readBounded('/var/qmail/bin', 10), (e: unknown) => e instanceof FsError && e.code === 'EISDIR');
  assert.equal(spawnSync('mkfifo', [fx.host('/var/qmail/bin/qmail-queue')]).status, 0);
  assert.throws(() => fx.sysroot().readBounded('/var/qmail/bin/qmail-queue', 10), (e: unknown) => e instanceof FsError && e.code === 'NOTFILE');
});
