// Reading a queue's messages, one split directory at a time, ids ascending,
// the way qmail-qread reads them (info, local, remote) plus the messages still
// in todo. Nothing of a message is kept after it is yielded; bodies are never
// read. The rules (trust, vanishing, permission) are in queue.ts.
import { decodeBytes, type FsError, type Sysroot } from '../sysroot/sysroot.js';
import { BulkDir, type BulkFile, type BulkStat } from '../sysroot/bulk-dir.js';
import { isAscii } from 'node:buffer';
import type { Diagnostic } from './model-types.js';
import { ShapeBuilder, estimateRetry, parseChannel, parseInfo, parseTodo, type ShapeTable } from './queue-records.js';
import { QueueProblems, asFsError } from './queue-problems.js';
import { DIGITS, readQueuelifetime, unsafeId } from './queue-layout.js';
import type { QueueCounts, QueueLayout, QueueMessage, QueueRecipient, RecipientPredictor, ScanOptions, ScanTally, SenderKind } from './queue-types.js';


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

export type ReadResult = QueueMessage | 'vanished' | 'skip';

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

/** Latin-1 for the usual all-ASCII bytes (the same string, found without decoding twice), else decodeBytes. */
function text(b: Buffer): string {
  return isAscii(b) ? b.toString('latin1') : decodeBytes(b);
}

/** A message still in todo (or back in it), read from its todo record; null when todo/N is gone. */
function fromTodo(cx: ScanContext, id: number, s: number, name: string, mess: BulkStat): QueueMessage | null {
  const todoDir = cx.dirs.todoFor(id);
  const t = todoDir.read(name);
  if (!t) return null;
  const mtime = cx.dirs.mess[s].stat(name)?.mtimeMs ?? mess.mtimeMs;
  return todoMessage(cx, id, mtime, mess.size, t.buf, `${todoDir.sysDir}/${id}`);
}

/**
 * Read one message; 'vanished' when it went away while read, 'skip' for
 * in-flight/orphans. The usual case (preprocessed, info older than the scan)
 * runs through small functions, so the JIT compiles each soon and once.
 */
export function readOne(cx: ScanContext, id: number): ReadResult {
  const { dirs } = cx;
  const s = id % dirs.layout.split;
  const name = String(id);
  // Size only: the mess mtime (a .fsmeta look-up in a fixture) matters only for todo messages.
  const mess = dirs.mess[s].stat(name, false);
  if (mess === null || mess.kind !== 'file') return 'vanished';
  if (cx.todoIds.has(id)) return readTodoFirst(cx, id, s, name, mess);
  // Only the first record counts (getinfo), and an address is under 1003 bytes.
  const info = dirs.info[s].read(name, 4096);
  if (info === null) return withoutInfo(cx, id, s, name, mess);
  // The trust rule for a message preprocessed after the todo walk began: info
  // may be partial while todo/N still exists.
  if (info.mtimeMs >= cx.startedMs - 2000) {
    const m = fromTodo(cx, id, s, name, mess);
    if (m) return cx.includeTodo ? m : 'skip';
  }
  return preprocessed(cx, id, s, name, mess.size, info);
}

/** A message todo/ named when the scan began: its todo record, or (left todo while we looked) preprocessed now. */
function readTodoFirst(cx: ScanContext, id: number, s: number, name: string, mess: BulkStat): ReadResult {
  const m = fromTodo(cx, id, s, name, mess);
  if (m) return cx.includeTodo ? m : 'skip';
  const info = cx.dirs.info[s].read(name, 4096);
  if (info === null) return withoutInfo(cx, id, s, name, mess);
  return preprocessed(cx, id, s, name, mess.size, info);
}

/** No info: new since the todo walk, or in flight / an orphan (qmail-qread shows neither). */
function withoutInfo(cx: ScanContext, id: number, s: number, name: string, mess: BulkStat): ReadResult {
  const m = fromTodo(cx, id, s, name, mess);
  if (m) return cx.includeTodo ? m : 'skip';
  return cx.dirs.mess[s].exists(name) ? 'skip' : 'vanished';
}

/** A preprocessed message: info (sender, birth), then local and remote. */
function preprocessed(cx: ScanContext, id: number, s: number, name: string, size: number, info: BulkFile): QueueMessage | 'vanished' {
  const { dirs } = cx;
  const senderBytes = parseInfo(info.buf);
  const sender = senderBytes === null ? null : text(senderBytes);
  const born = info.mtimeMs;
  const recipients: QueueRecipient[] = [];
  const retry: QueueMessage['retry'] = {};
  // Named when the scan began is only trusted for a message preprocessed before it (2 s for coarse mtimes).
  const listed = born < cx.startedMs - 2000 ? channelIdsOf(cx, s) : null;
  const local = readChannel(cx, 'local', dirs.local[s], listed === null ? null : listed.local, id, name, born, recipients, retry);
  const remote = readChannel(cx, 'remote', dirs.remote[s], listed === null ? null : listed.remote, id, name, born, recipients, retry);
  // Nothing left and the message file gone: it was finished while we read it.
  if (!local && !remote && !dirs.mess[s].exists(name)) return 'vanished';
  const expiresMs = born + cx.lifetimeMs;
  return {
    instance: dirs.layout.instance,
    id,
    queuedMs: born,
    queuedFrom: 'info',
    size,
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

/** One channel file's records appended to `recipients` (its retry estimate to `retry`); false when there is none. */
function readChannel(
  cx: ScanContext,
  ch: 'local' | 'remote',
  dir: BulkDir,
  known: Set<number> | null,
  id: number,
  name: string,
  born: number,
  recipients: QueueRecipient[],
  retry: QueueMessage['retry'],
): boolean {
  if (known !== null && !known.has(id)) return false;
  const f = dir.read(name);
  if (f === null) return false;
  const recs = parseChannel(f.buf);
  let next: number | null = null;
  for (const r of recs) {
    if (r.done) continue;
    const est = estimateRetry(born, cx.now, ch, f.mtimeMs);
    if (ch === 'local') retry.local = est;
    else retry.remote = est;
    next = est.nextMs;
    break;
  }
  for (const r of recs) recipients.push({ address: text(r.address), bytes: r.address, channel: ch, done: r.done, nextRetryMs: r.done ? null : next, prediction: null });
  return true;
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
 * predictions, listed now. Returns true when the whole listing must stop (a
 * permission error on a directory: the rest would fail the same way).
 */
export function* scanSplit(cx: ScanContext, d: number, tally: ScanTally, openDirs = new Map<string, boolean>()): Generator<QueueMessage, boolean> {
  const messDir = messDirOf(cx, d);
  const ids: number[] = [];
  try {
    // One split directory's names at once (a few thousand numbers even for
    // a 100,000-message queue): they are sorted anyway, and one readdir
    // call is far cheaper than iterating in small batches.
    for (const n of cx.dirs.sysroot.readdir(messDir.sysDir) ?? []) {
      if (!DIGITS.test(n)) continue;
      const id = Number(n);
      if (Number.isSafeInteger(id)) ids.push(id);
      else cx.problems.add(unsafeId(messDir.sysDir, n));
    }
  } catch (e) {
    return listFailed(cx, asFsError(e, messDir.sysDir), tally);
  }
  ids.sort((a, b) => a - b);
  return yield* scanIds(cx, d, ids, 0, ids.length, tally, openDirs);
}

function messDirOf(cx: ScanContext, d: number): BulkDir {
  return cx.dirs.mess[d] ?? new BulkDir(cx.dirs.sysroot, `${cx.dirs.layout.queueDir}/mess/${d}`);
}

/** A split directory that could not be listed: said, and true when the listing stops there. */
export function listFailed(cx: ScanContext, err: FsError, tally: ScanTally): boolean {
  if (!cx.problems.fsError(err)) return false;
  tally.incomplete = true;
  return true;
}

/**
 * The messages `ids[from..to)` of split directory d (listed by the caller,
 * ascending), as scanSplit yields them; true when the listing must stop.
 */
export function* scanIds(
  cx: ScanContext,
  d: number,
  ids: ArrayLike<number>,
  from: number,
  to: number,
  tally: ScanTally,
  openDirs = new Map<string, boolean>(),
): Generator<QueueMessage, boolean> {
  const { layout, sysroot } = cx.dirs;
  const { problems } = cx;
  const messDir = messDirOf(cx, d);
  for (let k = from; k < to; k++) {
    const id = ids[k];
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

/** qshape's tables: pending recipients of preprocessed messages by domain and age. */
export function shapeOf(messages: Iterable<QueueMessage>, now: number): { local: ShapeTable; remote: ShapeTable } {
  const b = new ShapeBuilder(now);
  for (const m of messages) addToShape(b, m);
  return { local: b.table('local'), remote: b.table('remote') };
}

export function addToShape(b: ShapeBuilder, m: QueueMessage): void {
  for (const r of m.recipients) if (!r.done && r.channel) b.add(r.channel, r.address, m.queuedMs);
}
