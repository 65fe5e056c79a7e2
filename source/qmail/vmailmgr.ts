// VMailMgr's files (virtual-domain-managers.md §3): the binary user records
// of ~base/passwd.cdb (lib/vpwentry: version 2, version 1 and the oldest
// ":CRYPT:DEST" form), the one-file-per-setting configuration
// (~/.vmailmgr/NAME, then /etc/vmailmgr/NAME), and which domains of an
// installation are VMailMgr domains.
import type { Sysroot } from '../sysroot/sysroot.js';
import { decodeBytes } from '../sysroot/sysroot.js';
import type { Diagnostic, Installation, SystemUsers } from './model-types.js';
import { CdbReader } from './cdb.js';
import type { ManagerDomainSummary, ManagerEntry } from './manager-types.js';
import { readQuiet } from './quiet-read.js';

/** UINT_MAX: `-` in a record, "unlimited" / "never". */
export const VMM_UNLIMITED = 4294967295;

export interface VmmRecord {
  /** 2, 1, or 0 for the oldest ":CRYPT:DEST" form. */
  version: 0 | 1 | 2;
  flags: { hasMailbox: boolean; mailboxEnabled: boolean };
  passwd: string;
  /** Mailbox directory as stored (e.g. "./users/joe"); may be empty. */
  mailbox: string;
  forwards: string[];
  personal: string;
  /** null = unlimited (`-`). */
  hardQuota: number | null;
  softQuota: number | null;
  msgSize: number | null;
  msgCount: number | null;
  ctime: number | null;
  /** null = never expires. */
  expiry: number | null;
}

export type VmmDecoded = { ok: true; record: VmmRecord } | { ok: false; reason: string };

function num(s: string): number | null | undefined {
  if (s === '-') return null;
  if (!/^[0-9]+$/.test(s)) return undefined;
  const n = Number(s);
  return n >= VMM_UNLIMITED ? null : n;
}

/** Decode one passwd.cdb value. An invalid record reads, to vdeliver, exactly like a missing user. */
export function decodeVmmRecord(buf: Buffer): VmmDecoded {
  if (buf.length === 0) return { ok: false, reason: 'empty record' };
  const first = buf[0];
  if (first === 0x3a) return decodeOld(buf);
  if (first !== 0x01 && first !== 0x02) {
    return { ok: false, reason: first === 0x03 ? 'version 3 record (only proposed in record-format.txt; vmailmgr 0.97.1 cannot read it)' : `unknown record version byte 0x${first.toString(16).padStart(2, '0')}` };
  }
  let p = 1;
  let hasMailbox = true;
  let mailboxEnabled = true;
  if (first === 0x02) {
    for (;;) {
      if (p >= buf.length) return { ok: false, reason: 'flag list runs past the end of the record' };
      const f = buf[p++];
      if (f === 0) break;
      if (p >= buf.length) return { ok: false, reason: 'flag without a value byte' };
      const v = buf[p++];
      if (f === 10) hasMailbox = v !== 0;
      else if (f === 8) mailboxEnabled = v !== 0;
      else return { ok: false, reason: `unknown flag number ${f} (0x${f.toString(16).padStart(2, '0')})` };
    }
  }
  if (buf[buf.length - 1] !== 0) return { ok: false, reason: 'last byte is not NUL (truncated record)' };
  const str = (): string | null => {
    const z = buf.indexOf(0, p);
    if (z < 0) return null;
    const s = decodeBytes(buf.subarray(p, z));
    p = z + 1;
    return s;
  };
  const passwd = str();
  const mailbox = str();
  if (passwd === null || mailbox === null) return { ok: false, reason: 'record ends inside the password or mailbox field' };
  const forwards: string[] = [];
  for (;;) {
    const f = str();
    if (f === null) return { ok: false, reason: 'record ends inside the forward list' };
    if (f === '') break;
    forwards.push(f);
  }
  const rest: string[] = [];
  for (let i = 0; i < 7; i++) {
    const s = str();
    if (s === null) return { ok: false, reason: `record ends before field ${i + 1} of personal/quota/size/count/ctime/expiry` };
    rest.push(s);
  }
  if (p !== buf.length) return { ok: false, reason: `${buf.length - p} bytes left over after the expiry field` };
  const nums = rest.slice(1).map(num);
  const badIdx = nums.findIndex((n) => n === undefined);
  if (badIdx >= 0) return { ok: false, reason: `"${rest[badIdx + 1]}" is not a number or "-"` };
  const [hq, sq, ms, mc, ct, ex] = nums as Array<number | null>;
  return {
    ok: true,
    record: {
      version: first === 0x02 ? 2 : 1,
      // An empty directory forces has-mailbox off (decode_base).
      flags: { hasMailbox: hasMailbox && mailbox !== '', mailboxEnabled },
      passwd,
      mailbox,
      forwards,
      personal: rest[0],
      hardQuota: hq,
      softQuota: sq,
      msgSize: ms,
      msgCount: mc,
      ctime: ct,
      expiry: ex,
    },
  };
}

function decodeOld(buf: Buffer): VmmDecoded {
  const s = decodeBytes(buf);
  const c = s.indexOf(':', 1);
  if (c < 0) return { ok: false, reason: 'old-format record without a second ":"' };
  const passwd = s.slice(1, c);
  const dest = s.slice(c + 1);
  const isDir = dest.startsWith('.') || dest.startsWith('/');
  const list = isDir ? [] : (dest.startsWith('&') ? dest.slice(1) : dest).split(',').filter((x) => x !== '');
  return {
    ok: true,
    record: {
      version: 0,
      flags: { hasMailbox: isDir && dest !== '', mailboxEnabled: true },
      passwd,
      mailbox: isDir ? dest : '',
      forwards: list,
      personal: '',
      hardQuota: null,
      softQuota: null,
      msgSize: null,
      msgCount: null,
      ctime: null,
      expiry: null,
    },
  };
}

/** Encode a record as vmailmgr 0.96.5+ writes it (to.cc); version 0/1 records as their own forms. For demos and tests. */
export function encodeVmmRecord(r: VmmRecord): Buffer {
  if (r.version === 0) {
    const dest = r.mailbox !== '' ? r.mailbox : r.forwards.join(',');
    return Buffer.from(`:${r.passwd}:${dest}`, 'latin1');
  }
  const n = (v: number | null): string => (v === null ? '-' : String(v));
  const parts: Buffer[] = [Buffer.from([r.version])];
  if (r.version === 2) parts.push(Buffer.from([10, r.flags.hasMailbox && r.mailbox !== '' ? 1 : 0, 8, r.flags.mailboxEnabled ? 1 : 0, 0]));
  const z = (s: string) => Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])]);
  parts.push(z(r.passwd), z(r.mailbox));
  for (const f of r.forwards) parts.push(z(f));
  parts.push(Buffer.from([0]));
  parts.push(z(r.personal), z(n(r.hardQuota)), z(n(r.softQuota)), z(n(r.msgSize)), z(n(r.msgCount)), z(n(r.ctime)), z(n(r.expiry)));
  return Buffer.concat(parts);
}

export type VmmTable =
  | { state: 'absent'; path: string }
  | { state: 'unreadable'; path: string; message: string }
  | { state: 'corrupt'; path: string; message: string }
  | { state: 'ok'; path: string; reader: CdbReader };

/** Open passwd.cdb bytes, refusing a truncated or damaged file. */
export function openVmmTable(buf: Buffer, path: string): VmmTable {
  const reader = new CdbReader(buf);
  const bad = reader.validate();
  if (bad) return { state: 'corrupt', path, message: `passwd.cdb is corrupt: ${bad}` };
  try {
    const keys: Buffer[] = [];
    for (const r of reader.records()) keys.push(r.key);
    for (const k of keys) reader.get(k);
  } catch (err) {
    return { state: 'corrupt', path, message: `passwd.cdb is corrupt: ${(err as Error).message}` };
  }
  return { state: 'ok', path, reader };
}

/** Look a virtual user up (key = name lower-cased); the raw value too, for evidence. */
export function vmmLookup(t: Extract<VmmTable, { state: 'ok' }>, name: string): { raw: Buffer; decoded: VmmDecoded } | null {
  let v: Buffer | null;
  try {
    v = t.reader.get(Buffer.from(name.replace(/[A-Z]+/g, (m) => m.toLowerCase()), 'latin1'));
  } catch {
    return null;
  }
  return v === null ? null : { raw: v, decoded: decodeVmmRecord(v) };
}

/** Every record of a table, decoded, in file order (listings, lint). */
export function vmmEntries(t: Extract<VmmTable, { state: 'ok' }>): Array<{ name: string; decoded: VmmDecoded }> {
  const out: Array<{ name: string; decoded: VmmDecoded }> = [];
  for (const r of t.reader.records()) out.push({ name: r.key.toString('latin1'), decoded: decodeVmmRecord(r.value) });
  return out;
}

/** Built-in defaults of the settings that matter for delivery (configrc.in). */
export const VMM_DEFAULTS: Record<string, string> = {
  'password-file': 'passwd',
  'default-username': '+',
  'user-dir': 'users',
  'qmail-root': '/var/qmail',
  'postmaster-email': 'postmaster@',
};

export interface VmmSetting {
  name: string;
  value: string | null;
  /** File it came from, or null for the built-in default. */
  path: string | null;
}

/** One setting: ~base/.vmailmgr/NAME, then /etc/vmailmgr/NAME; the first whose first line is not blank. */
export function vmmConfig(sysroot: Sysroot, home: string, name: string): VmmSetting {
  for (const p of [`${home.replace(/\/+$/, '')}/.vmailmgr/${name}`, `/etc/vmailmgr/${name}`]) {
    const r = readQuiet(sysroot, p);
    if (!('buf' in r)) continue;
    const first = decodeBytes(r.buf).split('\n')[0].trim();
    if (first !== '') return { name, value: first, path: p };
  }
  return { name, value: VMM_DEFAULTS[name] ?? null, path: null };
}

/** Load ~base/<password-file>.cdb. */
export function loadVmmTable(sysroot: Sysroot, home: string): { table: VmmTable; setting: VmmSetting; diagnostics: Diagnostic[] } {
  const setting = vmmConfig(sysroot, home, 'password-file');
  const base = setting.value ?? 'passwd';
  const path = base.startsWith('/') ? `${base}.cdb` : `${home.replace(/\/+$/, '')}/${base}.cdb`;
  const r = readQuiet(sysroot, path);
  if ('buf' in r) {
    // The sysroot hands out the same Buffer for the same file until it is
    // reopened: a queue listing asks for one base user's table thousands of
    // times, and checking and decoding every record each time was most of it.
    let byPath = openedTables.get(r.buf);
    if (!byPath) openedTables.set(r.buf, (byPath = new Map()));
    let opened = byPath.get(path);
    if (!opened) byPath.set(path, (opened = openVmmTableChecked(r.buf, path)));
    return { table: opened.table, setting, diagnostics: opened.diagnostics.slice() };
  }
  const diagnostics: Diagnostic[] = [];
  let table: VmmTable;
  if ('error' in r) table = { state: 'unreadable', path, message: r.error };
  else table = { state: 'absent', path };
  if (table.state === 'unreadable') diagnostics.push({ path, line: null, severity: 'error', code: 'vmm-table-unreadable', message: `cannot read passwd.cdb (${table.message})` });
  return { table, setting, diagnostics };
}

const openedTables = new WeakMap<Buffer, Map<string, { table: VmmTable; diagnostics: Diagnostic[] }>>();

function openVmmTableChecked(buf: Buffer, path: string): { table: VmmTable; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const table = openVmmTable(buf, path);
  if (table.state === 'corrupt') diagnostics.push({ path, line: null, severity: 'error', code: 'vmm-table-corrupt', message: `${table.message}; vdeliver's lookups in it cannot be predicted` });
  if (table.state === 'ok') {
    for (const e of vmmEntries(table)) {
      if (!e.decoded.ok) diagnostics.push({ path, line: null, severity: 'warning', code: 'vmm-record-invalid', message: `record "${e.name}" is invalid (${e.decoded.reason}): vdeliver treats the user as unknown` });
    }
  }
  return { table, diagnostics };
}

/** Does argv[0] name VMailMgr's delivery program? */
export function isVdeliver(program: string): boolean {
  const base = program.slice(program.lastIndexOf('/') + 1);
  return base.endsWith('vdeliver');
}

export interface VmailmgrDomainInfo {
  domain: string;
  baseUser: string;
  home: string;
  dotqmailDefault: string;
  table: string;
}

/** Domains whose virtualdomains prepend names a passwd user with a vdeliver ~/.qmail-default. */
export function findVmailmgrDomains(inst: Installation, users: SystemUsers): VmailmgrDomainInfo[] {
  const out: VmailmgrDomainInfo[] = [];
  for (const [key, entry] of inst.virtualdomains().map) {
    if (key.includes('@') || entry.value === '') continue;
    const pw = users.byName(entry.value.toLowerCase());
    if (!pw) continue;
    const home = pw.home.replace(/\/+$/, '');
    const dq = `${home}/.qmail-default`;
    const r = readQuiet(inst.sysroot, dq);
    if (!('buf' in r)) continue;
    const first = decodeBytes(r.buf).split('\n').find((l) => l.startsWith('|'));
    if (!first) continue;
    const prog = first.slice(1).trim().split(/\s+/)[0] ?? '';
    if (!isVdeliver(prog)) continue;
    const setting = vmmConfig(inst.sysroot, home, 'password-file');
    out.push({ domain: key, baseUser: pw.name, home, dotqmailDefault: dq, table: `${home}/${setting.value ?? 'passwd'}.cdb` });
  }
  return out;
}

/** A VMailMgr domain as domain → users and aliases → their deliveries (one table for every domain of the base user). */
export function summarizeVmailmgrDomain(sysroot: Sysroot, d: VmailmgrDomainInfo): ManagerDomainSummary {
  const { table, diagnostics } = loadVmmTable(sysroot, d.home);
  const entries: ManagerEntry[] = [];
  const def = vmmConfig(sysroot, d.home, 'default-username').value ?? '+';
  let catchAll = 'none (unknown users bounce)';
  if (table.state === 'ok') {
    for (const e of vmmEntries(table)) {
      if (!e.decoded.ok) {
        entries.push({ name: e.name, kind: 'user', deliveries: [], path: table.path, notes: [`invalid record (${e.decoded.reason}): treated as unknown`] });
        continue;
      }
      const r = e.decoded.record;
      const deliveries: string[] = [];
      const mailbox = r.flags.hasMailbox && r.flags.mailboxEnabled && r.mailbox !== '';
      if (mailbox) deliveries.push(`${d.home}/${r.mailbox.replace(/^\.\//, '')}/`);
      deliveries.push(...r.forwards.map((f) => `forward ${f}`));
      const notes: string[] = [];
      if (r.expiry !== null) notes.push(`expires ${new Date(r.expiry * 1000).toISOString()}`);
      if (r.flags.hasMailbox && !r.flags.mailboxEnabled) notes.push('mailbox disabled');
      if (deliveries.length === 0) notes.push('no mailbox and no forwards: messages are discarded');
      const kind = e.name === def ? 'catch-all' : mailbox || r.flags.hasMailbox ? 'user' : 'alias';
      if (kind === 'catch-all') catchAll = deliveries.join(', ') || 'discard';
      entries.push({ name: e.name, kind, deliveries, path: table.path, notes });
    }
  }
  return {
    manager: 'vmailmgr',
    domain: d.domain,
    users: entries.filter((e) => e.kind === 'user').length,
    aliases: entries.filter((e) => e.kind === 'alias').length,
    catchAll,
    entries,
    diagnostics,
  };
}
