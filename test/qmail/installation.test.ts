import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFixture } from '../helpers/fixture.js';
import { loadInstallation, systemUsersOf } from '../../source/qmail/installation.js';
import { compileUsersCdb } from '../../source/qmail/assign.js';

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nalias:x:7790:2108::/var/qmail/alias:/bin/false\nalice:x:1001:1001::/home/alice:/bin/sh\n';

test('lazy accessors: me, control fallbacks, locals falls back to [me]', () => {
  const fx = makeFixture({
    '/etc/passwd': PASSWD,
    '/var/qmail/control/me': 'Mail.Example.com  \nsecond\n',
    '/var/qmail/control/rcpthosts': 'example.com\n#c\n .x\n',
    '/var/qmail/control/concurrencylocal': '300\n',
    '/var/qmail/control/envnoathost': '',
  });
  const inst = loadInstallation(fx.sysroot(), '/var/qmail');
  assert.equal(inst.root, '/var/qmail');
  assert.equal(inst.me(), 'Mail.Example.com');
  assert.deepEqual(inst.control('bouncehost'), { name: 'bouncehost', value: 'Mail.Example.com', source: 'me', path: '/var/qmail/control/bouncehost', line: null });
  assert.equal(inst.control('bouncefrom').value, 'MAILER-DAEMON');
  assert.equal(inst.control('bouncefrom').source, 'default');
  assert.equal(inst.control('envnoathost').value, '');
  assert.equal(inst.control('envnoathost').source, 'file');
  assert.equal(inst.controlInt('concurrencylocal').value, 120);
  assert.equal(inst.controlInt('queuelifetime').value, 604800);
  const locals = inst.list('locals');
  assert.equal(locals.source, 'me');
  assert.deepEqual(locals.lines, [{ text: 'Mail.Example.com', line: 1 }]);
  assert.deepEqual(inst.list('rcpthosts').lines.map((l) => l.text), ['example.com', ' .x']);
  assert.equal(inst.list('percenthack').source, 'absent');
});

test('consts: compiled defaults marked assumed; conf files override', () => {
  const fx = makeFixture({ '/var/qmail/control/me': 'a\n', '/var/qmail2/control/me': 'b\n', '/var/qmail2/conf-break': '+\n', '/var/qmail2/conf-users': 'alias2\nqmaild2\n', '/var/qmail2/conf-patrn': '022\n' });
  const a = loadInstallation(fx.sysroot(), '/var/qmail').consts();
  assert.equal(a.breakChar, '-');
  assert.equal(a.patrn, 0o002);
  assert.equal(a.split, 23);
  assert.equal(a.spawn, 120);
  assert.equal(a.aliasUser, 'alias');
  assert.deepEqual(a.assumed.sort(), ['aliasUser', 'breakChar', 'patrn', 'spawn', 'split']);
  const b = loadInstallation(fx.sysroot(), '/var/qmail2').consts();
  assert.equal(b.breakChar, '+');
  assert.equal(b.aliasUser, 'alias2');
  assert.equal(b.patrn, 0o022);
  assert.deepEqual(b.assumed.sort(), ['spawn', 'split']);
  assert.equal(b.sources.breakChar, '/var/qmail2/conf-break');
});

test('usersCdb: absent, ok with marker, no marker, truncated', () => {
  const cdb = compileUsersCdb(Buffer.from('+:alias:7790:2108:/var/qmail/alias:-::\n.\n'));
  const fx = makeFixture({
    '/var/qmail/control/me': 'a\n',
    '/var/qmail/users/cdb': cdb,
    '/var/qmail2/control/me': 'b\n',
    '/var/qmail3/control/me': 'c\n',
    '/var/qmail3/users/cdb': cdb.subarray(0, 100),
  });
  const sr = fx.sysroot();
  const ok = loadInstallation(sr, '/var/qmail').usersCdb();
  assert.equal(ok.state, 'ok');
  assert.equal(ok.state === 'ok' && ok.marker, '');
  assert.equal(loadInstallation(sr, '/var/qmail2').usersCdb().state, 'absent');
  const bad = loadInstallation(sr, '/var/qmail3');
  assert.equal(bad.usersCdb().state, 'error');
  assert.ok(bad.diagnostics().some((d) => d.code === 'cdb-invalid' && d.path === '/var/qmail3/users/cdb'));
});

test('unreadable users/cdb (injected EACCES) is an error state, reported', () => {
  const fx = makeFixture({ '/var/qmail/control/me': 'a\n', '/var/qmail/users/cdb': 'x' });
  const inst = loadInstallation(fx.sysroot({ faults: { '/var/qmail/users/cdb': 'EACCES' } }), '/var/qmail');
  assert.equal(inst.usersCdb().state, 'error');
  assert.ok(inst.diagnostics().some((d) => d.path === '/var/qmail/users/cdb' && d.line === null));
});

test('defaultDelivery: from rc with `cat control/defaultdelivery`, else ./Mailbox assumed', () => {
  const fx = makeFixture({
    '/var/qmail/control/me': 'a\n',
    '/var/qmail/control/defaultdelivery': './Maildir/\n',
    '/var/qmail/rc': '#!/bin/sh\n\nexec env - PATH="/var/qmail/bin:$PATH" \\\nqmail-start "`cat /var/qmail/control/defaultdelivery`"\n',
    '/var/qmail2/control/me': 'b\n',
  });
  const sr = fx.sysroot();
  const dd = loadInstallation(sr, '/var/qmail').defaultDelivery();
  assert.equal(dd.text, './Maildir/');
  assert.equal(dd.path, '/var/qmail/rc');
  assert.equal(dd.line, 4);
  const d2 = loadInstallation(sr, '/var/qmail2').defaultDelivery();
  assert.equal(d2.text, './Mailbox');
  assert.equal(d2.path, null);
  assert.match(d2.explanation, /assumed/);
});

test('loadSystemUsers shared per sysroot; byName first line wins', () => {
  const fx = makeFixture({ '/etc/passwd': PASSWD + 'alice:x:2000:2000::/home/other:/bin/sh\n', '/var/qmail/control/me': 'a\n' });
  const sr = fx.sysroot();
  const u = systemUsersOf(sr);
  assert.equal(u, loadInstallation(sr, '/var/qmail').users());
  assert.equal(u.byName('alice')!.uid, 1001);
  assert.equal(u.byName('nobody'), null);
});

test('defaultDelivery: rc reading a missing control/defaultdelivery is empty, and an error', () => {
  const fx = makeFixture({
    '/var/qmail/control/me': 'a\n',
    '/var/qmail/rc': 'exec env - PATH="/var/qmail/bin:$PATH" qmail-start "`cat /var/qmail/control/defaultdelivery`"\n',
  });
  const inst = loadInstallation(fx.sysroot(), '/var/qmail');
  const dd = inst.defaultDelivery();
  assert.equal(dd.text, '');
  assert.equal(dd.path, '/var/qmail/rc');
  assert.ok(inst.diagnostics().some((d) => d.code === 'default-delivery-missing-file' && d.line === 1));
});

test('defaultDelivery: a multi-line control/defaultdelivery keeps its lines; unresolvable substitutions are said', () => {
  const fx = makeFixture({
    '/var/qmail/control/me': 'a\n',
    '/var/qmail/control/defaultdelivery': '|preline procmail\n./Mailbox\n',
    '/var/qmail/rc': 'qmail-start "`cat /var/qmail/control/defaultdelivery`" splogger qmail\n',
    '/var/qmail2/control/me': 'b\n',
    '/var/qmail2/rc': 'qmail-start "`some-program --x`"\n',
  });
  const sr = fx.sysroot();
  assert.equal(loadInstallation(sr, '/var/qmail').defaultDelivery().text, '|preline procmail\n./Mailbox');
  const two = loadInstallation(sr, '/var/qmail2');
  assert.match(two.defaultDelivery().explanation, /could not be worked out/);
  assert.ok(two.diagnostics().some((d) => d.code === 'default-delivery-unresolved'));
});

test('defaultDelivery from a run script in /service naming the installation (no rc)', () => {
  const fx = makeFixture({
    '/var/qmail2/control/me': 'b\n',
    '/service/qmail2/run': '#!/bin/sh\nexec env - PATH="/var/qmail2/bin:$PATH" \\\n  qmail-start ./Maildir/ splogger qmail2\n',
    '/service/qmail/run': '#!/bin/sh\nexec env - PATH="/var/qmail/bin:$PATH" qmail-start ./Mailbox splogger qmail\n',
  });
  const dd = loadInstallation(fx.sysroot(), '/var/qmail2').defaultDelivery();
  assert.deepEqual([dd.text, dd.path, dd.line], ['./Maildir/', '/service/qmail2/run', 3]);
});

test('assign, smtproutes, morercpthostsCdb, showctl and control names through the installation', async () => {
  const { compileMoreRcptHostsCdb } = await import('../../source/qmail/assign.js');
  const fx = makeFixture({
    '/var/qmail/control/me': 'a.example\n',
    '/var/qmail/control/smtproutes': ':relay.example:2525\nx.example:[192.0.2.1]\n',
    '/var/qmail/control/morercpthosts.cdb': compileMoreRcptHostsCdb('More.Example\n'),
    '/var/qmail/control/rcpthost': 'typo\n',
    '/var/qmail/users/assign': '=joe:joe:1:1:/h:::\nbad line\n.\n',
  });
  const inst = loadInstallation(fx.sysroot(), '/var/qmail');
  assert.equal(inst.smtproutes().map.get('')!.value, 'relay.example:2525');
  const more = inst.morercpthostsCdb();
  assert.ok(more && 'reader' in more && more.reader.get('more.example') !== null);
  const a = inst.assign();
  assert.equal(a.entries.length, 1);
  assert.equal(a.errors[0].line, 2);
  assert.ok(inst.diagnostics().some((d) => d.code === 'assign-format' && d.line === 2 && d.path === '/var/qmail/users/assign'));
  // Asking twice reports once.
  inst.assign();
  assert.equal(inst.diagnostics().filter((d) => d.code === 'assign-format').length, 1);
  assert.ok(inst.showctl().some((r) => r.name === 'smtproutes' && r.value === '2 lines'));
  assert.deepEqual(inst.controlDiagnostics().map((d) => d.code), ['control-unknown']);
});

test('users/cdb without the "" record: ok state with marker null, reported', async () => {
  const { makeCdb } = await import('../../source/qmail/cdb.js');
  const fx = makeFixture({ '/var/qmail/control/me': 'a\n', '/var/qmail/users/cdb': makeCdb([{ key: Buffer.from('!joe\0'), value: Buffer.from('joe\x001\x001\x00/h\x00\x00') }]) });
  const inst = loadInstallation(fx.sysroot(), '/var/qmail');
  const u = inst.usersCdb();
  assert.equal(u.state, 'ok');
  assert.equal(u.state === 'ok' ? u.marker : 'x', null);
  assert.ok(inst.diagnostics().some((d) => d.code === 'cdb-no-marker'));
});

test('nothing is read before an accessor asks (lazy)', () => {
  const fx = makeFixture({ '/var/qmail/control/me': 'a\n', '/var/qmail/users/assign': 'broken' });
  const inst = loadInstallation(fx.sysroot({ faults: { '/var/qmail/users': 'EIO' } }), '/var/qmail');
  assert.equal(inst.me(), 'a');
  assert.deepEqual(inst.diagnostics(), []);
  assert.equal(inst.assign().present, false);
  assert.ok(inst.diagnostics().some((d) => d.code === 'unreadable' && d.path === '/var/qmail/users/assign'));
});

test('consts: without conf-users, the owner of ROOT/alias names the alias user (still marked assumed)', () => {
  const fx = makeFixture({
    '/etc/passwd': PASSWD + 'alias2:x:7890:2208::/var/qmail2/alias:/bin/false\n',
    '/var/qmail/control/me': 'a\n',
    '/var/qmail/alias/.qmail-root': '&x\n',
    '/var/qmail2/control/me': 'b\n',
    '/var/qmail2/alias/.qmail-root': '&x\n',
    '/var/qmail3/control/me': 'c\n',
    '/var/qmail3/alias/': { dir: true, uid: 0, gid: 0 },
  });
  const sr = fx.sysroot();
  assert.equal(loadInstallation(sr, '/var/qmail').consts().aliasUser, 'alias');
  const two = loadInstallation(sr, '/var/qmail2').consts();
  assert.equal(two.aliasUser, 'alias2');
  assert.ok(two.assumed.includes('aliasUser'));
  assert.equal(two.sources.aliasUser, 'owner of /var/qmail2/alias');
  assert.equal(loadInstallation(sr, '/var/qmail3').consts().aliasUser, 'alias');
});
