import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFixture } from '../helpers/fixture.js';
import { parsePasswd, parseGroup, loadSystemUsers } from '../../source/qmail/passwd.js';

test('passwd: seven fields, comments and blank lines skipped, line numbers kept', () => {
  const { entries, diagnostics } = parsePasswd('# users\n\nroot:x:0:0:root:/root:/bin/sh\nalice:x:1001:1001:Alice:/home/alice/:/bin/sh\n');
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(entries, [
    { name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/sh', line: 3 },
    { name: 'alice', uid: 1001, gid: 1001, home: '/home/alice/', shell: '/bin/sh', line: 4 },
  ]);
});

test('passwd: malformed lines give file:line diagnostics and the rest still loads', () => {
  const text = 'ok:x:1:1::/h:/bin/sh\nshort:x:2:2\nbaduid:x:abc:2::/h:/bin/sh\nextra:x:3:3::/h:/bin/sh:more\n:x:4:4::/h:/bin/sh\n+nis::::::\nlast:x:5:5::/l:/bin/sh';
  const { entries, diagnostics } = parsePasswd(text, '/etc/passwd');
  assert.deepEqual(entries.map((e) => e.name), ['ok', 'last']);
  assert.deepEqual(diagnostics.map((d) => [d.path, d.line, d.code]), [
    ['/etc/passwd', 2, 'passwd-format'],
    ['/etc/passwd', 3, 'passwd-format'],
    ['/etc/passwd', 4, 'passwd-format'],
    ['/etc/passwd', 5, 'passwd-format'],
    ['/etc/passwd', 6, 'passwd-format'],
  ]);
  assert.match(diagnostics[1].message, /not a number/);
});

test('group: name:password:gid:members', () => {
  const { entries, diagnostics } = parseGroup('qmail:x:2107:\nnofiles:x:2108:alias,qmaild\nbroken\n', '/etc/group');
  assert.deepEqual(entries, [
    { name: 'qmail', gid: 2107, members: [], line: 1 },
    { name: 'nofiles', gid: 2108, members: ['alias', 'qmaild'], line: 2 },
  ]);
  assert.deepEqual(diagnostics.map((d) => [d.line, d.code]), [[3, 'group-format']]);
});

test('loadSystemUsers: byName first line wins (a skipped malformed first line lets the next be found), byUid', () => {
  const fx = makeFixture({
    '/etc/passwd': 'joe:x:bad:1::/h:/bin/sh\njoe:x:1002:1002::/home/joe:/bin/sh\njoe:x:1003:1003::/home/joe2:/bin/sh\n',
    '/etc/group': 'users:x:100:joe\n',
  });
  const u = loadSystemUsers(fx.sysroot());
  assert.equal(u.byName('joe')!.uid, 1002);
  assert.equal(u.byName('JOE'), null);
  assert.equal(u.byUid(1003)!.home, '/home/joe2');
  assert.equal(u.groupByGid(100)!.name, 'users');
  assert.equal(u.passwdStatus(), 'present');
  assert.deepEqual(u.diagnostics().map((d) => [d.path, d.line]), [['/etc/passwd', 1]]);
});

test('loadSystemUsers: missing and unreadable passwd are reported, not thrown', () => {
  const none = loadSystemUsers(makeFixture({ '/var/qmail/control/me': 'm\n' }).sysroot());
  assert.deepEqual(none.passwd(), []);
  assert.equal(none.passwdStatus(), 'absent');
  assert.equal(none.diagnostics()[0].code, 'passwd-missing');
  const fx = makeFixture({ '/etc/passwd': 'a:x:1:1::/a:/bin/sh\n' });
  const denied = loadSystemUsers(fx.sysroot({ faults: { '/etc/passwd': 'EACCES' } }));
  assert.deepEqual(denied.passwd(), []);
  assert.equal(denied.passwdStatus(), 'error');
  assert.equal(denied.diagnostics()[0].code, 'passwd-unreadable');
  assert.deepEqual(denied.group(), []);
});

test('loadSystemUsers: a look-up before the whole parse finds what the parsed file gives (first good line wins), and the same object after it', async () => {
  const fc = (await import('fast-check')).default;
  const { LoadedSystemUsers } = await import('../../source/qmail/passwd.js');
  const name = fc.constantFrom('joe', 'JOE', 'jo', 'a.b', 'a*b', 'x(', '', ' joe', '#joe', '+joe', 'joe\r', 'é');
  const num = fc.constantFrom('0', '7', '07', '007', '1002', '10020', 'x', '', '9007199254740993');
  const line = fc.oneof(
    fc.tuple(name, num, num, fc.constantFrom('/h', '', '/home/joe')).map(([n, u, g, h]) => `${n}:x:${u}:${g}::${h}:/bin/sh`),
    fc.constantFrom('', '# joe:x:1:1::/h:/bin/sh', '  joe:x:5:5::/h:/bin/sh', 'joe:x:1:1', 'joe:x:1:1::/h:/bin/sh:extra', 'joe:x:1:1::/h:/bin/sh\r'),
  );
  const file = fc.tuple(fc.array(line, { maxLength: 10 }), fc.boolean()).map(([ls, nl]) => ls.join('\n') + (nl ? '\n' : ''));
  const asked = fc.array(fc.oneof(fc.tuple(fc.constant('name'), name), fc.tuple(fc.constant('uid'), fc.constantFrom(0, 7, 1002, 10020, 9007199254740992))), { maxLength: 6 });
  fc.assert(
    fc.property(file, asked, (text, looks) => {
      const sysroot = { read: () => Buffer.from(text, 'utf8') } as unknown as ConstructorParameters<typeof LoadedSystemUsers>[0];
      const { entries } = parsePasswd(text, '/etc/passwd');
      const lazy = new LoadedSystemUsers(sysroot);
      for (const [kind, v] of looks) {
        const want = entries.find((e) => (kind === 'name' ? e.name === v : e.uid === v)) ?? null;
        assert.deepEqual(kind === 'name' ? lazy.byName(v as string) : lazy.byUid(v as number), want, `${kind} ${JSON.stringify(v)} in ${JSON.stringify(text)}`);
      }
      // After the whole parse, look-ups return the parsed objects themselves (lint compares them by identity).
      const all = lazy.passwd();
      for (const e of all) assert.equal(lazy.byName(e.name) === e || all.find((x) => x.name === e.name) !== e, true);
    }),
    { numRuns: 2000, seed: 11 },
  );
});
