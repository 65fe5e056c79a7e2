// vpopmail's files read as its programs read them, corrupt input included,
// and the manager traps `qlens check` reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareVpasswd,
  describeGidFlags,
  invalidUserChars,
  makeVpasswdCdb,
  openVpasswdCdb,
  overQuota,
  parseMaildirsize,
  parseQuota,
  parseVpasswdText,
  parseVpopmailConfig,
  vpasswdCdbGet,
  classifyCatchAll,
} from '../../source/qmail/vpopmail.js';
import { findVpopmailDomains, loadVpasswdPair, loadVpopmailBuild, summarizeVpopmailDomain } from '../../source/qmail/vpopmail-domain.js';
import { managerLint } from '../../source/qmail/managers.js';
import { loadInstallation, systemUsersOf } from '../../source/qmail/installation.js';
import { vpFixture, D, VP_VPASSWD } from '../trace/manager-fixtures.js';

test('vpasswd text: every field, flags, quota, clear password', () => {
  const t = parseVpasswdText(Buffer.from('postmaster:$1$Ab:1:0:Postmaster:/v/d/postmaster:NOQUOTA:secret\nlocked:$1$Ef:1:16:Locked Out:/v/d/locked:NOQUOTA\n'), '/v/d/vpasswd');
  assert.equal(t.diagnostics.length, 0);
  assert.deepEqual(t.entries[0], {
    name: 'postmaster',
    passwd: '$1$Ab',
    uid: '1',
    gid: 0,
    gidText: '0',
    gecos: 'Postmaster',
    dir: '/v/d/postmaster',
    quota: 'NOQUOTA',
    clearPasswd: 'secret',
    source: 'text',
    line: 1,
  });
  assert.equal(t.entries[1].gid, 16);
  assert.equal(t.entries[1].clearPasswd, null);
  assert.equal(describeGidFlags(16), 'BOUNCE_MAIL');
  assert.equal(describeGidFlags(2 | 0x800), 'NO_POP|NO_SMTP');
  assert.equal(describeGidFlags(0), 'none');
});

test('vpasswd text: a short line stops listings but not the cdb builder; a missing newline is flagged', () => {
  const t = parseVpasswdText(Buffer.from('a:x:1:0:A:/d/a:NOQUOTA\nbroken:x:1\nc:x:1:0:C:/d/c:NOQUOTA'), '/d/vpasswd');
  assert.deepEqual(t.entries.map((e) => e.name), ['a']);
  assert.deepEqual(t.builderRecords.map((r) => r.key), ['a', 'broken', 'c']);
  const codes = t.diagnostics.map((d) => `${d.code}:${d.line}`);
  assert.ok(codes.includes('vpasswd-format:2'));
  assert.ok(codes.includes('vpasswd-truncated:3'));
  assert.ok(t.diagnostics.every((d) => d.path === '/d/vpasswd'));
});

test('vpasswd text: NUL bytes are reported as corrupt, never thrown', () => {
  const t = parseVpasswdText(Buffer.from([0x6a, 0, 0xff, 0x3a, 0x0a]), '/d/vpasswd');
  assert.ok(t.diagnostics.some((d) => d.code === 'vpasswd-binary' && d.severity === 'error'));
});

test('vpasswd.cdb: built like make_vpasswd_cdb, looked up by exact name', () => {
  const cdb = openVpasswdCdb(makeVpasswdCdb(VP_VPASSWD), '/d/vpasswd.cdb');
  assert.equal(cdb.state, 'ok');
  if (cdb.state !== 'ok') return;
  const joe = vpasswdCdbGet(cdb, 'joe')!;
  assert.equal(joe.dir, `${D}/joe`);
  assert.equal(joe.source, 'cdb');
  assert.equal(vpasswdCdbGet(cdb, 'JOE'), null);
  const text = parseVpasswdText(Buffer.from(VP_VPASSWD), '/d/vpasswd');
  assert.deepEqual(compareVpasswd(text, cdb), []);
  const edited = parseVpasswdText(Buffer.from(VP_VPASSWD + 'new:x:1:0:N:/d/new:NOQUOTA\n'), '/d/vpasswd');
  assert.match(compareVpasswd(edited, cdb)[0], /"new" is in vpasswd but not in vpasswd\.cdb/);
});

test('vpasswd.cdb: truncated or garbage bytes give a clear reason', () => {
  const good = makeVpasswdCdb(VP_VPASSWD);
  for (const bad of [good.subarray(0, 100), good.subarray(0, good.length - 9), Buffer.alloc(4096, 0xff)]) {
    const c = openVpasswdCdb(bad, '/d/vpasswd.cdb');
    assert.equal(c.state, 'corrupt');
    if (c.state === 'corrupt') assert.match(c.message, /vpasswd\.cdb is corrupt/);
  }
});

test('quota strings and maildirsize', () => {
  assert.deepEqual(parseQuota('NOQUOTA'), { kind: 'none' });
  assert.deepEqual(parseQuota('NOthing'), { kind: 'none' });
  assert.deepEqual(parseQuota('52428800S'), { kind: 'limit', bytes: 52428800, count: null, text: '52428800S' });
  assert.deepEqual(parseQuota('10485760S,1000C'), { kind: 'limit', bytes: 10485760, count: 1000, text: '10485760S,1000C' });
  assert.equal((parseQuota('1M') as { bytes: number }).bytes, 1048576);
  assert.equal((parseQuota('1024K') as { bytes: number }).bytes, 1048576);
  assert.equal((parseQuota('1MB') as { bytes: number }).bytes, 1048576);
  assert.equal(parseQuota('lots').kind, 'invalid');
  const ms = parseMaildirsize(Buffer.from('1000S\n800 3\n400 2\n'));
  assert.equal(ms.usedBytes, 1200);
  assert.equal(overQuota(ms.quota, ms, 0).over, true);
  assert.equal(overQuota(parseQuota('5000S'), ms, 100).over, false);
});

test('build header: options read, else vpopmail 5.4 defaults and it says so', () => {
  const b = parseVpopmailConfig('#define QMAIL_EXT 1\n#define USERS_BIG_DIR 1\n#define DOMAINS_DIR "domains"\n#define USE_CDB 1\n#define PACKAGE_VERSION "5.6.13"\n', '/home/vpopmail/include/vpopmail_config.h');
  assert.equal(b.qmailExt, true);
  assert.equal(b.valias, false);
  assert.equal(b.backend, 'cdb');
  assert.equal(b.version, '5.6.13');
  assert.match(b.explanation, /vpopmail_config\.h.*5\.6\.13/);
  assert.equal(parseVpopmailConfig('#define USE_MYSQL 1\n', 'x').backend, 'mysql');
  const fx = vpFixture();
  const d = loadVpopmailBuild(fx.sysroot(), '/home/vpopmail');
  assert.equal(d.path, null);
  assert.equal(d.qmailExt, false);
  assert.match(d.explanation, /5\.4 defaults assumed/);
});

test('catch-all argument kinds and user-name characters', () => {
  assert.equal(classifyCatchAll('delete').kind, 'delete');
  assert.equal(classifyCatchAll('Delete').kind, 'forward');
  assert.equal(classifyCatchAll('bounce-no-mailbox').kind, 'bounce-no-mailbox');
  assert.deepEqual(classifyCatchAll('/d/postmaster'), { kind: 'path', arg: '/d/postmaster', dir: '/d/postmaster/' });
  assert.deepEqual(invalidUserChars('a%b c'), ['%', ' ']);
  assert.deepEqual(invalidUserChars("o'neil+tag"), []);
});

test('vpopmail domains of an installation: real and alias domain, catch-all', () => {
  const fx = vpFixture();
  const ds = findVpopmailDomains(loadInstallation(fx.sysroot(), '/var/qmail'));
  assert.deepEqual(
    ds.map((d) => [d.domain, d.realDomain, d.alias, d.catchAll]),
    [
      ['alias.example', 'example.com', true, 'bounce-no-mailbox'],
      ['example.com', 'example.com', false, 'bounce-no-mailbox'],
    ],
  );
});

test('vpasswd pair: newer text and differences are warnings; missing cdb is noted', () => {
  const fx = vpFixture({
    vpasswd: VP_VPASSWD + `newbie:$1$n:1:0:New:${D}/newbie:NOQUOTA\n`,
    cdbFrom: VP_VPASSWD,
    files: { [`${D}/vpasswd`]: { content: VP_VPASSWD + `newbie:$1$n:1:0:New:${D}/newbie:NOQUOTA\n`, mode: 0o600, uid: 89, gid: 89, mtime: '2026-02-01T00:00:00Z' } },
  });
  const p = loadVpasswdPair(fx.sysroot(), D);
  const codes = p.diagnostics.map((d) => d.code);
  assert.ok(codes.includes('vpasswd-newer'));
  assert.ok(codes.includes('vpasswd-differs'));
  const missing = loadVpasswdPair(vpFixture({ cdbFrom: null }).sysroot(), D);
  assert.ok(missing.diagnostics.some((d) => d.code === 'vpasswd-cdb-missing'));
});

function lint(fx: ReturnType<typeof vpFixture>) {
  const s = fx.sysroot();
  return managerLint([loadInstallation(s, '/var/qmail')], systemUsersOf(s));
}

test('check: a clean VP fixture has no manager problems', () => {
  assert.deepEqual(lint(vpFixture()), []);
});

test('check: delete catch-all, Maildir catch-all, catch-all word, wrong argument count', () => {
  const dq = (arg: string) => vpFixture({ files: { [`${D}/.qmail-default`]: { content: `| /home/vpopmail/bin/vdelivermail ${arg}\n`, mode: 0o600, uid: 89, gid: 89 } } });
  const one = (arg: string) => lint(dq(arg)).map((d) => [d.code, d.severity, d.path, d.line]);
  assert.deepEqual(one("'' delete"), [['vpopmail-delete-catchall', 'warning', `${D}/.qmail-default`, 1]]);
  assert.deepEqual(one(`'' ${D}/postmaster/Maildir`), [['vpopmail-catchall-maildir', 'error', `${D}/.qmail-default`, 1]]);
  assert.deepEqual(one("'' bounce"), [['vpopmail-catchall-word', 'warning', `${D}/.qmail-default`, 1]]);
  assert.deepEqual(one('bounce-no-mailbox'), [['vpopmail-args', 'error', `${D}/.qmail-default`, 1]]);
  assert.deepEqual(one(`'' ${D}/postmaster`), []);
});

test('check: vpasswd newer than vpasswd.cdb, and a valias shadowed by a user', () => {
  const fx = vpFixture({
    files: {
      [`${D}/vpasswd`]: { content: VP_VPASSWD, mode: 0o600, uid: 89, gid: 89, mtime: '2026-03-01T00:00:00Z' },
      [`${D}/.qmail-joe`]: { content: '&boss@other.org\n', mode: 0o600, uid: 89, gid: 89 },
    },
  });
  const codes = lint(fx).map((d) => [d.code, d.path]);
  assert.deepEqual(codes, [
    ['vpasswd-newer', `${D}/vpasswd`],
    ['vpopmail-valias-shadows-user', `${D}/.qmail-joe`],
  ]);
});

test('check: a corrupt vpasswd.cdb is an error naming the file', () => {
  const fx = vpFixture({ files: { [`${D}/vpasswd.cdb`]: { content: Buffer.from('garbage'), mode: 0o600, uid: 89, gid: 89 } } });
  const d = lint(fx).find((x) => x.code === 'vpasswd-cdb-corrupt');
  assert.ok(d);
  assert.equal(d.path, `${D}/vpasswd.cdb`);
  assert.equal(d.severity, 'error');
});

test('domain summary: users from vpasswd.cdb, valiases, catch-all', () => {
  const fx = vpFixture();
  const inst = loadInstallation(fx.sysroot(), '/var/qmail');
  const d = findVpopmailDomains(inst).find((x) => x.domain === 'example.com')!;
  const s = summarizeVpopmailDomain(fx.sysroot(), d);
  assert.equal(s.users, 7);
  assert.equal(s.aliases, 1);
  assert.equal(s.catchAll, 'bounce-no-mailbox');
  assert.deepEqual(s.entries.find((e) => e.name === 'fwd')?.deliveries, ['&bob@other.org']);
  assert.deepEqual(s.entries.find((e) => e.name === 'alice')?.deliveries, [`${D}/0/alice/Maildir/`]);
  assert.deepEqual(s.entries.find((e) => e.name === 'info')?.deliveries, ['&joe@example.com']);
});
