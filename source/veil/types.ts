// The veil detector's plain data: what it reads (facts gathered once per
// installation and once for the host) and what it reports (leaks). The
// rules are pure functions from VeilFacts to Leak[]; only inputs.ts touches
// the sysroot.
import type { ProgramHome, QueueRoute } from '../qmail/binaries.js';

export type LeakSeverity = 'high' | 'medium' | 'low' | 'info';

/** A line in a file that shows the leak. `line` is null for a fact about the whole path (an owner, a link). */
export interface Evidence {
  path: string;
  line: number | null;
  text: string;
}

export interface Leak {
  /** L1…L30 as numbered in qmail-queue-and-instances.md §4. */
  id: string;
  /** Stable short name, e.g. "same-hostname". */
  kind: string;
  severity: LeakSeverity;
  /** Installation roots involved, in load order. */
  instances: string[];
  evidence: Evidence[];
  /** Words a trainer can read out, with concrete addresses. */
  explanation: string;
  fix: string;
}

/** An effective single-value control setting after qmail's fallback chain (§2.1). */
export interface IdentityValue {
  name: string;
  /** null: qmail would have no value. */
  value: string | null;
  /** 'file': control/NAME; 'me': fell back to control/me; 'default': a literal default; 'absent'. */
  source: 'file' | 'me' | 'default' | 'absent';
  /** Where the value was read (control/NAME, or control/me for the fallback); null for a literal default. */
  path: string | null;
  line: number | null;
}

export interface NamedLine {
  text: string;
  line: number;
}

export interface DomainList {
  path: string;
  present: boolean;
  /** Lines qmail uses (for locals without a file: control/me's line). */
  lines: NamedLine[];
  source: 'file' | 'me' | 'absent';
}

export interface ColonLine {
  key: string;
  value: string;
  line: number;
}

export interface AssignFact {
  kind: '=' | '+';
  local: string;
  user: string;
  uid: string;
  home: string;
  line: number;
}

/** A tcpserver call in a start script. */
export interface TcpServerFact {
  path: string;
  line: number;
  text: string;
  /** Listen address as written after variable expansion ("0", "192.0.2.10"); null if unreadable. */
  host: string | null;
  /** Port as written ("smtp", "25", "2525"). */
  port: string | null;
  /** -l argument after expansion; null when -l is absent. */
  localName: string | null;
  /** When -l's value came from a file (LOCAL=`head -1 /var/qmail/control/me`): that file and the line assigning it. */
  localNameFrom: { file: string; line: number; text: string } | null;
  /** -u argument after expansion (a number or, for `id -u NAME`, the name). */
  user: string | null;
  /** When -u's value came from `id -u NAME`, NAME. */
  userName: string | null;
  userLine: { line: number; text: string } | null;
  /** -x rules file. */
  rules: string | null;
  /** The program tcpserver runs (first word after host and port, past wrappers such as recordio). */
  program: string | null;
}

export interface EnvSetting {
  name: string;
  value: string;
  path: string;
  line: number;
  text: string;
}

export interface StartScriptFact {
  /** System path as found (e.g. /service/qmail-smtpd/run). */
  path: string;
  /** Where it really lives after following links (dedupes /service → HOME/supervise). */
  realPath: string;
  /** The installation it starts (by location, else by the programs it names); null when unknown. */
  instance: string | null;
  /** A systemd unit's Environment= applies wherever it is written; a shell script's only to later lines. */
  kind: 'rc' | 'run' | 'systemd' | 'other';
  lines: NamedLine[];
  tcpservers: TcpServerFact[];
  /** PATH=, QMAILQUEUE=, QMAILREMOTE= (and other environment settings) in the script. */
  env: EnvSetting[];
  /** The line that runs qmail-start, if any. */
  qmailStart: { line: number; text: string; program: string } | null;
  /** multilog directories and splogger tags (L30). */
  logTargets: Array<{ kind: 'multilog' | 'splogger'; value: string; line: number; text: string }>;
  /** qmail-popup's host argument (L25). */
  popupHost: { value: string; line: number; text: string } | null;
}

export interface OwnerFact {
  path: string;
  uid: number;
  /** passwd name of the uid, if any. */
  name: string | null;
}

export interface InstanceFacts {
  root: string;
  /** Position in the load order (0 = the first installation). */
  index: number;
  me: IdentityValue;
  /** Effective identity values: smtpgreeting, helohost, bouncehost, bouncefrom, doublebouncehost, doublebounceto, idhost, defaulthost, defaultdomain, plusdomain, envnoathost, localiphost. */
  identity: Record<string, IdentityValue>;
  locals: DomainList;
  rcpthosts: DomainList;
  /** Names in control/morercpthosts.cdb (qmail-smtpd reads only the cdb). */
  morercpthosts: { path: string; names: string[] } | null;
  virtualdomains: { path: string; entries: ColonLine[] };
  smtproutes: { path: string; entries: ColonLine[] };
  assign: { path: string; present: boolean; entries: AssignFact[] };
  /** conf-users line 1 (the alias user's name). */
  aliasUser: string;
  /** Owner of HOME/alias. */
  aliasOwner: OwnerFact | null;
  /** Owners per hier.c: queue/ (qmailq), queue/info (qmails), queue/lock/tcpto (qmailr), bin/qmail-queue. */
  queueOwner: OwnerFact | null;
  sendOwner: OwnerFact | null;
  /** bin/qmail-queue and bin/qmail-inject with their modes (L26). */
  binaries: Array<{ path: string; mode: number; uid: number }>;
  /** Every program in bin/ that can carry a home, with the home compiled into it (binaries.ts). */
  programs: ProgramHome[];
  scripts: StartScriptFact[];
  /** .qmail files this installation would read: its alias directory and the homes it delivers to. */
  dotqmails: DotQmailFact[];
}

export interface DotQmailLineFact {
  line: number;
  text: string;
  kind: 'comment' | 'program' | 'forward' | 'mbox' | 'maildir' | 'blank';
  /** Address for a forward, command for a program, path for a mailbox. */
  target: string;
}

export interface DotQmailFact {
  path: string;
  /** passwd user whose home holds it, or the alias user. */
  owner: string;
  lines: DotQmailLineFact[];
}

export interface PasswdFact {
  name: string;
  uid: number;
  gid: number;
  home: string;
  line: number;
  text: string;
  /** The home exists and belongs to this uid (qmail-getpw's condition). */
  ownsHome: boolean;
}

export interface HostFacts {
  /** Kernel host name as the files tell it (/etc/hostname), with its FQDN from /etc/hosts when that adds a domain. */
  hostname: { value: string; path: string; line: number; fqdn: string | null; fqdnEvidence: { path: string; line: number; text: string } | null } | null;
  passwdPath: string;
  passwd: PasswdFact[];
  /**
   * /usr/sbin/sendmail, /usr/lib/sendmail (links). `instance`: the
   * installation whose queue the mail enters, by the homes compiled into
   * sendmail and the qmail-inject and qmail-queue it runs; by the directory
   * the link leads into when no home could be read (`home` null then).
   */
  sendmailLinks: Array<{ path: string; target: string; resolved: string; instance: string | null; home: string | null; dirInstance: string | null; route: QueueRoute | null }>;
  /** sendmail and qmail-inject as local programs find them on the usual PATH (and /usr/lib/sendmail), links or files. */
  pathPrograms: PathProgramFact[];
  /** Start scripts not under any installation that name no installation either. */
  orphanScripts: StartScriptFact[];
  /** tcprules sources and cdbs read for QMAILQUEUE/QMAILREMOTE settings. */
  tcprules: Array<{ path: string; settings: Array<{ name: string; value: string; line: number | null; text: string }> }>;
}

export interface PathProgramFact {
  /** sendmail or qmail-inject. */
  name: string;
  /** Where it was found (/usr/sbin/sendmail). */
  path: string;
  /** The first of its name on the PATH (what `sendmail` in a cron job runs), or a fixed path programs call (/usr/lib/sendmail). */
  onPath: boolean;
  /** The link's target as written, when it is one. */
  link: string | null;
  /** The installation whose directory the file (or where the link leads) is in. */
  dirInstance: string | null;
  route: QueueRoute;
}

export interface VeilFacts {
  instances: InstanceFacts[];
  host: HostFacts;
  /**
   * Every program read, by the path it was named by (run scripts' programs,
   * QMAILQUEUE and QMAILREMOTE values, each bin/ program), with where its
   * messages go: the rules judge a program by the home compiled into it,
   * not by its directory.
   */
  programs: Record<string, { program: ProgramHome; route: QueueRoute }>;
  /** Each home a program carries: a loaded installation, another installation here (a directory with control/), a bare directory, or nothing. */
  homes: Record<string, 'loaded' | 'installation' | 'directory' | 'missing'>;
}
