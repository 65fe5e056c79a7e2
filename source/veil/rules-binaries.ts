// Leaks in the programs themselves: the home compiled into a qmail program
// (conf-qmail, binaries.ts) decides the queue it writes and the control
// files it reads, whatever directory it sits in. L22 (mail moved into
// another HOME's queue): an installation whose programs carry another
// installation's home (copied, not rebuilt), or several homes (a partial
// copy). L20: which queue the sendmail and qmail-inject that local programs
// find really feed. Run scripts and QMAILQUEUE are judged by compiled homes
// in rules-listeners.ts.
import { KEY_PROGRAMS, homeEvidence, homesOf, programName, type ProgramHome } from '../qmail/binaries.js';
import { claimsOf, exampleDomain } from './domains.js';
import { leak, listWords } from './leak-util.js';
import type { Evidence, InstanceFacts, Leak, VeilFacts } from './types.js';

const byKey = (a: ProgramHome, b: ProgramHome): number => {
  const rank = (p: ProgramHome): number => {
    const k = KEY_PROGRAMS.indexOf(programName(p));
    return k < 0 ? KEY_PROGRAMS.length : k;
  };
  return rank(a) - rank(b) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
};

function programEvidence(ps: ProgramHome[]): Evidence[] {
  return [...ps].sort(byKey).map((p) => ({ path: p.path, line: null, text: homeEvidence(p) }));
}

/** What a program built for `home` does wrong in installation `x`, in words (key programs only). */
function consequence(x: InstanceFacts, p: ProgramHome, home: string, facts: VeilFacts, domain: string): string | null {
  const other = facts.instances.find((i) => i.root === home);
  switch (programName(p)) {
    case 'qmail-queue':
      return `${p.path} writes every message it is handed into ${home}/queue, not ${x.root}/queue`;
    case 'qmail-send':
      return (
        `${x.root}'s qmail-send works in ${home}: it reads ${home}/control and delivers from ${home}/queue` +
        (other ? `, and cannot even start while ${home}'s own qmail-send runs ("alert: cannot start: qmail-send is already running")` : '')
      );
    case 'qmail-smtpd': {
      const refused = other && claimsOf(other, domain).every((c) => c.list !== 'rcpthosts' && c.list !== 'morercpthosts');
      return (
        `${x.root}'s qmail-smtpd checks ${home}/control/rcpthosts` +
        (refused ? `, where ${domain} is not listed: mail for ${domain} is refused with "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)"` : '') +
        ` and hands what it takes to ${home}/bin/qmail-queue`
      );
    }
    case 'qmail-lspawn':
      return `${x.root}'s deliveries look users up in ${home}/users/cdb and run ${home}/bin/qmail-local`;
    case 'qmail-local':
      return `forwards that ${x.root} delivers are re-injected through ${home}/bin/qmail-queue`;
    case 'qmail-inject':
    case 'sendmail':
      return `mail injected with ${p.path} enters ${facts.programs[p.path]?.route.queue ?? home}'s queue`;
    case 'qmail-remote':
      return `${x.root}'s outgoing mail leaves with ${home}/control/helohost and ${home}/control/smtproutes`;
    default:
      return null;
  }
}

function consequences(x: InstanceFacts, ps: ProgramHome[], home: string, facts: VeilFacts, domain: string): string[] {
  return [...ps]
    .sort(byKey)
    .map((p) => consequence(x, p, home, facts, domain))
    .filter((s): s is string => s !== null)
    .slice(0, 4);
}

const names = (ps: ProgramHome[], max = 6): string => listWords([...ps].sort(byKey).map(programName), max);

const REBUILD = (root: string): string =>
  `Rebuild qmail for ${root}: put ${root} on the first line of conf-qmail in a fresh copy of the source, then "make setup check", which installs programs carrying ${root} into ${root}/bin; restart its services. Copying another installation's bin/ never works: the home is compiled in.`;

function homeWords(home: string, facts: VeilFacts): string {
  switch (facts.homes[home]) {
    case 'loaded':
      return 'another installation here';
    case 'installation':
      return `another installation on this host, not loaded (add --instance ${home})`;
    case 'directory':
      return 'a directory here that is no qmail installation';
    default:
      return 'which does not exist on this host';
  }
}

/** Every program with a home carries one other than the installation's own: a copy, not a rebuild. */
function copiedInstallation(x: InstanceFacts, facts: VeilFacts): Leak[] {
  const homes = homesOf(x.programs);
  if (homes.length !== 1 || homes[0].home === x.root) return [];
  const { home, programs } = homes[0];
  const domain = exampleDomain(x, facts.instances);
  const missing = facts.homes[home] === 'missing' || facts.homes[home] === 'directory';
  const effects = missing
    ? [
        `qmail-queue cannot change to ${home} and fails every message ("qq trouble in home directory (#4.3.0)"), so nothing ${x.root}'s programs take in is ever queued`,
        `qmail-send cannot start ("alert: cannot start: unable to switch to home directory")`,
      ]
    : consequences(x, programs, home, facts, domain);
  return [
    leak(
      'L22',
      'binaries-built-for-other-home',
      'high',
      facts.homes[home] === 'loaded' ? [x.root, home] : [x.root],
      programEvidence(programs),
      `${x.root} was made by copying an installation without rebuilding it: ${programs.length === 1 ? `its program ${names(programs)} carries` : `${programs.length} of its programs (${names(programs)}) carry`} ` +
        `${home} as the home compiled in from conf-qmail — ${homeWords(home, facts)} — and none carries ${x.root}. ` +
        (effects.length ? `${effects.join('; ')}. ` : '') +
        `${x.root}/control, users/ and queue/ are never read: mail for ${domain} is handled by ${home}'s configuration ` +
        `(so the veil does not compare ${x.root}'s control files with the others').`,
      REBUILD(x.root),
    ),
  ];
}

/** An installation whose programs carry different homes: some were copied in from elsewhere. */
function mixedHomes(x: InstanceFacts, facts: VeilFacts): Leak[] {
  const homes = homesOf(x.programs);
  if (homes.length < 2) return [];
  const domain = exampleDomain(x, facts.instances);
  const wrong = homes.filter((h) => h.home !== x.root);
  const effects = wrong.flatMap((h) => consequences(x, h.programs, h.home, facts, domain)).slice(0, 4);
  return [
    leak(
      'L22',
      'binaries-mixed-homes',
      'high',
      [x.root, ...wrong.map((h) => h.home).filter((h) => facts.homes[h] === 'loaded')],
      programEvidence(homes.flatMap((h) => h.programs)),
      `${x.root}'s programs carry different homes (conf-qmail as compiled in): ` +
        homes.map((h) => `${names(h.programs)} ${h.programs.length === 1 ? 'carries' : 'carry'} ${h.home}`).join('; ') +
        `. Some were copied from another build and never rebuilt` +
        (effects.length ? `: ${effects.join('; ')}.` : '.'),
      `Rebuild all of qmail with conf-qmail = ${x.root} and run "make setup check", so that every program in ${x.root}/bin carries ${x.root}; ` +
        `then restart ${x.root}'s services.`,
    ),
  ];
}

function routeWords(steps: ProgramHome[]): string {
  return steps.map((s) => `${s.realPath ?? s.path}${s.home ? ` (built for ${s.home})` : ''}`).join(' → ');
}

/**
 * sendmail and qmail-inject as local programs find them: which queue their
 * mail enters, by the homes compiled into the programs on the way; and when
 * that is another installation than the one whose bin/ they are in.
 */
function localPrograms(facts: VeilFacts): Leak[] {
  const roots = facts.instances.map((i) => i.root);
  const known = facts.host.pathPrograms.filter((p) => p.route.queue !== null);
  const out: Leak[] = [];
  for (const p of known) {
    const q = p.route.queue!;
    const lead = p.route.steps[0];
    if (p.dirInstance === null || p.dirInstance === q) continue;
    out.push(
      leak(
        'L20',
        'local-mail-enters-other-queue',
        'high',
        [p.dirInstance, ...(roots.includes(q) ? [q] : [])],
        [
          { path: p.path, line: null, text: p.link ? `-> ${p.link}` : 'a file' },
          ...p.route.steps.map((s) => ({ path: s.realPath ?? s.path, line: null, text: homeEvidence(s) })),
        ],
        `${p.path} ${p.link ? `leads to ${lead.realPath ?? p.link}` : 'is'} in ${p.dirInstance}'s bin, but the program${p.route.steps.length > 1 ? 's it runs were' : ' was'} built for ${q}: ` +
          `every local program that runs ${p.name} (cron, mail(1), web applications) puts its mail into ${q}/queue, with ${q}'s defaulthost, idhost and me, not into ${p.dirInstance}'s. ` +
          `On its way: ${routeWords(p.route.steps)}.`,
        `Rebuild ${p.dirInstance}'s programs with conf-qmail = ${p.dirInstance} ("make setup check"), or point ${p.path} at the ${p.name} of the installation local programs should use.`,
      ),
    );
  }
  if (known.length && roots.length > 1) {
    out.push(
      leak(
        'L20',
        'local-programs-queue',
        'info',
        roots,
        known.map((p) => ({ path: p.path, line: null, text: `${p.link ? `-> ${p.link}; ` : ''}mail enters ${p.route.queue}/queue` })),
        `Which queue local programs' mail enters, by the homes compiled into the programs (not the directories they sit in): ` +
          known.map((p) => `${p.path}${p.onPath ? ` (the ${p.name} found first on the PATH)` : ''} → ${routeWords(p.route.steps)}, so ${p.route.queue}/queue`).join('; ') +
          `. Mail from cron, mail(1) and web applications of every site leaves with that installation's names.`,
        `Configure each site's applications to call its own installation's bin/sendmail (or qmail-inject) by absolute path.`,
      ),
    );
  }
  return out;
}

export function binaryLeaks(facts: VeilFacts): Leak[] {
  const out: Leak[] = [];
  for (const x of facts.instances) out.push(...copiedInstallation(x, facts), ...mixedHomes(x, facts));
  out.push(...localPrograms(facts));
  return out;
}


