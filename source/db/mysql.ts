// The one place qlens talks to a MySQL/MariaDB server (mysql2, loaded only
// when a walk meets vpopmail's SQL backend). Read-only by construction: the
// session is made read-only before its first query (SET SESSION TRANSACTION
// READ ONLY, so the server itself refuses a write in every autocommit
// statement), the only statements sent are the SELECTs built in
// qmail/vpopmail-sql.ts, as server-side prepared statements, and the
// password goes to the driver and nowhere else.
import type { Connection } from 'mysql2/promise';
import { createRequire } from 'node:module';
import { describeServer, isSocketHost, type SqlServer } from '../qmail/vpopmail-mysql-config.js';
import type { Statement } from '../qmail/vpopmail-sql.js';
import { hostFileExists } from '../sysroot/host.js';

/** How long one connection attempt may take (vdelivermail's own vauth_open_update waits 2 s). */
export const CONNECT_TIMEOUT_MS = 3000;
/** How long one SELECT may take before qlens gives up on it. */
export const QUERY_TIMEOUT_MS = 5000;

/**
 * Where libmysqlclient goes for host "localhost" with no socket: its
 * compiled-in default, which differs by build. Debian's libmariadb uses the
 * first; qlens takes the first of these that exists.
 */
export const DEFAULT_SOCKETS = ['/run/mysqld/mysqld.sock', '/var/run/mysqld/mysqld.sock', '/var/lib/mysql/mysql.sock', '/tmp/mysql.sock'];

export function defaultSocket(exists: (p: string) => boolean = hostFileExists): string {
  return DEFAULT_SOCKETS.find(exists) ?? DEFAULT_SOCKETS[0];
}

/** Why a server could not be used: its words never hold the password. */
export interface ConnectAttempt {
  /** `vpopmail@localhost via the Unix socket /run/mysqld/mysqld.sock, database vpopmail`. */
  server: string;
  origin: string;
  code: string;
  message: string;
}

export type QueryResult = { ok: true; rows: Array<Record<string, unknown>> } | { ok: false; code: string; errno: number | null; message: string; fatal: boolean };

/** An open read-only session. */
export interface SqlSession {
  readonly server: SqlServer;
  readonly described: string;
  run(st: Statement): Promise<QueryResult>;
  close(): Promise<void>;
  /** Set once the server dropped the connection (stopped, killed, timed out): how. */
  readonly lost: { code: string; message: string } | null;
}

type Mysql2 = typeof import('mysql2/promise');
let driver: Promise<Mysql2> | null = null;
function loadDriver(): Promise<Mysql2> {
  // mysql2 is CommonJS: require() skips the ESM wrapper and its scan of the module's exports.
  return (driver ??= Promise.resolve().then(() => createRequire(import.meta.url)('mysql2/promise') as Mysql2));
}

/** Start loading mysql2 now (so that it overlaps reading the installation). */
export function preloadDriver(): void {
  void loadDriver();
}

function errWords(e: unknown): { code: string; errno: number | null; message: string; fatal: boolean } {
  const x = e as { code?: unknown; errno?: unknown; message?: unknown; fatal?: unknown };
  return {
    code: typeof x.code === 'string' ? x.code : 'ERROR',
    errno: typeof x.errno === 'number' ? x.errno : null,
    message: typeof x.message === 'string' && x.message !== '' ? x.message : String(e),
    fatal: x.fatal === true || typeof x.code === 'string' && /^(PROTOCOL_|E[A-Z]+$)/.test(x.code),
  };
}

/** Open one read-only session to one server, or say why not. */
export async function connect(server: SqlServer): Promise<SqlSession | ConnectAttempt> {
  const socket = isSocketHost(server) ? server.socket ?? defaultSocket() : null;
  const described = describeServer(server, socket);
  let mysql: Mysql2;
  try {
    mysql = await loadDriver();
  } catch (e) {
    return { server: described, origin: server.origin, code: 'NO_DRIVER', message: `the mysql2 driver could not be loaded: ${errWords(e).message}` };
  }
  let conn: Connection;
  try {
    conn = await mysql.createConnection({
      ...(socket ? { socketPath: socket } : { host: server.host, port: server.port || 3306 }),
      user: server.user,
      password: server.password.reveal(),
      database: server.database,
      connectTimeout: CONNECT_TIMEOUT_MS,
      // vpopmail's tables are latin1; values come back as JavaScript strings either way.
      charset: 'utf8mb4',
      multipleStatements: false,
      supportBigNumbers: true,
      bigNumberStrings: true,
    });
  } catch (e) {
    const w = errWords(e);
    return { server: described, origin: server.origin, code: w.code, message: w.message };
  }
  let lost: { code: string; message: string } | null = null;
  // A server that goes away mid-run emits 'error' on the connection; without a listener it would end the process.
  conn.on('error', (e: unknown) => {
    const w = errWords(e);
    lost ??= { code: w.code, message: w.message };
  });
  try {
    await conn.query({ sql: 'SET SESSION TRANSACTION READ ONLY', timeout: QUERY_TIMEOUT_MS });
  } catch (e) {
    const w = errWords(e);
    conn.destroy();
    return { server: described, origin: server.origin, code: w.code, message: `connected, but the session could not be made read-only (${w.message}); qlens does not query a writable session` };
  }
  return {
    server,
    described,
    get lost() {
      return lost;
    },
    async run(st: Statement): Promise<QueryResult> {
      if (lost) return { ok: false, code: lost.code, errno: null, message: lost.message, fatal: true };
      try {
        const [rows] = await conn.execute({ sql: st.sql, timeout: QUERY_TIMEOUT_MS }, st.params);
        return { ok: true, rows: rows as Array<Record<string, unknown>> };
      } catch (e) {
        const w = errWords(e);
        if (w.fatal) lost ??= { code: w.code, message: w.message };
        return { ok: false, ...w };
      }
    },
    async close(): Promise<void> {
      if (lost) {
        conn.destroy();
        return;
      }
      try {
        await conn.end();
      } catch {
        conn.destroy();
      }
    },
  };
}

/** Try servers in order (vauth_open_read with replication: the read server, then the update server). */
export async function connectFirst(servers: readonly SqlServer[]): Promise<{ session: SqlSession; failed: ConnectAttempt[] } | { session: null; failed: ConnectAttempt[] }> {
  const failed: ConnectAttempt[] = [];
  for (const s of servers) {
    const r = await connect(s);
    if ('run' in r) return { session: r, failed };
    failed.push(r);
  }
  return { session: null, failed };
}
