// The queue of one qmail installation, read straight from disk the way
// qmail-qstat and qmail-qread read it (qmail-queue-and-instances.md §1), with
// what they leave out: messages still in todo, the estimated next retry, the
// messages past queuelifetime, the domain × age shape. Read-only, always.
//
// API (plain data; the CLI printer and the TUI's Queues view both use it):
//
//   const problems = new QueueProblems();
//   const layout = readQueueLayout(sysroot, '/var/qmail', problems);
//        → { queueDir, present, split, splitDirs, bigTodo }
//   const counts = countQueue(sysroot, layout, problems);
//        → { messages, todo }: qmail-qstat's two numbers (a directory walk, no file opened)
//   for (const m of scanQueue(sysroot, layout, problems, { now, queuelifetime, predict })) ...
//        → QueueMessage, one at a time (streaming: nothing of a message is kept
//          after it is yielded, bodies are never read). Order: split directory
//          0, 1, ... and ids ascending inside each.
//   readQueueMessage(sysroot, layout, id, problems, opts) → QueueMessageDetail | null
//        → one message with its header lines, a body preview and bounce notes.
//   shapeOf(messages, now) → { local, remote }: qshape's domain × age tables.
//   readQueuelifetime(sysroot, instance) → seconds (control/queuelifetime, default 604800).
//
// Rules kept from qmail:
// - split = the number of numeric subdirectories of mess/; big-todo when
//   todo/0 is a directory (then todo/ and intd/ are split too).
// - Only names made wholly of digits are messages.
// - The trust rule: while todo/N exists, info/local/remote may be partial, so
//   such a message is listed from its todo record (todo: true, recipients not
//   yet rewritten, channel null).
// - A message that vanishes mid-scan (delivered and cleaned up) is skipped; one
//   that leaves todo while read is re-read as preprocessed. Never a crash.
// - A permission error is reported once per installation, with what to do.
import { FsError, decodeBytes, type Sysroot } from '../sysroot/sysroot.js';
import { BulkDir } from '../sysroot/bulk-dir.js';
import type { Diagnostic } from './model-types.js';
import { readIntValue, QMAIL_INT_MAX } from './control-readers.js';
import {
  DEFAULT_QUEUELIFETIME,
  ShapeBuilder,
  estimateRetry,
  parseBounce,
  parseChannel,
  parseInfo,
  parseTodo,
  type BounceParagraph,
  type RetryEstimate,
  type ShapeTable,
} from './queue-records.js';

export type { RetryEstimate, ShapeTable, ShapeRow, BounceParagraph } from './queue-records.js';
export { qreadDate, isoSeconds, SHAPE_LABELS } from './queue-records.js';

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

const PERMISSION_FIX =
  'run qlens as root, or as a member of the qmail group (the group reads mess/ and todo/, enough for the counts; ' +
  'info/, local/, remote/ and bounce/ are mode 0700 for qmails, so the listing needs root or qmails)';

/** Problems met while reading one installation's queue; a permission error is kept once. */
export class QueueProblems {
  readonly list: Diagnostic[] = [];
  permissionDenied = false;
  private readonly seen = new Set<string>();

  add(d: Diagnostic): void {
    this.list.push(d);
  }

  /** Add once per code (e.g. a split mismatch seen on many messages). */
  once(d: Diagnostic): void {
    if (this.seen.has(d.code)) return;
    this.seen.add(d.code);
    this.list.push(d);
  }

  /** The codes added with once() so far. */
  onceCodes(): string[] {
    return [...this.seen];
  }

  /**
   * Take in what another reader of the same queue met (a worker scanning
   * later split directories), keeping the once-only rules as if one reader
   * had met it all in order.
   */
  absorb(list: Diagnostic[], onceCodes: Iterable<string>): void {
    const once = new Set(onceCodes);
    for (const d of list) {
      if (d.code === 'queue-permission') {
        if (this.permissionDenied) continue;
        this.permissionDenied = true;
        this.list.push(d);
      } else if (once.has(d.code)) this.once(d);
      else this.list.push(d);
    }
  }

  /** An FsError met on `what` (a path or "#id"); true when it was a permission error. */
  fsError(e: FsError, id?: number): boolean {
    if (e.code === 'EACCES' || e.code === 'EPERM') {
      if (!this.permissionDenied) {
        this.permissionDenied = true;
        this.list.push({ path: e.path, line: null, severity: 'error', code: 'queue-permission', message: `permission denied; ${PERMISSION_FIX}` });
      }
      return true;
    }
    this.list.push({
      path: e.path,
      line: null,
      severity: 'warning',
      code: 'queue-trouble',
      message: id === undefined ? e.message : `trouble with #${id}: ${e.message}`,
    });
    return false;
  }
}

const DIGITS = /^\d+$/;

/** A long run of digits as a problem shows it: whole up to 40 digits, else its start and its length. */
function shownNumber(n: string): string {
  return n.length > 40 ? `${n.slice(0, 20)}… (${n.length} digits)` : n;
}

/** A message file whose number qlens cannot hold exactly: reported, not listed. */
function unsafeId(dir: string, name: string): Diagnostic {
  const beyondInode = name.replace(/^0+/, '').length > 20 || BigInt(name) >= 2n ** 64n;
  return {
    path: `${dir}/${shownNumber(name)}`,
    line: null,
    severity: 'warning',
    code: 'queue-odd-name',
    message: beyondInode
      ? 'a message number beyond any inode number (2^64): no message qmail queued; not listed'
      : 'a message number beyond 2^53, more than qlens can hold exactly: not listed',
  };
}

/** Whether the directory holding `filePath` can be listed (cached per directory). */
function dirOpen(sysroot: Sysroot, filePath: string, cache: Map<string, boolean>): boolean {
  const dir = filePath.slice(0, filePath.lastIndexOf('/')) || '/';
  let ok = cache.get(dir);
  if (ok === undefined) {
    const it = sysroot.iterdir(dir);
    try {
      it.next();
      ok = true;
    } catch {
      ok = false;
    } finally {
      it.return(undefined);
    }
    cache.set(dir, ok);
  }
  return ok;
}

function asFsError(e: unknown, path: string): FsError {
  if (e instanceof FsError) return e;
  const code = (e as NodeJS.ErrnoException)?.code ?? 'EIO';
  return new FsError(code, path);
}

/** control/queuelifetime in seconds, as qmail-send's int holds it; a number beyond that int is reported into `problems`. */
export function readQueuelifetime(sysroot: Sysroot, instance: string, problems?: QueueProblems): number {
  const path = `${instance}/control/queuelifetime`;
  let r;
  try {
    r = readIntValue(sysroot.read(path), DEFAULT_QUEUELIFETIME);
  } catch {
    return DEFAULT_QUEUELIFETIME;
  }
  if (r.overflow !== undefined) {
    problems?.add({
      path,
      line: 1,
      severity: 'error',
      code: 'queue-lifetime-overflow',
      message: `${r.overflow} does not fit qmail-send's int (at most ${QMAIL_INT_MAX}): qmail reads it as ${r.value} seconds`,
    });
  }
  return r.value;
}

/**
 * The split a queue's directory names show: the highest mess/N such that at
 * least half of 0..N exist (a directory missing here and there still says
 * conf-split), so one odd name far above the rest (mess/100000000) is not
 * taken for a split of a hundred million.
 */
function inferSplit(sorted: number[]): number {
  let split = 0;
  for (let i = 0; i < sorted.length; i++) if (sorted[i] + 1 <= 2 * (i + 1)) split = sorted[i] + 1;
  return split;
}

/** A list of names for a message, at most `max` of them. */
function someOf(names: string[], max = 10): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

export function readQueueLayout(sysroot: Sysroot, instance: string, problems: QueueProblems): QueueLayout {
  const queueDir = `${instance}/queue`;
  const layout: QueueLayout = { instance, queueDir, present: false, split: 0, splitDirs: [], bigTodo: false };
  let st;
  try {
    st = sysroot.stat(queueDir);
  } catch (e) {
    problems.fsError(asFsError(e, queueDir));
    return layout;
  }
  if (!st || st.kind !== 'dir') return layout;
  layout.present = true;
  let names: string[] | null;
  try {
    names = sysroot.readdir(`${queueDir}/mess`);
  } catch (e) {
    problems.fsError(asFsError(e, `${queueDir}/mess`));
    return layout;
  }
  const odd: string[] = [];
  for (const n of names ?? []) {
    if (!DIGITS.test(n)) continue;
    if (sysroot.stat(`${queueDir}/mess/${n}`)?.kind !== 'dir') continue;
    // conf-split is an int: a longer name is no split directory qmail could make.
    if (n.length > 10 || Number(n) > QMAIL_INT_MAX) odd.push(n);
    else layout.splitDirs.push(Number(n));
  }
  layout.splitDirs.sort((a, b) => a - b);
  // A missing directory in the middle (0..22 without 5) still means split 23:
  // the names say what conf-split was better than the count does.
  layout.split = inferSplit(layout.splitDirs);
  for (const d of layout.splitDirs) if (d >= layout.split) odd.push(String(d));
  layout.splitDirs = layout.splitDirs.filter((d) => d < layout.split);
  for (const [i, n] of odd.entries()) {
    if (i === 10) {
      problems.add({ path: `${queueDir}/mess`, line: null, severity: 'warning', code: 'queue-layout', message: `${odd.length - 10} more directories beyond the split (${layout.split})` });
      break;
    }
    problems.add({
      path: `${queueDir}/mess/${shownNumber(n)}`,
      line: null,
      severity: 'warning',
      code: 'queue-layout',
      message: `a split directory beyond the split the others show (${layout.split}): qmail-send never looks there`,
    });
  }
  if (names === null) {
    problems.add({ path: `${queueDir}/mess`, line: null, severity: 'error', code: 'queue-layout', message: 'the queue has no mess/ directory' });
  } else if (layout.split === 0) {
    problems.add({ path: `${queueDir}/mess`, line: null, severity: 'error', code: 'queue-layout', message: 'mess/ has no numeric split subdirectories' });
  } else if (layout.splitDirs.length !== layout.split) {
    const have = new Set(layout.splitDirs);
    const missing: string[] = [];
    for (let i = 0; i < layout.split; i++) if (!have.has(i)) missing.push(`mess/${i}`);
    problems.add({
      path: `${queueDir}/mess`,
      line: null,
      severity: 'error',
      code: 'queue-layout',
      message: `split directories missing: ${someOf(missing, 20)} (qmail-send and qmail-queue fail on messages that belong there)`,
    });
  }
  try {
    layout.bigTodo = sysroot.stat(`${queueDir}/todo/0`)?.kind === 'dir';
  } catch {
    layout.bigTodo = false;
  }
  return layout;
}

function countDir(sysroot: Sysroot, dir: string, problems: QueueProblems): number {
  try {
    // One readdir call per split directory (a few thousand names even on a
    // 100,000-message queue): streaming in batches of 32 cost 50 ms more.
    return new BulkDir(sysroot, dir).list().length;
  } catch (e) {
    problems.fsError(asFsError(e, dir));
    return 0;
  }
}

/** qmail-qstat's two numbers: a walk over the names, no message file opened. */
export function countQueue(sysroot: Sysroot, layout: QueueLayout, problems: QueueProblems): QueueCounts {
  const counts: QueueCounts = { messages: 0, todo: 0 };
  if (!layout.present) return counts;
  for (const d of layout.splitDirs) counts.messages += countDir(sysroot, `${layout.queueDir}/mess/${d}`, problems);
  if (layout.bigTodo) {
    for (let i = 0; i < layout.split; i++) counts.todo += countDir(sysroot, `${layout.queueDir}/todo/${i}`, problems);
  } else {
    counts.todo = countDir(sysroot, `${layout.queueDir}/todo`, problems);
  }
  return counts;
}

function senderKind(s: string | null): SenderKind {
  if (s === null) return 'unknown';
  if (s === '') return 'null';
  if (s === '#@[]') return 'double-bounce';
  if (s.endsWith('-@[]')) return 'verp';
  return 'address';
}

/** The directories of one queue, opened once per scan. */
class QueueDirs {
  readonly mess: BulkDir[] = [];
  readonly info: BulkDir[] = [];
  readonly local: BulkDir[] = [];
  readonly remote: BulkDir[] = [];
  readonly todo: BulkDir[] = [];
  readonly bounce: BulkDir;
  constructor(
    readonly sysroot: Sysroot,
    readonly layout: QueueLayout,
  ) {
    const q = layout.queueDir;
    for (let i = 0; i < layout.split; i++) {
      this.mess.push(new BulkDir(sysroot, `${q}/mess/${i}`));
      this.info.push(new BulkDir(sysroot, `${q}/info/${i}`));
      this.local.push(new BulkDir(sysroot, `${q}/local/${i}`));
      this.remote.push(new BulkDir(sysroot, `${q}/remote/${i}`));
      if (layout.bigTodo) this.todo.push(new BulkDir(sysroot, `${q}/todo/${i}`));
    }
    if (!layout.bigTodo) this.todo.push(new BulkDir(sysroot, `${q}/todo`));
    this.bounce = new BulkDir(sysroot, `${q}/bounce`);
  }
  todoFor(id: number): BulkDir {
    return this.layout.bigTodo ? this.todo[id % this.layout.split] : this.todo[0];
  }
}

export interface ScanContext {
  dirs: QueueDirs;
  problems: QueueProblems;
  now: number;
  lifetimeMs: number;
  predict?: RecipientPredictor;
  includeTodo: boolean;
  /** Ids seen in todo/ when the scan started. */
  todoIds: Set<number>;
  bounceIds: Set<number>;
  startedMs: number;
  /**
   * Per split directory, listed when first needed (after startedMs): the ids
   * with a local/ or remote/ file, or null when the directory could not be
   * listed. Saves opening a file that is not there (some 80,000 failed opens
   * on a 100,000-message queue): qmail-send makes them only while
   * preprocessing, before info, so a message whose info is older than the
   * listing cannot grow one later.
   */
  channelIds: Array<{ local: Set<number> | null; remote: Set<number> | null } | undefined>;
}

/** Ids in one split directory, or null when it cannot be listed (then every file is opened). */
function quietIdSet(dir: BulkDir): Set<number> | null {
  const out = new Set<number>();
  try {
    for (const n of dir.list()) if (DIGITS.test(n)) out.add(Number(n));
  } catch {
    return null;
  }
  return out;
}

function channelIdsOf(cx: ScanContext, s: number): { local: Set<number> | null; remote: Set<number> | null } {
  let ids = cx.channelIds[s];
  if (!ids) {
    ids = { local: quietIdSet(cx.dirs.local[s]), remote: quietIdSet(cx.dirs.remote[s]) };
    cx.channelIds[s] = ids;
  }
  return ids;
}

function idSet(dirs: BulkDir[], problems: QueueProblems): Set<number> {
  const out = new Set<number>();
  for (const d of dirs) {
    try {
      for (const n of d.list()) if (DIGITS.test(n)) out.add(Number(n));
    } catch (e) {
      problems.fsError(asFsError(e, d.sysDir));
    }
  }
  return out;
}

/**
 * What a scan needs before its first message: the directories, todo/ and
 * bounce/ listed (problems go to `problems`). Workers scanning split
 * directories in parallel each open one, given the listings of the thread
 * that started the scan.
 */
export function openScan(sysroot: Sysroot, layout: QueueLayout, problems: QueueProblems, opts: ScanOptions): ScanContext {
  const dirs = new QueueDirs(sysroot, layout);
  const now = opts.now ?? Date.now();
  const startedMs = opts.startedMs ?? Date.now();
  return {
    dirs,
    problems,
    now,
    lifetimeMs: (opts.queuelifetime ?? readQueuelifetime(sysroot, layout.instance)) * 1000,
    predict: opts.predict,
    includeTodo: opts.includeTodo !== false,
    todoIds: opts.todoIds ? new Set(opts.todoIds) : idSet(dirs.todo, problems),
    bounceIds: opts.bounceIds ? new Set(opts.bounceIds) : idSet([dirs.bounce], problems),
    startedMs,
    channelIds: [],
  };
}

type ReadResult = QueueMessage | 'vanished' | 'skip';

function todoMessage(cx: ScanContext, id: number, messMtime: number, size: number, buf: Buffer, todoPath: string): QueueMessage {
  const env = parseTodo(buf);
  if (env.unknownTypes.length > 0) {
    cx.problems.add({
      path: todoPath,
      line: null,
      severity: 'warning',
      code: 'queue-todo-record',
      message: `unknown record type ${env.unknownTypes.map((t) => JSON.stringify(t)).join(', ')}: qmail-send leaves the message in todo`,
    });
  }
  if (env.truncated) {
    cx.problems.add({ path: todoPath, line: null, severity: 'warning', code: 'queue-todo-record', message: 'the last record has no terminating NUL' });
  }
  const sender = env.sender === null ? null : decodeBytes(env.sender);
  return {
    instance: cx.dirs.layout.instance,
    id,
    queuedMs: messMtime,
    queuedFrom: 'mess',
    size,
    sender,
    senderBytes: env.sender,
    senderKind: senderKind(sender),
    todo: true,
    bouncing: cx.bounceIds.has(id),
    uid: env.uid,
    pid: env.pid,
    recipients: env.recipients.map((b) => {
      const address = decodeBytes(b);
      return {
        address,
        bytes: b,
        channel: null,
        done: false,
        nextRetryMs: null,
        prediction: null,
      };
    }),
    retry: {},
    expiresMs: null,
    pastLifetime: false,
  };
}

/** Read one message; 'vanished' when it went away while read, 'skip' for in-flight/orphans. */
function readOne(cx: ScanContext, id: number): ReadResult {
  const { dirs } = cx;
  const s = id % dirs.layout.split;
  const name = String(id);
  // Size only: the mess mtime (a .fsmeta look-up in a fixture) matters only for todo messages.
  const mess = dirs.mess[s].stat(name, false);
  if (!mess || mess.kind !== 'file') return 'vanished';
  const todoDir = dirs.todoFor(id);
  const tryTodo = (): QueueMessage | null => {
    const t = todoDir.read(name);
    if (!t) return null;
    const mtime = dirs.mess[s].stat(name)?.mtimeMs ?? mess.mtimeMs;
    return todoMessage(cx, id, mtime, mess.size, t.buf, `${todoDir.sysDir}/${id}`);
  };

  if (cx.todoIds.has(id)) {
    const m = tryTodo();
    if (m) return cx.includeTodo ? m : 'skip';
    // Left todo while we looked: preprocessed now; read it as such.
  }
  // Only the first record counts (getinfo), and an address is under 1003 bytes.
  const info = dirs.info[s].read(name, 4096);
  if (!info) {
    // New since the todo walk, or in flight / an orphan: qmail-qread shows neither.
    const m = tryTodo();
    if (m) return cx.includeTodo ? m : 'skip';
    return dirs.mess[s].exists(String(id)) ? 'skip' : 'vanished';
  }
  // The trust rule for a message preprocessed after the todo walk began: info
  // may be partial while todo/N still exists.
  if (info.mtimeMs >= cx.startedMs - 2000 && !cx.todoIds.has(id)) {
    const m = tryTodo();
    if (m) return cx.includeTodo ? m : 'skip';
  }
  const senderBytes = parseInfo(info.buf);
  const sender = senderBytes === null ? null : decodeBytes(senderBytes);
  const born = info.mtimeMs;
  const recipients: QueueRecipient[] = [];
  const retry: QueueMessage['retry'] = {};
  let anyChannel = false;
  // Named when the scan began is only trusted for a message preprocessed before it (2 s for coarse mtimes).
  const oldInfo = born < cx.startedMs - 2000;
  const channelIds = oldInfo ? channelIdsOf(cx, s) : null;
  for (const ch of ['local', 'remote'] as const) {
    const known = channelIds?.[ch];
    if (known && oldInfo && !known.has(id)) continue;
    const f = (ch === 'local' ? dirs.local : dirs.remote)[s].read(String(id));
    if (!f) continue;
    anyChannel = true;
    const recs = parseChannel(f.buf);
    let est: RetryEstimate | undefined;
    if (recs.some((r) => !r.done)) {
      est = estimateRetry(born, cx.now, ch, f.mtimeMs);
      retry[ch] = est;
    }
    for (const r of recs) {
      const address = decodeBytes(r.address);
      recipients.push({
        address,
        bytes: r.address,
        channel: ch,
        done: r.done,
        nextRetryMs: r.done || !est ? null : est.nextMs,
        prediction: null,
      });
    }
  }
  // Nothing left and the message file gone: it was finished while we read it.
  if (!anyChannel && !dirs.mess[s].exists(String(id))) return 'vanished';
  const expiresMs = born + cx.lifetimeMs;
  return {
    instance: dirs.layout.instance,
    id,
    queuedMs: born,
    queuedFrom: 'info',
    size: mess.size,
    sender,
    senderBytes,
    senderKind: senderKind(sender),
    todo: false,
    bouncing: cx.bounceIds.has(id),
    uid: null,
    pid: null,
    recipients,
    retry,
    expiresMs,
    pastLifetime: cx.now > expiresMs,
  };
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

/** Fill in the predictions of a message's pending recipients, in the order they are listed. */
export function predictRecipients(m: QueueMessage, predict: RecipientPredictor | undefined): void {
  if (!predict) return;
  const sender = m.sender ?? '';
  for (const r of m.recipients) if (!r.done) r.prediction = predict(r.address, r.channel, sender);
}

export function newTally(): ScanTally {
  return { listed: 0, todo: 0, vanished: 0, inFlight: 0, incomplete: false };
}

/**
 * The messages of one split directory (mess/d), ids ascending, without
 * predictions. Returns true when the whole listing must stop (a permission
 * error on a directory: the rest would fail the same way).
 */
export function* scanSplit(cx: ScanContext, d: number, tally: ScanTally, openDirs = new Map<string, boolean>()): Generator<QueueMessage, boolean> {
  const { layout } = cx.dirs;
  const { problems } = cx;
  const sysroot = cx.dirs.sysroot;
  const messDir = cx.dirs.mess[d] ?? new BulkDir(sysroot, `${layout.queueDir}/mess/${d}`);
  const ids: number[] = [];
  try {
    // One split directory's names at once (a few thousand numbers even for
    // a 100,000-message queue): they are sorted anyway, and one readdir
    // call is far cheaper than iterating in small batches.
    for (const n of sysroot.readdir(messDir.sysDir) ?? []) {
      if (!DIGITS.test(n)) continue;
      const id = Number(n);
      if (Number.isSafeInteger(id)) ids.push(id);
      else problems.add(unsafeId(messDir.sysDir, n));
    }
  } catch (e) {
    if (problems.fsError(asFsError(e, messDir.sysDir))) {
      tally.incomplete = true;
      return true;
    }
    return false;
  }
  ids.sort((a, b) => a - b);
  for (const id of ids) {
    if (id % layout.split !== d) {
      problems.once({
        path: `${messDir.sysDir}/${id}`,
        line: null,
        severity: 'warning',
        code: 'queue-split-mismatch',
        message: `message ${id} lies in mess/${d}, but ${id} mod ${layout.split} is ${id % layout.split}: qmail looks for it elsewhere (was the queue made with another conf-split?)`,
      });
      continue;
    }
    let r: ReadResult;
    try {
      r = readOne(cx, id);
    } catch (e) {
      const err = asFsError(e, `${messDir.sysDir}/${id}`);
      if (problems.fsError(err, id)) {
        tally.incomplete = true;
        // A closed directory (info/ is 0700 qmails) stops the listing; one
        // unreadable file in an open directory is skipped and the rest go on.
        if (!dirOpen(sysroot, err.path, openDirs)) return true;
      }
      continue;
    }
    if (r === 'vanished') tally.vanished++;
    else if (r === 'skip') {
      if (!cx.todoIds.has(id)) tally.inFlight++;
    } else {
      tally.listed++;
      if (r.todo) tally.todo++;
      yield r;
    }
  }
  return false;
}

/**
 * Every message, streamed. Problems go to `problems`; the optional `tally`
 * is filled as the scan goes.
 */
export function* scanQueue(
  sysroot: Sysroot,
  layout: QueueLayout,
  problems: QueueProblems,
  opts: ScanOptions = {},
  tally: ScanTally = newTally(),
): Generator<QueueMessage> {
  if (!layout.present || layout.split === 0) return;
  const cx = openScan(sysroot, layout, problems, opts);
  const openDirs = new Map<string, boolean>();
  for (const d of layout.splitDirs) {
    const it = scanSplit(cx, d, tally, openDirs);
    for (;;) {
      const step = it.next();
      if (step.done) {
        if (step.value) return;
        break;
      }
      predictRecipients(step.value, cx.predict);
      yield step.value;
    }
  }
}

const HEAD_MAX = 65536;
const PREVIEW_LINES = 20;
const PREVIEW_BYTES = 4096;

/** One message by id, with headers, a body preview and its bounce notes; null when not queued. */
export function readQueueMessage(
  sysroot: Sysroot,
  layout: QueueLayout,
  id: number,
  problems: QueueProblems,
  opts: ScanOptions = {},
): QueueMessageDetail | null {
  if (!layout.present || layout.split === 0) return null;
  const cx = openScan(sysroot, layout, problems, { ...opts, includeTodo: true });
  const s = id % layout.split;
  let m: ReadResult;
  let head;
  try {
    m = readOne(cx, id);
    if (m === 'vanished') return null;
    if (m !== 'skip') predictRecipients(m, cx.predict);
    head = cx.dirs.mess[s].read(String(id), HEAD_MAX);
  } catch (e) {
    problems.fsError(asFsError(e, `${layout.queueDir}/mess/${s}/${id}`), id);
    return null;
  }
  if (!head) return null;
  const q = layout.queueDir;
  const base: QueueMessage =
    m === 'skip'
      ? {
          instance: layout.instance,
          id,
          queuedMs: head.mtimeMs,
          queuedFrom: 'mess',
          size: head.size,
          sender: null,
          senderBytes: null,
          senderKind: 'unknown',
          todo: false,
          bouncing: false,
          uid: null,
          pid: null,
          recipients: [],
          retry: {},
          expiresMs: null,
          pastLifetime: false,
        }
      : m;
  const buf = head.buf;
  const headers: Buffer[] = [];
  let pos = 0;
  let headersTruncated = true;
  while (pos < buf.length) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0) break;
    let line = buf.subarray(pos, nl);
    pos = nl + 1;
    if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
    if (line.length === 0) {
      headersTruncated = false;
      break;
    }
    headers.push(line);
  }
  if (headersTruncated && head.size <= HEAD_MAX && pos < buf.length) {
    // A last header line without LF and no body.
    headers.push(buf.subarray(pos));
    pos = buf.length;
    headersTruncated = false;
  }
  let end = pos;
  let lines = 0;
  while (end < buf.length && lines < PREVIEW_LINES && end - pos < PREVIEW_BYTES) {
    const nl = buf.indexOf(0x0a, end);
    end = nl < 0 ? buf.length : nl + 1;
    lines++;
  }
  end = Math.min(end, pos + PREVIEW_BYTES);
  let bounce: BounceParagraph[] | null = null;
  try {
    const b = cx.dirs.bounce.read(String(id));
    if (b) bounce = parseBounce(decodeBytes(b.buf));
  } catch (e) {
    problems.fsError(asFsError(e, `${q}/bounce/${id}`), id);
  }
  const chanPath = (ch: 'local' | 'remote') =>
    base.recipients.some((r) => r.channel === ch) ? `${q}/${ch}/${s}/${id}` : null;
  return {
    ...base,
    bouncing: base.bouncing || bounce !== null,
    paths: {
      mess: `${q}/mess/${s}/${id}`,
      info: base.queuedFrom === 'info' ? `${q}/info/${s}/${id}` : null,
      local: chanPath('local'),
      remote: chanPath('remote'),
      todo: base.todo ? `${cx.dirs.todoFor(id).sysDir}/${id}` : null,
      bounce: bounce !== null ? `${q}/bounce/${id}` : null,
    },
    headers,
    headersTruncated,
    bodyPreview: buf.subarray(pos, end),
    bodyTruncated: end < head.size,
    bounce,
  };
}

/** qshape's tables: pending recipients of preprocessed messages by domain and age. */
export function shapeOf(messages: Iterable<QueueMessage>, now: number): { local: ShapeTable; remote: ShapeTable } {
  const b = new ShapeBuilder(now);
  for (const m of messages) addToShape(b, m);
  return { local: b.table('local'), remote: b.table('remote') };
}

export function addToShape(b: ShapeBuilder, m: QueueMessage): void {
  for (const r of m.recipients) if (!r.done && r.channel) b.add(r.channel, r.address, m.queuedMs);
}

export { ShapeBuilder };
