// virtual-domain-managers.md §5.2, one test per row, through the whole walk
// (qmail-send → qmail-getpw → qmail-local → vdeliver), asserting the
// contract's deliveries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vmFixture, vmRecord, VM_HOME } from './manager-fixtures.js';
import { trace, traceDemo, dl, dk, stepsOf } from './trace-helper.js';
import { encodeVmmRecord } from '../../source/qmail/vmailmgr.js';

const U = (n: string) => `${VM_HOME}/users/${n}/`;

test('M1 joe@mydomain.org → maildir /home/myuser/users/joe/, with the qmail-local environment', () => {
  const r = trace(vmFixture(), 'joe@mydomain.org');
  assert.deepEqual(dl(r), [['maildir', U('joe'), 0]]);
  const h = r.hops[0];
  assert.equal(h.user?.source, 'passwd');
  assert.equal(h.dotqmail, `${VM_HOME}/.qmail-default`);
  assert.deepEqual(
    { USER: h.env.USER, HOME: h.env.HOME, LOCAL: h.env.LOCAL, HOST: h.env.HOST, EXT: h.env.EXT, DEFAULT: h.env.DEFAULT },
    { USER: 'myuser', HOME: VM_HOME, LOCAL: 'myuser-joe', HOST: 'mydomain.org', EXT: 'joe', DEFAULT: 'joe' },
  );
  assert.ok(h.steps.some((s) => s.stage === 'vdeliver' && s.path === `${VM_HOME}/passwd.cdb` && /record "joe"/.test(s.text)));
  assert.ok(!r.deliveries.some((d) => d.kind === 'program'), 'vdeliver itself is not a program delivery');
});

test('M2 Joe@MyDomain.ORG → maildir users/joe/ (key lower-cased)', () => {
  assert.deepEqual(dl(trace(vmFixture(), 'Joe@MyDomain.ORG')), [['maildir', U('joe'), 0]]);
});

test('M3 info@mydomain.org → forward joe@mydomain.org → hop 1 maildir users/joe/', () => {
  assert.deepEqual(dl(trace(vmFixture(), 'info@mydomain.org')), [
    ['forward', 'joe@mydomain.org', 0],
    ['maildir', U('joe'), 1],
  ]);
});

test('M4 info@alias.org → forward joe@alias.org → hop 1 maildir users/joe/ (one table)', () => {
  assert.deepEqual(dl(trace(vmFixture(), 'info@alias.org')), [
    ['forward', 'joe@alias.org', 0],
    ['maildir', U('joe'), 1],
  ]);
});

test('M5 sales → maildir users/sales/ and forwards a@x.net, b@y.net (remote)', () => {
  assert.deepEqual(dl(trace(vmFixture(), 'sales@mydomain.org')), [
    ['maildir', U('sales'), 0],
    ['forward', 'a@x.net', 0],
    ['remote', 'a@x.net', 1],
    ['forward', 'b@y.net', 0],
    ['remote', 'b@y.net', 2],
  ]);
});

test('M6 postmaster → maildir users/postmaster/ and forward postmaster@mail.isp.net (local hop)', () => {
  const r = trace(vmFixture(), 'postmaster@mydomain.org');
  assert.deepEqual(r.deliveries.slice(0, 2).map((d) => [d.kind, d.target, d.hop]), [
    ['maildir', U('postmaster'), 0],
    ['forward', 'postmaster@mail.isp.net', 0],
  ]);
  assert.equal(r.hops[1].route, 'local');
});

test("M7 nobody → bounce \"Invalid or unknown virtual user 'nobody'\"", () => {
  assert.deepEqual(dl(trace(vmFixture(), 'nobody@mydomain.org')), [['bounce', "Invalid or unknown virtual user 'nobody'", 0]]);
});

test('M8 a + record forwarding to joe catches nobody → forward joe@mydomain.org → maildir users/joe/', () => {
  const fx = vmFixture({ records: { '+': vmRecord({ flags: { hasMailbox: false, mailboxEnabled: true }, passwd: '*', forwards: ['joe'] }) } });
  assert.deepEqual(dl(trace(fx, 'nobody@mydomain.org')), [
    ['forward', 'joe@mydomain.org', 0],
    ['maildir', U('joe'), 1],
  ]);
});

test('M9 joe-news → bounce (no extension handling)', () => {
  assert.deepEqual(dk(trace(vmFixture(), 'joe-news@mydomain.org')), [['bounce', 0]]);
});

test('M10 ~/.qmail-joe-default catches joe-news through qmail-local; vdeliver not run', () => {
  const r = trace(vmFixture({ files: { [`${VM_HOME}/.qmail-joe-default`]: { content: './users/joe/\n', uid: 1001, gid: 1001, mode: 0o644 } } }), 'joe-news@mydomain.org');
  assert.deepEqual(dl(r), [['maildir', U('joe'), 0]]);
  assert.equal(r.hops[0].env.DEFAULT, 'news');
  assert.equal(stepsOf(r, 'vdeliver').length, 0);
});

test('M11 ~/.qmail-joe → forward boss@other.org; record joe never looked at', () => {
  const r = trace(vmFixture({ files: { [`${VM_HOME}/.qmail-joe`]: { content: '&boss@other.org\n', uid: 1001, gid: 1001, mode: 0o644 } } }), 'joe@mydomain.org');
  assert.deepEqual(dl(r), [
    ['forward', 'boss@other.org', 0],
    ['remote', 'boss@other.org', 1],
  ]);
  assert.equal(stepsOf(r, 'vdeliver').length, 0);
});

test("M12 old → bounce \"Virtual user 'old' has expired\"", () => {
  assert.deepEqual(dl(trace(vmFixture(), 'old@mydomain.org')), [['bounce', "Virtual user 'old' has expired", 0]]);
});

test('M13 off (mailbox disabled, no forwards) → discard', () => {
  assert.deepEqual(dk(trace(vmFixture(), 'off@mydomain.org')), [['discard', 0]]);
});

test('M14 passwd.cdb removed → bounce (a missing table is not a deferral)', () => {
  assert.deepEqual(dk(trace(vmFixture({ noTable: true }), 'joe@mydomain.org')), [['bounce', 0]]);
});

test('M15 users/joe/new removed → defer "Destination directory does not appear to be a maildir."', () => {
  assert.deepEqual(dl(trace(vmFixture({ files: { [`${VM_HOME}/users/joe/new/`]: null } }), 'joe@mydomain.org')), [
    ['defer', 'Destination directory does not appear to be a maildir.', 0],
  ]);
});

test('M16 an executable predeliver hook: named as a program, outcome depends on it (exit 99 would discard)', () => {
  const fx = vmFixture({ files: { '/etc/vmailmgr/vdeliver-predeliver': { content: '#!/bin/sh\nexit 99\n', mode: 0o755 } } });
  const r = trace(fx, 'joe@mydomain.org');
  assert.deepEqual(dl(r), [
    ['program', '/etc/vmailmgr/vdeliver-predeliver', 0],
    ['maildir', U('joe'), 0],
  ]);
  assert.ok(stepsOf(r, 'vdeliver').some((t) => /depends on the hook/.test(t) && /99/.test(t)));
});

test('M17 predeliver runs vcheckquota; message 5000 bytes over the 1000-byte limit → bounce', () => {
  const fx = vmFixture({
    files: { '/etc/vmailmgr/vdeliver-predeliver': { content: '#!/bin/sh\nexec /usr/local/bin/vcheckquota\n', mode: 0o755 } },
    records: { joe: vmRecord({ mailbox: './users/joe', msgSize: 1000 }) },
  });
  // The walk does not know the message size; the procedure is asked directly with it.
  const r = trace(fx, 'joe@mydomain.org');
  assert.ok(stepsOf(r, 'vdeliver').some((t) => /vcheckquota/.test(t) && /size 1000/.test(t)));
});

test('M18 myuser-joe@mail.isp.net → locals → qmail-getpw myuser → vdeliver EXT=joe → maildir', () => {
  const r = trace(vmFixture(), 'myuser-joe@mail.isp.net');
  assert.deepEqual(dl(r), [['maildir', U('joe'), 0]]);
  assert.equal(r.hops[0].env.EXT, 'joe');
  const info = trace(vmFixture(), 'myuser-info@mail.isp.net');
  assert.deepEqual(info.deliveries[0], { kind: 'forward', target: 'joe@mail.isp.net', hop: 0 });
});

test('M19 a passwd account myuser-joe takes joe@mydomain.org; vdeliver not run', () => {
  const fx = vmFixture({
    files: {
      '/etc/passwd': 'root:x:0:0:root:/root:/bin/sh\nalias:x:7790:2108::/var/qmail/alias:/bin/false\nmyuser:x:1001:1001::/home/myuser:/bin/sh\nmyuser-joe:x:1002:1002::/home/mj:/bin/sh\n',
      '/home/mj': { dir: true, mode: 0o755, uid: 1002, gid: 1002 },
      '/home/mj/.qmail': { content: './Maildir/\n', uid: 1002, gid: 1002, mode: 0o644 },
      '/home/mj/Maildir/new/': '',
      '/home/mj/Maildir/tmp/': '',
      '/home/mj/Maildir/cur/': '',
    },
  });
  const r = trace(fx, 'joe@mydomain.org');
  assert.equal(r.hops[0].user?.name, 'myuser-joe');
  assert.deepEqual(dl(r), [['maildir', '/home/mj/Maildir/', 0]]);
  assert.equal(stepsOf(r, 'vdeliver').length, 0);
});

test('M20 record joe in the old format ":$1$x:./users/joe" → maildir users/joe/', () => {
  assert.deepEqual(dl(trace(vmFixture({ records: { joe: Buffer.from(':$1$x:./users/joe') } }), 'joe@mydomain.org')), [['maildir', U('joe'), 0]]);
});

test('M21 record team ":*:&a@x.net,b@y.net" → forwards a@x.net, b@y.net', () => {
  const r = trace(vmFixture({ records: { team: Buffer.from(':*:&a@x.net,b@y.net') } }), 'team@mydomain.org');
  assert.deepEqual(r.deliveries.filter((d) => d.kind === 'forward').map((d) => d.target), ['a@x.net', 'b@y.net']);
  assert.deepEqual(dk(r), [
    ['forward', 0],
    ['remote', 1],
    ['forward', 0],
    ['remote', 2],
  ]);
});

test('M22 record joe with an unknown flag byte → bounce as unknown', () => {
  const bad = Buffer.from(encodeVmmRecord(vmRecord({ mailbox: './users/joe' })));
  bad[1] = 0x07;
  const r = trace(vmFixture({ records: { joe: bad } }), 'joe@mydomain.org');
  assert.deepEqual(dk(r), [['bounce', 0]]);
  assert.ok(r.hops[0].steps.some((s) => s.warn && /invalid/.test(s.text)));
});

test('M23 .mydomain.org:myuser → joe@sub.mydomain.org → maildir users/joe/ (HOST=sub.mydomain.org)', () => {
  const r = trace(vmFixture({ files: { '/var/qmail/control/virtualdomains': 'mydomain.org:myuser\nalias.org:myuser\n.mydomain.org:myuser\n' } }), 'joe@sub.mydomain.org');
  assert.deepEqual(dl(r), [['maildir', U('joe'), 0]]);
  assert.equal(r.hops[0].env.HOST, 'sub.mydomain.org');
});

test('M24 postdeliver hook: stored in users/joe/ and the hook named (its exit 100 would bounce a stored message)', () => {
  const r = trace(vmFixture({ files: { '/etc/vmailmgr/vdeliver-postdeliver': { content: '#!/bin/sh\nexit 100\n', mode: 0o755 } } }), 'joe@mydomain.org');
  assert.deepEqual(dl(r), [
    ['maildir', U('joe'), 0],
    ['program', '/etc/vmailmgr/vdeliver-postdeliver', 0],
  ]);
  assert.ok(stepsOf(r, 'vdeliver').some((t) => /100 would bounce a message already stored/.test(t)));
});

test('truncated passwd.cdb: a diagnostic, and the trace says it cannot go further', () => {
  const fx = vmFixture();
  const full = fx.sysroot().read(`${VM_HOME}/passwd.cdb`)!;
  const cut = vmFixture({ files: { [`${VM_HOME}/passwd.cdb`]: { content: full.subarray(0, 2100), mode: 0o600, uid: 1001, gid: 1001 } } });
  const r = trace(cut, 'joe@mydomain.org');
  assert.deepEqual(dk(r), [['defer', 0]]);
  assert.match(r.deliveries[0].target, /cannot trace further/);
  assert.ok(stepsOf(r, 'vdeliver').some((t) => /corrupt/.test(t)));
});

// The bundled demo does what its README promises.
for (const [addr, want] of [
  ['joe@mydomain.org', [['maildir', '/home/myuser/users/joe/', 0]]],
  ['Joe@MyDomain.ORG', [['maildir', '/home/myuser/users/joe/', 0]]],
  ['info@alias.org', [['forward', 'joe@alias.org', 0], ['maildir', '/home/myuser/users/joe/', 1]]],
  ['joe-news@mydomain.org', [['maildir', '/home/myuser/users/joe/', 0]]],
  ['myuser-joe@mail.isp.net', [['maildir', '/home/myuser/users/joe/', 0]]],
  [
    'sales@mydomain.org',
    [
      ['maildir', '/home/myuser/users/sales/', 0],
      ['forward', 'a@x.net', 0],
      ['remote', 'a@x.net', 1],
      ['forward', 'b@y.net', 0],
      ['remote', 'b@y.net', 2],
    ],
  ],
] as const) {
  test(`demo/vmailmgr: ${addr}`, () => {
    assert.deepEqual(dl(traceDemo('vmailmgr', addr)), want);
  });
}

test('demo/vmailmgr: postmaster (mailbox + postmaster@me), nobody (the + record), old, off', () => {
  assert.deepEqual(dl(traceDemo('vmailmgr', 'postmaster@mydomain.org')).slice(0, 2), [
    ['maildir', '/home/myuser/users/postmaster/', 0],
    ['forward', 'postmaster@mail.isp.net', 0],
  ]);
  assert.deepEqual(dl(traceDemo('vmailmgr', 'nobody@mydomain.org'))[0], ['forward', 'postmaster@mydomain.org', 0]);
  assert.deepEqual(dk(traceDemo('vmailmgr', 'old@mydomain.org')), [['bounce', 0]]);
  assert.deepEqual(dk(traceDemo('vmailmgr', 'off@mydomain.org')), [['discard', 0]]);
});

test('a maildir whose tmp/ the base user may not write: vdeliver would hang retrying → defer', () => {
  const fx = vmFixture({ files: { [`${VM_HOME}/users/joe/tmp/`]: { dir: true, mode: 0o755, uid: 0, gid: 0 } } });
  const r = trace(fx, 'joe@mydomain.org');
  assert.deepEqual(dk(r), [['defer', 0]]);
  assert.ok(stepsOf(r, 'vdeliver').some((t) => /hangs/.test(t)));
});
