// The tracer's result (contract.md "qlens trace ADDRESS --json") and the
// hook through which a virtual-domain manager (vpopmail's vdelivermail,
// VMailMgr's vdeliver) continues a walk inside the program qmail-local runs.
import type { Sysroot } from '../sysroot/sysroot.js';
import type { Installation, SystemUsers } from '../qmail/model-types.js';
import type { ManagerKind } from '../qmail/manager-types.js';

export type DeliveryKind =
  | 'maildir'
  | 'mbox'
  | 'program'
  | 'forward'
  | 'remote'
  | 'bounce'
  | 'defer'
  | 'loop'
  | 'discard';

/** One outcome of the walk. `hop` is the index in TraceResult.hops of the hop that produced it. */
export interface Delivery {
  kind: DeliveryKind;
  /** maildir/mbox: absolute system path (maildir ends in `/`); program: the sh -c command;
   *  forward/remote/loop: an address; bounce/defer/discard: the reason in words. */
  target: string;
  hop: number;
}

/** The program whose decision a step explains. */
export type TraceStage =
  | 'qmail-inject'
  | 'qmail-smtpd'
  | 'qmail-queue'
  | 'qmail-send'
  | 'qmail-lspawn'
  | 'qmail-getpw'
  | 'qmail-local'
  | 'qmail-remote'
  | 'qlens'
  /** A manager's program, as its descriptor names it (vdelivermail, vdeliver). */
  | (string & {});

/** One decision, in words a trainer can read aloud: the question, the answer, the evidence. */
export interface TraceStep {
  stage: TraceStage;
  text: string;
  /** System path of the file that decided it, when one did. */
  path?: string;
  /** 1-based line in that file. */
  line?: number;
  /** A warning (e.g. users/assign disagrees with users/cdb); the walk is not changed by it. */
  warn?: boolean;
  /**
   * The question the step answers, by a stable name, for a step whose answer
   * decides the walk: two walks are compared on (stage, decision, path,
   * outcome), never on their wording (the impact preview).
   */
  decision?: TraceDecision;
  /** The answer, as a stable word (see TraceDecision). */
  outcome?: string;
}

/**
 * The decisions a step may name, and their outcomes:
 * - `rcpthosts` (qmail-smtpd): would it take the recipient from another host?
 *   `accept`, `refuse` (553) or `defer` (421: its control files cannot be read).
 *   Said for every copy that is not yet queued; it stops the walk only for a
 *   copy that really came by SMTP (another installation's qmail-remote).
 * - `route` (qmail-send): `local`, `remote`, or `stopped` (it would not run).
 * - `smtproute` (qmail-remote): `mx` (no smtproutes entry) or `smtproutes`.
 * - `same-host` (qmail-remote): another installation of this host delivers
 *   the domain: `self-mx` (no route to it, so the MX is looked up; when it is
 *   this host, qmail-remote bounces, #5.4.6), `no-listener` (the route leads
 *   to no known qmail-smtpd of it), or `crosses` (it does: the walk goes on
 *   in that installation).
 * - `queue` (qmail-queue): the home whose queue receives the copy, by the
 *   homes compiled into the programs on its way (trace/queue-home.ts), or
 *   `none` (it is never queued, or no qmail-send reads its queue). Said only
 *   where the programs could be read.
 */
export type TraceDecision = 'rcpthosts' | 'route' | 'smtproute' | 'same-host' | 'queue';

/** The user qmail-local runs as (qmail-lspawn's six fields). */
export interface TraceUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
  dash: string;
  ext: string;
  source: 'assign' | 'passwd' | 'alias';
}

export interface TraceHop {
  /** The recipient as this copy was injected (before qmail-send's rewriting). */
  recipient: string;
  /** Installation root this hop is walked in. */
  instance: string;
  /** The queue directory the copy enters, when the programs on its way could be read (trace/queue-home.ts). */
  queue?: string;
  route: 'local' | 'remote';
  /** The local part qmail-lspawn receives (prepend included, case kept); null for a remote hop. */
  local: string | null;
  /** The domain qmail-lspawn receives (HOST); null for a remote hop. */
  domain: string | null;
  /** qmail-send's rewritten address (local: L@H; remote: what qmail-remote receives). */
  rewritten: string;
  user: TraceUser | null;
  /** The .qmail file whose instructions apply; null when none (default delivery, or not reached). */
  dotqmail: string | null;
  /** What qmail-local would give a program. Unset variables are absent; `{}` when qmail-local is not reached. */
  env: Record<string, string>;
  steps: TraceStep[];
  /** Index of the hop whose forward created this one, null for the first. */
  parent: number | null;
  /** The envelope sender of this copy. */
  sender: string;
}

/** A veil leak met on the walk (crossing into another installation, say). */
export interface TraceLeak {
  kind: string;
  hop: number;
  text: string;
}

export interface TraceResult {
  address: string;
  instance: string;
  deliveries: Delivery[];
  hops: TraceHop[];
  leaks: TraceLeak[];
}

// ---------------------------------------------------------------------------
// Manager hook.
//
// When a program line of a .qmail (or of the default delivery) runs a
// manager's delivery program (qmail/managers.ts: each descriptor's detect),
// the walk calls that manager's handler from TraceOptions.managers. The
// handler imitates the program and says what it would do; the walk turns its
// actions into deliveries and new hops (forwards), exactly as for
// qmail-local's own lines. Without a handler (or when it returns null) the
// line is an ordinary `program` delivery with a step saying the manager is
// not followed, and the walk says it needs that handler (TraceNeed).
//
// A handler is made by the module its descriptor names (traceModule), which
// exports `makeHandler(session)`; trace/manager-loader.ts loads it.
// ---------------------------------------------------------------------------

export type { ManagerKind };

/**
 * What one walk could not know by itself. A caller that can wait (tracer.ts
 * trace()) satisfies every need and walks again until none is left; a caller
 * that cannot gets the walk as it is, which says in its steps what was not
 * followed.
 */
export type TraceNeed =
  /** A program line runs this manager's program and its handler is not loaded. */
  | { kind: 'handler'; manager: ManagerKind }
  /** A handler asked a backend for records it has not fetched yet (vpopmail's MySQL). */
  | { kind: 'fetch'; source: NeedSource };

/** A backend whose records are fetched between two walks. */
export interface NeedSource {
  /** Fetch every record the walks since the last fetch asked for. */
  fetchPending(): Promise<void>;
}

/**
 * What lives as long as one tracer and is handed to each manager's
 * makeHandler(): the backends a caller lets the walk read through, by name,
 * each made on first use (the caller closes what it made). The manager
 * module that reads a backend says its type (vpopmail.ts: `vpopmailSql`).
 */
export interface TraceSession {
  readonly [backend: string]: (() => Promise<unknown>) | undefined;
}

/** What a file read as the delivery user gave. */
export type ReadAsUser =
  | { ok: true; buf: Buffer; path: string }
  /** The user could not read it (owner/mode) or reading failed: qmail-side programs would defer. */
  | { ok: false; reason: string; path: string }
  /** The file does not exist. */
  | null;

export interface ManagerInput {
  kind: ManagerKind;
  sysroot: Sysroot;
  installation: Installation;
  users: SystemUsers;
  /** The command exactly as qmail-local hands it to /bin/sh -c (text after `|`). */
  command: string;
  /** The command split into words the way /bin/sh would for a simple command
   *  (quotes removed, `$VAR` expanded from env); argv[0] is the program. */
  argv: string[];
  /** Where the program line is: the .qmail file (or the start script for a default delivery) and line. */
  path: string;
  line: number;
  /** The hop being walked: its index, and what qmail-local was given. */
  hop: {
    index: number;
    recipient: string;
    local: string;
    domain: string;
    user: TraceUser;
    dotqmail: string | null;
  };
  /** The environment qmail-local gives the program (USER, HOME, LOCAL, HOST, EXT, DEFAULT, DTLINE, ...). */
  env: Readonly<Record<string, string>>;
  /** The envelope sender qmail-local got (SENDER). */
  sender: string;
  /** The header lines the program reads on stdin (without their `\n`), in order: the
   *  Delivered-To lines of the copy's forward chain and any from --message. qmail-local's
   *  own DTLINE for this delivery is NOT among them (it is env.DTLINE). */
  headerLines: readonly string[];
  /** Read a file as the delivery user would (owner/mode checked against user.uid/gid). */
  readAsUser: (path: string) => ReadAsUser;
  /** The time of the trace (for expiry checks and dated values). */
  now: Date;
}

/** One thing the manager program would do, in order. */
export type ManagerAction =
  | { kind: 'maildir' | 'mbox'; target: string }
  /** A program the manager itself would run (e.g. a user .qmail's `|` line). Never run by qlens. */
  | { kind: 'program'; target: string }
  /** Accepted and thrown away (delete catch-all, a user .qmail of only comments). */
  | { kind: 'discard'; target: string }
  | { kind: 'bounce' | 'defer'; target: string }
  /** The manager's own loop check fired; the walk sets the target to the hop's recipient. */
  | { kind: 'loop'; target?: string }
  /**
   * A copy re-injected to `target` (verbatim; qmail-send rewrites it on the new hop).
   * `deliveredTo`: the Delivered-To line (without `\n`) the copy carries for this delivery
   * instead of qmail-local's DTLINE (vdelivermail writes `Delivered-To: user@domain`);
   * default env.DTLINE. `sender`: the envelope sender of the copy; default the hop's sender.
   */
  | { kind: 'forward'; target: string; deliveredTo?: string; sender?: string };

export interface ManagerResult {
  /** Steps explaining each decision (stage 'vdelivermail' or 'vdeliver'). */
  steps: TraceStep[];
  /** What the run could not know (records to fetch): the walk is walked again once they are there. */
  needs?: TraceNeed[];
  /** Outcomes in program order. A `bounce`/`defer`/`loop` ends the program: nothing after it counts.
   *  Forwards are followed by the walk as new hops, depth first, in this order. */
  actions: ManagerAction[];
}

/** Returns null when the command is not one it understands (then it is a plain program delivery). */
export type ManagerHandler = (input: ManagerInput) => ManagerResult | null;

export type ManagerHandlers = Partial<Record<ManagerKind, ManagerHandler>>;

// ---------------------------------------------------------------------------
// Options of one trace.
// ---------------------------------------------------------------------------

export interface TraceOptions {
  /** Envelope sender (default sender@example.invalid). */
  sender?: string;
  /** Header lines of the message (from --message FILE), without `\n`; only Delivered-To matters. */
  headerLines?: string[];
  /** Time of the trace (UFLINE); default now. */
  now?: Date;
  /** The address is a queued recipient already rewritten by qmail-send. */
  channel?: 'local' | 'remote';
  /** The managers' handlers loaded so far, by kind (a line whose manager has none is a need of the walk). */
  managers?: ManagerHandlers;
  /** Other loaded installations on the host: a remote hop may cross into one (contract ruling). */
  others?: Installation[];
  /** Safety cap on the number of hops (forward storms). */
  maxHops?: number;
}

