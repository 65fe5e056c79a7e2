// The domain matrix of `qlens domains` (contract.md, "Rulings: domains"):
// one row per domain named in locals, rcpthosts, morercpthosts.cdb or as a
// domain key of virtualdomains, with what qmail-send and qmail-smtpd would
// do with it and the problems a careful admin wants to hear of.
import type { Diagnostic, Installation, SystemUsers, UsersCdb } from './model-types.js';
import type { ColonEntry, ListLine } from './control-readers.js';
import { lcAscii } from './control-readers.js';
import { CdbReader } from './cdb.js';
import { decodeBytes } from '../sysroot/sysroot.js';
import type { ManagerDomainSummary, ManagerKind } from './manager-types.js';
import { MANAGERS, managerByKind, managerName, managerOfArgv } from './managers.js';
import { commandWords } from './program-line.js';

export interface Evidence {
  path: string;
  line: number | null;
  text: string;
}

/** A manager domain in numbers (the Domains view, `qlens domains`), from the manager's own summary. */
export interface ManagerInfo {
  users: number;
  aliases: number;
  /** The catch-all in words, as the manager's summary says it ("bounce-no-mailbox", "delete", "forward x@y", "path /d/", ...). */
  catchAll: string;
  /** What stands in the way of trusting the counts (a stale or corrupt table, a domain the summary cannot find). */
  problems?: string[];
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

/** Manager domains of an installation by virtualdomains key; summary null when it could not be made. */
export type ManagerSummaries = Map<string, { manager: ManagerKind; table: string; summary: ManagerDomainSummary | null; error: string | null }>;

/**
 * Every manager domain of an installation, summarized by the managers' own readers
 * (the first manager that claims a virtualdomains key keeps it).
 * `countsOnly` skips what only the users' deliveries need (a vpopmail user's own .qmail);
 * `noEntries` keeps no entries (counts, catch-all and diagnostics only), for a caller that lists no users;
 * `only` summarizes that one key alone.
 */
export function managerSummaries(inst: Installation, users: SystemUsers | null, opts: { countsOnly?: boolean; noEntries?: boolean; only?: string } = {}): ManagerSummaries {
  const out: ManagerSummaries = new Map();
  for (const m of MANAGERS) {
    let found: ReturnType<typeof m.findDomains> = [];
    try {
      found = m.findDomains(inst, users);
    } catch {
      found = [];
    }
    for (const d of found) {
      if (out.has(d.key) || (opts.only !== undefined && d.key !== opts.only)) continue;
      try {
        const summary = m.summarize(inst, d, { deliveries: !opts.countsOnly });
        // The entries (100,000 users on a big host, ~60 MB) go as soon as each domain is counted.
        if (opts.noEntries) summary.entries = [];
        out.set(d.key, { manager: m.kind, table: d.table, summary, error: null });
      } catch (e) {
        out.set(d.key, { manager: m.kind, table: d.table, summary: null, error: e instanceof Error ? e.message : String(e) });
      }
    }
    if (opts.only !== undefined && out.has(opts.only)) break;
  }
  return out;
}

/** The row's numbers from its summary: the exact virtualdomains key first, then the key that gave its prepend. */
function managerInfoOf(r: DomainRow, summaries: ManagerSummaries): ManagerInfo | undefined {
  if (!r.manager) return undefined;
  const hit = summaries.get(r.domain) ?? (r.virtualKey !== null ? summaries.get(r.virtualKey) : undefined);
  const name = managerName(r.manager);
  if (!hit || hit.manager !== r.manager) {
    const why = managerByKind(r.manager)?.notCounted(r) ?? 'qlens does not know this manager';
    return { users: 0, aliases: 0, catchAll: 'unknown', problems: [`${name} users not counted: ${why}`] };
  }
  if (!hit.summary) return { users: 0, aliases: 0, catchAll: 'unknown', problems: [`${name} users not counted: ${hit.error ?? 'its files could not be read'}`] };
  const s = hit.summary;
  const problems = s.diagnostics.map((d) => `${d.path}: ${d.message}`);
  // A missing table is no diagnostic of the reader, but 0 users must not read as "an empty domain, all well".
  if (s.users === 0 && s.aliases === 0 && problems.length === 0) problems.push(`${hit.table}: no users and no aliases (the table is missing or empty)`);
  return { users: s.users, aliases: s.aliases, catchAll: s.catchAll, ...(problems.length ? { problems } : {}) };
}

/** qmail-send's virtualdomains look-up for a domain: exact, then `.suffix` left to right (longest first), then "". */
export function virtualFor(map: Map<string, ColonEntry>, domain: string): ColonEntry | null {
  const d = lcAscii(domain);
  const exact = map.get(d);
  if (exact) return exact;
  for (let i = 1; i < d.length; i++) {
    if (d[i] !== '.') continue;
    const e = map.get(d.slice(i));
    if (e) return e;
  }
  return map.get('') ?? null;
}

/** qmail-smtpd's rcpthosts test: the name, or any `.suffix` of it (j == 0 or at a dot). */
function suffixMatch(domain: string, has: (key: string) => boolean): string | null {
  const d = lcAscii(domain);
  for (let j = 0; j < d.length; j++) {
    if (j === 0 || d[j] === '.') {
      const k = d.slice(j);
      if (has(k)) return k;
    }
  }
  return null;
}

function cdbHas(reader: CdbReader, key: string): boolean {
  try {
    return reader.get(Buffer.from(key, 'latin1')) !== null;
  } catch {
    return false;
  }
}

/**
 * The home directory a local part reaches (users/cdb like qmail-lspawn,
 * else passwd like qmail-getpw, without the owner checks). Enough to find
 * the .qmail-default a virtual domain's mail ends in.
 */
export function homeOfLocal(local: string, cdb: UsersCdb, users: SystemUsers | null, breakChar: string): string | null {
  const l = lcAscii(local);
  if (cdb.state === 'ok' && cdb.marker !== null) {
    try {
      const exact = cdb.reader.get(Buffer.from('!' + l + '\0', 'latin1'));
      if (exact) return exact.toString('latin1').split('\0')[3] ?? null;
      for (let j = l.length; j >= 0; j--) {
        if (j > 0 && !cdb.marker.includes(l[j - 1])) continue;
        const v = cdb.reader.get(Buffer.from('!' + l.slice(0, j), 'latin1'));
        if (v) return v.toString('latin1').split('\0')[3] ?? null;
      }
    } catch {
      return null;
    }
  }
  if (!users) return null;
  for (let k = l.length; k >= 0; k--) {
    if (k < l.length && l[k] !== breakChar) continue;
    if (k > 31) continue;
    const pw = users.byName(l.slice(0, k));
    if (pw && pw.uid !== 0) return pw.home;
  }
  return null;
}

/** The manager a .qmail-default hands its mail to: the first program line that runs one's delivery program. */
export function managerOfDotQmail(text: string): ManagerKind | null {
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^[ \t]+/, '');
    if (!line.startsWith('|')) continue;
    const m = managerOfArgv(commandWords(line.slice(1)));
    if (m) return m.kind;
  }
  return null;
}

/** The domain matrix of one installation. */
export function domainMatrix(inst: Installation, users: SystemUsers | null, opts: DomainOptions = {}): DomainMatrix {
  const rows = new Map<string, DomainRow>();
  const problems: Diagnostic[] = [];
  const ctl = `${inst.root}/control`;
  const row = (name: string): DomainRow => {
    const key = lcAscii(name);
    let r = rows.get(key);
    if (!r) {
      r = {
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
      rows.set(key, r);
    }
    return r;
  };

  const locals = inst.list('locals');
  const localsMap = new Map<string, ListLine>();
  for (const l of locals.lines) {
    const k = lcAscii(l.text);
    if (!localsMap.has(k)) localsMap.set(k, l);
    row(l.text);
  }
  const rcpt = inst.list('rcpthosts');
  const rcptMap = new Map<string, ListLine>();
  for (const l of rcpt.lines) {
    const k = lcAscii(l.text);
    if (!rcptMap.has(k)) rcptMap.set(k, l);
    row(l.text);
  }
  const more = inst.morercpthostsCdb();
  const moreReader = more && 'reader' in more ? more.reader : null;
  const moreKeys: string[] = [];
  if (moreReader) {
    try {
      for (const rec of moreReader.records()) {
        const k = decodeBytes(Buffer.from(rec.key));
        moreKeys.push(k);
        row(k);
      }
    } catch {
      // A corrupt cdb is reported by the installation; its readable records still count.
    }
  }
  const vd = inst.virtualdomains();
  const userKeys: ColonEntry[] = [];
  for (const e of vd.map.values()) {
    if (e.key.includes('@')) userKeys.push(e);
    else row(e.key);
  }
  // user@domain keys are listed under their domain's row; they make no row of their own.
  const orphanUsers: DomainMatrix['users'] = [];
  for (const e of userKeys.sort((a, b) => a.line - b.line)) {
    const at = e.key.lastIndexOf('@');
    const u = { address: e.key, prepend: e.value, line: e.line };
    const r = rows.get(lcAscii(e.key.slice(at + 1)));
    if (r) r.users.push(u);
    else orphanUsers.push(u);
  }

  // An rcpthosts that exists but cannot be read is no open relay (qmail-smtpd refuses to start);
  // the installation reports it as unreadable.
  const rcptUnreadable = inst.diagnostics().some((d) => d.code === 'unreadable' && d.path === rcpt.path);
  if (!rcpt.present && !rcptUnreadable) {
    problems.push({
      path: rcpt.path,
      line: null,
      severity: 'error',
      code: 'rcpthosts-missing',
      message: 'no control/rcpthosts: qmail-smtpd accepts mail for every domain (an open relay)',
    });
  }

  // The morercpthosts text file, as qmail-newmrh would compile it, to compare with the cdb.
  const moreText = inst.list('morercpthosts');
  const moreTextSet = new Map<string, ListLine>();
  for (const l of moreText.lines) if (!moreTextSet.has(lcAscii(l.text))) moreTextSet.set(lcAscii(l.text), l);
  const moreCdbSet = new Set(moreKeys.map((k) => lcAscii(k)));

  const cdb = inst.usersCdb();
  const breakChar = inst.consts().breakChar;
  const managerByHome = new Map<string, ManagerKind | null>();
  const wantManagers = opts.managers !== false;
  const managerFor = (prepend: string): ManagerKind | null => {
    if (prepend === '') return null;
    const home = homeOfLocal(prepend + breakChar + 'x', cdb, users, breakChar);
    if (home === null) return null;
    if (managerByHome.has(home)) return managerByHome.get(home)!;
    let m: ManagerKind | null = null;
    try {
      const b = inst.sysroot.read(home.replace(/\/+$/, '') + '/.qmail-default');
      if (b !== null) m = managerOfDotQmail(decodeBytes(b));
    } catch {
      m = null;
    }
    managerByHome.set(home, m);
    return m;
  };

  for (const r of rows.values()) {
    const add = (severity: Diagnostic['severity'], code: string, path: string, line: number | null, message: string): void => {
      r.problems.push(message);
      r.diagnostics.push({ path, line, severity, code, message });
    };
    const name = r.domain;
    const ll = localsMap.get(name);
    if (ll) {
      r.locals = true;
      r.implicit = locals.source === 'me';
      r.evidence.locals = { path: locals.source === 'me' ? `${ctl}/me` : locals.path, line: ll.line, text: ll.text };
    }
    const v = virtualFor(vd.map, name);
    if (v) {
      r.virtual = v.value;
      r.virtualKey = lcAscii(v.key);
      r.evidence.virtual = { path: vd.path, line: v.line, text: `${v.key}:${v.value}` };
    }
    const rk = rcpt.present ? suffixMatch(name, (k) => rcptMap.has(k)) : null;
    if (rk !== null) {
      const l = rcptMap.get(rk)!;
      r.evidence.rcpthosts = { path: rcpt.path, line: l.line, text: l.text };
    }
    // Found in the cdb (as qmail-smtpd looks: the name or a .suffix), even though without an
    // rcpthosts file qmail-smtpd never opens it (it accepts everything then).
    const mk = moreReader ? suffixMatch(name, (k) => cdbHas(moreReader, k)) : null;
    r.morercpthosts = mk !== null;
    if (mk !== null && rk === null) r.evidence.rcpthosts = { path: `${ctl}/morercpthosts.cdb`, line: null, text: mk };
    r.rcpthosts = !rcpt.present || rk !== null || mk !== null;
    r.delivery = r.locals ? 'local' : r.virtual !== null && r.virtual !== '' ? 'virtual' : 'remote';
    if (wantManagers && r.virtual) r.manager = managerFor(r.virtual);

    const isWildcard = name.startsWith('.');
    const isCatchAll = name === '';
    // locals shadows an exact or .suffix virtualdomains line (the catch-all being shadowed is normal).
    if (r.locals && v && v.key !== '') {
      add(
        'warning',
        'locals-shadows-virtual',
        vd.path,
        v.line,
        `${name || '""'} is in both control/locals${r.implicit ? ' (as me)' : ''} and control/virtualdomains: locals wins, virtualdomains line ${v.line} ("${v.key}:${v.value}") is never used for it`,
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
        ev?.path ?? `${ctl}/rcpthosts`,
        ev?.line ?? null,
        `${name} is in ${what} but not in rcpthosts or morercpthosts: qmail-smtpd refuses mail for it from other hosts ("553 sorry, that domain isn't in my list of allowed rcpthosts")`,
      );
    }
    if (!rcpt.present && !rcptUnreadable && !isCatchAll) {
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
    if (moreReader || moreText.present) {
      const inText = moreTextSet.get(name);
      if (inText && !moreCdbSet.has(name)) {
        add('warning', 'morercpthosts-not-compiled', moreText.path, inText.line, `${name} is in control/morercpthosts but not in morercpthosts.cdb, which is all qmail-smtpd reads: run qmail-newmrh`);
      }
      if (!inText && moreCdbSet.has(name) && moreText.present) {
        add('warning', 'morercpthosts-stale-cdb', `${ctl}/morercpthosts.cdb`, null, `${name} is in morercpthosts.cdb but no longer in control/morercpthosts: run qmail-newmrh`);
      }
    }
  }

  // Lines of the morercpthosts text file that qmail-newmrh has not compiled and that name no row.
  if (moreText.present) {
    for (const [k, l] of moreTextSet) {
      if (moreCdbSet.has(k) || rows.has(k)) continue;
      problems.push({
        path: moreText.path,
        line: l.line,
        severity: 'warning',
        code: 'morercpthosts-not-compiled',
        message: `${k} is in control/morercpthosts but not in morercpthosts.cdb, which is all qmail-smtpd reads: run qmail-newmrh`,
      });
    }
  }

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

/** "vpopmail: 7 users, 3 aliases, catch-all bounce-no-mailbox" (not sanitized: the caller does). */
export function managerInfoText(manager: ManagerKind, info: ManagerInfo): string {
  const name = managerName(manager);
  if (info.catchAll === 'unknown' && info.users === 0 && info.aliases === 0 && info.problems?.length) return `${name}: users not counted`;
  const n = (k: number, w: string): string => `${k} ${w}${k === 1 ? '' : w === 'alias' ? 'es' : 's'}`;
  return `${name}: ${n(info.users, 'user')}, ${n(info.aliases, 'alias')}, catch-all ${info.catchAll}`;
}
