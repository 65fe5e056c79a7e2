// The TUI's loader on a vpopmail host whose users are in a real private
// MariaDB: the Domains view's counts come from the database, the Dot-qmail
// view's SQL branch lists the users a page at a time, and a trace walks
// into the database; with the server stopped the counts say so and the
// trace defers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMariaDb, type MariaDb } from '../helpers/mariadb.js';
import { makeFixture } from '../helpers/fixture.js';
import { readOnlyGrants, sqlFiles, vpopmailSqlStatements, type SqlBuild, type VHost, type VUser } from '../helpers/vpopmail-host.js';
import { startLoad } from '../../source/ui/loader.js';
import { requestKey, type DetailRequest, type SessionData } from '../../source/ui/session-data.js';
import { SQL_PAGE } from '../../source/ui/vpopmail-sql-parts.js';

const N = SQL_PAGE + 50;
const users: VUser[] = [{ name: 'postmaster', domain: 'big.example' }];
for (let i = 1; i < N; i++) users.push({ name: `u${String(i).padStart(4, '0')}`, domain: 'big.example', noDir: i > 3 });
const HOST: VHost = { domains: [{ name: 'big.example', catchAll: 'bounce-no-mailbox' }], users, valias: [{ alias: 'info', domain: 'big.example', line: '&postmaster@big.example' }] };
const B: SqlBuild = { manyDomains: true, valias: true };
const RO = { user: 'tui', password: 'tui-pw' };

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

function load(dir: string) {
  let latest: SessionData | null = null;
  const waiters: Array<() => void> = [];
  const loader = startLoad({ source: { sysrootDir: dir, demo: null, note: '' }, instances: [] }, (d) => {
    latest = d;
    for (const w of waiters.splice(0)) w();
  });
  const until = async <T>(f: (d: SessionData) => T | undefined, what: string): Promise<T> => {
    for (;;) {
      const v = latest ? f(latest) : undefined;
      if (v !== undefined) return v;
      // Wait for the next publish (the loader publishes on every change); fail if loading ended without it.
      const next = new Promise<void>((r) => waiters.push(r));
      const ended = await Promise.race([next.then(() => false), loader.done.then(() => new Promise<boolean>((r) => setTimeout(() => r(true), 2000)))]);
      if (ended && latest && f(latest) === undefined) throw new Error(`loader ended without ${what}`);
    }
  };
  const detail = async (r: DetailRequest) => {
    loader.request(r);
    return until((d) => d.details[requestKey(r)], `detail ${requestKey(r)}`);
  };
  return { loader, until, detail };
}

test('counts from MySQL first, users a page at a time on demand, and a trace into the database', async () => {
  const fx = makeFixture(sqlFiles(HOST, B, { socket: db.socket, account: RO }));
  const { loader, until, detail } = load(fx.dir);
  try {
    const info = await until((d) => d.parts.domains?.['/var/qmail']?.domains.find((r) => r.domain === 'big.example' && r.managerInfo?.users)?.managerInfo, 'the SQL counts');
    assert.deepEqual({ users: info.users, aliases: info.aliases, catchAll: info.catchAll }, { users: N, aliases: 1, catchAll: 'bounce-no-mailbox' });
    const tree = await until((d) => d.parts.dotqmail?.['/var/qmail'], 'the .qmail tree');
    const page0 = tree.find((n) => n.id === '/var/qmail#vd:big.example#mysql@0');
    assert.ok(page0 && page0.lazy, JSON.stringify(tree.map((n) => n.id)));
    const first = await detail({ kind: 'branch', instance: '/var/qmail', id: page0.id });
    assert.ok(first.kind === 'branch' && first.error === null);
    if (first.kind !== 'branch') return;
    const rows = first.nodes.filter((n) => n.text.startsWith('user'));
    assert.equal(rows.length, SQL_PAGE);
    assert.match(first.nodes[0].text, new RegExp(`^${N} users of big\\.example in table vpopmail`));
    assert.ok(first.nodes.some((n) => /^alias +info +&postmaster@big\.example/.test(n.text)));
    assert.equal(rows[0].address, 'postmaster@big.example');
    const next = first.nodes[first.nodes.length - 1];
    assert.equal(next.id, `/var/qmail#vd:big.example#mysql@${SQL_PAGE}`);
    assert.match(next.text, new RegExp(`${SQL_PAGE + 1}–${N} of ${N}`));
    const second = await detail({ kind: 'branch', instance: '/var/qmail', id: next.id });
    assert.ok(second.kind === 'branch' && second.nodes.filter((n) => n.text.startsWith('user')).length === N - SQL_PAGE);
    const t = await detail({ kind: 'trace', address: 'u0002@big.example' });
    assert.ok(t.kind === 'trace');
    if (t.kind === 'trace') assert.deepEqual(t.results[0].deliveries.map((d) => [d.kind, d.target]), [['maildir', '/home/vpopmail/domains/big.example/u0002/Maildir/']]);
  } finally {
    loader.cancel();
  }
});

test('the database stopped: the counts say "not counted" with the reason, and a trace defers', async () => {
  const fx = makeFixture(sqlFiles(HOST, B, { socket: db.socket, account: RO }));
  await db.stop();
  const { loader, until, detail } = load(fx.dir);
  try {
    const info = await until((d) => d.parts.domains?.['/var/qmail']?.domains.find((r) => r.domain === 'big.example' && r.managerInfo?.catchAll === 'unknown')?.managerInfo, 'the failed count');
    assert.match((info.problems ?? []).join(' '), /users not counted: cannot reach MySQL: tui@localhost via the Unix socket/);
    const t = await detail({ kind: 'trace', address: 'postmaster@big.example' });
    assert.ok(t.kind === 'trace' && t.results[0].deliveries[0].kind === 'defer');
  } finally {
    loader.cancel();
    await db.start();
  }
});
