// The queue a copy really enters, by the homes compiled into the programs on
// its way: a trace through an installation copied from another (never
// rebuilt) is walked with the other's queue and control files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFixture, type FixtureEntry } from '../helpers/fixture.js';
import { elfStandIn } from '../helpers/elf-writer.js';
import { loadInstallation, systemUsersOf } from '../../source/qmail/installation.js';
import { traceAddress } from '../../source/trace/walk.js';
import { builtinManagers } from '../../source/trace/managers.js';
import type { TraceOptions } from '../../source/trace/types.js';
import { NOW, dk, dl } from './trace-helper.js';

const PROGRAMS = ['qmail-queue', 'qmail-send', 'qmail-smtpd', 'qmail-lspawn', 'qmail-local', 'qmail-inject'];

function bin(root: string, home: string | null, overrides: Record<string, string | null> = {}): Record<string, FixtureEntry> {
  const out: Record<string, FixtureEntry> = {};
  for (const n of PROGRAMS) out[`${root}/bin/${n}`] = elfStandIn({ home: n in overrides ? overrides[n] : home, rodata: [`${n}: fatal`, 'bin/qmail-queue'] });
  return out;
}

/** A: a.example for passwd users; B: b.example, a copy of A's tree with its control edited. */
function host(extra: Record<string, FixtureEntry> = {}) {
  return makeFixture({
    '/etc/passwd': 'alias:x:7790:2108::/var/qmail/alias:/bin/false\nalice:x:1001:1001::/home/alice:/bin/sh\n',
    '/home/alice/': { dir: true, uid: 1001, gid: 1001 },
    '/home/alice/Maildir/tmp/': { dir: true, uid: 1001, gid: 1001 },
    '/home/alice/Maildir/new/': { dir: true, uid: 1001, gid: 1001 },
    '/home/alice/.qmail': './Maildir/\n',
    '/home/alice/.qmail-fwd': '&alice@b.example\n',
    '/var/qmail/control/me': 'mail.a.example\n',
    '/var/qmail/control/locals': 'a.example\n',
    '/var/qmail/control/rcpthosts': 'a.example\n',
    '/var/qmail/alias/': { dir: true, uid: 7790, gid: 2108 },
    '/var/qmail2/control/me': 'mail.b.example\n',
    '/var/qmail2/control/locals': 'b.example\n',
    '/var/qmail2/control/rcpthosts': 'b.example\n',
    ...bin('/var/qmail', '/var/qmail'),
    ...extra,
  });
}

function traceIn(fx: ReturnType<typeof host>, root: string, address: string, opts: TraceOptions & { load?: string[] } = {}) {
  const sr = fx.sysroot();
  const insts = (opts.load ?? ['/var/qmail', '/var/qmail2']).map((r) => loadInstallation(sr, r));
  const inst = insts.find((i) => i.root === root) ?? loadInstallation(sr, root);
  return traceAddress(inst, systemUsersOf(sr), address, { managers: builtinManagers, now: NOW, others: insts, ...opts });
}

test('programs built for their own home: the step names the queue, nothing else changes', () => {
  const fx = host(bin('/var/qmail2', '/var/qmail2'));
  const r = traceIn(fx, '/var/qmail2', 'alice@b.example');
  assert.equal(r.hops[0].instance, '/var/qmail2');
  assert.equal(r.hops[0].queue, '/var/qmail2/queue');
  const s = r.hops[0].steps.find((x) => x.stage === 'qmail-queue')!;
  assert.deepEqual([s.decision, s.outcome, s.warn], ['queue', '/var/qmail2', undefined]);
  assert.match(s.text, /^\/var\/qmail2\/bin\/qmail-smtpd \(built for \/var\/qmail2\) → \/var\/qmail2\/bin\/qmail-queue \(built for \/var\/qmail2\) → \/var\/qmail2\/queue$/);
  assert.deepEqual(dl(r), [['maildir', '/home/alice/Maildir/', 0]]);
});

test('a copied installation: the mail enters /var/qmail/queue and /var/qmail decides it', () => {
  const fx = host(bin('/var/qmail2', '/var/qmail'));
  const r = traceIn(fx, '/var/qmail2', 'alice@b.example');
  assert.equal(r.instance, '/var/qmail2');
  assert.equal(r.hops[0].instance, '/var/qmail');
  assert.equal(r.hops[0].queue, '/var/qmail/queue');
  const s = r.hops[0].steps[0];
  assert.deepEqual([s.stage, s.decision, s.outcome, s.warn], ['qmail-queue', 'queue', '/var/qmail', true]);
  assert.match(s.text, /\/var\/qmail2\/bin\/qmail-smtpd \(built for \/var\/qmail\) → \/var\/qmail\/bin\/qmail-queue \(built for \/var\/qmail\) → \/var\/qmail\/queue: the programs \/var\/qmail2 runs were built for \/var\/qmail/);
  assert.match(s.text, /\/var\/qmail2\/control is never read/);
  // b.example is not local to /var/qmail: qmail-send sends it out (to this very host, by MX).
  assert.deepEqual(dk(r), [['remote', 0]]);
  assert.ok(r.leaks.some((l) => l.kind === 'binaries-built-for-other-home'));
  // qmail-remote's same-host warning does not call b.example local to /var/qmail2: no qmail-send reads its locals.
  const same = r.hops[0].steps.find((x) => x.decision === 'same-host')!;
  assert.equal(same.outcome, 'self-mx');
  assert.match(same.text, /^"b\.example" is listed in \/var\/qmail2\/control\/locals, which no qmail-send reads \(\/var\/qmail2's programs were built for \/var\/qmail\), but \/var\/qmail has no smtproutes entry/);
  // Without the copy the same address is delivered by /var/qmail2 itself, and is local to it for /var/qmail's qmail-remote.
  const own = host(bin('/var/qmail2', '/var/qmail2'));
  assert.deepEqual(dl(traceIn(own, '/var/qmail2', 'alice@b.example')), [['maildir', '/home/alice/Maildir/', 0]]);
  const fromA = traceIn(own, '/var/qmail', 'alice@b.example').hops[0].steps.find((x) => x.decision === 'same-host')!;
  assert.match(fromA.text, /^"b\.example" is local to \/var\/qmail2 on this host, but \/var\/qmail has no smtproutes entry/);
});

test('the home the programs carry is loaded on demand when it was not, and a missing one defers', () => {
  const fx = host(bin('/var/qmail2', '/var/qmail'));
  const r = traceIn(fx, '/var/qmail2', 'alice@a.example', { load: ['/var/qmail2'] });
  assert.equal(r.hops[0].instance, '/var/qmail');
  assert.deepEqual(dl(r), [['maildir', '/home/alice/Maildir/', 0]]);
  const gone = traceIn(host(bin('/var/qmail2', '/opt/qmail')), '/var/qmail2', 'alice@b.example');
  assert.deepEqual(dl(gone), [['defer', 'qq trouble in home directory (#4.3.0)', 0]]);
  assert.match(gone.hops[0].steps[0].text, /built for \/opt\/qmail, which does not exist on this host/);
  // A qmail-smtpd whose home has no bin/qmail-queue: never queued either.
  const noQueueBin = bin('/var/qmail2', '/var/qmail2');
  delete noQueueBin['/var/qmail2/bin/qmail-queue'];
  const noQueue = traceIn(host(noQueueBin), '/var/qmail2', 'alice@b.example');
  assert.deepEqual(dl(noQueue), [['defer', 'unable to exec qq (#4.3.0)', 0]]);
  assert.match(noQueue.hops[0].steps[0].text, /\/var\/qmail2\/bin\/qmail-queue \(not there\): \/var\/qmail2\/bin\/qmail-queue does not exist/);
});

test("a forward is queued where the delivering installation's qmail-lspawn and qmail-local send it", () => {
  // /var/qmail's qmail-local is a copy built for /var/qmail2: alice's forward enters /var/qmail2/queue.
  const fx = host({ ...bin('/var/qmail', '/var/qmail', { 'qmail-local': '/var/qmail2' }), ...bin('/var/qmail2', '/var/qmail2') });
  const r = traceIn(fx, '/var/qmail', 'alice-fwd@a.example');
  assert.deepEqual(dl(r), [
    ['forward', 'alice@b.example', 0],
    ['maildir', '/home/alice/Maildir/', 1],
  ]);
  assert.equal(r.hops[1].instance, '/var/qmail2');
  assert.match(r.hops[1].steps[0].text, /^\/var\/qmail\/bin\/qmail-lspawn \(built for \/var\/qmail\) → \/var\/qmail\/bin\/qmail-local \(built for \/var\/qmail2\) → \/var\/qmail2\/bin\/qmail-queue/);
  // Rebuilt correctly, the forward stays in /var/qmail, where b.example is not local.
  const own = traceIn(host(bin('/var/qmail2', '/var/qmail2')), '/var/qmail', 'alice-fwd@a.example');
  assert.equal(own.hops[1].instance, '/var/qmail');
  assert.equal(own.deliveries[1].kind, 'remote');
});

test('a message queued in a copied installation: no qmail-send reads that queue', () => {
  const fx = host(bin('/var/qmail2', '/var/qmail'));
  const r = traceIn(fx, '/var/qmail2', 'alice@b.example', { channel: 'local' });
  assert.equal(r.deliveries[0].kind, 'defer');
  assert.match(r.deliveries[0].target, /no qmail-send reads \/var\/qmail2\/queue: \/var\/qmail2\/bin\/qmail-send was built for \/var\/qmail/);
});

test('no programs to read (a fixture without bin/): the walk is as it always was', () => {
  const fx = makeFixture({ '/etc/passwd': 'alice:x:1001:1001::/home/alice:/bin/sh\n', '/home/alice/': { dir: true, uid: 1001 }, '/home/alice/Maildir/tmp/': { dir: true, uid: 1001 }, '/home/alice/Maildir/new/': { dir: true, uid: 1001 }, '/var/qmail/control/me': 'a.example\n' });
  const sr = fx.sysroot();
  const r = traceAddress(loadInstallation(sr, '/var/qmail'), systemUsersOf(sr), 'alice@a.example', { now: NOW });
  assert.equal(r.hops[0].queue, undefined);
  assert.ok(r.hops[0].steps.every((s) => s.stage !== 'qmail-queue'));
});
