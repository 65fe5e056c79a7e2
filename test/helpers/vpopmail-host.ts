// One vpopmail host described once, written out for either backend:
// - the cdb backend: D/vpasswd and D/vpasswd.cdb, as vadduser/vmoduser leave them;
// - the MySQL backend: the statements vpopmail's own programs send
//   (vmysql.c, vmysql.h): vauth_open_update's CREATE DATABASE,
//   vauth_adddomain's CREATE TABLE IF NOT EXISTS (one `vpopmail` table with
//   MANY_DOMAINS, else one per domain named by vauth_munch_domain),
//   vauth_adduser's INSERT (pw_uid = USE_POP = 0, pw_gid 0, pw_shell
//   NOQUOTA, pw_dir from make_user_dir), vsetuserquota's and vauth_setpw's
//   UPDATEs (vadduser -q, vmoduser -b), vwrite_dir_control's REPLACE INTO
//   dir_control, and valias_insert's INSERT INTO valias (VALIAS builds);
//   plus a read-only account for qlens with SELECT on every column but the
//   passwords (so a SELECT of pw_passwd would fail outright).
// Both share the qmail side: users/assign (vadddomain, vaddaliasdomain),
// virtualdomains, rcpthosts, each domain's .qmail-default, the users'
// directories and Maildirs.
import { compileUsersCdb } from '../../source/qmail/assign.js';
import { makeVpasswdCdb } from '../../source/qmail/vpopmail.js';
import { munchDomain } from '../../source/qmail/vpopmail-sql.js';
import type { FixtureEntry } from './fixture.js';

export const VHOME = '/home/vpopmail';
export const domainDir = (d: string): string => `${VHOME}/domains/${d}`;

export interface VUser {
  name: string;
  domain: string;
  /** vmoduser flags (pw_gid), default 0. */
  gid?: number;
  /** vadduser -q / vsetuserquota: the pw_shell text (default NOQUOTA). */
  quota?: string;
  gecos?: string;
  /** pw_dir as stored; default D/[hash/]name from the user counter. '' stores an empty pw_dir. */
  dir?: string;
  /** The user's own .qmail. */
  dotqmail?: string;
  /** Maildir/maildirsize content. */
  maildirsize?: string;
  /** Leave the directory out of the sysroot (pw_dir missing on disk). */
  noDir?: boolean;
}

export interface VDomain {
  name: string;
  /** The .qmail-default catch-all argument (bounce-no-mailbox, delete, an address, a path). */
  catchAll: string;
  /** vaddaliasdomain ALIAS NAME. */
  aliases?: string[];
}

export interface VHost {
  domains: VDomain[];
  users: VUser[];
  /** valias -i LINE alias@domain, in order. */
  valias?: Array<{ alias: string; domain: string; line: string }>;
}

export interface SqlBuild {
  manyDomains: boolean;
  valias: boolean;
  replication?: boolean;
  clearPass?: boolean;
  qmailExt?: boolean;
}

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The users-big-dir subdirectory of the n-th user of a domain (virtual-domain-managers.md §1.4). */
export function bigdirSlot(n: number): string {
  const k = Math.floor(n / 100);
  if (k === 0) return '';
  if (k <= 62) return ALPHABET[k - 1];
  const k2 = k - 63;
  return `${ALPHABET[Math.floor(k2 / 62) % 62]}/${ALPHABET[k2 % 62]}`;
}

/** Each user with the pw_dir vadduser gives it (the counter runs per domain, in the order given). */
export function withDirs(host: VHost): Array<VUser & { dir: string }> {
  const count = new Map<string, number>();
  return host.users.map((u) => {
    const n = (count.get(u.domain) ?? 0) + 1;
    count.set(u.domain, n);
    if (u.dir !== undefined) return { ...u, dir: u.dir };
    const slot = bigdirSlot(n);
    return { ...u, dir: `${domainDir(u.domain)}/${slot ? slot + '/' : ''}${u.name}` };
  });
}

function maildir(home: string): Record<string, FixtureEntry> {
  return { [`${home}/Maildir/cur/`]: '', [`${home}/Maildir/new/`]: '', [`${home}/Maildir/tmp/`]: '' };
}

/** users/assign as vadddomain and vaddaliasdomain write it (sorted, `.` last). */
export function assignText(host: VHost): string {
  const lines: string[] = [];
  for (const d of host.domains) {
    for (const name of [d.name, ...(d.aliases ?? [])]) lines.push(`+${name}-:${d.name}:89:89:${domainDir(d.name)}:-::`);
  }
  return lines.sort().join('\n') + '\n.\n';
}

/** The qmail side and the users' directories, shared by both backends. */
export function qmailFiles(host: VHost): Record<string, FixtureEntry> {
  const names = host.domains.flatMap((d) => [d.name, ...(d.aliases ?? [])]);
  const assign = assignText(host);
  const files: Record<string, FixtureEntry> = {
    '/etc/passwd': 'root:x:0:0:root:/root:/bin/sh\nvpopmail:x:89:89::/home/vpopmail:/bin/false\nalias:x:7790:2108::/var/qmail/alias:/bin/false\n',
    '/etc/group': 'root:x:0:\nvchkpw:x:89:\n',
    '/var/qmail/control/me': 'mail.isp.net\n',
    '/var/qmail/control/locals': 'mail.isp.net\n',
    '/var/qmail/control/rcpthosts': [...names].sort().join('\n') + '\n',
    '/var/qmail/control/virtualdomains': names.map((n) => `${n}:${n}`).join('\n') + '\n',
    '/var/qmail/users/assign': assign,
    '/var/qmail/users/cdb': compileUsersCdb(Buffer.from(assign)),
    '/var/qmail/alias/.keep': '',
    [`${VHOME}/bin/.keep`]: '',
  };
  for (const d of host.domains) {
    const D = domainDir(d.name);
    files[D] = { dir: true, mode: 0o750, uid: 89, gid: 89 };
    const arg = /^[A-Za-z0-9@./_-]+$/.test(d.catchAll) ? d.catchAll : `'${d.catchAll}'`;
    files[`${D}/.qmail-default`] = { content: `| ${VHOME}/bin/vdelivermail '' ${arg}\n`, mode: 0o600, uid: 89, gid: 89 };
  }
  for (const u of withDirs(host)) {
    if (u.noDir || u.dir === '') continue;
    Object.assign(files, maildir(u.dir));
    if (u.dotqmail !== undefined) files[`${u.dir}/.qmail`] = { content: u.dotqmail, mode: 0o600, uid: 89, gid: 89 };
    if (u.maildirsize !== undefined) files[`${u.dir}/Maildir/maildirsize`] = u.maildirsize;
  }
  return files;
}

/** The vpasswd line vadduser writes (cdb backend: pw_uid 1 = POP). */
function vpasswdLine(u: VUser & { dir: string }, i: number): string {
  return `${u.name}:$1$x${i}$hash:1:${u.gid ?? 0}:${u.gecos ?? u.name}:${u.dir}:${u.quota ?? 'NOQUOTA'}`;
}

/** The cdb backend's files: vpasswd and vpasswd.cdb per domain (sorted by name, as vauth_adduser keeps it). */
export function cdbFiles(host: VHost): Record<string, FixtureEntry> {
  const files = qmailFiles(host);
  files[`${VHOME}/include/vpopmail_config.h`] = '#define USE_CDB 1\n#define USERS_BIG_DIR 1\n#define MAKE_SEEKABLE 1\n#define PACKAGE_VERSION "5.4.33"\n';
  const users = withDirs(host);
  for (const d of host.domains) {
    const lines = users
      .map((u, i) => ({ u, i }))
      .filter(({ u }) => u.domain === d.name)
      .sort((a, b) => (a.u.name < b.u.name ? -1 : a.u.name > b.u.name ? 1 : 0))
      .map(({ u, i }) => vpasswdLine(u, i));
    const text = lines.join('\n') + (lines.length ? '\n' : '');
    const D = domainDir(d.name);
    files[`${D}/vpasswd`] = { content: text, mode: 0o600, uid: 89, gid: 89, mtime: '2026-01-01T00:00:00Z' };
    files[`${D}/vpasswd.cdb`] = { content: makeVpasswdCdb(text), mode: 0o600, uid: 89, gid: 89, mtime: '2026-01-01T00:00:00Z' };
  }
  Object.assign(files, valiasFiles(host, files));
  return files;
}

/** Valiases without VALIAS (cdb backend, or SQL built without it) are .qmail-NAME files ('.' as ':'), read by qmail-local (vpalias.c). */
function valiasFiles(host: VHost, files: Record<string, FixtureEntry>): Record<string, FixtureEntry> {
  const out: Record<string, FixtureEntry> = {};
  for (const a of host.valias ?? []) {
    const p = `${domainDir(a.domain)}/.qmail-${a.alias.replace(/\./g, ':')}`;
    const prev = out[p] ?? files[p];
    const old = prev && typeof prev === 'object' && 'content' in prev ? String(prev.content) : '';
    out[p] = { content: old + a.line + '\n', mode: 0o600, uid: 89, gid: 89 };
  }
  return out;
}

/** vpopmail_config.h of a MySQL build. */
export function sqlConfigHeader(b: SqlBuild): string {
  const defs = ['USE_SQL 1', 'USE_MYSQL 1', 'USERS_BIG_DIR 1', 'MAKE_SEEKABLE 1', 'PACKAGE_VERSION "5.6.13"'];
  if (b.manyDomains) defs.push('MANY_DOMAINS 1');
  if (b.valias) defs.push('VALIAS 1');
  if (b.replication) defs.push('MYSQL_REPLICATION 1');
  if (b.clearPass) defs.push('CLEAR_PASS 1');
  if (b.qmailExt) defs.push('QMAIL_EXT 1');
  return defs.map((d) => `#define ${d}`).join('\n') + '\n';
}

export interface SqlAccount {
  user: string;
  password: string;
}

/** The MySQL backend's files: the build header and the connection file (pointing at `socket`). */
export function sqlFiles(host: VHost, b: SqlBuild, conn: { socket: string; account: SqlAccount; database?: string; extraLines?: string }): Record<string, FixtureEntry> {
  const files = qmailFiles(host);
  files[`${VHOME}/include/vpopmail_config.h`] = sqlConfigHeader(b);
  files[`${VHOME}/etc/vpopmail.mysql`] = {
    content: `# read server|port|user|password|database\nlocalhost|${conn.socket}|${conn.account.user}|${conn.account.password}|${conn.database ?? 'vpopmail'}\n${conn.extraLines ?? ''}`,
    mode: 0o640,
    uid: 89,
    gid: 89,
  };
  if (!b.valias) Object.assign(files, valiasFiles(host, files));
  return files;
}

const userColumns = (b: SqlBuild) =>
  [
    'pw_name VARCHAR(64) NOT NULL',
    ...(b.manyDomains ? ['pw_domain VARCHAR(96) NOT NULL'] : []),
    'pw_passwd VARCHAR(128)',
    'pw_uid INT',
    'pw_gid INT',
    'pw_gecos VARCHAR(64)',
    'pw_dir VARCHAR(160)',
    'pw_shell VARCHAR(20)',
    ...(b.clearPass ? ['pw_clear_passwd VARCHAR(16)'] : []),
    b.manyDomains ? 'PRIMARY KEY (pw_name, pw_domain)' : 'PRIMARY KEY (pw_name)',
  ].join(', ');

export interface SqlStatement {
  sql: string;
  params: unknown[];
}

/** What vpopmail's programs would have sent to build this host (database `db`). */
export function vpopmailSqlStatements(host: VHost, b: SqlBuild, db = 'vpopmail'): SqlStatement[] {
  const out: SqlStatement[] = [{ sql: `CREATE DATABASE \`${db}\``, params: [] }];
  const q = (t: string) => `\`${db}\`.\`${t}\``;
  const tableOf = (domain: string) => (b.manyDomains ? 'vpopmail' : munchDomain(domain));
  for (const d of host.domains) out.push({ sql: `CREATE TABLE IF NOT EXISTS ${q(tableOf(d.name))} ( ${userColumns(b)} )`, params: [] });
  out.push({
    sql: `CREATE TABLE IF NOT EXISTS ${q('dir_control')} ( domain VARCHAR(96) NOT NULL, cur_users INT, level_cur INT, level_max INT, level_start0 INT, level_start1 INT, level_start2 INT, level_end0 INT, level_end1 INT, level_end2 INT, level_mod0 INT, level_mod1 INT, level_mod2 INT, level_index0 INT, level_index1 INT, level_index2 INT, the_dir VARCHAR(160), PRIMARY KEY (domain) )`,
    params: [],
  });
  const users = withDirs(host);
  const perDomain = new Map<string, number>();
  // Many rows at once for a big domain: the same INSERT, several value lists.
  const batch = new Map<string, unknown[][]>();
  users.forEach((u, i) => {
    perDomain.set(u.domain, (perDomain.get(u.domain) ?? 0) + 1);
    const vals: unknown[] = [u.name, ...(b.manyDomains ? [u.domain] : []), `$6$salt${i}$hash`, 0, 0, u.gecos ?? u.name, u.dir, 'NOQUOTA', ...(b.clearPass ? [`clear${i}`] : [])];
    const t = tableOf(u.domain);
    const list = batch.get(t) ?? [];
    list.push(vals);
    batch.set(t, list);
  });
  const cols = ['pw_name', ...(b.manyDomains ? ['pw_domain'] : []), 'pw_passwd', 'pw_uid', 'pw_gid', 'pw_gecos', 'pw_dir', 'pw_shell', ...(b.clearPass ? ['pw_clear_passwd'] : [])];
  for (const [t, rows] of batch) {
    for (let i = 0; i < rows.length; i += 2000) {
      const chunk = rows.slice(i, i + 2000);
      const one = `(${cols.map(() => '?').join(', ')})`;
      out.push({ sql: `INSERT INTO ${q(t)} ( ${cols.join(', ')} ) VALUES ${chunk.map(() => one).join(', ')}`, params: chunk.flat() });
    }
  }
  for (const u of users) {
    const key = b.manyDomains ? ' AND pw_domain = ?' : '';
    const kp = b.manyDomains ? [u.name, u.domain] : [u.name];
    if (u.quota !== undefined && u.quota !== 'NOQUOTA') out.push({ sql: `UPDATE ${q(tableOf(u.domain))} SET pw_shell = ? WHERE pw_name = ?${key}`, params: [u.quota, ...kp] });
    if (u.gid) out.push({ sql: `UPDATE ${q(tableOf(u.domain))} SET pw_gid = ? WHERE pw_name = ?${key}`, params: [u.gid, ...kp] });
  }
  for (const [domain, n] of perDomain) {
    out.push({
      sql: `REPLACE INTO ${q('dir_control')} ( domain, cur_users, level_cur, level_max, level_start0, level_start1, level_start2, level_end0, level_end1, level_end2, level_mod0, level_mod1, level_mod2, level_index0, level_index1, level_index2, the_dir ) VALUES ( ?, ?, 0, 3, 0, 0, 0, 61, 61, 61, 0, 2, 4, 0, 0, 0, ? )`,
      params: [domain, n, bigdirSlot(n + 1)],
    });
  }
  if (b.valias) {
    out.push({ sql: `CREATE TABLE IF NOT EXISTS ${q('valias')} ( id INT(11) PRIMARY KEY AUTO_INCREMENT, alias VARCHAR(32) NOT NULL, domain VARCHAR(96) NOT NULL, valias_line TEXT NOT NULL, INDEX (alias, domain) )`, params: [] });
    for (const a of host.valias ?? []) out.push({ sql: `INSERT INTO ${q('valias')} ( alias, domain, valias_line ) VALUES ( ?, ?, ? )`, params: [a.alias, a.domain, a.line.replace(/^ +/, '')] });
  }
  return out;
}

/** A read-only account: SELECT on every column except pw_passwd / pw_clear_passwd, and on valias and dir_control. */
export function readOnlyGrants(host: VHost, b: SqlBuild, account: SqlAccount, db = 'vpopmail'): SqlStatement[] {
  const who = `'${account.user}'@'localhost'`;
  const cols = ['pw_name', ...(b.manyDomains ? ['pw_domain'] : []), 'pw_uid', 'pw_gid', 'pw_gecos', 'pw_dir', 'pw_shell'].join(', ');
  const tables = b.manyDomains ? ['vpopmail'] : [...new Set(host.domains.map((d) => munchDomain(d.name)))];
  const out: SqlStatement[] = [{ sql: `CREATE USER IF NOT EXISTS ${who} IDENTIFIED BY ?`, params: [account.password] }];
  for (const t of tables) out.push({ sql: `GRANT SELECT (${cols}) ON \`${db}\`.\`${t}\` TO ${who}`, params: [] });
  out.push({ sql: `GRANT SELECT ON \`${db}\`.\`dir_control\` TO ${who}`, params: [] });
  if (b.valias) out.push({ sql: `GRANT SELECT ON \`${db}\`.\`valias\` TO ${who}`, params: [] });
  return out;
}
