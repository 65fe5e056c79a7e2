import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFixture, type Fixture } from '../helpers/fixture.js';
import { maildir } from '../trace/baseline.js';
import { writeQueue, type MessageSpec } from '../helpers/queue-writer.js';
import { run, runQueue, type QueueRunDeps } from '../../source/commands/queue.js';
import { predictionFromTrace } from '../../source/trace/queue-predict.js';
import type { CommandContext } from '../../source/commands/context.js';
import { UsageError } from '../../source/cli-args.js';
import type { SysrootOptions } from '../../source/sysroot/sysroot.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');

const STORY: MessageSpec[] = [
  {
    id: 1234567,
    sender: 'alice@a.example',
    born: '2026-11-25T10:00:00Z',
    recipients: [
      { address: 'bob@a.example', channel: 'local' },
      { address: 'carol@x.example', channel: 'remote', done: true },
      { address: 'dave@y.example', channel: 'remote' },
    ],
  },
  {
    id: 1234599,
    sender: '',
    born: '2026-11-25T09:12:41Z',
    recipients: [{ address: 'erin@z.example', channel: 'remote' }],
    bounce: [{ recipient: 'frank@z.example', report: 'Sorry, no mailbox here by that name. (#5.1.1)' }],
  },
  {
    id: 1234600,
    sender: '#@[]',
    state: 'todo',
    queued: '2026-11-25T11:59:00Z',
    recipients: ['postmaster'],
    content: Buffer.concat([
      Buffer.from('Subject: \x1b[2J\x1b]0;owned\x07 gr\xfc\xdfe\n', 'latin1'),
      Buffer.from('From: \u202eevil <e@x>\n\n', 'utf8'),
      Buffer.from('body with \x1b[31m colour\n', 'latin1'),
    ]),
  },
  {
    id: 1234601,
    sender: Buffer.from('\x1b[1mbold\xff@x.example', 'latin1'),
    born: '2026-11-10T00:00:00Z',
    recipients: [{ address: Buffer.from('m\xfcller\x9b@a.example', 'latin1'), channel: 'local' }],
  },
];

function fixture(two = false): Fixture {
  const fx = makeFixture({ '/var/qmail/control/me': 'a.example\n', ...(two ? { '/var/qmail2/control/me': 'b.example\n' } : {}) });
  writeQueue(fx.dir, '/var/qmail', STORY);
  if (two) writeQueue(fx.dir, '/var/qmail2', [{ id: 9, sender: 'x@b.example', born: '2026-11-25T11:00:00Z', recipients: [{ address: 'y@q.example' }] }], { split: 5 });
  return fx;
}

async function runCmd(
  fx: Fixture,
  options: Record<string, string | boolean>,
  opts: { json?: boolean; instances?: string[]; faults?: SysrootOptions['faults']; deps?: QueueRunDeps } = {},
) {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CommandContext = {
    sysroot: fx.sysroot({ faults: opts.faults }),
    instances: opts.instances ?? ['/var/qmail'],
    instancesExplicit: false,
    positionals: [],
    options,
    json: Boolean(opts.json),
    color: false,
    readOnly: true,
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    readStdin: async () => '',
  };
  const status = await runQueue(ctx, { now: NOW, ...opts.deps });
  return { status, out: out.join(''), err: err.join('') };
}

const RAW_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/;

test('JSON: the contract shape, counts as qmail-qstat, todo message with todo:true and no channel', async () => {
  const r = await runCmd(fixture(), {}, { json: true });
  assert.equal(r.status, 0);
  const lines = r.out.trimEnd().split('\n');
  assert.equal(lines.length, 1);
  const o = JSON.parse(lines[0]);
  assert.equal(o.instance, '/var/qmail');
  assert.deepEqual(o.counts, { messages: 4, todo: 1 });
  const m = o.messages.find((x: { id: number }) => x.id === 1234567);
  assert.equal(m.queued, '2026-11-25T10:00:00Z');
  assert.equal(m.sender, 'alice@a.example');
  assert.equal(m.todo, false);
  assert.equal(typeof m.size, 'number');
  assert.deepEqual(
    m.recipients.map((x: { address: string; channel: string; done: boolean }) => [x.address, x.channel, x.done]),
    [
      ['bob@a.example', 'local', false],
      ['carol@x.example', 'remote', true],
      ['dave@y.example', 'remote', false],
    ],
  );
  const t = o.messages.find((x: { id: number }) => x.id === 1234600);
  assert.equal(t.todo, true);
  assert.equal(t.sender, '#@[]');
  assert.equal(t.queued, '2026-11-25T11:59:00Z');
  assert.deepEqual(t.recipients, [{ address: 'postmaster', channel: null, done: false }]);
  const b = o.messages.find((x: { id: number }) => x.id === 1234599);
  assert.equal(b.sender, '');
  assert.equal(b.bouncing, true);
  // Not valid UTF-8: Latin-1, and no raw control byte in the JSON text.
  const e = o.messages.find((x: { id: number }) => x.id === 1234601);
  assert.equal(e.sender, '\x1b[1mbold\xff@x.example');
  assert.equal(e.recipients[0].address, 'm\xfcller\x9b@a.example');
  assert.equal(e.pastLifetime, true);
  assert.doesNotMatch(r.out, RAW_CONTROLS);
  assert.match(r.out, /\\u009b/);
});

test('JSON with several installations: one object per installation, one per line', async () => {
  const r = await runCmd(fixture(true), {}, { json: true, instances: ['/var/qmail', '/var/qmail2'] });
  const objs = r.out.trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(
    objs.map((o) => [o.instance, o.counts.messages, o.split]),
    [
      ['/var/qmail', 4, 23],
      ['/var/qmail2', 1, 5],
    ],
  );
});

test('text: qmail-qstat lines, qmail-qread lines with the same date text, extras, no raw escape', async () => {
  const r = await runCmd(fixture(), {});
  assert.equal(r.status, 0);
  assert.match(r.out, /^messages in queue: 4\nmessages in queue but not yet preprocessed: 1\n/m);
  assert.match(r.out, /^25 Nov 2026 10:00:00 GMT  #1234567  \d+  <alice@a\.example> \n\tlocal\tbob@a\.example\n/m);
  assert.match(r.out, /^  done\tremote\tcarol@x\.example\n/m);
  assert.match(r.out, /^25 Nov 2026 09:12:41 GMT  #1234599  \d+  <>  bouncing  \[a bounce\]\n/m);
  assert.match(r.out, /#1234600 .*<#@\[\]> .*not yet preprocessed.*double bounce/);
  assert.match(r.out, /\t\tnext try ~25 Nov 2026 \d\d:\d\d:\d\d GMT/);
  assert.match(r.out, /past queuelifetime/);
  assert.match(r.out, /<\\x1b\[1mbold\\xff@x\.example>/);
  assert.match(r.out, /m\\xfcller\\xc2\\x9b|m\\xfcller\\x9b/);
  assert.doesNotMatch(r.out, RAW_CONTROLS);
});

test('--message: envelope, sanitized headers and body preview, bounce notes', async () => {
  const fx = fixture();
  const r = await runCmd(fx, { message: '1234600' });
  assert.equal(r.status, 0);
  assert.match(r.out, /message #1234600/);
  assert.match(r.out, /sender    <#@\[\]>/);
  assert.match(r.out, /Subject: \\x1b\[2J\\x1b\]0;owned\\x07 gr\\xfc\\xdfe/);
  assert.match(r.out, /From: \\u202eevil/);
  assert.match(r.out, /body with \\x1b\[31m colour/);
  assert.doesNotMatch(r.out, RAW_CONTROLS);

  const b = await runCmd(fx, { message: '#1234599' });
  assert.match(b.out, /bounce notes \(\/var\/qmail\/queue\/bounce\/1234599\)\n  <frank@z\.example>:\n    Sorry, no mailbox here by that name\. \(#5\.1\.1\)\n/);

  const j = await runCmd(fx, { message: '1234600' }, { json: true });
  const o = JSON.parse(j.out);
  assert.equal(o.message.id, 1234600);
  assert.equal(o.message.todo, true);
  assert.ok(o.message.headers.some((h: string) => h.startsWith('Subject: \x1b[2J')));
  assert.doesNotMatch(j.out, RAW_CONTROLS);

  const missing = await runCmd(fx, { message: '42' });
  assert.equal(missing.status, 2);
  assert.match(missing.err, /no message #42/);
  await assert.rejects(runCmd(fx, { message: 'abc' }), UsageError);
  await assert.rejects(runCmd(fx, { shape: true, counts: true }), UsageError);
});

test('--counts prints only qmail-qstat\'s lines; --shape the domain × age tables', async () => {
  const fx = fixture();
  const c = await runCmd(fx, { counts: true });
  assert.equal(c.out, '/var/qmail  queue /var/qmail/queue, split 23\nmessages in queue: 4\nmessages in queue but not yet preprocessed: 1\n');
  const s = await runCmd(fx, { shape: true });
  assert.match(s.out, /remote recipients pending, by domain and age in minutes\n +T +5 +10 +20 +40 +80 +160 +320 +640 +1280 +1280\+\n/);
  assert.match(s.out, /^TOTAL +2 /m);
  assert.match(s.out, /^y\.example +1 /m);
  const sj = JSON.parse((await runCmd(fx, { shape: true }, { json: true })).out);
  assert.equal(sj.shape.remote.rows[0].domain, 'TOTAL');
  assert.equal(sj.shape.local.rows[0].total, 2);
  assert.equal(sj.messages, undefined);
});

test('an unreadable queue: one line on stderr saying what to do, exit 2, counts still shown', async () => {
  const r = await runCmd(fixture(), {}, { faults: { '/var/qmail/queue/info': 'EACCES' } });
  assert.equal(r.status, 2);
  assert.equal(r.err.trimEnd().split('\n').length, 1);
  assert.match(r.err, /permission denied; run qlens as root, or as a member of the qmail group/);
  assert.match(r.out, /messages in queue: 4/);
});

test('predictions: a seam for the tracer, shown under each pending recipient', async () => {
  const calls: Array<[string, string | null]> = [];
  const r = await runCmd(fixture(), {}, {
    deps: {
      predictorFor: () => (address, channel) => {
        calls.push([address, channel]);
        return address.startsWith('bob@')
          ? predictionFromTrace({ address, instance: '/var/qmail', hops: [], leaks: [], deliveries: [{ kind: 'defer', target: '~bob/.qmail is world-writable', hop: 0 }] })
          : null;
      },
    },
  });
  assert.match(r.out, /\tlocal\tbob@a\.example\n(\t\t.*\n)?\t\tdeferred: ~bob\/\.qmail is world-writable\n/);
  assert.ok(calls.some(([a, c]) => a === 'bob@a.example' && c === 'local'));
  assert.ok(calls.some(([a, c]) => a === 'postmaster' && c === null));
  assert.ok(!calls.some(([a]) => a === 'carol@x.example'), 'done recipients are not traced');
});

test('predictionFromTrace: a defer or bounce is said first; nothing delivered is said too', () => {
  const p = predictionFromTrace({
    address: 'a@b',
    instance: '/var/qmail',
    hops: [],
    leaks: [],
    deliveries: [
      { kind: 'maildir', target: '/home/bob/Maildir/', hop: 0 },
      { kind: 'forward', target: 'x@y', hop: 0 },
    ],
  });
  assert.equal(p.text, 'would deliver to /home/bob/Maildir/ (+1 more)');
  assert.equal(p.deliveries?.length, 2);
  assert.match(predictionFromTrace({ address: 'a', instance: '/', hops: [], leaks: [], deliveries: [] }).text, /nowhere/);
});

test('the default run predicts with the tracer: a world-writable ~bob/.qmail defers', async () => {
  const fx = makeFixture({
    '/etc/passwd': 'root:x:0:0::/root:/bin/sh\nbob:x:1002:1002::/home/bob:/bin/sh\ncarol:x:1003:1003::/home/carol:/bin/sh\n',
    '/var/qmail/control/me': 'a.example\n',
    '/var/qmail/control/locals': 'a.example\n',
    '/home/bob/.qmail': { content: './Maildir/\n', mode: 0o666, uid: 1002, gid: 1002 },
    '/home/carol/.qmail': { content: './Maildir/\n', uid: 1003, gid: 1003 },
    ...maildir('/home/carol/Maildir', 1003, 1003),
  });
  writeQueue(fx.dir, '/var/qmail', [
    {
      id: 500,
      sender: 'x@x.example',
      recipients: [
        { address: 'bob@a.example', channel: 'local' },
        { address: 'carol@a.example', channel: 'local' },
        { address: 'dave@x.example', channel: 'remote' },
      ],
    },
    { id: 501, sender: 'x@x.example', state: 'todo', recipients: ['carol@a.example'] },
  ]);
  const out: string[] = [];
  const ctx: CommandContext = {
    sysroot: fx.sysroot(),
    instances: ['/var/qmail'],
    instancesExplicit: false,
    positionals: [],
    options: {},
    json: false,
    color: false,
    readOnly: true,
    out: (t) => out.push(t),
    err: () => {},
    readStdin: async () => '',
  };
  assert.equal(await run(ctx), 0);
  const text = out.join('');
  assert.match(text, /\tlocal\tbob@a\.example\n\t\tnext try[^\n]*\n\t\tdeferred: [^\n]*\n/);
  assert.match(text, /\tlocal\tcarol@a\.example\n\t\tnext try[^\n]*\n\t\twould deliver to \/home\/carol\/Maildir\/\n/);
  assert.match(text, /\ttodo\tcarol@a\.example\n\t\twould deliver to \/home\/carol\/Maildir\/\n/);
  // A remote recipient that simply leaves by SMTP gets no prediction line.
  assert.match(text, /\tremote\tdave@x\.example\n\t\tnext try[^\n]*\n(?!\t\t)/);
  const json = JSON.parse((await (async () => { out.length = 0; await run({ ...ctx, json: true }); return out.join(''); })()));
  const bob = json.messages[0].recipients.find((r: { address: string }) => r.address === 'bob@a.example');
  assert.equal(bob.prediction.kind, 'defer');
});

function predictFixture(): Fixture {
  const fx = makeFixture({
    '/etc/passwd': 'root:x:0:0::/root:/bin/sh\nbob:x:1002:1002::/home/bob:/bin/sh\ncarol:x:1003:1003::/home/carol:/bin/sh\n',
    '/var/qmail/control/me': 'a.example\n',
    '/var/qmail/control/locals': 'a.example\n',
    '/home/bob/.qmail': { content: './Maildir/\n', mode: 0o666, uid: 1002, gid: 1002 },
    '/home/carol/.qmail': { content: './Maildir/\n', uid: 1003, gid: 1003 },
    ...maildir('/home/carol/Maildir', 1003, 1003),
  });
  writeQueue(fx.dir, '/var/qmail', [
    { id: 500, sender: 'x@x.example', recipients: [{ address: 'bob@a.example', channel: 'local' }] },
    { id: 501, sender: 'y@x.example', recipients: [{ address: 'carol@a.example', channel: 'local' }] },
    { id: 502, sender: 'z@x.example', recipients: [{ address: 'bob@a.example', channel: 'local' }] },
  ]);
  return fx;
}

function cliCtx(fx: Fixture, options: CommandContext['options'], out: string[], json = false): CommandContext {
  return {
    sysroot: fx.sysroot(),
    instances: ['/var/qmail'],
    instancesExplicit: false,
    positionals: [],
    options,
    json,
    color: false,
    readOnly: true,
    out: (t) => out.push(t),
    err: () => {},
    readStdin: async () => '',
  };
}

test('--no-predict lists as qmail-qread does, without a prediction line; it goes alone with --predict-all', async () => {
  const out: string[] = [];
  assert.equal(await run(cliCtx(predictFixture(), { 'no-predict': true }, out)), 0);
  const text = out.join('');
  assert.match(text, /\tlocal\tbob@a\.example\n\t\tnext try[^\n]*\n(?!\t\t)/);
  assert.doesNotMatch(text, /would deliver|deferred:/);
  await assert.rejects(run(cliCtx(predictFixture(), { 'no-predict': true, 'predict-all': true }, [])), UsageError);
});

test('the prediction budget: a recipient already walked costs nothing, the rest are counted and said', async () => {
  const { tracerPredictor } = await import('../../source/trace/queue-predict.js');
  const fx = predictFixture();
  const budget = { left: 1, skipped: 0, limit: 1 };
  const predict = tracerPredictor(fx.sysroot(), '/var/qmail', ['/var/qmail'], NOW, budget);
  assert.equal(predict('bob@a.example', 'local', 'x@x.example')?.kind, 'defer');
  // The same recipient for another sender: the answer is known (the sender changes no delivery).
  assert.equal(predict('bob@a.example', 'local', 'other@x.example')?.kind, 'defer');
  assert.equal(predict('carol@a.example', 'local', 'y@x.example'), null);
  assert.deepEqual(budget, { left: 0, skipped: 1, limit: 1 });

  const out: string[] = [];
  const fx2 = predictFixture();
  const b2 = { left: 1, skipped: 0, limit: 1 };
  const deps: QueueRunDeps = { now: NOW, budget: b2, predictorFor: (i) => tracerPredictor(fx2.sysroot(), i, ['/var/qmail'], NOW, b2) };
  assert.equal(await runQueue(cliCtx(fx2, {}, out), deps), 0);
  const text = out.join('');
  assert.match(text, /\tlocal\tcarol@a\.example\n\t\tnext try[^\n]*\n(?!\t\t)/);
  assert.equal(text.match(/deferred: /g)?.length, 2);
  assert.match(text, /\n1 pending recipient listed without a prediction: a listing traces 1 distinct recipients at most/);
  out.length = 0;
  const b3 = { left: 1, skipped: 0, limit: 1 };
  await runQueue(cliCtx(fx2, {}, out, true), { now: NOW, budget: b3, predictorFor: (i) => tracerPredictor(fx2.sysroot(), i, ['/var/qmail'], NOW, b3) });
  const json = JSON.parse(out.join(''));
  assert.equal(json.summary.notPredicted, 1);
  assert.equal(json.summary.predictLimit, 1);
});
