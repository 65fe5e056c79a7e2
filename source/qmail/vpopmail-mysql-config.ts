// Where vpopmail's MySQL backend connects, read exactly as its own code reads
// it, so that qlens asks the server vdelivermail asks:
//
// - ~vpopmail/etc/vpopmail.mysql, parsed as vmysql.c load_connection_info()
//   does (vpopmail 5.4.33, 5.6.1 and 5.6.13 agree): lines read with
//   fgets(256), lines starting with '#' or empty skipped; the first remaining
//   line is the READ server, the next (optional) the UPDATE server, else the
//   read settings are reused. Each line is cut with strtok(line, "|\n"), so
//   runs of '|' count as one separator and an empty field shifts the rest
//   left (an empty password makes the database field missing:
//   VA_PARSE_ERROR05). The second field is a port (atoi) unless it starts
//   with '/', then it is the Unix socket.
// - which line serves vdelivermail's reads: without MYSQL_REPLICATION
//   vmysql.c `#define vauth_open_read vauth_open_update`, so every query uses
//   the UPDATE line (the second line when there is one), connecting with a
//   2-second MYSQL_OPT_CONNECT_TIMEOUT; with MYSQL_REPLICATION the READ line,
//   and when that fails the update server with the update credentials but the
//   read port (vauth_open_read, as written).
// - `--vpopmail-db URL` (mysql://user[:pass]@host[:port]/db, or a socket
//   path) replaces that server, for a copy of a host whose database runs
//   elsewhere.
//
// The password is held in a Secret: it never reaches a string, a log line or
// JSON by accident (toString, toJSON and util.inspect print a mask).
// Pure: bytes in, settings out.
import { decodeBytes } from '../sysroot/sysroot.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** A password: readable only through reveal(); printed, inspected or serialised as a mask. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  get empty(): boolean {
    return this.#value === '';
  }
  toString(): string {
    return this.#value === '' ? '(none)' : '********';
  }
  toJSON(): string {
    return this.toString();
  }
  [INSPECT](): string {
    return `Secret(${this.toString()})`;
  }
}

/** One server line (or the URL override) as mysql_real_connect would be called with it. */
export interface SqlServer {
  /** The host field as written (libmysqlclient: "localhost" or empty means the Unix socket). */
  host: string;
  /** atoi() of the second field; 0 means the client library's default port (3306). */
  port: number;
  /** The second field when it starts with '/'. */
  socket: string | null;
  user: string;
  password: Secret;
  database: string;
  /** Where it came from, for steps: `/home/vpopmail/etc/vpopmail.mysql line 3`, or `--vpopmail-db`. */
  origin: string;
}

export interface VpopmailMysqlConfig {
  path: string;
  read: SqlServer;
  update: SqlServer;
  /** True when the file has one server line, so the update settings are the read ones. */
  updateIsRead: boolean;
}

/** load_connection_info()'s failures, by the vpopmail.h code it returns. */
export type MysqlConfigError = {
  code: 'VA_NO_AUTH_CONNECTION' | 'VA_PARSE_ERROR' | 'VA_PARSE_ERROR01' | 'VA_PARSE_ERROR03' | 'VA_PARSE_ERROR04' | 'VA_PARSE_ERROR05' | 'VA_PARSE_ERROR06' | 'VA_PARSE_ERROR08' | 'VA_PARSE_ERROR09' | 'VA_PARSE_ERROR10';
  path: string;
  line: number | null;
  message: string;
};

export type MysqlConfigResult = { ok: true; config: VpopmailMysqlConfig } | { ok: false; error: MysqlConfigError };

/** fgets(buf, 256, fp) over the whole file: pieces of at most 255 bytes, each ending at (and keeping) a newline. */
function fgetsLines(text: string): Array<{ text: string; line: number }> {
  const out: Array<{ text: string; line: number }> = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const nl = text.indexOf('\n', i);
    const end = nl < 0 ? text.length : nl + 1;
    const take = Math.min(end - i, 255);
    out.push({ text: text.slice(i, i + take), line });
    if (i + take === end && nl >= 0) line++;
    i += take;
  }
  return out;
}

/** strtok(s, "|\n") repeated: the non-empty runs between separators. */
function strtok(s: string): string[] {
  return s.split(/[|\n]+/).filter((t) => t !== '');
}

/** C atoi(): optional blanks and sign, then digits; 0 when none. */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)/.exec(s);
  if (!m) return 0;
  const n = Number(m[1]);
  return Number.isFinite(n) ? Math.trunc(n) % 2 ** 31 : 0;
}

type LineCodes = { server: MysqlConfigError['code']; port: MysqlConfigError['code']; user: MysqlConfigError['code']; passwd: MysqlConfigError['code']; db: MysqlConfigError['code'] };
const READ_CODES: LineCodes = { server: 'VA_PARSE_ERROR01', port: 'VA_PARSE_ERROR', user: 'VA_PARSE_ERROR03', passwd: 'VA_PARSE_ERROR04', db: 'VA_PARSE_ERROR05' };
const UPDATE_CODES: LineCodes = { server: 'VA_PARSE_ERROR06', port: 'VA_PARSE_ERROR', user: 'VA_PARSE_ERROR08', passwd: 'VA_PARSE_ERROR09', db: 'VA_PARSE_ERROR10' };
const FIELD_NAMES = ['server', 'port or socket', 'user', 'password', 'database'];

function parseServerLine(text: string, line: number, path: string, codes: LineCodes, which: string): SqlServer | MysqlConfigError {
  const t = strtok(text);
  const order: Array<keyof LineCodes> = ['server', 'port', 'user', 'passwd', 'db'];
  for (let k = 0; k < order.length; k++) {
    if (t[k] === undefined) {
      const empty = /\|\|/.test(text) ? ' (an empty field is skipped by strtok, so the fields after it moved left)' : '';
      return {
        code: codes[order[k]],
        path,
        line,
        message: `${which} line has no ${FIELD_NAMES[k]} field: vpopmail's load_connection_info() fails with ${codes[order[k]]}${empty}; the format is server|port|user|password|database`,
      };
    }
  }
  const sock = t[1].startsWith('/');
  return {
    host: t[0],
    port: sock ? 0 : atoi(t[1]),
    socket: sock ? t[1] : null,
    user: t[2],
    password: new Secret(t[3]),
    database: t[4],
    origin: `${path} line ${line}`,
  };
}

/** Parse ~vpopmail/etc/vpopmail.mysql as load_connection_info() does. */
export function parseVpopmailMysql(buf: Buffer, path: string): MysqlConfigResult {
  const lines = fgetsLines(decodeBytes(buf));
  let i = 0;
  const next = (): { text: string; line: number } | null => {
    while (i < lines.length && (lines[i].text[0] === '#' || lines[i].text[0] === '\n')) i++;
    return i < lines.length ? lines[i++] : null;
  };
  const first = next();
  if (!first) {
    return { ok: false, error: { code: 'VA_NO_AUTH_CONNECTION', path, line: null, message: `no server line (only comments and blank lines): vmysql prints "no valid settings in ${path}" and cannot connect` } };
  }
  const read = parseServerLine(first.text, first.line, path, READ_CODES, 'the first (read) server');
  if ('code' in read) return { ok: false, error: read };
  const second = next();
  if (!second) return { ok: true, config: { path, read, update: read, updateIsRead: true } };
  const update = parseServerLine(second.text, second.line, path, UPDATE_CODES, 'the second (update) server');
  if ('code' in update) return { ok: false, error: update };
  return { ok: true, config: { path, read, update, updateIsRead: false } };
}

/** The servers vdelivermail's reads go to, in the order it tries them (vauth_open_update / vauth_open_read). */
export function readServers(cfg: VpopmailMysqlConfig, replication: boolean): SqlServer[] {
  if (!replication) return [cfg.update];
  // vauth_open_read's fallback passes MYSQL_READ_PORT with the update server's other settings.
  const fallback: SqlServer = { ...cfg.update, port: cfg.update.socket ? cfg.update.port : cfg.read.port, origin: `${cfg.update.origin} (with the read line's port, as vauth_open_read passes it)` };
  return cfg.updateIsRead ? [cfg.read] : [cfg.read, fallback];
}

/** Words for a server, never with its password: `vpopmail@localhost (Unix socket) database vpopmail`. */
export function describeServer(s: SqlServer, resolvedSocket?: string | null): string {
  const where = isSocketHost(s) ? `${s.host || 'localhost'} via the Unix socket ${s.socket ?? resolvedSocket ?? '(the client library default)'}` : `${s.host}:${s.port || 3306}`;
  return `${s.user}@${where}, database ${s.database}`;
}

/** libmysqlclient connects through the Unix socket when the host is "localhost" (or empty). */
export function isSocketHost(s: SqlServer): boolean {
  return s.host === 'localhost' || s.host === '';
}

/** `--vpopmail-db`: a mysql:// URL, or an absolute socket path that replaces only the server. */
export type DbOverride = { kind: 'url'; server: SqlServer; passwordGiven: boolean } | { kind: 'socket'; socket: string };

export function parseDbOverride(text: string): DbOverride | { error: string } {
  if (text.startsWith('/')) return { kind: 'socket', socket: text };
  const m = /^mysql:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?(\[[^\]]*\]|[^:/?]*)(?::([0-9]+))?\/([^?/]+)(?:\?(.*))?$/.exec(text);
  if (!m) return { error: `--vpopmail-db wants mysql://user[:password]@host[:port]/database or an absolute socket path, not ${JSON.stringify(text.replace(/:[^@/]*@/, ':***@'))}` };
  let user: string;
  let pass: string;
  let db: string;
  try {
    user = decodeURIComponent(m[1] ?? '');
    pass = decodeURIComponent(m[2] ?? '');
    db = decodeURIComponent(m[5]);
  } catch {
    return { error: '--vpopmail-db: bad %-escape in the URL' };
  }
  let socket: string | null = null;
  for (const kv of (m[6] ?? '').split('&').filter(Boolean)) {
    const [k, v = ''] = kv.split('=');
    if (k === 'socket') socket = decodeURIComponent(v);
    else return { error: `--vpopmail-db: unknown URL parameter ${JSON.stringify(k)} (only socket=PATH)` };
  }
  if (socket !== null && !socket.startsWith('/')) return { error: '--vpopmail-db: socket= needs an absolute path' };
  const host = m[3].replace(/^\[(.*)\]$/, '$1');
  return {
    kind: 'url',
    passwordGiven: m[2] !== undefined,
    server: { host: host === '' && socket ? 'localhost' : host, port: m[4] ? Number(m[4]) : 0, socket, user, password: new Secret(pass), database: db, origin: '--vpopmail-db' },
  };
}

/**
 * The servers to ask, after `--vpopmail-db`: a URL replaces them (its
 * password, when it gives none, is taken from the connection file's line for
 * the same user); a socket path keeps the file's user, password and database.
 */
export function applyOverride(servers: SqlServer[] | null, o: DbOverride): SqlServer[] | { error: string } {
  if (o.kind === 'url') {
    if (o.passwordGiven || !servers) return [o.server];
    const same = servers.find((s) => s.user === o.server.user);
    return [{ ...o.server, password: same ? same.password : o.server.password }];
  }
  if (!servers || servers.length === 0) return { error: '--vpopmail-db with only a socket path needs ~vpopmail/etc/vpopmail.mysql for the user, password and database' };
  return servers.map((s) => ({ ...s, host: 'localhost', port: 0, socket: o.socket, origin: `${s.origin}, socket from --vpopmail-db` }));
}

/**
 * The MySQL backend's build options, from the installed vpopmail_config.h
 * (config.h.in names; configure.ac defaults): MANY_DOMAINS (default on:
 * --disable-many-domains makes one table per domain), VALIAS (default off),
 * MYSQL_REPLICATION (default off), ENABLE_SQL_LOGGING (vlog table; 5.4 and
 * later refuse the older --enable-mysql-logging, whose ENABLE_MYSQL_LOGGING
 * is read too for very old headers), ENABLE_MYSQL_LIMITS (limits table).
 * None of the logging or limits options changes what vdelivermail delivers.
 */
export interface SqlBuildFlags {
  manyDomains: boolean;
  valias: boolean;
  replication: boolean;
  sqlLogging: boolean;
  mysqlLimits: boolean;
  /** Words for a step. */
  explanation: string;
}

export function sqlBuildFlags(defines: ReadonlyMap<string, string>, headerPath: string | null): SqlBuildFlags {
  const f = {
    manyDomains: defines.has('MANY_DOMAINS'),
    valias: defines.has('VALIAS'),
    replication: defines.has('MYSQL_REPLICATION'),
    sqlLogging: defines.has('ENABLE_SQL_LOGGING') || defines.has('ENABLE_MYSQL_LOGGING'),
    mysqlLimits: defines.has('ENABLE_MYSQL_LIMITS'),
  };
  const words = [
    f.manyDomains ? 'MANY_DOMAINS on (every user in the table vpopmail, keyed by pw_name and pw_domain)' : 'MANY_DOMAINS off (one table per domain, named after it with "." and "-" as "_")',
    `VALIAS ${f.valias ? 'on (the valias table is read before the user)' : 'off'}`,
    `MYSQL_REPLICATION ${f.replication ? 'on (reads go to the first server line)' : 'off (every query goes to the update server line)'}`,
  ];
  if (f.sqlLogging) words.push('ENABLE_SQL_LOGGING on (logins are logged to vlog; delivery is not affected)');
  return { ...f, explanation: `MySQL backend${headerPath ? ` (${headerPath})` : ''}: ${words.join('; ')}` };
}

/** Where vpopmail's MySQL reads go, worked out from the host's files (and `--vpopmail-db`). */
export type SqlSource =
  | { ok: true; servers: SqlServer[]; flags: SqlBuildFlags; configPath: string; explanation: string }
  | { ok: false; flags: SqlBuildFlags; configPath: string; error: MysqlConfigError };

/**
 * Read VPOPMAILDIR/etc/vpopmail.mysql (through the caller's reader: the
 * sysroot) and pick the servers vdelivermail's reads would use.
 */
export function sqlSource(
  read: (path: string) => { buf: Buffer } | { absent: true } | { error: string },
  vpopmailHome: string,
  flags: SqlBuildFlags,
  override: DbOverride | null,
): SqlSource {
  const configPath = `${vpopmailHome.replace(/\/+$/, '')}/etc/vpopmail.mysql`;
  const r = read(configPath);
  let servers: SqlServer[] | null = null;
  let fileError: MysqlConfigError | null = null;
  let oneLine = false;
  if ('buf' in r) {
    const p = parseVpopmailMysql(r.buf, configPath);
    if (p.ok) {
      servers = readServers(p.config, flags.replication);
      oneLine = p.config.updateIsRead;
    } else fileError = p.error;
  } else {
    fileError = {
      code: 'VA_NO_AUTH_CONNECTION',
      path: configPath,
      line: null,
      message: 'error' in r ? `cannot read ${configPath} (${r.error}): vmysql prints "can't read settings" and cannot connect` : `no ${configPath}: vmysql prints "can't read settings from ${configPath}" and cannot connect`,
    };
  }
  if (override) {
    const o = applyOverride(servers, override);
    if ('error' in o) return { ok: false, flags, configPath, error: { code: 'VA_NO_AUTH_CONNECTION', path: configPath, line: null, message: o.error } };
    return { ok: true, servers: o, flags, configPath, explanation: `--vpopmail-db replaces the server${servers ? ` of ${configPath}` : ''}: ${o.map((s) => describeServer(s)).join(', then ')}` };
  }
  if (!servers) return { ok: false, flags, configPath, error: fileError! };
  const which = flags.replication
    ? 'the read server line first, then the update server (vauth_open_read)'
    : `the ${oneLine ? 'only' : 'update (second)'} server line, as without MYSQL_REPLICATION every query goes through vauth_open_update`;
  return { ok: true, servers, flags, configPath, explanation: `${configPath}: vdelivermail asks ${which}: ${servers.map((s) => `${describeServer(s)} (${s.origin})`).join(', then ')}` };
}
