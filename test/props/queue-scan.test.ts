// A queue with some files replaced by random bytes, cut short or removed:
// counting and listing never throw, problems name system paths, and the
// messages whose files are intact are still listed with their recipients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { makeFixture } from '../helpers/fixture.js';
import { writeQueue, type MessageSpec } from '../helpers/queue-writer.js';
import { loadQueue } from '../helpers/load-queue.js';
import { diskParams, bytesArb } from './arbitraries.js';

const SPLIT = 5;
const MESSAGES: MessageSpec[] = [
  { id: 100, sender: 'alice@example.com', recipients: [{ address: 'bob@example.com', channel: 'local' }, { address: 'x@example.net', channel: 'remote', done: true }, { address: 'y@example.net', channel: 'remote' }], queued: '2026-11-25T10:00:00Z' },
  { id: 101, sender: '', recipients: [{ address: 'alice@example.com', channel: 'local' }], queued: '2026-11-25T10:05:00Z', bounce: [{ recipient: 'z@example.net', report: 'Sorry.' }] },
  { id: 102, sender: 'carol@example.org', recipients: ['dave@example.net', 'erin@example.com'], state: 'todo', queued: '2026-11-25T10:10:00Z' },
  { id: 103, sender: '#@[]', recipients: [{ address: 'postmaster@example.com', channel: 'local' }], queued: '2026-11-25T10:15:00Z' },
  { id: 104, sender: 'frank@example.com', recipients: [{ address: 'g@example.net', channel: 'remote' }], queued: '2026-11-25T10:20:00Z' },
];

/** Every file of a message, as system paths. */
function filesOf(id: number): string[] {
  const s = id % SPLIT;
  return [`mess/${s}/${id}`, `info/${s}/${id}`, `local/${s}/${id}`, `remote/${s}/${id}`, `todo/${id}`, `intd/${id}`, `bounce/${id}`].map((p) => `/var/qmail/queue/${p}`);
}

const damage = fc.array(
  fc.tuple(fc.constantFrom(...MESSAGES.map((m) => m.id!)), fc.nat(6), fc.oneof(bytesArb(80).map((b) => ({ bytes: b })), fc.constant({ remove: true }), fc.nat(40).map((n) => ({ cut: n })))),
  { minLength: 1, maxLength: 4 },
);

test('loadQueue over damaged queue files: no throw, system paths, intact messages listed', () => {
  fc.assert(
    fc.property(damage, (hits) => {
      const fx = makeFixture({ '/var/qmail/control/me': 'mail.example.com\n' });
      try {
        writeQueue(fx.dir, '/var/qmail', MESSAGES, { split: SPLIT, fsmeta: false, fifo: false });
        const damaged = new Set<number>();
        for (const [id, which, how] of hits) {
          const sys = filesOf(id)[which];
          const host = fx.host(sys);
          if (!fs.existsSync(host)) continue;
          damaged.add(id);
          if ('remove' in how) fs.rmSync(host);
          else if ('cut' in how) fs.truncateSync(host, Math.min(how.cut, fs.statSync(host).size));
          else fs.writeFileSync(host, how.bytes);
        }
        const snap = loadQueue(fx.sysroot(), '/var/qmail', { now: Date.parse('2026-11-25T12:00:00Z') });
        assert.ok(snap.counts.messages >= 0 && snap.counts.todo >= 0);
        for (const p of snap.problems) {
          assert.ok(p.path.startsWith('/var/qmail/queue'), `not a queue system path: ${p.path}`);
          assert.ok(!p.path.includes(fx.dir) && !p.message.includes(fx.dir), 'host path leaked');
        }
        for (const m of MESSAGES) {
          if (damaged.has(m.id!)) continue;
          const got = snap.messages.find((x) => x.id === m.id);
          assert.ok(got, `intact message ${m.id} not listed`);
          assert.equal(got.recipients.length, m.recipients.length);
          assert.equal(got.todo, m.state === 'todo');
        }
      } finally {
        fx.cleanup();
      }
    }),
    diskParams,
  );
});

test('loadQueue: a queue directory that is a file, or mess/ holding junk names, is reported, not thrown', () => {
  const fx = makeFixture({ '/var/qmail/control/me': 'x\n', '/var/qmail/queue': 'not a directory\n' });
  loadQueue(fx.sysroot(), '/var/qmail');
  const fx2 = makeFixture({ '/var/qmail/control/me': 'x\n' });
  writeQueue(fx2.dir, '/var/qmail', MESSAGES.slice(0, 1), { split: SPLIT, fsmeta: false, fifo: false });
  fs.writeFileSync(path.join(fx2.dir, 'var/qmail/queue/mess/0/notanumber'), 'x');
  fs.mkdirSync(path.join(fx2.dir, 'var/qmail/queue/mess/0/12345'));
  const snap = loadQueue(fx2.sysroot(), '/var/qmail');
  assert.ok(snap.messages.some((m) => m.id === 100));
});
