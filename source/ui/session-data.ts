// What the loader hands the UI: plain data, already read. Views draw it and
// never read a file themselves. Each part is optional because it arrives
// asynchronously, and the first screen is drawn before the large parts.
import type { Diagnostic } from '../qmail/model-types.js';
import type { DomainMatrix } from '../qmail/domains.js';
import type { TraceResult } from '../trace/types.js';
import type { Leak } from '../veil/index.js';
import type { TreeNode } from './dotqmail-tree.js';
import type { DomainErrors } from './domain-marks.js';
import type { QueueCounts, QueueMessageDetail, ShapeTable } from '../qmail/queue.js';
import type { QueueItem } from './queue-items.js';

export interface SourceInfo {
  /** Host directory standing for `/`. */
  sysrootDir: string;
  /** The bundled demo opened, or null. */
  demo: string | null;
  /** One sentence saying what was opened and why (shown on screen). */
  note: string;
}

export interface InstanceSummary {
  root: string;
  me: string | null;
  /** Domains qmail-smtpd accepts mail for (rcpthosts, morercpthosts.cdb). */
  accepts: number;
  /** Domains qmail-send delivers locally (locals, virtualdomains). */
  delivers: number;
  /** No rcpthosts file: qmail-smtpd accepts every domain (an open relay). */
  acceptsAll: boolean;
  /** The homes compiled into its key programs, when that is not its own root alone (qmail/binaries.ts headerHomes). */
  binaryHomes?: string[] | null;
  queue?: QueueCounts;
}

export interface LoadProgress {
  done: number;
  total: number;
  step: string;
}

/** One installation's queue as the Queues view shows it; `complete` false while the scan runs. */
export interface QueueView {
  instance: string;
  present: boolean;
  counts: QueueCounts;
  /** One compact row per message (queue-items.ts); the whole message is read on Enter. */
  messages: QueueItem[];
  shape: { local: ShapeTable; remote: ShapeTable } | null;
  problems: Diagnostic[];
  complete: boolean;
  now: number;
  /** Subject of each message by id, read after the listing (append-only; `subjectsRead` counts them). */
  subjects: Map<number, string>;
  subjectsRead: number;
}

/** A text file shown with its lines (Problems → Enter), already sanitized. */
export interface FileView {
  path: string;
  lines: string[] | null;
  error: string | null;
  /** A program: its lines are a listing of it (qmail/binaries.ts programListing), not the file's lines. */
  program?: boolean;
}

/**
 * The kinds of thing read on demand: what is asked and what comes back. A
 * data source (data-sources.ts) adds its own kinds from its own file:
 * `declare module './session-data.js' { interface DetailKinds { … } }`.
 */
export interface DetailKinds {
  message: { request: { instance: string; id: number }; detail: { message: QueueMessageDetail | null; error: string | null } };
  file: { request: { path: string }; detail: { file: FileView } };
  /** The rows beneath a lazily read Dot-qmail branch (TreeNode.lazy). */
  branch: { request: { instance: string; id: string }; detail: { nodes: TreeNode[]; error: string | null } };
  trace: { request: { address: string; queued?: { instance: string; channel: 'local' | 'remote' } | null }; detail: { address: string; results: TraceResult[]; error: string | null } };
}

/** Things read on demand, keyed by requestKey(). */
export type Detail = { [K in keyof DetailKinds]: { kind: K } & DetailKinds[K]['detail'] }[keyof DetailKinds];

export type DetailRequest = { [K in keyof DetailKinds]: { kind: K } & DetailKinds[K]['request'] }[keyof DetailKinds];

/** A source's own kind: its fields in name order (an absent field and an undefined one are the same request). */
function fieldsKey(r: object): string {
  const o = r as Record<string, unknown>;
  return Object.keys(o)
    .filter((k) => k !== 'kind' && o[k] !== undefined)
    .sort()
    .map((k) => `${k}=${JSON.stringify(o[k])}`)
    .join(':');
}

/** The one key of a request in `details` (the loader stores under it, the views look it up by it). */
export function requestKey(r: DetailRequest): string {
  switch (r.kind) {
    case 'message':
      return `message:${r.instance}:${r.id}`;
    case 'file':
      return `file:${r.path}`;
    case 'branch':
      return `branch:${r.instance}:${r.id}`;
    case 'trace':
      return r.queued ? `trace:${r.queued.instance}:${r.queued.channel}:${r.address}` : `trace:${r.address}`;
    default:
      return `${(r as { kind: string }).kind}:${fieldsKey(r)}`;
  }
}

/** What the loader publishes; a data source adds its part by merging into this interface from its own file. */
export interface SessionParts {
  /** Per installation root. */
  domains: Record<string, DomainMatrix>;
  queues: Record<string, QueueView>;
  /** `qlens check` over every installation. */
  problems: Diagnostic[];
  /** The errors of `problems` that concern each domain (domain-marks.ts), per installation root. */
  domainErrors: DomainErrors;
  /** `qlens veil`: how the installations give each other away. */
  veil: Leak[];
  /** Per installation root: the Dot-qmail tree, flattened with depths. */
  dotqmail: Record<string, TreeNode[]>;
}

export interface SessionData {
  source: SourceInfo;
  instances: InstanceSummary[];
  /** null when loading has finished. */
  progress: LoadProgress | null;
  /** Things that went wrong while loading (one line each, already sanitized). */
  errors: string[];
  /** Filled in as each part of the model lands; views are offered only when their part is here. */
  parts: Partial<SessionParts>;
  details: Record<string, Detail>;
}

export function emptySession(source: SourceInfo): SessionData {
  return { source, instances: [], progress: { done: 0, total: 1, step: 'finding installations' }, errors: [], parts: {}, details: {} };
}
