import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { makeFixture } from '../helpers/fixture.js';
import { FsError } from '../../source/sysroot/sysroot.js';
import { identityOf, openPositional, sameFile } from '../../source/sysroot/positional.js';

const isErr = (code: string) => (e: unknown) => e instanceof FsError && e.code === code;

test('positional reads: bytes at any offset, 0 at the end, null for a missing file', () => {
  const fx = makeFixture({ '/var/log/qmail/current': 'line one\nline two\n' });
  const s = fx.sysroot();
  const f = openPositional(s, '/var/log/qmail/current')!;
  const buf = Buffer.alloc(8);
  assert.equal(f.read(buf, 0, 8, 9), 8);
  assert.equal(buf.toString(), 'line two');
  assert.equal(f.read(buf, 0, 8, 18), 0);
  assert.equal(f.identity().size, 18);
  f.close();
  f.close();
  assert.throws(() => f.read(buf, 0, 1, 0), isErr('EBADF'));
  assert.equal(openPositional(s, '/var/log/qmail/previous'), null);
  assert.equal(openPositional(s, '/var/log/nothing/current'), null);
  assert.equal(identityOf(s, '/var/log/qmail/previous'), null);
});

test('positional reads refuse what Sysroot.read refuses: a link out of the sysroot, a directory, a FIFO', () => {
  const fx = makeFixture({
    '/var/log/qmail/current': { symlink: '../../../../../../etc/shadow' },
    '/var/log/qmail2/': { dir: true },
  });
  const s = fx.sysroot();
  assert.throws(() => openPositional(s, '/var/log/qmail/current'), isErr('ESCAPE'));
  assert.throws(() => openPositional(s, '/var/log/qmail2'), isErr('EISDIR'));
  execFileSync('mkfifo', [fx.host('/var/log/qmail2/current')]);
  // Opening a FIFO for reading would block until a writer came: it is refused at once.
  assert.throws(() => openPositional(s, '/var/log/qmail2/current'), isErr('NOTFILE'));
  assert.equal(identityOf(s, '/var/log/qmail2/current'), null);
});

test('an absolute link is followed inside the sysroot; injected faults are honoured', () => {
  const fx = makeFixture({ '/service/qmail-send/log/main': { symlink: '/var/log/qmail' }, '/var/log/qmail/current': 'x\n' });
  const f = openPositional(fx.sysroot(), '/service/qmail-send/log/main/current')!;
  assert.equal(f.identity().size, 2);
  f.close();
  const faulty = fx.sysroot({ faults: { '/var/log/qmail': 'EACCES' } });
  assert.throws(() => openPositional(faulty, '/var/log/qmail/current'), isErr('EACCES'));
  // The link's target is checked too, not only the path as asked.
  assert.throws(() => openPositional(faulty, '/service/qmail-send/log/main/current'), isErr('EACCES'));
  assert.equal(openPositional(fx.sysroot({ faults: { '/var/log/qmail/current': 'ENOENT' } }), '/var/log/qmail/current'), null);
});

test('the open descriptor keeps reading its inode after a rename (rotation) and sees a truncation', () => {
  const fx = makeFixture({ '/var/log/qmail/current': 'first\n' });
  const s = fx.sysroot();
  const f = openPositional(s, '/var/log/qmail/current')!;
  const before = f.identity();
  fs.renameSync(fx.host('/var/log/qmail/current'), fx.host('/var/log/qmail/@400000006b169b003004f9f4.s'));
  fs.appendFileSync(fx.host('/var/log/qmail/@400000006b169b003004f9f4.s'), 'second\n');
  fs.writeFileSync(fx.host('/var/log/qmail/current'), 'new\n');
  const buf = Buffer.alloc(64);
  const n = f.read(buf, 0, 64, 0);
  assert.equal(buf.subarray(0, n).toString(), 'first\nsecond\n');
  assert.ok(sameFile(f.identity(), identityOf(s, '/var/log/qmail/@400000006b169b003004f9f4.s')));
  assert.ok(!sameFile(before, identityOf(s, '/var/log/qmail/current')));
  fs.truncateSync(fx.host('/var/log/qmail/@400000006b169b003004f9f4.s'), 3);
  assert.equal(f.identity().size, 3);
  f.close();
});
