// `qlens check`: the problems a careful admin wants to hear of before mail
// goes astray. Each rule set is a pure function over loaded installations
// and the host's users; the managers' rules are among them (managers.ts), and
// a caller adds the ones of layers above (the veil's) as a parameter.
import type { Diagnostic, Installation, SystemUsers } from './model-types.js';
import { domainMatrix } from './domains.js';
import { LoadedInstallation } from './installation.js';
import { lcAscii } from './control-readers.js';
import { managerLint } from './managers.js';
import { assignRules } from './lint-assign.js';
import { homeStatter, isMailUser, q, statSafe } from './lint-helpers.js';
import { quotedDefaultDelivery } from './default-delivery.js';

export { assignRules } from './lint-assign.js';

export type LintRule = (installs: Installation[], users: SystemUsers) => Diagnostic[];

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
    if (dd.assumed === 'builtin') {
      out.push({ path: `${inst.root}/rc`, line: null, severity: 'info', code: 'no-start-script', message: `no start script found for ${inst.root}, and no control/defaultdelivery: the default delivery is assumed to be qmail-start's built-in ./Mailbox` });
    } else if (dd.assumed === 'defaultdelivery') {
      const shown = quotedDefaultDelivery(dd);
      out.push({ path: `${inst.root}/rc`, line: null, severity: 'info', code: 'no-start-script', message: `no start script found for ${inst.root}: the default delivery is assumed to be ${dd.path}'s ${shown}, which the stock rc passes to qmail-start` });
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
