import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { makeFixture, type Fixture } from '../helpers/fixture.js';
import { multilog, multilogFiles } from '../helpers/multilog.js';
import { installation, story, FILLER, HOSTILE } from '../helpers/log-story.js';
import { run, type LogRunDeps } from '../../source/commands/log.js';
import type { CommandContext } from '../../source/commands/context.js';
import { UsageError } from '../../source/cli-args.js';

export async function runLog(fx: Fixture, options: Record<string, string | boolean | string[]>, opts: { json?: boolean; instances?: string[]; deps?: LogRunDeps; positionals?: string[] } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CommandContext = {
    sysroot: fx.sysroot(),
    instances: opts.instances ?? ['/var/qmail'],
    instancesExplicit: false,
    positionals: opts.positionals ?? [],
    options,
    json: Boolean(opts.json),
    color: false,
    readOnly: true,
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    readStdin: async () => '',
  };
  const status = await run(ctx, opts.deps);
  return { status, out: out.join(''), err: err.join('') };
}

function where(dir: string, needle: string): string[] {
  return multilogFiles(dir)
    .filter((f) => f.text.split('\n').some((l) => l.slice(26) === needle))
    .map((f) => f.name);
}

test('JSON contract on a real multilog log: reused ids, rotation mid-message, began before the log, bounce and triple bounce, garbage, a cut last line', async () => {
  const fx = installation();
  const { dir } = story(fx);
  // The fixture is what the test says it is.
  assert.deepEqual(where(dir, 'new msg 100'), [], 'msg 100 began in a file multilog removed');
  const [born] = where(dir, 'new msg 400');
  const [died] = where(dir, 'end msg 400');
  assert.ok(born && died && born !== died, `msg 400 spans a rotation (${born} → ${died})`);
  assert.ok(multilogFiles(dir).length >= 2);

  const r = await runLog(fx, {}, { json: true });
  assert.equal(r.status, 0, r.err);
  const o = JSON.parse(r.out);
  assert.deepEqual(
    o.logs.map((l: { instance: string; path: string; format: string }) => [l.instance, l.path, l.format]),
    [['/var/qmail', '/var/log/qmail', 'multilog']],
  );
  assert.match(o.logs[0].found_by, /\/var\/qmail\/supervise\/qmail-send\/log\/run line 2/);
  // In the order of their first line: 400 (its new msg), then 100 (first seen at delivery 1), 200, 200, 300, 301, 302.
  assert.deepEqual(
    o.messages.map((m: { id: number }) => m.id),
    [400, 100, 200, 200, 300, 301, 302],
  );
  const [m400, m100, first200, second200, m300, m301, m302] = o.messages;

  assert.equal(m100.began_before_log, true);
  assert.equal(m100.received, null);
  assert.equal(m100.sender, null);
  assert.equal(m100.bytes, null);
  assert.equal(m100.qp, null);
  assert.match(m100.ended, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  assert.equal(m100.deliveries[0].result, 'success');

  assert.equal(first200.sender, 'first@b.example');
  assert.equal(first200.bytes, 200);
  assert.equal(second200.sender, 'second@b.example');
  assert.equal(second200.qp, 1201);
  assert.deepEqual(
    [first200.deliveries.length, second200.deliveries.length, first200.deliveries[0].recipient, second200.deliveries[0].recipient],
    [1, 1, 'x@c.example', 'a@a.example'],
  );
  assert.equal(first200.deliveries[0].text, '192.0.2.7 accepted message./Remote host said: 250 ok 1796643574 qp 77');
  assert.equal(first200.deliveries[0].raw, '192.0.2.7_accepted_message./Remote_host_said:_250_ok_1796643574_qp_77/');

  // The message that spans a rotation is one message with its attempt.
  assert.equal(m400.began_before_log, false);
  assert.equal(m400.sender, 'long@b.example');
  assert.deepEqual(
    m400.deliveries.map((d: Record<string, unknown>) => [d.n, d.channel, d.recipient, d.result, d.text]),
    [[8, 'remote', 'far@e.example', 'deferral', "Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)"]],
  );
  assert.ok(m400.deliveries[0].started <= m400.deliveries[0].finished);
  assert.ok(m400.ended);

  // The bounce chain: 300 bounces as 301 (qp 1301), 301 double-bounces as 302 (qp 1302), 302's bounce is discarded.
  assert.equal(m300.bounce_qp, 1301);
  assert.equal(m300.bounce_id, 301);
  assert.equal(m301.bounce_of, 300);
  assert.equal(m301.sender, '');
  assert.equal(m301.bounce_qp, 1302);
  assert.equal(m301.bounce_id, 302);
  assert.equal(m302.bounce_of, 301);
  assert.equal(m302.sender, '#@[]');
  assert.equal(m302.triple_bounce, true);
  assert.equal(m302.bounce_qp, null);
  assert.equal(m300.deliveries[0].text, 'Sorry, no mailbox here by that name. (#5.1.1)');

  // Garbage and the cut last line are listed with file and line.
  const reasons = o.skipped.map((s: { reason: string }) => s.reason);
  assert.ok(reasons.includes('not a qmail-send line'));
  assert.ok(reasons.includes('malformed "delivery" line'));
  assert.ok(reasons.includes('truncated last line (no newline)'));
  for (const s of o.skipped) {
    assert.match(s.path, /^\/var\/log\/qmail\/(current|@[0-9a-f]{24}\.s)$/);
    const f = multilogFiles(dir).find((x) => `/var/log/qmail/${x.name}` === s.path)!;
    const line = f.text.split('\n')[s.line - 1];
    assert.ok(line !== undefined, `${s.path} has line ${s.line}`);
    if (s.reason === 'not a qmail-send line') assert.equal(line.slice(26), 'this is not a qmail-send line');
  }
  assert.equal(o.skipped_total, o.skipped.length);
  // Every delivery has a prediction (or null) in the contract's shape.
  for (const m of o.messages) for (const d of m.deliveries) assert.ok(d.prediction === null || typeof d.prediction.agrees !== 'undefined');
});

test('text: the header names the log and how it was found; each message is told with its attempts and end', async () => {
  const fx = installation();
  story(fx);
  const r = await runLog(fx, { 'no-predict': true });
  assert.equal(r.status, 0, r.err);
  assert.match(r.out, /^\/var\/qmail: multilog \/var\/log\/qmail \(multilog in \/var\/qmail\/supervise\/qmail-send\/log\/run line 2\)/);
  assert.match(r.out, /msg 100 {2}\/var\/qmail {2}began before the log/);
  assert.match(r.out, /msg 302 .* from <#@\[\]>[\s\S]*triple bounce: its bounce bounced again and was discarded/);
  assert.match(r.out, /bounced: the bounce is qp 1301 \(msg 301\)/);
  assert.match(r.out, /3 lines skipped \(/);
  assert.doesNotMatch(r.out, /qlens now predicts/);
});

test('--message, --address, --since and --until choose messages; a bad value is a usage error', async () => {
  const fx = installation();
  story(fx);
  const ids = async (o: Record<string, string | boolean>) => JSON.parse((await runLog(fx, { 'no-predict': true, ...o }, { json: true })).out).messages.map((m: { id: number }) => m.id);
  assert.deepEqual(await ids({ message: '200' }), [200, 200]);
  assert.deepEqual(await ids({ address: 'SENDER@d.example' }), [300, 301]);
  assert.deepEqual(await ids({ address: 'far@e.example' }), [400]);
  assert.deepEqual(await ids({ since: '1h', until: '2999-01-01T00:00:00Z' }), [400, 100, 200, 200, 300, 301, 302]);
  assert.deepEqual(await ids({ until: '2000-01-01 00:00' }), []);
  await assert.rejects(runLog(fx, { since: 'yesterday-ish' }), UsageError);
  await assert.rejects(runLog(fx, { message: 'abc' }), UsageError);
  await assert.rejects(runLog(fx, { summary: true, message: '5' }), UsageError);
  await assert.rejects(runLog(fx, {}, { positionals: ['x'] }), UsageError);
});

test('no log found: exit 2, saying where qlens looked; --log INSTANCE=PATH names one', async () => {
  const fx = installation({ '/var/qmail/supervise/qmail-send/log/run': '#!/bin/sh\nexec cat > /dev/null\n' });
  const r = await runLog(fx, {});
  assert.equal(r.status, 2);
  assert.match(r.err, /\/var\/qmail: no log found; looked at \/var\/qmail\/supervise\/qmail-send\/log\/run/);
  assert.match(r.err, /name one with --log/);
  multilog(fx.host('/srv/qlog'), ['new msg 5', 'info msg 5: bytes 9 from <x@y> qp 1 uid 0', 'end msg 5']);
  const ok = await runLog(fx, { log: ['/var/qmail=/srv/qlog'], 'no-predict': true }, { json: true });
  assert.equal(ok.status, 0, ok.err);
  const o = JSON.parse(ok.out);
  assert.deepEqual(o.logs.map((l: { instance: string; path: string; format: string; found_by: string }) => [l.instance, l.path, l.format, l.found_by]), [['/var/qmail', '/srv/qlog', 'multilog', '--log']]);
  assert.deepEqual(o.messages.map((m: { id: number; sender: string }) => [m.id, m.sender]), [[5, 'x@y']]);
  const missing = await runLog(fx, { log: ['/nowhere'] });
  assert.equal(missing.status, 2);
  await assert.rejects(runLog(fx, { log: ['relative/path'] }), UsageError);
});

test('--summary: counts, reasons and delays by domain, in text and JSON', async () => {
  const fx = installation();
  story(fx);
  const t = await runLog(fx, { summary: true });
  assert.equal(t.status, 0, t.err);
  assert.match(t.out, /delivery attempts: \d+: \d+ success, 1 deferral, 3 failure/);
  assert.match(t.out, /most frequent failure reasons:\n\s+2  Sorry, no mailbox here by that name\. \(#5\.1\.1\)/);
  assert.match(t.out, /^a\.example +\d+/m);
  const j = JSON.parse((await runLog(fx, { summary: true }, { json: true })).out);
  assert.equal(j.summary.deliveries.failure, 3);
  assert.equal(j.summary.messages.began_before_log, 1);
  assert.ok(j.summary.domains.some((d: { domain: string }) => d.domain === 'e.example'));
  assert.equal(j.messages, undefined);
});

async function until(what: () => boolean, ms = 20000): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('--follow: attempts and messages are told as their lines arrive, through a rotation; stops when told', async () => {
  const fx = installation();
  const dir = fx.host('/var/log/qmail');
  multilog(dir, ['new msg 7', 'info msg 7: bytes 70 from <f@b.example> qp 77 uid 0', 'starting delivery 1: msg 7 to local a@a.example']);
  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  const out: string[] = [];
  const ctx: CommandContext = {
    sysroot: fx.sysroot(),
    instances: ['/var/qmail'],
    instancesExplicit: false,
    positionals: [],
    options: { follow: true, 'no-predict': true },
    json: true,
    color: false,
    readOnly: true,
    out: (t) => out.push(t),
    err: () => {},
    readStdin: async () => '',
  };
  const running = run(ctx, { stop: stopped, pollMs: 10 });
  const events = () => out.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  await until(() => events().some((e) => e.event === 'logs'));
  multilog(dir, ['delivery 1: success: did_1+0+0/', 'end msg 7', ...Array(100).fill(FILLER), 'new msg 8', 'info msg 8: bytes 1 from <> qp 78 uid 0', 'end msg 8']);
  await until(() => events().filter((e) => e.event === 'message').length === 2);
  stop();
  assert.equal(await running, 0);
  const ev = events();
  const d = ev.find((e) => e.event === 'delivery');
  assert.deepEqual([d.id, d.delivery.recipient, d.delivery.result], [7, 'a@a.example', 'success']);
  assert.deepEqual(
    ev.filter((e) => e.event === 'message').map((e) => [e.id, e.sender, e.deliveries.length]),
    [
      [7, 'f@b.example', 1],
      [8, '', 0],
    ],
  );
});


test('hostile text from the log (a sender, a recipient, a remote server\'s answer) reaches neither the text nor the JSON as control bytes', async () => {
  const fx = installation();
  multilog(fx.host('/var/log/qmail'), HOSTILE);
  const injected = (s: string) => ['\x1b]', '\x07', '\x1b[2J', '\x9b'].filter((x) => s.includes(x));
  for (const opts of [{}, { summary: true }] as Array<Record<string, boolean>>) {
    const t = await runLog(fx, opts);
    assert.equal(t.status, 0, t.err);
    assert.deepEqual(injected(t.out), [], JSON.stringify(opts));
    assert.match(t.out, opts.summary ? /said: \\x9b2J\\x1b\]0;pwned-text\\x07/ : /from <x\\x1b\]0;pwned-sender\\x07@evil\.example>/);
    const j = await runLog(fx, opts, { json: true });
    assert.deepEqual(injected(j.out), [], `JSON ${JSON.stringify(opts)}`);
    assert.ok(!/[\x00-\x1f\x7f-\x9f]/.test(j.out.trimEnd()), 'no raw control byte in the JSON');
    if (!opts.summary) {
      const [m] = JSON.parse(j.out).messages;
      // The JSON keeps the text as logged (escaped by JSON itself): a script gets what the log says.
      assert.equal(m.sender, 'x\x1b]0;pwned-sender\x07@evil.example');
      assert.equal(m.deliveries[0].recipient, 'v\x1b[2Jictim@evil.example');
    }
  }
});

test('lines without a stamp (multilog run without t): read, matched up, told without a time', async () => {
  const fx = installation();
  multilog(fx.host('/var/log/qmail'), ['new msg 61', 'info msg 61: bytes 610 from <u@b.example> qp 6100 uid 0', 'starting delivery 1: msg 61 to local a@a.example', 'delivery 1: success: did_1+0+0/', 'end msg 61'], ['s4096', 'n3']);
  const j = await runLog(fx, { 'no-predict': true }, { json: true });
  assert.equal(j.status, 0, j.err);
  const o = JSON.parse(j.out);
  assert.deepEqual(o.skipped, []);
  const [m] = o.messages;
  assert.deepEqual([m.id, m.sender, m.bytes, m.received, m.ended, m.deliveries[0].result, m.deliveries[0].started], [61, 'u@b.example', 610, null, null, 'success', null]);
  const t = await runLog(fx, { 'no-predict': true });
  assert.match(t.out, /\(no time\) {2}delivery 1 {2}local a@a\.example {2}success: did 1\+0\+0/);
});
