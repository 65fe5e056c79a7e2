// vpopmail's own files, read the way its programs read them (cdb backend):
// D/vpasswd and D/vpasswd.cdb (vcdb.c, vauth_getpw; vpopmail.c, vgetent),
// the pw_gid flag bits (vpopmail.h), the quota field (format_maildirquota),
// a Maildir's maildirsize (maildirquota.c) and the build options of the
// installed vpopmail_config.h. Pure functions over bytes; nothing here
// touches the file system.
import type { Diagnostic } from './model-types.js';
import { CdbReader, makeCdb } from './cdb.js';
import { decodeBytes } from '../sysroot/sysroot.js';

/** One vpasswd user, from a vpasswd.cdb record or a vpasswd text line. */
export interface VpasswdEntry {
  name: string;
  passwd: string;
  /** pw_uid: not a uid; 1 = made for POP, 2 = made for APOP. Kept as written. */
  uid: string;
  /** pw_gid: the per-user flag bits (decimal in the file); NaN text gives 0 and a diagnostic. */
  gid: number;
  gidText: string;
  gecos: string;
  /** pw_dir: absolute user directory; may be empty (made on first delivery). */
  dir: string;
  /** pw_shell: the quota string. */
  quota: string;
  /** 8th field (CLEAR_PASS builds), null when absent. */
  clearPasswd: string | null;
  /** Where it came from: the text file's line, or the cdb. */
  source: 'cdb' | 'text' | 'sql';
  line: number | null;
}

/** pw_gid flag bits (vpopmail.h), with vmoduser's option letter. */
export const GID_FLAGS: ReadonlyArray<{ bit: number; name: string; option: string; delivery: string | null }> = [
  { bit: 0x01, name: 'NO_PASSWD_CHNG', option: '-d', delivery: null },
  { bit: 0x02, name: 'NO_POP', option: '-p', delivery: null },
  { bit: 0x04, name: 'NO_WEBMAIL', option: '-w', delivery: null },
  { bit: 0x08, name: 'NO_IMAP', option: '-i', delivery: null },
  { bit: 0x10, name: 'BOUNCE_MAIL', option: '-b', delivery: 'every message to the user bounces' },
  { bit: 0x20, name: 'NO_RELAY', option: '-r', delivery: null },
  { bit: 0x40, name: 'NO_DIALUP', option: '-u', delivery: null },
  { bit: 0x80, name: 'V_USER0', option: '-0', delivery: null },
  { bit: 0x100, name: 'V_USER1', option: '-1', delivery: null },
  { bit: 0x200, name: 'V_USER2', option: '-2', delivery: null },
  { bit: 0x400, name: 'V_USER3', option: '-3', delivery: null },
  { bit: 0x800, name: 'NO_SMTP', option: '-s', delivery: null },
  { bit: 0x1000, name: 'QA_ADMIN', option: '-a', delivery: null },
  { bit: 0x2000, name: 'V_OVERRIDE', option: '-o', delivery: null },
  { bit: 0x4000, name: 'NO_SPAMASSASSIN', option: '-f', delivery: 'only in spamassassin builds' },
  { bit: 0x8000, name: 'DELETE_SPAM', option: '-F', delivery: 'only in spamassassin builds (spam is discarded)' },
  { bit: 0x10000, name: 'SA_ADMIN', option: '-S', delivery: null },
  { bit: 0x20000, name: 'SA_EXPERT', option: '-E', delivery: null },
  { bit: 0x40000, name: 'NO_MAILDROP', option: '-m', delivery: 'only in maildrop builds' },
];

export const BOUNCE_MAIL = 0x10;

/** Names of the flag bits set in a pw_gid value ("NO_POP|BOUNCE_MAIL"), or "none". */
export function describeGidFlags(gid: number): string {
  const names = GID_FLAGS.filter((f) => (gid & f.bit) !== 0).map((f) => f.name);
  const known = GID_FLAGS.reduce((a, f) => a | f.bit, 0);
  const unknown = gid & ~known;
  if (unknown) names.push(`0x${unknown.toString(16)}`);
  return names.length ? names.join('|') : 'none';
}

/**
 * Split a vpasswd value (everything after the name) the way vauth_getpw does:
 * colon-separated, fields missing at the end left empty.
 */
export function parseVpasswdValue(name: string, value: string, source: 'cdb' | 'text', line: number | null): VpasswdEntry {
  const f = value.split(':');
  const gidText = f[2] ?? '';
  const gidNum = /^[0-9]+$/.test(gidText) ? Number(gidText) : parseInt(gidText, 10);
  return {
    name,
    passwd: f[0] ?? '',
    uid: f[1] ?? '',
    gid: Number.isFinite(gidNum) ? gidNum : 0,
    gidText,
    gecos: f[3] ?? '',
    dir: f[4] ?? '',
    quota: f[5] ?? '',
    clearPasswd: f.length > 6 ? f.slice(6).join(':') : null,
    source,
    line,
  };
}

export interface VpasswdText {
  path: string;
  /** Lines as vgetent lists them (it stops at the first line with fewer than six colons). */
  entries: VpasswdEntry[];
  /** Every non-empty line as the cdb builder takes it (split at the first colon), for an on-the-fly rebuild. */
  builderRecords: Array<{ key: string; value: string; line: number }>;
  diagnostics: Diagnostic[];
}

/** Parse D/vpasswd. Never throws; bad lines become diagnostics naming the file and line. */
export function parseVpasswdText(buf: Buffer, path: string): VpasswdText {
  const text = decodeBytes(buf);
  const diagnostics: Diagnostic[] = [];
  const entries: VpasswdEntry[] = [];
  const builderRecords: VpasswdText['builderRecords'] = [];
  if (buf.includes(0)) {
    diagnostics.push({ path, line: null, severity: 'error', code: 'vpasswd-binary', message: 'vpasswd holds NUL bytes: the file is corrupt' });
  }
  const parts = text.split('\n');
  const last = parts.pop();
  if (last !== undefined && last !== '') {
    parts.push(last);
    diagnostics.push({
      path,
      line: parts.length,
      severity: 'warning',
      code: 'vpasswd-truncated',
      message: 'last line has no newline: the file may be truncated',
    });
  }
  let listing = true;
  const seen = new Map<string, number>();
  parts.forEach((raw, i) => {
    const lineNo = i + 1;
    const l = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (l === '') return;
    const c = l.indexOf(':');
    // The cdb builder (make_vpasswd_cdb) keeps every line, split at the first colon.
    builderRecords.push({ key: c < 0 ? l : l.slice(0, c), value: c < 0 ? '' : l.slice(c + 1), line: lineNo });
    const colons = l.split(':').length - 1;
    if (colons < 6) {
      if (listing) {
        diagnostics.push({
          path,
          line: lineNo,
          severity: 'error',
          code: 'vpasswd-format',
          message: `${colons} colon${colons === 1 ? '' : 's'} where vpasswd needs at least 6 (name:passwd:uid:gid:gecos:dir:quota): vpopmail's listings stop here`,
        });
      }
      listing = false;
      return;
    }
    if (!listing) return;
    const e = parseVpasswdValue(l.slice(0, c), l.slice(c + 1), 'text', lineNo);
    if (!/^[0-9]+$/.test(e.gidText)) {
      diagnostics.push({ path, line: lineNo, severity: 'warning', code: 'vpasswd-gid', message: `flags field "${e.gidText}" is not a decimal number` });
    }
    if (e.dir !== '' && !e.dir.startsWith('/')) {
      diagnostics.push({ path, line: lineNo, severity: 'warning', code: 'vpasswd-dir', message: `user directory "${e.dir}" is not absolute` });
    }
    const prev = seen.get(e.name);
    if (prev !== undefined) {
      diagnostics.push({ path, line: lineNo, severity: 'warning', code: 'vpasswd-duplicate', message: `user "${e.name}" already on line ${prev}; the cdb lookup returns the first` });
    } else seen.set(e.name, lineNo);
    entries.push(e);
  });
  return { path, entries, builderRecords, diagnostics };
}

/** vpasswd.cdb opened and checked, or why it cannot be used. */
export type VpasswdCdb =
  | { state: 'ok'; path: string; reader: CdbReader; names: string[] }
  | { state: 'corrupt'; path: string; message: string };

/** Check vpasswd.cdb bytes: header, tables and every record must fit (a truncated file is refused). */
export function openVpasswdCdb(buf: Buffer, path: string): VpasswdCdb {
  const reader = new CdbReader(buf);
  const bad = reader.validate();
  if (bad) return { state: 'corrupt', path, message: `vpasswd.cdb is corrupt: ${bad}` };
  const names: string[] = [];
  try {
    for (const r of reader.records()) names.push(r.key.toString('latin1'));
    // A record the hash tables cannot find means the tables are damaged.
    for (const n of names) reader.get(n);
  } catch (err) {
    return { state: 'corrupt', path, message: `vpasswd.cdb is corrupt: ${(err as Error).message}` };
  }
  return { state: 'ok', path, reader, names };
}

/** Look a user up in an opened vpasswd.cdb (key = exact lower-cased name). */
export function vpasswdCdbGet(cdb: Extract<VpasswdCdb, { state: 'ok' }>, name: string): VpasswdEntry | null {
  let v: Buffer | null;
  try {
    v = cdb.reader.get(Buffer.from(name, 'latin1'));
  } catch {
    return null;
  }
  if (v === null) return null;
  return parseVpasswdValue(name, decodeBytes(v), 'cdb', null);
}

/** All users in an opened vpasswd.cdb, in file order. */
export function vpasswdCdbEntries(cdb: Extract<VpasswdCdb, { state: 'ok' }>): VpasswdEntry[] {
  const out: VpasswdEntry[] = [];
  for (const r of cdb.reader.records()) out.push(parseVpasswdValue(r.key.toString('latin1'), decodeBytes(r.value), 'cdb', null));
  return out;
}

/** Build vpasswd.cdb bytes from vpasswd text, as vmkpasswd / make_vpasswd_cdb would (for demos and tests). */
export function makeVpasswdCdb(vpasswdText: string): Buffer {
  const parsed = parseVpasswdText(Buffer.from(vpasswdText, 'latin1'), 'vpasswd');
  return makeCdb(parsed.builderRecords.map((r) => ({ key: Buffer.from(r.key, 'latin1'), value: Buffer.from(r.value, 'latin1') })));
}

/** The differences between the text file and the cdb, in words (empty when they agree). */
export function compareVpasswd(text: VpasswdText, cdb: Extract<VpasswdCdb, { state: 'ok' }>): string[] {
  const out: string[] = [];
  const textMap = new Map<string, string>();
  for (const r of text.builderRecords) if (!textMap.has(r.key)) textMap.set(r.key, r.value);
  const cdbMap = new Map<string, string>();
  for (const r of cdb.reader.records()) {
    const k = r.key.toString('latin1');
    if (!cdbMap.has(k)) cdbMap.set(k, decodeBytes(r.value));
  }
  for (const [k, v] of textMap) {
    if (!cdbMap.has(k)) out.push(`user "${k}" is in vpasswd but not in vpasswd.cdb (vdelivermail will not find it)`);
    else if (cdbMap.get(k) !== v) out.push(`user "${k}" differs between vpasswd and vpasswd.cdb (vdelivermail uses the cdb)`);
  }
  for (const k of cdbMap.keys()) {
    if (!textMap.has(k)) out.push(`user "${k}" is in vpasswd.cdb but not in vpasswd (vdelivermail still delivers to it)`);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Quota
// ---------------------------------------------------------------------------

export type Quota = { kind: 'none' } | { kind: 'limit'; bytes: number | null; count: number | null; text: string } | { kind: 'invalid'; text: string };

/**
 * The pw_shell quota as vdelivermail uses it: a value starting with "NO"
 * (only two characters compared) means no quota; otherwise Maildir++
 * `<bytes>S[,<count>C]`, or the older forms plain bytes, `1M`, `1024K`, `1MB`.
 */
export function parseQuota(q: string): Quota {
  if (q.startsWith('NO') || q === '') return { kind: 'none' };
  const mpp = /^(?:([0-9]+)S)?(?:,?([0-9]+)C)?$/.exec(q);
  if (mpp && (mpp[1] !== undefined || mpp[2] !== undefined)) {
    return { kind: 'limit', bytes: mpp[1] !== undefined ? Number(mpp[1]) : null, count: mpp[2] !== undefined ? Number(mpp[2]) : null, text: q };
  }
  const old = /^([0-9]+)\s*([kKmMgG]?)[bB]?$/.exec(q);
  if (old) {
    const mult = { '': 1, k: 1024, m: 1024 * 1024, g: 1024 * 1024 * 1024 }[old[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
    return { kind: 'limit', bytes: Number(old[1]) * mult, count: null, text: q };
  }
  return { kind: 'invalid', text: q };
}

export interface Maildirsize {
  quota: Quota;
  usedBytes: number;
  usedCount: number;
}

/** A Maildir++ maildirsize file: first line the quota, then "bytes count" lines that add up. */
export function parseMaildirsize(buf: Buffer): Maildirsize {
  const lines = decodeBytes(buf).split('\n');
  const quota = parseQuota((lines[0] ?? '').trim());
  let usedBytes = 0;
  let usedCount = 0;
  for (const l of lines.slice(1)) {
    const m = /^\s*(-?[0-9]+)\s+(-?[0-9]+)\s*$/.exec(l);
    if (!m) continue;
    usedBytes += Number(m[1]);
    usedCount += Number(m[2]);
  }
  return { quota, usedBytes, usedCount };
}

/** Would a message of `size` bytes put the maildir over `quota` (user_over_maildirquota)? */
export function overQuota(quota: Quota, used: { usedBytes: number; usedCount: number }, size: number): { over: boolean; percent: number | null } {
  if (quota.kind !== 'limit') return { over: false, percent: null };
  let over = false;
  let percent = 0;
  if (quota.bytes !== null) {
    if (used.usedBytes + size > quota.bytes) over = true;
    percent = Math.max(percent, quota.bytes > 0 ? (100 * used.usedBytes) / quota.bytes : 100);
  }
  if (quota.count !== null) {
    if (used.usedCount + 1 > quota.count) over = true;
    percent = Math.max(percent, quota.count > 0 ? (100 * used.usedCount) / quota.count : 100);
  }
  return { over, percent };
}

// ---------------------------------------------------------------------------
// Build options (vpopmail_config.h)
// ---------------------------------------------------------------------------

export interface VpopmailBuild {
  qmailExt: boolean;
  valias: boolean;
  usersBigDir: boolean;
  clearPass: boolean;
  defaultDelivery: boolean;
  makeSeekable: boolean;
  maildrop: boolean;
  spamassassin: boolean;
  domainsDir: string;
  /** MAILDROP_PROG of a maildrop build. */
  maildropProg: string;
  /** 'cdb' unless the header names an SQL/LDAP backend. */
  backend: 'cdb' | 'mysql' | 'pgsql' | 'ldap' | 'sqlite' | 'oracle' | 'sybase';
  version: string | null;
  /** System path of the header read, or null when the vpopmail 5.4 defaults are assumed. */
  path: string | null;
  /** Every `#define` of the header (name -> value text), for the options read elsewhere (the SQL backend's). */
  defines?: ReadonlyMap<string, string>;
  /** Words for a step: where the options came from. */
  explanation: string;
}

/** vpopmail 5.4's configure defaults (virtual-domain-managers.md §1.1). */
export function vpopmail54Defaults(explanation = 'no vpopmail_config.h found: vpopmail 5.4 defaults assumed (qmail-ext off, valias off, users-big-dir on, cdb backend)'): VpopmailBuild {
  return {
    qmailExt: false,
    valias: false,
    usersBigDir: true,
    clearPass: true,
    defaultDelivery: false,
    makeSeekable: true,
    maildrop: false,
    spamassassin: false,
    domainsDir: 'domains',
    maildropProg: 'maildrop',
    backend: 'cdb',
    version: null,
    path: null,
    defines: new Map(),
    explanation,
  };
}

/** Read the `#define`s of an installed vpopmail_config.h (autoheader output of config.h.in). */
export function parseVpopmailConfig(text: string, path: string): VpopmailBuild {
  const defs = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*#\s*define\s+([A-Za-z_][A-Za-z0-9_]*)(?:\s+(.*?))?\s*$/.exec(line);
    if (m) defs.set(m[1], (m[2] ?? '').replace(/\/\*.*\*\/\s*$/, '').trim());
  }
  const str = (k: string): string | null => {
    const v = defs.get(k);
    if (v === undefined) return null;
    const q = /^"(.*)"$/.exec(v);
    return q ? q[1] : v;
  };
  const backend: VpopmailBuild['backend'] = defs.has('USE_MYSQL')
    ? 'mysql'
    : defs.has('USE_POSTGRES')
      ? 'pgsql'
      : defs.has('USE_LDAP')
        ? 'ldap'
        : defs.has('USE_SQLITE')
          ? 'sqlite'
          : defs.has('USE_ORACLE')
            ? 'oracle'
            : defs.has('USE_SYBASE')
              ? 'sybase'
              : 'cdb';
  const version = str('PACKAGE_VERSION') ?? str('VERSION');
  const b: VpopmailBuild = {
    qmailExt: defs.has('QMAIL_EXT'),
    valias: defs.has('VALIAS'),
    usersBigDir: defs.has('USERS_BIG_DIR'),
    clearPass: defs.has('CLEAR_PASS'),
    defaultDelivery: defs.has('DEFAULT_DELIVERY'),
    makeSeekable: defs.has('MAKE_SEEKABLE'),
    maildrop: defs.has('MAILDROP'),
    spamassassin: defs.has('SPAMASSASSIN'),
    domainsDir: str('DOMAINS_DIR') ?? 'domains',
    maildropProg: str('MAILDROP_PROG') ?? 'maildrop',
    backend,
    version,
    path,
    defines: defs,
    explanation: '',
  };
  const on = [b.qmailExt && 'qmail-ext', b.valias && 'valias', b.usersBigDir && 'users-big-dir', b.defaultDelivery && 'defaultdelivery', b.maildrop && 'maildrop', b.spamassassin && 'spamassassin'].filter(Boolean);
  b.explanation = `build options from ${path}${version ? ` (vpopmail ${version})` : ''}: ${on.length ? on.join(', ') + ' on' : 'qmail-ext, valias off'}, ${backend} backend`;
  return b;
}

// ---------------------------------------------------------------------------
// The vdelivermail line
// ---------------------------------------------------------------------------

/** Does argv[0] name vpopmail's delivery program? */
export function isVdelivermail(program: string): boolean {
  const base = program.slice(program.lastIndexOf('/') + 1);
  return base.endsWith('vdelivermail');
}

export type CatchAll =
  | { kind: 'delete'; arg: string }
  | { kind: 'bounce-no-mailbox'; arg: string }
  | { kind: 'path'; arg: string; dir: string }
  | { kind: 'forward'; arg: string };

/** The catch-all argument as vdelivermail's usernotfound() reads it (§2.4). */
export function classifyCatchAll(arg: string): CatchAll {
  if (arg === 'delete') return { kind: 'delete', arg };
  if (arg === 'bounce-no-mailbox') return { kind: 'bounce-no-mailbox', arg };
  if (arg.startsWith('/')) return { kind: 'path', arg, dir: arg.endsWith('/') ? arg : arg + '/' };
  return { kind: 'forward', arg };
}

/** The characters is_username_valid() accepts. */
export function invalidUserChars(user: string): string[] {
  const bad = new Set<string>();
  for (const c of user) {
    if (!/[!#$&'*+\-./0-9=?A-Z^_`a-z{|}~]/.test(c)) bad.add(c);
  }
  return [...bad];
}

/** vpopmail's lower-casing helper: ASCII lower case, cut at 156 characters. */
export function vpopLower(s: string): string {
  return s.slice(0, 156).replace(/[A-Z]+/g, (m) => m.toLowerCase());
}
