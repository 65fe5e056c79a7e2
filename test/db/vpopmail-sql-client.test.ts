// The read-only MySQL session and the record cache, against a real private
// MariaDB server holding the tables vpopmail's own programs would have made.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMariaDb, type MariaDb } from '../helpers/mariadb.js';
import { readOnlyGrants, vpopmailSqlStatements, type SqlBuild, type VHost } from '../helpers/vpopmail-host.js';
import { connect } from '../../source/db/mysql.js';
import { VpopmailSqlClient } from '../../source/db/vpopmail-sql-client.js';
import { Secret, type SqlServer } from '../../source/qmail/vpopmail-mysql-config.js';

const HOST: VHost = {
  domains: [
    { name: 'example.com', catchAll: 'bounce-no-mailbox' },
    { name: 'mail-2.example.net', catchAll: 'delete' },
  ],
  users: [
    { name: 'postmaster', domain: 'example.com' },
    { name: 'joe', domain: 'example.com', quota: '1000S' },
    { name: "o'brien", domain: 'example.com' },
    { name: 'locked', domain: 'example.com', gid: 16 },
    { name: 'postmaster', domain: 'mail-2.example.net' },
  ],
  valias: [
    { alias: 'info', domain: 'example.com', line: '&joe@example.com' },
    { alias: 'info', domain: 'example.com', line: ' &"quoted\\back"@example.org' },
  ],
};
const MANY: SqlBuild = { manyDomains: true, valias: true, clearPass: true };
const PER_DOMAIN: SqlBuild = { manyDomains: false, valias: false };
const RO = { user: 'qlensro', password: `r"o'p\\w` };

let db: MariaDb;
const server = (o: Partial<SqlServer> = {}): SqlServer => ({
  host: 'localhost',
  port: 0,
  socket: db.socket,
  user: RO.user,
  password: new Secret(RO.password),
  database: 'vpopmail',
  origin: 'test',
  ...o,
});

before(async () => {
  db = await startMariaDb();
  const run = async (sts: Array<{ sql: string; params: unknown[] }>) => db.exec(sts.map((s) => s.sql), sts.map((s) => s.params));
  await run(vpopmailSqlStatements(HOST, MANY, 'vpopmail'));
  await run(readOnlyGrants(HOST, MANY, RO, 'vpopmail'));
  await run(vpopmailSqlStatements(HOST, PER_DOMAIN, 'perdomain'));
  // vpopmail.mysql normally names the vpopmail account, which may see every table of its database.
  await run([{ sql: `GRANT SELECT ON \`perdomain\`.* TO '${RO.user}'@'localhost'`, params: [] }]);
});
after(async () => {
  await db?.destroy();
});

test('MANY_DOMAINS: vauth_getpw rows by (pw_name, pw_domain), a quote in the name, absent users', async () => {
  const c = new VpopmailSqlClient([server()], { manyDomains: true, valias: true });
  await c.fetch([
    { kind: 'getpw', name: 'joe', domain: 'example.com' },
    { kind: 'getpw', name: "o'brien", domain: 'example.com' },
    { kind: 'getpw', name: 'nobody', domain: 'example.com' },
    // The same SELECT vdelivermail sends: an injection-shaped name is only a name.
    { kind: 'getpw', name: "x'or'1'='1", domain: 'example.com' },
    { kind: 'getpw', name: 'joe', domain: 'mail-2.example.net' },
    { kind: 'getpw', name: 'locked', domain: 'example.com' },
  ]);
  const rows = (name: string, domain = 'example.com') => {
    const a = c.peek({ kind: 'getpw', name, domain });
    assert.ok(a && a.kind === 'rows', JSON.stringify(a));
    return a.kind === 'rows' ? a.rows : [];
  };
  assert.deepEqual(rows('joe').map((r) => [r.pw_name, r.pw_shell, r.pw_dir]), [['joe', '1000S', '/home/vpopmail/domains/example.com/joe']]);
  assert.equal(rows("o'brien").length, 1);
  assert.equal(rows('nobody').length, 0);
  assert.equal(rows("x'or'1'='1").length, 0);
  assert.equal(rows('joe', 'mail-2.example.net').length, 0);
  assert.equal(Number(rows('locked')[0].pw_gid), 16);
  assert.equal(c.connections, 1);
  // Asking again costs nothing: the cache answers.
  const before = c.sent;
  await c.fetch([{ kind: 'getpw', name: 'joe', domain: 'example.com' }]);
  assert.equal(c.sent, before);
  await c.close();
});

test('valias rows in the order the server gives them, quotes and backslashes intact, leading blanks stripped as valias_insert does', async () => {
  const c = new VpopmailSqlClient([server()], { manyDomains: true, valias: true });
  await c.fetch([{ kind: 'valias', alias: 'info', domain: 'example.com' }, { kind: 'dir-control', domain: 'example.com' }]);
  const a = c.peek({ kind: 'valias', alias: 'info', domain: 'example.com' });
  assert.ok(a && a.kind === 'rows');
  if (a.kind === 'rows') assert.deepEqual(a.rows.map((r) => r.valias_line), ['&joe@example.com', '&"quoted\\back"@example.org']);
  const d = c.peek({ kind: 'dir-control', domain: 'example.com' });
  assert.ok(d && d.kind === 'rows' && d.rows.length === 1);
  await c.close();
});

test('MANY_DOMAINS off: one table per domain, named by vauth_munch_domain', async () => {
  const c = new VpopmailSqlClient([server({ database: 'perdomain' })], { manyDomains: false, valias: false });
  await c.fetch([
    { kind: 'getpw', name: 'postmaster', domain: 'mail-2.example.net' },
    { kind: 'getpw', name: 'joe', domain: 'example.com' },
    { kind: 'getpw', name: 'joe', domain: 'missing.example' },
  ]);
  const pm = c.peek({ kind: 'getpw', name: 'postmaster', domain: 'mail-2.example.net' });
  assert.ok(pm && pm.kind === 'rows' && pm.rows.length === 1);
  assert.match(pm.kind === 'rows' ? pm.sql : '', /FROM `mail_2_example_net` WHERE pw_name = \?$/);
  // A domain whose table does not exist: the query fails twice (vauth_getpw reconnects once), and no connection error.
  const miss = c.peek({ kind: 'getpw', name: 'joe', domain: 'missing.example' });
  assert.ok(miss && miss.kind === 'query-failed', JSON.stringify(miss));
  if (miss.kind === 'query-failed') assert.equal(miss.code, 'ER_NO_SUCH_TABLE');
  assert.equal(c.connections, 2);
  await c.close();
});

test('the session is read-only even for an account that may write', async () => {
  const s = await connect(server({ user: 'root', password: new Secret(''), database: 'vpopmail' }));
  assert.ok('run' in s, JSON.stringify(s));
  if (!('run' in s)) return;
  const w = await s.run({ sql: 'UPDATE vpopmail SET pw_gid = 0 WHERE pw_name = ?', params: ['locked'] });
  assert.ok(!w.ok);
  if (!w.ok) assert.equal(w.code, 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION');
  const r = await s.run({ sql: 'SELECT pw_gid FROM vpopmail WHERE pw_name = ?', params: ['locked'] });
  assert.ok(r.ok && Number(r.rows[0].pw_gid) === 16);
  await s.close();
});

test('the read-only account cannot read the password columns, and qlens never asks for them', async () => {
  const s = await connect(server());
  assert.ok('run' in s);
  if (!('run' in s)) return;
  const pw = await s.run({ sql: 'SELECT pw_passwd FROM vpopmail WHERE pw_name = ?', params: ['joe'] });
  assert.ok(!pw.ok && /denied/i.test(pw.message));
  await s.close();
});

test('wrong credentials: no connection, the server named, the password never in the words', async () => {
  const c = new VpopmailSqlClient([server({ password: new Secret('wrong-Secret-9') })], { manyDomains: true, valias: false });
  await c.fetch([{ kind: 'getpw', name: 'joe', domain: 'example.com' }, { kind: 'getpw', name: 'x', domain: 'example.com' }]);
  const a = c.peek({ kind: 'getpw', name: 'joe', domain: 'example.com' });
  assert.ok(a && a.kind === 'no-connection');
  if (a.kind === 'no-connection') {
    assert.equal(a.attempts.length, 1);
    assert.equal(a.attempts[0].code, 'ER_ACCESS_DENIED_ERROR');
    assert.match(a.attempts[0].server, new RegExp(`^${RO.user}@localhost via the Unix socket `));
    assert.ok(!JSON.stringify(a).includes('wrong-Secret-9'));
  }
  // Tried once per run, not once per record.
  assert.equal(c.connections, 1);
});

test('an unknown database and a socket nobody listens on are connection failures, each server tried in turn', async () => {
  const c = new VpopmailSqlClient([server({ socket: `${db.dir}/nothing.sock` }), server({ database: 'nosuchdb' })], { manyDomains: true, valias: false });
  await c.fetch([{ kind: 'getpw', name: 'joe', domain: 'example.com' }]);
  const a = c.peek({ kind: 'getpw', name: 'joe', domain: 'example.com' });
  assert.ok(a && a.kind === 'no-connection');
  if (a.kind === 'no-connection') assert.deepEqual(a.attempts.map((x) => x.code), ['ENOENT', 'ER_DBACCESS_DENIED_ERROR']);
});

test('the server stopped mid-run: the lookup reconnects once, as vauth_getpw does, and reports the lost connection', async () => {
  const c = new VpopmailSqlClient([server()], { manyDomains: true, valias: true });
  await c.fetch([{ kind: 'getpw', name: 'joe', domain: 'example.com' }]);
  assert.equal(c.peek({ kind: 'getpw', name: 'joe', domain: 'example.com' })?.kind, 'rows');
  await db.stop();
  try {
    await c.fetch([{ kind: 'getpw', name: 'postmaster', domain: 'example.com' }, { kind: 'valias', alias: 'x', domain: 'example.com' }]);
    const a = c.peek({ kind: 'getpw', name: 'postmaster', domain: 'example.com' });
    assert.ok(a && a.kind === 'no-connection', JSON.stringify(a));
    if (a.kind === 'no-connection') {
      assert.ok(a.lost, 'the first failure is kept');
      assert.equal(a.attempts.length, 1);
    }
    assert.equal(c.peek({ kind: 'valias', alias: 'x', domain: 'example.com' })?.kind, 'no-connection');
  } finally {
    await db.start();
  }
  await c.close();
});
