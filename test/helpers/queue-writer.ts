// Writes a qmail queue in qmail's exact on-disk format, byte for byte as
// qmail-queue and qmail-send write it (qmail-queue-and-instances.md §1), into
// a sysroot directory. Used by the tests, by bench/ (100,000 messages) and by
// demo generators.
//
//   import { writeQueue } from '../helpers/queue-writer.js';
//   const { ids } = writeQueue(hostRootDir, '/var/qmail', messages, { split: 23 });
//
// - `hostRootDir` is the sysroot's host directory; `instanceRoot` a system
//   path ('/var/qmail'); the queue goes to `<instanceRoot>/queue`.
// - `messages` is any Iterable (an array, or a generator for big queues): it
//   is consumed one message at a time and nothing of a message is kept after
//   it is written, so 100,000 messages stream in bounded memory.
// - Ids are file names (the inode number qmail would use cannot be kept by
//   git): give `id`, or the writer numbers them from `firstId` upwards.
// - Times (mess mtime, info mtime = birth, channel and bounce mtimes) and the
//   owners and modes qmail-install/qmail-send give (qmailq/qmails, 0750/0700,
//   files 0644/0600) go to `.fsmeta` lines (mode uid gid path mtime), because
//   git keeps neither. With `{ fsmeta: false }` times are set on the real
//   files with utimes instead and no .fsmeta lines are written.
// - Every queue directory gets a `.keep` (readers skip it) so an empty one
//   survives a commit. lock/trigger is a named pipe when `mkfifo` exists.
//
// A message's `state` picks the life-cycle state (§1.7):
//   'todo'         S4: mess + intd/todo (u p F T...), not yet preprocessed;
//                  `partial: true` also writes info/local/remote as qmail-send
//                  would have half-way through preprocessing (the trust rule).
//   'preprocessed' S5 (default): mess + info + local/remote (+ bounce).
//   'intd'         S3: envelope still being written (intd only).
//   'orphan'       S2: mess only.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

export type TimeSpec = Date | number | string;

export interface QueuedRecipient {
  /** As the queue holds it: for local/remote files already rewritten by qmail-send. */
  address: string | Buffer;
  /** Required for preprocessed messages; todo recipients have none. Default 'remote'. */
  channel?: 'local' | 'remote';
  /** A `D` record (delivered or failed permanently) instead of `T`. */
  done?: boolean;
}

export interface BounceNote {
  /** The recipient as the bounce file names it (virtual-domain prefix taken off). */
  recipient: string;
  /** The report text qmail-lspawn/qmail-rspawn returned after its status letter. */
  report: string;
}

export interface MessageSpec {
  id?: number;
  /** Envelope sender: '' for a bounce, '#@[]' for a double bounce. */
  sender: string | Buffer;
  recipients: Array<string | QueuedRecipient>;
  /** Default 'preprocessed'. */
  state?: 'todo' | 'preprocessed' | 'intd' | 'orphan';
  /** With state 'todo': also leave half-written info/local/remote (qmail-send interrupted). */
  partial?: boolean;
  /** The message after the Received line qmail-queue adds (headers, blank line, body). */
  content?: string | Buffer;
  /** When qmail-queue wrote it (mess/todo mtime, and the Received line's date). Default: now. */
  queued?: TimeSpec;
  /** info mtime, the birth qmail-send schedules from. Default: `queued`. */
  born?: TimeSpec;
  /** u and p records of the todo file, and the Received line: `invoked by uid U` etc. */
  uid?: number;
  pid?: number;
  /** Received line's "invoked ..." words; default from uid ("by uid N"). */
  invoked?: string;
  /** Text for bounce/<id> (formatted as qmail-send's addbounce does), or raw bytes. */
  bounce?: BounceNote[] | Buffer;
  bounceMtime?: TimeSpec;
  /** mtimes of the channel files (after a clean qmail-send stop: the next attempt). Default: born. */
  localMtime?: TimeSpec;
  remoteMtime?: TimeSpec;
  /** Extra raw records appended to the todo file (QUEUE_EXTRA, or an unknown record type). */
  todoExtra?: Buffer;
  /** gid of the mess/todo files (the injector's effective gid). Default: the qmail group. */
  gid?: number;
}

export interface QueueUsers {
  qmailq: number;
  qmails: number;
  qmailr: number;
  /** The qmail group. */
  qmail: number;
}

/** The ids Life with qmail's install instructions commonly give. */
export const DEFAULT_QUEUE_USERS: QueueUsers = { qmailq: 7794, qmails: 7796, qmailr: 7795, qmail: 2107 };

export interface WriteQueueOptions {
  /** conf-split; default 23. */
  split?: number;
  /** The big-todo patch: todo/ and intd/ split too. */
  bigTodo?: boolean;
  /** Owners and times to .fsmeta (default true); false: set real mtimes with utimes. */
  fsmeta?: boolean;
  users?: Partial<QueueUsers>;
  firstId?: number;
  /** Create the directories (default true; false when appending to an existing queue). */
  skeleton?: boolean;
  /** Make lock/trigger a named pipe with mkfifo (default true). */
  fifo?: boolean;
}

export interface WriteQueueResult {
  ids: number[];
  queueDir: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function toMs(t: TimeSpec | undefined, def: number): number {
  if (t === undefined) return def;
  if (t instanceof Date) return t.getTime();
  if (typeof t === 'number') return t;
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) throw new Error(`queue-writer: bad time "${t}"`);
  return ms;
}

const two = (n: number) => (n < 10 ? '0' + n : String(n));

/** qmail's date822fmt: "5 Jan 2025 10:00:00 -0000" (UTC, no leading zero on the day). */
export function date822(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(
    d.getUTCMinutes(),
  )}:${two(d.getUTCSeconds())} -0000`;
}

/** The line qmail-queue puts in front of every message (received_setup). */
export function receivedLine(pid: number, invoked: string, ms: number): string {
  return `Received: (qmail ${pid} invoked ${invoked}); ${date822(ms)}\n`;
}

const asBuf = (s: string | Buffer) => (Buffer.isBuffer(s) ? s : Buffer.from(s, 'utf8'));

function record(type: string, body: string | Buffer): Buffer {
  return Buffer.concat([Buffer.from(type, 'latin1'), asBuf(body), Buffer.from([0])]);
}

/** intd/todo content: u p F [extra] T... with no trailing empty record. */
export function todoBytes(uid: number, pid: number, sender: string | Buffer, recipients: Array<string | Buffer>, extra?: Buffer): Buffer {
  const parts = [record('u', String(uid)), record('p', String(pid)), record('F', sender)];
  if (extra) parts.push(extra);
  for (const r of recipients) parts.push(record('T', r));
  return Buffer.concat(parts);
}

/** info content: the F record copied out of todo. */
export function infoBytes(sender: string | Buffer): Buffer {
  return record('F', sender);
}

/** local/remote content: T (pending) or D (done) records, in todo order. */
export function channelBytes(recipients: Array<{ address: string | Buffer; done?: boolean }>): Buffer {
  return Buffer.concat(recipients.map((r) => record(r.done ? 'D' : 'T', r.address)));
}

/** One paragraph exactly as qmail-send's addbounce appends it. */
export function bounceParagraph(recipient: string, report: string): string {
  let t = '<' + recipient.replace(/\n/g, '_') + '>:\n' + report;
  if (report !== '' && !report.endsWith('\n')) t += '\n';
  // The second of two adjacent LFs becomes '/', scanning backwards from len-2.
  const chars = t.split('');
  for (let pos = chars.length - 2; pos > 0; --pos) {
    if (chars[pos] === '\n' && chars[pos - 1] === '\n') chars[pos] = '/';
  }
  return chars.join('') + '\n';
}

export function bounceBytes(notes: BounceNote[]): Buffer {
  return Buffer.from(notes.map((n) => bounceParagraph(n.recipient, n.report)).join(''), 'utf8');
}

/** Streams .fsmeta lines to the file in chunks so a 100,000-message queue stays cheap. */
class MetaSink {
  private lines: string[] = [];
  constructor(private readonly file: string | null) {}
  add(mode: number, uid: number, gid: number, sysPath: string, mtimeMs?: number): void {
    if (!this.file) return;
    const t = mtimeMs === undefined ? '' : ' ' + Math.floor(mtimeMs / 1000);
    this.lines.push(`${mode.toString(8).padStart(4, '0')} ${uid} ${gid} ${sysPath}${t}`);
    if (this.lines.length >= 8192) this.flush();
  }
  flush(): void {
    if (!this.file || this.lines.length === 0) return;
    fs.appendFileSync(this.file, this.lines.join('\n') + '\n');
    this.lines = [];
  }
}

export function writeQueue(
  hostRootDir: string,
  instanceRoot: string,
  messages: Iterable<MessageSpec>,
  opts: WriteQueueOptions = {},
): WriteQueueResult {
  const split = opts.split ?? 23;
  const u: QueueUsers = { ...DEFAULT_QUEUE_USERS, ...opts.users };
  const useMeta = opts.fsmeta !== false;
  const meta = new MetaSink(useMeta ? path.join(hostRootDir, '.fsmeta') : null);
  const q = path.posix.join(instanceRoot, 'queue');
  const host = (sys: string) => path.join(hostRootDir, sys);
  const now = Date.now();

  const mkdir = (sys: string, owner: number, mode: number) => {
    fs.mkdirSync(host(sys), { recursive: true });
    const keep = path.join(host(sys), '.keep');
    if (!fs.existsSync(keep)) fs.writeFileSync(keep, '');
    meta.add(mode, owner, u.qmail, sys);
  };

  if (opts.skeleton !== false) {
    // hier.c's queue table.
    mkdir(q, u.qmailq, 0o750);
    mkdir(`${q}/pid`, u.qmailq, 0o700);
    mkdir(`${q}/intd`, u.qmailq, 0o700);
    mkdir(`${q}/todo`, u.qmailq, 0o750);
    mkdir(`${q}/bounce`, u.qmails, 0o700);
    mkdir(`${q}/lock`, u.qmailq, 0o750);
    for (const [d, owner, mode] of [
      ['mess', u.qmailq, 0o750],
      ['info', u.qmails, 0o700],
      ['local', u.qmails, 0o700],
      ['remote', u.qmails, 0o700],
    ] as const) {
      mkdir(`${q}/${d}`, owner, mode);
      for (let i = 0; i < split; i++) mkdir(`${q}/${d}/${i}`, owner, mode);
    }
    if (opts.bigTodo) {
      for (let i = 0; i < split; i++) {
        mkdir(`${q}/todo/${i}`, u.qmailq, 0o750);
        mkdir(`${q}/intd/${i}`, u.qmailq, 0o700);
      }
    }
    fs.writeFileSync(host(`${q}/lock/tcpto`), Buffer.alloc(1024));
    meta.add(0o644, u.qmailr, u.qmail, `${q}/lock/tcpto`);
    fs.writeFileSync(host(`${q}/lock/sendmutex`), '');
    meta.add(0o600, u.qmails, u.qmail, `${q}/lock/sendmutex`);
    if (opts.fifo !== false && !fs.existsSync(host(`${q}/lock/trigger`))) {
      const r = spawnSync('mkfifo', ['-m', '0622', host(`${q}/lock/trigger`)], { stdio: 'ignore' });
      if (r.status === 0) meta.add(0o622, u.qmails, u.qmail, `${q}/lock/trigger`);
    }
  }

  const write = (sys: string, data: Buffer, owner: number, gid: number, mode: number, mtimeMs: number) => {
    const h = host(sys);
    fs.writeFileSync(h, data);
    if (useMeta) meta.add(mode, owner, gid, sys, mtimeMs);
    else fs.utimesSync(h, mtimeMs / 1000, mtimeMs / 1000);
  };

  const ids: number[] = [];
  let nextId = opts.firstId ?? 457000;
  for (const m of messages) {
    const id = m.id ?? nextId;
    nextId = Math.max(nextId, id) + 1;
    ids.push(id);
    const s = id % split;
    const queued = toMs(m.queued, now);
    const born = toMs(m.born, queued);
    const uid = m.uid ?? 1001;
    const pid = m.pid ?? 4000 + (id % 30000);
    const gid = m.gid ?? u.qmail;
    const state = m.state ?? 'preprocessed';
    const invoked = m.invoked ?? `by uid ${uid}`;
    const rcpts: QueuedRecipient[] = m.recipients.map((r) => (typeof r === 'string' || Buffer.isBuffer(r) ? { address: r } : r));

    const body = m.content === undefined ? Buffer.from('Subject: test\n\nhello\n') : asBuf(m.content);
    write(`${q}/mess/${s}/${id}`, Buffer.concat([Buffer.from(receivedLine(pid, invoked, queued), 'latin1'), body]), u.qmailq, gid, 0o644, queued);
    if (state === 'orphan') continue;

    const env = todoBytes(uid, pid, m.sender, rcpts.map((r) => r.address), m.todoExtra);
    const flat = (d: string) => (opts.bigTodo ? `${q}/${d}/${s}/${id}` : `${q}/${d}/${id}`);
    if (state === 'intd') {
      write(flat('intd'), env, u.qmailq, gid, 0o644, queued);
      continue;
    }
    if (state === 'todo') {
      // intd and todo are one inode: a hard link, as qmail-queue makes it.
      write(flat('intd'), env, u.qmailq, gid, 0o644, queued);
      fs.linkSync(host(flat('intd')), host(flat('todo')));
      if (useMeta) meta.add(0o644, u.qmailq, gid, flat('todo'), queued);
      if (!m.partial) continue;
    }

    write(`${q}/info/${s}/${id}`, infoBytes(m.sender), u.qmails, u.qmail, 0o600, born);
    for (const ch of ['local', 'remote'] as const) {
      const list = rcpts.filter((r) => (r.channel ?? 'remote') === ch);
      if (list.length === 0) continue;
      const mt = toMs(ch === 'local' ? m.localMtime : m.remoteMtime, born);
      write(`${q}/${ch}/${s}/${id}`, channelBytes(list), u.qmails, u.qmail, 0o600, mt);
    }
    if (m.bounce !== undefined) {
      const data = Buffer.isBuffer(m.bounce) ? m.bounce : bounceBytes(m.bounce);
      write(`${q}/bounce/${id}`, data, u.qmails, u.qmail, 0o600, toMs(m.bounceMtime, born));
    }
  }
  meta.flush();
  return { ids, queueDir: q };
}
