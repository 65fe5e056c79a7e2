// vdelivermail's decision procedure called directly, on the VP fixture of
// virtual-domain-managers.md §5.1 (rows that start inside vdelivermail).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vpFixture, D, VP_VPASSWD } from './manager-fixtures.js';
import { vdmDirect, kinds } from './manager-direct.js';

const BNM = "| /home/vpopmail/bin/vdelivermail '' bounce-no-mailbox\n";
const dq = (arg: string) => ({ [`${D}/.qmail-default`]: { content: `| /home/vpopmail/bin/vdelivermail '' ${arg}\n`, mode: 0o600, uid: 89, gid: 89 } });

test('V1 joe@example.com → D/joe/Maildir/', () => {
  const r = vdmDirect(vpFixture(), 'joe@example.com');
  assert.deepEqual(kinds(r), [['maildir', `${D}/joe/Maildir/`]]);
  assert.ok(r.steps.every((s) => s.stage === 'vdelivermail'));
  assert.ok(r.steps.some((s) => s.path === `${D}/vpasswd.cdb` && /record "joe"/.test(s.text)));
});

test('V2 JOE@Example.COM → lower-cased, D/joe/Maildir/', () => {
  const r = vdmDirect(vpFixture(), 'JOE@Example.COM');
  assert.deepEqual(kinds(r), [['maildir', `${D}/joe/Maildir/`]]);
});

test('V3 joe@alias.example → real domain, D/joe/Maildir/', () => {
  const r = vdmDirect(vpFixture(), 'joe@alias.example');
  assert.deepEqual(kinds(r), [['maildir', `${D}/joe/Maildir/`]]);
  assert.ok(r.steps.some((s) => /alias domain/.test(s.text)));
});

test('V4 nobody → bounce with the default text', () => {
  assert.deepEqual(kinds(vdmDirect(vpFixture(), 'nobody@example.com')), [['bounce', 'Sorry, no mailbox here by that name. (#5.1.1)']]);
});

test('V5 .no-user.msg gives the bounce text', () => {
  const fx = vpFixture({ files: { [`${D}/.no-user.msg`]: 'No such user here.\n' } });
  assert.deepEqual(kinds(vdmDirect(fx, 'nobody@example.com')), [['bounce', 'No such user here.']]);
});

test('V6 delete catch-all → discard', () => {
  const r = vdmDirect(vpFixture({ files: dq('delete') }), 'nobody@example.com');
  assert.equal(r.actions.length, 1);
  assert.equal(r.actions[0].kind, 'discard');
});

test('V7 forward catch-all', () => {
  const r = vdmDirect(vpFixture({ files: dq('postmaster@example.com') }), 'nobody@example.com');
  assert.deepEqual(kinds(r), [['forward', 'postmaster@example.com']]);
  assert.deepEqual(r.actions[0], { kind: 'forward', target: 'postmaster@example.com', deliveredTo: 'Delivered-To: nobody@example.com' });
});

test('V8 path catch-all is a user directory: Maildir/ appended', () => {
  const r = vdmDirect(vpFixture({ files: dq(`${D}/postmaster`) }), 'nobody@example.com');
  assert.deepEqual(kinds(r), [['maildir', `${D}/postmaster/Maildir/`]]);
});

test("V9 the catch-all directory's .qmail wins", () => {
  const r = vdmDirect(vpFixture({ files: { ...dq(`${D}/postmaster`), [`${D}/postmaster/.qmail`]: { content: '&boss@other.org\n', uid: 89, gid: 89, mode: 0o600 } } }), 'nobody@example.com');
  assert.deepEqual(kinds(r), [['forward', 'boss@other.org']]);
});

test('V10 catch-all path ending in Maildir/ → defer', () => {
  const r = vdmDirect(vpFixture({ files: dq(`${D}/postmaster/Maildir/`) }), 'nobody@example.com');
  assert.equal(r.actions.length, 1);
  assert.equal(r.actions[0].kind, 'defer');
  assert.ok(r.steps.some((s) => s.warn && /Maildir\/Maildir\//.test(s.text)));
});

test('V11 $EXT@newdomain.net keeps the case', () => {
  const r = vdmDirect(vpFixture({ files: dq('$EXT@newdomain.net') }), 'Nobody@example.com');
  assert.deepEqual(kinds(r), [['forward', 'Nobody@newdomain.net']]);
});

test('V12 "Delete" is a forward qualified by qmail-inject', () => {
  const r = vdmDirect(vpFixture({ files: dq('Delete') }), 'nobody@example.com');
  assert.deepEqual(kinds(r), [['forward', 'Delete@mail.isp.net']]);
});

test('V13 one argument → defer (invalid syntax)', () => {
  const r = vdmDirect(vpFixture({ files: { [`${D}/.qmail-default`]: { content: '| /home/vpopmail/bin/vdelivermail bounce-no-mailbox\n', uid: 89, gid: 89, mode: 0o600 } } }), 'joe@example.com');
  assert.deepEqual(kinds(r), [['defer', 'vdelivermail: invalid syntax in .qmail-default file']]);
});

test('V14 locked account bounces', () => {
  const r = vdmDirect(vpFixture(), 'locked@example.com');
  assert.equal(r.actions[0].kind, 'bounce');
  assert.match(r.actions[0].target!, /account is locked/);
});

test('V15 NO_POP still delivers', () => {
  assert.deepEqual(kinds(vdmDirect(vpFixture(), 'nopop@example.com')), [['maildir', `${D}/nopop/Maildir/`]]);
});

test('V16 hashed user directory from vpasswd', () => {
  assert.deepEqual(kinds(vdmDirect(vpFixture(), 'alice@example.com')), [['maildir', `${D}/0/alice/Maildir/`]]);
});

test('V17 user .qmail forward only', () => {
  const r = vdmDirect(vpFixture(), 'fwd@example.com');
  assert.deepEqual(kinds(r), [['forward', 'bob@other.org']]);
  assert.equal((r.actions[0] as { deliveredTo?: string }).deliveredTo, 'Delivered-To: fwd@example.com');
});

const fwdQmail = (content: string) => ({ [`${D}/fwd/.qmail`]: { content, uid: 89, gid: 89, mode: 0o600 } });

test('V18 maildir and forward', () => {
  const r = vdmDirect(vpFixture({ files: fwdQmail(`${D}/fwd/Maildir/\n&bob@other.org\n`) }), 'fwd@example.com');
  assert.deepEqual(kinds(r), [['maildir', `${D}/fwd/Maildir/`], ['forward', 'bob@other.org']]);
});

test('V19 "# delete" → discard', () => {
  const r = vdmDirect(vpFixture({ files: fwdQmail('# delete\n') }), 'fwd@example.com');
  assert.equal(r.actions.length, 1);
  assert.equal(r.actions[0].kind, 'discard');
});

test('V20 ./Maildir/ relative to the user directory', () => {
  assert.deepEqual(kinds(vdmDirect(vpFixture({ files: fwdQmail('./Maildir/\n') }), 'fwd@example.com')), [['maildir', `${D}/fwd/Maildir/`]]);
});

test('V21 Maildir/ is a forward', () => {
  assert.deepEqual(kinds(vdmDirect(vpFixture({ files: fwdQmail('Maildir/\n') }), 'fwd@example.com')), [['forward', 'Maildir/@mail.isp.net']]);
});

for (const [label, line] of [
  ['no final /', `${D}/fwd/Maildir`],
  ['trailing space', `${D}/fwd/Maildir/ `],
  ['CR', `${D}/fwd/Maildir/\r`],
]) {
  test(`V22 mbox line (${label}) → defer`, () => {
    const r = vdmDirect(vpFixture({ files: fwdQmail(`${line}\n`) }), 'fwd@example.com');
    assert.equal(r.actions.length, 1);
    assert.equal(r.actions[0].kind, 'defer');
    assert.match(r.actions[0].target!, /mbox/);
  });
}

test('V25 joe-news without qmail-ext → bounce', () => {
  assert.equal(vdmDirect(vpFixture(), 'joe-news@example.com').actions[0].kind, 'bounce');
});

test('V27 qmail-ext: joe-news → joe', () => {
  assert.deepEqual(kinds(vdmDirect(vpFixture(), 'joe-news@example.com', { build: { qmailExt: true } })), [['maildir', `${D}/joe/Maildir/`]]);
});

test('V28 qmail-ext tries only the part before the first dash', () => {
  const fx = vpFixture({ vpasswd: VP_VPASSWD + `a-b:$1$h:1:0:AB:${D}/a-b:NOQUOTA\n` });
  assert.equal(vdmDirect(fx, 'a-b-c@example.com', { build: { qmailExt: true } }).actions[0].kind, 'bounce');
});

test('V29 qmail-ext: user directory .qmail-news', () => {
  const fx = vpFixture({ files: { [`${D}/joe/.qmail-news`]: { content: '&news@other.org\n', uid: 89, gid: 89, mode: 0o600 } } });
  assert.deepEqual(kinds(vdmDirect(fx, 'joe-news@example.com', { build: { qmailExt: true } })), [['forward', 'news@other.org']]);
});

test('V30 a%b → invalid username, even with delete', () => {
  assert.deepEqual(kinds(vdmDirect(vpFixture(), 'a%b@example.com')), [['bounce', 'invalid username']]);
  assert.deepEqual(kinds(vdmDirect(vpFixture({ files: dq('delete') }), 'a%b@example.com')), [['bounce', 'invalid username']]);
});

test('V31 Delivered-To already present → looping', () => {
  const r = vdmDirect(vpFixture(), 'joe@example.com', { headerLines: ['Delivered-To: joe@example.com'] });
  assert.deepEqual(kinds(r), [['bounce', 'mail is looping']]);
  const r2 = vdmDirect(vpFixture(), 'joe@example.com', { headerLines: ['Delivered-To: JOE@example.com'], hopIndex: 2 });
  assert.deepEqual(kinds(r2), [['loop', undefined]]);
});

test('V33 over quota → bounce', () => {
  const r = vdmDirect(vpFixture(), 'full@example.com');
  assert.deepEqual(kinds(r), [['bounce', 'user is over quota']]);
});

test('V34 example.com-joe@mail.isp.net: vget_assign fails → catch-all', () => {
  const fx = vpFixture({ files: { '/var/qmail/control/virtualdomains': 'example.com:example.com\nalias.example:alias.example\nmail.isp.net:example.com\n' } });
  // The prepend here stands in for the locals route: LOCAL example.com-joe at HOST mail.isp.net.
  const r = vdmDirect(fx, 'joe@mail.isp.net');
  assert.equal(r.env.LOCAL, 'example.com-joe');
  assert.deepEqual(kinds(r), [['bounce', 'Sorry, no mailbox here by that name. (#5.1.1)']]);
  const fx2 = vpFixture({ files: { '/var/qmail/control/virtualdomains': 'mail.isp.net:example.com\n', ...dq('delete') } });
  assert.equal(vdmDirect(fx2, 'joe@mail.isp.net').actions[0].kind, 'discard');
});

test('V36 hand-added vpasswd line without vmkpasswd → bounce', () => {
  const fx = vpFixture({ vpasswd: VP_VPASSWD + `newbie:$1$n:1:0:New:${D}/newbie:NOQUOTA\n`, cdbFrom: VP_VPASSWD });
  const r = vdmDirect(fx, 'newbie@example.com');
  assert.equal(r.actions[0].kind, 'bounce');
  assert.ok(r.steps.some((s) => s.warn && /vmkpasswd/.test(s.text)));
});

test('V37 joe removed from vpasswd, stale cdb still delivers', () => {
  const fx = vpFixture({ vpasswd: VP_VPASSWD.split('\n').filter((l) => !l.startsWith('joe:')).join('\n'), cdbFrom: VP_VPASSWD });
  const r = vdmDirect(fx, 'joe@example.com');
  assert.deepEqual(kinds(r), [['maildir', `${D}/joe/Maildir/`]]);
  assert.ok(r.steps.some((s) => s.warn && /stale/.test(s.text)));
});

test('V38 vpasswd.cdb missing → rebuilt from vpasswd', () => {
  assert.deepEqual(kinds(vdmDirect(vpFixture({ cdbFrom: null }), 'joe@example.com')), [['maildir', `${D}/joe/Maildir/`]]);
});

test('V40 defaultdelivery with a program line', () => {
  const fx = vpFixture({ files: { '/var/qmail/control/defaultdelivery': '| /usr/libexec/dovecot/deliver -d $EXT@$HOST\n' } });
  const r = vdmDirect(fx, 'joe@example.com', { build: { defaultDelivery: true } });
  assert.deepEqual(kinds(r), [['program', '/usr/libexec/dovecot/deliver -d $EXT@$HOST']]);
});

test('V41 defaultdelivery holding the vdelivermail line → Maildir', () => {
  const fx = vpFixture({ files: { '/var/qmail/control/defaultdelivery': BNM } });
  assert.deepEqual(kinds(vdmDirect(fx, 'joe@example.com', { build: { defaultDelivery: true } })), [['maildir', `${D}/joe/Maildir/`]]);
});

test('V42 user directory deleted → re-created', () => {
  const r = vdmDirect(vpFixture({ files: { [`${D}/joe`]: null } }), 'joe@example.com');
  assert.deepEqual(kinds(r), [['maildir', `${D}/joe/Maildir/`]]);
});

test('corrupt vpasswd.cdb: the trace stops and says why', () => {
  const fx = vpFixture({ files: { [`${D}/vpasswd.cdb`]: { content: Buffer.alloc(100, 7), uid: 89, gid: 89, mode: 0o600 } } });
  const r = vdmDirect(fx, 'joe@example.com');
  assert.equal(r.actions.length, 1);
  assert.equal(r.actions[0].kind, 'defer');
  assert.match(r.actions[0].target!, /cannot trace further.*vpasswd\.cdb is corrupt/);
});

test('maildrop build: the user mailbox becomes a preline maildrop program; NO_MAILDROP users keep the Maildir', () => {
  const r = vdmDirect(vpFixture(), 'joe@example.com', { build: { maildrop: true, maildropProg: '/usr/local/bin/maildrop' } });
  assert.deepEqual(kinds(r), [['program', 'preline /usr/local/bin/maildrop']]);
  const fx = vpFixture({ vpasswd: VP_VPASSWD.replace('joe:$1$c:1:0:', 'joe:$1$c:1:262144:') });
  assert.deepEqual(kinds(vdmDirect(fx, 'joe@example.com', { build: { maildrop: true } })), [['maildir', `${D}/joe/Maildir/`]]);
});

test('spamassassin build: a warning that the outcome depends on the message', () => {
  const r = vdmDirect(vpFixture(), 'joe@example.com', { build: { spamassassin: true } });
  assert.deepEqual(kinds(r), [['maildir', `${D}/joe/Maildir/`]]);
  assert.ok(r.steps.some((s) => s.warn && /spamc/.test(s.text)));
});

test('empty pw_dir: a directory is made in the next hash slot (predicted, with a warning)', () => {
  const fx = vpFixture({ vpasswd: VP_VPASSWD + 'nodir:$1$z:1:0:No Dir::NOQUOTA\n' });
  const r = vdmDirect(fx, 'nodir@example.com');
  assert.deepEqual(kinds(r), [['maildir', `${D}/nodir/Maildir/`]]);
  assert.ok(r.steps.some((s) => s.warn && /next hash slot/.test(s.text)));
});

test('V42 with a DEFAULT_DELIVERY build: the re-created directory still goes through defaultdelivery', () => {
  const fx = vpFixture({ files: { [`${D}/joe`]: null, '/var/qmail/control/defaultdelivery': '| /usr/libexec/dovecot/deliver -d $EXT@$HOST\n' } });
  assert.deepEqual(kinds(vdmDirect(fx, 'joe@example.com', { build: { defaultDelivery: true } })), [['program', '/usr/libexec/dovecot/deliver -d $EXT@$HOST']]);
});

test("an empty catch-all argument ('' '') defers", () => {
  const r = vdmDirect(vpFixture({ files: dq("''") }), 'nobody@example.com');
  assert.equal(r.actions.length, 1);
  assert.equal(r.actions[0].kind, 'defer');
});
