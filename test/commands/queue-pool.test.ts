// The queue listing read by worker threads must say exactly what one thread
// reading says: same bytes out (text and JSON, predictions spliced in listing
// order under one budget), same problems, same summary, same exit status.
// Workers run only from the compiled tree (npm test); from source the pool
// reads in this thread, and the test says so rather than pass vacuously.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeFixture, type Fixture } from '../helpers/fixture.js';
import { writeQueue, type MessageSpec } from '../helpers/queue-writer.js';
import { runQueue, type QueueRunDeps } from '../../source/commands/queue.js';
import { tracerPredictor } from '../../source/trace/queue-predict.js';
import type { CommandContext } from '../../source/commands/context.js';
import type { SysrootOptions } from '../../source/sysroot/sysroot.js';
import type { PoolOptions } from '../../source/commands/queue-pool.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const COMPILED = existsSync(fileURLToPath(new URL('../../source/commands/queue-scan-worker.js', import.meta.url)));

/** A queue spread over every split directory, in every state the listing shows. */
function bigStory(): MessageSpec[] {
  const out: MessageSpec[] = [];
  const users = ['bob', 'carol', 'dave', 'nobody1'];
  for (let i = 0; i < 260; i++) {
    const id = 700000 + i * 7;
    const born = new Date(NOW - (i % 40) * 3_600_000 - (i % 3) * 9 * 86_400_000).toISOString();
    const u = users[i % users.length];
    if (i % 31 === 5) {
      out.push({ id, sender: i % 2 ? '#@[]' : '', state: 'todo', queued: born, recipients: [`${u}@a.example`, 'ext@far.example'] });
      continue;
    }
    if (i % 37 === 11) {
      out.push({ id, sender: 'x@x.example', state: 'orphan', recipients: [] });
      continue;
    }
    out.push({
      id,
      sender: i % 13 === 0 ? Buffer.from(`\x1b]0;pwn\x07m\xfcller${i}@x.example`, 'latin1') : `s${i}@x.example`,
      born,
      recipients: [
        { address: `${u}@a.example`, channel: 'local', done: i % 5 === 0 },
        { address: `${users[(i + 1) % users.length]}@a.example`, channel: 'local' },
        { address: i % 4 === 0 ? Buffer.from(`r\x9b${i}@far.example`, 'latin1') : `r${i % 9}@far.example`, channel: 'remote', done: i % 7 === 0 },
      ],
      ...(i % 11 === 0 ? { bounce: [{ recipient: `r${i}@far.example`, report: 'Sorry. (#5.1.1)' }] } : {}),
    });
  }
  return out;
}

function fixture(story: MessageSpec[] = bigStory()): Fixture {
  const fx = makeFixture({
    '/etc/passwd': 'root:x:0:0::/root:/bin/sh\nbob:x:1002:1002::/home/bob:/bin/sh\ncarol:x:1003:1003::/home/carol:/bin/sh\ndave:x:1004:1004::/home/dave:/bin/sh\n',
    '/var/qmail/control/me': 'a.example\n',
    '/var/qmail/control/locals': 'a.example\n',
    '/home/bob/.qmail': { content: './Maildir/\n', mode: 0o666, uid: 1002, gid: 1002 },
    '/home/carol/.qmail': { content: './Maildir/\n', uid: 1003, gid: 1003 },
    '/home/carol/Maildir/new/.keep': '',
    '/home/carol/Maildir/cur/.keep': '',
    '/home/carol/Maildir/tmp/.keep': '',
  });
  writeQueue(fx.dir, '/var/qmail', story);
  return fx;
}

interface Run {
  status: number;
  out: string;
  err: string;
  workers: number;
}

async function list(
  fx: Fixture,
  pool: PoolOptions,
  o: { json?: boolean; predictLimit?: number; faults?: SysrootOptions['faults']; options?: CommandContext['options'] } = {},
): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const sysroot = fx.sysroot({ faults: o.faults });
  const ctx: CommandContext = {
    sysroot,
    instances: ['/var/qmail'],
    instancesExplicit: false,
    positionals: [],
    options: o.options ?? {},
    json: Boolean(o.json),
    color: false,
    readOnly: true,
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    readStdin: async () => '',
  };
  let workers = 0;
  const deps: QueueRunDeps = { now: NOW, pool: { ...pool, onStart: (n) => (workers = n) } };
  if (o.predictLimit !== undefined) {
    const budget = { left: o.predictLimit, skipped: 0, limit: o.predictLimit };
    deps.budget = budget;
    deps.predictorFor = (i) => tracerPredictor(sysroot, i, ['/var/qmail'], NOW, budget);
  }
  const status = await runQueue(ctx, deps);
  return { status, out: out.join(''), err: err.join(''), workers };
}

const ONE: PoolOptions = { workers: 0 };
// Small chunks and a short read-ahead make the workers interleave and wait.
const MANY: PoolOptions = { workers: 3, minMessages: 0, chunk: 4, ahead: 1 };

function sameRun(a: Run, b: Run): void {
  assert.equal(b.out, a.out);
  assert.equal(b.err, a.err);
  assert.equal(b.status, a.status);
}

test('the pool really reads with worker threads when compiled', async () => {
  const r = await list(fixture(), MANY);
  assert.equal(r.workers, COMPILED ? 3 : 0);
  assert.equal((await list(fixture(), ONE)).workers, 0);
  // Under the threshold one thread reads: starting workers costs more than a small queue.
  assert.equal((await list(fixture(), { workers: 2 })).workers, 0);
});

test('text listing with predictions: workers give the same bytes as one thread', async () => {
  const fx = fixture();
  const one = await list(fx, ONE, { predictLimit: 2000 });
  assert.match(one.out, /deferred: /);
  assert.match(one.out, /would deliver to \/home\/carol\/Maildir\//);
  assert.match(one.out, /not yet preprocessed/);
  assert.match(one.out, /bouncing/);
  assert.match(one.out, /being written or orphaned/);
  assert.doesNotMatch(one.out, /\x1b|\x9b|\x07/);
  sameRun(one, await list(fx, MANY, { predictLimit: 2000 }));
});

test('a spent prediction budget: the same recipients predicted, the same count left out', async () => {
  const fx = fixture();
  const one = await list(fx, ONE, { predictLimit: 3 });
  assert.match(one.out, /pending recipients? listed without a prediction/);
  sameRun(one, await list(fx, MANY, { predictLimit: 3 }));
});

test('JSON listing, with and without predictions: the same bytes, and valid JSON', async () => {
  const fx = fixture();
  for (const predictLimit of [undefined, 2000]) {
    const one = await list(fx, ONE, { json: true, predictLimit });
    const parsed = JSON.parse(one.out);
    assert.equal(parsed.messages.length, parsed.summary.listed);
    assert.equal(parsed.summary.pendingRecipients > 0, true);
    sameRun(one, await list(fx, MANY, { json: true, predictLimit }));
  }
});

test('a closed info directory: the permission problem said once, the listing stops at the same place', async () => {
  const fx = fixture();
  const faults = { '/var/qmail/queue/info/4': 'EACCES' as const };
  const one = await list(fx, ONE, { faults });
  assert.equal(one.status, 2);
  assert.equal(one.err.match(/permission denied/g)?.length, 1);
  assert.match(one.out, /listing incomplete/);
  sameRun(one, await list(fx, MANY, { faults }));
});

test('one unreadable file in an open directory is skipped and the rest is listed, as with one thread', async () => {
  const fx = fixture();
  const id = 700000 + 7 * 3;
  const faults = { [`/var/qmail/queue/remote/${id % 23}/${id}`]: 'EIO' as const };
  const one = await list(fx, ONE, { faults });
  assert.match(one.err, new RegExp(`trouble with #${id}`));
  sameRun(one, await list(fx, MANY, { faults }));
});

test('messages in the wrong split directory: warned once, from the first in listing order', async () => {
  const story = bigStory();
  const fx = fixture(story);
  // 700000 belongs in mess/(700000 % 23); copy two messages into directories they do not belong in.
  const { copyFileSync } = await import('node:fs');
  copyFileSync(`${fx.dir}/var/qmail/queue/mess/${700000 % 23}/700000`, `${fx.dir}/var/qmail/queue/mess/3/700000`);
  copyFileSync(`${fx.dir}/var/qmail/queue/mess/${700007 % 23}/700007`, `${fx.dir}/var/qmail/queue/mess/20/700007`);
  const one = await list(fx, ONE);
  assert.equal(one.err.match(/lies in mess\//g)?.length, 1);
  assert.match(one.err, /message 700000 lies in mess\/3/);
  sameRun(one, await list(fx, MANY));
});

test('workers that die (here: out of memory at once) are replaced by reading in this thread: nothing lost, nothing twice', async () => {
  const fx = fixture();
  const one = await list(fx, ONE, { predictLimit: 2000 });
  const dying = await list(fx, { ...MANY, limits: { maxOldGenerationSizeMb: 1, maxYoungGenerationSizeMb: 1 } }, { predictLimit: 2000 });
  sameRun(one, dying);
});

test('--shape: the workers count the same domains and ages as one thread (text and JSON)', async () => {
  const fx = fixture();
  for (const json of [false, true]) {
    const one = await list(fx, ONE, { json, options: { shape: true } });
    assert.match(one.out, json ? /"shape":\{"remote"/ : /remote recipients pending, by domain and age/);
    assert.match(one.out, /far\.example/);
    const many = await list(fx, MANY, { json, options: { shape: true } });
    assert.equal(many.workers, COMPILED ? 3 : 0);
    sameRun(one, many);
  }
});
