// A summary read in parts (several threads, each a run of rotated files)
// counts what one reader counts: logs written through the real multilog
// with messages and attempts that span rotations, attempts still waiting
// when a file ends, reused ids, qmail-send restarting (with and without
// `status: exiting`), results and messages that began before the log, and
// garbage; joined at every split the thread counts give.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFixture } from '../helpers/fixture.js';
import { multilog } from '../helpers/multilog.js';
import { LogSession } from '../../source/log/session.js';
import { SummaryBuilder } from '../../source/log/summary.js';
import { findInstanceLog } from '../../source/log/find.js';
import { readRotatedInThreads, splitRuns } from '../../source/log/summary-threads.js';
import { run } from '../../source/commands/log.js';
import { commandContext } from '../helpers/command-context.js';

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What one qmail-send (restarted now and then) logs over a while, as lines without stamps. */
function sendLog(seed: number, steps: number): string[] {
  const r = prng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const out: string[] = [
    // Before the log: a result whose start is not in it, a message whose new msg is not.
    'delivery 3: success: did_1+0+0/',
    'starting delivery 4: msg 90 to local early@a.example',
    'delivery 4: deferral: Unable_to_chdir_to_maildir._(#4.2.1)/',
    'end msg 91',
  ];
  const free = Array.from({ length: 30 }, (_, i) => 100 + i);
  const open = new Map<number, { todo: Array<{ ch: string; rcpt: string }>; busy: number; failed: boolean }>();
  const pending = new Map<number, { id: number; ch: string; rcpt: string }>();
  let d = 0;
  let qp = 5000;
  const used = () => `status: local ${[...pending.values()].filter((p) => p.ch === 'local').length}/10 remote ${[...pending.values()].filter((p) => p.ch === 'remote').length}/20`;
  for (let step = 0; step < steps; step++) {
    const x = r();
    if (x < 0.15 && free.length) {
      const id = free.splice(Math.floor(r() * free.length), 1)[0];
      out.push(`new msg ${id}`, `info msg ${id}: bytes ${100 + Math.floor(r() * 9000)} from <${pick(['', 'a@b.example', 'c@d.example', '#@[]'])}> qp ${++qp} uid 0`);
      const n = 1 + Math.floor(r() * 3);
      const todo = Array.from({ length: n }, () => (r() < 0.5 ? { ch: 'local', rcpt: `${pick(['u', 'v', 'w'])}@${pick(['a.example', 'b.example'])}` } : { ch: 'remote', rcpt: `${pick(['x', 'y'])}@${pick(['c.example', 'D.Example', 'e.example'])}` }));
      open.set(id, { todo, busy: 0, failed: false });
    } else if (x < 0.45) {
      const ready = [...open.entries()].filter(([, m]) => m.todo.length);
      if (!ready.length || pending.size >= 6) continue;
      const [id, m] = pick(ready);
      const t = m.todo.shift()!;
      m.busy++;
      pending.set(++d, { id, ...t });
      out.push(`starting delivery ${d}: msg ${id} to ${t.ch} ${t.rcpt}`, used());
    } else if (x < 0.8) {
      if (!pending.size) continue;
      const n = pick([...pending.keys()]);
      const p = pending.get(n)!;
      pending.delete(n);
      const m = open.get(p.id)!;
      m.busy--;
      const y = r();
      if (y < 0.2) {
        out.push(`delivery ${n}: deferral: ${pick(["Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/", 'Unable_to_chdir_to_maildir._(#4.2.1)/'])}`);
        m.todo.push({ ch: p.ch, rcpt: p.rcpt });
      } else if (y < 0.3) {
        out.push(`delivery ${n}: failure: Sorry,_no_mailbox_here_by_that_name._(#5.1.1)/`);
        m.failed = true;
      } else out.push(`delivery ${n}: success: ${p.ch === 'local' ? 'did_1+0+0/' : '192.0.2.7_accepted_message./Remote_host_said:_250_ok/'}`);
      out.push(used());
      if (!m.todo.length && !m.busy) {
        if (m.failed) out.push(r() < 0.2 ? `triple bounce: discarding bounce/${p.id}` : `bounce msg ${p.id} qp ${++qp}`);
        out.push(`end msg ${p.id}`);
        open.delete(p.id);
        free.push(p.id);
      }
    } else if (x < 0.83) {
      // qmail-send stops (or dies) and starts again: numbering restarts, attempts in flight never get a result.
      if (r() < 0.5) out.push('status: exiting');
      for (const p of pending.values()) {
        const m = open.get(p.id)!;
        m.busy--;
        m.todo.push({ ch: p.ch, rcpt: p.rcpt });
      }
      pending.clear();
      d = 0;
    } else if (x < 0.85) out.push(pick(['this is not a qmail-send line', 'delivery 9: succ', 'status: local 1']));
    else out.push(used());
  }
  return out;
}

function fixture(seed: number) {
  const fx = makeFixture({ '/var/qmail/control/me': 'a.example\n', '/var/qmail/rc': '#!/bin/sh\nexec qmail-start ./Maildir/ | multilog t s4096 n999 /var/log/qmail\n' });
  const lines = sendLog(seed, 3000);
  // Written in several runs of multilog, as a service restarted would: each run rotates on its own.
  for (let i = 0; i < lines.length; i += 700) multilog(fx.host('/var/log/qmail'), lines.slice(i, i + 700), ['t', 's4096', 'n999']);
  return fx;
}

async function summarize(fx: ReturnType<typeof fixture>, threads: number): Promise<{ summary: unknown; skipped: number; files: string[] }> {
  const sysroot = fx.sysroot();
  const [src] = findInstanceLog(sysroot, '/var/qmail').sources;
  const summary = new SummaryBuilder();
  let skipped = 0;
  const session = new LogSession(
    sysroot,
    [src],
    { message: (m) => summary.message(m), result: (m, d) => summary.result(m, d), status: (s) => summary.status(s), unmatched: (u) => summary.unmatched(u), skip: () => skipped++, skipMore: (n) => (skipped += n) },
    { ordered: false, keepDeliveries: false, strings: false },
  );
  let used = 0;
  await session.readAll({ end: true, first: threads > 1 ? async (log) => (used = await readRotatedInThreads(sysroot, log, summary, session.sink, { threads, minBytes: 0, inThisThread: true })) : undefined });
  if (threads > 1) assert.equal(used, threads, `read in ${threads} parts`);
  return { summary: summary.build(), skipped, files: session.logs[0].reader.segments.map((s) => s.path) };
}

test('read in 2 to 8 parts, joined, a summary is what one reader counts', async () => {
  for (const seed of [1, 2, 3]) {
    const fx = fixture(seed);
    const one = await summarize(fx, 1);
    assert.ok(one.files.length > 20, `many rotated files (${one.files.length})`);
    const s = one.summary as { deliveries: { lost: number; started_before_log: number; attempts: number }; messages: { began_before_log: number } };
    assert.ok(s.deliveries.lost > 0 && s.deliveries.started_before_log > 0 && s.messages.began_before_log > 0, `seed ${seed} has restarts and a log that began mid-story: ${JSON.stringify(s.deliveries)}`);
    for (let threads = 2; threads <= 8; threads++) assert.deepEqual(await summarize(fx, threads), one, `seed ${seed}, ${threads} parts`);
  }
});

test('runs of whole files of about equal bytes, in order', () => {
  assert.deepEqual(splitRuns(['a', 'b', 'c', 'd'], [10, 10, 10, 10], 2), [['a', 'b'], ['c', 'd']]);
  assert.deepEqual(splitRuns(['a', 'b', 'c'], [30, 1, 1], 2), [['a'], ['b', 'c']]);
  assert.deepEqual(splitRuns(['a', 'b'], [5, 5], 4), [['a'], ['b']]);
});

test('qlens log --summary reads a big log in worker threads: the same JSON as one thread', async () => {
  const fx = fixture(7);
  const json = async (threads: number): Promise<Record<string, unknown>> => {
    const { ctx, out, err } = commandContext(fx.sysroot(), { options: { summary: true }, json: true });
    assert.equal(await run(ctx, { threads: { threads, minBytes: 0 } }), 0);
    assert.deepEqual(err, []);
    return JSON.parse(out.join(''));
  };
  const one = await json(1);
  const two = await json(2);
  assert.deepEqual(two, one);
  assert.ok((one.summary as { deliveries: { attempts: number } }).deliveries.attempts > 100);
});
