// contract.md's default owner (the longest home in /etc/passwd that holds the
// path, first passwd line of a home wins), whether the homes are searched for
// as written or, when one needs normalizing, mapped whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFixture } from '../helpers/fixture.js';

const tree = {
  '/home/joe/.qmail': './Maildir/\n',
  '/home/joe/sub/.qmail': 'x\n',
  '/home/ann/.qmail': 'y\n',
  '/srv/x/file': 'z\n',
  '/var/qmail/control/me': 'h\n',
};

function owners(passwd: string): Record<string, [number, number]> {
  const fx = makeFixture({ ...tree, '/etc/passwd': passwd });
  const s = fx.sysroot();
  const out: Record<string, [number, number]> = {};
  for (const p of ['/home/joe/.qmail', '/home/joe/sub/.qmail', '/home/joe', '/home/ann/.qmail', '/srv/x/file', '/var/qmail/control/me', '/home']) {
    const m = s.stat(p)!;
    out[p] = [m.uid, m.gid];
  }
  return out;
}

test('homes searched as written: first valid line of a home wins, longest home wins, bad lines skipped', () => {
  const o = owners(
    [
      'root:x:0:0:root:/root:/bin/sh',
      'daemon:x:1:1::/:/bin/false',
      'bad:x:uid:5::/home/joe:/bin/sh',
      'short:x:9:9:/home/joe',
      'joe:x:1001:100::/home/joe:/bin/sh',
      'joe2:x:1002:100::/home/joe:/bin/sh',
      'sub:x:1003:101::/home/joe/sub:/bin/sh',
      'ann:x:1004:102:gecos /home/ann:/home/ann:/bin/sh',
      'rel:x:1005:103::srv/x:/bin/sh',
    ].join('\n') + '\n',
  );
  assert.deepEqual(o['/home/joe/.qmail'], [1001, 100]);
  assert.deepEqual(o['/home/joe'], [1001, 100]);
  assert.deepEqual(o['/home/joe/sub/.qmail'], [1003, 101]);
  assert.deepEqual(o['/home/ann/.qmail'], [1004, 102]);
  assert.deepEqual(o['/srv/x/file'], [0, 0]);
  assert.deepEqual(o['/var/qmail/control/me'], [0, 0]);
  assert.deepEqual(o['/home'], [0, 0]);
});

test('a home that needs normalizing still counts (trailing slash, doubled slash, dot segments)', () => {
  const o = owners(['joe:x:1001:100::/home/joe/:/bin/sh', 'sub:x:1003:101::/home//joe/./sub:/bin/sh', 'ann:x:1004:102::/home/x/../ann:/bin/sh'].join('\n') + '\n');
  assert.deepEqual(o['/home/joe/.qmail'], [1001, 100]);
  assert.deepEqual(o['/home/joe/sub/.qmail'], [1003, 101]);
  assert.deepEqual(o['/home/ann/.qmail'], [1004, 102]);
});
