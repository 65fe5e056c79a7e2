// A virtual-domain manager (vpopmail, VMailMgr, ...) as one plug-in: what
// the rest of qlens needs to know of it, from its names to the trace
// handler that follows its delivery program. qmail/managers.ts lists them;
// the domain matrix, the checks, the Dot-qmail tree and the walk loop over
// that list and never name a manager themselves.
import type { Diagnostic, Installation, SystemUsers } from './model-types.js';

/** A manager's name in code ("vpopmail"): its descriptor's `kind`. */
export type ManagerKind = string;

/** One virtual user or alias of a manager domain, for the Domains and Dot-qmail views. */
export interface ManagerEntry {
  name: string;
  kind: 'user' | 'alias' | 'catch-all';
  /** What a message to it does, one line each (a Maildir, a forward, a program, a note). */
  deliveries: string[];
  /** File the entry lives in (vpasswd.cdb, a valias .qmail-NAME, passwd.cdb). */
  path: string;
  notes: string[];
}

/** A manager domain in users and aliases, read by the manager's own readers. */
export interface ManagerDomainSummary {
  manager: ManagerKind;
  domain: string;
  users: number;
  aliases: number;
  /** The catch-all in words: "bounce-no-mailbox", "delete", "forward x@y", "path /d/pm", "none". */
  catchAll: string;
  entries: ManagerEntry[];
  diagnostics: Diagnostic[];
}

/** A domain a manager keeps, as its findDomains() found it. */
export interface ManagerDomain {
  /** The virtualdomains key, ASCII lower-cased. */
  key: string;
  /** The table its users are counted from (for messages). */
  table: string;
  /** The manager's own facts about it, handed back to summarize(). */
  info: unknown;
}

export interface ManagerDescriptor {
  /** Its name in code and in JSON ("vpopmail"). */
  readonly kind: ManagerKind;
  /** Its name in words ("vpopmail", "VMailMgr"). */
  readonly name: string;
  /** Its name in a narrow column ("vpop"). */
  readonly short: string;
  /** The program a .qmail line runs to hand it the message ("vdelivermail"); also the stage of its trace steps. */
  readonly program: string;
  /** Does this program line (its words as /bin/sh splits them) run the manager's delivery program? */
  detect(argv: readonly string[]): boolean;
  /** The installation's domains this manager keeps (users may be null when /etc/passwd is not read). */
  findDomains(inst: Installation, users: SystemUsers | null): ManagerDomain[];
  /** One domain's users and aliases; `deliveries: false` when only the counts are wanted (no user's own file read). */
  summarize(inst: Installation, d: ManagerDomain, opts: { deliveries: boolean }): ManagerDomainSummary;
  /** Its traps in one installation, for `qlens check`. */
  lint(inst: Installation, users: SystemUsers): Diagnostic[];
  /** Why a domain whose mail runs its program is not one findDomains() knows (its users are not counted). */
  notCounted(row: { domain: string; virtual: string | null }): string;
  /**
   * The trace module that follows its program, as a path relative to
   * source/trace/ ("vpopmail.js"); it exports `makeHandler(session)`. A name
   * and not an import, so that this layer never depends on the tracer: the
   * trace layer loads it when a walk first meets the program.
   */
  readonly traceModule: string;
}
