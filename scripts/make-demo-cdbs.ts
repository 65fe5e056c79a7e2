// Compile the binary files of demo/vpopmail and demo/vmailmgr from their
// text (or, for passwd.cdb, from the records below), byte for byte as
// qmail-newu, vmkpasswd and vmailmgr's cdb writer lay them out. Run:
//   npx tsx scripts/make-demo-cdbs.ts
// and commit the results; git keeps the mtimes in each demo's .fsmeta.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileUsersCdb } from '../source/qmail/assign.js';
import { makeVpasswdCdb } from '../source/qmail/vpopmail.js';
import { makeCdb } from '../source/qmail/cdb.js';
import { encodeVmmRecord, type VmmRecord } from '../source/qmail/vmailmgr.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'demo');
const host = (demo: string, sysPath: string) => path.join(root, demo, sysPath);
const read = (demo: string, sysPath: string) => fs.readFileSync(host(demo, sysPath));
const write = (demo: string, sysPath: string, buf: Buffer) => {
  fs.writeFileSync(host(demo, sysPath), buf);
  console.log(`${demo}${sysPath} (${buf.length} bytes)`);
};

// vpopmail: users/cdb from users/assign, as qmail-newu.
write('vpopmail', '/var/qmail/users/cdb', compileUsersCdb(read('vpopmail', '/var/qmail/users/assign')));

// vpasswd.cdb from vpasswd, as vmkpasswd. example.net's "newbie" line was
// added to vpasswd by hand afterwards, so its cdb is built without it: the
// demo's stale-cdb story.
const V = '/home/vpopmail/domains';
for (const [domain, leaveOut] of [
  ['example.com', null],
  ['example.net', 'newbie'],
  ['shop.example', null],
] as const) {
  const text = read('vpopmail', `${V}/${domain}/vpasswd`).toString('latin1');
  const src = leaveOut ? text.split('\n').filter((l) => !l.startsWith(`${leaveOut}:`)).join('\n') : text;
  write('vpopmail', `${V}/${domain}/vpasswd.cdb`, makeVpasswdCdb(src));
}

// VMailMgr: ~myuser/passwd.cdb, version 2 records as vadduser/vaddalias/vsetup write them.
const rec = (over: Partial<VmmRecord>): VmmRecord => ({
  version: 2,
  flags: { hasMailbox: true, mailboxEnabled: true },
  passwd: '*',
  mailbox: '',
  forwards: [],
  personal: '',
  hardQuota: null,
  softQuota: null,
  msgSize: null,
  msgCount: null,
  ctime: 1764000000,
  expiry: null,
  ...over,
});
const records: Array<[string, VmmRecord]> = [
  ['joe', rec({ passwd: '$1$xY$abcdefgh', mailbox: './users/joe', personal: 'Joe User' })],
  ['info', rec({ flags: { hasMailbox: false, mailboxEnabled: true }, mailbox: './users/info', forwards: ['joe'] })],
  ['sales', rec({ passwd: '$1$sA$salesxyz', mailbox: './users/sales', forwards: ['a@x.net', 'b@y.net'], personal: 'Sales team' })],
  ['postmaster', rec({ mailbox: 'users/postmaster', forwards: ['postmaster@'] })],
  ['mailer-daemon', rec({ mailbox: 'users/mailer-daemon', forwards: ['postmaster@'] })],
  ['root', rec({ mailbox: 'users/root', forwards: ['postmaster@'] })],
  ['old', rec({ passwd: '$1$oL$oldoldol', mailbox: './users/old', personal: 'Left in 2001', expiry: 1000000000 })],
  ['off', rec({ passwd: '$1$oF$offoffof', mailbox: './users/off', flags: { hasMailbox: true, mailboxEnabled: false }, personal: 'Mailbox switched off' })],
  ['+', rec({ flags: { hasMailbox: false, mailboxEnabled: true }, forwards: ['postmaster'] })],
];
write('vmailmgr', '/home/myuser/passwd.cdb', makeCdb(records.map(([k, r]) => ({ key: Buffer.from(k, 'latin1'), value: encodeVmmRecord(r) }))));
