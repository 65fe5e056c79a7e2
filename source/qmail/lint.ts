// `qlens check`: the problems a careful admin wants to hear of before mail
// goes astray. Each rule set is a pure function over loaded installations
// and the host's users; the managers' rules are among them (managers.ts), and
// a caller adds the ones of layers above (the veil's) as a parameter.
import type { AssignFile, Diagnostic, Installation, SystemUsers, PasswdEntry } from './model-types.js';
import { isAscii } from 'node:buffer';
import { usersCdbRecords, type AssignEntryDetail, type ParsedAssign } from './assign.js';
import type { CdbReader } from './cdb.js';
import { domainMatrix } from './domains.js';
import { LoadedInstallation } from './installation.js';
import { lcAscii } from './control-readers.js';
import { managerLint } from './managers.js';

export type LintRule = (installs: Installation[], users: SystemUsers) => Diagnostic[];

function statSafe(inst: Installation, path: string): ReturnType<Installation['sysroot']['stat']> | 'error' {
  try {
    return inst.sysroot.stat(path);
  } catch {
    return 'error';
  }
}

/**
 * stat() for many homes: a directory listing of each parent is read once,
 * so a missing home costs a set look-up instead of a failed system call.
 */
function homeStatter(inst: Installation): (path: string) => ReturnType<typeof statSafe> {
  const listings = new Map<string, Set<string> | null>();
  return (path) => {
    const clean = path.replace(/\/+$/, '');
    const k = clean.lastIndexOf('/');
    const parent = k <= 0 ? '/' : clean.slice(0, k);
    const name = clean.slice(k + 1);
    if (name === '' || name === '.' || name === '..') return statSafe(inst, path);
    let names = listings.get(parent);
    if (names === undefined) {
      try {
        const l = inst.sysroot.readdir(parent);
        names = l === null ? null : new Set(l);
      } catch {
        names = null;
        listings.set(parent, names);
        return statSafe(inst, path);
      }
      listings.set(parent, names);
    }
    if (names === null || !names.has(name)) return null;
    return statSafe(inst, path);
  };
}

function readSafe(inst: Installation, path: string): Buffer | null {
  try {
    return inst.sysroot.read(path);
  } catch {
    return null;
  }
}

function q(s: string): string {
  return JSON.stringify(s);
}

/** Control files: the ones qmail does not read, and whitespace it keeps. */
export const controlRules: LintRule = (installs) => {
  const out: Diagnostic[] = [];
  for (const inst of installs) {
    if (inst instanceof LoadedInstallation) out.push(...inst.controlDiagnostics());
    const ctl = `${inst.root}/control`;
    const me = inst.me();
    if (me === null) {
      const localsPresent = inst.list('locals').present;
      out.push({
        path: `${ctl}/me`,
        line: null,
        severity: localsPresent ? 'warning' : 'error',
        code: 'me-missing',
        message: localsPresent
          ? 'no control/me: defaults fall back to literal words (envnoathost, bouncehost...), qmail-smtpd has no greeting and qmail-remote no HELO name'
          : 'no control/me and no control/locals: qmail-send refuses to start ("alert: cannot start: unable to read controls")',
      });
    } else if (me === '') {
      out.push({ path: `${ctl}/me`, line: 1, severity: 'error', code: 'me-empty', message: 'control/me is empty: every name that falls back to it is "", and without locals the empty domain is local' });
    }
  }
  return out;
};

/** users/assign and users/cdb. */
export const assignRules: LintRule = (installs, users) => {
  const out: Diagnostic[] = [];
  for (const inst of installs) {
    const a = inst.assign();
    const apath = a.path;
    out.push(...a.errors);
    const cdb = inst.usersCdb();
    const entries = a.entries as AssignEntryDetail[];

    // users/cdb against users/assign.
    if (a.present) {
      if (cdb.state === 'absent') {
        out.push({
          path: cdb.path,
          line: null,
          severity: 'error',
          code: 'cdb-missing',
          message: `users/assign exists but users/cdb does not: qmail-lspawn reads only users/cdb, so none of its ${entries.length} entries is in effect (run qmail-newu)`,
        });
      } else if (cdb.state === 'ok') {
        const ast = statSafe(inst, apath);
        const older = ast && ast !== 'error' && cdb.mtimeMs < ast.mtimeMs;
        if (a.errors.length > 0) {
          out.push({
            path: cdb.path,
            line: null,
            severity: 'warning',
            code: 'cdb-stale',
            message: 'qmail-newu refuses users/assign as it is ("bad format in users/assign"): users/cdb keeps its old content',
          });
        } else {
          const bytes = readSafe(inst, apath);
          const diff = bytes ? (sameAsParsed(bytes, a, cdb.reader) ? [] : compareUsersCdb(bytes, cdb.reader, apath)) : null;
          if (diff && diff.length > 0) {
            out.push({
              path: cdb.path,
              line: null,
              severity: 'error',
              code: 'cdb-mismatch',
              message: `users/cdb does not match users/assign${older ? ' and is older' : ''} (run qmail-newu): ${diff.slice(0, 3).join('; ')}${diff.length > 3 ? `; and ${diff.length - 3} more` : ''}`,
            });
          } else if (older) {
            out.push({
              path: cdb.path,
              line: null,
              severity: 'info',
              code: 'cdb-older',
              message: 'users/cdb is older than users/assign but holds the same records',
            });
          }
        }
      }
    }

    // Entries qmail-lspawn can never reach.
    const firstByKey = new Map<string, AssignEntryDetail>();
    const wild = (a as { wildChars?: string }).wildChars ?? '';
    for (const e of entries) {
      const key = e.key ?? (e.kind === '+' ? '!' + lcAscii(e.local) : '!' + lcAscii(e.local) + '\0');
      const first = firstByKey.get(key);
      if (first) {
        out.push({
          path: apath,
          line: e.line,
          severity: 'warning',
          code: 'assign-duplicate',
          message: `${e.kind}${e.local} repeats the key of line ${first.line}: the first line wins, this one is never used`,
        });
      } else firstByKey.set(key, e);
      if (e.kind === '+' && e.local.length > 0) {
        const last = e.local[e.local.length - 1];
        const lower = lcAscii(last);
        if (lower !== last && !wild.includes(lower)) {
          out.push({
            path: apath,
            line: e.line,
            severity: 'warning',
            code: 'assign-dead-wildcard',
            message: `+${e.local} can never match: its last letter ${q(last)} is upper case, and qmail-lspawn compares the lower-cased address with the wildcard characters as written (write +${lcAscii(e.local)})`,
          });
        }
      }
      if (e.kind === '=' && e.lead !== undefined && e.lead !== '=') {
        out.push({
          path: apath,
          line: e.line,
          severity: 'warning',
          code: 'assign-lead',
          message:
            e.lead === '#'
              ? `users/assign has no comments: qmail-newu takes this line as the simple entry for ${q(e.local)}`
              : `line starts with ${q(e.lead)}: qmail-newu takes it as "=" and drops that byte, so this is the entry for ${q(e.local)}`,
        });
      }
      const uidNum = /^[0-9]+/.exec(e.uid);
      if (!uidNum || Number(uidNum[0]) === 0) {
        out.push({
          path: apath,
          line: e.line,
          severity: 'error',
          code: 'assign-root',
          message: `uid ${q(e.uid)} is ${uidNum ? '0' : 'not a number, which qmail-lspawn reads as 0'}: deliveries for it defer ("Not allowed to perform deliveries as root.")`,
        });
      }
    }

    // A +: catch-all hides every passwd user without an entry of its own.
    const catchAll = firstByKey.get('!');
    if (catchAll) {
      const hidden: string[] = [];
      const aliasUser = inst.consts().aliasUser;
      for (const pw of users.passwd()) {
        if (!isMailUser(pw) || pw.name === aliasUser) continue;
        if (users.byName(pw.name) !== pw) continue;
        const l = lcAscii(pw.name);
        if (firstByKey.has('!' + l + '\0')) continue;
        let covered = false;
        for (let j = l.length; j > 0 && !covered; j--) {
          if (!wild.includes(l[j - 1])) continue;
          const e = firstByKey.get('!' + l.slice(0, j));
          if (e && e !== catchAll) covered = true;
        }
        if (!covered) hidden.push(pw.name);
      }
      if (hidden.length > 0) {
        out.push({
          path: apath,
          line: catchAll.line,
          severity: 'warning',
          code: 'assign-catchall-hides-passwd',
          message: `the "+:" catch-all matches every local part, so /etc/passwd is never consulted: ${hidden.length} passwd user${hidden.length === 1 ? '' : 's'} (${hidden.slice(0, 5).join(', ')}${hidden.length > 5 ? ', ...' : ''}) get${hidden.length === 1 ? 's' : ''} the catch-all instead of their own mail`,
        });
      }
    }

    // Homes of users/assign entries: qmail-local defers when the home is missing.
    const seenHome = new Set<string>();
    const homeStat = homeStatter(inst);
    for (const e of entries) {
      if (!e.home.startsWith('/') || seenHome.has(e.home + '\0' + e.uid)) continue;
      seenHome.add(e.home + '\0' + e.uid);
      const st = homeStat(e.home);
      if (st === 'error') continue;
      if (st === null) {
        out.push({ path: apath, line: e.line, severity: 'error', code: 'assign-home-missing', message: `home ${e.home} of ${e.kind}${e.local} does not exist: deliveries defer ("Unable to switch to HOME")` });
      } else if (String(st.uid) !== (/^[0-9]+/.exec(e.uid)?.[0] ?? '')) {
        out.push({ path: apath, line: e.line, severity: 'warning', code: 'assign-home-owner', message: `home ${e.home} of ${e.kind}${e.local} belongs to uid ${st.uid}, not ${e.uid}: deliveries that must create files there fail` });
      }
    }
  }
  return out;
};

/**
 * users/cdb holds, in order, exactly the records qmail-newu makes of the
 * parsed users/assign: told record by record against the entries already
 * parsed, keeping nothing (compareUsersCdb parses the file again and holds
 * every record of a 50,000-line file at once). False when it cannot tell
 * this way (a byte above ASCII, whose shown fields are decoded): the caller
 * then compares in full.
 */
function sameAsParsed(bytes: Buffer, a: AssignFile, reader: CdbReader): boolean {
  const wildBytes = (a as Partial<ParsedAssign>).wildBytes;
  if (a.errors.length > 0 || wildBytes === undefined || !isAscii(bytes)) return false;
  const entries = a.entries as AssignEntryDetail[];
  let i = 0;
  try {
    for (const h of reader.records()) {
      if (i < entries.length) {
        const e = entries[i];
        if (e.key === undefined || h.key.toString('latin1') !== e.key) return false;
        if (h.value.toString('latin1') !== `${e.user}\0${e.uid}\0${e.gid}\0${e.home}\0${e.dash}\0${e.ext}`) return false;
      } else if (i > entries.length || h.key.length !== 0 || h.value.toString('latin1') !== wildBytes) return false;
      i++;
    }
  } catch {
    return false;
  }
  return i === entries.length + 1;
}

/** Differences between users/cdb and what qmail-newu would compile from users/assign, in words. */
export function compareUsersCdb(assignBytes: Buffer, reader: import('./cdb.js').CdbReader, assignPath: string): string[] {
  const { records, errors } = usersCdbRecords(assignBytes, assignPath);
  if (errors.length > 0) return [];
  const show = (k: Buffer): string => (k.length === 0 ? 'the "" record' : q(k.toString('latin1').replace(/\0$/, '')));
  // The usual case, the same records in the same order, is told record by
  // record: two strings per record of a 50,000-line file cost tens of megabytes.
  try {
    let i = 0;
    let same = true;
    for (const h of reader.records()) {
      const r = records[i++];
      if (!r || !r.key.equals(h.key) || !r.value.equals(h.value)) {
        same = false;
        break;
      }
    }
    if (same && i === records.length) return [];
  } catch {
    // an unreadable cdb: told below
  }
  const want = records.map((r) => r.key.toString('latin1') + '\u0001' + r.value.toString('latin1'));
  let have: string[];
  try {
    have = [...reader.records()].map((r) => r.key.toString('latin1') + '\u0001' + r.value.toString('latin1'));
  } catch (e) {
    return [`users/cdb cannot be read through (${e instanceof Error ? e.message : String(e)})`];
  }
  if (want.length === have.length && want.every((w, i) => w === have[i])) return [];
  const haveSet = new Set(have);
  const wantSet = new Set(want);
  const out: string[] = [];
  for (const r of records) {
    const k = r.key.toString('latin1') + '\u0001' + r.value.toString('latin1');
    if (!haveSet.has(k)) out.push(`${show(r.key)} from users/assign is not in users/cdb`);
  }
  for (const h of have) {
    if (!wantSet.has(h)) out.push(`users/cdb has ${show(Buffer.from(h.split('\u0001')[0], 'latin1'))} that users/assign does not give`);
  }
  if (out.length === 0) out.push('the same records in another order (first-match look-ups may differ)');
  return out;
}

/** Domains: virtual but not accepted, shadowed by locals, no rcpthosts, morercpthosts drift. */
export const domainRules: LintRule = (installs, users) => {
  const out: Diagnostic[] = [];
  for (const inst of installs) {
    const m = domainMatrix(inst, users, { managers: false });
    out.push(...m.problems);
    for (const r of m.domains) out.push(...r.diagnostics);
    // morercpthosts edited after its cdb was built.
    const txt = `${inst.root}/control/morercpthosts`;
    const cdbp = `${inst.root}/control/morercpthosts.cdb`;
    const ts = statSafe(inst, txt);
    const cs = statSafe(inst, cdbp);
    if (ts && ts !== 'error') {
      if (cs === null) {
        out.push({ path: cdbp, line: null, severity: 'warning', code: 'morercpthosts-no-cdb', message: 'control/morercpthosts exists but morercpthosts.cdb does not: qmail-smtpd reads only the cdb (run qmail-newmrh)' });
      } else if (cs && cs !== 'error' && cs.mtimeMs < ts.mtimeMs) {
        out.push({ path: cdbp, line: null, severity: 'warning', code: 'morercpthosts-stale', message: 'control/morercpthosts is newer than morercpthosts.cdb: run qmail-newmrh' });
      }
    }
  }
  return out;
};

function isMailUser(pw: PasswdEntry): boolean {
  if (pw.uid === 0 || pw.uid === 65534) return false;
  if (pw.home.startsWith('/home/')) return true;
  return pw.uid >= 1000 && !/(nologin|false)$/.test(pw.shell);
}

/** passwd users whose home qmail-getpw would refuse (missing, or owned by someone else): their mail goes to the alias user. */
export const homeRules: LintRule = (installs, users) => {
  const out: Diagnostic[] = [];
  if (installs.length === 0) return out;
  const inst = installs[0];
  const aliasNames = new Set(installs.map((i) => i.consts().aliasUser));
  const homeStat = homeStatter(inst);
  for (const pw of users.passwd()) {
    if (users.byName(pw.name) !== pw) {
      out.push({ path: '/etc/passwd', line: pw.line, severity: 'warning', code: 'passwd-duplicate', message: `login ${q(pw.name)} repeats an earlier line: getpwnam returns the first, this line is never used` });
      continue;
    }
    if (aliasNames.has(pw.name)) continue;
    if (!isMailUser(pw)) continue;
    const st = homeStat(pw.home);
    if (st === 'error') continue;
    if (st === null) {
      out.push({ path: '/etc/passwd', line: pw.line, severity: 'warning', code: 'home-missing', message: `home ${pw.home} of ${pw.name} does not exist: qmail-getpw passes ${pw.name} over and the alias user gets the mail` });
    } else if (st.uid !== pw.uid) {
      out.push({ path: '/etc/passwd', line: pw.line, severity: 'warning', code: 'home-owner', message: `home ${pw.home} of ${pw.name} belongs to uid ${st.uid}, not ${pw.uid}: qmail-getpw passes ${pw.name} over and the alias user gets the mail` });
    }
    if (lcAscii(pw.name) !== pw.name) {
      out.push({ path: '/etc/passwd', line: pw.line, severity: 'warning', code: 'passwd-uppercase', message: `login ${q(pw.name)} has capital letters: qmail-getpw looks names up in lower case, so it never receives mail` });
    } else if (pw.name.length > 31) {
      out.push({ path: '/etc/passwd', line: pw.line, severity: 'warning', code: 'passwd-long', message: `login ${q(pw.name)} is longer than 31 characters: qmail-getpw never looks it up` });
    }
  }
  for (const inst2 of installs) {
    const c = inst2.consts();
    const alias = users.byName(c.aliasUser);
    if (!alias) {
      out.push({
        path: '/etc/passwd',
        line: null,
        severity: 'error',
        code: 'alias-missing',
        message: `no passwd user ${q(c.aliasUser)} (the alias user of ${inst2.root}${c.assumed.includes('aliasUser') ? ', assumed' : ''}): mail for unknown local parts defers ("Unable to find alias user!")`,
      });
    } else {
      const st = statSafe(inst2, alias.home);
      if (st === null) {
        out.push({ path: '/etc/passwd', line: alias.line, severity: 'error', code: 'alias-home-missing', message: `home ${alias.home} of the alias user ${alias.name} does not exist: mail for it defers` });
      }
    }
  }
  return out;
};

/** The start scripts: a default delivery that cannot be worked out. */
export const startupRules: LintRule = (installs) => {
  const out: Diagnostic[] = [];
  for (const inst of installs) {
    const dd = inst.defaultDelivery();
    if (dd.path === null) {
      out.push({ path: `${inst.root}/rc`, line: null, severity: 'info', code: 'no-start-script', message: `no start script found for ${inst.root}: the default delivery is assumed to be ./Mailbox` });
    }
  }
  return out;
};

export const BASE_RULES: LintRule[] = [controlRules, assignRules, domainRules, homeRules, startupRules, managerLint];

const ORDER: Record<string, number> = { error: 0, warning: 1, info: 2 };

/** Every problem of these installations, each once, grouped by file in a stable order; `extra`: rule sets besides BASE_RULES (the veil's). */
export function lintInstallations(installs: Installation[], users: SystemUsers, extra: readonly LintRule[] = []): Diagnostic[] {
  const all: Diagnostic[] = [];
  for (const rule of [...BASE_RULES, ...extra]) all.push(...rule(installs, users));
  // What the accessors met while reading (unreadable files, lines without a colon...).
  for (const inst of installs) all.push(...inst.diagnostics());
  all.push(...users.diagnostics());
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of all) {
    const k = `${d.path}\0${d.line}\0${d.code}`;
    const k2 = `${k}\0${d.message}`;
    if (seen.has(k2)) continue;
    // Same file, line and code from two routes (assign errors from the rule and the accessor): keep the first.
    if (seen.has(k) && d.code === 'assign-format') continue;
    seen.add(k);
    seen.add(k2);
    out.push(d);
  }
  const index = new Map(out.map((d, i) => [d, i]));
  return out.sort((a, b) => {
    if (a.path !== b.path) return a.path < b.path ? -1 : 1;
    const la = a.line ?? 0;
    const lb = b.line ?? 0;
    if (la !== lb) return la - lb;
    if (a.severity !== b.severity) return ORDER[a.severity] - ORDER[b.severity];
    return index.get(a)! - index.get(b)!;
  });
}

/** `PATH:LINE: severity: message` (or `PATH: severity: message`). The caller sanitizes. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.path}${d.line !== null ? ':' + d.line : ''}: ${d.severity}: ${d.message}`;
}
