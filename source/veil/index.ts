// The veil detector: where several qmail installations on one host give
// each other away (qmail-queue-and-instances.md §4, checklist §6.2).
// findLeaks reads through the installations and the sysroot once
// (inputs.ts), then runs pure rule groups over the gathered facts.
import type { Sysroot } from '../sysroot/sysroot.js';
import type { Diagnostic, SystemUsers } from '../qmail/model-types.js';
import { gatherFacts, type VeilInstallation } from './inputs.js';
import { identityLeaks } from './rules-identity.js';
import { domainLeaks } from './rules-domains.js';
import { userLeaks } from './rules-users.js';
import { listenerLeaks } from './rules-listeners.js';
import { hostLeaks } from './rules-host.js';
import { binaryLeaks } from './rules-binaries.js';
import { leak } from './leak-util.js';
import type { Evidence, Leak, LeakSeverity, VeilFacts } from './types.js';
import { builtForOther, type ProgramHome } from '../qmail/binaries.js';

export type { Leak, Evidence, LeakSeverity, VeilFacts } from './types.js';
export { gatherFacts } from './inputs.js';

const SEVERITY_ORDER: Record<LeakSeverity, number> = { high: 0, medium: 1, low: 2, info: 3 };

const idNumber = (id: string): number => Number(id.slice(1)) || 0;

/** Severity first, then the spec's numbering; the rules' own order breaks ties. */
export function sortLeaks(leaks: Leak[]): Leak[] {
  return leaks
    .map((l, i) => ({ l, i }))
    .sort((a, b) => SEVERITY_ORDER[a.l.severity] - SEVERITY_ORDER[b.l.severity] || idNumber(a.l.id) - idNumber(b.l.id) || a.i - b.i)
    .map((x) => x.l);
}

/**
 * Every leak the gathered facts show (pure). A single installation has
 * nothing to hide from, but programs built for another home break its mail
 * all the same: those are reported for it alone too.
 */
export function leaksFromFacts(facts: VeilFacts): Leak[] {
  if (facts.instances.length < 2) return sortLeaks(binaryLeaks(facts));
  // An installation whose programs all carry another home never reads its own control files, users/ or
  // alias/: comparing those would report leaks qmail never shows. Its start scripts do run, and its
  // programs are judged by rules-binaries.
  const live = facts.instances.filter((i) => builtForOther(i.root, i.programs) === null);
  const config = live.length === facts.instances.length ? facts : { ...facts, instances: live };
  return sortLeaks([...identityLeaks(config), ...domainLeaks(config), ...userLeaks(config), ...listenerLeaks(facts), ...hostLeaks(config), ...binaryLeaks(facts)]);
}

/** One entry of `qlens veil --json`'s `binaries` (contract.md): a program of an installation's bin/ and the home compiled into it. */
export interface BinaryEntry {
  instance: string;
  path: string;
  home: string | null;
  /** Where a link leads; the programs a wrapper script runs. */
  realPath: string | null;
  via: string[];
  kind: ProgramHome['kind'];
  how: ProgramHome['how'];
  /** Byte offset (a program) or line (a script) of the home, in the file that holds it. */
  where: ProgramHome['where'];
  candidates: string[];
  note: string | null;
}

/** The `binaries` list from the gathered facts, installation by installation. */
export function binariesFromFacts(facts: VeilFacts): BinaryEntry[] {
  return facts.instances.flatMap((i) =>
    i.programs.map((p) => ({ instance: i.root, path: p.path, home: p.home, realPath: p.realPath, via: p.via, kind: p.kind, how: p.how, where: p.where, candidates: p.candidates, note: p.note })),
  );
}

/** Leaks and the binaries read, from one gathering (what `qlens veil` prints). */
export function findVeil(installs: VeilInstallation[], users: SystemUsers, sysroot: Sysroot): { leaks: Leak[]; binaries: BinaryEntry[] } {
  const facts = gatherFacts(installs, users, sysroot, { dotqmails: installs.length > 1 });
  return { leaks: leaksFromFacts(facts), binaries: binariesFromFacts(facts) };
}

/** Read the installations and report every leak, most severe first. */
export function findLeaks(installs: VeilInstallation[], users: SystemUsers, sysroot: Sysroot): Leak[] {
  return leaksFromFacts(gatherFacts(installs, users, sysroot, { dotqmails: installs.length > 1 }));
}

/** Leaks that break mail, not only the veil: these are errors for `qlens check`. */
function checkSeverity(l: Leak): Diagnostic['severity'] | null {
  if (l.kind === 'domain-in-two-installations') {
    // Accepted by two listeners, or accepted by one that does not deliver it: mail goes to the wrong place or bounces.
    return l.evidence.some((e) => /\/control\/(rcpthosts|morercpthosts\.cdb)$/.test(e.path)) ? 'error' : 'warning';
  }
  if (['binaries-built-for-other-home', 'binaries-mixed-homes', 'self-mx-bounce', 'qmailqueue-other-installation', 'smtpd-of-other-installation', 'qmailremote-other-installation', 'starts-other-installation', 'rc-path-other-bin', 'same-ip-same-port'].includes(l.kind)) {
    return 'error';
  }
  if (l.severity === 'high') return 'warning';
  return null;
}

/** The first sentence: a stop and a space, outside quotes, not "e.g."; long ones cut at a word. */
function firstSentence(s: string): string {
  let quotes = 0;
  let end = s.length;
  for (let i = 0; i < s.length - 2; i++) {
    const c = s[i];
    if (c === '"') quotes++;
    if ((c === '.' || c === '!' || c === '?') && quotes % 2 === 0 && s[i + 1] === ' ' && /\S/.test(s[i + 2]) && !/\be\.g$/.test(s.slice(0, i))) {
      end = i + 1;
      break;
    }
  }
  const first = s.slice(0, end);
  if (first.length <= 320) return first;
  return first.slice(0, first.lastIndexOf(' ', 320)) + ' …';
}

/** Diagnostics for `qlens check`, one per leak that matters in practice, at its first evidence line. */
export function veilProblemsFromLeaks(leaks: Leak[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const l of leaks) {
    const severity = checkSeverity(l);
    if (!severity) continue;
    // For a conflict between two installations, point at the later one (usually the copy that went wrong).
    const ev = l.kind === 'domain-in-two-installations' || l.kind === 'same-ip-same-port' ? l.evidence[l.evidence.length - 1] : l.evidence[0];
    out.push({
      path: ev?.path ?? l.instances[0],
      line: ev?.line ?? null,
      severity,
      code: `veil-${l.kind}`,
      message: `${l.id} ${firstSentence(l.explanation)} Fix: ${firstSentence(l.fix)}`,
    });
  }
  return out;
}

/** The check rule set: veil leaks that are errors (or strong warnings) in practice. */
export function veilProblems(installs: VeilInstallation[], users: SystemUsers, sysroot: Sysroot): Diagnostic[] {
  return veilProblemsFromLeaks(findLeaks(installs, users, sysroot));
}

/** The same rule set in the shape lintInstallations() takes as an extra rule set (`qlens check`; one installation: its programs' homes only). */
export function veilLintRule(installs: VeilInstallation[], users: SystemUsers): Diagnostic[] {
  if (installs.length === 0) return [];
  return veilProblems(installs, users, installs[0].sysroot);
}

/**
 * For the tracer: the leak a trace shows when mail for `domain` leaves
 * `from` and would be delivered by `to` on the same host. `routed`: from's
 * smtproutes sends it to where `to` listens (the walk continues there);
 * otherwise qmail-remote finds this host as the MX and bounces (#5.4.6).
 */
export function leakForCrossing(
  from: string,
  to: string,
  domain: string,
  opts: { routed: boolean; evidence?: Evidence[]; helohost?: string | null } = { routed: true },
): Leak {
  const ev = opts.evidence ?? [];
  if (!opts.routed) {
    return leak(
      'L14',
      'self-mx-bounce',
      'high',
      [from, to],
      ev,
      `${domain} is delivered by ${to} on this same host, but ${from} has no smtproutes entry for it. ${from}'s qmail-remote looks up the MX, ` +
        `finds this machine and bounces: "Sorry. Although I'm listed as a best-preference MX or A for that host, it isn't in my control/locals file, so I don't treat it as local. (#5.4.6)".`,
      `Add "${domain}:<${to}'s listening IP>" to ${from}/control/smtproutes, or deliver ${domain} in the installation where its users live.`,
    );
  }
  return leak(
    'L16',
    'cross-installation-hop',
    'medium',
    [from, to],
    ev,
    `Here the mail crosses from ${from} to ${to} over SMTP on one host: the copy arrives from the host's own address` +
      `${opts.helohost ? ` with "HELO ${opts.helohost}"` : ` with ${from}'s HELO`}, and keeps ${from}'s Received and Delivered-To lines next to ${to}'s, ` +
      `so the message itself shows both installations.`,
    `Unavoidable once mail crosses; keep the names each installation shows neutral, or deliver ${domain} where the mail starts.`,
  );
}
