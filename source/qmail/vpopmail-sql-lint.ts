// `qlens check` rules for vpopmail's MySQL backend, over what
// db/vpopmail-sql-check.ts fetched: a connection vdelivermail could not
// make (every message defers), a domain users/assign routes to vpopmail
// that the database does not know (every message goes to the catch-all),
// and a user whose pw_dir is missing on disk (vdelivermail makes a new,
// empty one on the next message).
import type { Diagnostic, Installation } from './model-types.js';
import type { SqlCheckData } from '../db/vpopmail-sql-check.js';
import { userTable } from './vpopmail-sql.js';
import { statQuiet } from './quiet-read.js';

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;

export function vpopmailSqlDiagnostics(data: SqlCheckData, installs: Installation[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const h of data) {
    const inst = installs.find((i) => i.root === h.instance);
    const names = h.assigned.map((a) => a.domain);
    const scope = `${plural(names.length, 'vpopmail domain')} (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''})`;
    if (h.configError) {
      out.push({ path: h.configPath, line: h.configError.line, severity: 'error', code: 'vpopmail-sql-config', message: `${h.configError.message} (${h.configError.code}): vdelivermail defers every message to the ${scope}` });
      continue;
    }
    if (h.error) {
      out.push({ path: h.configPath, line: null, severity: 'error', code: 'vpopmail-sql-unreachable', message: `${h.error}: vdelivermail defers every message to the ${scope} while this lasts` });
      continue;
    }
    const layout = { manyDomains: h.flags.manyDomains, valias: h.flags.valias };
    for (const a of h.assigned) {
      const key = h.flags.manyDomains ? a.domain : userTable(layout, a.domain).toLowerCase();
      if (h.known.has(key)) continue;
      const where = h.flags.manyDomains
        ? `the table vpopmail has no user with pw_domain '${a.domain}'`
        : `the database has no table ${userTable(layout, a.domain)} (MANY_DOMAINS off: one table per domain), so vauth_getpw's query fails`;
      out.push({
        path: a.path,
        line: a.line,
        severity: 'error',
        code: 'vpopmail-sql-domain-unknown',
        message: `users/assign routes ${a.domain} to vpopmail, but in MySQL (${h.server ?? 'the database'}) ${where}: vdelivermail finds no user there and every message to ${a.domain} goes to its catch-all`,
      });
    }
    for (const d of h.domains) {
      if (!Array.isArray(d.users)) {
        out.push({ path: h.configPath, line: null, severity: 'error', code: 'vpopmail-sql-unreachable', message: `the users of ${d.domain} could not be listed: ${d.users.error}` });
        continue;
      }
      for (const u of d.users) {
        if (u.dir === '') continue;
        if (inst && statQuiet(inst.sysroot, u.dir) !== null) continue;
        out.push({
          path: u.dir,
          line: null,
          severity: 'warning',
          code: 'vpopmail-sql-dir-missing',
          message: `${u.name}@${d.domain}: its pw_dir does not exist: vdelivermail makes it again with an empty Maildir on the next message (vmake_maildir), so mail delivered there before is not what the user will see`,
        });
      }
    }
  }
  return out;
}
