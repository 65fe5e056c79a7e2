// The demos' logs tell the stories their READMEs describe, and the
// prediction beside each logged recipient is right: it agrees, or it cannot
// be compared (a remote server's answer), except where a README says the
// log and the configuration disagree (the planted cases).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Sysroot } from '../../source/sysroot/sysroot.js';
import { discoverInstances } from '../../source/qmail/discover.js';
import { run } from '../../source/commands/log.js';
import type { CommandContext } from '../../source/commands/context.js';

function projectRoot(): string {
  let d = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(d, 'package.json'))) d = path.dirname(d);
  return d;
}

interface Delivery {
  n: number;
  channel: string;
  recipient: string;
  result: string | null;
  text: string | null;
  prediction: { kind: string; target: string; agrees: boolean | null; why: string } | null;
}
interface Message {
  instance: string;
  id: number;
  sender: string | null;
  began_before_log: boolean;
  bounce_id: number | null;
  bounce_of: number | null;
  forward_of: number | null;
  ended: string | null;
  deliveries: Delivery[];
}

async function demoLog(name: string): Promise<{ logs: Array<{ instance: string; path: string | null; format: string | null }>; messages: Message[] }> {
  const sysroot = new Sysroot(path.join(projectRoot(), 'demo', name));
  const out: string[] = [];
  const ctx: CommandContext = {
    sysroot,
    instances: discoverInstances(sysroot),
    instancesExplicit: false,
    positionals: [],
    options: {},
    json: true,
    color: false,
    readOnly: true,
    out: (t) => out.push(t),
    err: (t) => out.push(t),
    readStdin: async () => '',
  };
  assert.equal(await run(ctx, { now: Date.parse('2026-11-24T09:00:00Z') }), 0);
  return JSON.parse(out.join(''));
}

/** The last attempt of each recipient of each message, with its verdict. */
function verdicts(messages: Message[]): Array<{ id: number; recipient: string; result: string | null; agrees: boolean | null | undefined }> {
  const out: Array<{ id: number; recipient: string; result: string | null; agrees: boolean | null | undefined }> = [];
  for (const m of messages) {
    const last = new Map<string, Delivery>();
    for (const d of m.deliveries) last.set(d.recipient, d);
    for (const d of last.values()) out.push({ id: m.id, recipient: d.recipient, result: d.result, agrees: d.prediction?.agrees });
  }
  return out;
}

test('demo/plain: the log tells its README: kinds of delivery, a forward, a bounce, a double bounce, a deferral loop, and why the queue holds what it holds', async () => {
  const { logs, messages } = await demoLog('plain');
  assert.deepEqual(logs.map((l) => [l.instance, l.path, l.format]), [['/var/qmail', '/var/log/qmail', 'multilog']]);
  assert.ok(messages.every((m) => !m.began_before_log), 'the log holds every message from its start');
  const byId = (id: number) => messages.filter((m) => m.id === id);
  // A bounce and its bounce message back to the sender.
  assert.deepEqual([byId(918159)[0].bounce_id, byId(918160)[0].bounce_of, byId(918160)[0].sender], [918160, 918159, '']);
  // A double bounce: the bounce bounced; qmail-send sent it from #@[] to the postmaster, whom the alias user forwards to alice.
  assert.equal(byId(918162)[0].bounce_id, 918163);
  assert.equal(byId(918163)[0].sender, '#@[]');
  assert.deepEqual(byId(918163)[0].deliveries.map((d) => [d.recipient, d.result]), [['postmaster@mail.example.com', 'success']]);
  assert.equal(byId(918164)[0].forward_of, 918163);
  // A deferral loop that ended, and an id handed out twice.
  const loop = byId(918165)[0].deliveries;
  assert.ok(loop.length >= 4 && loop.slice(0, -1).every((d) => d.result === 'deferral') && loop[loop.length - 1].result === 'success');
  assert.equal(byId(918150).length, 2);
  // Every message still in the queue is in the log, not ended.
  const queued = fs.readdirSync(path.join(projectRoot(), 'demo/plain/var/qmail/queue/info')).filter((d) => d !== '.keep').flatMap((d) => fs.readdirSync(path.join(projectRoot(), 'demo/plain/var/qmail/queue/info', d))).filter((n) => /^\d+$/.test(n)).map(Number);
  assert.equal(queued.length, 13);
  for (const id of queued) assert.ok(byId(id).some((m) => m.ended === null), `msg ${id} is open in the log`);

  const v = verdicts(messages);
  // Planted: /home was not mounted while the queued local mail was tried, and gail's maildir had no tmp/ and was removed since.
  const planted = new Set(['bob@example.com', 'alice@example.com', 'dave@example.com', 'carol@example.com', 'gail@example.com']);
  for (const x of v) {
    if (x.result === 'deferral' && planted.has(x.recipient)) assert.equal(x.agrees, false, `${x.id} ${x.recipient}: flagged`);
    else assert.notEqual(x.agrees, false, `${x.id} ${x.recipient}: ${x.result} agrees or cannot be compared`);
  }
  const gail = messages.find((m) => m.deliveries.some((d) => d.recipient === 'gail@example.com'))!;
  const last = gail.deliveries[gail.deliveries.length - 1];
  assert.equal(last.text, 'Temporary error on maildir delivery. (#4.3.0)');
  assert.equal(last.prediction?.agrees, false);
  assert.match(last.prediction!.why, /^qmail deferred it/);
  // Local successes agree with what the walk delivers, kind by kind.
  const agreeing = v.filter((x) => x.result === 'success' && x.agrees === true).map((x) => x.recipient);
  for (const r of ['alice@example.com', 'alice-lists-info@lists.example.com', 'alice-work@example.com', 'carol@example.com', 'dave-vacation@example.com', 'alice-spam@example.com', 'bob@example.com', 'postmaster@mail.example.com', 'dave-xyz@example.com'])
    assert.ok(agreeing.includes(r), `${r} agrees`);
});

test('demo/multi: A logs to /var/log/qmail, B is configured for the same directory (L30), C and D have their own', async () => {
  const { logs, messages } = await demoLog('multi');
  assert.deepEqual(
    logs.map((l) => [l.instance, l.path]),
    [
      ['/var/qmail', '/var/log/qmail'],
      ['/var/qmail2', '/var/log/qmail'],
      ['/var/qmail3', '/var/log/qmail3'],
      // D, copied from A and never rebuilt: its qmail-send only ever logs that it cannot start (no message).
      ['/var/qmail4', '/var/log/qmail4'],
    ],
  );
  assert.deepEqual([...new Set(messages.map((m) => m.instance))], ['/var/qmail', '/var/qmail3']);
  for (const x of verdicts(messages)) assert.notEqual(x.agrees, false, `${x.id} ${x.recipient}`);
  assert.ok(messages.some((m) => m.sender === '#@[]' && m.deliveries.some((d) => d.recipient === 'postmaster@mail.a.example')));
});

test('demo/vpopmail and demo/vmailmgr: qmail-send through splogger into syslog; every prediction agrees', async () => {
  for (const name of ['vpopmail', 'vmailmgr']) {
    const { logs, messages } = await demoLog(name);
    assert.deepEqual(logs.map((l) => [l.path, l.format]), [['/var/log/mail.log', 'syslog']]);
    assert.ok(messages.length >= 3);
    for (const x of verdicts(messages)) assert.notEqual(x.agrees, false, `${name} ${x.id} ${x.recipient}`);
    assert.ok(messages.some((m) => m.bounce_of !== null), `${name} has a bounce`);
  }
});

test("a demo copy opened in the TUI moves its log with its queue: the queue's ages and the log's attempts tell the same day", async () => {
  const { openDemoCopy } = await import('../../source/ui/demo-copy.js');
  const now = Date.parse('2027-03-01T12:00:00Z');
  const copy = openDemoCopy(path.join(projectRoot(), 'demo', 'plain'), 'plain', now);
  try {
    const sysroot = new Sysroot(copy.dir);
    const out: string[] = [];
    const ctx: CommandContext = {
      sysroot,
      instances: ['/var/qmail'],
      instancesExplicit: false,
      positionals: [],
      options: { 'no-predict': true, message: '918213' },
      json: true,
      color: false,
      readOnly: true,
      out: (t) => out.push(t),
      err: (t) => out.push(t),
      readStdin: async () => '',
    };
    assert.equal(await run(ctx), 0);
    const [gail] = JSON.parse(out.join('')).messages;
    // gail's message was queued 6 hours before the demo's time; the copy's "now" is that time moved.
    assert.equal(gail.received, new Date(now - 6 * 3600_000).toISOString().replace('.000', ''));
    assert.equal(sysroot.stat('/var/qmail/queue/info/7/918213')!.mtimeMs, now - 6 * 3600_000);
  } finally {
    copy.remove();
  }
});
