// The callers that walk synchronously read vpopmail's MySQL rows too (#16
// part 4): the queue listing and `qlens queue --message`, the impact
// preview of `qlens edit`, and the TUI's queued-message reader, against a
// real private MariaDB. Each gives what the same host on the cdb backend
// gives, never "this view reads no database".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMariaDb, type MariaDb } from '../helpers/mariadb.js';
import { makeFixture, type FixtureEntry } from '../helpers/fixture.js';
import { writeQueue } from '../helpers/queue-writer.js';
import { cdbFiles, domainDir, readOnlyGrants, sqlFiles, vpopmailSqlStatements, type SqlBuild, type VHost } from '../helpers/vpopmail-host.js';
import type { CommandContext } from '../../source/commands/context.js';
import { startLoad } from '../../source/ui/loader.js';
import { multilog } from '../helpers/multilog.js';
import { requestKey, type Detail, type SessionData } from '../../source/ui/session-data.js';

const HOST: VHost = {
  domains: [{ name: 'example.com', catchAll: 'bounce-no-mailbox' }],
  users: [
    { name: 'postmaster', domain: 'example.com' },
    { name: 'joe', domain: 'example.com' },
  ],
};
const B: SqlBuild = { manyDomains: true, valias: false };
const RO = { user: 'lister', password: 'l1st' };
const NOW = Date.parse('2026-11-25T10:00:00Z');

let db: MariaDb;
before(async () => {
  db = await startMariaDb();
  const exec = async (sts: Array<{ sql: string; params: unknown[] }>) => db.exec(sts.map((s) => s.sql), sts.map((s) => s.params));
  await exec(vpopmailSqlStatements(HOST, B, 'vpopmail'));
  await exec(readOnlyGrants(HOST, B, RO, 'vpopmail'));
});
after(async () => {
  await db?.destroy();
});

/** The host with one queued message to joe (local channel, as qmail-send rewrote it) and one to nobody there. */
function host(files: Record<string, FixtureEntry>) {
  const fx = makeFixture(files);
  writeQueue(fx.dir, '/var/qmail', [{ id: 101, sender: 'a@b.example', recipients: [{ address: 'example.com-joe@example.com', channel: 'local' }, { address: 'example.com-nobody@example.com', channel: 'local' }], queued: NOW - 3600_000 }]);
  return fx;
}

function ctxOf(fx: ReturnType<typeof makeFixture>, options: CommandContext['options'], out: string[], stdin = ''): CommandContext {
  return {
    sysroot: fx.sysroot(),
    instances: ['/var/qmail'],
    instancesExplicit: false,
    positionals: [],
    options,
    json: false,
    color: false,
    readOnly: true,
    out: (t) => out.push(t),
    err: (t) => out.push(t),
    readStdin: async () => stdin,
    readStdinBytes: async () => Buffer.from(stdin),
  };
}

const sqlHost = () => host(sqlFiles(HOST, B, { socket: db.socket, account: RO }));
const cdbHost = () => host(cdbFiles(HOST));

async function queue(fx: ReturnType<typeof makeFixture>, options: CommandContext['options'] = {}): Promise<string> {
  const { run } = await import('../../source/commands/queue.js');
  const out: string[] = [];
  await run(ctxOf(fx, options, out));
  return out.join('');
}

test('the queue listing predicts a MySQL user as the cdb backend does', async () => {
  const sql = await queue(sqlHost());
  assert.match(sql, /would deliver to \/home\/vpopmail\/domains\/example\.com\/joe\/Maildir\//);
  assert.match(sql, /would bounce: .*no mailbox/i);
  assert.doesNotMatch(sql, /reads no database|has not read the MySQL rows/);
  const cdb = await queue(cdbHost());
  const predictions = (t: string) => t.split('\n').filter((l) => /would |deferred/.test(l)).map((l) => l.trim());
  assert.deepEqual(predictions(sql), predictions(cdb));
});

test('qlens queue --message predicts from MySQL too', async () => {
  const one = await queue(sqlHost(), { message: '101' });
  assert.match(one, /would deliver to \/home\/vpopmail\/domains\/example\.com\/joe\/Maildir\//);
  assert.doesNotMatch(one, /reads no database|has not read the MySQL rows/);
});

test('the database down: the listing says what vdelivermail does (defer, naming the server)', async () => {
  const fx = host(sqlFiles(HOST, B, { socket: `${db.dir}/no.sock`, account: RO }));
  const out = await queue(fx);
  assert.match(out, /deferred: vdelivermail: cannot reach its MySQL database \(exit 111\)/);
});

test('qlens edit: the impact of a change to a MySQL user\'s .qmail is seen', async () => {
  const { run } = await import('../../source/commands/edit.js');
  const go = async (fx: ReturnType<typeof makeFixture>) => {
    const out: string[] = [];
    const c = ctxOf(fx, { impact: ['joe@example.com'] }, out, '&someone@elsewhere.example\n');
    c.positionals = [`${domainDir('example.com')}/joe/.qmail`];
    c.json = true;
    await run(c);
    return JSON.parse(out.join('')) as { impact: Array<{ changes: Array<{ address: string; before: string; after: string }> }> };
  };
  const sql = await go(sqlHost());
  const text = JSON.stringify(sql.impact);
  assert.match(text, /joe@example\.com/);
  assert.match(text, /Maildir/);
  assert.match(text, /someone@elsewhere\.example/);
  assert.doesNotMatch(text, /reads no database|has not read the MySQL rows/);
  assert.deepEqual(sql.impact, (await go(cdbHost())).impact);
});

test('the TUI: a queued message to a MySQL user shows the prediction from the database', async () => {
  const fx = sqlHost();
  let latest: SessionData | null = null;
  const waiters: Array<() => void> = [];
  const loader = startLoad({ source: { sysrootDir: fx.dir, demo: null, note: '' }, instances: [] }, (d) => {
    latest = d;
    for (const w of waiters.splice(0)) w();
  });
  try {
    const r = { kind: 'message' as const, instance: '/var/qmail', id: 101 };
    loader.request(r);
    let d: Detail | undefined;
    while (!(d = (latest as SessionData | null)?.details[requestKey(r)])) await new Promise<void>((res) => waiters.push(res));
    assert.equal(d.kind, 'message');
    const preds = d.kind === 'message' ? (d.message?.recipients ?? []).map((x) => x.prediction?.text) : [];
    assert.match(preds[0] ?? '', /would deliver to \/home\/vpopmail\/domains\/example\.com\/joe\/Maildir\//);
    assert.doesNotMatch(JSON.stringify(preds), /reads no database|has not read the MySQL rows/);
  } finally {
    loader.cancel();
    await loader.done;
  }
});

test('qlens log: the prediction beside a logged delivery to a MySQL user reads the database', async () => {
  const { run } = await import('../../source/commands/log.js');
  const go = async (files: Record<string, FixtureEntry>) => {
    const fx = makeFixture({ ...files, '/var/qmail/rc': '#!/bin/sh\nexec env - PATH="/var/qmail/bin:$PATH" qmail-start ./Maildir/\n', '/var/qmail/supervise/qmail-send/run': '#!/bin/sh\nexec /var/qmail/rc\n', '/var/qmail/supervise/qmail-send/log/run': '#!/bin/sh\nexec setuidgid qmaill multilog t s4096 n3 /var/log/qmail\n' });
    multilog(fx.host('/var/log/qmail'), [
      'new msg 500',
      'info msg 500: bytes 500 from <a@b.example> qp 1500 uid 0',
      'starting delivery 1: msg 500 to local example.com-joe@example.com',
      'delivery 1: success: did_0+0+1/',
      'end msg 500',
    ]);
    const out: string[] = [];
    const c = ctxOf(fx, {}, out);
    c.json = true;
    assert.equal(await run(c), 0);
    const o = JSON.parse(out.join('')) as { messages: Array<{ deliveries: Array<{ prediction: unknown }> }> };
    return o.messages[0].deliveries[0].prediction;
  };
  const sql = await go(sqlFiles(HOST, B, { socket: db.socket, account: RO }));
  assert.match(JSON.stringify(sql), /\/home\/vpopmail\/domains\/example\.com\/joe\/Maildir\//);
  assert.doesNotMatch(JSON.stringify(sql), /reads no database|has not read the MySQL rows/);
  assert.deepEqual(sql, await go(cdbFiles(HOST)));
});
