// contract.md "Owners not in .fsmeta": the user whose home it is is the user
// /etc/passwd or users/assign (an `=` or `+` entry) gives that home; when
// both name one home for different users, users/assign's wins — as
// qmail-lspawn.c nughde_get() looks the address up in users/cdb (compiled
// from users/assign by qmail-newu) before it runs qmail-getpw. The walk says
// which rule gave an owner that .fsmeta did not list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { traceB, traceIn, baseline, outcomes, withAssign, PASSWD } from './baseline.js';
import { makeFixture } from '../helpers/fixture.js';
import { ownerAssumed } from '../../source/sysroot/sysroot.js';
import type { TraceResult } from '../../source/trace/types.js';

const steps = (r: TraceResult) => r.hops.flatMap((h) => h.steps).map((s) => s.text);
/** A maildir with no .fsmeta lines at all: every owner is a default. */
const bareMaildir = (d: string) => ({ [`${d}/tmp/.keep`]: '', [`${d}/new/.keep`]: '', [`${d}/cur/.keep`]: '' });

test('sysroot: a home only users/assign names (an = entry) belongs to its uid and gid, and says which line gave it', () => {
  const fx = makeFixture({
    '/etc/passwd': PASSWD,
    '/var/qmail/control/me': 'mail.example.com\n',
    ...withAssign('=vm:vmail:7791:7792:/home/vmail:::\n.\n'),
    ...bareMaildir('/home/vmail/Maildir'),
  });
  const s = fx.sysroot();
  const m = s.stat('/home/vmail/Maildir/tmp')!;
  assert.deepEqual([m.uid, m.gid, m.mode, m.metaSource], [7791, 7792, 0o755, 'default']);
  assert.deepEqual(m.ownerRule, { by: 'assign', home: '/home/vmail', user: 'vmail', path: '/var/qmail/users/assign', line: 1 });
  assert.equal(ownerAssumed(m), "not in .fsmeta, so assumed: /home/vmail is vmail's home per /var/qmail/users/assign line 1");
  // Outside every home: root's, said as such.
  const ctl = s.stat('/var/qmail/control/me')!;
  assert.deepEqual([ctl.uid, ctl.gid, ctl.ownerRule?.by], [0, 0, 'none']);
  assert.equal(ownerAssumed(ctl), "not in .fsmeta, so assumed: under no home that /etc/passwd or users/assign names, so root's");
  // A passwd home: the passwd line.
  const joe = makeFixture({ '/etc/passwd': PASSWD, '/home/joe/.qmail': 'x\n' }).sysroot().stat('/home/joe/.qmail')!;
  assert.deepEqual([joe.uid, joe.ownerRule], [1001, { by: 'passwd', home: '/home/joe', user: 'joe', path: '/etc/passwd', line: 2 }]);
});

test('sysroot: a + (wildcard) entry names a home too; a listed owner (.fsmeta) is never a default', () => {
  const fx = makeFixture({
    '/etc/passwd': PASSWD,
    '/var/qmail/control/me': 'x\n',
    ...withAssign('+list-:lists:7793:7793:/var/lists:-::\n.\n'),
    '/var/lists/.qmail-default': './Maildir/\n',
    '/var/lists/Maildir/': { dir: true, mode: 0o700, uid: 1002, gid: 100 },
  });
  const s = fx.sysroot();
  const f = s.stat('/var/lists/.qmail-default')!;
  assert.deepEqual([f.uid, f.gid, f.ownerRule?.by, f.ownerRule?.line], [7793, 7793, 'assign', 1]);
  const listed = s.stat('/var/lists/Maildir')!;
  assert.deepEqual([listed.uid, listed.metaSource, ownerAssumed(listed)], [1002, 'fsmeta', '']);
});

test('sysroot: one home in passwd and users/assign for different users: users/assign wins, and the walk says over which passwd line', () => {
  const fx = makeFixture({
    '/etc/passwd': PASSWD + 'shared:x:1004:100::/home/shared:/bin/sh\n',
    '/var/qmail/control/me': 'x\n',
    ...withAssign('=sh:carol:1003:101:/home/shared:::\n.\n'),
    '/home/shared/.qmail': './Maildir/\n',
  });
  const m = fx.sysroot().stat('/home/shared/.qmail')!;
  assert.deepEqual([m.uid, m.gid], [1003, 101]);
  assert.deepEqual(m.ownerRule?.over, { user: 'shared', uid: 1004, line: 5 });
  assert.match(ownerAssumed(m), /\/home\/shared is carol's home per \/var\/qmail\/users\/assign line 1 \(users\/assign wins over \/etc\/passwd line 5, which gives it to shared, uid 1004\)/);
});

test('sysroot: the longest home wins, whichever file names it; the first installation to name a home wins; --instance homes count', () => {
  const fx = makeFixture({
    '/etc/passwd': PASSWD + 'vpopmail:x:89:89::/home/vpopmail:/bin/false\n',
    '/var/qmail/control/me': 'x\n',
    '/var/qmail2/control/me': 'x\n',
    '/opt/q/control/me': 'x\n',
    ...withAssign('=d:dom:7801:7801:/home/vpopmail/domains/d.example:::\n.\n'),
    '/var/qmail2/users/assign': '=d:other:7802:7802:/home/vpopmail/domains/d.example:::\n=e:e2:7803:7803:/srv/e:::\n.\n',
    '/opt/q/users/assign': '=o:opt:7804:7804:/srv/o:::\n.\n',
    '/home/vpopmail/domains/d.example/u/Maildir/new/.keep': '',
    '/home/vpopmail/bin/.keep': '',
    '/srv/e/.keep': '',
    '/srv/o/.keep': '',
  });
  const s = fx.sysroot();
  assert.equal(s.stat('/home/vpopmail/domains/d.example/u/Maildir/new')!.uid, 7801, 'the assign home inside the passwd home, and /var/qmail before /var/qmail2');
  assert.equal(s.stat('/home/vpopmail/bin')!.uid, 89);
  assert.equal(s.stat('/srv/e')!.uid, 7803, "/var/qmail2's own homes count");
  assert.equal(s.stat('/srv/o')!.uid, 0, 'not an installation /var/qmail* discovery finds');
  const named = fx.sysroot({ instances: ['/opt/q'] });
  assert.equal(named.stat('/srv/o')!.uid, 7804, 'named with --instance');
  assert.equal(named.reopen().stat('/srv/o')!.uid, 7804, 'reopen() keeps the installations');
});

test('walk: a users/assign user whose home and maildir .fsmeta does not list delivers (before: taken as root\'s, so it deferred), and says why the owner is assumed', () => {
  const r = traceB('vm', {
    ...withAssign('=vm:vmail:7791:7792:/home/vmail:::\n.\n'),
    '/home/vmail/.qmail': './Maildir/\n',
    ...bareMaildir('/home/vmail/Maildir'),
  });
  assert.deepEqual(outcomes(r), ['maildir /home/vmail/Maildir/']);
  const home = steps(r).find((t) => /^runs as vmail/.test(t));
  assert.match(home ?? '', /its owner uid 7791 is not in \.fsmeta, so assumed: \/home\/vmail is vmail's home per \/var\/qmail\/users\/assign line 1/);
});

test('walk: a passwd user\'s home that users/assign gives to another uid is passed over by qmail-getpw, and the note says which rule', () => {
  // joe's passwd home is given to uid 1003 by a users/assign line: qmail-getpw (uid check) skips joe.
  const fx = baseline({
    '/home/joe/': null,
    '/home/joe/.keep': '',
    ...withAssign('=other:carol:1003:100:/home/joe:::\n.\n'),
    '/var/qmail/alias/.qmail-default': './Mailbox\n',
  });
  const r = traceIn(fx, 'joe@example.com');
  const t = steps(r).join('\n');
  assert.match(t, /"joe": home \/home\/joe belongs to uid 1003 \(not in \.fsmeta, so assumed: \/home\/joe is carol's home per \/var\/qmail\/users\/assign line 1 \(users\/assign wins over \/etc\/passwd line 2, which gives it to joe, uid 1001\)\), not 1001, skipped/);
});

test('walk: a maildir under no home is root\'s by default, and the defer says so', () => {
  const r = traceB('joe-m', { '/home/joe/.qmail-m': '/var/spool/mx/joe/\n', ...bareMaildir('/var/spool/mx/joe') });
  assert.deepEqual(outcomes(r), ['defer Temporary error on maildir delivery. (#4.3.0)']);
  assert.match(steps(r).join('\n'), /may not write \/var\/spool\/mx\/joe\/tmp\/ \(owner 0 — not in \.fsmeta, so assumed: under no home that \/etc\/passwd or users\/assign names, so root's —, mode 0755\)/);
});
