// The VP and VM fixtures of virtual-domain-managers.md §5 as sysroots, with
// users/cdb, vpasswd.cdb and passwd.cdb compiled from their text, and a row
// "change" applied on top (a file replaced, removed, or left uncompiled).
import { makeFixture, type Fixture, type FixtureEntry } from '../helpers/fixture.js';
import { compileUsersCdb } from '../../source/qmail/assign.js';
import { makeVpasswdCdb } from '../../source/qmail/vpopmail.js';
import { makeCdb } from '../../source/qmail/cdb.js';
import { encodeVmmRecord, type VmmRecord } from '../../source/qmail/vmailmgr.js';

export const D = '/home/vpopmail/domains/example.com';

export const VP_VPASSWD = [
  'alice:$1$a:1:0:Alice:/home/vpopmail/domains/example.com/0/alice:NOQUOTA',
  'fwd:$1$b:1:0:Fwd:/home/vpopmail/domains/example.com/fwd:NOQUOTA',
  'joe:$1$c:1:0:Joe:/home/vpopmail/domains/example.com/joe:NOQUOTA',
  'locked:$1$d:1:16:Locked:/home/vpopmail/domains/example.com/locked:NOQUOTA',
  'nopop:$1$e:1:2:NoPop:/home/vpopmail/domains/example.com/nopop:NOQUOTA',
  'postmaster:$1$f:1:0:Postmaster:/home/vpopmail/domains/example.com/postmaster:NOQUOTA',
  'full:$1$g:1:0:Full:/home/vpopmail/domains/example.com/full:1000S',
].join('\n') + '\n';

export const VP_ASSIGN =
  '+alias.example-:example.com:89:89:/home/vpopmail/domains/example.com:-::\n' +
  '+example.com-:example.com:89:89:/home/vpopmail/domains/example.com:-::\n' +
  '.\n';

export interface VpOptions {
  /** Files added or replaced (system path → entry); null removes a base file. */
  files?: Record<string, FixtureEntry | null>;
  /** vpasswd text (default VP_VPASSWD). */
  vpasswd?: string;
  /** Text the vpasswd.cdb is compiled from (default: the vpasswd text); null: no cdb. */
  cdbFrom?: string | null;
  /** users/assign text (default VP_ASSIGN). */
  assign?: string;
  /** Compile users/cdb from assign (default true). */
  compileAssign?: boolean;
}

const MAILDIR = (home: string): Record<string, FixtureEntry> => ({
  [`${home}/Maildir/cur/`]: '',
  [`${home}/Maildir/new/`]: '',
  [`${home}/Maildir/tmp/`]: '',
});

export function vpFixture(opts: VpOptions = {}): Fixture {
  const vpasswd = opts.vpasswd ?? VP_VPASSWD;
  const assign = opts.assign ?? VP_ASSIGN;
  const files: Record<string, FixtureEntry | null> = {
    '/etc/passwd': 'root:x:0:0:root:/root:/bin/sh\nvpopmail:x:89:89::/home/vpopmail:/bin/false\nalias:x:7790:2108::/var/qmail/alias:/bin/false\n',
    '/etc/group': 'root:x:0:\nvchkpw:x:89:\n',
    '/var/qmail/control/me': 'mail.isp.net\n',
    '/var/qmail/control/locals': 'mail.isp.net\n',
    '/var/qmail/control/rcpthosts': 'example.com\nalias.example\n',
    '/var/qmail/control/virtualdomains': 'example.com:example.com\nalias.example:alias.example\n',
    '/var/qmail/users/assign': assign,
    '/var/qmail/alias/.keep': '',
    '/home/vpopmail/bin/.keep': '',
    [D]: { dir: true, mode: 0o750, uid: 89, gid: 89 },
    [`${D}/.qmail-default`]: { content: "| /home/vpopmail/bin/vdelivermail '' bounce-no-mailbox\n", mode: 0o600, uid: 89, gid: 89 },
    [`${D}/.qmail-info`]: { content: '&joe@example.com\n', mode: 0o600, uid: 89, gid: 89 },
    [`${D}/vpasswd`]: { content: vpasswd, mode: 0o600, uid: 89, gid: 89, mtime: '2026-01-01T00:00:00Z' },
    ...MAILDIR(`${D}/0/alice`),
    ...MAILDIR(`${D}/fwd`),
    ...MAILDIR(`${D}/joe`),
    ...MAILDIR(`${D}/locked`),
    ...MAILDIR(`${D}/nopop`),
    ...MAILDIR(`${D}/postmaster`),
    ...MAILDIR(`${D}/full`),
    [`${D}/fwd/.qmail`]: { content: '&bob@other.org\n', mode: 0o600, uid: 89, gid: 89 },
    [`${D}/full/Maildir/maildirsize`]: '1000S\n800 3\n400 2\n',
  };
  const cdbFrom = opts.cdbFrom === undefined ? vpasswd : opts.cdbFrom;
  if (cdbFrom !== null) files[`${D}/vpasswd.cdb`] = { content: makeVpasswdCdb(cdbFrom), mode: 0o600, uid: 89, gid: 89, mtime: '2026-01-01T00:00:00Z' };
  if (opts.compileAssign !== false) files['/var/qmail/users/cdb'] = compileUsersCdb(Buffer.from(assign));
  for (const [k, v] of Object.entries(opts.files ?? {})) {
    if (v === null) {
      for (const key of Object.keys(files)) if (key === k || key.startsWith(k.endsWith('/') ? k : k + '/')) delete files[key];
    } else files[k] = v;
  }
  return makeFixture(files as Record<string, FixtureEntry>);
}

// ---------------------------------------------------------------------------

export const VM_HOME = '/home/myuser';

export function vmRecord(over: Partial<VmmRecord> = {}): VmmRecord {
  return {
    version: 2,
    flags: { hasMailbox: true, mailboxEnabled: true },
    passwd: '$1$xY$abc',
    mailbox: '',
    forwards: [],
    personal: '',
    hardQuota: null,
    softQuota: null,
    msgSize: null,
    msgCount: null,
    ctime: 1700000000,
    expiry: null,
    ...over,
  };
}

export const VM_RECORDS: Array<[string, VmmRecord]> = [
  ['joe', vmRecord({ mailbox: './users/joe' })],
  ['info', vmRecord({ flags: { hasMailbox: false, mailboxEnabled: true }, passwd: '*', mailbox: './users/info', forwards: ['joe'] })],
  ['sales', vmRecord({ mailbox: './users/sales', forwards: ['a@x.net', 'b@y.net'] })],
  ['postmaster', vmRecord({ passwd: '*', mailbox: 'users/postmaster', forwards: ['postmaster@'] })],
  ['old', vmRecord({ mailbox: './users/old', expiry: 1000000000 })],
  ['off', vmRecord({ mailbox: './users/off', flags: { hasMailbox: true, mailboxEnabled: false } })],
];

export interface VmOptions {
  files?: Record<string, FixtureEntry | null>;
  /** Records (name, record or raw bytes) replacing or adding to VM_RECORDS; null removes. */
  records?: Record<string, VmmRecord | Buffer | null>;
  /** No passwd.cdb at all. */
  noTable?: boolean;
}

export function vmPasswdCdb(records: Array<[string, VmmRecord | Buffer]>): Buffer {
  return makeCdb(records.map(([k, r]) => ({ key: Buffer.from(k, 'latin1'), value: Buffer.isBuffer(r) ? r : encodeVmmRecord(r) })));
}

export function vmFixture(opts: VmOptions = {}): Fixture {
  const files: Record<string, FixtureEntry | null> = {
    '/etc/passwd': 'root:x:0:0:root:/root:/bin/sh\nalias:x:7790:2108::/var/qmail/alias:/bin/false\nmyuser:x:1001:1001::/home/myuser:/bin/sh\n',
    '/var/qmail/control/me': 'mail.isp.net\n',
    '/var/qmail/control/locals': 'mail.isp.net\n',
    '/var/qmail/control/rcpthosts': 'mydomain.org\nalias.org\n',
    '/var/qmail/control/virtualdomains': 'mydomain.org:myuser\nalias.org:myuser\n',
    '/var/qmail/alias/.keep': '',
    [VM_HOME]: { dir: true, mode: 0o755, uid: 1001, gid: 1001 },
    [`${VM_HOME}/.qmail-default`]: { content: '|/usr/local/bin/vdeliver\n', mode: 0o644, uid: 1001, gid: 1001 },
  };
  for (const n of ['joe', 'sales', 'postmaster', 'old', 'off', 'info']) {
    for (const s of ['cur', 'new', 'tmp']) files[`${VM_HOME}/users/${n}/${s}/`] = '';
  }
  const recs = new Map<string, VmmRecord | Buffer>(VM_RECORDS);
  for (const [k, v] of Object.entries(opts.records ?? {})) {
    if (v === null) recs.delete(k);
    else recs.set(k, v);
  }
  if (!opts.noTable) files[`${VM_HOME}/passwd.cdb`] = { content: vmPasswdCdb([...recs]), mode: 0o600, uid: 1001, gid: 1001 };
  for (const [k, v] of Object.entries(opts.files ?? {})) {
    if (v === null) {
      for (const key of Object.keys(files)) if (key === k || key.startsWith(k.endsWith('/') ? k : k + '/')) delete files[key];
    } else files[k] = v;
  }
  return makeFixture(files as Record<string, FixtureEntry>);
}
