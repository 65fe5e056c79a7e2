// VMailMgr's passwd.cdb records (all three formats), configuration lookup,
// corrupt tables and the domains of an installation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeVmmRecord,
  encodeVmmRecord,
  findVmailmgrDomains,
  loadVmmTable,
  openVmmTable,
  summarizeVmailmgrDomain,
  vmmConfig,
  vmmLookup,
} from '../../source/qmail/vmailmgr.js';
import { managerLint } from '../../source/qmail/managers.js';
import { loadInstallation, systemUsersOf } from '../../source/qmail/installation.js';
import { vmFixture, vmRecord, vmPasswdCdb, VM_HOME } from '../trace/manager-fixtures.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

test("version 2 record: the spec's example bytes for joe", () => {
  const bytes = hex(`02 0a 01 08 01 00 24 31 24 78 59 24 61 62 63 00 2e 2f 75 73 65 72 73 2f
    6a 6f 65 00 00 4a 6f 65 20 55 73 65 72 00 2d 00 2d 00 2d 00 2d 00 31 37
    30 30 30 30 30 30 30 30 00 2d 00`);
  const d = decodeVmmRecord(bytes);
  assert.ok(d.ok);
  if (!d.ok) return;
  assert.deepEqual(d.record, {
    version: 2,
    flags: { hasMailbox: true, mailboxEnabled: true },
    passwd: '$1$xY$abc',
    mailbox: './users/joe',
    forwards: [],
    personal: 'Joe User',
    hardQuota: null,
    softQuota: null,
    msgSize: null,
    msgCount: null,
    ctime: 1700000000,
    expiry: null,
  });
  assert.deepEqual(encodeVmmRecord(d.record), bytes, 'encoding follows to.cc byte for byte');
});

test('version 2 alias record (vaddalias info joe)', () => {
  const d = decodeVmmRecord(encodeVmmRecord(vmRecord({ flags: { hasMailbox: false, mailboxEnabled: true }, passwd: '*', mailbox: './users/info', forwards: ['joe'] })));
  assert.ok(d.ok && !d.record.flags.hasMailbox && d.record.forwards[0] === 'joe');
});

test('version 1 record: no flag block, mailbox enabled', () => {
  const v2 = encodeVmmRecord(vmRecord({ mailbox: './users/joe', forwards: ['a@x.net'] }));
  const v1 = Buffer.concat([Buffer.from([1]), v2.subarray(6)]);
  const d = decodeVmmRecord(v1);
  assert.ok(d.ok);
  if (d.ok) {
    assert.equal(d.record.version, 1);
    assert.equal(d.record.mailbox, './users/joe');
    assert.deepEqual(d.record.forwards, ['a@x.net']);
    assert.equal(d.record.flags.mailboxEnabled, true);
  }
});

test('oldest format: mailbox or forward list', () => {
  const a = decodeVmmRecord(Buffer.from(':$1$x:./users/joe'));
  assert.ok(a.ok && a.record.mailbox === './users/joe' && a.record.flags.hasMailbox);
  const b = decodeVmmRecord(Buffer.from(':*:&a@x.net,b@y.net'));
  assert.ok(b.ok && !b.record.flags.hasMailbox);
  if (b.ok) assert.deepEqual(b.record.forwards, ['a@x.net', 'b@y.net']);
});

test('invalid records: unknown flag, version 3, truncated, trailing bytes, bad number', () => {
  const good = encodeVmmRecord(vmRecord({ mailbox: './users/joe' }));
  const flag = Buffer.from(good);
  flag[1] = 7;
  const cases: Array<[Buffer, RegExp]> = [
    [flag, /unknown flag number 7/],
    [Buffer.concat([Buffer.from([3]), good.subarray(1)]), /version 3/],
    [good.subarray(0, good.length - 3), /NUL|ends/],
    [Buffer.concat([good, Buffer.from('x\0')]), /left over/],
    [Buffer.from(encodeVmmRecord(vmRecord({ mailbox: './u' })).toString('latin1').replace('1700000000', 'soon'), 'latin1'), /not a number/],
    [Buffer.alloc(0), /empty/],
  ];
  for (const [buf, why] of cases) {
    const d = decodeVmmRecord(buf);
    assert.equal(d.ok, false);
    if (!d.ok) assert.match(d.reason, why);
  }
});

test('an empty mailbox directory forces has-mailbox off', () => {
  const d = decodeVmmRecord(Buffer.concat([Buffer.from([2, 10, 1, 8, 1, 0]), Buffer.from('*\0\0joe\0\0\0-\0-\0-\0-\0-\0-\0', 'latin1')]));
  assert.ok(d.ok && d.record.flags.hasMailbox === false);
});

test('passwd.cdb lookups lower-case the name; a truncated table is refused with a reason', () => {
  const t = openVmmTable(vmPasswdCdb([['joe', vmRecord({ mailbox: './users/joe' })]]), '/h/passwd.cdb');
  assert.equal(t.state, 'ok');
  if (t.state === 'ok') assert.ok(vmmLookup(t, 'JOE')?.decoded.ok);
  const full = vmPasswdCdb([['joe', vmRecord({ mailbox: './users/joe' })]]);
  for (const bad of [full.subarray(0, 50), full.subarray(0, full.length - 4)]) {
    const c = openVmmTable(bad, '/h/passwd.cdb');
    assert.equal(c.state, 'corrupt');
    if (c.state === 'corrupt') assert.match(c.message, /passwd\.cdb is corrupt/);
  }
});

test('config lookup: ~/.vmailmgr first, then /etc/vmailmgr, blank first lines skipped, else the default', () => {
  const fx = vmFixture({
    files: {
      [`${VM_HOME}/.vmailmgr/default-username`]: '\n',
      '/etc/vmailmgr/default-username': 'catchall\n',
      [`${VM_HOME}/.vmailmgr/password-file`]: 'vpasswd\n',
    },
  });
  const s = fx.sysroot();
  assert.deepEqual(vmmConfig(s, VM_HOME, 'default-username'), { name: 'default-username', value: 'catchall', path: '/etc/vmailmgr/default-username' });
  assert.deepEqual(vmmConfig(s, VM_HOME, 'password-file'), { name: 'password-file', value: 'vpasswd', path: `${VM_HOME}/.vmailmgr/password-file` });
  assert.deepEqual(vmmConfig(s, VM_HOME, 'qmail-root'), { name: 'qmail-root', value: '/var/qmail', path: null });
  assert.equal(loadVmmTable(s, VM_HOME).table.path, `${VM_HOME}/vpasswd.cdb`);
});

test('VMailMgr domains: both domains of myuser share one table', () => {
  const fx = vmFixture();
  const s = fx.sysroot();
  const ds = findVmailmgrDomains(loadInstallation(s, '/var/qmail'), systemUsersOf(s));
  assert.deepEqual(ds.map((d) => [d.domain, d.baseUser, d.table]), [
    ['mydomain.org', 'myuser', `${VM_HOME}/passwd.cdb`],
    ['alias.org', 'myuser', `${VM_HOME}/passwd.cdb`],
  ]);
});

test('check: invalid records, missing and corrupt tables', () => {
  const bad = Buffer.from(encodeVmmRecord(vmRecord({ mailbox: './users/joe' })));
  bad[1] = 7;
  const lint = (fx: ReturnType<typeof vmFixture>) => {
    const s = fx.sysroot();
    return managerLint([loadInstallation(s, '/var/qmail')], systemUsersOf(s)).map((d) => [d.code, d.path]);
  };
  assert.deepEqual(lint(vmFixture()), []);
  assert.deepEqual(lint(vmFixture({ records: { joe: bad } })), [['vmm-record-invalid', `${VM_HOME}/passwd.cdb`]]);
  assert.deepEqual(lint(vmFixture({ noTable: true })), [['vmm-table-missing', `${VM_HOME}/passwd.cdb`]]);
  assert.deepEqual(lint(vmFixture({ files: { [`${VM_HOME}/passwd.cdb`]: Buffer.from('xx') } })), [['vmm-table-corrupt', `${VM_HOME}/passwd.cdb`]]);
});

test('domain summary: users, aliases and the + catch-all of the shared table', () => {
  const fx = vmFixture({ records: { '+': vmRecord({ flags: { hasMailbox: false, mailboxEnabled: true }, forwards: ['joe'] }) } });
  const s = fx.sysroot();
  const d = findVmailmgrDomains(loadInstallation(s, '/var/qmail'), systemUsersOf(s))[0];
  const sum = summarizeVmailmgrDomain(s, d);
  assert.equal(sum.users, 5);
  assert.equal(sum.aliases, 1);
  assert.equal(sum.catchAll, 'forward joe');
  assert.deepEqual(sum.entries.find((e) => e.name === 'sales')?.deliveries, [`${VM_HOME}/users/sales/`, 'forward a@x.net', 'forward b@y.net']);
});

test('check: a forward to a name that is not in the table', () => {
  const s = vmFixture({ records: { info: vmRecord({ flags: { hasMailbox: false, mailboxEnabled: true }, forwards: ['jo'] }) } }).sysroot();
  const ds = managerLint([loadInstallation(s, '/var/qmail')], systemUsersOf(s));
  assert.deepEqual(ds.map((d) => d.code), ['vmm-forward-unknown']);
  assert.match(ds[0].message, /"jo".*bounces as unknown/);
});
