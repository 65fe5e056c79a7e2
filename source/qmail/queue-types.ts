// The plain data of a qmail queue as qlens reads it (queue.ts is the API):
// the layout, qmail-qstat's counts, one message with its recipients, the
// seam to the tracer's predictions. Types only.
import type { FsError } from '../sysroot/sysroot.js';
import type { Diagnostic } from './model-types.js';
import type { BounceParagraph, RetryEstimate } from './queue-records.js';

export interface QueueLayout {
  /** Installation root, e.g. "/var/qmail". */
  instance: string;
  /** System path of the queue, "/var/qmail/queue". */
  queueDir: string;
  /** The queue directory exists. */
  present: boolean;
  /** conf-split as the queue shows it: the count of numeric mess/ subdirectories. */
  split: number;
  /** The numeric mess/ subdirectories found, ascending. */
  splitDirs: number[];
  /** The big-todo patch: todo/ and intd/ are split too. */
  bigTodo: boolean;
}

export interface QueueCounts {
  /** qmail-qstat "messages in queue": every file under mess/ (todo, in-flight and orphans included). */
  messages: number;
  /** qmail-qstat "messages in queue but not yet preprocessed": files under todo/. */
  todo: number;
}

/** What one listing of a split directory of mess/ found. */
export interface DirListing {
  /** The message ids, ascending. */
  ids: number[];
  /** The listing failed (nothing else is set then). */
  error?: FsError;
  /** Names made of digits that no message id can be (beyond 2^53): said when the directory is read. */
  odd?: Diagnostic[];
}

/** qmail-qstat's counts and the names behind them, from one listing of mess/ (listQueue). */
export interface QueueListing {
  counts: QueueCounts;
  /** Per split directory, by its number. */
  dirs: Map<number, DirListing>;
}

/** What the tracer predicts for one pending recipient. */
export interface QueuePrediction {
  /** The deliveries' kinds, e.g. "maildir", "defer", "remote". */
  kind: string;
  /** The first delivery's target (a path, an address, or the reason in words). */
  target: string;
  /** One line for people: "would deliver to /home/bob/Maildir/", "deferred: ...". */
  text: string;
  /** Every delivery of the walk, when there is more than one. */
  deliveries?: Array<{ kind: string; target: string }>;
}

/**
 * The seam to the tracer: given a recipient as the queue holds it, what would
 * qmail do with it now? `channel` is null for a recipient still in todo (not
 * yet rewritten: walk from qmail-send).
 */
export type RecipientPredictor = (address: string, channel: 'local' | 'remote' | null, sender: string) => QueuePrediction | null;

export interface QueueRecipient {
  /** As the queue holds it: UTF-8 when valid, else Latin-1 (every byte kept). */
  address: string;
  /** The raw bytes, for printing invalid bytes as visible escapes. */
  bytes: Buffer;
  /** null for a recipient of a message still in todo. */
  channel: 'local' | 'remote' | null;
  /** A D record: delivered, or failed permanently. */
  done: boolean;
  /** Estimated next attempt for a pending recipient (epoch ms), else null. */
  nextRetryMs: number | null;
  prediction: QueuePrediction | null;
}

export type SenderKind = 'address' | 'null' | 'double-bounce' | 'verp' | 'unknown';

export interface QueueMessage {
  instance: string;
  /** The message number: the mess file's name (its inode number on a live queue). */
  id: number;
  /** What qmail-qread shows: info mtime (birth); for a todo message the mess mtime. */
  queuedMs: number;
  queuedFrom: 'info' | 'mess';
  /** Size of the mess file, Received line included (qmail-qread's bytes). */
  size: number;
  /** Envelope sender ('' for a bounce, '#@[]' for a double bounce); null when info holds no F record. */
  sender: string | null;
  senderBytes: Buffer | null;
  senderKind: SenderKind;
  /** Still in todo: not yet preprocessed, recipients not yet rewritten. */
  todo: boolean;
  /** bounce/<id> exists: a bounce will be sent once every recipient is finished. */
  bouncing: boolean;
  /** todo's u and p records (the injecting uid, qmail-queue's pid); null after preprocessing. */
  uid: number | null;
  pid: number | null;
  recipients: QueueRecipient[];
  /** Per channel with pending recipients: last and next attempt by qmail-send's schedule. */
  retry: { local?: RetryEstimate; remote?: RetryEstimate };
  /** birth + queuelifetime (epoch ms); null for a todo message (no birth yet). */
  expiresMs: number | null;
  /** Older than queuelifetime: its next temporary failure turns into a bounce. */
  pastLifetime: boolean;
}

export interface QueueMessageDetail extends QueueMessage {
  /** System paths of the files read. */
  paths: { mess: string; info: string | null; local: string | null; remote: string | null; todo: string | null; bounce: string | null };
  /** Header lines (without their LF) up to the empty line, Received line first. */
  headers: Buffer[];
  headersTruncated: boolean;
  /** The first lines of the body. */
  bodyPreview: Buffer;
  bodyTruncated: boolean;
  /** bounce/<id>'s paragraphs, when bouncing. */
  bounce: BounceParagraph[] | null;
}

export interface ScanOptions {
  /** The time the estimates are made for (epoch ms). Default: now. */
  now?: number;
  /**
   * When the scan began (epoch ms; default now): the listings of todo/,
   * bounce/, local/ and remote/ are made no earlier. Workers sharing one
   * listing are given the main thread's.
   */
  startedMs?: number;
  /** todo/ and bounce/ as listed by whoever started the scan (else listed here). */
  todoIds?: Iterable<number>;
  bounceIds?: Iterable<number>;
  /** Seconds; default control/queuelifetime of the installation (read once). */
  queuelifetime?: number;
  predict?: RecipientPredictor;
  /** List messages still in todo too (qmail-qread does not). Default true. */
  includeTodo?: boolean;
}

/** Counters a scan keeps besides what it yields. */
export interface ScanTally {
  listed: number;
  todo: number;
  /** Messages that went away while read. */
  vanished: number;
  /** mess files with neither info nor todo (being written, or orphans). */
  inFlight: number;
  /** The listing stopped early (a permission error). */
  incomplete: boolean;
}

