// The backends a tracer may read through (trace/types.ts TraceSession), made
// in one place for every caller: today vpopmail's MySQL (one SqlTraceData: a
// read-only session per server set, opened only when a walk first needs a
// record). The caller that opened them closes them.
import type { TraceSession } from '../trace/types.js';
import type { DbOverride } from '../qmail/vpopmail-mysql-config.js';
import type { SqlTraceData } from './vpopmail-sql-access.js';

export interface TraceBackends {
  session: TraceSession;
  /** Close every connection the walks opened. */
  close(): Promise<void>;
}

/**
 * `vpopmailDb`: --vpopmail-db (replaces the server vpopmail.mysql names).
 * `sql`: records a caller already holds (the TUI's one SqlTraceData per
 * load), shared instead of a new one; its owner closes it.
 */
export function openTraceBackends(opts: { vpopmailDb?: DbOverride | null; sql?: SqlTraceData } = {}): TraceBackends {
  let made: SqlTraceData | null = null;
  const vpopmailSql = async (): Promise<SqlTraceData> => {
    if (opts.sql) return opts.sql;
    const m = await import('./vpopmail-sql-access.js');
    return (made ??= new m.SqlTraceData(opts.vpopmailDb ?? null));
  };
  return {
    session: { vpopmailSql },
    close: async () => {
      await made?.close();
      made = null;
    },
  };
}
