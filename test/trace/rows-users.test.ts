// qmail-delivery.md §6.2 rows 35–59: users/assign and users/cdb
// (qmail-newu, qmail-lspawn) and passwd (qmail-getpw).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { traceB, outcomes, kinds, ude, withAssign, PASSWD } from './baseline.js';
import { parseAssign, compileUsersCdb } from '../../source/qmail/assign.js';
import { makeCdb } from '../../source/qmail/cdb.js';

const BOUNCE_511 = 'Sorry, no mailbox here by that name. (#5.1.1)';
const searchText = (r: ReturnType<typeof traceB>, hop = 0) => r.hops[hop].steps.find((s) => s.text.startsWith('.qmail search'))?.text ?? '';

test('row 35: an = line matches its exact local part, case folded; .qmail then .qmaildefault', () => {
  const r = traceB('Joe.Shmoe@example.com', withAssign('=joe.shmoe:joe:1001:100:/home/joe:::\n.\n'));
  assert.equal(ude(r), 'joe//(assign)');
  assert.match(searchText(r), /\.qmail\? no · \.qmaildefault\? no/);
  assert.deepEqual(outcomes(r), ['mbox /home/joe/Mailbox']);
  assert.equal(r.hops[0].dotqmail, null);
});

test('row 36: a + line: the rest of the address (case kept) follows pre', () => {
  const a = withAssign('+joe-:joe:1001:100:/home/joe:-:x:\n.\n');
  const r = traceB('JOE-Foo@example.com', a);
  assert.equal(ude(r), 'joe/-/xFoo(assign)');
  assert.match(searchText(r), /\.qmail-xfoo\? no · \.qmail-default\? no/);
  assert.deepEqual(outcomes(r), [`bounce ${BOUNCE_511}`]);
  const r2 = traceB('JOE-Foo@example.com', { ...a, '/home/joe/.qmail-default': './Mailbox\n' });
  assert.equal(r2.hops[0].dotqmail, '/home/joe/.qmail-default');
  assert.equal(r2.hops[0].env.DEFAULT, 'xFoo');
  assert.equal(r2.hops[0].env.EXT, 'xFoo');
});

test('row 37: +joe- covers joe- but not joe, which falls through to passwd', () => {
  const a = withAssign('+joe-:joe:1001:100:/home/joe:-::\n.\n');
  const r = traceB('joe-@example.com', a);
  assert.equal(ude(r), 'joe/-/(assign)');
  assert.match(searchText(r), /\.qmail-\? no · \.qmail-default\? no/);
  assert.deepEqual(kinds(r), ['bounce']);
  const r2 = traceB('joe@example.com', { ...a, '/home/joe/.qmail': './Mailbox\n' });
  assert.equal(ude(r2), 'joe//(passwd)');
  assert.equal(r2.hops[0].dotqmail, '/home/joe/.qmail');
});

test('row 38: +bill matches bill (ext "") and billy (ext y); bill never reads ~/.qmail', () => {
  const a = { ...withAssign('+bill:joe:1001:100:/home/joe:-::\n.\n'), '/home/joe/.qmail': './Mailbox\n' };
  const r = traceB('bill', a);
  assert.equal(ude(r), 'joe/-/(assign)');
  assert.equal(r.hops[0].dotqmail, null);
  assert.deepEqual(outcomes(r), [`bounce ${BOUNCE_511}`]);
  const r2 = traceB('billy', a);
  assert.equal(ude(r2), 'joe/-/y(assign)');
  assert.match(searchText(r2), /\.qmail-y\? no · \.qmail-default\? no/);
});

test('row 39: +JOE never matches (its wildcard char is stored upper case)', () => {
  const a = withAssign('+JOE:bob:1002:100:/home/bob:-::\n.\n');
  assert.equal(ude(traceB('joe', a)), 'joe//(passwd)');
  assert.equal(ude(traceB('joey', a)), 'alias/-/joey(alias)');
});

test('row 40: the first duplicate assign line wins', () => {
  const r = traceB('dup', withAssign('=dup:joe:1001:100:/home/joe:::\n=dup:bob:1002:100:/home/bob:::\n.\n'));
  assert.equal(ude(r), 'joe//(assign)');
  assert.equal(r.hops[0].user!.uid, 1001);
});

test('row 41: a +: line takes every address; passwd is never consulted', () => {
  const r = traceB('joe', withAssign('+:alias:7790:2108:/var/qmail/alias:-::\n.\n'));
  assert.equal(ude(r), 'alias/-/joe(assign)');
  assert.match(searchText(r), /\.qmail-joe\? no · \.qmail-default\? no/);
  assert.deepEqual(kinds(r), ['bounce']);
});

test('row 42: assign without the final "." line: qmail-newu refuses it; the old cdb stays and the trace warns', () => {
  const p = parseAssign(Buffer.from('=joe:joe:1001:100:/home/joe:::\n'));
  assert.ok(p.errors.length > 0);
  assert.throws(() => compileUsersCdb(Buffer.from('=joe:joe:1001:100:/home/joe:::\n')));
  const old = compileUsersCdb(Buffer.from('=joe:bob:1002:100:/home/bob:::\n.\n'));
  const r = traceB('joe', { '/var/qmail/users/assign': '=joe:joe:1001:100:/home/joe:::\n', '/var/qmail/users/cdb': old });
  assert.equal(ude(r), 'bob//(assign)');
  assert.ok(r.hops[0].steps.some((s) => s.warn && /format error/.test(s.text)));
});

test('row 43: a blank line or a #comment without a colon is a format error', () => {
  assert.ok(parseAssign(Buffer.from('=joe:joe:1001:100:/home/joe:::\n\n.\n')).errors.length > 0);
  assert.ok(parseAssign(Buffer.from('# users\n=joe:joe:1001:100:/home/joe:::\n.\n')).errors.length > 0);
});

test('row 44: a missing trailing colon is a format error', () => {
  assert.ok(parseAssign(Buffer.from('=joe:joe:1001:100:/home/joe::\n.\n')).errors.length > 0);
});

test('row 45: any first byte is taken as "=": #c is the simple key for c', () => {
  const r = traceB('c@example.com', { ...withAssign('#c:joe:1001:100:/home/joe:::\n.\n'), '/home/joe/.qmail': './Mailbox\n' });
  assert.equal(ude(r), 'joe//(assign)');
  assert.equal(r.hops[0].dotqmail, '/home/joe/.qmail');
});

test('row 46: users/cdb of 0 bytes, or without the "" record, defers every local delivery', () => {
  const want = ['defer Trouble reading users/cdb in qmail-lspawn.'];
  assert.deepEqual(outcomes(traceB('joe', { '/var/qmail/users/cdb': '' })), want);
  const noMarker = makeCdb([{ key: Buffer.from('!joe\0', 'latin1'), value: Buffer.from('joe\x001001\x00100\x00/home/joe\x00\x00', 'latin1') }]);
  const r = traceB('joe', { '/var/qmail/users/cdb': noMarker });
  assert.deepEqual(outcomes(r), want);
  assert.equal(r.hops[0].user, null);
});

test('row 47: assign edited but qmail-newu not run: the old cdb entry is used, with a warning', () => {
  const old = compileUsersCdb(Buffer.from('=joe:joe:1001:100:/home/joe-old:::\n.\n'));
  const r = traceB('joe', { '/var/qmail/users/assign': '=other:bob:1002:100:/home/bob:::\n.\n', '/var/qmail/users/cdb': old, '/home/joe-old/': { dir: true, uid: 1001, gid: 100 } });
  assert.equal(ude(r), 'joe//(assign)');
  assert.equal(r.hops[0].user!.home, '/home/joe-old');
  assert.ok(r.hops[0].steps.some((s) => s.warn && /disagrees/.test(s.text) && /qmail-newu/.test(s.text)));
});

test('row 48: an assign entry with uid 0 defers', () => {
  const r = traceB('joe', withAssign('=joe:joe:0:0:/home/joe:::\n.\n'));
  assert.deepEqual(outcomes(r), ['defer Not allowed to perform deliveries as root.']);
  assert.equal(r.hops[0].user!.uid, 0);
});

test('row 49: a relative home in assign is a qmail-local usage error: bounce', () => {
  const r = traceB('joe', withAssign('=joe:joe:1001:100:home/joe:::\n.\n'));
  assert.equal(ude(r), 'joe//(assign)');
  assert.deepEqual(kinds(r), ['bounce']);
});

test('row 50: a home that does not exist defers', () => {
  const r = traceB('joe', withAssign('=joe:joe:1001:100:/nonexistent:::\n.\n'));
  assert.deepEqual(outcomes(r), ['defer Unable to switch to /nonexistent: file does not exist. (#4.3.0)']);
});

test('row 51: JOE is looked up as joe', () => {
  const r = traceB('JOE', { '/home/joe/.qmail': './Maildir/\n' });
  assert.equal(ude(r), 'joe//(passwd)');
  assert.equal(r.hops[0].dotqmail, '/home/joe/.qmail');
  assert.equal(r.hops[0].env.LOCAL, 'JOE');
});

test('row 52: the longest passwd user wins', () => {
  const ch = { '/etc/passwd': PASSWD + 'joe-foo:x:1005:100::/home/joe-foo:/bin/sh\n', '/home/joe-foo/': { dir: true, uid: 1005, gid: 100 } };
  assert.equal(ude(traceB('joe-foo-x', ch)), 'joe-foo/-/x(passwd)');
  assert.equal(ude(traceB('joe-bar', ch)), 'joe/-/bar(passwd)');
});

test('row 53: uid-0 accounts are skipped: root goes to alias', () => {
  const r = traceB('root');
  assert.equal(ude(r), 'alias/-/root(alias)');
  assert.match(searchText(r), /\.qmail-root\? no · \.qmail-default\? no/);
  const r2 = traceB('Root-X');
  assert.equal(ude(r2), 'alias/-/Root-X(alias)');
  assert.match(searchText(r2), /\.qmail-root-x\? no · \.qmail-root-default\? no · \.qmail-default\? no/);
});

test('row 54: an account whose home does not exist is ignored', () => {
  assert.equal(ude(traceB('carol', { '/etc/passwd': PASSWD + 'carol:x:1003:100::/home/carol:/bin/sh\n' })), 'alias/-/carol(alias)');
});

test('row 55: an account whose home belongs to another uid is ignored', () => {
  const ch = { '/etc/passwd': PASSWD + 'dave:x:1004:100::/home/dave:/bin/sh\n', '/home/dave/': { dir: true, uid: 1002, gid: 100 } };
  assert.equal(ude(traceB('dave-x', ch)), 'alias/-/dave-x(alias)');
});

test('row 56: a 32-character login is never looked up (31 is)', () => {
  const n32 = 'n'.repeat(32);
  const n31 = 'm'.repeat(31);
  const ch = {
    '/etc/passwd': PASSWD + `${n32}:x:1006:100::/home/${n32}:/bin/sh\n${n31}:x:1007:100::/home/${n31}:/bin/sh\n`,
    [`/home/${n32}/`]: { dir: true, uid: 1006, gid: 100 },
    [`/home/${n31}/`]: { dir: true, uid: 1007, gid: 100 },
  };
  assert.equal(ude(traceB(n32, ch)), `alias/-/${n32}(alias)`);
  assert.equal(ude(traceB(n31, ch)), `${n31}//(passwd)`);
});

test('row 57: a passwd login with capital letters never matches', () => {
  const ch = { '/etc/passwd': PASSWD + 'Upper:x:1008:100::/home/Upper:/bin/sh\n', '/home/Upper/': { dir: true, uid: 1008, gid: 100 } };
  const r = traceB('Upper', ch);
  assert.equal(ude(r), 'alias/-/Upper(alias)');
  assert.match(searchText(r), /\.qmail-upper\? no/);
});

test('row 58: -joe goes to alias with ext -joe', () => {
  const r = traceB('-joe');
  assert.equal(ude(r), 'alias/-/-joe(alias)');
  assert.match(searchText(r), /\.qmail--joe\? no · \.qmail--default\? no · \.qmail-default\? no/);
});

test('row 59: no alias account: defer', () => {
  const r = traceB('nosuch', { '/etc/passwd': PASSWD.replace(/^alias:.*\n/m, '') });
  assert.deepEqual(outcomes(r), ['defer Unable to find alias user!']);
});
