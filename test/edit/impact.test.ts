import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFixture, type Fixture } from '../helpers/fixture.js';
import { writeQueue } from '../helpers/queue-writer.js';
import { stageEdits, type EditRequest } from '../../source/edit/stage.js';
import { stageEnv, previewImpact, overlayOf } from '../../source/edit/session.js';
import { traceForImpact } from '../../source/edit/tracer.js';
import { UNKNOWN_LOCAL, UNLISTED_DOMAIN } from '../../source/edit/impact.js';
import { compileUsersCdb } from '../../source/qmail/assign.js';

const passwd = [
  'alias:x:7790:2108::/var/qmail/alias:/bin/true',
  'alice:x:1001:1001::/home/alice:/bin/sh',
  'bob:x:1002:1002::/home/bob:/bin/sh',
].join('\n') + '\n';

function world(): Fixture {
  return makeFixture({
    '/etc/passwd': passwd,
    '/var/qmail/control/me': 'mail.example.com\n',
    '/var/qmail/control/locals': 'mail.example.com\nexample.com\n',
    '/var/qmail/control/rcpthosts': 'example.com\nexample.net\n',
    '/var/qmail/control/virtualdomains': 'example.net:alice\n',
    '/var/qmail/users/assign': '=sam:alice:1001:1001:/home/alice:::\n.\n',
    '/var/qmail/users/cdb': compileUsersCdb(Buffer.from('=sam:alice:1001:1001:/home/alice:::\n.\n')),
    '/var/qmail/alias/.qmail-postmaster': 'alice\n',
    '/var/qmail/alias/.qmail-default': './Mailbox\n',
    '/home/alice/.qmail': './Maildir/\n',
    '/home/alice/.qmail-sales': './Sales/\n',
    '/home/bob/.qmail': './Maildir/\n',
    '/home/bob/.qmail-info': './Info/\n',
    '/home/bob/.qmail-default': './Rest/\n',
  });
}

const NOW = new Date('2026-11-25T12:00:00Z');

function impact(fx: Fixture, edits: EditRequest[], extra: string[] = []) {
  const sr = fx.sysroot();
  const cs = stageEdits(edits, stageEnv(sr, ['/var/qmail']));
  assert.equal(cs.valid, true, JSON.stringify(cs.diagnostics));
  const [im] = previewImpact(sr, ['/var/qmail'], cs, extra, traceForImpact(['/var/qmail'], NOW));
  return im;
}

const edit = (path: string, content: string): EditRequest => ({ path, content: Buffer.from(content) });

test('adding a virtual domain changes exactly its addresses', () => {
  const fx = world();
  const im = impact(fx, [edit('/var/qmail/control/virtualdomains', 'example.net:alice\nexample.org:bob\n')]);
  // bob's .qmail-info and .qmail-default become reachable as info@ and anything@.
  assert.deepEqual(im.changed.map((c) => c.address).sort(), ['anything@example.org', 'info@example.org', 'postmaster@example.org', `${UNKNOWN_LOCAL}@example.org`].sort());
  const info = im.changed.find((c) => c.address === 'info@example.org')!;
  assert.deepEqual(info.before.map((d) => d.kind), ['remote']);
  assert.deepEqual(info.after, [{ kind: 'maildir', target: '/home/bob/Info/', hop: 0 }]);
  assert.equal(info.divergedAt?.stage, 'qmail-send');
  // Addresses of other domains were traced and did not change.
  assert.ok(im.traced > im.changed.length);
});

test('removing a virtual domain lists its users going remote', () => {
  const fx = world();
  const im = impact(fx, [edit('/var/qmail/control/virtualdomains', '')]);
  const addrs = im.changed.map((c) => c.address);
  assert.ok(addrs.includes('sales@example.net'));
  assert.ok(addrs.every((a) => a.endsWith('@example.net')), addrs.join(' '));
});

test('a users/assign entry and a new .qmail-EXT: only the addresses they reach change', () => {
  const fx = world();
  const im = impact(fx, [edit('/var/qmail/users/assign', '=sam:alice:1001:1001:/home/alice:::\n=tom:bob:1002:1002:/home/bob:::\n.\n')]);
  assert.deepEqual(im.changed.map((c) => c.address), ['tom@mail.example.com']);
  assert.equal(im.changed[0].after[0].target, '/home/bob/Maildir/');
  const q = impact(fx, [edit('/home/alice/.qmail-lists', '&list@example.org\n')]);
  // alice's file is reached as alice-lists@ and, through example.net:alice, as lists@example.net.
  assert.deepEqual(q.changed.map((c) => c.address).sort(), ['alice-lists@mail.example.com', 'lists@example.net']);
  assert.deepEqual(q.changed.find((c) => c.address === 'alice-lists@mail.example.com')!.after.map((d) => [d.kind, d.target]), [['forward', 'list@example.org'], ['remote', 'list@example.org']]);
});

test('queued recipients and --impact addresses are traced too', () => {
  const fx = world();
  writeQueue(fx.dir, '/var/qmail', [{ sender: 'x@example.net', recipients: [{ address: 'alice-gone@example.com', channel: 'local' }] }]);
  const im = impact(fx, [edit('/home/alice/.qmail-gone', './Gone/\n')], ['alice-gone@mail.example.com']);
  const addrs = im.changed.map((c) => `${c.channel ?? '-'} ${c.address}`).sort();
  assert.deepEqual(addrs, ['- alice-gone@mail.example.com', '- gone@example.net', 'local alice-gone@example.com']);
});

test('an unchanged file changes nothing; the overlay serves staged content without writing', () => {
  const fx = world();
  const im = impact(fx, [edit('/var/qmail/control/virtualdomains', 'example.net:alice\n')]);
  assert.deepEqual(im.changed, []);
  const sr = fx.sysroot();
  const cs = stageEdits([edit('/home/alice/.qmail-new', './New/\n')], stageEnv(sr, ['/var/qmail']));
  const over = overlayOf(sr, cs);
  assert.equal(over.readText('/home/alice/.qmail-new'), './New/\n');
  assert.ok(over.readdir('/home/alice')!.includes('.qmail-new'));
  assert.equal(over.stat('/home/alice/.qmail-new')?.uid, 1001);
  assert.equal(sr.read('/home/alice/.qmail-new'), null);
});

test('what the change touches is traced first, however large the configuration', () => {
  const many = Array.from({ length: 1500 }, (_, i) => `=u${i}:alice:1001:1001:/home/alice:::`).join('\n') + '\n';
  const fx = makeFixture({
    '/etc/passwd': passwd,
    '/var/qmail/control/me': 'mail.example.com\n',
    '/var/qmail/control/locals': 'mail.example.com\n',
    '/var/qmail/users/assign': many + '.\n',
    '/var/qmail/users/cdb': compileUsersCdb(Buffer.from(many + '.\n')),
    '/home/alice/.qmail': './Maildir/\n',
    '/home/bob/.qmail': './Maildir/\n',
  });
  const im = impact(fx, [edit('/var/qmail/users/assign', many + '=u1499x:bob:1002:1002:/home/bob:::\n.\n')]);
  assert.ok(im.skipped > 0, 'the set was capped');
  assert.deepEqual(im.changed.map((c) => c.address), ['u1499x@mail.example.com']);
});

test('a catch-all line is traced through a domain no file names', () => {
  const fx = world();
  const im = impact(fx, [edit('/var/qmail/control/virtualdomains', 'example.net:alice\n:bob\n')]);
  const addrs = im.changed.map((c) => c.address);
  assert.ok(addrs.includes(`postmaster@${UNLISTED_DOMAIN}`), addrs.join(' '));
  assert.ok(addrs.every((a) => a.endsWith(`@${UNLISTED_DOMAIN}`)), addrs.join(' '));
});
