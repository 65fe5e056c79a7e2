// qmail-delivery.md §6.2 rows 60–113: qmail-local (the .qmail search, modes,
// line kinds, NEWSENDER, the Delivered-To loop rule, forwards as new hops).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { traceB, traceIn, baseline, outcomes, kinds, ude, withAssign, maildir, PASSWD } from './baseline.js';
import { messageHeaderLines } from '../../source/trace/walk.js';

const BOUNCE_511 = 'Sorry, no mailbox here by that name. (#5.1.1)';
const LOOP = 'loop';
const searchText = (r: ReturnType<typeof traceB>, hop = 0) => r.hops[hop].steps.find((s) => s.text.startsWith('.qmail search'))?.text ?? '';
const VD_B = 'virt.example:joe-virt\npostmaster@other.example:pm\nother.example:bob\n.sub.example:sub\nexcl.sub.example:\n';
const RC = '/var/qmail/rc';

test('row 60: a dot is no break: joe.smith goes to alias, .qmail-default gives DEFAULT=joe.smith', () => {
  const r = traceB('joe.smith', { '/var/qmail/alias/.qmail-default': './Mailbox\n' });
  assert.equal(ude(r), 'alias/-/joe.smith(alias)');
  assert.match(searchText(r), /\.qmail-joe:smith\? no · \.qmail-default\? yes/);
  assert.equal(r.hops[0].dotqmail, '/var/qmail/alias/.qmail-default');
  assert.equal(r.hops[0].env.DEFAULT, 'joe.smith');
  assert.deepEqual(outcomes(r), ['mbox /var/qmail/alias/Mailbox']);
});

test('row 61: .qmaildefault serves the bare user, DEFAULT=""', () => {
  const r = traceB('joe', { '/home/joe/.qmaildefault': '|echo hi\n' });
  assert.equal(ude(r), 'joe//(passwd)');
  assert.equal(r.hops[0].dotqmail, '/home/joe/.qmaildefault');
  assert.equal(r.hops[0].env.DEFAULT, '');
  assert.deepEqual(outcomes(r), ['program echo hi']);
});

test('row 62: joe-foo with no file bounces', () => {
  const r = traceB('joe-foo');
  assert.equal(ude(r), 'joe/-/foo(passwd)');
  assert.equal(r.hops[0].dotqmail, null);
  assert.deepEqual(outcomes(r), [`bounce ${BOUNCE_511}`]);
});

test('row 63: .qmail-x-default covers x- and x-y, not x', () => {
  const ch = { '/home/joe/.qmail-x-default': './Mailbox\n' };
  const a = traceB('joe-x', ch);
  assert.equal(ude(a), 'joe/-/x(passwd)');
  assert.deepEqual(kinds(a), ['bounce']);
  const b = traceB('joe-x-', ch);
  assert.equal(b.hops[0].dotqmail, '/home/joe/.qmail-x-default');
  assert.equal(b.hops[0].env.DEFAULT, '');
  const c = traceB('joe-x-y', ch);
  assert.equal(c.hops[0].env.DEFAULT, 'y');
  assert.deepEqual(outcomes(c), ['mbox /home/joe/Mailbox']);
});

test('row 64: dots become colons in file names; DEFAULT keeps case and dots', () => {
  const r = traceB('joe-Foo.Bar-Baz.Q', { '/home/joe/.qmail-foo:bar-default': './Mailbox\n' });
  assert.equal(r.hops[0].user!.ext, 'Foo.Bar-Baz.Q');
  assert.equal(r.hops[0].dotqmail, '/home/joe/.qmail-foo:bar-default');
  assert.equal(r.hops[0].env.DEFAULT, 'Baz.Q');
});

test('row 65: ext DEFAULT matches .qmail-default directly, DEFAULT=DEFAULT', () => {
  const r = traceB('joe-DEFAULT', { '/home/joe/.qmail-default': './Mailbox\n' });
  assert.equal(r.hops[0].dotqmail, '/home/joe/.qmail-default');
  assert.equal(r.hops[0].env.DEFAULT, 'DEFAULT');
  assert.match(searchText(r), /^\.qmail search \(ext "DEFAULT", dash "-"\): \.qmail-default\? yes/);
});

test('row 66: a directory named .qmail-foo is skipped', () => {
  const r = traceB('joe-foo', { '/home/joe/.qmail-foo/': { dir: true, uid: 1001, gid: 100 }, '/home/joe/.qmail-default': './Mailbox\n' });
  assert.equal(r.hops[0].dotqmail, '/home/joe/.qmail-default');
  assert.equal(r.hops[0].env.DEFAULT, 'foo');
});

test('row 67: "/" in the extension reaches a file inside a .qmail-sub directory', () => {
  const r = traceB('joe-sub/x', { '/home/joe/.qmail-sub/x': './Mailbox\n' });
  assert.equal(r.hops[0].user!.ext, 'sub/x');
  assert.equal(r.hops[0].dotqmail, '/home/joe/.qmail-sub/x');
  assert.deepEqual(outcomes(r), ['mbox /home/joe/Mailbox']);
});

test('row 68: a 0-byte .qmail-foo gets the default delivery', () => {
  const r = traceB('joe-foo', { '/home/joe/.qmail-foo': '' });
  assert.equal(r.hops[0].dotqmail, '/home/joe/.qmail-foo');
  assert.deepEqual(outcomes(r), ['mbox /home/joe/Mailbox']);
});

test('row 69: a blank first line defers (also one of only blanks)', () => {
  const want = ['defer Uh-oh: first line of .qmail file is blank. (#4.2.1)'];
  assert.deepEqual(outcomes(traceB('joe-foo', { '/home/joe/.qmail-foo': '\n./Mailbox\n' })), want);
  assert.deepEqual(outcomes(traceB('joe-foo', { '/home/joe/.qmail-foo': '  \n./Mailbox\n' })), want);
});

test('row 70: a world-writable .qmail defers; group-writable is fine', () => {
  const r = traceB('joe-foo', { '/home/joe/.qmail-foo': { content: './Mailbox\n', mode: 0o646, uid: 1001, gid: 100 } });
  assert.deepEqual(outcomes(r), ['defer Uh-oh: .qmail file is writable. (#4.7.0)']);
  const r2 = traceB('joe-foo', { '/home/joe/.qmail-foo': { content: './Mailbox\n', mode: 0o664, uid: 1001, gid: 100 } });
  assert.deepEqual(outcomes(r2), ['mbox /home/joe/Mailbox']);
});

test('row 71: sticky home defers, world-writable home defers, group-writable is fine', () => {
  const home = (mode: number) => ({ '/home/joe/': { dir: true as const, mode, uid: 1001, gid: 100 } });
  assert.deepEqual(outcomes(traceB('joe', home(0o1755))), ['defer Home directory is sticky: user is editing his .qmail file. (#4.2.1)']);
  assert.deepEqual(outcomes(traceB('joe', home(0o757))), ['defer Uh-oh: home directory is writable. (#4.7.0)']);
  assert.deepEqual(outcomes(traceB('joe', home(0o775))), ['mbox /home/joe/Mailbox']);
});

test('row 72: x bit and a program line: defer, nothing forwarded', () => {
  const r = traceB('joe-foo', { '/home/joe/.qmail-foo': { content: '&a@b.c\n|prog\n', mode: 0o744, uid: 1001, gid: 100 } });
  assert.deepEqual(outcomes(r), ['defer Uh-oh: .qmail has prog delivery but has x bit set. (#4.7.0)']);
  assert.equal(r.hops.length, 1);
});

test('row 73: x bit with only forwards: forwarded', () => {
  const r = traceB('joe-foo', { '/home/joe/.qmail-foo': { content: '&a@b.c\n', mode: 0o744, uid: 1001, gid: 100 } });
  assert.deepEqual(outcomes(r), ['forward a@b.c', 'remote a@b.c']);
});

test('row 74: +list turns forward-only on: the later file line defers, the forward is not sent', () => {
  const r = traceB('joe-foo', { '/home/joe/.qmail-foo': '+list\n&a@b\n./Mailbox\n' });
  assert.deepEqual(outcomes(r), ['defer Uh-oh: .qmail has file delivery but has x bit set. (#4.7.0)']);
  assert.equal(r.hops.length, 1);
});

test('row 75: forwards and a program (exit 99 per the ruling assumed 0): every line followed, the step tells', () => {
  const r = traceB('joe-foo', { '/home/joe/.qmail-foo': '&a@b.c\nplain@x.y\n|exit 99\n&never@x\n' });
  assert.deepEqual(kinds(r), ['forward', 'remote', 'forward', 'remote', 'program', 'forward', 'remote']);
  assert.deepEqual(r.deliveries.filter((d) => d.kind === 'forward').map((d) => d.target), ['a@b.c', 'plain@x.y', 'never@x']);
  assert.ok(r.hops[0].steps.some((s) => /exit 99/.test(s.text) && /skips every later line/.test(s.text)));
});

test('row 76: programs exiting 64 / 1 / killed: program deliveries (exit 0 assumed), steps tell the real outcome', () => {
  for (const [cmd, words] of [['exit 64', /bounces/], ['exit 1', /retried/]] as const) {
    const r = traceB('joe-foo', { '/home/joe/.qmail-foo': `|${cmd}\n` });
    assert.deepEqual(outcomes(r), [`program ${cmd}`]);
    assert.ok(r.hops[0].steps.some((s) => words.test(s.text)));
  }
  const k = traceB('joe-foo', { '/home/joe/.qmail-foo': '|kill -9 $$\n' });
  assert.deepEqual(outcomes(k), ['program kill -9 $$']);
  assert.ok(k.hops[0].steps.some((s) => /111 would defer/.test(s.text)));
});

test('row 77: mbox then a program: both listed', () => {
  const r = traceB('joe-foo', { '/home/joe/.qmail-foo': './Mailbox\n|exit 111\n' });
  assert.deepEqual(outcomes(r), ['mbox /home/joe/Mailbox', 'program exit 111']);
});

test('row 78: the message already carries my Delivered-To line: loop bounce', () => {
  const r = traceB('joe-foo@example.com', { '/home/joe/.qmail-foo': './Maildir/\n' }, { headerLines: ['Delivered-To: joe-foo@example.com'] });
  assert.deepEqual(outcomes(r), [`${LOOP} joe-foo@example.com`]);
  assert.equal(ude(r), 'joe/-/foo(passwd)');
});

test('row 79: Delivered-To compares case-sensitively: no loop', () => {
  const r = traceB('joe-foo@example.com', { '/home/joe/.qmail-foo': './Maildir/\n', ...maildir('/home/joe/Maildir') }, { headerLines: ['Delivered-To: joe-foo@Example.com'] });
  assert.deepEqual(outcomes(r), ['maildir /home/joe/Maildir/']);
});

test('row 80: in a CRLF message the header scan goes on into the body', () => {
  const msg = 'From: a@b\r\nSubject: x\r\n\r\nDelivered-To: joe-foo@example.com\nbody\n';
  const lines = messageHeaderLines(msg);
  assert.ok(lines.includes('Delivered-To: joe-foo@example.com'));
  const lf = messageHeaderLines('From: a@b\n\nDelivered-To: joe-foo@example.com\n');
  assert.ok(!lf.includes('Delivered-To: joe-foo@example.com'));
  const r = traceB('joe-foo@example.com', { '/home/joe/.qmail-foo': './Maildir/\n' }, { headerLines: lines });
  assert.deepEqual(kinds(r), [LOOP]);
});

test('row 81: .qmail-list-owner makes forwards go out from joe-list-owner@', () => {
  const r = traceB('joe-list@example.com', { '/home/joe/.qmail-list': '&a@b.c\n', '/home/joe/.qmail-list-owner': './Mailbox\n' });
  assert.equal(r.hops[0].env.NEWSENDER, 'joe-list-owner@example.com');
  assert.deepEqual(outcomes(r), ['forward a@b.c', 'remote a@b.c']);
  assert.equal(r.hops[1].sender, 'joe-list-owner@example.com');
});

test('row 82: with -owner-default too, VERP: each recipient gets its own sender', () => {
  const r = traceB('joe-list@example.com', {
    '/home/joe/.qmail-list': '&a@b.c\n',
    '/home/joe/.qmail-list-owner': './Mailbox\n',
    '/home/joe/.qmail-list-owner-default/': { dir: true, uid: 1001, gid: 100 },
  });
  assert.equal(r.hops[0].env.NEWSENDER, 'joe-list-owner-@example.com-@[]');
  assert.equal(r.hops[1].sender, 'joe-list-owner-a=b.c@example.com');
});

test('row 83: a bounce (sender "" or #@[]) is forwarded with the sender unchanged', () => {
  const ch = { '/home/joe/.qmail-list': '&a@b.c\n', '/home/joe/.qmail-list-owner': './Mailbox\n', '/home/joe/.qmail-list-owner-default': '' };
  for (const sender of ['', '#@[]']) {
    const r = traceB('joe-list@example.com', ch, { sender });
    assert.equal(r.hops[0].env.NEWSENDER, sender);
    assert.equal(r.hops[1].sender, sender);
  }
});

test('row 84: leading blanks make forwards: "  ./Mailbox" and " me@x"', () => {
  const r = traceB('joe-foo', { '/home/joe/.qmail-foo': '  ./Mailbox\n& me@x\n' });
  assert.deepEqual(r.deliveries.filter((d) => d.kind === 'forward').map((d) => d.target), ['  ./Mailbox', ' me@x']);
  assert.ok(!r.deliveries.some((d) => d.kind === 'mbox'));
});

test('row 85: ~alias/.qmail-postmaster of 0 bytes: default delivery in the alias home', () => {
  const r = traceB('POSTMASTER', { '/var/qmail/alias/.qmail-postmaster': '' });
  assert.equal(ude(r), 'alias/-/POSTMASTER(alias)');
  assert.equal(r.hops[0].dotqmail, '/var/qmail/alias/.qmail-postmaster');
  assert.deepEqual(outcomes(r), ['mbox /var/qmail/alias/Mailbox']);
});

test('row 86: the alias user never gets the default delivery for a missing file', () => {
  const r = traceB('nonexistent');
  assert.equal(ude(r), 'alias/-/nonexistent(alias)');
  assert.equal(r.hops[0].dotqmail, null);
  assert.deepEqual(outcomes(r), [`bounce ${BOUNCE_511}`]);
});

test('row 87: NEWSENDER of a virtual-domain list holds the prepend', () => {
  const r = traceB('list@virt.example', { '/home/joe/.qmail-virt-list': '&a@b.c\n', '/home/joe/.qmail-virt-list-owner': './Mailbox\n' });
  assert.equal(ude(r), 'joe/-/virt-list(passwd)');
  assert.equal(r.hops[0].dotqmail, '/home/joe/.qmail-virt-list');
  assert.equal(r.hops[1].sender, 'joe-virt-list-owner@virt.example');
  const back = traceB('joe-virt-list-owner@virt.example');
  assert.equal(ude(back), 'joe/-/virt-joe-virt-list-owner(passwd)');
});

test("row 88: qmail-start given '' as the default delivery: defer, first line blank", () => {
  const r = traceB('joe', { [RC]: "#!/bin/sh\nexec env - PATH=\"/var/qmail/bin:$PATH\" qmail-start '' splogger qmail\n" });
  assert.equal(ude(r), 'joe//(passwd)');
  assert.equal(r.hops[0].dotqmail, null);
  assert.deepEqual(outcomes(r), ['defer Uh-oh: first line of .qmail file is blank. (#4.2.1)']);
});

test('row 89: a two-line default delivery: maildir, then the program', () => {
  const r = traceB('joe', {
    [RC]: '#!/bin/sh\nexec env - PATH="/var/qmail/bin:$PATH" qmail-start "`cat /var/qmail/control/defaultdelivery`" splogger qmail\n',
    '/var/qmail/control/defaultdelivery': './Maildir/\n|echo two\n',
    ...maildir('/home/joe/Maildir'),
  });
  assert.deepEqual(outcomes(r), ['maildir /home/joe/Maildir/', 'program echo two']);
});

test('row 90: a sticky home (qlens imitates qmail-local without -n): defer', () => {
  const r = traceB('joe', { '/home/joe/': { dir: true, mode: 0o1755, uid: 1001, gid: 100 }, '/home/joe/.qmail': './Mailbox\n' });
  assert.deepEqual(kinds(r), ['defer']);
});

test('row 91: the account alias as an ordinary user: the bare address gets the default delivery', () => {
  const r = traceB('alias@example.com');
  assert.equal(ude(r), 'alias//(passwd)');
  assert.match(searchText(r), /\.qmail\? no · \.qmaildefault\? no/);
  assert.deepEqual(outcomes(r), ['mbox /var/qmail/alias/Mailbox']);
  const x = traceB('Alias-X@example.com');
  assert.equal(ude(x), 'alias/-/X(passwd)');
  assert.match(searchText(x), /\.qmail-x\? no · \.qmail-default\? no/);
  assert.deepEqual(kinds(x), ['bounce']);
});

test('row 92: control/virtualdomains unreadable (EACCES): qmail-send would not start; the message waits', () => {
  const fx = baseline();
  const r = traceIn(fx, 'info@virt.example', {}, '/var/qmail', { '/var/qmail/control/virtualdomains': 'EACCES' });
  assert.deepEqual(kinds(r), ['defer']);
  assert.ok(r.hops[0].steps.some((s) => /cannot start/.test(s.text) && s.path === '/var/qmail/control/virtualdomains'));
});

test('row 93: a recipient stored on the remote channel stays remote', () => {
  const r = traceB('joe@example.com', {}, { channel: 'remote' });
  assert.deepEqual(outcomes(r), ['remote joe@example.com']);
  const l = traceB('joe-virt-info@virt.example', { '/home/joe/.qmail-virt-info': './Mailbox\n' }, { channel: 'local' });
  assert.equal(ude(l), 'joe/-/virt-info(passwd)');
  assert.deepEqual(outcomes(l), ['mbox /home/joe/Mailbox']);
});

test('row 94: a .qmail name with an upper-case letter never matches', () => {
  for (const a of ['joe-sales', 'joe-Sales', 'joe-SALES']) {
    const r = traceB(a, { '/home/joe/.qmail-Sales': './Mailbox\n' });
    assert.match(searchText(r), /\.qmail-sales\? no · \.qmail-default\? no/);
    assert.deepEqual(kinds(r), ['bounce']);
  }
});

test('row 95: a literal dot in a .qmail name never matches', () => {
  const r = traceB('joe-a.b', { '/home/joe/.qmail-a.b': './Mailbox\n' });
  assert.match(searchText(r), /\.qmail-a:b\? no · \.qmail-default\? no/);
  assert.deepEqual(kinds(r), ['bounce']);
});

test('row 96: only .qmail-default: joe gets the default delivery, joe-x the program', () => {
  const ch = { '/home/joe/.qmail-default': '|prog\n' };
  const r = traceB('joe', ch);
  assert.equal(r.hops[0].dotqmail, null);
  assert.deepEqual(outcomes(r), ['mbox /home/joe/Mailbox']);
  const x = traceB('joe-x', ch);
  assert.equal(x.hops[0].dotqmail, '/home/joe/.qmail-default');
  assert.equal(x.hops[0].env.DEFAULT, 'x');
  assert.deepEqual(outcomes(x), ['program prog']);
});

test('row 97: the longest -default wins; m itself is not covered by .qmail-m-default', () => {
  const ch = { '/home/joe/.qmail-m-default': '|one\n', '/home/joe/.qmail-m-n-default': '|two\n' };
  const a = traceB('joe-m-n-o', ch);
  assert.equal(a.hops[0].dotqmail, '/home/joe/.qmail-m-n-default');
  assert.equal(a.hops[0].env.DEFAULT, 'o');
  assert.deepEqual(outcomes(a), ['program two']);
  const b = traceB('joe-m-n', ch);
  assert.equal(b.hops[0].dotqmail, '/home/joe/.qmail-m-default');
  assert.equal(b.hops[0].env.DEFAULT, 'n');
  assert.deepEqual(outcomes(b), ['program one']);
  assert.deepEqual(kinds(traceB('joe-m', ch)), ['bounce']);
});

test('row 98: a .qmail of only comments delivers nothing (no bounce, no default delivery)', () => {
  for (const content of ['# no mail wanted\n', '# x\n+list\n', '# x\n\n\n']) {
    const r = traceB('joe', { '/home/joe/.qmail': content });
    assert.equal(r.hops[0].dotqmail, '/home/joe/.qmail');
    assert.deepEqual(r.deliveries, []);
  }
});

test('row 99: ~/.qmail with the x bit: file line or program line defers, forwards go', () => {
  const x = (content: string) => ({ '/home/joe/.qmail': { content, mode: 0o755, uid: 1001, gid: 100 } });
  assert.deepEqual(outcomes(traceB('joe', x('./Maildir/\n'))), ['defer Uh-oh: .qmail has file delivery but has x bit set. (#4.7.0)']);
  assert.deepEqual(outcomes(traceB('joe', x('|prog\n'))), ['defer Uh-oh: .qmail has prog delivery but has x bit set. (#4.7.0)']);
  const f = traceB('joe', x('&bob@example.com\n'));
  assert.deepEqual(outcomes(f), ['forward bob@example.com', 'mbox /home/bob/Mailbox']);
});

test('row 100: ./Maildir without the slash is an mbox line: defer on a directory', () => {
  const r = traceB('joe', { '/home/joe/.qmail': './Maildir\n', ...maildir('/home/joe/Maildir') });
  assert.equal(r.hops[0].dotqmail, '/home/joe/.qmail');
  assert.deepEqual(outcomes(r), ['defer Unable to open ./Maildir: is a directory. (#4.2.1)']);
});

test('row 101: a program line keeps leading blanks, drops trailing ones, expands nothing', () => {
  const r = traceB('joe-p', { '/home/joe/.qmail-p': '|  /usr/bin/prog "$EXT"  \n' });
  assert.equal(ude(r), 'joe/-/p(passwd)');
  assert.equal(r.hops[0].dotqmail, '/home/joe/.qmail-p');
  assert.ok(!('DEFAULT' in r.hops[0].env));
  assert.deepEqual(outcomes(r), ['program   /usr/bin/prog "$EXT"']);
});

test('row 102: &bob is forwarded verbatim; qmail-send adds @envnoathost', () => {
  const r = traceB('joe-f@example.com', { '/home/joe/.qmail-f': '&bob\n' });
  assert.deepEqual(outcomes(r), ['forward bob', 'mbox /home/bob/Mailbox']);
  assert.equal(r.hops[1].recipient, 'bob');
  assert.equal(r.hops[1].rewritten, 'bob@mail.example.com');
  assert.equal(ude(r, 1), 'bob//(passwd)');
});

test('row 103: duplicate passwd logins: the first line is the account', () => {
  const dup = PASSWD + 'joe:x:1009:100::/home/joe2:/bin/sh\n';
  const r = traceB('joe', { '/etc/passwd': dup, '/home/joe/.qmail': './Mailbox\n', '/home/joe2/': { dir: true, uid: 1009, gid: 100 } });
  assert.equal(r.hops[0].user!.uid, 1001);
  assert.equal(r.hops[0].user!.home, '/home/joe');
  assert.equal(r.hops[0].dotqmail, '/home/joe/.qmail');
  const gone = traceB('joe', { '/etc/passwd': dup.replace('/home/joe:', '/home/gone:'), '/home/joe2/': { dir: true, uid: 1009, gid: 100 } });
  assert.equal(ude(gone), 'alias/-/joe(alias)');
});

test('row 104: a passwd home with a trailing slash works; HOME keeps it', () => {
  const r = traceB('joe-x', { '/etc/passwd': PASSWD.replace('/home/joe:', '/home/joe/:'), '/home/joe/.qmail-x': './Maildir/\n', ...maildir('/home/joe/Maildir') });
  assert.equal(ude(r), 'joe/-/x(passwd)');
  assert.equal(r.hops[0].env.HOME, '/home/joe/');
  assert.equal(r.hops[0].dotqmail, '/home/joe/.qmail-x');
  assert.deepEqual(outcomes(r), ['maildir /home/joe/Maildir/']);
});

test('row 105: an = line covers only its exact local part; extensions fall through to passwd', () => {
  const ch = { ...withAssign('=joe:joe:1001:100:/home/joe-a:::\n.\n'), '/home/joe-a/': { dir: true, uid: 1001, gid: 100 }, '/home/joe-a/.qmail': './Mailbox\n', '/home/joe/.qmail-x': './Mailbox\n' };
  const r = traceB('joe', ch);
  assert.equal(ude(r), 'joe//(assign)');
  assert.equal(r.hops[0].user!.home, '/home/joe-a');
  assert.equal(r.hops[0].dotqmail, '/home/joe-a/.qmail');
  const x = traceB('joe-x', ch);
  assert.equal(ude(x), 'joe/-/x(passwd)');
  assert.equal(x.hops[0].dotqmail, '/home/joe/.qmail-x');
});

test("row 106: no owner check for assign homes: joe in bob's home cannot create ./Mailbox", () => {
  const r = traceB('common', withAssign('=common:joe:1001:100:/home/bob:::\n.\n'));
  assert.equal(ude(r), 'joe//(assign)');
  assert.equal(r.hops[0].dotqmail, null);
  assert.deepEqual(outcomes(r), ['defer Unable to open ./Mailbox: access denied. (#4.2.1)']);
});

test('row 107: a prepend that is no user: the longest existing user takes the rest', () => {
  const r = traceB('u-v@crew.example', { '/var/qmail/control/virtualdomains': VD_B + 'crew.example:joe-crew\n' });
  assert.equal(r.hops[0].rewritten, 'joe-crew-u-v@crew.example');
  assert.equal(ude(r), 'joe/-/crew-u-v(passwd)');
  assert.match(searchText(r), /\.qmail-crew-u-v\? no · \.qmail-crew-u-default\? no · \.qmail-crew-default\? no · \.qmail-default\? no/);
});

test('row 108: the prepend keeps its case in LOCAL', () => {
  const r = traceB('U@up.example', { '/var/qmail/control/virtualdomains': VD_B + 'up.example:Joe\n', '/home/joe/.qmail-default': './Mailbox\n' });
  assert.equal(r.hops[0].rewritten, 'Joe-U@up.example');
  assert.equal(ude(r), 'joe/-/U(passwd)');
  assert.equal(r.hops[0].env.LOCAL, 'Joe-U');
  assert.equal(r.hops[0].env.DEFAULT, 'U');
  assert.match(searchText(r), /\.qmail-u\? no · \.qmail-default\? yes/);
});

test('row 109: a user@domain key matches case-insensitively and beats the domain key', () => {
  const r = traceB('ABUSE@virt.example', { '/var/qmail/control/virtualdomains': VD_B + 'Abuse@Virt.Example:bob\n' });
  assert.equal(r.hops[0].rewritten, 'bob-ABUSE@virt.example');
  assert.equal(ude(r), 'bob/-/ABUSE(passwd)');
  assert.match(searchText(r), /\.qmail-abuse\? no · \.qmail-default\? no/);
});

test('row 110: two domains with one prepend: delivered once more before the loop is caught', () => {
  const r = traceB('loop@virt.example', { '/var/qmail/control/virtualdomains': VD_B + 'virt2.example:joe-virt\n', '/home/joe/.qmail-virt-loop': '&loop@virt2.example\n' });
  assert.equal(ude(r), 'joe/-/virt-loop(passwd)');
  assert.equal(r.hops[0].dotqmail, '/home/joe/.qmail-virt-loop');
  assert.deepEqual(outcomes(r), ['forward loop@virt2.example', 'forward loop@virt2.example', 'loop loop@virt2.example']);
  assert.deepEqual(r.deliveries.map((d) => d.hop), [0, 1, 2]);
  assert.equal(r.hops[1].rewritten, 'joe-virt-loop@virt2.example');
});

test('row 111: another letter case is another Delivered-To line: one more copy, then the loop', () => {
  const r = traceB('joe-echo@example.com', { '/home/joe/.qmail-echo': './Maildir/\n&Joe-Echo@Example.COM\n', ...maildir('/home/joe/Maildir') });
  assert.deepEqual(outcomes(r), [
    'maildir /home/joe/Maildir/',
    'forward Joe-Echo@Example.COM',
    'maildir /home/joe/Maildir/',
    'forward Joe-Echo@Example.COM',
    'loop Joe-Echo@Example.COM',
  ]);
  assert.deepEqual(r.deliveries.map((d) => d.hop), [0, 0, 1, 1, 2]);
});

test('row 112: one address reached along two branches is delivered twice, no loop', () => {
  const r = traceB('joe-hub@example.com', {
    '/home/joe/.qmail-hub': '&joe-left@example.com\n&joe-right@example.com\n',
    '/home/joe/.qmail-left': '&joe-right@example.com\n',
    '/home/joe/.qmail-right': './Maildir/\n',
    ...maildir('/home/joe/Maildir'),
  });
  assert.deepEqual(outcomes(r), [
    'forward joe-left@example.com',
    'forward joe-right@example.com',
    'maildir /home/joe/Maildir/',
    'forward joe-right@example.com',
    'maildir /home/joe/Maildir/',
  ]);
  assert.deepEqual(r.deliveries.map((d) => d.hop), [0, 1, 2, 0, 3]);
  assert.deepEqual(r.hops.map((h) => h.parent), [null, 0, 1, 0]);
});

test('row 113: tick forwards to tock, tock back to tick: the copy to tick loops', () => {
  const r = traceB('joe-tick@example.com', { '/home/joe/.qmail-tick': '&joe-tock@example.com\n', '/home/joe/.qmail-tock': '&joe-tick@example.com\n' });
  assert.equal(ude(r), 'joe/-/tick(passwd)');
  assert.deepEqual(outcomes(r), ['forward joe-tock@example.com', 'forward joe-tick@example.com', 'loop joe-tick@example.com']);
  assert.deepEqual(r.deliveries.map((d) => d.hop), [0, 1, 2]);
});
