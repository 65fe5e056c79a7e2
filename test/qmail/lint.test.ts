import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFixture, type FixtureEntry } from '../helpers/fixture.js';
import { loadInstallation, systemUsersOf } from '../../source/qmail/installation.js';
import { lintInstallations, formatDiagnostic, type LintRule } from '../../source/qmail/lint.js';
import { compileUsersCdb, compileMoreRcptHostsCdb } from '../../source/qmail/assign.js';
import type { Diagnostic } from '../../source/qmail/model-types.js';
import * as cdbModule from '../../source/qmail/cdb.js';

const C = '/var/qmail/control';
const BASE: Record<string, FixtureEntry> = {
  '/etc/passwd': 'root:x:0:0:root:/root:/bin/sh\nalias:x:7790:2108::/var/qmail/alias:/bin/false\nalice:x:1001:1001::/home/alice:/bin/sh\n',
  '/var/qmail/alias/.qmail-postmaster': '&root\n',
  '/home/alice/.qmail': './Maildir/\n',
  [`${C}/me`]: 'mail.example.com\n',
  [`${C}/locals`]: 'mail.example.com\n',
  [`${C}/rcpthosts`]: 'mail.example.com\n',
  '/var/qmail/rc': 'exec env - PATH="/var/qmail/bin:$PATH" qmail-start ./Maildir/ splogger qmail\n',
};

function lint(extra: Record<string, FixtureEntry>, roots = ['/var/qmail'], rules: LintRule[] = []): Diagnostic[] {
  const fx = makeFixture({ ...BASE, ...extra });
  const sr = fx.sysroot();
  return lintInstallations(roots.map((r) => loadInstallation(sr, r)), systemUsersOf(sr), rules);
}

const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);
const find = (ds: Diagnostic[], code: string) => ds.filter((d) => d.code === code);

test('a clean installation has no problem', () => {
  assert.deepEqual(lint({}), []);
});

test('virtual domain not in rcpthosts/morercpthosts: error at its virtualdomains line', () => {
  const d = find(lint({ [`${C}/virtualdomains`]: 'ok.example:ok\nvirt.example:v\n', [`${C}/rcpthosts`]: 'mail.example.com\nok.example\n' }), 'not-in-rcpthosts');
  assert.equal(d.length, 1);
  assert.equal(formatDiagnostic(d[0]).startsWith(`${C}/virtualdomains:2: error: virt.example is in control/virtualdomains but not in rcpthosts`), true);
});

test('domain in both locals and virtualdomains: locals wins (warning)', () => {
  const d = find(lint({ [`${C}/virtualdomains`]: 'mail.example.com:x\n' }), 'locals-shadows-virtual');
  assert.equal(d.length, 1);
  assert.equal(d[0].severity, 'warning');
  assert.match(d[0].message, /locals wins/);
});

const ASSIGN = '=alice:alice:1001:1001:/home/alice:::\n.\n';

test('users/assign without users/cdb: error, run qmail-newu', () => {
  const d = find(lint({ '/var/qmail/users/assign': ASSIGN }), 'cdb-missing');
  assert.equal(d.length, 1);
  assert.equal(d[0].severity, 'error');
  assert.equal(d[0].path, '/var/qmail/users/cdb');
  assert.match(d[0].message, /run qmail-newu/);
});

test('users/cdb older than users/assign and disagreeing: one error naming both', () => {
  const old = compileUsersCdb(Buffer.from('=bob:alice:1001:1001:/home/alice:::\n.\n'));
  const d = lint({
    '/var/qmail/users/assign': { content: ASSIGN, mtime: '2026-01-02T00:00:00Z' },
    '/var/qmail/users/cdb': { content: old, mtime: '2026-01-01T00:00:00Z' },
  });
  const m = find(d, 'cdb-mismatch');
  assert.equal(m.length, 1);
  assert.match(m[0].message, /older/);
  assert.match(m[0].message, /"!alice" from users\/assign is not in users\/cdb/);
  assert.match(m[0].message, /users\/cdb has "!bob"/);
  assert.equal(find(d, 'cdb-older').length, 0);
});

test('users/cdb newer but different (edited by hand): error; older but the same: info only', () => {
  const d = lint({ '/var/qmail/users/assign': ASSIGN, '/var/qmail/users/cdb': compileUsersCdb(Buffer.from('=alice:alice:1001:1001:/home/alice:::\n=x:alice:1001:1001:/home/alice:::\n.\n')) });
  assert.equal(find(d, 'cdb-mismatch').length, 1);
  const same = lint({
    '/var/qmail/users/assign': { content: ASSIGN, mtime: '2026-01-02T00:00:00Z' },
    '/var/qmail/users/cdb': { content: compileUsersCdb(Buffer.from(ASSIGN)), mtime: '2026-01-01T00:00:00Z' },
  });
  assert.deepEqual(same.map((x) => [x.code, x.severity]), [['cdb-older', 'info']]);
});

test('users/cdb without the "" record: every local delivery defers (error)', () => {
  const { makeCdb } = cdbModule;
  const d = lint({ '/var/qmail/users/cdb': makeCdb([{ key: Buffer.from('!alice\0'), value: Buffer.from('alice\x001001\x001001\x00/home/alice\x00\x00') }]) });
  assert.deepEqual(find(d, 'cdb-no-marker').map((x) => x.severity), ['error']);
});


test('assign syntax errors, with their lines; users/cdb keeps its old content', () => {
  const d = lint({
    '/var/qmail/users/assign': '=alice:alice:1001:1001:/home/alice:::\n# comment\n=bob:bob:1:2:/h::\n.\n',
    '/var/qmail/users/cdb': compileUsersCdb(Buffer.from(ASSIGN)),
  });
  assert.deepEqual(find(d, 'assign-format').map((x) => [x.line, x.severity]), [[2, 'error'], [3, 'error']]);
  assert.equal(find(d, 'cdb-stale').length, 1);
});

test('+ entries that can never match: last letter upper case, unless another + line ends in its lower case', () => {
  const a1 = '+JOE:alice:1001:1001:/home/alice:-::\n.\n';
  const d1 = find(lint({ '/var/qmail/users/assign': a1, '/var/qmail/users/cdb': compileUsersCdb(Buffer.from(a1)) }), 'assign-dead-wildcard');
  assert.deepEqual(d1.map((x) => [x.line, x.severity]), [[1, 'warning']]);
  assert.match(d1[0].message, /write \+joe/);
  const a2 = '+JOE:alice:1001:1001:/home/alice:-::\n+mike:alice:1001:1001:/home/alice:-::\n.\n';
  assert.equal(find(lint({ '/var/qmail/users/assign': a2, '/var/qmail/users/cdb': compileUsersCdb(Buffer.from(a2)) }), 'assign-dead-wildcard').length, 0);
});

test('a +: catch-all hides every passwd user without its own entry', () => {
  const a = '+:alias:7790:2108:/var/qmail/alias:-::\n.\n';
  const d = find(lint({ '/var/qmail/users/assign': a, '/var/qmail/users/cdb': compileUsersCdb(Buffer.from(a)) }), 'assign-catchall-hides-passwd');
  assert.equal(d.length, 1);
  assert.match(d[0].message, /1 passwd user \(alice\)/);
  const withOwn = '=alice:alice:1001:1001:/home/alice:::\n+:alias:7790:2108:/var/qmail/alias:-::\n.\n';
  assert.equal(find(lint({ '/var/qmail/users/assign': withOwn, '/var/qmail/users/cdb': compileUsersCdb(Buffer.from(withOwn)) }), 'assign-catchall-hides-passwd').length, 0);
});

test('assign: duplicate keys (first wins), "#" lead, uid 0, home missing', () => {
  const a = '=alice:alice:1001:1001:/home/alice:::\n=Alice:x:1001:1001:/home/alice:::\n#c:alice:1001:1001:/home/alice:::\n=r:root:0:0:/root:::\n=gone:alice:1001:1001:/home/gone:::\n.\n';
  const d = lint({ '/var/qmail/users/assign': a, '/var/qmail/users/cdb': compileUsersCdb(Buffer.from(a)), '/root/.keep': '' });
  assert.deepEqual(find(d, 'assign-duplicate').map((x) => x.line), [2]);
  assert.deepEqual(find(d, 'assign-lead').map((x) => x.line), [3]);
  assert.deepEqual(find(d, 'assign-root').map((x) => [x.line, x.severity]), [[4, 'error']]);
  assert.deepEqual(find(d, 'assign-home-missing').map((x) => x.line), [5]);
});

test('control files with carriage returns or kept blanks', () => {
  const d = lint({ [`${C}/rcpthosts`]: 'mail.example.com\r\n', [`${C}/locals`]: 'mail.example.com\n #x\n' });
  assert.deepEqual(find(d, 'control-cr').map((x) => [x.path, x.line]), [[`${C}/rcpthosts`, 1]]);
  assert.deepEqual(find(d, 'control-leading-blank').map((x) => [x.path, x.line]), [[`${C}/locals`, 2]]);
});

test('passwd users whose home is missing or not theirs (the alias user gets their mail)', () => {
  const d = lint({
    '/etc/passwd': 'alias:x:7790:2108::/var/qmail/alias:/bin/false\nalice:x:1001:1001::/home/alice:/bin/sh\nbob:x:1002:1002::/home/bob:/bin/sh\ncarol:x:1003:1003::/home/carol:/bin/sh\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n',
    '/home/bob/': { dir: true, uid: 1001, gid: 1001 },
  });
  assert.deepEqual(find(d, 'home-owner').map((x) => [x.path, x.line]), [['/etc/passwd', 3]]);
  assert.deepEqual(find(d, 'home-missing').map((x) => [x.path, x.line]), [['/etc/passwd', 4]]);
});

test('no alias user: error', () => {
  const d = lint({ '/etc/passwd': 'alice:x:1001:1001::/home/alice:/bin/sh\n' });
  assert.deepEqual(find(d, 'alias-missing').map((x) => x.severity), ['error']);
});

test('morercpthosts newer than its cdb; text without cdb', () => {
  const d = lint({
    [`${C}/morercpthosts`]: { content: 'more.example\n', mtime: '2026-01-02T00:00:00Z' },
    [`${C}/morercpthosts.cdb`]: { content: compileMoreRcptHostsCdb('more.example\n'), mtime: '2026-01-01T00:00:00Z' },
  });
  assert.deepEqual(find(d, 'morercpthosts-stale').map((x) => [x.path, x.severity]), [[`${C}/morercpthosts.cdb`, 'warning']]);
  const d2 = lint({ [`${C}/morercpthosts`]: 'more.example\n' });
  assert.equal(find(d2, 'morercpthosts-no-cdb').length, 1);
});

test('unreadable users/cdb is reported with its path', () => {
  const fx = makeFixture({ ...BASE, '/var/qmail/users/cdb': 'x' });
  const sr = fx.sysroot({ faults: { '/var/qmail/users/cdb': 'EACCES' } });
  const d = lintInstallations([loadInstallation(sr, '/var/qmail')], systemUsersOf(sr));
  assert.ok(d.some((x) => x.path === '/var/qmail/users/cdb' && x.code === 'unreadable' && x.severity === 'error'));
});

test('problems are sorted by path then line; each once', () => {
  const d = lint({ [`${C}/virtualdomains`]: 'b.example:b\na.example:a\nnocolon\n' });
  const keys = d.map((x) => `${x.path}:${x.line ?? 0}`);
  assert.deepEqual(keys, [...keys].sort((a, b) => (a.split(':')[0] === b.split(':')[0] ? Number(a.split(':')[1]) - Number(b.split(':')[1]) : a < b ? -1 : 1)));
  assert.equal(find(d, 'map-no-colon').length, 1);
});

test('extra rule sets: a caller adds its own to one call, and only to that one', () => {
  const extra: LintRule = () => [{ path: '/x', line: null, severity: 'info', code: 'extra-rule', message: 'from another helper' }];
  assert.deepEqual(codes(lint({}, undefined, [extra])), ['extra-rule']);
  assert.deepEqual(codes(lint({})), []);
});
