// The steps that decide a walk carry a stable (decision, outcome) besides
// their words: the impact preview compares two walks on (stage, decision,
// path, outcome), so these must say what qmail-smtpd, qmail-send and
// qmail-remote decide whatever the wording.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFixture, type FixtureEntry } from '../helpers/fixture.js';
import { loadInstallation } from '../../source/qmail/installation.js';
import { loadSystemUsers } from '../../source/qmail/passwd.js';
import { traceAddress } from '../../source/trace/walk.js';
import { rcpthostsCheck, rcpthostsStep } from '../../source/trace/smtpd.js';
import type { TraceResult } from '../../source/trace/types.js';

const BASE: Record<string, FixtureEntry> = {
  '/etc/passwd': 'root:x:0:0::/root:/bin/sh\nalias:x:7790:2108::/var/qmail/alias:/bin/false\nalice:x:1001:1001::/home/alice:/bin/sh\n',
  '/home/alice/': { dir: true, mode: 0o755, uid: 1001, gid: 1001 },
  '/home/alice/.qmail': './Maildir/\n',
  '/home/alice/Maildir/tmp/': { dir: true, uid: 1001, gid: 1001 },
  '/home/alice/Maildir/new/': { dir: true, uid: 1001, gid: 1001 },
  '/home/alice/Maildir/cur/': { dir: true, uid: 1001, gid: 1001 },
  '/var/qmail/alias/': { dir: true, mode: 0o2755, uid: 7790, gid: 2108 },
  '/var/qmail/control/me': 'mail.example.com\n',
  '/var/qmail/control/locals': 'example.com\n',
  '/var/qmail/control/rcpthosts': 'example.com\n.lists.example.com\n',
  '/var/qmail/rc': '#!/bin/sh\nexec env - qmail-start ./Maildir/ splogger qmail\n',
};

function walk(extra: Record<string, FixtureEntry | null>, address: string, roots = ['/var/qmail']): TraceResult {
  const files = { ...BASE };
  for (const [k, v] of Object.entries(extra)) {
    if (v === null) delete files[k];
    else files[k] = v;
  }
  const sysroot = makeFixture(files).sysroot();
  const insts = roots.map((r) => loadInstallation(sysroot, r));
  return traceAddress(insts[0], loadSystemUsers(sysroot), address, { now: new Date('2026-11-25T10:00:00Z'), others: insts });
}

const decided = (r: TraceResult, hop = 0) =>
  r.hops[hop].steps.filter((s) => s.decision).map((s) => [s.stage, s.decision, s.path ?? null, s.outcome]);

test('qmail-smtpd: rcpthosts accepts (a line or a .suffix), refuses with 553, or defers with 421', () => {
  assert.deepEqual(decided(walk({}, 'alice@example.com'))[0], ['qmail-smtpd', 'rcpthosts', '/var/qmail/control/rcpthosts', 'accept']);
  const sub = walk({}, 'x@a.lists.example.com').hops[0].steps[0];
  assert.equal(sub.outcome, 'accept');
  assert.equal(sub.line, 2);
  const refused = walk({ '/var/qmail/control/rcpthosts': 'other.example\n' }, 'alice@example.com');
  assert.deepEqual(decided(refused)[0], ['qmail-smtpd', 'rcpthosts', '/var/qmail/control/rcpthosts', 'refuse']);
  // The walk itself is a local injection: the refusal is said, and alice still gets her mail.
  assert.deepEqual(refused.deliveries.map((d) => d.kind), ['maildir']);
  const unreadable = walk({ '/var/qmail/control/morercpthosts.cdb': 'not a cdb' }, 'x@elsewhere.example');
  assert.equal(unreadable.hops[0].steps[0].outcome, 'defer');
  // No rcpthosts at all: qmail-smtpd takes every recipient.
  assert.equal(walk({ '/var/qmail/control/rcpthosts': null }, 'x@elsewhere.example').hops[0].steps[0].outcome, 'accept');
});

test('rcpthostsStep: the outcome follows the answer, not the words', () => {
  const sysroot = makeFixture({ ...BASE }).sysroot();
  const inst = loadInstallation(sysroot, '/var/qmail');
  const no = rcpthostsStep(rcpthostsCheck(inst, 'a@nowhere.example'), true);
  assert.equal(no.outcome, 'refuse');
  assert.equal(no.decision, 'rcpthosts');
  assert.doesNotMatch(no.text, /not blocking/);
  assert.match(rcpthostsStep(rcpthostsCheck(inst, 'a@nowhere.example'), false).text, /not blocking/);
});

test('qmail-send: the step that routes the address says local, remote or stopped', () => {
  assert.deepEqual(decided(walk({}, 'alice@example.com'))[1], ['qmail-send', 'route', '/var/qmail/control/locals', 'local']);
  assert.deepEqual(decided(walk({}, 'bob@example.net')).slice(1), [
    ['qmail-send', 'route', '/var/qmail/control/virtualdomains', 'remote'],
    ['qmail-remote', 'smtproute', '/var/qmail/control/smtproutes', 'mx'],
  ]);
  const stopped = walk({ '/var/qmail/control/locals': null, '/var/qmail/control/me': null }, 'alice@example.com');
  assert.equal(decided(stopped)[1][3], 'stopped');
});

test('qmail-remote: a domain another installation of this host delivers: self-MX, no listener, or the crossing', () => {
  const two: Record<string, FixtureEntry> = {
    '/var/qmail2/control/me': 'mail.a.example\n',
    '/var/qmail2/control/locals': 'a.example\n',
    '/var/qmail2/control/rcpthosts': 'a.example\n',
    '/var/qmail2/supervise/qmail-smtpd/run': '#!/bin/sh\nexec /usr/local/bin/tcpserver -v -R 127.0.0.2 25 /var/qmail2/bin/qmail-smtpd 2>&1\n',
  };
  const roots = ['/var/qmail', '/var/qmail2'];
  const selfMx = walk(two, 'x@a.example', roots);
  assert.deepEqual(decided(selfMx).slice(2).map((d) => [d[1], d[3]]), [
    ['smtproute', 'mx'],
    ['same-host', 'self-mx'],
  ]);
  const wrongPort = walk({ ...two, '/var/qmail/control/smtproutes': 'a.example:127.0.0.2:26\n' }, 'x@a.example', roots);
  assert.deepEqual(decided(wrongPort).slice(2).map((d) => [d[1], d[3]]), [
    ['smtproute', 'smtproutes'],
    ['same-host', 'no-listener'],
  ]);
  const crosses = walk({ ...two, '/var/qmail/control/smtproutes': 'a.example:127.0.0.2:25\n' }, 'x@a.example', roots);
  assert.deepEqual(decided(crosses).slice(2).map((d) => [d[1], d[3]]), [
    ['smtproute', 'smtproutes'],
    ['same-host', 'crosses'],
  ]);
  // On the far side qmail-smtpd's answer is real: it came by SMTP.
  assert.equal(crosses.hops[1].instance, '/var/qmail2');
  assert.deepEqual(decided(crosses, 1)[0], ['qmail-smtpd', 'rcpthosts', '/var/qmail2/control/rcpthosts', 'accept']);
});
