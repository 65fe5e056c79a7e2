// The pieces one by one: qmail-send's rewrite (§2.3 worked examples), the
// users/cdb look-up (§3.3 examples), the .qmail line grammar (§5.7), the
// environment (§5.3), senderadd, qmail-inject completion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFixture } from '../helpers/fixture.js';
import { loadInstallation } from '../../source/qmail/installation.js';
import { compileUsersCdb } from '../../source/qmail/assign.js';
import { rewrite, senderAdd, injectComplete, virtualdomainCandidates } from '../../source/trace/send.js';
import { lspawnLookup } from '../../source/trace/lspawn.js';
import { parseDotQmail } from '../../source/qmail/dotqmail.js';
import { quote2, myctime, shellWords, mailboxPath } from '../../source/trace/local-text.js';
import { managerOf } from '../../source/qmail/managers.js';
import { traceB } from './baseline.js';

const CONF_23 = {
  '/var/qmail/control/me': 'mail.example.com\n',
  '/var/qmail/control/locals': 'example.com\nmail.example.com\nEXAMPLE.ORG\n',
  '/var/qmail/control/percenthack': 'hack.example.com\n',
  '/var/qmail/control/virtualdomains':
    'virt.example:joe-virt\npostmaster@other.example:pm\nother.example:bob\n.sub.example:sub\nexcl.sub.example:\n.example:wild\nnot.virt.example:\ndup.example:first\ndup.example:second\ncolon.example:a:b\n',
};

test('qmail-send rewrite: every worked example of §2.3', () => {
  const inst = loadInstallation(makeFixture(CONF_23).sysroot(), '/var/qmail');
  const rows: Array<[string, 'local' | 'remote', string]> = [
    ['joe', 'local', 'joe@mail.example.com'],
    ['Joe@Example.COM', 'local', 'Joe@Example.COM'],
    ['joe@example.org', 'local', 'joe@example.org'],
    ['a%b@hack.example.com', 'remote', 'a@b'],
    ['a%b%c@hack.example.com', 'remote', 'a%b@c'],
    ['a%b%hack.example.com@hack.example.com', 'remote', 'a@b'],
    ['a%b', 'local', 'a%b@mail.example.com'],
    ['x@y%z@hack.example.com', 'remote', 'x@y@z'],
    ['info@virt.example', 'local', 'joe-virt-info@virt.example'],
    ['Info@VIRT.Example', 'local', 'joe-virt-Info@VIRT.Example'],
    ['Postmaster@Other.Example', 'local', 'pm-Postmaster@Other.Example'],
    ['abuse@other.example', 'local', 'bob-abuse@other.example'],
    ['u@a.b.sub.example', 'local', 'sub-u@a.b.sub.example'],
    ['u@sub.example', 'local', 'wild-u@sub.example'],
    ['u@excl.sub.example', 'remote', 'u@excl.sub.example'],
    ['u@x.excl.sub.example', 'local', 'sub-u@x.excl.sub.example'],
    ['u@example', 'remote', 'u@example'],
    ['u@not.virt.example', 'remote', 'u@not.virt.example'],
    ['u@dup.example', 'local', 'second-u@dup.example'],
    ['u@colon.example', 'local', 'a:b-u@colon.example'],
    ['a@b@virt.example', 'local', 'joe-virt-a@b@virt.example'],
    ['joe@example.com.', 'remote', 'joe@example.com.'],
    ['@example.com', 'local', '@example.com'],
    ['@', 'remote', '@'],
    ['', 'local', '@mail.example.com'],
  ];
  for (const [rcpt, route, out] of rows) {
    const r = rewrite(inst, rcpt);
    assert.equal(r.route, route, rcpt);
    if ('rewritten' in r) assert.equal(r.rewritten, out, rcpt);
  }
});

test('qmail-send rewrite: catch-all examples of §2.3', () => {
  const inst = loadInstallation(makeFixture({ ...CONF_23, '/var/qmail/control/virtualdomains': ':alias-catchall\nexample.net:\n' }).sysroot(), '/var/qmail');
  const want: Array<[string, string]> = [
    ['u@anything.com', 'local alias-catchall-u@anything.com'],
    ['u@example.net', 'remote u@example.net'],
    ['u@x.example.net', 'local alias-catchall-u@x.example.net'],
    ['@', 'local alias-catchall-@'],
  ];
  for (const [rcpt, out] of want) {
    const r = rewrite(inst, rcpt);
    assert.equal(r.route === 'stopped' ? 'stopped' : `${r.route} ${r.rewritten}`, out);
  }
  assert.deepEqual(virtualdomainCandidates('joe@example.com.'), ['joe@example.com.', 'example.com.', '.com.', '.', '']);
});

test('qmail-send steps name the file and line that decided', () => {
  const inst = loadInstallation(makeFixture(CONF_23).sysroot(), '/var/qmail');
  const r = rewrite(inst, 'info@virt.example');
  const last = r.steps[r.steps.length - 1];
  assert.equal(last.path, '/var/qmail/control/virtualdomains');
  assert.equal(last.line, 1);
  const l = rewrite(inst, 'joe@example.org');
  assert.equal(l.steps[l.steps.length - 1].line, 3);
});

test('users/cdb look-up: the §3.3 examples (exact, wildcard, dead +JOE, +: catch-all)', () => {
  const assign = '=joe:joe:503:78:/home/joe:::\n+Joe-:joe:503:78:/home/joe:-:x:\n+bill:bill:504:78:/home/bill:-::\n+JOE:jj:505:78:/home/jj:-::\n+:alias:7790:2108:/var/qmail/alias:-::\n=Joe.Shmoe:joe:503:78:/home/joe:::extra:stuff\n.\n';
  const fx = makeFixture({ '/var/qmail/control/me': 'x\n', '/var/qmail/users/assign': assign, '/var/qmail/users/cdb': compileUsersCdb(Buffer.from(assign)) });
  const inst = loadInstallation(fx.sysroot(), '/var/qmail');
  const rows: Array<[string, string]> = [
    ['joe', 'joe//'],
    ['Joe', 'joe//'],
    ['JOE-Foo', 'joe/-/xFoo'],
    ['joe-Bar-Baz', 'joe/-/xBar-Baz'],
    ['bill', 'bill/-/'],
    ['billy', 'bill/-/y'],
    ['Bill-X', 'bill/-/-X'],
    ['joey', 'alias/-/joey'],
    ['JOEY', 'alias/-/JOEY'],
    ['Joe.Shmoe', 'joe//'],
    ['Joe.Shmoe.x', 'alias/-/Joe.Shmoe.x'],
  ];
  for (const [l, want] of rows) {
    const r = lspawnLookup(inst, l);
    assert.equal(r.kind, 'found', l);
    if (r.kind === 'found') assert.equal(`${r.fields.user}/${r.fields.dash}/${r.fields.ext}`, want, l);
    assert.ok(!r.steps.some((s) => s.warn), `${l}: assign and cdb agree`);
  }
});

test('a cdb record with fewer than six fields defers: Internal qmail-lspawn bug.', async () => {
  const { makeCdb } = await import('../../source/qmail/cdb.js');
  const cdb = makeCdb([
    { key: Buffer.from('!joe\0', 'latin1'), value: Buffer.from('joe\x00501', 'latin1') },
    { key: Buffer.alloc(0), value: Buffer.alloc(0) },
  ]);
  const inst = loadInstallation(makeFixture({ '/var/qmail/control/me': 'x\n', '/var/qmail/users/cdb': cdb }).sysroot(), '/var/qmail');
  const r = lspawnLookup(inst, 'joe');
  assert.equal(r.kind, 'defer');
  if (r.kind === 'defer') assert.equal(r.reason, 'Internal qmail-lspawn bug.');
});

test('.qmail line grammar (§5.7): every kind, blanks, verbatim forwards, maildir by the last byte', () => {
  const f = parseDotQmail('/home/joe/.qmail', '# c\n./Mailbox\n/var/mail/joe\n./Maildir/\n|  prog "$EXT"  \n&a@b\n& me@x\n  ./x\nplain@x.y\n+list\n+other\n\n./Maildir\t \n&\n');
  assert.deepEqual(
    f.lines.map((l) => [l.kind, l.target]),
    [
      ['comment', ''],
      ['mbox', './Mailbox'],
      ['mbox', '/var/mail/joe'],
      ['maildir', './Maildir/'],
      ['program', '  prog "$EXT"'],
      ['forward', 'a@b'],
      ['forward', ' me@x'],
      ['forward', '  ./x'],
      ['forward', 'plain@x.y'],
      ['comment', ''],
      ['comment', ''],
      ['blank', ''],
      ['mbox', './Maildir'],
      ['forward', ''],
    ],
  );
  assert.equal(f.lines[9].flag, 'list');
  assert.equal(f.lines[10].flag, 'ignored');
  assert.ok(f.hasDelivery);
  assert.ok(f.diagnostics.every((d) => d.path === '/home/joe/.qmail' && typeof d.line === 'number'));
  assert.ok(f.diagnostics.some((d) => d.line === 8 && d.code === 'dotqmail-indented'));
  assert.ok(f.diagnostics.some((d) => d.line === 13 && d.code === 'dotqmail-mbox-maildir'));
  const blank = parseDotQmail('/h/.qmail', '  \n./Mailbox');
  assert.equal(blank.lines[0].kind, 'blank');
  assert.equal(blank.diagnostics[0].code, 'dotqmail-first-blank');
  assert.equal(blank.lines[1].kind, 'mbox');
  assert.deepEqual(parseDotQmail('/h/.qmail', '').lines, []);
  const crlf = parseDotQmail('/h/.qmail', './Mailbox\r\n');
  assert.equal(crlf.lines[0].target, './Mailbox\r');
  assert.equal(parseDotQmail('/h/.qmail', '# only\n').hasDelivery, false);
});

test('environment (§5.3 example): EXT2..4, HOST2..4, DEFAULT, RPLINE quoting, UFLINE', () => {
  const r = traceB(
    'Joe-List-A.B-Cc@Mail.Sub.Example.COM',
    { '/home/joe/.qmail-list-default': './Mailbox\n', '/var/qmail/control/locals': 'mail.sub.example.com\n' },
    { sender: 'x y@s.org', now: new Date('2026-11-25T17:45:54Z') },
  );
  const env = r.hops[0].env;
  assert.deepEqual(
    { ...env },
    {
      USER: 'joe',
      HOME: '/home/joe',
      LOCAL: 'Joe-List-A.B-Cc',
      HOST: 'Mail.Sub.Example.COM',
      RECIPIENT: 'Joe-List-A.B-Cc@Mail.Sub.Example.COM',
      DTLINE: 'Delivered-To: Joe-List-A.B-Cc@Mail.Sub.Example.COM\n',
      EXT: 'List-A.B-Cc',
      EXT2: 'A.B-Cc',
      EXT3: 'Cc',
      EXT4: '',
      HOST2: 'Mail.Sub.Example',
      HOST3: 'Mail.Sub',
      HOST4: 'Mail',
      DEFAULT: 'A.B-Cc',
      SENDER: 'x y@s.org',
      NEWSENDER: 'x y@s.org',
      RPLINE: 'Return-Path: <"x y"@s.org>\n',
      UFLINE: 'From x-y@s.org Wed Nov 25 17:45:54 2026\n',
    },
  );
  const h = traceB('joe@example.com', { '/home/joe/.qmail': './Mailbox\n' }).hops[0].env;
  assert.deepEqual([h.HOST2, h.HOST3, h.HOST4], ['example', 'example', 'example']);
  const lh = traceB('joe@localhost', { '/var/qmail/control/locals': 'localhost\n' }).hops[0].env;
  assert.deepEqual([lh.HOST2, lh.HOST3, lh.HOST4], ['localhost', 'localhost', 'localhost']);
});

test('quote2, myctime, senderadd', () => {
  assert.equal(quote2(''), '');
  assert.equal(quote2('s@x.org'), 's@x.org');
  assert.equal(quote2('a.b@x'), 'a.b@x');
  assert.equal(quote2('.a@x'), '".a"@x');
  assert.equal(quote2('a..b@x'), '"a..b"@x');
  assert.equal(quote2('a"b@x'), '"a\\"b"@x');
  assert.equal(quote2('@x'), '""@x');
  assert.equal(quote2('#@[]'), '#@[]');
  assert.equal(myctime(new Date('2026-01-05T03:04:05Z')), 'Mon Jan 05 03:04:05 2026\n');
  assert.equal(senderAdd('owner-@host-@[]', 'bob@x.org'), 'owner-bob=x.org@host');
  assert.equal(senderAdd('s@x.org', 'bob@x.org'), 's@x.org');
  assert.equal(senderAdd('owner-@host-@[]', 'nobox'), 'owner-@host-@[]');
});

test('qmail-inject completion order: trailing dot, trailing @, defaulthost, plusdomain, defaultdomain', () => {
  const inst = loadInstallation(
    makeFixture({
      '/var/qmail/control/me': 'mail.example.com\n',
      '/var/qmail/control/defaulthost': 'mail\n',
      '/var/qmail/control/defaultdomain': 'example.com\n',
      '/var/qmail/control/plusdomain': 'example.org\n',
    }).sysroot(),
    '/var/qmail',
  );
  const c = (a: string) => injectComplete(inst, a).address;
  assert.equal(c('joe'), 'joe@mail.example.com');
  assert.equal(c('joe@host'), 'joe@host.example.com');
  assert.equal(c('joe@host+'), 'joe@host.example.org');
  assert.equal(c('joe@a.b.'), 'joe@a.b');
  assert.equal(c('joe@'), 'joe@mail.example.com');
  assert.equal(c('joe@[1.2.3.4]'), 'joe@[1.2.3.4]');
  assert.equal(c(''), '');
  const bare = loadInstallation(makeFixture({ '/var/qmail/control/me': 'mail.example.com\n' }).sysroot(), '/var/qmail');
  assert.equal(injectComplete(bare, 'joe').address, 'joe@mail.example.com');
});

test('shell words and manager detection for program lines', () => {
  assert.deepEqual(shellWords(`/home/vpopmail/bin/vdelivermail '' bounce-no-mailbox`, {}), ['/home/vpopmail/bin/vdelivermail', '', 'bounce-no-mailbox']);
  assert.deepEqual(shellWords('a "$EXT x" \\$b ${HOST}', { EXT: 'e', HOST: 'h' }), ['a', 'e x', '$b', 'h']);
  assert.equal(managerOf(['/home/vpopmail/bin/vdelivermail', '', 'delete']), 'vpopmail');
  assert.equal(managerOf(['exec', '/usr/local/bin/vdeliver']), 'vmailmgr');
  assert.equal(managerOf(['preline', '/usr/bin/procmail']), null);
  assert.equal(mailboxPath('/home/u/', './Maildir/', true), '/home/u/Maildir/');
  assert.equal(mailboxPath('/home/u', '/var/spool//mail/u', false), '/var/spool/mail/u');
});

test('bounces name the recipient with the virtualdomains prepend stripped (§2.4, rows 4 and 6)', () => {
  const r = traceB('info@virt.example');
  assert.ok(r.hops[0].steps.some((s) => s.stage === 'qmail-send' && s.text.includes('"info@virt.example" (the virtualdomains prepend removed)')));
  const p = traceB('Postmaster@other.example');
  assert.ok(p.hops[0].steps.some((s) => s.stage === 'qmail-send' && /names the recipient as "pm-Postmaster@other.example"$/.test(s.text)));
});

test('--channel local without @: qmail-lspawn bounces (#5.1.3)', () => {
  const r = traceB('joe', {}, { channel: 'local' });
  assert.deepEqual(r.deliveries.map((d) => `${d.kind} ${d.target}`), ['bounce Sorry, address must include host name. (#5.1.3)']);
});

test('a .qmail symlink is followed inside the sysroot (absolute target taken under it), never out of it', () => {
  const inside = traceB('joe-ln', { '/etc/mail/joe-ln': './Mailbox\n', '/home/joe/.qmail-ln': { symlink: '/etc/mail/joe-ln' } });
  assert.equal(inside.hops[0].dotqmail, '/home/joe/.qmail-ln');
  assert.deepEqual(inside.deliveries.map((d) => d.kind), ['mbox']);
  const out = traceB('joe-ln', { '/home/joe/.qmail-ln': { symlink: '../../../../../../../../etc/passwd' } });
  assert.deepEqual(out.deliveries.map((d) => d.kind), ['bounce']);
  assert.ok(out.hops[0].steps.some((s) => /outside the sysroot/.test(s.text)));
});

test('every step of a local hop names its stage, and the deciding ones their file', () => {
  const r = traceB('Info@VIRT.Example', { '/home/joe/.qmail-virt-default': './Maildir/\n' });
  const stages = r.hops[0].steps.map((s) => s.stage);
  for (const st of ['qmail-smtpd', 'qmail-send', 'qmail-lspawn', 'qmail-getpw', 'qmail-local']) assert.ok(stages.includes(st as never), st);
  const line = r.hops[0].steps.find((s) => s.text.startsWith('line 1'))!;
  assert.equal(line.path, '/home/joe/.qmail-virt-default');
  assert.equal(line.line, 1);
});

test('users/cdb keys are bytes: a UTF-8 local part matches the key qmail-newu wrote from a UTF-8 assign', () => {
  const assign = '=jösé:joe:1001:100:/home/joe:::\n+ü-:bob:1002:100:/home/bob:-::\n.\n';
  const fx = makeFixture({ '/var/qmail/control/me': 'x\n', '/var/qmail/users/assign': assign, '/var/qmail/users/cdb': compileUsersCdb(Buffer.from(assign, 'utf8')) });
  const inst = loadInstallation(fx.sysroot(), '/var/qmail');
  const a = lspawnLookup(inst, 'JöSé');
  assert.equal(a.kind, 'found');
  if (a.kind === 'found') assert.equal(a.fields.user, 'joe');
  const b = lspawnLookup(inst, 'ü-Grüße');
  assert.equal(b.kind, 'found');
  if (b.kind === 'found') assert.deepEqual([b.fields.user, b.fields.ext], ['bob', 'Grüße']);
  assert.ok(![...a.steps, ...b.steps].some((s) => s.warn));
});
