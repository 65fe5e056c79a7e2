// ~vpopmail/etc/vpopmail.mysql read as vmysql.c load_connection_info()
// reads it, the servers vdelivermail's reads go to, --vpopmail-db, the SQL
// build flags, and the tables and statements of vmysql.h.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as util from 'node:util';
import {
  applyOverride,
  describeServer,
  parseDbOverride,
  parseVpopmailMysql,
  readServers,
  Secret,
  sqlBuildFlags,
  sqlSource,
  type SqlServer,
} from '../../source/qmail/vpopmail-mysql-config.js';
import { getpwStatement, munchDomain, quoteTable, userFromRow, userPageStatement, userTable, valiasStatement } from '../../source/qmail/vpopmail-sql.js';
import { parseVpopmailConfig } from '../../source/qmail/vpopmail.js';

const P = '/home/vpopmail/etc/vpopmail.mysql';
const parse = (s: string) => parseVpopmailMysql(Buffer.from(s, 'latin1'), P);
function ok(s: string) {
  const r = parse(s);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.config;
}
const plain = (s: SqlServer) => ({ host: s.host, port: s.port, socket: s.socket, user: s.user, password: s.password.reveal(), database: s.database, origin: s.origin });

test('the vmysql.h example: comments skipped, first line read, second update', () => {
  const c = ok('# This is the MySQL configuration file for vpopmail.\nlocalhost|0|readonly|somepass|vpopmail\nlocalhost|0|root|secret|vpopmail\n');
  assert.deepEqual(plain(c.read), { host: 'localhost', port: 0, socket: null, user: 'readonly', password: 'somepass', database: 'vpopmail', origin: `${P} line 2` });
  assert.deepEqual(plain(c.update), { host: 'localhost', port: 0, socket: null, user: 'root', password: 'secret', database: 'vpopmail', origin: `${P} line 3` });
  assert.equal(c.updateIsRead, false);
  // Without MYSQL_REPLICATION vauth_open_read is vauth_open_update: reads use the update line.
  assert.deepEqual(readServers(c, false).map((s) => s.user), ['root']);
  // With it: the read line, then the update server with the read port.
  assert.deepEqual(readServers(c, true).map((s) => s.user), ['readonly', 'root']);
});

test('one server line is reused for updates; a socket path in the port field', () => {
  const c = ok('\n\n#x\n127.0.0.1|/run/mysqld/mysqld.sock|vpopmail|pw|vpop\n');
  assert.equal(c.updateIsRead, true);
  assert.equal(c.read.socket, '/run/mysqld/mysqld.sock');
  assert.equal(c.read.port, 0);
  assert.equal(c.update, c.read);
  assert.equal(readServers(c, false)[0].origin, `${P} line 4`);
});

test('the port is atoi(): "3307abc" is 3307, "x" is 0 (the default port)', () => {
  assert.equal(ok('db.example|3307abc|u|p|d\n').read.port, 3307);
  assert.equal(ok('db.example|x|u|p|d\n').read.port, 0);
  assert.equal(ok('db.example| 42|u|p|d\n').read.port, 42);
});

test('strtok merges separators: an empty password shifts the fields and the database goes missing (VA_PARSE_ERROR05)', () => {
  const r = parse('localhost|0|vpopmail||vpopmail\n');
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.error.code, 'VA_PARSE_ERROR05');
    assert.equal(r.error.line, 1);
    assert.match(r.error.message, /no database field/);
    assert.match(r.error.message, /empty field is skipped/);
  }
  // Leading and doubled separators vanish the same way.
  assert.equal(ok('|localhost||0|u|p|d|\n').read.host, 'localhost');
});

test('each missing field has the code load_connection_info returns; the update line has its own', () => {
  const codes = (s: string) => {
    const r = parse(s);
    return r.ok ? 'ok' : r.error.code;
  };
  assert.equal(codes('localhost\n'), 'VA_PARSE_ERROR');
  assert.equal(codes('localhost|0\n'), 'VA_PARSE_ERROR03');
  assert.equal(codes('localhost|0|u\n'), 'VA_PARSE_ERROR04');
  assert.equal(codes('localhost|0|u|p|d\nlocalhost|0|u\n'), 'VA_PARSE_ERROR09');
  assert.equal(codes('localhost|0|u|p|d\nlocalhost|0|u|p\n'), 'VA_PARSE_ERROR10');
  assert.equal(codes('# only comments\n\n'), 'VA_NO_AUTH_CONNECTION');
  assert.equal(codes(''), 'VA_NO_AUTH_CONNECTION');
  // A line of blanks is not skipped (only '#' and an empty line are): it is the server.
  assert.equal(codes('   \nlocalhost|0|u|p|d\n'), 'VA_PARSE_ERROR');
});

test('fgets(256): a line over 255 bytes is read in pieces, the rest becoming the next line', () => {
  const long = 'localhost|0|u|p|' + 'd'.repeat(300) + '\n';
  const r = parse(long);
  // The second piece ("ddd...\n") is taken as the update line and has only one field.
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.code, 'VA_PARSE_ERROR');
  const c = ok('localhost|0|u|p|' + 'd'.repeat(200) + '\n');
  assert.equal(c.read.database.length, 200);
});

test('the password is a Secret: never in a string, JSON or util.inspect', () => {
  const c = ok("localhost|0|vpopmail|s3cr'e\"t\\x|vpopmail\n");
  const s = c.read;
  assert.equal(s.password.reveal(), 's3cr\'e"t\\x');
  for (const text of [String(s.password), JSON.stringify(c), util.inspect(c, { depth: 9 }), describeServer(s), `${s.password}`]) {
    assert.ok(!text.includes('s3cr'), text);
  }
  assert.equal(new Secret('').toString(), '(none)');
});

test('describeServer: localhost means the Unix socket, as in libmysqlclient', () => {
  const c = ok('localhost|0|vpopmail|pw|vpopmail\n');
  assert.equal(describeServer(c.read, '/run/mysqld/mysqld.sock'), 'vpopmail@localhost via the Unix socket /run/mysqld/mysqld.sock, database vpopmail');
  const t = ok('10.0.0.5|0|vpopmail|pw|vpopmail\n');
  assert.equal(describeServer(t.read), 'vpopmail@10.0.0.5:3306, database vpopmail');
});

test('--vpopmail-db: URLs, socket paths, errors that never echo a password', () => {
  const u = parseDbOverride('mysql://vpop%40ro:p%7Cw@db.example:3307/vpopmail');
  assert.ok('kind' in u && u.kind === 'url');
  if ('kind' in u && u.kind === 'url') {
    assert.deepEqual(plain(u.server), { host: 'db.example', port: 3307, socket: null, user: 'vpop@ro', password: 'p|w', database: 'vpopmail', origin: '--vpopmail-db' });
  }
  const s = parseDbOverride('mysql://root@/vpopmail?socket=/tmp/x.sock');
  assert.ok('kind' in s && s.kind === 'url' && s.server.socket === '/tmp/x.sock' && s.server.host === 'localhost');
  assert.deepEqual(parseDbOverride('/run/mysqld/mysqld.sock'), { kind: 'socket', socket: '/run/mysqld/mysqld.sock' });
  const bad = parseDbOverride('postgres://u:hunter2@h/db');
  assert.ok('error' in bad && !bad.error.includes('hunter2'), JSON.stringify(bad));
  assert.ok('error' in parseDbOverride('mysql://u@h/db?x=1'));
  assert.ok('error' in parseDbOverride('mysql://u@h'));
});

test('--vpopmail-db replaces the server; without a password it keeps the file\'s for the same user', () => {
  const c = ok('localhost|0|vpopmail|filepw|vpopmail\n');
  const servers = readServers(c, false);
  const url = parseDbOverride('mysql://vpopmail@127.0.0.1:3306/vpopmail');
  assert.ok(!('error' in url));
  const r = applyOverride(servers, url as Exclude<typeof url, { error: string }>);
  assert.ok(Array.isArray(r));
  if (Array.isArray(r)) assert.equal(r[0].password.reveal(), 'filepw');
  const sock = applyOverride(servers, { kind: 'socket', socket: '/srv/db.sock' });
  assert.ok(Array.isArray(sock));
  if (Array.isArray(sock)) assert.deepEqual([sock[0].socket, sock[0].user, sock[0].password.reveal()], ['/srv/db.sock', 'vpopmail', 'filepw']);
  assert.ok('error' in applyOverride(null, { kind: 'socket', socket: '/srv/db.sock' }));
});

test('sqlSource reads the file through the sysroot reader and says where reads go', () => {
  const flags = sqlBuildFlags(new Map([['USE_MYSQL', '1'], ['MANY_DOMAINS', '1']]), '/home/vpopmail/include/vpopmail_config.h');
  const read = (p: string) => (p === P ? { buf: Buffer.from('localhost|0|ro|x|vpopmail\nlocalhost|0|rw|y|vpopmail\n') } : { absent: true as const });
  const s = sqlSource(read, '/home/vpopmail/', flags, null);
  assert.ok(s.ok);
  if (s.ok) {
    assert.deepEqual(s.servers.map((x) => x.user), ['rw']);
    assert.match(s.explanation, /update \(second\) server line/);
  }
  const none = sqlSource(() => ({ absent: true }), '/home/vpopmail', flags, null);
  assert.ok(!none.ok && none.error.code === 'VA_NO_AUTH_CONNECTION' && /can't read settings/.test(none.error.message));
});

test('the SQL build flags from vpopmail_config.h (MANY_DOMAINS, VALIAS, MYSQL_REPLICATION, ENABLE_SQL_LOGGING)', () => {
  const b = parseVpopmailConfig('#define USE_MYSQL 1\n#define MANY_DOMAINS 1\n#define VALIAS 1\n#define ENABLE_SQL_LOGGING 1\n', '/h/include/vpopmail_config.h');
  assert.equal(b.backend, 'mysql');
  const f = sqlBuildFlags(b.defines ?? new Map(), b.path);
  assert.deepEqual([f.manyDomains, f.valias, f.replication, f.sqlLogging], [true, true, false, true]);
  assert.match(f.explanation, /MANY_DOMAINS on/);
  const off = sqlBuildFlags(parseVpopmailConfig('#define USE_MYSQL 1\n', 'x').defines ?? new Map(), null);
  assert.deepEqual([off.manyDomains, off.valias], [false, false]);
  assert.match(off.explanation, /one table per domain/);
});

test('vmysql.h tables: vauth_munch_domain, MANY_DOMAINS on and off, named columns without passwords', () => {
  assert.equal(munchDomain('mail-1.example.com'), 'mail_1_example_com');
  assert.equal(userTable({ manyDomains: true, valias: false }, 'example.com'), 'vpopmail');
  assert.equal(userTable({ manyDomains: false, valias: false }, 'example.com'), 'example_com');
  assert.equal(userTable({ manyDomains: false, valias: false }, ''), 'users');
  const on = getpwStatement({ manyDomains: true, valias: false }, "o'brien", 'example.com');
  assert.equal(on.sql, 'SELECT pw_name, pw_uid, pw_gid, pw_gecos, pw_dir, pw_shell FROM `vpopmail` WHERE pw_name = ? AND pw_domain = ?');
  assert.deepEqual(on.params, ["o'brien", 'example.com']);
  const off = getpwStatement({ manyDomains: false, valias: false }, 'joe', 'example.com');
  assert.equal(off.sql, 'SELECT pw_name, pw_uid, pw_gid, pw_gecos, pw_dir, pw_shell FROM `example_com` WHERE pw_name = ?');
  for (const st of [on, off, valiasStatement('a', 'b'), userPageStatement({ manyDomains: true, valias: false }, 'x', 0, 10)]) {
    assert.doesNotMatch(st.sql, /passwd|\*/);
    assert.doesNotMatch(st.sql, /'/);
  }
  assert.throws(() => quoteTable('a`b'));
  assert.throws(() => userPageStatement({ manyDomains: true, valias: false }, 'x', -1, 10));
});

test('a row as vauth_getpw copies it: atoi of pw_uid/pw_gid, NULL strings empty', () => {
  assert.deepEqual(userFromRow({ pw_name: 'joe', pw_uid: 0, pw_gid: '16abc', pw_gecos: null, pw_dir: '/d/joe', pw_shell: null }, 'example.com'), {
    name: 'joe',
    uid: '0',
    gid: 16,
    gecos: '',
    dir: '/d/joe',
    quota: '',
    domain: 'example.com',
  });
  assert.equal(userFromRow({ pw_name: 'x', pw_uid: null, pw_gid: null, pw_gecos: 'G', pw_dir: '', pw_shell: '1000S' }, 'd').gid, 0);
});
