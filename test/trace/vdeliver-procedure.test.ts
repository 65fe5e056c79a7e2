// vdeliver's decision procedure called directly, on the VM fixture of
// virtual-domain-managers.md §5.2 (rows that start inside vdeliver).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vmFixture, vmRecord, VM_HOME } from './manager-fixtures.js';
import { vdeliverDirect, kinds } from './manager-direct.js';
import { encodeVmmRecord } from '../../source/qmail/vmailmgr.js';

test('M1 joe → users/joe/', () => {
  const r = vdeliverDirect(vmFixture(), 'joe@mydomain.org');
  assert.deepEqual(kinds(r), [['maildir', `${VM_HOME}/users/joe/`]]);
  assert.ok(r.steps.every((s) => s.stage === 'vdeliver'));
});

test('M2 Joe → key lower-cased', () => {
  assert.deepEqual(kinds(vdeliverDirect(vmFixture(), 'Joe@MyDomain.ORG')), [['maildir', `${VM_HOME}/users/joe/`]]);
});

test('M3 info → forward joe@HOST', () => {
  assert.deepEqual(kinds(vdeliverDirect(vmFixture(), 'info@mydomain.org')), [['forward', 'joe@mydomain.org']]);
});

test('M4 info@alias.org → joe@alias.org (same table)', () => {
  assert.deepEqual(kinds(vdeliverDirect(vmFixture(), 'info@alias.org')), [['forward', 'joe@alias.org']]);
});

test('M5 sales → maildir and two forwards', () => {
  assert.deepEqual(kinds(vdeliverDirect(vmFixture(), 'sales@mydomain.org')), [
    ['maildir', `${VM_HOME}/users/sales/`],
    ['forward', 'a@x.net'],
    ['forward', 'b@y.net'],
  ]);
});

test('M6 postmaster → maildir and postmaster@ + control/me', () => {
  assert.deepEqual(kinds(vdeliverDirect(vmFixture(), 'postmaster@mydomain.org')), [
    ['maildir', `${VM_HOME}/users/postmaster/`],
    ['forward', 'postmaster@mail.isp.net'],
  ]);
});

test('M7 nobody → bounce', () => {
  assert.deepEqual(kinds(vdeliverDirect(vmFixture(), 'nobody@mydomain.org')), [['bounce', "Invalid or unknown virtual user 'nobody'"]]);
});

test('M8 + record catches nobody', () => {
  const fx = vmFixture({ records: { '+': vmRecord({ flags: { hasMailbox: false, mailboxEnabled: true }, passwd: '*', forwards: ['joe'] }) } });
  assert.deepEqual(kinds(vdeliverDirect(fx, 'nobody@mydomain.org')), [['forward', 'joe@mydomain.org']]);
});

test('M9 joe-news → bounce (no extension handling)', () => {
  assert.equal(vdeliverDirect(vmFixture(), 'joe-news@mydomain.org').actions[0].kind, 'bounce');
});

test('M12 expired → bounce', () => {
  assert.deepEqual(kinds(vdeliverDirect(vmFixture(), 'old@mydomain.org')), [['bounce', "Virtual user 'old' has expired"]]);
});

test('M13 mailbox disabled, no forwards → discard', () => {
  const r = vdeliverDirect(vmFixture(), 'off@mydomain.org');
  assert.equal(r.actions.length, 1);
  assert.equal(r.actions[0].kind, 'discard');
});

test('M14 passwd.cdb removed → bounce', () => {
  assert.equal(vdeliverDirect(vmFixture({ noTable: true }), 'joe@mydomain.org').actions[0].kind, 'bounce');
});

test('M15 users/joe/new missing → defer', () => {
  const r = vdeliverDirect(vmFixture({ files: { [`${VM_HOME}/users/joe/new/`]: null } }), 'joe@mydomain.org');
  assert.deepEqual(kinds(r), [['defer', 'Destination directory does not appear to be a maildir.']]);
});

test('M16 predeliver hook: named, not run', () => {
  const fx = vmFixture({ files: { '/etc/vmailmgr/vdeliver-predeliver': { content: '#!/bin/sh\nexit 99\n', mode: 0o755 } } });
  const r = vdeliverDirect(fx, 'joe@mydomain.org');
  assert.deepEqual(kinds(r), [
    ['program', '/etc/vmailmgr/vdeliver-predeliver'],
    ['maildir', `${VM_HOME}/users/joe/`],
  ]);
  assert.ok(r.steps.some((s) => /depends on the hook/.test(s.text) && /99/.test(s.text)));
});

test('M17 predeliver vcheckquota over the message-size limit → bounce', () => {
  const fx = vmFixture({
    files: { '/etc/vmailmgr/vdeliver-predeliver': { content: '#!/bin/sh\nexec /usr/local/bin/vcheckquota\n', mode: 0o755 } },
    records: { joe: vmRecord({ mailbox: './users/joe', msgSize: 1000 }) },
  });
  const r = vdeliverDirect(fx, 'joe@mydomain.org', { messageSize: 5000 });
  assert.equal(r.actions[r.actions.length - 1].kind, 'bounce');
});

test('M20 old-format record with a mailbox', () => {
  const fx = vmFixture({ records: { joe: Buffer.from(':$1$x:./users/joe') } });
  assert.deepEqual(kinds(vdeliverDirect(fx, 'joe@mydomain.org')), [['maildir', `${VM_HOME}/users/joe/`]]);
});

test('M21 old-format record with forwards', () => {
  const fx = vmFixture({ records: { team: Buffer.from(':*:&a@x.net,b@y.net') } });
  assert.deepEqual(kinds(vdeliverDirect(fx, 'team@mydomain.org')), [
    ['forward', 'a@x.net'],
    ['forward', 'b@y.net'],
  ]);
});

test('M22 unknown flag byte → unknown user', () => {
  const good = encodeVmmRecord(vmRecord({ mailbox: './users/joe' }));
  const bad = Buffer.from(good);
  bad[1] = 0x07;
  const r = vdeliverDirect(vmFixture({ records: { joe: bad } }), 'joe@mydomain.org');
  assert.equal(r.actions[0].kind, 'bounce');
  assert.ok(r.steps.some((s) => /unknown flag number 7/.test(s.text)));
  const withPlus = vmFixture({ records: { joe: bad, '+': vmRecord({ flags: { hasMailbox: false, mailboxEnabled: true }, forwards: ['sales'] }) } });
  assert.deepEqual(kinds(vdeliverDirect(withPlus, 'joe@mydomain.org')), [['forward', 'sales@mydomain.org']]);
});

test('M23 sub.mydomain.org keeps HOST', () => {
  assert.deepEqual(kinds(vdeliverDirect(vmFixture(), 'joe@sub.mydomain.org')), [['maildir', `${VM_HOME}/users/joe/`]]);
});

test('M24 postdeliver hook: stored, hook named', () => {
  const fx = vmFixture({ files: { '/etc/vmailmgr/vdeliver-postdeliver': { content: '#!/bin/sh\nexit 100\n', mode: 0o755 } } });
  const r = vdeliverDirect(fx, 'joe@mydomain.org');
  assert.deepEqual(kinds(r), [
    ['maildir', `${VM_HOME}/users/joe/`],
    ['program', '/etc/vmailmgr/vdeliver-postdeliver'],
  ]);
  assert.ok(r.steps.some((s) => /bounce a message already stored/.test(s.text)));
});

test('corrupt passwd.cdb: the trace stops and says why', () => {
  const fx = vmFixture({ files: { [`${VM_HOME}/passwd.cdb`]: { content: Buffer.alloc(3000, 0xff), mode: 0o600, uid: 1001, gid: 1001 } } });
  const r = vdeliverDirect(fx, 'joe@mydomain.org');
  assert.equal(r.actions.length, 1);
  assert.equal(r.actions[0].kind, 'defer');
  assert.match(r.actions[0].target!, /cannot trace further.*passwd\.cdb is corrupt/);
});
