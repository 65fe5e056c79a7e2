// The bundled demos say what their addresses do (demo/*/README.md); keep
// those sentences true.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Sysroot } from '../../source/sysroot/sysroot.js';
import { discoverInstances } from '../../source/qmail/discover.js';
import { loadInstallation, systemUsersOf } from '../../source/qmail/installation.js';
import { traceAddress } from '../../source/trace/walk.js';
import { findLeaks } from '../../source/veil/index.js';

function projectRoot(): string {
  let d = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(d, 'package.json'))) d = path.dirname(d);
  return d;
}

function open(name: string, roots?: string[]) {
  const sr = new Sysroot(path.join(projectRoot(), 'demo', name));
  const installs = (roots ?? discoverInstances(sr)).map((r) => loadInstallation(sr, r));
  const users = systemUsersOf(sr);
  const trace = (address: string) => {
    const r = traceAddress(installs[0], users, address, { now: new Date('2026-11-25T00:00:00Z'), others: installs });
    return r.deliveries.map((d) => `${d.kind} ${d.target}`);
  };
  return { sr, installs, users, trace };
}

test('demo/plain: one installation, no veil leaks', () => {
  const d = open('plain');
  assert.deepEqual(d.installs.map((i) => i.root), ['/var/qmail']);
  assert.deepEqual(findLeaks(d.installs, d.users, d.sr), []);
});

test('demo/plain: the addresses of its README deliver as described', () => {
  const { trace } = open('plain');
  assert.deepEqual(trace('alice@example.com'), ['maildir /home/alice/Maildir/']);
  assert.deepEqual(trace('alice-lists-perl@example.com'), ['maildir /home/alice/Maildir/.Lists/']);
  assert.deepEqual(trace('info@lists.example.com'), ['maildir /home/alice/Maildir/.Lists/']);
  assert.deepEqual(trace('alice-work@example.com'), ['forward alice@work.example.net', 'remote alice@work.example.net', 'maildir /home/alice/Maildir/.Work/']);
  assert.deepEqual(trace('alice-spam@example.com'), []);
  assert.deepEqual(trace('bob@example.com'), ['mbox /home/bob/Mailbox']);
  assert.equal(trace('bob-anything@example.com')[0].split(' ')[0], 'bounce');
  assert.deepEqual(trace('carol@example.com'), ['forward carol@example.net', 'remote carol@example.net', 'maildir /home/carol/Maildir/']);
  assert.deepEqual(trace('dave-vacation@example.com'), ['program /usr/bin/vacation dave', 'maildir /home/dave/Maildir/']);
  assert.deepEqual(trace('dave-xyz@example.com'), ['maildir /home/dave/Maildir/.Catchall/']);
  assert.deepEqual(trace('postmaster@example.com'), ['forward alice@example.com', 'maildir /home/alice/Maildir/']);
});

test("demo/multi: alice's work mail delivered by B crosses into C", () => {
  const { trace } = open('multi', ['/var/qmail2', '/var/qmail3']);
  assert.deepEqual(trace('alice-work@b.example'), [
    'forward alice@c.example',
    'remote alice@c.example',
    'maildir /home/cmail/Maildir/',
    'maildir /home/alice/Maildir/.Work/',
  ]);
});

test('demo/multi: a trace through the copied /var/qmail4 names the queue that really receives the mail', () => {
  const { trace, installs, users } = open('multi');
  const d = installs.find((i) => i.root === '/var/qmail4')!;
  const r = traceAddress(d, users, 'orders@d.example', { now: new Date('2026-11-25T00:00:00Z'), others: installs });
  assert.equal(r.hops[0].instance, '/var/qmail');
  assert.equal(r.hops[0].queue, '/var/qmail/queue');
  assert.match(r.hops[0].steps[0].text, /\/var\/qmail4\/bin\/qmail-smtpd \(built for \/var\/qmail\) → \/var\/qmail\/bin\/qmail-queue \(built for \/var\/qmail\) → \/var\/qmail\/queue/);
  assert.deepEqual(r.deliveries.map((x) => x.kind), ['remote']);
  // The other installations' traces are unchanged by their programs (built for themselves).
  assert.equal(trace('alice@a.example')[0], 'maildir /home/alice/Maildir/');
});
