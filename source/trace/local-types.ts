// The shapes of one qmail-local run (local.ts and its helpers): what the
// walk gives it, what it gives back, and the run's own state, passed to each
// of its functions as qmail-local.c keeps it in globals.
import type { Installation, SystemUsers } from '../qmail/model-types.js';
import type { Access } from './access.js';
import type { ManagerHandlers, TraceNeed, TraceStep, TraceUser } from './types.js';

export interface LocalInput {
  inst: Installation;
  users: SystemUsers;
  access: Access;
  user: TraceUser;
  /** qmail-local's `local` and `domain` arguments (case kept). */
  local: string;
  domain: string;
  /** The sender qmail-lspawn hands on (after qmail-send's VERP expansion). */
  sender: string;
  /** Header lines of the copy (Delivered-To of its forward chain, --message lines), without `\n`. */
  headerLines: readonly string[];
  now: Date;
  hopIndex: number;
  recipient: string;
  managers?: ManagerHandlers;
}

export type LocalAction =
  | { kind: 'maildir' | 'mbox' | 'program' | 'discard'; target: string }
  /** immediate: injected by a manager program at once (kept even if qmail-local later fails);
   *  otherwise collected by qmail-local and injected only when it finishes successfully. */
  | { kind: 'forward'; target: string; immediate: boolean; deliveredTo: string; sender: string };

export type LocalEnd = { kind: 'ok'; delivered: boolean } | { kind: 'defer' | 'bounce' | 'loop'; reason: string };

/** qmail-local stops: its exit, 100 (bounce, loop) or 111 (defer). */
export type LocalStop = { kind: 'defer' | 'bounce' | 'loop'; reason: string };

export interface LocalResult {
  dotqmail: string | null;
  env: Record<string, string>;
  steps: TraceStep[];
  actions: LocalAction[];
  end: LocalEnd;
  /** What the walk needs to follow this hop further (a manager's handler, a backend's records). */
  needs: TraceNeed[];
}

/** One run's state: its input, the user it runs as, and what it has said and done so far. */
export interface LocalRun {
  readonly inp: LocalInput;
  readonly user: TraceUser;
  readonly uid: number;
  readonly gid: number;
  /** The home as qmail-lspawn gives it, and as the system names it (no doubled or trailing /). */
  readonly home: string;
  readonly homeDir: string;
  /** conf-patrn: mode bits a home or the chosen .qmail must not have. */
  readonly patrn: number;
  readonly steps: TraceStep[];
  readonly actions: LocalAction[];
  readonly needs: TraceNeed[];
  readonly env: Record<string, string>;
  /** The .qmail file chosen by qmesearch, once it has chosen one. */
  dotqmail: string | null;
}
