// virtual-domain-managers.md §5.1, one test per row, through the whole walk
// (qmail-send → lspawn → qmail-local → vdelivermail), asserting the
// contract's deliveries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vpFixture, D, VP_VPASSWD } from './manager-fixtures.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { trace, traceDemo, demoDir, dl, dk, stepsOf } from './trace-helper.js';
import type { FixtureEntry } from '../helpers/fixture.js';
import { compileUsersCdb } from '../../source/qmail/assign.js';
import { makeVpasswdCdb } from '../../source/qmail/vpopmail.js';

const own = (content: string): FixtureEntry => ({ content, mode: 0o600, uid: 89, gid: 89 });
const catchAll = (arg: string) => ({ [`${D}/.qmail-default`]: own(`| /home/vpopmail/bin/vdelivermail '' ${arg}\n`) });
const CONFIG = '/home/vpopmail/include/vpopmail_config.h';
const header = (...defs: string[]) => ({ [CONFIG]: `/* config.h */\n#define USE_CDB 1\n#define USERS_BIG_DIR 1\n${defs.map((d) => `#define ${d} 1\n`).join('')}#define PACKAGE_VERSION "5.4.33"\n` });
const M = (p: string) => `${D}/${p}/Maildir/`;

test('V1 joe@example.com → maildir D/joe/Maildir/, with the qmail-local environment', () => {
  const r = trace(vpFixture(), 'joe@example.com');
  assert.deepEqual(dl(r), [['maildir', M('joe'), 0]]);
  const h = r.hops[0];
  assert.equal(h.dotqmail, `${D}/.qmail-default`);
  assert.equal(h.user?.source, 'assign');
  assert.deepEqual(
    { USER: h.env.USER, HOME: h.env.HOME, LOCAL: h.env.LOCAL, EXT: h.env.EXT, DEFAULT: h.env.DEFAULT },
    { USER: 'example.com', HOME: D, LOCAL: 'example.com-joe', EXT: 'joe', DEFAULT: 'joe' },
  );
  const vdm = h.steps.filter((s) => s.stage === 'vdelivermail');
  assert.ok(vdm.some((s) => s.path === `${D}/vpasswd.cdb` && /record "joe"/.test(s.text)), 'the cdb record is the evidence');
  assert.ok(vdm.some((s) => /vpopmail 5\.4 defaults assumed/.test(s.text)), 'says the defaults were assumed');
  assert.ok(!r.deliveries.some((d) => d.kind === 'program'), 'vdelivermail itself is not a program delivery');
});

test('V2 JOE@Example.COM → maildir D/joe/Maildir/ (EXT=JOE before vdelivermail lower-cases it)', () => {
  const r = trace(vpFixture(), 'JOE@Example.COM');
  assert.deepEqual(dl(r), [['maildir', M('joe'), 0]]);
  assert.equal(r.hops[0].env.EXT, 'JOE');
});

test('V3 joe@alias.example → maildir D/joe/Maildir/; HOST=alias.example, USER=example.com', () => {
  const r = trace(vpFixture(), 'joe@alias.example');
  assert.deepEqual(dl(r), [['maildir', M('joe'), 0]]);
  assert.equal(r.hops[0].env.HOST, 'alias.example');
  assert.equal(r.hops[0].env.USER, 'example.com');
  assert.ok(stepsOf(r, 'vdelivermail').some((t) => /alias domain/.test(t)));
});

test('V4 nobody@example.com → bounce "Sorry, no mailbox here by that name. (#5.1.1)"', () => {
  assert.deepEqual(dl(trace(vpFixture(), 'nobody@example.com')), [['bounce', 'Sorry, no mailbox here by that name. (#5.1.1)', 0]]);
});

test('V5 D/.no-user.msg gives the bounce text', () => {
  const r = trace(vpFixture({ files: { [`${D}/.no-user.msg`]: own('No such user here.\n') } }), 'nobody@example.com');
  assert.deepEqual(dl(r), [['bounce', 'No such user here.', 0]]);
});

test('V6 catch-all delete → discard', () => {
  assert.deepEqual(dk(trace(vpFixture({ files: catchAll('delete') }), 'nobody@example.com')), [['discard', 0]]);
});

test('V7 catch-all postmaster@example.com → forward, hop 1 maildir D/postmaster/Maildir/', () => {
  const r = trace(vpFixture({ files: catchAll('postmaster@example.com') }), 'nobody@example.com');
  assert.deepEqual(dl(r), [
    ['forward', 'postmaster@example.com', 0],
    ['maildir', M('postmaster'), 1],
  ]);
});

test('V8 catch-all path D/postmaster → maildir D/postmaster/Maildir/', () => {
  assert.deepEqual(dl(trace(vpFixture({ files: catchAll(`${D}/postmaster`) }), 'nobody@example.com')), [['maildir', M('postmaster'), 0]]);
});

test("V9 the catch-all directory's .qmail wins: forward boss@other.org (remote)", () => {
  const r = trace(vpFixture({ files: { ...catchAll(`${D}/postmaster`), [`${D}/postmaster/.qmail`]: own('&boss@other.org\n') } }), 'nobody@example.com');
  assert.deepEqual(dl(r), [
    ['forward', 'boss@other.org', 0],
    ['remote', 'boss@other.org', 1],
  ]);
});

test('V10 catch-all path ending in Maildir/ → defer (.../Maildir/Maildir/)', () => {
  const r = trace(vpFixture({ files: catchAll(`${D}/postmaster/Maildir/`) }), 'nobody@example.com');
  assert.deepEqual(dk(r), [['defer', 0]]);
});

test('V11 catch-all $EXT@newdomain.net → forward Nobody@newdomain.net (case kept) → remote', () => {
  const r = trace(vpFixture({ files: catchAll('$EXT@newdomain.net') }), 'Nobody@example.com');
  assert.deepEqual(dl(r), [
    ['forward', 'Nobody@newdomain.net', 0],
    ['remote', 'Nobody@newdomain.net', 1],
  ]);
});

test('V12 catch-all "Delete" → forward to Delete, qualified by qmail-inject', () => {
  const r = trace(vpFixture({ files: catchAll('Delete') }), 'nobody@example.com');
  assert.deepEqual(r.deliveries[0], { kind: 'forward', target: 'Delete@mail.isp.net', hop: 0 });
});

test('V13 vdelivermail with one argument → defer (invalid syntax)', () => {
  const r = trace(vpFixture({ files: { [`${D}/.qmail-default`]: own('| /home/vpopmail/bin/vdelivermail bounce-no-mailbox\n') } }), 'joe@example.com');
  assert.deepEqual(dl(r), [['defer', 'vdelivermail: invalid syntax in .qmail-default file', 0]]);
});

test('V14 locked@example.com (gid 16) → bounce "account is locked"', () => {
  const r = trace(vpFixture(), 'locked@example.com');
  assert.deepEqual(dk(r), [['bounce', 0]]);
  assert.match(r.deliveries[0].target, /account is locked/);
});

test('V15 nopop@example.com → maildir (NO_POP does not touch delivery)', () => {
  assert.deepEqual(dl(trace(vpFixture(), 'nopop@example.com')), [['maildir', M('nopop'), 0]]);
});

test('V16 alice@example.com → maildir D/0/alice/Maildir/ (path from vpasswd)', () => {
  assert.deepEqual(dl(trace(vpFixture(), 'alice@example.com')), [['maildir', M('0/alice'), 0]]);
});

test('V17 fwd@example.com → forward bob@other.org only', () => {
  assert.deepEqual(dl(trace(vpFixture(), 'fwd@example.com')), [
    ['forward', 'bob@other.org', 0],
    ['remote', 'bob@other.org', 1],
  ]);
});

const fwdQmail = (content: string) => ({ [`${D}/fwd/.qmail`]: own(content) });

test('V18 user .qmail with a Maildir line and a forward → both', () => {
  const r = trace(vpFixture({ files: fwdQmail(`${D}/fwd/Maildir/\n&bob@other.org\n`) }), 'fwd@example.com');
  assert.deepEqual(dl(r), [
    ['maildir', M('fwd'), 0],
    ['forward', 'bob@other.org', 0],
    ['remote', 'bob@other.org', 1],
  ]);
});

test('V19 user .qmail "# delete" → discard', () => {
  assert.deepEqual(dk(trace(vpFixture({ files: fwdQmail('# delete\n') }), 'fwd@example.com')), [['discard', 0]]);
});

test('V20 user .qmail ./Maildir/ → maildir relative to the user directory', () => {
  assert.deepEqual(dl(trace(vpFixture({ files: fwdQmail('./Maildir/\n') }), 'fwd@example.com')), [['maildir', M('fwd'), 0]]);
});

test('V21 user .qmail "Maildir/" → a forward (qualified by qmail-inject)', () => {
  const r = trace(vpFixture({ files: fwdQmail('Maildir/\n') }), 'fwd@example.com');
  assert.deepEqual(r.deliveries[0], { kind: 'forward', target: 'Maildir/@mail.isp.net', hop: 0 });
});

for (const [label, line] of [
  ['no final /', `${D}/fwd/Maildir`],
  ['a trailing space', `${D}/fwd/Maildir/ `],
  ['a CR', `${D}/fwd/Maildir/\r`],
] as const) {
  test(`V22 user .qmail Maildir path with ${label} → defer "can't handle mbox delivery"`, () => {
    const r = trace(vpFixture({ files: fwdQmail(`${line}\n`) }), 'fwd@example.com');
    assert.deepEqual(dk(r), [['defer', 0]]);
    assert.match(r.deliveries[0].target, /mbox/);
  });
}

test('V23 info@example.com: qmail-local uses D/.qmail-info (vdelivermail not run) → forward joe → maildir', () => {
  const r = trace(vpFixture(), 'info@example.com');
  assert.equal(r.hops[0].dotqmail, `${D}/.qmail-info`);
  assert.ok(!r.hops[0].steps.some((s) => s.stage === 'vdelivermail'), 'vdelivermail is not run for info');
  assert.deepEqual(dl(r), [
    ['forward', 'joe@example.com', 0],
    ['maildir', M('joe'), 1],
  ]);
});

test('V24 D/.qmail-joe shadows the vpasswd user → forward boss@other.org', () => {
  const r = trace(vpFixture({ files: { [`${D}/.qmail-joe`]: own('&boss@other.org\n') } }), 'joe@example.com');
  assert.equal(r.hops[0].dotqmail, `${D}/.qmail-joe`);
  assert.deepEqual(dl(r), [
    ['forward', 'boss@other.org', 0],
    ['remote', 'boss@other.org', 1],
  ]);
});

test('V25 joe-news@example.com without qmail-ext → bounce', () => {
  assert.deepEqual(dk(trace(vpFixture(), 'joe-news@example.com')), [['bounce', 0]]);
});

test('V26 D/.qmail-joe-default catches joe-news through qmail-local (DEFAULT=news)', () => {
  const r = trace(vpFixture({ files: { [`${D}/.qmail-joe-default`]: own(`${D}/joe/Maildir/\n`) } }), 'joe-news@example.com');
  assert.deepEqual(dl(r), [['maildir', M('joe'), 0]]);
  assert.equal(r.hops[0].env.DEFAULT, 'news');
});

test('V27 qmail-ext build (from vpopmail_config.h): joe-news → user joe', () => {
  const r = trace(vpFixture({ files: header('QMAIL_EXT') }), 'joe-news@example.com');
  assert.deepEqual(dl(r), [['maildir', M('joe'), 0]]);
  assert.ok(r.hops[0].steps.some((s) => s.stage === 'vdelivermail' && s.path === CONFIG && /qmail-ext/.test(s.text)));
});

test('V28 qmail-ext: a-b exists, a does not → a-b-c bounces (only "a" is tried)', () => {
  const fx = vpFixture({ vpasswd: VP_VPASSWD + `a-b:$1$h:1:0:AB:${D}/a-b:NOQUOTA\n`, files: { ...header('QMAIL_EXT'), [`${D}/a-b/Maildir/new/`]: '', [`${D}/a-b/Maildir/tmp/`]: '' } });
  assert.deepEqual(dk(trace(fx, 'a-b-c@example.com')), [['bounce', 0]]);
});

test('V29 qmail-ext: D/joe/.qmail-news → forward news@other.org', () => {
  const fx = vpFixture({ files: { ...header('QMAIL_EXT'), [`${D}/joe/.qmail-news`]: own('&news@other.org\n') } });
  assert.deepEqual(dl(trace(fx, 'joe-news@example.com')), [
    ['forward', 'news@other.org', 0],
    ['remote', 'news@other.org', 1],
  ]);
});

test('V30 a%b@example.com → bounce "invalid username", even with a delete catch-all', () => {
  assert.deepEqual(dl(trace(vpFixture(), 'a%b@example.com')), [['bounce', 'invalid username', 0]]);
  assert.deepEqual(dl(trace(vpFixture({ files: catchAll('delete') }), 'a%b@example.com')), [['bounce', 'invalid username', 0]]);
});

test('V31 the message already has "Delivered-To: joe@example.com" → bounce "mail is looping"', () => {
  const r = trace(vpFixture(), 'joe@example.com', { headerLines: ['Delivered-To: joe@example.com'] });
  assert.deepEqual(dk(r), [['bounce', 0]]);
  assert.match(r.deliveries[0].target, /looping/);
});

test('V32 joe/.qmail forwards away: hop 0 forward, hop 1 remote; a copy that comes back is caught by vdelivermail', () => {
  const r = trace(vpFixture({ files: { [`${D}/joe/.qmail`]: own('&bob@other.org\n') } }), 'joe@example.com');
  assert.deepEqual(dl(r), [
    ['forward', 'bob@other.org', 0],
    ['remote', 'bob@other.org', 1],
  ]);
  // The way back, walked locally: the forwarded copy carries vdelivermail's "Delivered-To: joe@example.com".
  const back = trace(vpFixture({ files: { [`${D}/joe/.qmail`]: own('&joe@alias.example\n') } }), 'joe@example.com');
  assert.deepEqual(dk(back), [
    ['forward', 0],
    ['loop', 1],
  ]);
});

test('V33 full@example.com over its 1000S quota (maildirsize) → bounce "user is over quota"', () => {
  const r = trace(vpFixture(), 'full@example.com');
  assert.deepEqual(dl(r), [['bounce', 'user is over quota', 0]]);
  assert.ok(stepsOf(r, 'vdelivermail').some((t) => /maildirsize/.test(t)));
});

test('V34 example.com-joe@mail.isp.net: wildcard matches, vget_assign(mail.isp.net) fails → catch-all', () => {
  const r = trace(vpFixture(), 'example.com-joe@mail.isp.net');
  assert.equal(r.hops[0].env.HOST, 'mail.isp.net');
  assert.deepEqual(dk(r), [['bounce', 0]]);
  assert.deepEqual(dk(trace(vpFixture({ files: catchAll('delete') }), 'example.com-joe@mail.isp.net')), [['discard', 0]]);
});

test('V35 hand-made virtualdomains other.org:example.com → user lookup fails for other.org', () => {
  const vd = { '/var/qmail/control/virtualdomains': 'example.com:example.com\nalias.example:alias.example\nother.org:example.com\n' };
  assert.deepEqual(dk(trace(vpFixture({ files: vd }), 'joe@other.org')), [['bounce', 0]]);
  assert.deepEqual(dk(trace(vpFixture({ files: { ...vd, ...catchAll('delete') } }), 'joe@other.org')), [['discard', 0]]);
});

test('V36 newbie added to vpasswd by hand, vmkpasswd not run → bounce (only the cdb is read)', () => {
  const fx = vpFixture({ vpasswd: VP_VPASSWD + `newbie:$1$n:1:0:New:${D}/newbie:NOQUOTA\n`, cdbFrom: VP_VPASSWD });
  const r = trace(fx, 'newbie@example.com');
  assert.deepEqual(dk(r), [['bounce', 0]]);
  assert.ok(r.hops[0].steps.some((s) => s.warn && /vmkpasswd/.test(s.text)));
});

test('V37 joe removed from vpasswd by hand, stale cdb → maildir D/joe/Maildir/', () => {
  const fx = vpFixture({ vpasswd: VP_VPASSWD.split('\n').filter((l) => !l.startsWith('joe:')).join('\n'), cdbFrom: VP_VPASSWD });
  assert.deepEqual(dl(trace(fx, 'joe@example.com')), [['maildir', M('joe'), 0]]);
});

test('V38 vpasswd.cdb deleted → rebuilt from vpasswd → maildir', () => {
  assert.deepEqual(dl(trace(vpFixture({ cdbFrom: null }), 'joe@example.com')), [['maildir', M('joe'), 0]]);
});

test('V39 assign edited but qmail-newu not run → not vpopmail: the alias user bounces; no alias account defers', () => {
  const old = '+alias.example-:example.com:89:89:/home/vpopmail/domains/example.com:-::\n.\n';
  const fx = vpFixture({ files: { '/var/qmail/users/cdb': compileUsersCdb(Buffer.from(old)) } });
  const r = trace(fx, 'joe@example.com');
  assert.equal(r.hops[0].user?.source, 'alias');
  assert.deepEqual(dl(r), [['bounce', 'Sorry, no mailbox here by that name. (#5.1.1)', 0]]);
  assert.ok(!r.hops[0].steps.some((s) => s.stage === 'vdelivermail'));
  const noAlias = vpFixture({ files: { '/var/qmail/users/cdb': compileUsersCdb(Buffer.from(old)), '/etc/passwd': 'root:x:0:0:root:/root:/bin/sh\nvpopmail:x:89:89::/home/vpopmail:/bin/false\n' } });
  assert.deepEqual(dk(trace(noAlias, 'joe@example.com')), [['defer', 0]]);
});

test('V40 DEFAULT_DELIVERY build, defaultdelivery runs dovecot deliver → program', () => {
  const fx = vpFixture({ files: { ...header('DEFAULT_DELIVERY'), '/var/qmail/control/defaultdelivery': '| /usr/libexec/dovecot/deliver -d $EXT@$HOST\n' } });
  assert.deepEqual(dl(trace(fx, 'joe@example.com')), [['program', '/usr/libexec/dovecot/deliver -d $EXT@$HOST', 0]]);
});

test('V41 DEFAULT_DELIVERY build, defaultdelivery holds the vdelivermail line → Maildir', () => {
  const fx = vpFixture({ files: { ...header('DEFAULT_DELIVERY'), '/var/qmail/control/defaultdelivery': "| /home/vpopmail/bin/vdelivermail '' delete\n" } });
  assert.deepEqual(dl(trace(fx, 'joe@example.com')), [['maildir', M('joe'), 0]]);
});

test('V42 D/joe deleted, vpasswd entry kept → maildir (re-created)', () => {
  assert.deepEqual(dl(trace(vpFixture({ files: { [`${D}/joe`]: null } }), 'joe@example.com')), [['maildir', M('joe'), 0]]);
});

test('corrupt vpasswd.cdb: a diagnostic, and the trace says it cannot go further', () => {
  const good = makeVpasswdCdb(VP_VPASSWD);
  const r = trace(vpFixture({ files: { [`${D}/vpasswd.cdb`]: { content: good.subarray(0, good.length - 40), mode: 0o600, uid: 89, gid: 89 } } }), 'joe@example.com');
  assert.deepEqual(dk(r), [['defer', 0]]);
  assert.match(r.deliveries[0].target, /cannot trace further/);
  assert.ok(stepsOf(r, 'vdelivermail').some((t) => /corrupt/.test(t) && /stops here/.test(t)));
});

test('corrupt vpasswd with the cdb missing: the trace stops', () => {
  const r = trace(vpFixture({ cdbFrom: null, vpasswd: 'joe:\0\0\0garbage\n' }), 'joe@example.com');
  assert.deepEqual(dk(r), [['defer', 0]]);
  assert.match(r.deliveries[0].target, /cannot trace further/);
});

test('truncated vpasswd (cdb missing) whose last line is the user: the trace stops', () => {
  const cutText = VP_VPASSWD.replace(/\n$/, '').replace(/:NOQUOTA$/, '').replace(/postmaster:\$1\$f:1:0:Postmaster:.*$/m, 'postmaster:$1$f:1:0:Postm');
  const fx = vpFixture({ cdbFrom: null, vpasswd: cutText.split('\n').filter((l) => !l.startsWith('full:')).join('\n') });
  const r = trace(fx, 'postmaster@example.com');
  assert.deepEqual(dk(r), [['defer', 0]]);
  assert.match(r.deliveries[0].target, /cannot trace further/);
  // Other users of the same file are still traced.
  assert.deepEqual(dl(trace(fx, 'joe@example.com')), [['maildir', M('joe'), 0]]);
});

// The bundled demo does what its README promises.
const DV = '/home/vpopmail/domains';
for (const [addr, want] of [
  ['joe@example.com', [['maildir', `${DV}/example.com/joe/Maildir/`, 0]]],
  ['JOE@Example.COM', [['maildir', `${DV}/example.com/joe/Maildir/`, 0]]],
  ['joe@alias.example', [['maildir', `${DV}/example.com/joe/Maildir/`, 0]]],
  ['alice@example.com', [['maildir', `${DV}/example.com/0/alice/Maildir/`, 0]]],
  ['info@example.com', [['forward', 'joe@example.com', 0], ['maildir', `${DV}/example.com/joe/Maildir/`, 1]]],
  ['joe-news@example.com', [['maildir', `${DV}/example.com/joe/Maildir/`, 0]]],
  ['fwd@example.com', [['forward', 'bob@other.org', 0], ['remote', 'bob@other.org', 1]]],
  ['orders@shop.example', [['program', '/usr/local/bin/order-robot --queue incoming', 0], ['maildir', `${DV}/shop.example/orders/Maildir/`, 0]]],
] as const) {
  test(`demo/vpopmail: ${addr}`, () => {
    assert.deepEqual(dl(traceDemo('vpopmail', addr)), want);
  });
}
for (const [addr, kind] of [
  ['locked@example.com', 'bounce'],
  ['full@example.com', 'bounce'],
  ['nobody@example.com', 'bounce'],
  ['a%b@example.com', 'bounce'],
  ['nobody@example.net', 'discard'],
  ['newbie@example.net', 'discard'],
  ['nobody@shop.example', 'defer'],
] as const) {
  test(`demo/vpopmail: ${addr} → ${kind}`, () => {
    assert.deepEqual(dk(traceDemo('vpopmail', addr)), [[kind, 0]]);
  });
}

test('demo/vpopmail: the build options come from its vpopmail_config.h', () => {
  const r = traceDemo('vpopmail', 'joe@example.com');
  assert.ok(r.hops[0].steps.some((s) => s.stage === 'vdelivermail' && s.path === '/home/vpopmail/include/vpopmail_config.h' && /5\.4\.33/.test(s.text)));
});

test('demo/vpopmail: its binary files are what the compilers make from the text', () => {
  const dir = demoDir('vpopmail');
  const read = (p: string) => fs.readFileSync(path.join(dir, p));
  assert.deepEqual(read('/var/qmail/users/cdb'), compileUsersCdb(read('/var/qmail/users/assign')));
  for (const d of ['example.com', 'shop.example']) {
    assert.deepEqual(read(`${DV}/${d}/vpasswd.cdb`), makeVpasswdCdb(read(`${DV}/${d}/vpasswd`).toString('latin1')));
  }
});

test('a user Maildir whose tmp/ the domain uid may not write → defer', () => {
  const r = trace(vpFixture({ files: { [`${D}/joe/Maildir/tmp/`]: { dir: true, mode: 0o755, uid: 0, gid: 0 } } }), 'joe@example.com');
  assert.deepEqual(dk(r), [['defer', 0]]);
});

test('a vpasswd line edited by hand (cdb not rebuilt): the cdb record is used, and the step says the text differs', () => {
  const fx = vpFixture({ vpasswd: VP_VPASSWD.replace(`${D}/joe:NOQUOTA`, `${D}/joe2:NOQUOTA`), cdbFrom: VP_VPASSWD });
  const r = trace(fx, 'joe@example.com');
  assert.deepEqual(dl(r), [['maildir', M('joe'), 0]]);
  assert.ok(r.hops[0].steps.some((s) => s.warn && s.line === 3 && /differs from the vpasswd\.cdb record/.test(s.text)));
});
