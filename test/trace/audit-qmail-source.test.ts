// Audit against notqmail a7012e4 (= netqmail 1.06 / qmail 1.03 where identical):
// each test names the C function whose behaviour the tracer disagreed with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFixture, type FixtureEntry } from '../helpers/fixture.js';
import { loadInstallation } from '../../source/qmail/installation.js';
import { loadSystemUsers } from '../../source/qmail/passwd.js';
import { traceAddress } from '../../source/trace/walk.js';
import { injectComplete } from '../../source/trace/send.js';
import { traceB, outcomes, ude, PASSWD, maildir, checkHops, baselineFiles } from './baseline.js';

const QMAILP = PASSWD + 'qmailp:x:7794:2108::/var/qmail:/bin/false\n';
const GROUP = 'root:x:0:\nnofiles:x:2108:\n';

// qmail-lspawn.c nughde_get runs qmail-getpw after prot_gid(auto_gidn) and
// prot_uid(auto_uidp): qmail-getpw.c userext's stat(pw->pw_dir) is made as
// qmailp/nofiles, so a home whose parent qmailp cannot search fails with
// EACCES, which is not error_temp: the account is passed over.
test('qmail-getpw.c userext: the home is stat()ed as qmailp; an unsearchable parent skips the account', () => {
  const ch: Record<string, FixtureEntry | null> = {
    '/etc/passwd': QMAILP.replace('joe:x:1001:100:Joe:/home/joe:', 'joe:x:1001:100:Joe:/srv/private/joe:'),
    '/etc/group': GROUP,
    '/home/joe/': null,
    '/srv/private/': { dir: true, mode: 0o700, uid: 0, gid: 0 },
    '/srv/private/joe/': { dir: true, mode: 0o755, uid: 1001, gid: 100 },
  };
  const r = traceB('joe-x', ch);
  assert.equal(ude(r), 'alias/-/joe-x(alias)');
  // Searchable by qmailp's group: the account is found as before.
  const ok = traceB('joe-x', { ...ch, '/srv/private/': { dir: true, mode: 0o750, uid: 0, gid: 2108 } });
  assert.equal(ude(ok), 'joe/-/x(passwd)');
});

// qmail-inject.c dorecip: quote2() first, so a local part ending in "." (no @)
// becomes one quoted token; rwextradot only drops a trailing DOT token. And
// "@" becomes `""@`: rwextraat drops the @, the empty quoted box stays, and
// rwnoat appends @defaulthost.
test('qmail-inject.c rwgeneric: "joe." keeps its dot, "@" becomes @defaulthost', () => {
  const sysroot = makeFixture({
    '/etc/passwd': PASSWD,
    '/var/qmail/control/me': 'mail.example.com\n',
    '/var/qmail/control/defaultdomain': 'example.com\n',
  }).sysroot();
  const inst = loadInstallation(sysroot, '/var/qmail');
  assert.equal(injectComplete(inst, 'joe.').address, 'joe.@mail.example.com');
  assert.equal(injectComplete(inst, '@').address, '@mail.example.com');
  // Unchanged cases: a trailing dot of the domain and a trailing @ still go.
  assert.equal(injectComplete(inst, 'joe@example.com.').address, 'joe@example.com');
  assert.equal(injectComplete(inst, 'joe@').address, 'joe@mail.example.com');
  assert.equal(injectComplete(inst, 'joe@host').address, 'joe@host.example.com');
});

// qmail-send.c injectbounce: "owner-@host-@[] -> owner-@host": the bounce of a
// VERP message goes to the queued sender with "-@[]" cut, not to the
// per-recipient address senderadd made for the delivery.
test('qmail-send.c injectbounce: a VERP message bounces to owner-@host, not the expanded sender', () => {
  const r = traceB('joe-list@example.com', {
    '/home/joe/.qmail-list': '&nosuch@example.com\n',
    '/home/joe/.qmail-list-owner': '',
    '/home/joe/.qmail-list-owner-default': '',
  });
  assert.deepEqual(outcomes(r), ['forward nosuch@example.com', 'bounce Sorry, no mailbox here by that name. (#5.1.1)']);
  assert.equal(r.hops[1].sender, 'joe-list-owner-nosuch=example.com@example.com');
  const last = r.hops[1].steps[r.hops[1].steps.length - 1];
  assert.equal(last.stage, 'qmail-send');
  assert.match(last.text, /returns the message to "joe-list-owner-@example\.com"/);
});

// qmail-remote.c takes the smtproutes relay as written; dns.c dns_ip accepts
// "[1.2.3.4]" (ip_scanbracket) as well as "1.2.3.4", so a bracketed route
// reaches the same listener.
test('qmail-remote.c smtproutes: a [literal] relay reaches the qmail-smtpd listening on that address', () => {
  const files: Record<string, FixtureEntry> = {
    '/etc/passwd': 'root:x:0:0::/root:/bin/sh\nalias:x:7790:2108::/var/qmail/alias:/bin/false\nalice:x:1001:1001::/home/alice:/bin/sh\n',
    '/home/alice/': { dir: true, mode: 0o755, uid: 1001, gid: 1001 },
    '/var/qmail/alias/': { dir: true, mode: 0o2755, uid: 7790, gid: 2108 },
    '/var/qmail/control/me': 'mail.example.com\n',
    '/var/qmail/control/locals': 'example.com\n',
    '/var/qmail/control/smtproutes': 'a.example:[127.0.0.2]:25\n',
    '/var/qmail2/control/me': 'mail.a.example\n',
    '/var/qmail2/control/locals': 'a.example\n',
    '/var/qmail2/control/rcpthosts': 'a.example\n',
    '/var/qmail2/rc': '#!/bin/sh\nexec env - PATH="/var/qmail2/bin:$PATH" qmail-start ./Maildir/ splogger qmail2\n',
    '/var/qmail2/supervise/qmail-smtpd/run': '#!/bin/sh\nexec /usr/local/bin/tcpserver -v -R -u 7791 -g 2108 127.0.0.2 25 /var/qmail2/bin/qmail-smtpd 2>&1\n',
    ...maildir('/home/alice/Maildir', 1001, 1001),
  };
  const sysroot = makeFixture(files).sysroot();
  const insts = ['/var/qmail', '/var/qmail2'].map((p) => loadInstallation(sysroot, p));
  const r = traceAddress(insts[0], loadSystemUsers(sysroot), 'alice@a.example', { sender: 's@x.org', others: insts, now: new Date('2026-11-25T10:00:00Z') });
  checkHops(r);
  assert.deepEqual(outcomes(r), ['remote alice@a.example', 'maildir /home/alice/Maildir/']);
  assert.equal(r.hops[1].instance, '/var/qmail2');
});

// qmail-local.c maildir(): maildir_child's chdir(dir) fails with ENOENT (not
// error_temp) → _exit(2) → "Unable to chdir to maildir. (#4.2.1)", exit 111:
// a deferral, never a delivery (every exit code: maildir.test.ts).
test('qmail-local.c maildir: a missing maildir defers, it is not listed as a delivery', () => {
  const r = traceB('joe-m', { '/home/joe/.qmail-m': '&bob@example.com\n./Maildir/\n|prog\n' });
  assert.deepEqual(outcomes(r), ['defer Unable to chdir to maildir. (#4.2.1)']);
  assert.ok(!r.hops[0].steps.some((s) => s.warn && s.path === '/home/joe/Maildir/'), 'no "as if it existed" warning');
});

// qmail-local.c main loop: `case '+': if (str_equal(cmds.s + i + 1,"list"))`
// compares C strings, so a NUL right after "+list" still turns forward-only on.
test('qmail-local.c +list: a NUL after "+list" still sets flagforwardonly', () => {
  const r = traceB('joe-f', { '/home/joe/.qmail-f': '+list\0junk\n./Mailbox\n' });
  assert.deepEqual(outcomes(r), ['defer Uh-oh: .qmail has file delivery but has x bit set. (#4.7.0)']);
});

// qmail-lspawn.c spawn(): chdir(auto_qmail) before nughde_get, so
// qmail-getpw.c's stat(pw->pw_dir) of a relative home looks under the qmail
// home; /home/joe does not count for a passwd home "home/joe".
test('qmail-getpw.c userext: a relative passwd home is stat()ed under the qmail home', () => {
  const pw = PASSWD.replace('joe:x:1001:100:Joe:/home/joe:', 'joe:x:1001:100:Joe:home/joe:');
  const r = traceB('joe', { '/etc/passwd': pw });
  assert.equal(ude(r), 'alias/-/joe(alias)');
  // Under /var/qmail it is found, and qmail-local then stops with its usage error (a bounce).
  const found = traceB('joe', { '/etc/passwd': pw, '/var/qmail/home/joe/': { dir: true, mode: 0o755, uid: 1001, gid: 100 } });
  assert.equal(ude(found), 'joe//(passwd)');
  assert.deepEqual(found.deliveries.map((d) => d.kind), ['bounce']);
});

// error_temp.c: the errno values qmail treats as temporary. EBUSY,
// ETOOMANYREFS, EPROCLIM and EUSERS are among them; EREMOTE is not.
test('error_temp.c: the temporary errno set', async () => {
  const { isTempErrno } = await import('../../source/trace/getpw.js');
  for (const e of ['EINTR', 'ENOMEM', 'ETXTBSY', 'EIO', 'ETIMEDOUT', 'EWOULDBLOCK', 'EAGAIN', 'EDEADLK', 'EBUSY', 'ENFILE', 'EMFILE', 'EFBIG', 'ENOSPC', 'ENETDOWN', 'ENETUNREACH', 'ENETRESET', 'ECONNABORTED', 'ECONNRESET', 'ENOBUFS', 'ETOOMANYREFS', 'ECONNREFUSED', 'EHOSTDOWN', 'EHOSTUNREACH', 'EPROCLIM', 'EUSERS', 'EDQUOT', 'ESTALE', 'ENOLCK'])
    assert.equal(isTempErrno(e), true, e);
  for (const e of ['EREMOTE', 'ENOENT', 'EACCES', 'EPERM', 'ELOOP', 'ENOTDIR', 'ENAMETOOLONG']) assert.equal(isTempErrno(e), false, e);
});

// qmail-local.c qmeexists: an open error defers only when error_temp, EPERM
// or EACCES; any other errno (ENAMETOOLONG for an extension longer than a
// file name may be, EINVAL, ...) means "not there" and the search goes on.
test('qmail-local.c qmeexists: ENAMETOOLONG is "not there", the -default file still serves', () => {
  const ext = 'x'.repeat(300);
  const r = traceB(`joe-${ext}`, { '/home/joe/.qmail-default': '|prog\n' });
  assert.equal(r.hops[0].dotqmail, '/home/joe/.qmail-default');
  assert.equal(r.hops[0].env.DEFAULT, ext);
  assert.deepEqual(outcomes(r), ['program prog']);
});

// qmail-start.c passes argv[1] to qmail-lspawn as aliasempty; qmail-local.c
// main: an empty aliasempty becomes "\n", whose first line is blank: every
// message for a user without a .qmail is deferred (#4.2.1), not dropped.
test('qmail-start.c/qmail-local.c: a quoted empty default delivery defers; its explanation says so', () => {
  const rc = '#!/bin/sh\nexec env - PATH="/var/qmail/bin:$PATH" \\\nqmail-start "`cat /var/qmail/control/defaultdelivery`" splogger qmail\n';
  const sysroot = makeFixture({ ...baselineFiles(), '/var/qmail/rc': rc }).sysroot();
  const inst = loadInstallation(sysroot, '/var/qmail');
  const r = traceAddress(inst, loadSystemUsers(sysroot), 'joe', { sender: 's@x.org', now: new Date('2026-11-25T10:00:00Z') });
  assert.deepEqual(outcomes(r), ['defer Uh-oh: first line of .qmail file is blank. (#4.2.1)']);
  const dd = inst.defaultDelivery();
  assert.equal(dd.text, '');
  assert.doesNotMatch(dd.explanation, /nothing delivered/);
  const diag = inst.diagnostics().find((d) => d.code === 'default-delivery-missing-file');
  assert.ok(diag);
  assert.doesNotMatch(diag.message, /delivered nowhere/);
  assert.match(diag.message, /defer/);
});

// Unquoted, a `cat` that gives nothing is no word at all for the shell: the
// next word ("splogger") becomes qmail-start's argv[1], the default delivery:
// a forward to the address "splogger" (qmail-local.c: any other first byte).
test('qmail-start.c: an unquoted empty substitution is dropped; the next word is the default delivery', () => {
  const rc = '#!/bin/sh\nexec env - PATH="/var/qmail/bin:$PATH" \\\nqmail-start `cat /var/qmail/control/defaultdelivery` splogger qmail\n';
  const sysroot = makeFixture({ ...baselineFiles(), '/var/qmail/rc': rc }).sysroot();
  const inst = loadInstallation(sysroot, '/var/qmail');
  assert.equal(inst.defaultDelivery().text, 'splogger');
  const r = traceAddress(inst, loadSystemUsers(sysroot), 'joe', { sender: 's@x.org', now: new Date('2026-11-25T10:00:00Z') });
  assert.deepEqual(outcomes(r).slice(0, 1), ['forward splogger']);
});

// rcpthosts.c: a morercpthosts.cdb that cannot be read makes rcpthosts()
// return -1 and qmail-smtpd die_control()s ("421 unable to read controls
// (#4.3.0)"): the sending qmail-remote gets a temporary failure and defers.
// It is not the 553 refusal that bounces.
test('rcpthosts.c: an unreadable morercpthosts.cdb is a temporary failure on the SMTP hop', () => {
  const files: Record<string, FixtureEntry> = {
    '/etc/passwd': 'root:x:0:0::/root:/bin/sh\nalias:x:7790:2108::/var/qmail/alias:/bin/false\nalice:x:1001:1001::/home/alice:/bin/sh\n',
    '/home/alice/': { dir: true, mode: 0o755, uid: 1001, gid: 1001 },
    '/var/qmail/alias/': { dir: true, mode: 0o2755, uid: 7790, gid: 2108 },
    '/var/qmail/control/me': 'mail.example.com\n',
    '/var/qmail/control/locals': 'example.com\n',
    '/var/qmail/control/smtproutes': 'a.example:127.0.0.2:25\n',
    '/var/qmail2/control/me': 'mail.a.example\n',
    '/var/qmail2/control/locals': 'a.example\n',
    '/var/qmail2/control/rcpthosts': 'other.example\n',
    '/var/qmail2/control/morercpthosts.cdb': 'not a cdb',
    '/var/qmail2/rc': '#!/bin/sh\nexec env - PATH="/var/qmail2/bin:$PATH" qmail-start ./Maildir/ splogger qmail2\n',
    '/var/qmail2/supervise/qmail-smtpd/run': '#!/bin/sh\nexec /usr/local/bin/tcpserver -v -R -u 7791 -g 2108 127.0.0.2 25 /var/qmail2/bin/qmail-smtpd 2>&1\n',
  };
  const sysroot = makeFixture(files).sysroot();
  const insts = ['/var/qmail', '/var/qmail2'].map((p) => loadInstallation(sysroot, p));
  const r = traceAddress(insts[0], loadSystemUsers(sysroot), 'alice@a.example', { sender: 's@x.org', others: insts, now: new Date('2026-11-25T10:00:00Z') });
  assert.deepEqual(r.deliveries.map((d) => d.kind), ['remote', 'defer']);
});
