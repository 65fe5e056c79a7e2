// What a caller that can wait for a database hands the walk: for each
// vpopmail installation, its MySQL backend (from its own vpopmail.mysql, or
// `--vpopmail-db`) with the records fetched so far, and the list of records
// the last walks found missing. The driver loop is: walk, fetchPending(),
// walk again while anything was missing.
import { sqlSource, type DbOverride, type SqlBuildFlags } from '../qmail/vpopmail-mysql-config.js';
import type { SqlBackendView, VpopmailSqlAccess } from '../trace/vpopmail-sql.js';
import { VpopmailSqlClient, type SqlNeed } from './vpopmail-sql-client.js';
import type { SqlLayout } from '../qmail/vpopmail-sql.js';
import type { SqlServer } from '../qmail/vpopmail-mysql-config.js';

/** One run's view of vpopmail's SQL backends: one client (one session) per server set, closed by close(). */
export class SqlTraceData implements VpopmailSqlAccess {
  readonly #override: DbOverride | null;
  #pending: Array<{ client: VpopmailSqlClient; needs: readonly SqlNeed[] }> = [];
  readonly #clients = new Map<string, VpopmailSqlClient>();

  constructor(override: DbOverride | null = null) {
    this.#override = override;
  }

  backend(home: string, flags: SqlBuildFlags, read: (path: string) => { buf: Buffer } | { absent: true } | { error: string }): SqlBackendView {
    const src = sqlSource(read, home, flags, this.#override);
    if (!src.ok) return { peek: () => undefined, want: () => {}, config: { error: src.error }, explanation: '', configPath: src.configPath };
    const client = this.clientFor(src.servers, { manyDomains: flags.manyDomains, valias: flags.valias });
    return {
      peek: (n) => client.peek(n),
      want: (needs) => {
        this.#pending.push({ client, needs });
      },
      config: null,
      explanation: src.explanation,
      configPath: src.configPath,
    };
  }

  /** The client for a set of servers and a table layout (the password is no part of the key). */
  clientFor(servers: readonly SqlServer[], layout: SqlLayout): VpopmailSqlClient {
    const key = JSON.stringify([servers.map((s) => [s.host, s.port, s.socket, s.user, s.database]), layout]);
    let c = this.#clients.get(key);
    if (!c) this.#clients.set(key, (c = new VpopmailSqlClient(servers, layout)));
    return c;
  }

  /** Close every session this run opened. */
  async close(): Promise<void> {
    const all = [...this.#clients.values()];
    this.#clients.clear();
    await Promise.all(all.map((c) => c.close()));
  }

  /** Did a walk since the last fetch find records missing? */
  get pending(): boolean {
    return this.#pending.length > 0;
  }

  /** Fetch every missing record (one session per server set, one statement per record). */
  async fetchPending(): Promise<void> {
    const work = this.#pending;
    this.#pending = [];
    const byClient = new Map<VpopmailSqlClient, SqlNeed[]>();
    for (const w of work) {
      const list = byClient.get(w.client) ?? [];
      list.push(...w.needs);
      byClient.set(w.client, list);
    }
    for (const [client, needs] of byClient) await client.fetch(needs);
  }
}

/**
 * Walk until no record is missing: `walk` runs the synchronous walk; each
 * round fetches what it asked for. A bounded number of rounds (each forward
 * to another SQL address can ask for more).
 */
export async function walkWithSql<T>(data: SqlTraceData, walk: () => T, maxRounds = 32): Promise<T> {
  let r = walk();
  for (let i = 0; i < maxRounds && data.pending; i++) {
    await data.fetchPending();
    r = walk();
  }
  return r;
}
