// Where vpopmail keeps things on a host, read through the sysroot: the
// vpopmail home and its build header, a domain's vpasswd / vpasswd.cdb pair
// (with the staleness checks an admin needs), the users/cdb record that
// vget_assign() reads, and the list of vpopmail domains of an installation.
import type { Sysroot } from '../sysroot/sysroot.js';
import type { Diagnostic, Installation, SystemUsers, UsersCdb } from './model-types.js';
import type { ManagerDomainSummary, ManagerEntry } from './manager-types.js';
import { readQuiet, statQuiet } from './quiet-read.js';
import { decodeBytes } from '../sysroot/sysroot.js';
import {
  classifyCatchAll,
  compareVpasswd,
  isVdelivermail,
  openVpasswdCdb,
  parseVpasswdText,
  parseVpopmailConfig,
  vpopmail54Defaults,
  vpasswdCdbEntries,
  type VpasswdCdb,
  type VpasswdText,
  type VpopmailBuild,
} from './vpopmail.js';

/** A users/cdb record as qmail-lspawn and vget_assign() read it. */
export interface AssignRecord {
  user: string;
  uid: number;
  gid: number;
  home: string;
  dash: string;
  pre: string;
}

/** vget_assign(): the users/cdb key `!domain-`, or null (missing key or no usable users/cdb). */
export function vgetAssign(usersCdb: UsersCdb, domain: string): AssignRecord | null {
  if (usersCdb.state !== 'ok') return null;
  let v: Buffer | null;
  try {
    v = usersCdb.reader.get(Buffer.from(`!${domain}-`, 'latin1'));
  } catch {
    return null;
  }
  if (v === null) return null;
  const f = decodeBytes(v).split('\0');
  if (f.length < 6) return null;
  return { user: f[0], uid: Number(f[1]), gid: Number(f[2]), home: f[3], dash: f[4], pre: f[5] };
}

/**
 * The vpopmail home (VPOPMAILDIR): from the program path `/X/bin/vdelivermail`
 * when it has that shape, else the passwd user `vpopmail`, else the
 * conventional /home/vpopmail.
 */
export function vpopmailHome(program: string | null, users: SystemUsers | null): { home: string; how: string } {
  if (program && program.startsWith('/')) {
    const m = /^(\/.*)\/bin\/[^/]*vdelivermail$/.exec(program);
    if (m) return { home: m[1], how: `from the program path ${program}` };
  }
  const pw = users?.byName('vpopmail') ?? null;
  if (pw) return { home: pw.home.replace(/\/+$/, '') || '/', how: 'home of the passwd user vpopmail' };
  return { home: '/home/vpopmail', how: 'conventional /home/vpopmail (no vpopmail passwd user)' };
}

/** The build options of the vpopmail installed under `home` (include/vpopmail_config.h), else 5.4 defaults. */
export function loadVpopmailBuild(sysroot: Sysroot, home: string): VpopmailBuild {
  const p = `${home}/include/vpopmail_config.h`;
  const r = readQuiet(sysroot, p);
  if ('buf' in r) return parseVpopmailConfig(decodeBytes(r.buf), p);
  if ('error' in r) return vpopmail54Defaults(`${p} unreadable (${r.error}): vpopmail 5.4 defaults assumed (qmail-ext off, valias off, users-big-dir on, cdb backend)`);
  return vpopmail54Defaults(`no ${p}: vpopmail 5.4 defaults assumed (qmail-ext off, valias off, users-big-dir on, cdb backend)`);
}

export interface VpasswdPair {
  dir: string;
  cdbPath: string;
  textPath: string;
  /** null: file absent. */
  cdb: VpasswdCdb | null;
  cdbError: string | null;
  text: VpasswdText | null;
  textError: string | null;
  cdbMtimeMs: number | null;
  textMtimeMs: number | null;
  /** Staleness and disagreement, and every parse problem of either file. */
  diagnostics: Diagnostic[];
}

/** Read D/vpasswd and D/vpasswd.cdb and say how they relate (the cdb is what vdelivermail reads). */
export function loadVpasswdPair(sysroot: Sysroot, dir: string): VpasswdPair {
  const cdbPath = `${dir}/vpasswd.cdb`;
  const textPath = `${dir}/vpasswd`;
  const diagnostics: Diagnostic[] = [];
  const out: VpasswdPair = { dir, cdbPath, textPath, cdb: null, cdbError: null, text: null, textError: null, cdbMtimeMs: null, textMtimeMs: null, diagnostics };
  const c = readQuiet(sysroot, cdbPath);
  if ('buf' in c) {
    out.cdb = openVpasswdCdb(c.buf, cdbPath);
    out.cdbMtimeMs = statQuiet(sysroot, cdbPath)?.mtimeMs ?? null;
    if (out.cdb.state === 'corrupt') diagnostics.push({ path: cdbPath, line: null, severity: 'error', code: 'vpasswd-cdb-corrupt', message: `${out.cdb.message}; vdelivermail's lookups in it cannot be predicted (run vmkpasswd)` });
  } else if ('error' in c) {
    out.cdbError = c.error;
    diagnostics.push({ path: cdbPath, line: null, severity: 'error', code: 'vpasswd-cdb-unreadable', message: `cannot read vpasswd.cdb (${c.error})` });
  }
  const t = readQuiet(sysroot, textPath);
  if ('buf' in t) {
    out.text = parseVpasswdText(t.buf, textPath);
    out.textMtimeMs = statQuiet(sysroot, textPath)?.mtimeMs ?? null;
    diagnostics.push(...out.text.diagnostics);
  } else if ('error' in t) {
    out.textError = t.error;
    diagnostics.push({ path: textPath, line: null, severity: 'warning', code: 'vpasswd-unreadable', message: `cannot read vpasswd (${t.error})` });
  }
  if (out.cdb?.state === 'ok' && out.text) {
    if (out.textMtimeMs !== null && out.cdbMtimeMs !== null && out.textMtimeMs > out.cdbMtimeMs) {
      diagnostics.push({
        path: textPath,
        line: null,
        severity: 'warning',
        code: 'vpasswd-newer',
        message: 'vpasswd is newer than vpasswd.cdb: vdelivermail reads only the cdb, so recent edits are not seen until vmkpasswd runs',
      });
    }
    for (const d of compareVpasswd(out.text, out.cdb)) {
      diagnostics.push({ path: cdbPath, line: null, severity: 'warning', code: 'vpasswd-differs', message: d });
    }
  } else if (out.cdb === null && out.cdbError === null && out.text) {
    diagnostics.push({ path: cdbPath, line: null, severity: 'info', code: 'vpasswd-cdb-missing', message: 'vpasswd.cdb is missing: vdelivermail rebuilds it from vpasswd on the next lookup' });
  }
  return out;
}

/** One vpopmail domain of an installation, as the Domains view and `check` see it. */
export interface VpopmailDomainInfo {
  /** The domain as addressed (virtualdomains key). */
  domain: string;
  /** The real domain (assign user field); differs for an alias domain. */
  realDomain: string;
  alias: boolean;
  dir: string;
  uid: number;
  gid: number;
  /** The .qmail-default line calling vdelivermail, and its catch-all argument. */
  dotqmailDefault: string;
  line: number;
  command: string;
  catchAll: string | null;
}

/**
 * Find vpopmail domains: a virtualdomains line whose prepend equals the
 * domain, a users/cdb `!domain-` record, and a .qmail-default in the
 * record's home whose first delivery line runs vdelivermail.
 */
export function findVpopmailDomains(inst: Installation): VpopmailDomainInfo[] {
  const out: VpopmailDomainInfo[] = [];
  const vd = inst.virtualdomains();
  const ucdb = inst.usersCdb();
  for (const [key, entry] of vd.map) {
    if (key === '' || key.startsWith('.') || key.includes('@')) continue;
    if (entry.value.toLowerCase() !== key) continue;
    const rec = vgetAssign(ucdb, key);
    if (!rec) continue;
    const dq = `${rec.home.replace(/\/+$/, '')}/.qmail-default`;
    const r = readQuiet(inst.sysroot, dq);
    if (!('buf' in r)) continue;
    const lines = decodeBytes(r.buf).split('\n');
    const idx = lines.findIndex((l) => l.startsWith('|'));
    if (idx < 0) continue;
    const command = lines[idx].slice(1).replace(/[ \t]+$/, '');
    const words = command.trim().split(/\s+/);
    if (!isVdelivermail(words[0] ?? '')) continue;
    const last = words.length >= 3 ? words[words.length - 1].replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1') : null;
    out.push({
      domain: key,
      realDomain: rec.user,
      alias: rec.user !== key,
      dir: rec.home.replace(/\/+$/, ''),
      uid: rec.uid,
      gid: rec.gid,
      dotqmailDefault: dq,
      line: idx + 1,
      command,
      catchAll: last,
    });
  }
  return out.sort((a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0));
}

/**
 * A vpopmail domain as domain → users and valiases → their deliveries (read from vpasswd.cdb, the files vdelivermail reads).
 * `deliveries: false` leaves each user's own .qmail unread (every user then shows its Maildir): for callers that want
 * the counts only, as one read per user is most of the cost on a host with many users.
 */
export function summarizeVpopmailDomain(sysroot: Sysroot, d: VpopmailDomainInfo, opts: { deliveries?: boolean } = {}): ManagerDomainSummary {
  const pair = loadVpasswdPair(sysroot, d.dir);
  const entries: ManagerEntry[] = [];
  const list = pair.cdb?.state === 'ok' ? vpasswdCdbEntries(pair.cdb) : pair.cdb === null && pair.text ? pair.text.entries : [];
  const src = pair.cdb?.state === 'ok' ? pair.cdbPath : pair.textPath;
  for (const u of list) {
    const notes: string[] = [];
    if (u.gid & 0x10) notes.push('BOUNCE_MAIL: every message bounces');
    if (u.quota && !u.quota.startsWith('NO')) notes.push(`quota ${u.quota}`);
    const dir = u.dir.replace(/\/+$/, '');
    let deliveries = [dir === '' ? '(directory made on first delivery)/Maildir/' : `${dir}/Maildir/`];
    const q = dir && opts.deliveries !== false ? readQuiet(sysroot, `${dir}/.qmail`) : { absent: true as const };
    if ('buf' in q && q.buf.length > 0) {
      deliveries = decodeBytes(q.buf).split('\n').filter((l) => l !== '');
      notes.push(`delivery file ${dir}/.qmail`);
    }
    entries.push({ name: u.name, kind: 'user', deliveries, path: src, notes });
  }
  let names: string[] = [];
  try {
    names = sysroot.readdir(d.dir) ?? [];
  } catch {
    names = [];
  }
  const userSet = new Set(list.map((u) => u.name));
  for (const n of names) {
    if (!n.startsWith('.qmail-') || n === '.qmail-default') continue;
    const r = readQuiet(sysroot, `${d.dir}/${n}`);
    const lines = 'buf' in r ? decodeBytes(r.buf).split('\n').filter((l) => l !== '') : [];
    const name = n.slice('.qmail-'.length).replace(/:/g, '.');
    const notes = userSet.has(name) ? [`shadows the vpasswd user ${name}`] : [];
    entries.push({ name, kind: 'alias', deliveries: lines, path: `${d.dir}/${n}`, notes });
  }
  const ca = d.catchAll === null ? null : classifyCatchAll(d.catchAll);
  const catchAll = ca === null ? 'none' : ca.kind === 'path' ? `path ${ca.dir}` : ca.kind === 'forward' ? `forward ${ca.arg}` : ca.kind;
  entries.push({ name: '(unknown users)', kind: 'catch-all', deliveries: [catchAll], path: d.dotqmailDefault, notes: [] });
  return {
    manager: 'vpopmail',
    domain: d.domain,
    users: entries.filter((e) => e.kind === 'user').length,
    aliases: entries.filter((e) => e.kind === 'alias').length,
    catchAll,
    entries,
    diagnostics: pair.diagnostics,
  };
}
