// contract.md's default owner, the users/assign half: a home that a
// users/assign `=` or `+` entry names belongs to that entry's uid and gid,
// and where /etc/passwd gives the same home to another user, users/assign
// wins (qmail-lspawn consults users/cdb, compiled from users/assign, before
// it asks qmail-getpw). Every installation's users/assign counts: the ones
// named on the command line, then each /var/qmail* with a control/ directory
// (contract.md's discovery), the first to name a home wins.
import { parseAssign } from '../qmail/assign.js';
import { normalizeSystemPath } from './system-path.js';

/** Which rule gave a path's owner when .fsmeta does not list it (said in the walk). */
export interface OwnerRule {
  by: 'passwd' | 'assign' | 'none';
  /** The home the path is in or under (null for 'none'). */
  home: string | null;
  /** The user that file gives the home to. */
  user: string | null;
  /** /etc/passwd or INSTANCE/users/assign, and its line. */
  path: string | null;
  line: number | null;
  /** For 'assign': the /etc/passwd user that names the same home with another uid (users/assign wins). */
  over?: { user: string; uid: number; line: number };
}

/** A default owner with the rule that gave it; one object per home, shared by every path in it. */
export interface DefaultOwner {
  uid: number;
  gid: number;
  rule: OwnerRule;
}

export const ROOT_OWNER: DefaultOwner = { uid: 0, gid: 0, rule: { by: 'none', home: null, user: null, path: null, line: null } };

/** Every home the users/assign files of `roots` name (normalized), the first file and line to name a home winning. */
export function assignHomes(roots: readonly string[], read: (sysPath: string) => Buffer | null): Map<string, DefaultOwner> {
  const map = new Map<string, DefaultOwner>();
  for (const root of roots) {
    const path = `${root}/users/assign`;
    const buf = read(path);
    if (buf === null) continue;
    for (const e of parseAssign(buf, path).entries) {
      const uid = Number(e.uid);
      const gid = Number(e.gid);
      // qmail-newu takes uid and gid as numbers; a home must be absolute to be one.
      if (e.uid === '' || e.gid === '' || !Number.isInteger(uid) || !Number.isInteger(gid) || !e.home.startsWith('/')) continue;
      const home = normalizeSystemPath(e.home);
      if (home === '/' || map.has(home)) continue;
      map.set(home, { uid, gid, rule: { by: 'assign', home, user: e.user, path, line: e.line } });
    }
  }
  return map;
}

/**
 * What the walk says of an owner that .fsmeta did not give: which rule gave
 * it ("not in .fsmeta, so assumed: /var/qmail/alias is alias's home per
 * /var/qmail/users/assign line 2"), to follow the owner's uid; '' when the
 * owner was listed or is the real inode's.
 */
export function ownerAssumed(meta: { metaSource: string; ownerRule?: OwnerRule }): string {
  const r = meta.ownerRule;
  if (meta.metaSource !== 'default' || !r) return '';
  const head = 'not in .fsmeta, so assumed';
  if (r.by === 'none') return `${head}: under no home that /etc/passwd or users/assign names, so root's`;
  const over = r.over ? ` (users/assign wins over /etc/passwd line ${r.over.line}, which gives it to ${r.over.user}, uid ${r.over.uid})` : '';
  return `${head}: ${r.home} is ${r.user}'s home per ${r.path} line ${r.line}${over}`;
}
