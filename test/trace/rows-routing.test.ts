// qmail-delivery.md §6.2 rows 1–34: qmail-send's routing (locals,
// percenthack, virtualdomains, envnoathost, me) on configuration B.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { traceB, baseline, traceIn, outcomes, kinds, ude, maildir } from './baseline.js';
import { loadInstallation } from '../../source/qmail/installation.js';
import { makeFixture } from '../helpers/fixture.js';

const BOUNCE_511 = 'Sorry, no mailbox here by that name. (#5.1.1)';
const VD = '/var/qmail/control/virtualdomains';
const VD_B = 'virt.example:joe-virt\npostmaster@other.example:pm\nother.example:bob\n.sub.example:sub\nexcl.sub.example:\n';

test('row 1: joe gets @envnoathost, the passwd user and the default mbox', () => {
  const r = traceB('joe');
  assert.equal(r.hops[0].rewritten, 'joe@mail.example.com');
  assert.equal(ude(r), 'joe//(passwd)');
  assert.equal(r.hops[0].dotqmail, null);
  assert.deepEqual(outcomes(r), ['mbox /home/joe/Mailbox']);
  assert.equal(r.hops[0].env.LOCAL, 'joe');
  assert.equal(r.hops[0].env.HOST, 'mail.example.com');
  assert.ok(!('DEFAULT' in r.hops[0].env));
  const search = r.hops[0].steps.find((s) => s.text.startsWith('.qmail search'))!;
  assert.match(search.text, /\.qmail\? no · \.qmaildefault\? no/);
});

test('row 2: letter case kept in LOCAL, HOST and DTLINE', () => {
  const r = traceB('Joe@EXAMPLE.COM');
  assert.equal(r.hops[0].rewritten, 'Joe@EXAMPLE.COM');
  assert.equal(ude(r), 'joe//(passwd)');
  assert.deepEqual(outcomes(r), ['mbox /home/joe/Mailbox']);
  const env = r.hops[0].env;
  assert.equal(env.LOCAL, 'Joe');
  assert.equal(env.HOST, 'EXAMPLE.COM');
  assert.equal(env.DTLINE, 'Delivered-To: Joe@EXAMPLE.COM\n');
  assert.equal(env.RECIPIENT, 'Joe@EXAMPLE.COM');
});

test('row 3: a trailing dot is not removed: remote', () => {
  const r = traceB('joe@example.com.');
  assert.deepEqual(outcomes(r), ['remote joe@example.com.']);
  assert.equal(r.hops[0].route, 'remote');
  assert.equal(r.hops[0].user, null);
  assert.equal(r.hops[0].dotqmail, null);
  assert.deepEqual(r.hops[0].env, {});
});

test('row 4: virtual domain without a .qmail bounces 5.1.1', () => {
  const r = traceB('info@virt.example');
  assert.equal(r.hops[0].rewritten, 'joe-virt-info@virt.example');
  assert.equal(ude(r), 'joe/-/virt-info(passwd)');
  assert.equal(r.hops[0].dotqmail, null);
  assert.deepEqual(outcomes(r), [`bounce ${BOUNCE_511}`]);
  const search = r.hops[0].steps.find((s) => s.text.startsWith('.qmail search'))!;
  assert.match(search.text, /\.qmail-virt-info\? no · \.qmail-virt-default\? no · \.qmail-default\? no/);
});

test('row 5: .qmail-virt-default catches Info@VIRT.Example with DEFAULT=Info', () => {
  const r = traceB('Info@VIRT.Example', { '/home/joe/.qmail-virt-default': './Maildir/\n', ...maildir('/home/joe/Maildir') });
  assert.equal(r.hops[0].rewritten, 'joe-virt-Info@VIRT.Example');
  assert.equal(ude(r), 'joe/-/virt-Info(passwd)');
  assert.equal(r.hops[0].dotqmail, '/home/joe/.qmail-virt-default');
  assert.equal(r.hops[0].env.DEFAULT, 'Info');
  assert.equal(r.hops[0].env.EXT2, 'Info');
  assert.equal(r.hops[0].env.HOST2, 'VIRT');
  assert.deepEqual(outcomes(r), ['maildir /home/joe/Maildir/']);
});

test('row 6: user@domain key wins; pm-Postmaster goes to alias and bounces', () => {
  const r = traceB('Postmaster@other.example');
  assert.equal(r.hops[0].rewritten, 'pm-Postmaster@other.example');
  assert.equal(ude(r), 'alias/-/pm-Postmaster(alias)');
  assert.deepEqual(kinds(r), ['bounce']);
  const search = r.hops[0].steps.find((s) => s.text.startsWith('.qmail search'))!;
  assert.match(search.text, /\.qmail-pm-postmaster\? no · \.qmail-pm-default\? no · \.qmail-default\? no/);
});

test('row 7: other.example:bob gives bob / - / abuse', () => {
  const r = traceB('abuse@other.example');
  assert.equal(r.hops[0].rewritten, 'bob-abuse@other.example');
  assert.equal(ude(r), 'bob/-/abuse(passwd)');
  assert.deepEqual(kinds(r), ['bounce']);
  const r2 = traceB('abuse@other.example', { '/home/bob/.qmail-default': './Mailbox\n' });
  assert.equal(r2.hops[0].dotqmail, '/home/bob/.qmail-default');
  assert.equal(r2.hops[0].env.DEFAULT, 'abuse');
  assert.deepEqual(outcomes(r2), ['mbox /home/bob/Mailbox']);
});

test('row 8: .sub.example wildcard: sub-u to the alias user, per file', () => {
  const r = traceB('u@a.b.sub.example');
  assert.equal(r.hops[0].rewritten, 'sub-u@a.b.sub.example');
  assert.equal(ude(r), 'alias/-/sub-u(alias)');
  assert.deepEqual(kinds(r), ['bounce']);
  const r2 = traceB('u@a.b.sub.example', { '/var/qmail/alias/.qmail-sub-default': '&sub-admin@example.net\n' });
  assert.equal(r2.hops[0].dotqmail, '/var/qmail/alias/.qmail-sub-default');
  assert.equal(r2.hops[0].env.DEFAULT, 'u');
  assert.deepEqual(outcomes(r2), ['forward sub-admin@example.net', 'remote sub-admin@example.net']);
});

test('row 9: .sub.example does not cover sub.example itself', () => {
  assert.deepEqual(outcomes(traceB('u@sub.example')), ['remote u@sub.example']);
});

test('row 10: an empty prepend is an exception: remote', () => {
  assert.deepEqual(outcomes(traceB('u@excl.sub.example')), ['remote u@excl.sub.example']);
});

test('row 11: the exception covers only the exact domain', () => {
  const r = traceB('u@x.excl.sub.example');
  assert.equal(r.hops[0].rewritten, 'sub-u@x.excl.sub.example');
  assert.equal(ude(r), 'alias/-/sub-u(alias)');
});

test('row 12: percent hack', () => {
  assert.deepEqual(outcomes(traceB('a%b@hack.example.com')), ['remote a@b']);
});

test('row 13: the percent hack stops when the new domain is not listed', () => {
  assert.deepEqual(outcomes(traceB('a%b%c@hack.example.com')), ['remote a%b@c']);
});

test('row 14: the percent hack applied twice', () => {
  assert.deepEqual(outcomes(traceB('a%b%hack.example.com@hack.example.com')), ['remote a@b']);
});

test('row 15: no percent hack for a domain not in percenthack', () => {
  const r = traceB('joe%example.net@example.com', { '/var/qmail/alias/.qmail-default': './Mailbox\n' });
  assert.equal(r.hops[0].rewritten, 'joe%example.net@example.com');
  assert.equal(ude(r), 'alias/-/joe%example.net(alias)');
  assert.equal(r.hops[0].dotqmail, '/var/qmail/alias/.qmail-default');
  assert.equal(r.hops[0].env.DEFAULT, 'joe%example.net');
  const search = r.hops[0].steps.find((s) => s.text.startsWith('.qmail search'))!;
  assert.match(search.text, /\.qmail-joe%example:net\? no/);
  const r2 = traceB('joe%example.net@example.com', { '/var/qmail/alias/.qmail-joe%example:net': './Mailbox\n' });
  assert.equal(r2.hops[0].dotqmail, '/var/qmail/alias/.qmail-joe%example:net');
});

test('row 16: percenthack listing example.com turns joe%example.com@example.com into joe@example.com', () => {
  const r = traceB('joe%example.com@example.com', { '/var/qmail/control/percenthack': 'hack.example.com\nexample.com\n' });
  assert.equal(r.hops[0].rewritten, 'joe@example.com');
  assert.equal(ude(r), 'joe//(passwd)');
  assert.equal(r.hops[0].dotqmail, null);
  assert.deepEqual(outcomes(r), ['mbox /home/joe/Mailbox']);
});

test('row 17: the catch-all prepend alias-catchall reaches the account alias as an ordinary passwd user', () => {
  const r = traceB('u@anywhere.net', { [VD]: VD_B + ':alias-catchall\n' });
  assert.equal(r.hops[0].rewritten, 'alias-catchall-u@anywhere.net');
  assert.equal(ude(r), 'alias/-/catchall-u(passwd)');
  const search = r.hops[0].steps.find((s) => s.text.startsWith('.qmail search'))!;
  assert.match(search.text, /\.qmail-catchall-u\? no · \.qmail-catchall-default\? no · \.qmail-default\? no/);
});

test('row 18: an exception beats the catch-all only for its exact domain', () => {
  const ch = { [VD]: VD_B + ':alias-catchall\nexample.net:\n' };
  assert.deepEqual(outcomes(traceB('u@example.net', ch)), ['remote u@example.net']);
  const r = traceB('u@x.example.net', ch);
  assert.equal(r.hops[0].rewritten, 'alias-catchall-u@x.example.net');
  assert.equal(ude(r), 'alias/-/catchall-u(passwd)');
});

test('row 19: locals wins over virtualdomains', () => {
  const r = traceB('info@virt.example', { '/var/qmail/control/locals': 'example.com\nmail.example.com\nvirt.example\n', '/var/qmail/alias/.qmail-info': './Mailbox\n' });
  assert.equal(r.hops[0].rewritten, 'info@virt.example');
  assert.equal(ude(r), 'alias/-/info(alias)');
  assert.equal(r.hops[0].dotqmail, '/var/qmail/alias/.qmail-info');
  assert.deepEqual(outcomes(r), ['mbox /var/qmail/alias/Mailbox']);
});

test('row 20: an empty local part is the trash address: nothing delivered', () => {
  const r = traceB('@example.com');
  assert.equal(r.hops[0].route, 'local');
  assert.deepEqual(r.deliveries, []);
  assert.equal(r.hops[0].user, null);
  assert.equal(r.hops[0].dotqmail, null);
});

test('row 21: "@" with no catch-all is remote', () => {
  assert.deepEqual(outcomes(traceB('@')), ['remote @']);
});

test('row 22: the empty recipient becomes @mail.example.com and is discarded', () => {
  const r = traceB('');
  assert.equal(r.hops[0].rewritten, '@mail.example.com');
  assert.deepEqual(r.deliveries, []);
});

test('row 23: an empty doublebounceto makes double bounces go to the trash address', () => {
  const fx = baseline({ '/var/qmail/control/doublebounceto': '' });
  const inst = loadInstallation(fx.sysroot(), '/var/qmail');
  const to = inst.control('doublebounceto').value + '@' + inst.control('doublebouncehost').value;
  assert.equal(to, '@mail.example.com');
  const r = traceIn(fx, to, { sender: '#@[]' });
  assert.equal(r.hops[0].route, 'local');
  assert.deepEqual(r.deliveries, []);
});

test('row 24: the last duplicate virtualdomains line wins', () => {
  const r = traceB('u@dup.example', { [VD]: VD_B + 'dup.example:first\ndup.example:second\n' });
  assert.equal(r.hops[0].rewritten, 'second-u@dup.example');
  assert.equal(ude(r), 'alias/-/second-u(alias)');
});

test('row 25: a CR saved in virtualdomains is part of the prepend', () => {
  const r = traceB('u@crlf.example', { [VD]: VD_B + 'crlf.example:x\r\n' });
  assert.equal(r.hops[0].rewritten, 'x\r-u@crlf.example');
  assert.equal(ude(r), 'alias/-/x\r-u(alias)');
  const search = r.hops[0].steps.find((s) => s.text.startsWith('.qmail search'))!;
  assert.ok(search.text.includes('.qmail-x\r-u? no'));
});

test('row 26: spaces around the colon are part of key and value: no match', () => {
  assert.deepEqual(kinds(traceB('u@sp.example', { [VD]: VD_B + 'sp.example : spacey\n' })), ['remote']);
});

test('row 27: a virtualdomains line without a colon is ignored', () => {
  assert.deepEqual(kinds(traceB('u@nocolon.example', { [VD]: VD_B + 'nocolon.example\n' })), ['remote']);
});

test('row 28: leading blanks in locals are part of the entry', () => {
  const r = traceB('u@indented.example', { '/var/qmail/control/locals': 'example.com\nmail.example.com\n  indented.example\n' });
  assert.deepEqual(kinds(r), ['remote']);
});

test('row 29: locals look-up ignores case', () => {
  const r = traceB('u@example.net', { '/var/qmail/control/locals': 'example.com\nmail.example.com\nExample.NET\n' });
  assert.equal(r.hops[0].route, 'local');
  assert.equal(ude(r), 'alias/-/u(alias)');
});

test('row 30: an empty envnoathost file gives joe@, which is remote', () => {
  const r = traceB('joe', { '/var/qmail/control/envnoathost': '' });
  assert.deepEqual(outcomes(r), ['remote joe@']);
});

test('row 31: blank first line of me, no locals: joe@ is local, HOST and HOST2 empty', () => {
  const r = traceB('joe', { '/var/qmail/control/me': '\nmail.example.com\n', '/var/qmail/control/locals': null });
  assert.equal(r.hops[0].rewritten, 'joe@');
  assert.equal(ude(r), 'joe//(passwd)');
  assert.deepEqual(outcomes(r), ['mbox /home/joe/Mailbox']);
  assert.equal(r.hops[0].env.HOST, '');
  assert.equal(r.hops[0].env.HOST2, '');
  assert.equal(r.hops[0].env.HOST4, '');
});

test('row 32: no me and no locals: qmail-send does not start; the message waits', () => {
  const r = traceB('joe', { '/var/qmail/control/me': null, '/var/qmail/control/locals': null });
  assert.deepEqual(kinds(r), ['defer']);
  assert.match(r.deliveries[0].target, /cannot start/);
});

test('row 33: a locals file of only comments is an empty list, no fallback to me', () => {
  assert.deepEqual(outcomes(traceB('joe@mail.example.com', { '/var/qmail/control/locals': '# none\n' })), ['remote joe@mail.example.com']);
});

test('row 34: concurrencylocal 300 / " 5" / 7x read as 120 / 10 / 7', () => {
  for (const [text, want] of [['300\n', 120], [' 5\n', 10], ['7x\n', 7]] as const) {
    const fx = makeFixture({ '/var/qmail/control/me': 'mail.example.com\n', '/var/qmail/control/concurrencylocal': text });
    const inst = loadInstallation(fx.sysroot(), '/var/qmail');
    assert.equal(Math.min(inst.controlInt('concurrencylocal').value, inst.consts().spawn), want);
  }
});
