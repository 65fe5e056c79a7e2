import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeFixture, type Fixture } from '../helpers/fixture.js';
import {
  writeQueue,
  todoBytes,
  infoBytes,
  channelBytes,
  bounceBytes,
  receivedLine,
  type MessageSpec,
  type WriteQueueOptions,
} from '../helpers/queue-writer.js';
import {
  QueueProblems,
  countQueue,
  readQueueLayout,
  readQueueMessage,
  scanQueue,
  shapeOf,
  type QueueMessage,
} from '../../source/qmail/queue.js';
import { loadQueue } from '../helpers/load-queue.js';
import { estimateRetry, parseBounce, parseTodo, qreadDate, shapeBucket } from '../../source/qmail/queue-records.js';
import type { Sysroot } from '../../source/sysroot/sysroot.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');

function queueFixture(messages: MessageSpec[], opts: WriteQueueOptions = {}, extra: Record<string, string> = {}): Fixture {
  const fx = makeFixture({ '/var/qmail/control/me': 'mail.a.example\n', ...extra });
  writeQueue(fx.dir, '/var/qmail', messages, opts);
  return fx;
}

function scanAll(s: Sysroot, opts: Parameters<typeof loadQueue>[2] = {}) {
  return loadQueue(s, '/var/qmail', { now: NOW, ...opts });
}

const byId = (ms: QueueMessage[], id: number) => ms.find((m) => m.id === id)!;

test('writer: records byte for byte as qmail-queue and qmail-send write them (spec §1.4 examples)', () => {
  const todo = todoBytes(1001, 4242, 'alice@a.example', ['bob@a.example', 'carol@x.example']);
  assert.equal(
    todo.toString('hex'),
    '7531303031007034323432004661' +
      '6c69636540612e6578616d706c650054626f6240612e6578616d706c650054636172' +
      '6f6c40782e6578616d706c6500',
  );
  assert.deepEqual(infoBytes('alice@a.example'), Buffer.from('Falice@a.example\0'));
  assert.deepEqual(
    channelBytes([{ address: 'bob@a.example' }, { address: 'carol2@a.example', done: true }]),
    Buffer.from('Tbob@a.example\0Dcarol2@a.example\0'),
  );
  assert.equal(
    bounceBytes([
      { recipient: 'nobody@a.example', report: 'Sorry, no mailbox here by that name. (#5.1.1)\n' },
      { recipient: 'carol@x.example', report: '192.0.2.77 does not like recipient.\nRemote host said: 550 no such user\nGiving up on 192.0.2.77.' },
    ]).toString(),
    '<nobody@a.example>:\nSorry, no mailbox here by that name. (#5.1.1)\n\n' +
      '<carol@x.example>:\n192.0.2.77 does not like recipient.\nRemote host said: 550 no such user\nGiving up on 192.0.2.77.\n\n',
  );
  assert.equal(receivedLine(5123, 'for bounce', Date.parse('2025-01-05T10:05:00Z')), 'Received: (qmail 5123 invoked for bounce); 5 Jan 2025 10:05:00 -0000\n');
  // addbounce: the second of two adjacent LFs inside a paragraph becomes '/'.
  assert.equal(bounceBytes([{ recipient: 'x@y', report: 'a\n\nb' }]).toString(), '<x@y>:\na\n/b\n\n');
});

test('writer: the directories, owners and modes hier.c gives, and ids as file names', () => {
  const fx = queueFixture([{ id: 1234567, sender: 'alice@a.example', recipients: [{ address: 'bob@a.example', channel: 'local' }], queued: '2026-11-25T10:00:00Z' }]);
  const s = fx.sysroot();
  assert.ok(fs.existsSync(fx.host('/var/qmail/queue/mess/19/1234567')));
  assert.equal(s.stat('/var/qmail/queue/info')?.mode, 0o700);
  assert.equal(s.stat('/var/qmail/queue/mess/0')?.mode, 0o750);
  assert.equal(s.stat('/var/qmail/queue/lock/tcpto')?.size, 1024);
  assert.equal(s.stat('/var/qmail/queue/info/19/1234567')?.mode, 0o600);
  assert.equal(s.stat('/var/qmail/queue/info/19/1234567')?.mtimeMs, Date.parse('2026-11-25T10:00:00Z'));
  const mess = fs.readFileSync(fx.host('/var/qmail/queue/mess/19/1234567'), 'latin1');
  assert.match(mess, /^Received: \(qmail \d+ invoked by uid 1001\); 25 Nov 2026 10:00:00 -0000\n/);
});

test('split is the number of mess/ subdirectories; big-todo is todo/0 being a directory', () => {
  const fx = queueFixture([{ id: 100, sender: 'a@a.example', state: 'todo', recipients: ['b@b.example'] }], { split: 7, bigTodo: true });
  const s = fx.sysroot();
  const p = new QueueProblems();
  const layout = readQueueLayout(s, '/var/qmail', p);
  assert.equal(layout.split, 7);
  assert.equal(layout.bigTodo, true);
  assert.ok(fs.existsSync(fx.host('/var/qmail/queue/todo/2/100')));
  assert.deepEqual(countQueue(s, layout, p), { messages: 1, todo: 1 });
  const snap = scanAll(s);
  assert.equal(snap.messages.length, 1);
  assert.equal(snap.messages[0].todo, true);
  assert.deepEqual(p.list, []);

  const flat = queueFixture([]);
  const l2 = readQueueLayout(flat.sysroot(), '/var/qmail', new QueueProblems());
  assert.equal(l2.split, 23);
  assert.equal(l2.bigTodo, false);

  const none = makeFixture({ '/var/qmail/control/me': 'x\n' });
  const l3 = readQueueLayout(none.sysroot(), '/var/qmail', new QueueProblems());
  assert.equal(l3.present, false);
  assert.equal(loadQueue(none.sysroot(), '/var/qmail').messages.length, 0);
});

test('counts mean what qmail-qstat means: every mess file, and every todo file', () => {
  const fx = queueFixture([
    { id: 1, sender: 'a@a.example', recipients: [{ address: 'b@x.example' }] },
    { id: 2, sender: 'a@a.example', state: 'todo', recipients: ['c@x.example'] },
    { id: 3, sender: 'a@a.example', state: 'intd', recipients: ['d@x.example'] },
    { id: 4, sender: 'a@a.example', state: 'orphan', recipients: [] },
  ]);
  const snap = scanAll(fx.sysroot());
  assert.deepEqual(snap.counts, { messages: 4, todo: 1 });
  // qmail-qread's list plus todo: the message being written and the orphan are not listed.
  assert.deepEqual(snap.messages.map((m) => m.id).sort(), [1, 2]);
  assert.equal(snap.tally.inFlight, 2);
});

test('a message in todo: todo record recipients, not rewritten, no channel, queued = mess mtime', () => {
  const fx = queueFixture([
    { id: 555, sender: 'alice@a.example', state: 'todo', uid: 1002, pid: 9876, queued: '2026-11-25T11:00:00Z', recipients: ['bob', 'carol@x.example'] },
  ]);
  const m = scanAll(fx.sysroot()).messages[0];
  assert.equal(m.todo, true);
  assert.equal(m.queuedFrom, 'mess');
  assert.equal(m.queuedMs, Date.parse('2026-11-25T11:00:00Z'));
  assert.equal(m.uid, 1002);
  assert.equal(m.pid, 9876);
  assert.deepEqual(
    m.recipients.map((r) => [r.address, r.channel, r.done]),
    [
      ['bob', null, false],
      ['carol@x.example', null, false],
    ],
  );
  assert.equal(m.expiresMs, null);
});

test('trust rule: while todo/N exists, half-written info/local/remote are ignored', () => {
  const fx = queueFixture([
    {
      id: 556,
      sender: 'alice@a.example',
      state: 'todo',
      partial: true,
      recipients: [{ address: 'bob@a.example', channel: 'local' }, { address: 'carol@x.example', channel: 'remote' }],
    },
  ]);
  assert.ok(fs.existsSync(fx.host('/var/qmail/queue/info/4/556')));
  const m = scanAll(fx.sysroot()).messages[0];
  assert.equal(m.todo, true);
  assert.ok(m.recipients.every((r) => r.channel === null));
});

test('preprocessed: sender from info, local then remote records, done marks, birth = info mtime, bounce file', () => {
  const fx = queueFixture([
    {
      id: 1234567,
      sender: 'alice@a.example',
      queued: '2026-11-25T09:59:59Z',
      born: '2026-11-25T10:00:00Z',
      recipients: [
        { address: 'carol@x.example', channel: 'remote', done: true },
        { address: 'bob@a.example', channel: 'local' },
        { address: 'dave@y.example', channel: 'remote' },
      ],
      bounce: [{ recipient: 'carol@x.example', report: 'Remote host said: 550 no such user' }],
    },
  ]);
  const m = scanAll(fx.sysroot()).messages[0];
  assert.equal(m.sender, 'alice@a.example');
  assert.equal(m.queuedMs, Date.parse('2026-11-25T10:00:00Z'));
  assert.equal(m.queuedFrom, 'info');
  assert.equal(m.bouncing, true);
  assert.deepEqual(
    m.recipients.map((r) => [r.channel, r.address, r.done]),
    [
      ['local', 'bob@a.example', false],
      ['remote', 'carol@x.example', true],
      ['remote', 'dave@y.example', false],
    ],
  );
  assert.equal(m.recipients[1].nextRetryMs, null);
  assert.ok(m.recipients[0].nextRetryMs! > NOW);
  assert.equal(m.size, fs.statSync(fx.host('/var/qmail/queue/mess/19/1234567')).size);

  const p = new QueueProblems();
  const s = fx.sysroot();
  const d = readQueueMessage(s, readQueueLayout(s, '/var/qmail', p), 1234567, p, { now: NOW })!;
  assert.deepEqual(d.bounce, [{ recipient: 'carol@x.example', report: 'Remote host said: 550 no such user' }]);
  assert.equal(d.paths.bounce, '/var/qmail/queue/bounce/1234567');
});

test('double-bounce senders: <> is a bounce, #@[] a double bounce, VERP marked', () => {
  const fx = queueFixture([
    { id: 10, sender: '', recipients: [{ address: 'alice@x.example' }] },
    { id: 11, sender: '#@[]', recipients: [{ address: 'postmaster@a.example', channel: 'local' }] },
    { id: 12, sender: 'owner-@lists.a.example-@[]', recipients: [{ address: 'x@y.example' }] },
  ]);
  const ms = scanAll(fx.sysroot()).messages;
  assert.equal(byId(ms, 10).sender, '');
  assert.equal(byId(ms, 10).senderKind, 'null');
  assert.equal(byId(ms, 11).sender, '#@[]');
  assert.equal(byId(ms, 11).senderKind, 'double-bounce');
  assert.equal(byId(ms, 12).senderKind, 'verp');
});

test('8-bit bytes survive: UTF-8 kept, other bytes decoded as Latin-1, raw bytes kept for printing', () => {
  const fx = queueFixture([
    { id: 20, sender: Buffer.from('j\xfcrgen@a.example', 'latin1'), recipients: [{ address: 'm\u00fcller@b.example' }] },
  ]);
  const m = scanAll(fx.sysroot()).messages[0];
  assert.equal(m.sender, 'jürgen@a.example');
  assert.deepEqual(m.senderBytes, Buffer.from('j\xfcrgen@a.example', 'latin1'));
  assert.equal(m.recipients[0].address, 'müller@b.example');
});

test('headers with escape sequences and 8-bit bytes are returned as bytes, with a bounded body preview', () => {
  const body = 'line\n'.repeat(100);
  const fx = queueFixture([
    {
      id: 30,
      sender: 'a@a.example',
      recipients: [{ address: 'b@b.example' }],
      content: Buffer.concat([Buffer.from('Subject: \x1b]0;pwned\x07 caf', 'latin1'), Buffer.from([0xe9]), Buffer.from('\nX-Folded: a\n b\n\n' + body)]),
    },
  ]);
  const s = fx.sysroot();
  const p = new QueueProblems();
  const d = readQueueMessage(s, readQueueLayout(s, '/var/qmail', p), 30, p, { now: NOW })!;
  assert.equal(d.headers.length, 4);
  assert.match(d.headers[0].toString('latin1'), /^Received: \(qmail/);
  assert.equal(d.headers[1][9], 0x1b);
  assert.equal(d.headers[3].toString(), ' b');
  assert.equal(d.bodyPreview.toString().split('\n').filter(Boolean).length, 20);
  assert.equal(d.bodyTruncated, true);
  assert.equal(readQueueMessage(s, readQueueLayout(s, '/var/qmail', p), 31, p), null);
});

test('a message vanishing between readdir and read is skipped; one leaving todo is re-read', () => {
  // 100, 123, 146 share mess/8 (split 23), so all three names are read before any file.
  const fx = queueFixture([
    { id: 100, sender: 'a@a.example', recipients: [{ address: 'x@x.example' }] },
    { id: 123, sender: 'b@a.example', recipients: [{ address: 'y@x.example' }] },
    { id: 146, sender: 'c@a.example', state: 'todo', recipients: ['z@x.example'] },
  ]);
  const s = fx.sysroot();
  const p = new QueueProblems();
  const layout = readQueueLayout(s, '/var/qmail', p);
  const tally = { listed: 0, todo: 0, vanished: 0, inFlight: 0, incomplete: false };
  const seen: QueueMessage[] = [];
  const q = (p: string) => fx.host('/var/qmail/queue/' + p);
  for (const m of scanQueue(s, layout, p, { now: NOW }, tally)) {
    seen.push(m);
    if (m.id === 100) {
      // 123 is delivered and cleaned up: remote, info, then mess go.
      fs.unlinkSync(q('remote/8/123'));
      fs.unlinkSync(q('info/8/123'));
      fs.unlinkSync(q('mess/8/123'));
      // 146 is preprocessed by qmail-send: info and remote written, todo removed.
      fs.writeFileSync(q('info/8/146'), infoBytes('c@a.example'));
      fs.writeFileSync(q('remote/8/146'), channelBytes([{ address: 'z@x.example' }]));
      fs.unlinkSync(q('intd/146'));
      fs.unlinkSync(q('todo/146'));
    }
  }
  assert.deepEqual(
    seen.map((m) => [m.id, m.todo]),
    [
      [100, false],
      [146, false],
    ],
  );
  assert.equal(byId(seen, 146).recipients[0].channel, 'remote');
  assert.equal(tally.vanished, 1);
  assert.deepEqual(p.list, []);
});

test('injected ENOENT on a message file (the Sysroot faults option) is a vanished message, not a crash', () => {
  const fx = queueFixture([
    { id: 100, sender: 'a@a.example', recipients: [{ address: 'x@x.example' }] },
    { id: 101, sender: 'a@a.example', recipients: [{ address: 'x@x.example' }] },
  ]);
  const snap = scanAll(fx.sysroot({ faults: { '/var/qmail/queue/mess/9/101': 'ENOENT' } }));
  assert.deepEqual(snap.messages.map((m) => m.id), [100]);
  assert.equal(snap.tally.vanished, 1);
  const snap2 = scanAll(fx.sysroot({ faults: { '/var/qmail/queue/info/8/100': 'ENOENT' } }));
  assert.deepEqual(snap2.messages.map((m) => m.id), [101]);
  const snap3 = scanAll(fx.sysroot({ faults: { '/var/qmail/queue/info/8/100': 'EIO' } }));
  assert.deepEqual(snap3.messages.map((m) => m.id), [101]);
  assert.equal(snap3.problems.length, 1);
  assert.match(snap3.problems[0].message, /trouble with #100/);
});

test('an unreadable queue is reported once, with what to do', () => {
  const msgs: MessageSpec[] = [];
  for (let i = 0; i < 30; i++) msgs.push({ id: 200 + i, sender: 'a@a.example', recipients: [{ address: 'x@x.example' }] });
  const fx = queueFixture(msgs);
  const snap = scanAll(fx.sysroot({ faults: { '/var/qmail/queue/info': 'EACCES' } }));
  assert.equal(snap.permissionDenied, true);
  const perm = snap.problems.filter((d) => d.code === 'queue-permission');
  assert.equal(perm.length, 1);
  assert.match(perm[0].message, /root/);
  assert.match(perm[0].message, /qmail group/);
  assert.equal(snap.counts.messages, 30);
  assert.equal(snap.tally.incomplete, true);

  const whole = scanAll(fx.sysroot({ faults: { '/var/qmail/queue': 'EACCES' } }));
  assert.equal(whole.problems.filter((d) => d.code === 'queue-permission').length, 1);
  assert.equal(whole.permissionDenied, true);
});

test('retry schedule: attempts at birth + (k·skip)², 10 s local, 20 s remote; a future channel mtime wins', () => {
  const b = Date.parse('2026-11-25T00:00:00Z');
  const r = estimateRetry(b, b + 500_000, 'remote');
  assert.equal(r.lastMs, b + 400_000);
  assert.equal(r.nextMs, b + 1_600_000);
  const l = estimateRetry(b, b + 500_000, 'local');
  assert.equal(l.lastMs, b + 400_000);
  assert.equal(l.nextMs, b + 900_000);
  assert.equal(estimateRetry(b, b, 'remote').nextMs, b + 400_000);
  const stopped = estimateRetry(b, b + 500_000, 'remote', b + 700_000);
  assert.equal(stopped.source, 'channel-file');
  assert.equal(stopped.nextMs, b + 700_000);
});

test('queuelifetime from control/queuelifetime marks old messages', () => {
  const fx = queueFixture(
    [
      { id: 40, sender: 'a@a.example', born: NOW - 3 * 3600_000, recipients: [{ address: 'x@x.example' }] },
      { id: 41, sender: 'a@a.example', born: NOW - 1 * 3600_000, recipients: [{ address: 'x@x.example' }] },
    ],
    {},
    { '/var/qmail/control/queuelifetime': '7200\n' },
  );
  const snap = scanAll(fx.sysroot());
  assert.equal(snap.queuelifetime, 7200);
  assert.equal(byId(snap.messages, 40).pastLifetime, true);
  assert.equal(byId(snap.messages, 41).pastLifetime, false);
  assert.equal(byId(snap.messages, 41).expiresMs, NOW + 3600_000);
  const def = scanAll(queueFixture([{ id: 42, sender: 'a@a.example', born: NOW - 8 * 86400_000, recipients: ['x@x.example'] }]).sysroot());
  assert.equal(def.queuelifetime, 604800);
  assert.equal(def.messages[0].pastLifetime, true);
});

test('shape: pending recipients by domain and qshape age bucket, per channel', () => {
  const fx = queueFixture([
    { id: 50, sender: 'a@a.example', born: NOW - 3 * 60_000, recipients: [{ address: 'x@Slow.Example' }, { address: 'y@slow.example' }] },
    { id: 51, sender: 'a@a.example', born: NOW - 2000 * 60_000, recipients: [{ address: 'x@slow.example' }, { address: 'z@fast.example', done: true }] },
    { id: 52, sender: 'a@a.example', born: NOW - 30 * 60_000, recipients: [{ address: 'bob@a.example', channel: 'local' }] },
  ]);
  const snap = scanAll(fx.sysroot());
  const sh = shapeOf(snap.messages, NOW);
  assert.deepEqual(sh.remote.rows[0], { domain: 'TOTAL', total: 3, counts: [2, 0, 0, 0, 0, 0, 0, 0, 0, 1] });
  assert.deepEqual(sh.remote.rows[1], { domain: 'slow.example', total: 3, counts: [2, 0, 0, 0, 0, 0, 0, 0, 0, 1] });
  assert.equal(sh.remote.rows.length, 2);
  assert.deepEqual(sh.local.rows[1].counts, [0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  assert.equal(shapeBucket(5), 0);
  assert.equal(shapeBucket(5.01), 1);
  assert.equal(shapeBucket(1281), 9);
});

test('record parsers: todo with unknown types and truncation, bounce paragraphs, qmail-qread date', () => {
  const t = parseTodo(Buffer.from('u0\0p12\0F\0Xodd\0Ta@b\0Tc@d'));
  assert.equal(t.uid, 0);
  assert.deepEqual(t.sender, Buffer.alloc(0));
  assert.deepEqual(t.unknownTypes, ['X']);
  assert.equal(t.truncated, true);
  assert.deepEqual(t.recipients.map(String), ['a@b']);
  assert.deepEqual(parseBounce('<a@b>:\nline 1\n/line 2\n\n<c@d>:\nx\n\n'), [
    { recipient: 'a@b', report: 'line 1\n/line 2' },
    { recipient: 'c@d', report: 'x' },
  ]);
  assert.equal(qreadDate(Date.parse('2025-01-05T09:02:03Z')), '5 Jan 2025 09:02:03 GMT');
});

test('a todo record of an unknown type is reported with its file', () => {
  const fx = queueFixture([{ id: 60, sender: 'a@a.example', state: 'todo', recipients: ['x@y'], todoExtra: Buffer.from('Tlog\0Zbad\0') }]);
  const snap = scanAll(fx.sysroot());
  assert.equal(snap.messages[0].recipients.length, 2);
  assert.equal(snap.problems.length, 1);
  assert.equal(snap.problems[0].path, '/var/qmail/queue/todo/60');
  assert.match(snap.problems[0].message, /unknown record type "Z"/);
});

test('real mtimes instead of .fsmeta (fsmeta: false) give the same birth times', () => {
  const fx = makeFixture({ '/var/qmail/control/me': 'x\n' });
  writeQueue(fx.dir, '/var/qmail', [{ id: 70, sender: 'a@a.example', born: '2026-11-20T00:00:00Z', recipients: ['x@y'] }], { fsmeta: false });
  assert.equal(fs.existsSync(path.join(fx.dir, '.fsmeta')), false);
  assert.equal(scanAll(fx.sysroot()).messages[0].queuedMs, Date.parse('2026-11-20T00:00:00Z'));
});

test('a missing split directory keeps split from the highest name and is reported; a misplaced message too', () => {
  const fx = queueFixture([
    { id: 100, sender: 'a@a.example', recipients: [{ address: 'x@x.example' }] },
    { id: 101, sender: 'a@a.example', recipients: [{ address: 'x@x.example' }] },
  ]);
  fs.rmSync(fx.host('/var/qmail/queue/mess/5'), { recursive: true });
  // A message in the wrong directory (as if written with another conf-split).
  fs.writeFileSync(fx.host('/var/qmail/queue/mess/0/102'), 'x');
  const snap = scanAll(fx.sysroot());
  assert.equal(snap.layout.split, 23);
  assert.equal(snap.layout.splitDirs.length, 22);
  assert.ok(snap.problems.some((d) => d.code === 'queue-layout' && /mess\/5/.test(d.message)));
  assert.ok(snap.problems.some((d) => d.code === 'queue-split-mismatch' && d.path === '/var/qmail/queue/mess/0/102'));
  assert.deepEqual(snap.messages.map((m) => m.id), [100, 101]);
});
