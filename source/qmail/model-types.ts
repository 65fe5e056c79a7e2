// The shapes the rest of qlens reads a qmail installation through. Parsers
// in this folder produce them; the tracer, veil, lint, edit and the UI
// consume them. Everything is plain data (plus lazy accessors on the
// Installation so a one-shot trace reads only the files its walk needs).
import type { Sysroot } from '../sysroot/sysroot.js';
import type { CdbReader } from './cdb.js';
import type { ListLine, ColonEntry } from './control-readers.js';

export type Severity = 'error' | 'warning' | 'info';

/** One problem found while reading: always names the file, and the line where there is one. */
export interface Diagnostic {
  /** System path. */
  path: string;
  /** 1-based, or null when the problem is about the whole file. */
  line: number | null;
  severity: Severity;
  /** Stable short code, e.g. "assign-format", "cdb-stale". */
  code: string;
  message: string;
}

/** Compile-time constants of one installation (conf-* files), with where each came from. */
export interface QmailConsts {
  /** conf-break: the first character separating user from extension. Default "-". */
  breakChar: string;
  /** conf-patrn: mode bits that must not be set on a home or the chosen .qmail. Default 0o002. */
  patrn: number;
  /** conf-split: queue split. Default 23. */
  split: number;
  /** conf-spawn: cap for concurrencylocal/remote. Default 120. */
  spawn: number;
  /** conf-users line 1: the alias user. Default "alias". */
  aliasUser: string;
  /** Which constants are assumed defaults rather than read from the installation. */
  assumed: string[];
}

/** The default delivery (qmail-start's first argument, `aliasempty`), with its evidence. */
export interface DefaultDelivery {
  /** The instruction text, e.g. "./Maildir/" or "./Mailbox". May hold several lines. */
  text: string;
  /** System path of the start script it came from, or null when assumed. */
  path: string | null;
  line: number | null;
  /** Words for a step: where it came from, or which assumption was used. */
  explanation: string;
  /**
   * Set when no start script was found, so qmail-start's argument is not
   * known: 'defaultdelivery', control/defaultdelivery's content was taken (what
   * the stock rc passes); 'builtin', there is none either: ./Mailbox.
   */
  assumed?: 'defaultdelivery' | 'builtin';
}

/** A single-value control file's effective value after qmail's fallbacks (the qmail-showctl table). */
export interface ControlValue {
  name: string;
  /** The value qmail would use; null only when qmail would have none ("absent"). */
  value: string | null;
  /** 'file': read from control/NAME; 'me': fell back to control/me; 'default': the literal default. */
  source: 'file' | 'me' | 'default' | 'absent';
  path: string;
  line: number | null;
}

/** A list control file (reader D), after the `me` fallback where qmail applies one. */
export interface ControlList {
  name: string;
  path: string;
  /** The file exists (an empty file is present, and gives an empty list). */
  present: boolean;
  /** Lines qmail uses, with their line numbers; for the `me` fallback, a single line numbered 1 of control/me. */
  lines: ListLine[];
  /** 'file', 'me' (absent file, `me` used: locals), or 'absent'. */
  source: 'file' | 'me' | 'absent';
}

/** virtualdomains / smtproutes as constmap sees them: last duplicate wins, keys lower-cased. */
export interface ColonList extends ControlList {
  map: Map<string, ColonEntry>;
  /** Lines with no colon: qmail ignores them silently (we warn). */
  ignored: ListLine[];
}

/** One users/assign line, as qmail-newu reads it. */
export interface AssignEntry {
  /** '=' simple (any first byte but '+'), '+' wildcard. */
  kind: '=' | '+';
  /** The local part (or prefix) as written, without the first byte. */
  local: string;
  user: string;
  uid: string;
  gid: string;
  home: string;
  dash: string;
  /** ext for '=' lines, pre for '+' lines. */
  ext: string;
  line: number;
}

export interface AssignFile {
  path: string;
  present: boolean;
  entries: AssignEntry[];
  /** Format errors (qmail-newu would refuse the whole file: "bad format in users/assign"). */
  errors: Diagnostic[];
  /** Line of the terminating `.` line, or null when missing (a format error). */
  terminatorLine: number | null;
}

/** users/cdb as qmail-lspawn opens it. */
export type UsersCdb =
  | { state: 'absent'; path: string }
  | { state: 'error'; path: string; message: string }
  | { state: 'ok'; path: string; reader: CdbReader; mtimeMs: number; /** the "" record (wildcard chars), null when missing: every local delivery defers */ marker: string | null };

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
  /** The raw uid/gid text when not a number (qmail-getpw would not match such a line). */
  line: number;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
  line: number;
}

export type DotQmailKind = 'comment' | 'program' | 'forward' | 'mbox' | 'maildir' | 'blank';

/** One line of a .qmail file, classified exactly as qmail-local does. */
export interface DotQmailLine {
  line: number;
  /** The line as in the file (without its \n). */
  raw: string;
  kind: DotQmailKind;
  /**
   * program: the command handed to /bin/sh -c (after the `|`);
   * forward: the address (after `&` or as written);
   * mbox/maildir: the path as written (relative to home unless it starts with `/`).
   */
  target: string;
  /** For a `+` line (kind 'comment'): 'list' for exactly `+list` (forward-only mode from here on), else 'ignored'. */
  flag?: 'list' | 'ignored';
}

export interface DotQmailFile {
  path: string;
  lines: DotQmailLine[];
  /** Any delivery line at all (a file of only comments delivers nothing). */
  hasDelivery: boolean;
  diagnostics: Diagnostic[];
}

/** One qmail installation, read lazily: each accessor reads its files on first use and caches. */
export interface Installation {
  /** System path of the installation root, e.g. "/var/qmail". */
  readonly root: string;
  readonly sysroot: Sysroot;
  consts(): QmailConsts;
  /** Everything reported so far by the accessors used. */
  diagnostics(): Diagnostic[];
  /** control/me (reader A), null when absent. */
  me(): string | null;
  /** Effective value of a single-value control file (envnoathost, bouncehost, defaulthost, ...). */
  control(name: string): ControlValue;
  /** Effective integer of an integer control file (queuelifetime, concurrencylocal, ...). */
  controlInt(name: string): { value: number; source: 'file' | 'default'; path: string };
  /** A list control file with qmail's fallback: locals falls back to [me]; others do not. */
  list(name: 'locals' | 'percenthack' | 'rcpthosts' | 'badmailfrom' | string): ControlList;
  virtualdomains(): ColonList;
  smtproutes(): ColonList;
  /**
   * Only these keys (ASCII lower-cased) of a colon list, with `map` holding
   * the ones present as the full list's map would: a one-shot look-up need
   * not build an entry for each of 20,000 lines.
   */
  colonLookup?(name: 'virtualdomains' | 'smtproutes', keys: string[]): Pick<ColonList, 'present' | 'path' | 'map'>;
  /** control/morercpthosts.cdb as qmail-smtpd reads it (null when absent). */
  morercpthostsCdb(): { reader: CdbReader; path: string } | { error: string; path: string } | null;
  usersCdb(): UsersCdb;
  assign(): AssignFile;
  /**
   * users/assign for a look-up of one local part (its bytes as latin1, ASCII
   * lower-cased): every format error, but with `partial` set only the entries
   * that look-up can land on, and `wildBytes` the wildcard characters as
   * stored. Lets a one-shot trace skip building every entry of a big file.
   */
  assignFor?(lowerBin: string): AssignFile & { partial?: true; wildBytes?: string };
  defaultDelivery(): DefaultDelivery;
  /** The start scripts found for it (rc, supervise run scripts, units), read on first use. */
  startScripts(): StartScript[];
}

/** The system's users, shared by every installation on the host. */
export interface SystemUsers {
  passwd(): PasswdEntry[];
  /** First passwd line with exactly this name (qmail-getpw compares names exactly, after its own lower-casing). */
  byName(name: string): PasswdEntry | null;
  group(): GroupEntry[];
  diagnostics(): Diagnostic[];
}

// ---------------------------------------------------------------------------
// Start scripts (startup.ts reads them): what an installation is started with.
// ---------------------------------------------------------------------------

/** One piece of a shell word: literal text, or a command substitution. */
export type WordPart = { lit: string } | { subst: string; quoted: boolean };

export interface ShellWord {
  /** The word as written in the script. */
  raw: string;
  parts: WordPart[];
  /** Literal text with substitutions shown as `cmd` (for display). */
  value: string;
  line: number;
}

export interface ShellCommand {
  /** Assignments written before the command word (VAR=x cmd) or alone (VAR=x). */
  assigns: Array<{ name: string; value: ShellWord }>;
  words: ShellWord[];
  line: number;
}

export interface EnvSetting {
  name: string;
  value: string;
  path: string;
  line: number;
  /** How it was set: a shell assignment, `export`, or an `env NAME=value` argument. */
  via: 'assign' | 'export' | 'env';
}

export interface QmailStartCall {
  path: string;
  line: number;
  /** The program word as written (qmail-start or /var/qmail/bin/qmail-start). */
  program: string;
  /** The first argument: the default delivery; null when qmail-start has none (then ./Mailbox). */
  arg: ShellWord | null;
  /** The logger program and its arguments (everything after the first argument). */
  logger: string[];
}

export interface TcpServerCall {
  path: string;
  line: number;
  /** tcpserver, sslserver, tcpsvd ... as written. */
  server: string;
  /** Listen address: `0` = every address. */
  host: string;
  /** Port: a number or a service name such as `smtp`. */
  port: string;
  /** -l NAME (TCPLOCALHOST). */
  localName: string | null;
  uid: string | null;
  gid: string | null;
  /** -x rules cdb. */
  rules: string | null;
  /** -c limit. */
  limit: string | null;
  /** Every option as written, e.g. ["-v", "-R", "-l", "0"]. */
  options: string[];
  /** The words of -l -u -g -x -c as written, for resolving `head -1 .../me` and the like (resolveWord). */
  optionWords: Record<string, ShellWord>;
  /** The program run for each connection (qmail-smtpd path) and its arguments. */
  program: string | null;
  args: string[];
}

/** A multilog run (a log/run script): its actions as written, e.g. ["t", "s4096", "n3", "./main"]. */
export interface MultilogCall {
  path: string;
  line: number;
  program: string;
  args: string[];
}

export interface StartScript {
  path: string;
  kind: 'rc' | 'run' | 'systemd' | 'other';
  commands: ShellCommand[];
  env: EnvSetting[];
  /** Lines running `env -` (the environment is emptied before what follows). */
  envClear: number[];
  envdirs: Array<{ dir: string; line: number }>;
  qmailStart: QmailStartCall[];
  tcpservers: TcpServerCall[];
  multilogs: MultilogCall[];
  /** Other scripts or programs this one runs by absolute path (`exec /var/qmail/rc`). */
  execs: Array<{ program: string; line: number }>;
  diagnostics: Diagnostic[];
}
