// vdelivermail's user look-up behind one interface, so that the walk in
// trace/vpopmail.ts (checkuser, usernotfound, the .qmail lines) is the same
// whatever backend keeps the users: vauth_getpw() for a user, valias_select()
// for the SQL/LDAP valias rows process_valias() reads first, and the hash
// slot make_user_dir() gives a user whose pw_dir is empty. Two
// implementations: the cdb backend here (vcdb.c: D/vpasswd.cdb, rebuilt
// from D/vpasswd when missing; D/.dir-control), and MySQL in
// trace/vpopmail-sql.ts (vmysql.c).
import type { Sysroot } from '../sysroot/sysroot.js';
import { decodeBytes } from '../sysroot/sysroot.js';
import {
  describeGidFlags,
  openVpasswdCdb,
  parseVpasswdText,
  parseVpasswdValue,
  vpasswdCdbGet,
  type VpasswdEntry,
  type VpopmailBuild,
} from '../qmail/vpopmail.js';
import { vgetAssign, type AssignRecord } from '../qmail/vpopmail-domain.js';
import { readQuiet, statQuiet } from '../qmail/quiet-read.js';
import type { VdmContext } from './vpopmail.js';

/** What vdelivermail knows of the message and the domain once its arguments are read (§2.2 step 2). */
export interface VdmState {
  user: string;
  domain: string;
  userBase: string;
  ext: string;
  assign: AssignRecord | null;
  domainDir: string;
  vhome: string;
  build: VpopmailBuild;
  catchAllArg: string;
  vpw: VpasswdEntry | null;
  lookup: VpopmailUserLookup;
}

/** The part of a vdelivermail run a look-up may use: its context, a step, and the end of the run. */
export interface LookupRun {
  readonly ctx: VdmContext;
  step(text: string, path?: string, line?: number, warn?: boolean): void;
  end(kind: 'bounce' | 'defer' | 'discard', target: string, why: string, path?: string, line?: number): never;
}

/** The hash slot of a new user directory, and where it was read. */
export interface DirSlot {
  slot: string;
  from: string;
  path?: string;
}

/**
 * One backend's answers. A look-up may end the run (run.end: a damaged
 * table, a database that cannot be reached), which is vdelivermail
 * deferring; `null` is "not found": the catch-all decides.
 */
export interface VpopmailUserLookup {
  /** Called once, before any look-up, when user and real domain are known (the SQL backend fetches every record the run may ask for). */
  prepare?(run: LookupRun, st: VdmState): void;
  /** vauth_getpw asks the backend even when vget_assign found no domain (SQL: the query runs anyway; the cdb backend has no file to open). */
  withoutAssign?: boolean;
  /** vauth_getpw(name, st.domain). */
  getpw(run: LookupRun, st: VdmState, name: string): VpasswdEntry | null;
  /** valias_select(alias, st.domain): the rows, or null when there are none (SQL/LDAP builds with VALIAS only). */
  valias?(run: LookupRun, st: VdmState, alias: string): string[] | null;
  /** make_user_dir()'s slot for a user whose pw_dir is empty. */
  dirSlot(run: LookupRun, st: VdmState): DirSlot;
}

/** Read through the delivery user's eyes: content, or why it cannot be read; null when absent. */
export function readUser(run: LookupRun, path: string): { buf: Buffer } | { denied: string } | null {
  const r = run.ctx.readAsUser(path);
  if (r === null) return null;
  return r.ok ? { buf: r.buf } : { denied: r.reason };
}

/** vauth_getpw(user, realdomain) over the cdb backend (§1.5). */
function vauthGetpw(run: LookupRun, st: VdmState, name: string): VpasswdEntry | null {
  const { ctx } = run;
  const rec = vgetAssign(ctx.usersCdb(), st.domain);
  if (!rec) {
    run.step(`vauth_getpw(${name}@${st.domain}): ${st.domain} has no users/cdb record !${st.domain}- → not found`);
    return null;
  }
  const dir = rec.home.replace(/\/+$/, '');
  if (ctx.runUid !== 0 && ctx.runUid !== rec.uid) {
    run.step(`vauth_getpw(${name}): running as uid ${ctx.runUid}, neither root nor the domain's uid ${rec.uid} → not found (no error code, so the catch-all applies)`, undefined, undefined, true);
    return null;
  }
  const cdbPath = `${dir}/vpasswd.cdb`;
  const r = readUser(run, cdbPath);
  if (r && 'buf' in r) {
    const cdb = openVpasswdCdbOnce(r.buf, cdbPath);
    if (cdb.state === 'corrupt') {
      run.end('defer', `qlens cannot trace further: ${cdb.message}`, `${cdb.message}. vdelivermail's cdb lookup in a damaged file cannot be predicted (it may find nothing and use the catch-all); qlens stops here. Rebuild it with vmkpasswd ${st.domain}.`, cdbPath);
    }
    const e = vpasswdCdbGet(cdb, name);
    const vpStat = statQuiet(ctx.sysroot, `${dir}/vpasswd`);
    const cdbStat = statQuiet(ctx.sysroot, cdbPath);
    if (vpStat && cdbStat && vpStat.mtimeMs > cdbStat.mtimeMs) {
      run.step(`${dir}/vpasswd is newer than vpasswd.cdb: vdelivermail reads only the cdb, so a hand edit is not seen until vmkpasswd ${st.domain} runs`, `${dir}/vpasswd`, undefined, true);
    }
    if (e) {
      run.step(`vpasswd.cdb record "${name}": ${e.passwd === '' ? 'no password' : 'password set'}, flags ${e.gid} (${describeGidFlags(e.gid)}), directory ${e.dir === '' ? '(empty)' : e.dir}, quota ${e.quota === '' ? '(empty)' : e.quota}`, cdbPath);
      const t = textRecord(ctx.sysroot, dir, name);
      if (t === null) {
        run.step(`"${name}" is in vpasswd.cdb but not in vpasswd: the cdb is stale, and vdelivermail still uses it`, `${dir}/vpasswd`, undefined, true);
      } else if (t !== 'no-file' && t.value !== decodeBytes(cdb.reader.get(Buffer.from(name, 'latin1')) ?? Buffer.alloc(0))) {
        run.step(`vpasswd line ${t.line} for "${name}" differs from the vpasswd.cdb record: vdelivermail uses the cdb (run vmkpasswd ${st.domain} if the text is right)`, `${dir}/vpasswd`, t.line, true);
      }
    } else {
      run.step(`vpasswd.cdb has no record "${name}"`, cdbPath);
      const t = textRecord(ctx.sysroot, dir, name);
      if (t && t !== 'no-file') run.step(`vpasswd line ${t.line} has "${name}", but vpasswd.cdb does not: vdelivermail reads only the cdb (run vmkpasswd ${st.domain})`, `${dir}/vpasswd`, t.line, true);
    }
    return e;
  }
  if (r && 'denied' in r) {
    run.step(`vpasswd.cdb cannot be opened (${r.denied}); vdelivermail would try to rebuild it and, failing, find nobody`, cdbPath, undefined, true);
    return null;
  }
  // Missing cdb: vauth_getpw rebuilds it from vpasswd (every line, split at the first colon).
  const tr = readUser(run, `${dir}/vpasswd`);
  if (tr && 'buf' in tr) {
    const parsed = parseVpasswdText(tr.buf, `${dir}/vpasswd`);
    const bad = parsed.diagnostics.find((d) => d.code === 'vpasswd-binary');
    if (bad) run.end('defer', `qlens cannot trace further: ${dir}/vpasswd is corrupt`, `vpasswd.cdb is missing and ${dir}/vpasswd, from which vdelivermail would rebuild it, is corrupt (${bad.message}); qlens stops here`, `${dir}/vpasswd`);
    for (const d of parsed.diagnostics) run.step(`${d.message}`, d.path, d.line ?? undefined, true);
    const rec2 = parsed.builderRecords.find((x) => x.key === name);
    const cut = rec2 ? parsed.diagnostics.find((d) => d.line === rec2.line && (d.code === 'vpasswd-truncated' || d.code === 'vpasswd-format')) : undefined;
    if (rec2 && cut) {
      run.end('defer', `qlens cannot trace further: the vpasswd line for ${name} is damaged`, `vpasswd.cdb is missing, and vpasswd line ${rec2.line}, from which vdelivermail would rebuild the record for "${name}", is damaged (${cut.message}); what vdelivermail makes of it cannot be predicted, so qlens stops here`, `${dir}/vpasswd`, rec2.line);
    }
    run.step(`vpasswd.cdb is missing: vdelivermail rebuilds it from vpasswd (as vmkpasswd would) and looks again → ${rec2 ? `line ${rec2.line} has "${name}"` : `no "${name}"`}`, `${dir}/vpasswd`, rec2?.line);
    return rec2 ? parseVpasswdValue(name, rec2.value, 'text', rec2.line) : null;
  }
  run.step(`neither vpasswd.cdb nor vpasswd can be read in ${dir} → not found`, cdbPath);
  return null;
}

/** The line vdelivermail's rebuild would take for `name` from the text file; 'no-file' when there is no readable text. */
function textRecord(sysroot: Sysroot, dir: string, name: string): { line: number; value: string } | null | 'no-file' {
  const r = readQuiet(sysroot, `${dir}/vpasswd`);
  if (!('buf' in r)) return 'no-file';
  let byName = vpasswdTextRecords.get(r.buf);
  if (!byName) {
    byName = new Map();
    // The first line of a name is the one the rebuild keeps looking up (find).
    for (const x of parseVpasswdText(r.buf, `${dir}/vpasswd`).builderRecords) if (!byName.has(x.key)) byName.set(x.key, { line: x.line, value: x.value });
    vpasswdTextRecords.set(r.buf, byName);
  }
  return byName.get(name) ?? null;
}

// Parsed once per file's bytes: the sysroot hands out the same Buffer for a
// file until it is reopened, and a queue listing walks every user of a
// domain through the same vpasswd and vpasswd.cdb.
const vpasswdTextRecords = new WeakMap<Buffer, Map<string, { line: number; value: string }>>();
const openedCdbs = new WeakMap<Buffer, Map<string, ReturnType<typeof openVpasswdCdb>>>();

function openVpasswdCdbOnce(buf: Buffer, path: string): ReturnType<typeof openVpasswdCdb> {
  let byPath = openedCdbs.get(buf);
  if (!byPath) openedCdbs.set(buf, (byPath = new Map()));
  let cdb = byPath.get(path);
  if (!cdb) byPath.set(path, (cdb = openVpasswdCdb(buf, path)));
  return cdb;
}


/** make_user_dir over the cdb backend: the current subdirectory is the last line of D/.dir-control (empty while users fit at the top). */
function dirControlFileSlot(run: LookupRun, st: VdmState): DirSlot {
  const p = `${st.domainDir}/.dir-control`;
  const dc = readQuiet(run.ctx.sysroot, p);
  let slot = '';
  if ('buf' in dc) {
    const lines = decodeBytes(dc.buf).split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    slot = (lines[lines.length - 1] ?? '').trim();
    if (!/^[0-9A-Za-z/]*$/.test(slot)) slot = '';
  }
  return { slot, from: '.dir-control', path: p };
}

/** The cdb backend (vcdb.c). */
export const cdbUserLookup: VpopmailUserLookup = { getpw: vauthGetpw, dirSlot: dirControlFileSlot };

/**
 * The valias keys process_valias() tries, in order: the user, then
 * `prefix-default` from the longest prefix down (DEFAULT set to the rest;
 * a bare `default` is never tried), then with QMAIL_EXT the base user. The
 * first key with rows is the one delivered.
 */
export function valiasKeys(user: string, userBase: string, qmailExt: boolean): Array<{ alias: string; defaultPart: string | null }> {
  const out: Array<{ alias: string; defaultPart: string | null }> = [{ alias: user, defaultPart: null }];
  for (let i = user.length; i > 0; i--) {
    if (user[i - 1] === '-') out.push({ alias: `${user.slice(0, i)}default`, defaultPart: user.slice(i) });
  }
  if (qmailExt && userBase !== user) out.push({ alias: userBase, defaultPart: null });
  return out;
}
