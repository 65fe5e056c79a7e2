// A private MariaDB server for one test file: its own data directory
// (mariadb-install-db) and a Unix socket in a fresh temporary directory, so
// two `npm test` runs at once never meet. It runs as root where the tests do
// (CI), is stopped by stop() (the tests call it in `after`, which runs when
// a test fails too), and dies with the test process whatever ends it: the
// server is started under a small shell that kills it when its standard
// input (a pipe from this process) closes.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as net from 'node:net';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { Connection } from 'mysql2/promise';

const SERVER_CANDIDATES = ['/usr/sbin/mariadbd', '/usr/sbin/mysqld', '/usr/libexec/mariadbd'];
const INSTALL_CANDIDATES = ['/usr/bin/mariadb-install-db', '/usr/bin/mysql_install_db', '/usr/scripts/mariadb-install-db'];

/** Small InnoDB files: the server starts in well under a second and the data directory stays small. */
const SMALL = ['--innodb-log-file-size=4M', '--innodb-buffer-pool-size=16M', '--innodb-data-file-path=ibdata1:4M:autoextend', '--skip-name-resolve'];

export function findMariaDb(): { server: string; install: string } {
  const server = SERVER_CANDIDATES.find((p) => fs.existsSync(p));
  const install = INSTALL_CANDIDATES.find((p) => fs.existsSync(p));
  if (!server || !install) {
    throw new Error(
      `the vpopmail SQL tests need a real MariaDB server (Debian package mariadb-server: ${server ? '' : 'mariadbd '}${install ? '' : 'mariadb-install-db '}not found). .ci/run installs it; on a developer machine run: apt-get install mariadb-server`,
    );
  }
  return { server, install };
}

export interface MariaDb {
  /** The server's Unix socket. */
  socket: string;
  /** The TCP port on 127.0.0.1 when started with `tcp: true`, else null. */
  port: number | null;
  dir: string;
  /** A root connection (for setting up rows); closed by stop(). */
  root(): Promise<Connection>;
  /** Run statements as root, one by one. */
  exec(statements: string[], params?: unknown[][]): Promise<void>;
  /** Stop the server and wait until it has exited (it can be started again). */
  stop(): Promise<void>;
  /** Start it again on the same data directory and socket. */
  start(): Promise<void>;
  /** Stop it for good and remove its directory. */
  destroy(): Promise<void>;
  readonly running: boolean;
}

function shortTmp(): string {
  // A Unix socket path must fit in 108 bytes: use the system temp dir only when it is short.
  const base = os.tmpdir().length < 60 ? os.tmpdir() : '/tmp';
  return fs.mkdtempSync(path.join(base, 'qlens-db-'));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Wait until `cond` holds, checking every few ms; the wait is on the condition, the limit only guards against a hang. */
async function until(cond: () => boolean, what: string, limitMs: number, log: () => string): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > limitMs) throw new Error(`MariaDB test server: ${what} did not happen within ${limitMs} ms\n${log()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function startMariaDb(opts: { tcp?: boolean } = {}): Promise<MariaDb> {
  const bin = findMariaDb();
  const dir = shortTmp();
  const data = path.join(dir, 'data');
  const socket = path.join(dir, 'mysqld.sock');
  const errLog = path.join(dir, 'error.log');
  const root = process.getuid?.() === 0 ? ['--user=root'] : [];
  // A temporary directory of its own: with the default (/tmp) a second server
  // bootstrapping beside it lost its '#sql-temptable-*' files ("Unknown table
  // 'mysql.tmp_user_sys'") when two npm test ran at once.
  const tmp = path.join(dir, 'tmp');
  fs.mkdirSync(tmp);
  const own = [`--tmpdir=${tmp}`, ...SMALL];
  const inst = spawnSync(bin.install, ['--no-defaults', `--datadir=${data}`, ...root, '--auth-root-authentication-method=normal', '--skip-test-db', ...own], { encoding: 'utf8', timeout: 120000 });
  if (inst.status !== 0) throw new Error(`mariadb-install-db failed (status ${inst.status}):\n${inst.stdout}\n${inst.stderr}`);
  const port = opts.tcp ? await freePort() : null;
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let connections: Connection[] = [];
  const readLog = () => {
    try {
      return fs.readFileSync(errLog, 'utf8').split('\n').slice(-15).join('\n');
    } catch {
      return '(no error log)';
    }
  };

  const start = async (): Promise<void> => {
    if (child) return;
    try {
      fs.rmSync(socket, { force: true });
    } catch {
      /* absent */
    }
    const logSize = fs.existsSync(errLog) ? fs.statSync(errLog).size : 0;
    const args = [
      '--no-defaults',
      ...root,
      `--datadir=${data}`,
      `--socket=${socket}`,
      `--pid-file=${path.join(dir, 'mysqld.pid')}`,
      `--log-error=${errLog}`,
      ...(port !== null ? [`--port=${port}`, '--bind-address=127.0.0.1'] : ['--skip-networking']),
      ...own,
    ];
    // The shell starts the server, then waits for its stdin (our pipe) to close, and then stops it.
    const script = 'exec 3<&0 0</dev/null; "$0" "$@" 3<&- & pid=$!; cat <&3 >/dev/null; kill -TERM $pid 2>/dev/null; wait $pid';
    const c = spawn('/bin/sh', ['-c', script, bin.server, ...args], { stdio: ['pipe', 'ignore', 'ignore'] });
    child = c;
    exited = new Promise((resolve) => c.once('exit', () => resolve()));
    let gone = false;
    c.once('exit', () => {
      gone = true;
    });
    const ready = () => {
      try {
        const t = fs.readFileSync(errLog, 'utf8');
        return t.length > logSize && t.slice(logSize).includes('ready for connections') && fs.existsSync(socket);
      } catch {
        return false;
      }
    };
    await until(() => ready() || gone, 'start-up ("ready for connections")', 60000, readLog);
    if (gone) {
      child = null;
      throw new Error(`MariaDB test server exited during start-up:\n${readLog()}`);
    }
  };

  const stop = async (): Promise<void> => {
    for (const c of connections) c.destroy();
    connections = [];
    const c = child;
    if (!c) return;
    child = null;
    c.stdin?.end();
    await exited;
  };

  await start();
  const mysql = await import('mysql2/promise');
  const db: MariaDb = {
    socket,
    port,
    dir,
    get running() {
      return child !== null;
    },
    async root() {
      const c = await mysql.createConnection({ socketPath: socket, user: 'root', multipleStatements: false });
      c.on('error', () => {});
      connections.push(c);
      return c;
    },
    async exec(statements, params) {
      const c = await db.root();
      try {
        for (let i = 0; i < statements.length; i++) await c.query(statements[i], params?.[i] ?? []);
      } finally {
        await c.end().catch(() => c.destroy());
        connections = connections.filter((x) => x !== c);
      }
    },
    stop,
    start,
    async destroy() {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return db;
}
