// `qlens check` on vpopmail's MySQL backend, against a real private MariaDB:
// a domain users/assign routes to vpopmail that the database does not know,
// a user whose pw_dir is missing on disk, and a database vdelivermail
// cannot reach.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMariaDb, type MariaDb } from '../helpers/mariadb.js';
import { makeFixture, type FixtureEntry } from '../helpers/fixture.js';
import { cdbFiles, domainDir, readOnlyGrants, sqlFiles, vpopmailSqlStatements, type SqlBuild, type VHost } from '../helpers/vpopmail-host.js';
import { run } from '../../source/commands/check.js';
import type { CommandContext } from '../../source/commands/context.js';

const HOST: VHost = {
  domains: [
    { name: 'example.com', catchAll: 'bounce-no-mailbox', aliases: ['alias.example'] },
    { name: 'example.org', catchAll: 'bounce-no-mailbox' },
  ],
  users: [
    { name: 'postmaster', domain: 'example.com' },
    { name: 'joe', domain: 'example.com' },
    { name: 'gone', domain: 'example.com', noDir: true },
  ],
};
const RO = { user: 'checker', password: 'ch3ck"er' };
const MANY: SqlBuild = { manyDomains: true, valias: false };
const PER: SqlBuild = { manyDomains: false, valias: false };

let db: MariaDb;
before(async () => {
  db = await startMariaDb();
  const exec = async (sts: Array<{ sql: string; params: unknown[] }>) => db.exec(sts.map((s) => s.sql), sts.map((s) => s.params));
  await exec(vpopmailSqlStatements(HOST, MANY, 'many'));
  await exec(readOnlyGrants(HOST, MANY, RO, 'many'));
  await exec(vpopmailSqlStatements(HOST, PER, 'per'));
  // example.org's table is gone (a vdeldomain half done, a restore that missed it).
  await exec([{ sql: 'DROP TABLE `per`.`example_org`', params: [] }, { sql: `GRANT SELECT ON \`per\`.* TO '${RO.user}'@'localhost'`, params: [] }]);
});
after(async () => {
  await db?.destroy();
});

async function check(files: Record<string, FixtureEntry>, json = true, options: Record<string, string | boolean | string[]> = {}) {
  const fx = makeFixture(files);
  const out: string[] = [];
  const err: string[] = [];
  const c: CommandContext = {
    sysroot: fx.sysroot(),
    instances: ['/var/qmail'],
    instancesExplicit: false,
    positionals: [],
    options: { ...options },
    json,
    color: false,
    readOnly: true,
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    readStdin: async () => '',
  };
  const status = await run(c);
  const problems = json ? (JSON.parse(out.join('')).problems as Array<{ path: string; line: number | null; severity: string; code: string; message: string }>) : [];
  return { status, problems, text: out.join(''), err: err.join('') };
}

const sql = (p: { code: string }) => p.code.startsWith('vpopmail-sql');

test('MANY_DOMAINS: a users/assign domain with no rows, and a pw_dir missing on disk', async () => {
  const r = await check(sqlFiles(HOST, MANY, { socket: db.socket, account: RO, database: 'many' }));
  assert.equal(r.status, 1);
  const mine = r.problems.filter(sql);
  assert.deepEqual(
    mine.map((p) => [p.path, p.line, p.severity, p.code]),
    [
      [`${domainDir('example.com')}/gone`, null, 'warning', 'vpopmail-sql-dir-missing'],
      ['/var/qmail/users/assign', 3, 'error', 'vpopmail-sql-domain-unknown'],
    ],
  );
  assert.match(mine[1].message, /routes example\.org to vpopmail, but in MySQL \(checker@localhost via the Unix socket .*\) the table vpopmail has no user with pw_domain 'example\.org'.*catch-all/);
  // The alias domain has no rows of its own and needs none: it is not reported.
  assert.ok(!mine.some((p) => /alias\.example/.test(p.message)));
  assert.ok(!JSON.stringify(r.problems).includes(RO.password));
});

test('MANY_DOMAINS off: a domain whose table is missing', async () => {
  const r = await check(sqlFiles(HOST, PER, { socket: db.socket, account: RO, database: 'per' }));
  const unknown = r.problems.filter((p) => p.code === 'vpopmail-sql-domain-unknown');
  assert.equal(unknown.length, 1);
  assert.match(unknown[0].message, /the database has no table example_org \(MANY_DOMAINS off/);
});

test('the database unreachable, or no vpopmail.mysql: one error on the connection file; the text output and exit 1', async () => {
  const stopped = sqlFiles(HOST, MANY, { socket: `${db.dir}/no.sock`, account: RO, database: 'many' });
  const r = await check(stopped);
  const mine = r.problems.filter(sql);
  assert.deepEqual(mine.map((p) => [p.path, p.code]), [['/home/vpopmail/etc/vpopmail.mysql', 'vpopmail-sql-unreachable']]);
  assert.match(mine[0].message, /cannot reach the database: checker@localhost via the Unix socket .*no\.sock.*ENOENT.*defers every message to the 2 vpopmail domains \(example\.com, example\.org\)/);
  const missing = { ...stopped };
  delete missing['/home/vpopmail/etc/vpopmail.mysql'];
  const t = await check(missing, false);
  assert.equal(t.status, 1);
  assert.match(t.text, /^\/home\/vpopmail\/etc\/vpopmail\.mysql: error: no \/home\/vpopmail\/etc\/vpopmail\.mysql: vmysql prints "can't read settings/m);
});

test('--vpopmail-db points check at the server too', async () => {
  const files = sqlFiles(HOST, MANY, { socket: `${db.dir}/no.sock`, account: RO, database: 'many' });
  const r = await check(files, true, { 'vpopmail-db': db.socket });
  assert.deepEqual(r.problems.filter(sql).map((p) => p.code), ['vpopmail-sql-dir-missing', 'vpopmail-sql-domain-unknown']);
});

test('a cdb host gets none of these checks', async () => {
  const r = await check(cdbFiles(HOST));
  assert.equal(r.problems.filter(sql).length, 0);
});

test('qlens domains counts a SQL domain\'s users in the database, and says so when it cannot', async () => {
  const { run: domains } = await import('../../source/commands/domains.js');
  const go = async (files: Record<string, FixtureEntry>) => {
    const fx = makeFixture(files);
    const out: string[] = [];
    const c: CommandContext = { sysroot: fx.sysroot(), instances: ['/var/qmail'], instancesExplicit: false, positionals: [], options: {}, json: true, color: false, readOnly: true, out: (t) => out.push(t), err: () => {}, readStdin: async () => '' };
    assert.equal(await domains(c), 0);
    return (JSON.parse(out.join('')).instances[0].domains as Array<{ domain: string; manager: string | null; users?: number; problems: string[] }>);
  };
  const rows = await go(sqlFiles(HOST, MANY, { socket: db.socket, account: RO, database: 'many' }));
  const com = rows.find((r) => r.domain === 'example.com');
  assert.equal(com?.manager, 'vpopmail');
  assert.match(JSON.stringify(com), /"users":3/);
  assert.match(JSON.stringify(rows.find((r) => r.domain === 'example.org')), /MySQL has no user for example\.org/);
  const down = await go(sqlFiles(HOST, MANY, { socket: `${db.dir}/no.sock`, account: RO, database: 'many' }));
  assert.match(JSON.stringify(down.find((r) => r.domain === 'example.com')), /users not counted: cannot reach MySQL/);
});
