// vdelivermail's look-ups over vpopmail's MySQL backend, as the walk sees
// them: what vauth_getpw() and valias_select() (vmysql.c) would answer,
// worked out from records already fetched (db/vpopmail-sql-client.ts). When
// a record has not been fetched yet the answer is `need`: the driver
// fetches every need of the walk over one session and walks again, so the
// walk itself stays synchronous and never touches the network.
//
// What each answer means is vdelivermail's (vdelivermail.c main(),
// process_valias(); vmysql.c vauth_getpw(), valias_select()):
// - a row: the user, with pw_gid, pw_dir and pw_shell as vauth_getpw
//   copies them (atoi for the numbers, NULL as empty);
// - no row: not found, verrori 0: the catch-all decides;
// - the query failed twice (a missing table): vauth_getpw returns NULL with
//   verrori 0, so this too is "not found" and the catch-all decides, a trap
//   worth a warning (every address of the domain goes to the catch-all);
// - no server reachable: verrori = VA_NO_AUTH_CONNECTION, exit 111 (defer);
//   with VALIAS the message is "vdelivermail: deferred, database down".
import type { SqlAnswer, SqlNeed } from '../db/vpopmail-sql-client.js';
import type { ConnectAttempt } from '../db/mysql.js';
import { cellText, userFromRow, type SqlUser } from '../qmail/vpopmail-sql.js';
import { sqlBuildFlags, type MysqlConfigError, type SqlBuildFlags } from '../qmail/vpopmail-mysql-config.js';
import { describeGidFlags, type VpasswdEntry, type VpopmailBuild } from '../qmail/vpopmail.js';
import { valiasKeys, type LookupRun, type VpopmailUserLookup } from './vpopmail-lookup.js';

export type Peek = (n: SqlNeed) => SqlAnswer | undefined;

/** Why the connection settings themselves fail (no or bad vpopmail.mysql): every look-up defers. */
export interface ConfigFailure {
  error: MysqlConfigError;
}

export type GetpwAnswer =
  | { kind: 'found'; user: SqlUser; text: string }
  | { kind: 'not-found'; text: string; warn: boolean }
  | { kind: 'defer'; target: string; text: string }
  | { kind: 'need'; needs: SqlNeed[] };

export type ValiasAnswer =
  | { kind: 'rows'; lines: string[]; text: string }
  | { kind: 'none'; text: string; warn: boolean }
  | { kind: 'defer'; target: string; text: string }
  | { kind: 'need'; needs: SqlNeed[] };

const q = (s: string) => `'${s}'`;

/** A statement with its placeholders filled in, for reading only (it is never sent this way). */
function showSql(sql: string, params: readonly string[]): string {
  let i = 0;
  return sql.replace(/\?/g, () => (i < params.length ? q(params[i++]) : '?'));
}

/** Each server tried and why it failed, in words without a password. */
export function attemptsText(attempts: readonly ConnectAttempt[]): string {
  if (attempts.length === 0) return 'no server to try';
  return attempts.map((a) => `${a.server} (${a.origin}): ${a.code}: ${a.message}`).join('; then ');
}

/** The defer of a database that cannot be reached. */
function noConnection(a: Extract<SqlAnswer, { kind: 'no-connection' }>, what: string, valias: boolean): { target: string; text: string } {
  const lost = a.lost ? `the query failed (${a.lost.code}: ${a.lost.message}); it closes the connection and connects again: ` : '';
  return {
    target: valias ? 'vdelivermail: deferred, database down' : 'vdelivermail: cannot reach its MySQL database (exit 111)',
    text: `${what}: ${lost}${attemptsText(a.attempts)} → verrori = VA_NO_AUTH_CONNECTION, vdelivermail exits 111 (defer): qmail keeps the message and retries until the database answers`,
  };
}

function configDefer(f: ConfigFailure, valias: boolean): { kind: 'defer'; target: string; text: string } {
  return {
    kind: 'defer',
    target: valias ? 'vdelivermail: deferred, database down' : 'vdelivermail: cannot load its MySQL settings (exit 111)',
    text: `load_connection_info(): ${f.error.message} (${f.error.code}); no query can be sent, so vdelivermail exits 111 (defer)`,
  };
}

/** vauth_getpw(name, domain) over MySQL. */
export function sqlGetpw(peek: Peek, config: ConfigFailure | null, name: string, domain: string, valiasBuild: boolean): GetpwAnswer {
  if (config) return configDefer(config, valiasBuild);
  const need: SqlNeed = { kind: 'getpw', name, domain };
  const a = peek(need);
  if (!a) return { kind: 'need', needs: [need] };
  const what = `vauth_getpw(${name}@${domain})`;
  switch (a.kind) {
    case 'no-connection':
      return { kind: 'defer', ...noConnection(a, what, valiasBuild) };
    case 'query-failed':
      return {
        kind: 'not-found',
        warn: true,
        text: `${what}: ${a.server}: the query failed (${a.code}: ${a.message}); vauth_getpw reconnects and runs it again, it fails again, and it returns no user with verrori 0, so vdelivermail takes ${name}@${domain} for an unknown user and the catch-all decides (every address of ${domain} does, until this is fixed)`,
      };
    case 'rows': {
      const shown = showSql(a.sql, [name, domain]);
      if (a.rows.length === 0) return { kind: 'not-found', warn: false, text: `${what}: ${shown} → no row` };
      const u = userFromRow(a.rows[0], domain);
      const more = a.rows.length > 1 ? ` (${a.rows.length} rows; vauth_getpw takes the first)` : '';
      return { kind: 'found', user: u, text: `${what}: ${shown} → row${more}` };
    }
  }
}

/** valias_select(alias, domain) over MySQL. */
export function sqlValias(peek: Peek, config: ConfigFailure | null, alias: string, domain: string): ValiasAnswer {
  if (config) return configDefer(config, true);
  const need: SqlNeed = { kind: 'valias', alias, domain };
  const a = peek(need);
  if (!a) return { kind: 'need', needs: [need] };
  const what = `valias_select(${alias}@${domain})`;
  switch (a.kind) {
    case 'no-connection':
      return { kind: 'defer', ...noConnection(a, what, true) };
    case 'query-failed':
      return {
        kind: 'none',
        warn: true,
        text: `${what}: ${a.server}: the query failed (${a.code}: ${a.message}); valias_select then runs CREATE TABLE IF NOT EXISTS valias as its MySQL account (a write qlens never makes) and asks again: no rows either way`,
      };
    case 'rows': {
      const shown = showSql(a.sql, [alias, domain]);
      if (a.rows.length === 0) return { kind: 'none', warn: false, text: `${what}: ${shown} → no row` };
      const lines = a.rows.map((r) => cellText(r.valias_line));
      return { kind: 'rows', lines, text: `${what}: ${shown} → ${lines.length} row${lines.length === 1 ? '' : 's'}` };
    }
  }
}

/** make_user_dir's slot for an empty pw_dir: the_dir of the dir_control row (vread_dir_control), '' without one. */
export function sqlDirControl(peek: Peek, domain: string): { kind: 'slot'; slot: string; text: string } | { kind: 'need'; needs: SqlNeed[] } {
  const need: SqlNeed = { kind: 'dir-control', domain };
  const a = peek(need);
  if (!a) return { kind: 'need', needs: [need] };
  if (a.kind === 'rows' && a.rows.length > 0) {
    const slot = cellText(a.rows[0].the_dir);
    return { kind: 'slot', slot: /^[0-9A-Za-z/]*$/.test(slot) ? slot : '', text: `dir_control row for ${domain}: the_dir ${q(slot)}` };
  }
  return { kind: 'slot', slot: '', text: `no dir_control row for ${domain} (vread_dir_control starts a new one): the top of the domain directory` };
}

/** Every need of one vdelivermail run, asked at once so an address costs one round trip. */
export function vdelivermailNeeds(o: { user: string; userBase: string; domain: string; qmailExt: boolean; valias: boolean }): SqlNeed[] {
  const needs: SqlNeed[] = [];
  if (o.valias) for (const k of valiasKeys(o.user, o.userBase, o.qmailExt)) needs.push({ kind: 'valias', alias: k.alias, domain: o.domain });
  needs.push({ kind: 'getpw', name: o.user, domain: o.domain });
  if (o.qmailExt && o.userBase !== o.user) needs.push({ kind: 'getpw', name: o.userBase, domain: o.domain });
  return needs;
}

/** One vpopmail installation's SQL backend as a walk sees it: the fetched records, and where a new need goes. */
export interface SqlBackendView {
  peek: Peek;
  /** Records the walk found missing: the driver fetches them and walks again. */
  want(needs: readonly SqlNeed[]): void;
  /** The connection settings could not be had (no or bad vpopmail.mysql): every look-up defers. */
  config: ConfigFailure | null;
  /** How vdelivermail reaches the database, in words (file, server line, or --vpopmail-db). */
  explanation: string;
  configPath: string;
}

/** What a caller that fetches SQL records hands the walk (db/vpopmail-sql-access.ts makes one). */
export interface VpopmailSqlAccess {
  /**
   * The backend of the vpopmail installed at `home`. `read` reads a file as
   * vdelivermail would, as the delivery user (a vpopmail.mysql it may not
   * read is one it cannot connect with).
   */
  backend(home: string, flags: SqlBuildFlags, read: (path: string) => { buf: Buffer } | { absent: true } | { error: string }): SqlBackendView;
  /** Did a walk since the last fetch ask for records not fetched yet? */
  readonly pending: boolean;
  /** Fetch them (the walk's need: NeedSource). */
  fetchPending(): Promise<void>;
}

function entryOf(u: SqlUser): VpasswdEntry {
  return { name: u.name, passwd: '', uid: u.uid, gid: u.gid, gidText: String(u.gid), gecos: u.gecos, dir: u.dir, quota: u.quota, clearPasswd: null, source: 'sql', line: null };
}

/** The MySQL implementation of vdelivermail's user look-up (vmysql.c). */
export function sqlUserLookup(run: LookupRun, access: VpopmailSqlAccess, home: string, build: VpopmailBuild): VpopmailUserLookup {
  const flags = sqlBuildFlags(build.defines ?? new Map(), build.path);
  const read = (p: string): { buf: Buffer } | { absent: true } | { error: string } => {
    const r = run.ctx.readAsUser(p);
    if (r === null) return { absent: true };
    return r.ok ? { buf: r.buf } : { error: r.reason };
  };
  const view = access.backend(home, flags, read);
  run.step(flags.explanation, build.path ?? undefined);
  run.step(view.config ? `${view.configPath}: ${view.config.error.message}` : view.explanation, view.configPath, view.config?.error.line ?? undefined, view.config !== null);
  const need = (r: LookupRun, needs: SqlNeed[]): never => {
    view.want(needs);
    r.end('defer', 'qlens has not read the MySQL rows this address needs yet', `vdelivermail would now ask MySQL for ${needs.length} record${needs.length === 1 ? '' : 's'}; qlens fetches them and walks again (a caller that reads no database stops here)`);
  };
  return {
    withoutAssign: true,
    prepare(r, st) {
      if (view.config) return;
      const all = [...vdelivermailNeeds({ user: st.user, userBase: st.userBase, domain: st.domain, qmailExt: st.build.qmailExt, valias: flags.valias }), { kind: 'dir-control' as const, domain: st.domain }];
      const missing = all.filter((n) => view.peek(n) === undefined);
      if (missing.length) need(r, missing);
    },
    getpw(r, st, name) {
      if (st.assign && r.ctx.runUid !== 0 && r.ctx.runUid !== st.assign.uid) {
        r.step(`vauth_getpw(${name}): running as uid ${r.ctx.runUid}, neither root nor the domain's uid ${st.assign.uid} → not found before any query (no error code, so the catch-all applies)`, undefined, undefined, true);
        return null;
      }
      if (!st.assign) r.step(`vget_assign(${st.domain}) found no domain, so vauth_getpw has no domain uid to check; it still asks MySQL`, undefined, undefined, true);
      const a = sqlGetpw(view.peek, view.config, name, st.domain, flags.valias);
      switch (a.kind) {
        case 'need':
          return need(r, a.needs);
        case 'defer':
          return r.end('defer', a.target, a.text, view.configPath);
        case 'not-found':
          r.step(a.text, undefined, undefined, a.warn);
          return null;
        case 'found': {
          const e = entryOf(a.user);
          r.step(`${a.text}: flags ${e.gid} (${describeGidFlags(e.gid)}), directory ${e.dir === '' ? '(empty)' : e.dir}, quota ${e.quota === '' ? '(empty)' : e.quota} (the password columns are never read)`);
          return e;
        }
      }
    },
    valias(r, st, alias) {
      const a = sqlValias(view.peek, view.config, alias, st.domain);
      switch (a.kind) {
        case 'need':
          return need(r, a.needs);
        case 'defer':
          return r.end('defer', a.target, a.text, view.configPath);
        case 'none':
          r.step(a.text, undefined, undefined, a.warn);
          return null;
        case 'rows':
          r.step(a.text);
          return a.lines;
      }
    },
    dirSlot(r, st) {
      const d = sqlDirControl(view.peek, st.domain);
      if (d.kind === 'need') return need(r, d.needs);
      return { slot: d.slot, from: `MySQL's dir_control table (${d.text})` };
    },
  };
}
