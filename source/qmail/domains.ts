// The domain matrix of `qlens domains` (contract.md, "Rulings: domains"):
// one row per domain named in locals, rcpthosts, morercpthosts.cdb or as a
// domain key of virtualdomains, with what qmail-send and qmail-smtpd would
// do with it and the problems a careful admin wants to hear of.
import type { Diagnostic, Installation, SystemUsers } from './model-types.js';
import type { ColonEntry, ListLine } from './control-readers.js';
import { lcAscii } from './control-readers.js';
import type { CdbReader } from './cdb.js';
import { decodeBytes } from '../sysroot/sysroot.js';
import type { ManagerKind } from './manager-types.js';
import { managerInfoOf, managerSummaries, type ManagerInfo, type ManagerSummaries } from './manager-summaries.js';
import { cdbHas, homeOfLocal, managerOfDotQmail, suffixMatch, virtualFor } from './domain-lookups.js';

// The manager numbers of a row are made by manager-summaries.ts; its names are this module's too.
export { managerInfoText, managerSummaries, type ManagerInfo, type ManagerSummaries } from './manager-summaries.js';
export { homeOfLocal, managerOfDotQmail, virtualFor } from './domain-lookups.js';

export interface Evidence {
  path: string;
  line: number | null;
  text: string;
}

export interface DomainRow {
  /** Lower-cased, as written otherwise: `.example.org` for a wildcard key, `` for the catch-all. */
  domain: string;
  locals: boolean;
  /** locals is true only because there is no locals file and this is `me`. */
  implicit: boolean;
  /** The prepend qmail-send would use for a plain local part at this domain; "" empty; null none. */
  virtual: string | null;
  rcpthosts: boolean;
  morercpthosts: boolean;
  manager: ManagerKind | null;
  /** Users, aliases and catch-all of a vpopmail or VMailMgr domain; only when asked for (DomainOptions.managerInfo). */
  managerInfo?: ManagerInfo;
  problems: string[];
  /** Where qmail-send sends a plain address here: local (locals), virtual (a prepend), remote. */
  delivery: 'local' | 'virtual' | 'remote';
  /** The virtualdomains key that gave `virtual` (the domain, a `.suffix`, or "" for the catch-all). */
  virtualKey: string | null;
  evidence: { locals: Evidence | null; virtual: Evidence | null; rcpthosts: Evidence | null };
  /** `user@domain` keys of virtualdomains under this domain. */
  users: Array<{ address: string; prepend: string; line: number }>;
  /** Problems with file and line, for `qlens check`. */
  diagnostics: Diagnostic[];
}

export interface DomainMatrix {
  instance: string;
  domains: DomainRow[];
  /** Problems of the installation as a whole (no rcpthosts file, ...). */
  problems: Diagnostic[];
  /** `user@domain` keys of virtualdomains whose domain has no row. */
  users: Array<{ address: string; prepend: string; line: number }>;
}

export interface DomainOptions {
  /** Look at each virtual target's .qmail-default to name its manager (reads one file per target home). Default true. */
  managers?: boolean;
  /**
   * Count each manager domain's users and aliases and name its catch-all
   * (reads the domain's vpasswd.cdb or passwd.cdb and its valias files).
   * Default false: `qlens domains` asks for it, the TUI's first pass does not.
   */
  managerInfo?: boolean;
  /** Summaries already made (managerSummaries), so a caller that also draws the users reads each table once. */
  summaries?: ManagerSummaries;
}

/** What the matrix is made from: the installation's lists, read once. */
interface MatrixSources {
  inst: Installation;
  ctl: string;
  locals: ReturnType<Installation['list']>;
  localsMap: Map<string, ListLine>;
  rcpt: ReturnType<Installation['list']>;
  rcptMap: Map<string, ListLine>;
  /** An rcpthosts that exists but cannot be read is no open relay (qmail-smtpd refuses to start); the installation reports it. */
  rcptUnreadable: boolean;
  moreReader: CdbReader | null;
  moreKeys: string[];
  /** The morercpthosts text file, as qmail-newmrh would compile it, to compare with the cdb. */
  moreText: ReturnType<Installation['list']>;
  moreTextSet: Map<string, ListLine>;
  moreCdbSet: Set<string>;
  vd: ReturnType<Installation['virtualdomains']>;
}

/** The first line of a list per lower-cased name. */
function firstLines(lines: readonly ListLine[]): Map<string, ListLine> {
  const m = new Map<string, ListLine>();
  for (const l of lines) {
    const k = lcAscii(l.text);
    if (!m.has(k)) m.set(k, l);
  }
  return m;
}

function readSources(inst: Installation): MatrixSources {
  const locals = inst.list('locals');
  const rcpt = inst.list('rcpthosts');
  const more = inst.morercpthostsCdb();
  const moreReader = more && 'reader' in more ? more.reader : null;
  const moreKeys: string[] = [];
  if (moreReader) {
    try {
      for (const rec of moreReader.records()) moreKeys.push(decodeBytes(Buffer.from(rec.key)));
    } catch {
      // A corrupt cdb is reported by the installation; its readable records still count.
    }
  }
  const vd = inst.virtualdomains();
  const rcptUnreadable = inst.diagnostics().some((d) => d.code === 'unreadable' && d.path === rcpt.path);
  const moreText = inst.list('morercpthosts');
  return {
    inst,
    ctl: `${inst.root}/control`,
    locals,
    localsMap: firstLines(locals.lines),
    rcpt,
    rcptMap: firstLines(rcpt.lines),
    rcptUnreadable,
    moreReader,
    moreKeys,
    moreText,
    moreTextSet: firstLines(moreText.lines),
    moreCdbSet: new Set(moreKeys.map((k) => lcAscii(k))),
    vd,
  };
}

function emptyRow(key: string): DomainRow {
  return {
    domain: key,
    locals: false,
    implicit: false,
    virtual: null,
    rcpthosts: false,
    morercpthosts: false,
    manager: null,
    problems: [],
    delivery: 'remote',
    virtualKey: null,
    evidence: { locals: null, virtual: null, rcpthosts: null },
    users: [],
    diagnostics: [],
  };
}

/** One row per domain any list names; user@domain keys of virtualdomains listed under their domain's row, or as orphans. */
function collectRows(src: MatrixSources): { rows: Map<string, DomainRow>; orphanUsers: DomainMatrix['users'] } {
  const rows = new Map<string, DomainRow>();
  const row = (name: string): void => {
    const key = lcAscii(name);
    if (!rows.has(key)) rows.set(key, emptyRow(key));
  };
  for (const l of src.locals.lines) row(l.text);
  for (const l of src.rcpt.lines) row(l.text);
  for (const k of src.moreKeys) row(k);
  const userKeys: ColonEntry[] = [];
  for (const e of src.vd.map.values()) {
    if (e.key.includes('@')) userKeys.push(e);
    else row(e.key);
  }
  const orphanUsers: DomainMatrix['users'] = [];
  for (const e of userKeys.sort((a, b) => a.line - b.line)) {
    const at = e.key.lastIndexOf('@');
    const u = { address: e.key, prepend: e.value, line: e.line };
    const r = rows.get(lcAscii(e.key.slice(at + 1)));
    if (r) r.users.push(u);
    else orphanUsers.push(u);
  }
  return { rows, orphanUsers };
}

/** The manager whose program a prepend's home hands the mail to (its .qmail-default), read once per home. */
function managerFinder(inst: Installation, users: SystemUsers | null): (prepend: string) => ManagerKind | null {
  const cdb = inst.usersCdb();
  const breakChar = inst.consts().breakChar;
  const byHome = new Map<string, ManagerKind | null>();
  return (prepend) => {
    if (prepend === '') return null;
    const home = homeOfLocal(prepend + breakChar + 'x', cdb, users, breakChar);
    if (home === null) return null;
    const known = byHome.get(home);
    if (known !== undefined) return known;
    let m: ManagerKind | null = null;
    try {
      const b = inst.sysroot.read(home.replace(/\/+$/, '') + '/.qmail-default');
      if (b !== null) m = managerOfDotQmail(decodeBytes(b));
    } catch {
      m = null;
    }
    byHome.set(home, m);
    return m;
  };
}

/** What qmail-send and qmail-smtpd do with the row's domain, with the line that says so. */
function fillRow(r: DomainRow, src: MatrixSources): void {
  const name = r.domain;
  const { locals, rcpt, moreReader } = src;
  const ll = src.localsMap.get(name);
  if (ll) {
    r.locals = true;
    r.implicit = locals.source === 'me';
    r.evidence.locals = { path: locals.source === 'me' ? `${src.ctl}/me` : locals.path, line: ll.line, text: ll.text };
  }
  const v = virtualFor(src.vd.map, name);
  if (v) {
    r.virtual = v.value;
    r.virtualKey = lcAscii(v.key);
    r.evidence.virtual = { path: src.vd.path, line: v.line, text: `${v.key}:${v.value}` };
  }
  const rk = rcpt.present ? suffixMatch(name, (k) => src.rcptMap.has(k)) : null;
  if (rk !== null) {
    const l = src.rcptMap.get(rk)!;
    r.evidence.rcpthosts = { path: rcpt.path, line: l.line, text: l.text };
  }
  // Found in the cdb (as qmail-smtpd looks: the name or a .suffix), even though without an
  // rcpthosts file qmail-smtpd never opens it (it accepts everything then).
  const mk = moreReader ? suffixMatch(name, (k) => cdbHas(moreReader, k)) : null;
  r.morercpthosts = mk !== null;
  if (mk !== null && rk === null) r.evidence.rcpthosts = { path: `${src.ctl}/morercpthosts.cdb`, line: null, text: mk };
  r.rcpthosts = !rcpt.present || rk !== null || mk !== null;
  r.delivery = r.locals ? 'local' : r.virtual !== null && r.virtual !== '' ? 'virtual' : 'remote';
}

/** The row's problems, in words and with file and line, in the order `qlens check` lists them. */
function rowProblems(r: DomainRow, src: MatrixSources): void {
  const add = (severity: Diagnostic['severity'], code: string, path: string, line: number | null, message: string): void => {
    r.problems.push(message);
    r.diagnostics.push({ path, line, severity, code, message });
  };
  const { rcpt, vd, moreText } = src;
  const name = r.domain;
  const isWildcard = name.startsWith('.');
  const isCatchAll = name === '';
  // locals shadows an exact or .suffix virtualdomains line (the catch-all being shadowed is normal).
  const v = r.evidence.virtual;
  if (r.locals && v && r.virtualKey !== '') {
    add(
      'warning',
      'locals-shadows-virtual',
      vd.path,
      v.line,
      `${name || '""'} is in both control/locals${r.implicit ? ' (as me)' : ''} and control/virtualdomains: locals wins, virtualdomains line ${v.line} ("${v.text}") is never used for it`,
    );
  }
  if (r.locals) {
    for (const u of r.users) {
      add('warning', 'locals-shadows-virtual', vd.path, u.line, `${u.address} is in control/virtualdomains but ${name} is in control/locals: locals wins, line ${u.line} is never used`);
    }
  }
  if (!r.rcpthosts && !isCatchAll && r.delivery !== 'remote') {
    const what = r.delivery === 'local' ? 'control/locals' : 'control/virtualdomains';
    const ev = r.delivery === 'local' ? r.evidence.locals : r.evidence.virtual;
    add(
      r.delivery === 'virtual' ? 'error' : 'warning',
      'not-in-rcpthosts',
      ev?.path ?? `${src.ctl}/rcpthosts`,
      ev?.line ?? null,
      `${name} is in ${what} but not in rcpthosts or morercpthosts: qmail-smtpd refuses mail for it from other hosts ("553 sorry, that domain isn't in my list of allowed rcpthosts")`,
    );
  }
  if (!rcpt.present && !src.rcptUnreadable && !isCatchAll) {
    r.problems.push('no control/rcpthosts: qmail-smtpd accepts every domain (open relay)');
  }
  if (rcpt.present && r.rcpthosts && r.delivery === 'remote' && !isWildcard && name !== '') {
    const ev = r.evidence.rcpthosts;
    add(
      'info',
      'rcpthosts-remote',
      ev?.path ?? rcpt.path,
      ev?.line ?? null,
      r.virtual === ''
        ? `${name} has an empty virtualdomains prepend (an exception): qmail-smtpd accepts it but qmail-send delivers it remotely`
        : `${name} is accepted by qmail-smtpd but is neither in locals nor in virtualdomains: qmail-send delivers it remotely (fine for a backup MX or relay)`,
    );
  }
  if (src.moreReader || moreText.present) {
    const inText = src.moreTextSet.get(name);
    if (inText && !src.moreCdbSet.has(name)) {
      add('warning', 'morercpthosts-not-compiled', moreText.path, inText.line, `${name} is in control/morercpthosts but not in morercpthosts.cdb, which is all qmail-smtpd reads: run qmail-newmrh`);
    }
    if (!inText && src.moreCdbSet.has(name) && moreText.present) {
      add('warning', 'morercpthosts-stale-cdb', `${src.ctl}/morercpthosts.cdb`, null, `${name} is in morercpthosts.cdb but no longer in control/morercpthosts: run qmail-newmrh`);
    }
  }
}

/** No rcpthosts at all: qmail-smtpd relays for everyone. */
function rcpthostsMissing(src: MatrixSources): Diagnostic[] {
  if (src.rcpt.present || src.rcptUnreadable) return [];
  return [{ path: src.rcpt.path, line: null, severity: 'error', code: 'rcpthosts-missing', message: 'no control/rcpthosts: qmail-smtpd accepts mail for every domain (an open relay)' }];
}

/** Lines of the morercpthosts text file that qmail-newmrh has not compiled and that name no row. */
function uncompiledMoreLines(src: MatrixSources, rows: Map<string, DomainRow>): Diagnostic[] {
  if (!src.moreText.present) return [];
  const out: Diagnostic[] = [];
  for (const [k, l] of src.moreTextSet) {
    if (src.moreCdbSet.has(k) || rows.has(k)) continue;
    out.push({
      path: src.moreText.path,
      line: l.line,
      severity: 'warning',
      code: 'morercpthosts-not-compiled',
      message: `${k} is in control/morercpthosts but not in morercpthosts.cdb, which is all qmail-smtpd reads: run qmail-newmrh`,
    });
  }
  return out;
}

/** The domain matrix of one installation. */
export function domainMatrix(inst: Installation, users: SystemUsers | null, opts: DomainOptions = {}): DomainMatrix {
  const src = readSources(inst);
  const { rows, orphanUsers } = collectRows(src);
  const problems = rcpthostsMissing(src);
  const wantManagers = opts.managers !== false;
  const managerFor = managerFinder(inst, users);
  for (const r of rows.values()) {
    fillRow(r, src);
    if (wantManagers && r.virtual) r.manager = managerFor(r.virtual);
    rowProblems(r, src);
  }
  problems.push(...uncompiledMoreLines(src, rows));
  if (wantManagers && (opts.managerInfo || opts.summaries) && [...rows.values()].some((r) => r.manager !== null)) {
    const summaries = opts.summaries ?? managerSummaries(inst, users, { countsOnly: true });
    for (const r of rows.values()) {
      const info = managerInfoOf(r, summaries);
      if (info) r.managerInfo = info;
    }
  }
  const domains = [...rows.values()].sort((a, b) => (a.domain === '' ? 1 : b.domain === '' ? -1 : a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0));
  return { instance: inst.root, domains, problems, users: orphanUsers };
}

/** Counts for a summary line: named domains (wildcard and catch-all rows left out), accepted by qmail-smtpd, delivered here. */
export function domainCounts(m: DomainMatrix): { domains: number; accepted: number; delivered: number } {
  const named = m.domains.filter((r) => r.domain !== '' && !r.domain.startsWith('.'));
  return {
    domains: named.length,
    accepted: named.filter((r) => r.rcpthosts).length,
    delivered: named.filter((r) => r.delivery !== 'remote').length,
  };
}

/** The JSON shape of contract.md (fixed fields first), with our extra fields. */
export function domainRowJson(r: DomainRow): Record<string, unknown> {
  return {
    domain: r.domain,
    locals: r.locals,
    ...(r.implicit ? { implicit: true } : {}),
    virtual: r.virtual,
    rcpthosts: r.rcpthosts,
    morercpthosts: r.morercpthosts,
    manager: r.manager,
    problems: r.problems,
    delivery: r.delivery,
    virtualKey: r.virtualKey,
    users: r.users,
    evidence: r.evidence,
    ...(r.managerInfo ? { managerInfo: r.managerInfo } : {}),
  };
}
