// vdelivermail over vpopmail's MySQL backend, traced against a real private
// MariaDB server whose tables and rows are those vpopmail's own programs
// write (test/helpers/vpopmail-host.ts), for every case of issue 18: MANY_DOMAINS
// on and off, VALIAS on and off, an alias domain, a disabled user, a user
// over quota, each catch-all, a mixed-case address, quotes and backslashes,
// the database stopped mid-run, wrong credentials, a missing table, and the
// connection file's own failures. The same users in the cdb backend give the
// same outcomes (the last tests compare every address).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMariaDb, type MariaDb } from '../helpers/mariadb.js';
import { makeFixture, type Fixture, type FixtureEntry } from '../helpers/fixture.js';
import { cdbFiles, domainDir, readOnlyGrants, sqlFiles, vpopmailSqlStatements, type SqlBuild, type VHost } from '../helpers/vpopmail-host.js';
import { loadInstallation, systemUsersOf } from '../../source/qmail/installation.js';
import { traceAddress } from '../../source/trace/walk.js';
import { builtinManagers } from '../../source/trace/managers.js';
import { vpopmailHandlerWith } from '../../source/trace/vpopmail.js';
import { SqlTraceData, walkWithSql } from '../../source/db/vpopmail-sql-access.js';
import { parseDbOverride, type DbOverride } from '../../source/qmail/vpopmail-mysql-config.js';
import type { TraceResult } from '../../source/trace/types.js';
import { NOW } from './trace-helper.js';

const D = domainDir('example.com');
const HOST: VHost = {
  domains: [
    { name: 'example.com', catchAll: 'bounce-no-mailbox', aliases: ['alias.example'] },
    { name: 'example.net', catchAll: 'delete' },
    { name: 'forward.example', catchAll: 'postmaster@example.com' },
    { name: 'path.example', catchAll: `${domainDir('path.example')}/postmaster` },
  ],
  users: [
    { name: 'postmaster', domain: 'example.com' },
    { name: 'joe', domain: 'example.com' },
    { name: "o'brien", domain: 'example.com' },
    { name: 'locked', domain: 'example.com', gid: 16 },
    { name: 'nopop', domain: 'example.com', gid: 2 },
    { name: 'full', domain: 'example.com', quota: '1000S', maildirsize: '1000S\n800 3\n400 2\n' },
    { name: 'fwd', domain: 'example.com', dotqmail: '&bob@other.org\n' },
    { name: 'alice', domain: 'example.com', dir: `${D}/0/alice` },
    { name: 'newbie', domain: 'example.com', dir: '' },
    { name: 'gone', domain: 'example.com', noDir: true },
    { name: 'postmaster', domain: 'example.net' },
    { name: 'joe', domain: 'example.net' },
    { name: 'postmaster', domain: 'forward.example' },
    { name: 'postmaster', domain: 'path.example' },
  ],
  valias: [
    { alias: 'info', domain: 'example.com', line: '&joe@example.com' },
    { alias: 'list-default', domain: 'example.com', line: '&joe@example.com' },
    // A valias shadows the user of the same name in both worlds (qmail-local's .qmail-joe, vdelivermail's valias first).
    { alias: 'joe', domain: 'example.net', line: '&postmaster@example.com' },
    { alias: 'team', domain: 'example.com', line: `${D}/postmaster/Maildir/` },
    { alias: 'team', domain: 'example.com', line: '&bob@other.org' },
  ],
};

/** Every address of the comparison, with what real vdelivermail does with it. */
const CASES: Array<[string, string]> = [
  ['joe@example.com', 'a user: its Maildir'],
  ['JOE@Example.COM', 'mixed case: lower-cased by vdelivermail'],
  ['joe@alias.example', 'an alias domain: the real domain’s user'],
  ["o'brien@example.com", 'a quote in the name'],
  ["x'or'1'='1@example.com", 'an injection-shaped name is only a name: unknown'],
  ['a\\b@example.com', 'a backslash: is_username_valid refuses it'],
  ['locked@example.com', 'BOUNCE_MAIL: bounced'],
  ['nopop@example.com', 'NO_POP does not touch delivery'],
  ['full@example.com', 'over quota: bounced'],
  ['fwd@example.com', "the user's own .qmail"],
  ['alice@example.com', 'a hashed directory from pw_dir'],
  ['newbie@example.com', 'an empty pw_dir: made in the next slot'],
  ['gone@example.com', 'pw_dir missing on disk: re-created'],
  ['nobody@example.com', 'bounce-no-mailbox'],
  ['nobody@example.net', 'delete'],
  ['nobody@forward.example', 'catch-all to an address'],
  ['nobody@path.example', 'catch-all to a path'],
  ['info@example.com', 'a valias'],
  ['list-news@example.com', 'a -default valias'],
  ['joe@example.net', 'a valias shadowing a user'],
  ['team@example.com', 'a valias of two lines'],
];

const RO = { user: 'qlensro', password: `pw"with'quotes\\and-backslash` };
const BUILDS: Record<string, SqlBuild> = {
  many_valias: { manyDomains: true, valias: true },
  many_plain: { manyDomains: true, valias: false },
  perdomain_valias: { manyDomains: false, valias: true },
  perdomain_plain: { manyDomains: false, valias: false },
};

let db: MariaDb;
before(async () => {
  db = await startMariaDb({ tcp: true });
  const run = async (sts: Array<{ sql: string; params: unknown[] }>) => db.exec(sts.map((s) => s.sql), sts.map((s) => s.params));
  for (const [name, b] of Object.entries(BUILDS)) {
    await run(vpopmailSqlStatements(HOST, b, name));
    await run(readOnlyGrants(HOST, b, RO, name));
    // The account over TCP (127.0.0.1) for --vpopmail-db.
    await run(readOnlyGrants(HOST, b, RO, name).map((s) => ({ sql: s.sql.replace(`'@'localhost'`, `'@'127.0.0.1'`), params: s.params })));
  }
  // A database whose example.net table is missing (MANY_DOMAINS off).
  await run(vpopmailSqlStatements(HOST, BUILDS.perdomain_plain, 'missing'));
  await run([{ sql: 'DROP TABLE `missing`.`example_net`', params: [] }, { sql: `GRANT SELECT ON \`missing\`.* TO '${RO.user}'@'localhost'`, params: [] }]);
});
after(async () => {
  await db?.destroy();
});

function sqlFixture(b: SqlBuild, database: string, o: { password?: string; files?: Record<string, FixtureEntry | null>; extraLines?: string } = {}): Fixture {
  const files: Record<string, FixtureEntry> = sqlFiles(HOST, b, { socket: db.socket, account: { user: RO.user, password: o.password ?? RO.password }, database, extraLines: o.extraLines });
  for (const [k, v] of Object.entries(o.files ?? {})) {
    if (v === null) delete files[k];
    else files[k] = v;
  }
  return makeFixture(files);
}

async function traceSql(fx: Fixture, address: string, data = new SqlTraceData()): Promise<TraceResult> {
  const sysroot = fx.sysroot();
  const inst = loadInstallation(sysroot, '/var/qmail');
  const users = systemUsersOf(sysroot);
  const managers = { ...builtinManagers, vpopmail: vpopmailHandlerWith(data) };
  return walkWithSql(data, () => traceAddress(inst, users, address, { managers, now: NOW }));
}

function traceCdb(fx: Fixture, address: string): TraceResult {
  const sysroot = fx.sysroot();
  return traceAddress(loadInstallation(sysroot, '/var/qmail'), systemUsersOf(sysroot), address, { managers: builtinManagers, now: NOW });
}

/** Outcomes as checks compare them: kind and target, except words (bounce/defer/discard compare by kind). */
function outcomes(r: TraceResult): string[] {
  return r.deliveries.map((d) => (d.kind === 'bounce' || d.kind === 'defer' || d.kind === 'discard' ? `${d.kind} hop${d.hop}` : `${d.kind} ${d.target} hop${d.hop}`));
}
const vdm = (r: TraceResult) => r.hops.flatMap((h) => h.steps.filter((s) => s.stage === 'vdelivermail').map((s) => s.text)).join('\n');

test('every case, in every SQL build, is what vdelivermail does', async () => {
  const expect: Record<string, string[]> = {
    'joe@example.com': [`maildir ${D}/joe/Maildir/ hop0`],
    'JOE@Example.COM': [`maildir ${D}/joe/Maildir/ hop0`],
    'joe@alias.example': [`maildir ${D}/joe/Maildir/ hop0`],
    "o'brien@example.com": [`maildir ${D}/o'brien/Maildir/ hop0`],
    "x'or'1'='1@example.com": ['bounce hop0'],
    'a\\b@example.com': ['bounce hop0'],
    'locked@example.com': ['bounce hop0'],
    'nopop@example.com': [`maildir ${D}/nopop/Maildir/ hop0`],
    'full@example.com': ['bounce hop0'],
    'fwd@example.com': ['forward bob@other.org hop0', 'remote bob@other.org hop1'],
    'alice@example.com': [`maildir ${D}/0/alice/Maildir/ hop0`],
    'newbie@example.com': [`maildir ${D}/newbie/Maildir/ hop0`],
    'gone@example.com': [`maildir ${D}/gone/Maildir/ hop0`],
    'nobody@example.com': ['bounce hop0'],
    'nobody@example.net': ['discard hop0'],
    'nobody@forward.example': ['forward postmaster@example.com hop0', `maildir ${D}/postmaster/Maildir/ hop1`],
    'nobody@path.example': [`maildir ${domainDir('path.example')}/postmaster/Maildir/ hop0`],
    'info@example.com': ['forward joe@example.com hop0', `maildir ${D}/joe/Maildir/ hop1`],
    'list-news@example.com': ['forward joe@example.com hop0', `maildir ${D}/joe/Maildir/ hop1`],
    'joe@example.net': ['forward postmaster@example.com hop0', `maildir ${D}/postmaster/Maildir/ hop1`],
    'team@example.com': [`maildir ${D}/postmaster/Maildir/ hop0`, 'forward bob@other.org hop0', 'remote bob@other.org hop1'],
  };
  for (const [name, b] of Object.entries(BUILDS)) {
    const fx = sqlFixture(b, name);
    const data = new SqlTraceData();
    try {
      for (const [addr, why] of CASES) {
        const r = await traceSql(fx, addr, data);
        assert.deepEqual(outcomes(r), expect[addr], `${name}: ${addr} (${why})\n${vdm(r)}`);
      }
    } finally {
      await data.close();
    }
  }
});

test('the steps say which row decided, from which table, and never show a password', async () => {
  const fx = sqlFixture(BUILDS.many_valias, 'many_valias');
  const data = new SqlTraceData();
  try {
    const r = await traceSql(fx, 'locked@example.com', data);
    const text = vdm(r);
    assert.match(text, /MySQL backend .*MANY_DOMAINS on/);
    assert.match(text, /vpopmail\.mysql: vdelivermail asks the only server line, as without MYSQL_REPLICATION every query goes through vauth_open_update: qlensro@localhost via the Unix socket .*mysqld\.sock, database many_valias/);
    assert.match(text, /vauth_getpw\(locked@example\.com\): SELECT pw_name, pw_uid, pw_gid, pw_gecos, pw_dir, pw_shell FROM `vpopmail` WHERE pw_name = 'locked' AND pw_domain = 'example\.com' → row: flags 16 \(BOUNCE_MAIL\)/);
    assert.match(text, /valias_select\(locked@example\.com\): .* → no row/);
    assert.ok(!JSON.stringify(r).includes(RO.password));
    assert.ok(!JSON.stringify(r).includes('pw_passwd'));
    const per = await traceSql(sqlFixture(BUILDS.perdomain_plain, 'perdomain_plain'), 'joe@example.com', data);
    assert.match(vdm(per), /FROM `example_com` WHERE pw_name = 'joe' → row/);
    assert.match(vdm(per), /MANY_DOMAINS off \(one table per domain/);
    // One session per database for the whole run, however many walks.
  } finally {
    await data.close();
  }
});

test('a missing user table: vauth_getpw fails twice and returns no user, so the catch-all decides (delete discards, with a warning)', async () => {
  const fx = sqlFixture(BUILDS.perdomain_plain, 'missing');
  const data = new SqlTraceData();
  try {
    const r = await traceSql(fx, 'joe@example.net', data);
    // joe@example.net has a .qmail-joe valias file (VALIAS off) that qmail-local uses first; postmaster goes to vdelivermail.
    const pm = await traceSql(fx, 'postmaster@example.net', data);
    assert.deepEqual(outcomes(pm), ['discard hop0']);
    const step = pm.hops[0].steps.find((s) => /ER_NO_SUCH_TABLE/.test(s.text));
    assert.ok(step && step.warn, vdm(pm));
    assert.match(step!.text, /reconnects and runs it again, it fails again, and it returns no user with verrori 0/);
    assert.deepEqual(outcomes(r), ['forward postmaster@example.com hop0', `maildir ${D}/postmaster/Maildir/ hop1`]);
    // The other domains of that database still work.
    assert.deepEqual(outcomes(await traceSql(fx, 'joe@example.com', data)), [`maildir ${D}/joe/Maildir/ hop0`]);
  } finally {
    await data.close();
  }
});

test('wrong credentials: exit 111 (defer), the server and the error named, the password nowhere', async () => {
  for (const b of [BUILDS.many_plain, BUILDS.many_valias]) {
    const fx = sqlFixture(b, b.valias ? 'many_valias' : 'many_plain', { password: 'not-the-Password-42' });
    const data = new SqlTraceData();
    try {
      const r = await traceSql(fx, 'joe@example.com', data);
      assert.deepEqual(outcomes(r), ['defer hop0']);
      assert.equal(r.deliveries[0].target, b.valias ? 'vdelivermail: deferred, database down' : 'vdelivermail: cannot reach its MySQL database (exit 111)');
      assert.match(vdm(r), /qlensro@localhost via the Unix socket .*mysqld\.sock, database many_.* \(\/home\/vpopmail\/etc\/vpopmail\.mysql line 2\): ER_ACCESS_DENIED_ERROR: Access denied/);
      assert.match(vdm(r), /VA_NO_AUTH_CONNECTION, vdelivermail exits 111/);
      assert.ok(!JSON.stringify(r).includes('not-the-Password-42'));
    } finally {
      await data.close();
    }
  }
});

test('the database stopped mid-run: the next address defers, naming the lost connection and the failed reconnect', async () => {
  const fx = sqlFixture(BUILDS.many_plain, 'many_plain');
  const data = new SqlTraceData();
  try {
    assert.deepEqual(outcomes(await traceSql(fx, 'joe@example.com', data)), [`maildir ${D}/joe/Maildir/ hop0`]);
    await db.stop();
    try {
      const r = await traceSql(fx, 'postmaster@example.com', data);
      assert.deepEqual(outcomes(r), ['defer hop0']);
      assert.match(vdm(r), /the query failed \(.*\); it closes the connection and connects again: qlensro@localhost via the Unix socket .*: (ENOENT|ECONNREFUSED)/);
      // Already-read rows are kept: the first address still traces the same within this run.
      assert.deepEqual(outcomes(await traceSql(fx, 'joe@example.com', data)), [`maildir ${D}/joe/Maildir/ hop0`]);
    } finally {
      await db.start();
    }
    // A new run (the next qlens command) reaches the restarted server.
    const fresh = new SqlTraceData();
    assert.deepEqual(outcomes(await traceSql(fx, 'postmaster@example.com', fresh)), [`maildir ${D}/postmaster/Maildir/ hop0`]);
    await fresh.close();
  } finally {
    await data.close();
  }
});

test('the database down from the start: every vpopmail address defers, and the catch-all is never reached', async () => {
  const fx = sqlFixture(BUILDS.many_plain, 'many_plain', { files: {} });
  await db.stop();
  const data = new SqlTraceData();
  try {
    for (const a of ['joe@example.com', 'nobody@example.net']) {
      const r = await traceSql(fx, a, data);
      assert.deepEqual(outcomes(r), ['defer hop0'], a);
    }
  } finally {
    await data.close();
    await db.start();
  }
});

test('vpopmail.mysql: missing, unreadable by the delivery user, or with an empty field: vdelivermail cannot connect and defers', async () => {
  const conf = '/home/vpopmail/etc/vpopmail.mysql';
  const variants: Array<[string, FixtureEntry | null, RegExp]> = [
    ['missing', null, /can't read settings from \/home\/vpopmail\/etc\/vpopmail\.mysql/],
    ['unreadable', { content: `localhost|${'/x'}|u|p|d\n`, mode: 0o600, uid: 0, gid: 0 }, /cannot read .*vpopmail\.mysql/],
    ['empty password', { content: `localhost|/x|u||d\n`, mode: 0o640, uid: 89, gid: 89 }, /VA_PARSE_ERROR05/],
  ];
  for (const [what, entry, re] of variants) {
    const fx = sqlFixture(BUILDS.many_plain, 'many_plain', { files: { [conf]: entry } });
    const data = new SqlTraceData();
    const r = await traceSql(fx, 'joe@example.com', data);
    assert.deepEqual(outcomes(r), ['defer hop0'], what);
    assert.match(vdm(r), re, what);
    await data.close();
  }
});

test('MYSQL_REPLICATION: reads go to the first line, falling back to the update server; without it, to the update line', async () => {
  const broken = `localhost|${db.dir}/nothing.sock|${RO.user}|${RO.password}|many_plain\n`;
  const good = `localhost|${db.socket}|${RO.user}|${RO.password}|many_plain\n`;
  const conf = (text: string): Record<string, FixtureEntry> => ({ '/home/vpopmail/etc/vpopmail.mysql': { content: text, mode: 0o640, uid: 89, gid: 89 } });
  // Replication: the read line fails, the update line answers.
  const rep = sqlFixture({ ...BUILDS.many_plain, replication: true }, 'many_plain', { files: conf(broken + good) });
  const d1 = new SqlTraceData();
  const r1 = await traceSql(rep, 'joe@example.com', d1);
  assert.deepEqual(outcomes(r1), [`maildir ${D}/joe/Maildir/ hop0`], vdm(r1));
  assert.match(vdm(r1), /the read server line first, then the update server/);
  await d1.close();
  // Without replication the first (read) line is never used: a broken update line defers even though the read line works.
  const plain = sqlFixture(BUILDS.many_plain, 'many_plain', { files: conf(good + broken) });
  const d2 = new SqlTraceData();
  const r2 = await traceSql(plain, 'joe@example.com', d2);
  assert.deepEqual(outcomes(r2), ['defer hop0'], vdm(r2));
  assert.match(vdm(r2), /update \(second\) server line/);
  await d2.close();
});

test('--vpopmail-db: a TCP URL replaces the connection file, and a socket path only its server', async () => {
  const fx = sqlFixture(BUILDS.many_valias, 'many_valias', { files: { '/home/vpopmail/etc/vpopmail.mysql': { content: `db.elsewhere|0|${RO.user}|${RO.password}|many_valias\n`, mode: 0o640, uid: 89, gid: 89 } } });
  const url = parseDbOverride(`mysql://${RO.user}:${encodeURIComponent(RO.password)}@127.0.0.1:${db.port}/many_valias`) as DbOverride;
  const d1 = new SqlTraceData(url);
  const r = await traceSql(fx, 'info@example.com', d1);
  assert.deepEqual(outcomes(r), ['forward joe@example.com hop0', `maildir ${D}/joe/Maildir/ hop1`], vdm(r));
  assert.match(vdm(r), new RegExp(`qlensro@127\\.0\\.0\\.1:${db.port}, database many_valias`));
  await d1.close();
  const d2 = new SqlTraceData(parseDbOverride(db.socket) as DbOverride);
  assert.deepEqual(outcomes(await traceSql(fx, 'joe@example.com', d2)), [`maildir ${D}/joe/Maildir/ hop0`]);
  await d2.close();
});

test('the cdb backend and the SQL backend give the same outcomes for the same users', async () => {
  const cdb = makeFixture(cdbFiles(HOST));
  for (const [name, b] of Object.entries(BUILDS)) {
    const fx = sqlFixture(b, name);
    const data = new SqlTraceData();
    try {
      for (const [addr, why] of CASES) {
        const want = outcomes(traceCdb(cdb, addr));
        const got = outcomes(await traceSql(fx, addr, data));
        assert.deepEqual(got, want, `${name}: ${addr} (${why})`);
      }
    } finally {
      await data.close();
    }
  }
});

test('a caller that reads no database says so instead of guessing', () => {
  const fx = sqlFixture(BUILDS.many_plain, 'many_plain');
  const r = traceCdb(fx, 'joe@example.com');
  assert.deepEqual(outcomes(r), ['defer hop0']);
  assert.match(r.deliveries[0].target, /reads no database/);
});

test('qlens trace (the command, and the real process): text and --json, one session closed at exit, the password never printed', async () => {
  const { run } = await import('../../source/commands/trace.js');
  const fx = sqlFixture(BUILDS.many_valias, 'many_valias');
  const out: string[] = [];
  const err: string[] = [];
  const status = await run({
    sysroot: fx.sysroot(),
    instances: ['/var/qmail'],
    instancesExplicit: false,
    positionals: ['info@example.com', 'locked@example.com'],
    options: { json: true, now: '2026-11-25T10:00:00Z' },
    json: true,
    color: false,
    readOnly: true,
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    readStdin: async () => '',
  });
  assert.equal(status, 0, err.join(''));
  const lines = out.join('').trim().split('\n').map((l) => JSON.parse(l) as TraceResult);
  assert.deepEqual(lines.map(outcomes), [['forward joe@example.com hop0', `maildir ${D}/joe/Maildir/ hop1`], ['bounce hop0']]);
  assert.ok(!out.join('').includes(RO.password) && !err.join('').includes(RO.password));

  const { spawnSync } = await import('node:child_process');
  const path = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../source/cli.js');
  for (const extra of [[], ['--json']]) {
    const p = spawnSync(process.execPath, [cli, 'trace', 'joe@example.com', 'nobody@example.com', '--sysroot', fx.dir, ...extra], { encoding: 'utf8', timeout: 60000 });
    assert.equal(p.status, 0, p.stderr);
    assert.match(p.stdout, extra.length ? /"kind":"maildir"/ : /^maildir +\/home\/vpopmail\/domains\/example\.com\/joe\/Maildir\//m);
    assert.ok(!p.stdout.includes(RO.password) && !p.stderr.includes(RO.password));
  }
  // A bad --vpopmail-db is a usage error that does not echo its password.
  const bad = spawnSync(process.execPath, [cli, 'trace', 'joe@example.com', '--sysroot', fx.dir, '--vpopmail-db', 'mysql://u:Hunter2pw@host'], { encoding: 'utf8', timeout: 60000 });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--vpopmail-db wants mysql:\/\//);
  assert.ok(!bad.stderr.includes('Hunter2pw'));
});
