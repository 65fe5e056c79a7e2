// qmail-local.c maildir() / maildir_child(), exit code by exit code: the
// child chdirs into the maildir (fails for good: exit 2, "Unable to chdir to
// maildir. (#4.2.1)"; with an error_temp errno: exit 1), creates
// tmp/TIME.PID.HOST exclusively and links it into new/ (any failure: exit 1,
// "Temporary error on maildir delivery. (#4.3.0)"). Every one is exit 111 of
// qmail-local: a deferral, never a delivery. Exits 3 (the 24-hour alarm) and
// 4 (the message unreadable) happen only while writing, which the walk does
// not do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { traceB, traceIn, baseline, outcomes, maildir, withAssign } from './baseline.js';
import type { TraceResult } from '../../source/trace/types.js';

const CHDIR = 'defer Unable to chdir to maildir. (#4.2.1)';
const TEMP = 'defer Temporary error on maildir delivery. (#4.3.0)';
const stepOf = (r: TraceResult, re: RegExp) => r.hops.flatMap((h) => h.steps).find((s) => re.test(s.text));

test('maildir_child exit 2: a maildir that does not exist defers, with the path and the fix (maildirmake, as the user)', () => {
  const r = traceB('joe-m', { '/home/joe/.qmail-m': './Maildir/\n' });
  assert.deepEqual(outcomes(r), [CHDIR]);
  const s = stepOf(r, /maildir \/home\/joe\/Maildir\//);
  assert.ok(s, 'the line names the maildir');
  assert.match(s.text, /it does not exist; fix: create it as the delivering user, `sudo -u joe maildirmake \/home\/joe\/Maildir` \(the maildir must belong to joe\)/);
  assert.match(s.text, /→ defer: Unable to chdir to maildir\. \(#4\.2\.1\)/);
  assert.ok(!r.hops[0].steps.some((x) => /as if it existed/.test(x.text)), 'never listed as if it existed');
});

test('maildir_child exit 2: the defer ends the run — earlier lines rerun, later not carried out, collected forwards not sent', () => {
  const r = traceB('joe-m', { '/home/joe/.qmail-m': '&bob@example.com\n./Mailbox\n./Maildir/\n|prog\n' });
  assert.deepEqual(outcomes(r), ['mbox /home/joe/Mailbox', CHDIR]);
  const s = stepOf(r, /→ defer: Unable to chdir/)!;
  assert.match(s.text, /the 1 mailbox or program line before it has already run and runs again on each retry/);
  assert.match(s.text, /line 4 is not carried out/);
  assert.match(s.text, /the 1 forward collected so far is not sent/);
});

test('maildir_child exit 2: a missing parent directory is named, mkdir -p first', () => {
  const r = traceB('joe-m', { '/home/joe/.qmail-m': './Mail/box/\n' });
  assert.deepEqual(outcomes(r), [CHDIR]);
  assert.match(stepOf(r, /→ defer/)!.text, /\/home\/joe\/Mail does not exist; fix: `sudo -u joe mkdir -p \/home\/joe\/Mail`, then `sudo -u joe maildirmake \/home\/joe\/Mail\/box`/);
});

test('maildir_child exit 2: a file where the maildir should be (ENOTDIR), and one the user may not enter (EACCES)', () => {
  const file = traceB('joe-m', { '/home/joe/.qmail-m': './Maildir/\n', '/home/joe/Maildir': { content: 'x', uid: 1001, gid: 100, mode: 0o600 } });
  assert.deepEqual(outcomes(file), [CHDIR]);
  assert.match(stepOf(file, /→ defer/)!.text, /\/home\/joe\/Maildir is not a directory \(owner 1001, mode 0600\)/);
  const other = traceB('joe-m', { '/home/joe/.qmail-m': './Maildir/\n', ...maildir('/home/joe/Maildir', 1002, 100) });
  assert.deepEqual(outcomes(other), [CHDIR]);
  assert.match(stepOf(other, /→ defer/)!.text, /joe \(uid 1001\) may not enter \/home\/joe\/Maildir \(owner 1002, mode 0700\); fix: `chown -R 1001:100 \/home\/joe\/Maildir`/);
});

test('maildir_child exit 1: chdir failing with an error_temp errno (EIO) gives the temporary error', () => {
  const fx = baseline({ '/home/joe/.qmail-m': './Maildir/\n', ...maildir('/home/joe/Maildir') });
  const r = traceIn(fx, 'joe-m', {}, '/var/qmail', { '/home/joe/Maildir': 'EIO' });
  assert.deepEqual(outcomes(r), [TEMP]);
  assert.match(stepOf(r, /→ defer/)!.text, /temporary error \(input\/output error\): maildir_child exits 1/);
});

test('maildir_child exit 1: no tmp/ (open_excl fails), no new/ (link fails), or tmp/ the user may not write', () => {
  const noTmp = traceB('joe-m', { '/home/joe/.qmail-m': './Maildir/\n', '/home/joe/Maildir/': { dir: true, mode: 0o700, uid: 1001, gid: 100 }, '/home/joe/Maildir/new/.keep': '' });
  assert.deepEqual(outcomes(noTmp), [TEMP]);
  assert.match(stepOf(noTmp, /→ defer/)!.text, /\/home\/joe\/Maildir has no tmp\/ directory: creating the message file tmp\/TIME\.PID\.HOST fails \(file does not exist\); fix: `sudo -u joe mkdir -m 700 \/home\/joe\/Maildir\/tmp`/);
  const noNew = traceB('joe-m', { '/home/joe/.qmail-m': './Maildir/\n', '/home/joe/Maildir/': { dir: true, mode: 0o700, uid: 1001, gid: 100 }, '/home/joe/Maildir/tmp/.keep': '' });
  assert.deepEqual(outcomes(noNew), [TEMP]);
  assert.match(stepOf(noNew, /→ defer/)!.text, /has no new\/ directory: linking the message into new\/ fails/);
  const roTmp = traceB('joe-m', { '/home/joe/.qmail-m': './Maildir/\n', ...maildir('/home/joe/Maildir'), '/home/joe/Maildir/tmp/': { dir: true, mode: 0o500, uid: 1001, gid: 100 } });
  assert.deepEqual(outcomes(roTmp), [TEMP]);
  assert.match(stepOf(roTmp, /→ defer/)!.text, /joe \(uid 1001\) may not write \/home\/joe\/Maildir\/tmp\/ \(owner 1001, mode 0500\)/);
});

test('maildir_child exit 0: tmp/ and new/ are all it needs (no cur/ is said, not a defer)', () => {
  assert.deepEqual(outcomes(traceB('joe-m', { '/home/joe/.qmail-m': './Maildir/\n', ...maildir('/home/joe/Maildir') })), ['maildir /home/joe/Maildir/']);
  const r = traceB('joe-m', { '/home/joe/.qmail-m': './Maildir/\n', '/home/joe/Maildir/tmp/.keep': '', '/home/joe/Maildir/new/.keep': '', '/home/joe/Maildir/': { dir: true, mode: 0o700, uid: 1001, gid: 100 } });
  assert.deepEqual(outcomes(r), ['maildir /home/joe/Maildir/']);
  assert.match(stepOf(r, /maildir \/home\/joe\/Maildir\//)!.text, /no cur\/: qmail-local does not need it, a mail reader does/);
});

test('the default delivery ./Maildir/ of a user without one defers too', () => {
  const r = traceB('joe', { '/var/qmail/rc': '#!/bin/sh\nexec env - PATH="/var/qmail/bin:$PATH" qmail-start ./Maildir/ splogger qmail\n' });
  assert.deepEqual(outcomes(r), [CHDIR]);
});

test('an assign user that passwd does not know: the fix runs as its uid and gid', () => {
  const r = traceB('virt', { ...withAssign('=virt:vuser:3001:3001:/home/virt:::\n.\n'), '/home/virt/': { dir: true, mode: 0o755, uid: 3001, gid: 3001 }, '/home/virt/.qmail': './Maildir/\n' });
  assert.deepEqual(outcomes(r), [CHDIR]);
  assert.match(stepOf(r, /→ defer/)!.text, /`sudo -u '#3001' -g '#3001' maildirmake \/home\/virt\/Maildir`/);
});
