// The records a walk or a view asks of vpopmail's MySQL backend, fetched
// over one read-only session and kept for the rest of the run, so that the
// synchronous walk can be re-run over them ("the walk says what it needs,
// the driver fetches and re-runs").
//
// Failures are kept as vdelivermail meets them (vmysql.c):
// - no server can be reached (refused, timed out, access denied, unknown
//   database): every answer is `no-connection`, with each server tried and
//   its error; vauth_getpw sets verrori = VA_NO_AUTH_CONNECTION and
//   vdelivermail defers (exit 111). qlens tries the servers once per run,
//   not once per query, as each try can cost the connect timeout;
// - a query that fails (a missing table, a lost connection): vauth_getpw
//   closes the connection, reconnects and runs it once more; when the
//   reconnect fails that is `no-connection` again, when the second query
//   fails it returns NULL with verrori 0 (`query-failed`: the user is
//   unknown to vdelivermail). valias_select instead tries CREATE TABLE
//   valias and queries again; qlens, read-only, queries again only.
import { connectFirst, type ConnectAttempt, type SqlSession } from './mysql.js';
import type { SqlServer } from '../qmail/vpopmail-mysql-config.js';
import {
  dirControlStatement,
  getpwStatement,
  valiasStatement,
  type SqlLayout,
  type Statement,
} from '../qmail/vpopmail-sql.js';

/** A record the walk needs, as plain data. */
export type SqlNeed = { kind: 'getpw'; name: string; domain: string } | { kind: 'valias'; alias: string; domain: string } | { kind: 'dir-control'; domain: string };

export function needKey(n: SqlNeed): string {
  switch (n.kind) {
    case 'getpw':
      return `getpw\0${n.name}\0${n.domain}`;
    case 'valias':
      return `valias\0${n.alias}\0${n.domain}`;
    case 'dir-control':
      return `dir\0${n.domain}`;
  }
}

export type SqlAnswer =
  | { kind: 'rows'; rows: Array<Record<string, unknown>>; sql: string; server: string }
  /** Ran twice (the second time on a fresh connection for a user lookup) and failed both times. */
  | { kind: 'query-failed'; code: string; message: string; sql: string; server: string }
  /** No server could be used. `lost`: the connection had worked, then went away (server stopped). */
  | { kind: 'no-connection'; attempts: ConnectAttempt[]; lost: { code: string; message: string } | null };

export class VpopmailSqlClient {
  #session: SqlSession | null = null;
  #failed: { attempts: ConnectAttempt[]; lost: { code: string; message: string } | null } | null = null;
  #opening: Promise<SqlSession | null> | null = null;
  readonly #answers = new Map<string, SqlAnswer>();
  /** Statements sent (for tests and the bench: one connection, no repeats). */
  sent = 0;
  connections = 0;

  constructor(
    readonly servers: readonly SqlServer[],
    readonly layout: SqlLayout,
  ) {}

  statementFor(n: SqlNeed): Statement {
    switch (n.kind) {
      case 'getpw':
        return getpwStatement(this.layout, n.name, n.domain);
      case 'valias':
        return valiasStatement(n.alias, n.domain);
      case 'dir-control':
        return dirControlStatement(n.domain);
    }
  }

  /** The answer already fetched for a need, or undefined. */
  peek(n: SqlNeed): SqlAnswer | undefined {
    return this.#answers.get(needKey(n));
  }

  /** Fetch every need not yet answered, in order, over the one session. */
  async fetch(needs: readonly SqlNeed[]): Promise<void> {
    for (const n of needs) {
      const k = needKey(n);
      if (this.#answers.has(k)) continue;
      const retry = n.kind === 'getpw' ? 'reconnect' : 'again';
      this.#answers.set(k, await this.query(this.statementFor(n), retry));
    }
  }

  async #open(): Promise<SqlSession | null> {
    const old = this.#session;
    if (old && !old.lost) return old;
    if (old?.lost) {
      // The server went away between two queries: vdelivermail's next query fails the same way, and it reconnects.
      const lost = old.lost;
      this.#session = null;
      await old.close();
      const s = await this.#open();
      if (!s && this.#failed) this.#failed.lost ??= lost;
      return s;
    }
    if (this.#failed) return null;
    this.#opening ??= (async () => {
      const r = await connectFirst(this.servers);
      this.connections++;
      if (r.session) this.#session = r.session;
      else this.#failed = { attempts: r.failed, lost: null };
      return r.session;
    })();
    try {
      return await this.#opening;
    } finally {
      this.#opening = null;
    }
  }

  #noConnection(): SqlAnswer {
    const f = this.#failed ?? { attempts: [], lost: null };
    return { kind: 'no-connection', attempts: f.attempts, lost: f.lost };
  }

  /**
   * Run one statement. `reconnect`: on failure close, connect afresh and run
   * it again (vauth_getpw); `again`: run it again on the same session
   * (valias_select after its CREATE TABLE); `once`: no retry (views, check).
   */
  async query(st: Statement, retry: 'reconnect' | 'again' | 'once' = 'once'): Promise<SqlAnswer> {
    let s = await this.#open();
    if (!s) return this.#noConnection();
    this.sent++;
    let r = await s.run(st);
    if (!r.ok && retry !== 'once') {
      if (retry === 'reconnect' || s.lost) {
        const first = { code: r.code, message: r.message };
        await s.close();
        this.#session = null;
        s = await this.#open();
        if (!s) {
          if (this.#failed) this.#failed.lost ??= first;
          return this.#noConnection();
        }
      }
      this.sent++;
      r = await s.run(st);
    }
    if (r.ok) return { kind: 'rows', rows: r.rows, sql: st.sql, server: s.described };
    if (s.lost && retry === 'once') {
      // A view's query on a connection that went away: say so as the walk would.
      this.#failed = { attempts: [], lost: { code: r.code, message: r.message } };
      this.#session = null;
      return this.#noConnection();
    }
    return { kind: 'query-failed', code: r.code, message: r.message, sql: st.sql, server: s.described };
  }

  /** Close the session (at the end of the run). */
  async close(): Promise<void> {
    const s = this.#session;
    this.#session = null;
    if (s) await s.close();
  }
}
