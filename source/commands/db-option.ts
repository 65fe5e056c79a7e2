// --vpopmail-db, read the same way by every command that may reach vpopmail's MySQL.
import { UsageError } from '../cli-args.js';
import { parseDbOverride, type DbOverride } from '../qmail/vpopmail-mysql-config.js';

/** The option's server, or null when it is not given; a bad value is a usage error (exit `usage`). */
export function vpopmailDbOption(options: Record<string, string | boolean | string[]>, usage?: number): DbOverride | null {
  const v = options['vpopmail-db'];
  if (v === undefined) return null;
  if (typeof v !== 'string') throw new UsageError('--vpopmail-db needs a value', usage);
  const d = parseDbOverride(v);
  if ('error' in d) throw new UsageError(d.error, usage);
  return d;
}
