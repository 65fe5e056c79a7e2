// Issue 14 point 7: the warnings of a walk are said under its outcomes, so
// the admin does not scroll through every step to find the self-MX bounce.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadInstallation, systemUsersOf } from '../../source/qmail/installation.js';
import { traceAddress } from '../../source/trace/walk.js';
import { builtinManagers } from '../../source/trace/managers.js';
import { formatTrace, formatSideBySide } from '../../source/trace/format.js';
import { traceWarnings } from '../../source/trace/warnings.js';
import { warnedHost } from './warned-host.js';

const NOW = new Date('2026-11-25T12:00:00Z');

function walk(address: string, root = '/var/qmail') {
  const sysroot = warnedHost().sysroot();
  const insts = ['/var/qmail', '/var/qmail2'].map((r) => loadInstallation(sysroot, r));
  const inst = insts.find((i) => i.root === root)!;
  return traceAddress(inst, systemUsersOf(sysroot), address, { managers: builtinManagers, now: NOW, others: insts });
}

const SELF_MX = '"b.example" is local to /var/qmail2 on this host, but /var/qmail has no smtproutes entry for it: if its MX points at this host, qmail-remote bounces (#5.4.6 … best-preference MX); otherwise the mail leaves the host';

test('traceWarnings: every ! of the walk in step order, one warning said by two hops once with both hops', () => {
  const r = walk('alice@example.com');
  assert.deepEqual(
    r.deliveries.map((d) => `${d.kind} ${d.target} @${d.hop}`),
    ['maildir /home/alice/Maildir/ @0', 'forward x@b.example @0', 'remote x@b.example @1', 'forward y@b.example @0', 'remote y@b.example @2'],
  );
  const ws = traceWarnings(r);
  assert.deepEqual(
    ws.map((w) => [w.hops, w.stage, w.path ?? null, w.line ?? null]),
    [
      [[0], 'qmail-lspawn', '/var/qmail/users/assign', 1],
      [[1, 2], 'qmail-remote', null, null],
    ],
  );
  assert.match(ws[0].text, /^users\/assign disagrees with users\/cdb for "alice": .*run qmail-newu to make assign take effect$/);
  assert.equal(ws[1].text, SELF_MX);
  // As many as the walk's warned steps say, counted once each.
  const warned = new Set(r.hops.flatMap((h) => h.steps.filter((s) => s.warn).map((s) => s.text)));
  assert.equal(ws.length, warned.size + r.leaks.length);
});

test('formatTrace: "N warnings:" and each warning right under the outcomes, before the first hop', () => {
  const text = formatTrace(walk('alice@example.com'));
  const lines = text.split('\n');
  const first = lines.findIndex((l) => l.startsWith('hop 0 '));
  const at = lines.indexOf('2 warnings:');
  assert.ok(at > 0 && at < first, text);
  assert.match(lines[at - 1], /^ {4}<-- alice@example\.com$/);
  assert.match(lines[at + 1], /^ {2}! hop 0 qmail-lspawn: users\/assign disagrees with users\/cdb for "alice": .* \[\/var\/qmail\/users\/assign:1\]$/);
  assert.equal(lines[at + 2], `  ! hops 1, 2 qmail-remote: ${SELF_MX}`);
  assert.equal(lines[at + 3], '');
  // The walk below still says each of them where it happened.
  assert.equal(text.split(SELF_MX).length - 1, 3);
});

test('formatTrace: one warning is "1 warning:"; a walk without any says nothing', () => {
  const one = formatTrace(walk('x@b.example'));
  assert.match(one, /^trace x@b\.example in \/var\/qmail\nremote +x@b\.example +hop 0\n1 warning:\n {2}! hop 0 qmail-remote: "b\.example" is local to \/var\/qmail2/);
  const none = formatTrace(walk('x@b.example', '/var/qmail2'));
  assert.doesNotMatch(none, /warning/);
  assert.match(none, /^trace x@b\.example in \/var\/qmail2\nmaildir +\/home\/x\/Maildir\/ +hop 0\n\nhop 0 /);
});

test('formatSideBySide: the summary names each installation with warnings and how many', () => {
  const text = formatSideBySide([walk('x@b.example'), walk('x@b.example', '/var/qmail2')]);
  assert.match(text, /\(the installations disagree\)\nwarnings: \/var\/qmail 1 \(each trace below lists them under its outcomes\)\n\n/);
  const quiet = formatSideBySide([walk('x@b.example', '/var/qmail2')]);
  assert.doesNotMatch(quiet, /warning/);
});
