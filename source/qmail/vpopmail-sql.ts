// vpopmail's MySQL tables as vmysql.h and vmysql.c lay them out, and the
// SELECTs qlens sends: the same WHERE clauses vdelivermail's own queries use
// (so the server's collation, trailing-space and row-order rules answer for
// qlens exactly as they answer for vdelivermail), but naming their columns
// and never selecting pw_passwd or pw_clear_passwd. Every value is a
// placeholder of a prepared statement; the only text put into a statement is
// a table name, built here from a validated domain and quoted with
// backticks as vmysql.h quotes it.
//
// Confirmed from vpopmail's sources (5.4.33 / 5.6.1 / 5.6.13 agree on all of it):
// - vmysql.h: MYSQL_DEFAULT_TABLE "vpopmail", MYSQL_DOT_CHAR '_',
//   MYSQL_LARGE_USERS_TABLE "users"; TABLE_LAYOUT with MANY_DOMAINS
//   (pw_name, pw_domain, pw_passwd, pw_uid, pw_gid, pw_gecos, pw_dir,
//   pw_shell[, pw_clear_passwd], primary key (pw_name, pw_domain)), without
//   it the same less pw_domain, primary key (pw_name); USER_SELECT
//   `... from `%s` where pw_name = "%s" [and pw_domain = "%s"]`; GETALL
//   `... where pw_domain = "%s"` (MANY_DOMAINS) or the whole table.
// - vmysql.c vauth_munch_domain(): '.' and '-' become MYSQL_DOT_CHAR, so
//   example.com's table is example_com; an empty domain uses "users"
//   (vauth_getpw, vauth_adduser).
// - vmysql.c valias_select(): `select valias_line from valias where alias =
//   '%s' and domain = '%s'` (no ORDER BY: rows in the server's order);
//   valias_select_all(): `select alias, valias_line from valias where domain
//   = '%s' order by alias`; VALIAS_TABLE_LAYOUT (id, alias, domain,
//   valias_line; with DEFAULT_DELIVERY also valias_type and copy).
// - vmysql.c vread_dir_control(): `select ... the_dir from dir_control
//   where domain = '%s'`, the slot make_user_dir() gives a user whose pw_dir
//   is empty.
// - vmysql.c vauth_getpw() fills the entry from row[0..6]: pw_name, then
//   atoi() of pw_uid and pw_gid when not NULL, and the strings copied when
//   not NULL (NULL leaves them empty).
// Pure: no connection here.

/** The build options that shape the tables (from vpopmail_config.h). */
export interface SqlLayout {
  manyDomains: boolean;
  valias: boolean;
}

/** A user row as vauth_getpw() builds its struct vqpasswd (passwords never fetched). */
export interface SqlUser {
  name: string;
  /** pw_uid as written (1 = POP, 2 = APOP); atoi() of the column, "0" for NULL. */
  uid: string;
  /** pw_gid flag bits; atoi() of the column, 0 for NULL. */
  gid: number;
  gecos: string;
  dir: string;
  /** pw_shell: the quota string. */
  quota: string;
  /** The domain the row belongs to (pw_domain, or the table's domain). */
  domain: string;
}

/** MYSQL_DEFAULT_TABLE, MYSQL_LARGE_USERS_TABLE, MYSQL_DOT_CHAR (vmysql.h). */
export const DEFAULT_TABLE = 'vpopmail';
export const LARGE_USERS_TABLE = 'users';

/** vauth_munch_domain(): '.' and '-' become '_' (at most 511 characters, the static buffer). */
export function munchDomain(domain: string): string {
  return domain.slice(0, 511).replace(/[.-]/g, '_');
}

/** The table vauth_getpw() reads for a domain. */
export function userTable(layout: SqlLayout, domain: string): string {
  if (layout.manyDomains) return DEFAULT_TABLE;
  const t = munchDomain(domain);
  return t === '' ? LARGE_USERS_TABLE : t;
}

/** A table name made safe to put inside backticks: letters, digits, _ and $ only (what munchDomain of a valid domain gives). */
export function quoteTable(name: string): string {
  if (!/^[A-Za-z0-9_$]{1,64}$/.test(name)) throw new Error(`not a table name vpopmail could have made: ${JSON.stringify(name)}`);
  return `\`${name}\``;
}

/** The columns qlens reads: USER_SELECT's, less pw_passwd and pw_clear_passwd. */
const USER_COLUMNS = 'pw_name, pw_uid, pw_gid, pw_gecos, pw_dir, pw_shell';

export interface Statement {
  sql: string;
  params: Array<string | number>;
}

/** vauth_getpw(user, domain) without the password columns. */
export function getpwStatement(layout: SqlLayout, name: string, domain: string): Statement {
  const t = quoteTable(userTable(layout, domain));
  return layout.manyDomains
    ? { sql: `SELECT ${USER_COLUMNS} FROM ${t} WHERE pw_name = ? AND pw_domain = ?`, params: [name, domain] }
    : { sql: `SELECT ${USER_COLUMNS} FROM ${t} WHERE pw_name = ?`, params: [name] };
}

/** valias_select(alias, domain). */
export function valiasStatement(alias: string, domain: string): Statement {
  return { sql: 'SELECT valias_line FROM valias WHERE alias = ? AND domain = ?', params: [alias, domain] };
}

/** vread_dir_control(): only the slot string is needed. */
export function dirControlStatement(domain: string): Statement {
  return { sql: 'SELECT the_dir FROM dir_control WHERE domain = ?', params: [domain] };
}

/** How many users a domain has (the Domains view's count before any row). */
export function userCountStatement(layout: SqlLayout, domain: string): Statement {
  const t = quoteTable(userTable(layout, domain));
  return layout.manyDomains
    ? { sql: `SELECT COUNT(*) AS n FROM ${t} WHERE pw_domain = ?`, params: [domain] }
    : { sql: `SELECT COUNT(*) AS n FROM ${t}`, params: [] };
}

/**
 * One page of a domain's users, in vauth_getall(sortit=1)'s order (order by
 * pw_name). LIMIT/OFFSET are qlens's own integers, checked here, not input.
 */
export function userPageStatement(layout: SqlLayout, domain: string, offset: number, limit: number): Statement {
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(limit) || limit < 1) throw new Error('bad page bounds');
  const t = quoteTable(userTable(layout, domain));
  const page = `ORDER BY pw_name LIMIT ${limit} OFFSET ${offset}`;
  return layout.manyDomains
    ? { sql: `SELECT ${USER_COLUMNS} FROM ${t} WHERE pw_domain = ? ${page}`, params: [domain] }
    : { sql: `SELECT ${USER_COLUMNS} FROM ${t} ${page}`, params: [] };
}

/** valias_select_all(domain): every alias line of a domain, by alias. */
export function valiasAllStatement(domain: string): Statement {
  return { sql: 'SELECT alias, valias_line FROM valias WHERE domain = ? ORDER BY alias', params: [domain] };
}

/** How many distinct aliases a domain has (valias_select_names counts). */
export function valiasCountStatement(domain: string): Statement {
  return { sql: 'SELECT COUNT(DISTINCT alias) AS n FROM valias WHERE domain = ?', params: [domain] };
}

/** With MANY_DOMAINS: the domains that have users (what `check` compares users/assign with). */
export function knownDomainsStatement(): Statement {
  return { sql: `SELECT DISTINCT pw_domain FROM ${quoteTable(DEFAULT_TABLE)}`, params: [] };
}

/** Without MANY_DOMAINS: the tables of the database (one per domain, named by munchDomain). */
export function tablesStatement(): Statement {
  return { sql: 'SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE()', params: [] };
}

/** Every user's directory, for `check` (pw_dir missing on disk). */
export function userDirsStatement(layout: SqlLayout, domain: string): Statement {
  const t = quoteTable(userTable(layout, domain));
  return layout.manyDomains
    ? { sql: `SELECT pw_name, pw_dir FROM ${t} WHERE pw_domain = ? ORDER BY pw_name`, params: [domain] }
    : { sql: `SELECT pw_name, pw_dir FROM ${t} ORDER BY pw_name`, params: [] };
}

/** A column value as the driver gives it (strings, numbers, big numbers as strings, NULL). */
type Cell = unknown;

export function cellText(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (Buffer.isBuffer(v)) return v.toString('latin1');
  return String(v);
}
const text = cellText;

/** C atoi() of a column value (NULL: the field keeps its zero). */
function atoiCell(v: Cell): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v === 'bigint') return Number(BigInt.asIntN(32, v));
  const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)/.exec(text(v));
  return m ? Number(BigInt.asIntN(32, BigInt(m[1]))) : 0;
}

/** A row of USER_COLUMNS as vauth_getpw() copies it into struct vqpasswd. */
export function userFromRow(row: Record<string, Cell>, domain: string): SqlUser {
  return {
    name: text(row.pw_name),
    uid: String(atoiCell(row.pw_uid)),
    gid: atoiCell(row.pw_gid),
    gecos: text(row.pw_gecos),
    dir: text(row.pw_dir),
    quota: text(row.pw_shell),
    domain,
  };
}
