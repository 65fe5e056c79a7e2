// A qmail queue in the exact on-disk format of qmail-queue-and-instances.md
// §1.4: mess/<s>/<id> with qmail-queue's Received line, info/<s>/<id> holding
// the F record, local/ and remote/ holding T (pending) and D (done) records
// already rewritten by qmail-send, bounce/<id> notes, and messages not yet
// preprocessed as todo/<id> + intd/<id> (one inode, two names) with no info.
import type { Rng } from './prng.js';
import type { TreeWriter } from './tree-writer.js';

/** A recipient as the envelope gave it, and as qmail-send's rewrite() leaves it. */
export interface QueueRecipient {
  envelope: string;
  channel: 'local' | 'remote';
  rewritten: string;
}

export interface QueueSpec {
  /** Installation root, e.g. /var/qmail. */
  root: string;
  messages: number;
  split: number;
  /** Share of messages still in todo (not yet preprocessed). */
  todoShare: number;
  /** Newest queue time, epoch seconds; ages spread over `spanSeconds` before it. */
  now: number;
  spanSeconds: number;
  firstId: number;
  senders: readonly string[];
  recipient: (rng: Rng) => QueueRecipient;
}

export interface QueueStats {
  messages: number;
  todo: number;
  localFiles: number;
  remoteFiles: number;
  bounceFiles: number;
  pendingRecipients: number;
  doneRecipients: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SUBJECTS = [
  'Invoice for November',
  'Re: meeting tomorrow',
  'Your order has shipped',
  'Weekly report',
  'Undelivered Mail Returned to Sender',
  'Special offer just for you',
  'Fwd: photos',
  'Password reset request',
];

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** qmail-queue's own first line: "Received: (qmail P invoked by uid U); D Mon YYYY hh:mm:ss -0000". */
function receivedLine(pid: number, uid: number, t: number): string {
  const d = new Date(t * 1000);
  return (
    `Received: (qmail ${pid} invoked by uid ${uid}); ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} -0000\n`
  );
}

function nulRecords(type: string, items: string[]): string {
  let s = '';
  for (const it of items) s += type + it + '\0';
  return s;
}

function messageBody(rng: Rng, id: number, sender: string, rcpts: QueueRecipient[], t: number): Buffer {
  // One message in a thousand carries hostile header bytes, as a spam wave does:
  // the listing has to escape them, and the benchmark pays for that too.
  let subject = rng.pick(SUBJECTS);
  if (rng.chance(0.001)) subject += ' \x1b]0;pwned\x07\x1b[2J';
  else if (rng.chance(0.002)) subject = 'Caf\xe9 \xe0 la cr\xe8me';
  const head =
    `From: <${sender || 'MAILER-DAEMON'}>\n` +
    `To: ${rcpts.map((r) => r.envelope).join(', ')}\n` +
    `Subject: ${subject}\n` +
    `Message-ID: <${id}.${t}@bench.example>\n` +
    `Date: ${new Date(t * 1000).toUTCString()}\n\n`;
  const lines = 3 + rng.int(40);
  let body = '';
  for (let i = 0; i < lines; i++) body += `Line ${i} of message ${id}: the quick brown fox jumps over the lazy dog.\n`;
  return Buffer.from(head + body, 'latin1');
}

export function writeQueue(w: TreeWriter, rng: Rng, spec: QueueSpec): QueueStats {
  const q = spec.root + '/queue';
  for (const d of ['pid', 'intd', 'todo', 'bounce', 'lock']) w.dir(`${q}/${d}`);
  for (const d of ['mess', 'info', 'local', 'remote']) for (let s = 0; s < spec.split; s++) w.dir(`${q}/${d}/${s}`);
  w.file(`${q}/lock/tcpto`, Buffer.alloc(1024));
  w.file(`${q}/lock/sendmutex`, '');
  const stats: QueueStats = { messages: 0, todo: 0, localFiles: 0, remoteFiles: 0, bounceFiles: 0, pendingRecipients: 0, doneRecipients: 0 };
  let id = spec.firstId;
  for (let n = 0; n < spec.messages; n++) {
    // ids are inode numbers in qmail: unique, increasing with gaps.
    id += 1 + rng.int(5);
    const s = id % spec.split;
    const t = spec.now - rng.int(spec.spanSeconds);
    const sender = rng.chance(0.08) ? '' : rng.chance(0.01) ? '#@[]' : rng.pick(spec.senders);
    const count = rng.chance(0.7) ? 1 : 2 + rng.int(rng.chance(0.1) ? 30 : 4);
    const rcpts: QueueRecipient[] = [];
    for (let i = 0; i < count; i++) rcpts.push(spec.recipient(rng));
    const uid = rng.chance(0.5) ? 0 : 1000 + rng.int(5000);
    const pid = 1000 + rng.int(60000);
    const mess = `${q}/mess/${s}/${id}`;
    w.file(mess, Buffer.concat([Buffer.from(receivedLine(pid, uid, t), 'latin1'), messageBody(rng, id, sender, rcpts, t)]));
    stats.messages++;
    if (rng.chance(spec.todoShare)) {
      const env = `u${uid}\0p${pid}\0F${sender}\0` + nulRecords('T', rcpts.map((r) => r.envelope));
      w.file(`${q}/intd/${id}`, Buffer.from(env, 'latin1'));
      w.link(`${q}/intd/${id}`, `${q}/todo/${id}`);
      w.mtime(mess, t);
      stats.todo++;
      continue;
    }
    w.file(`${q}/info/${s}/${id}`, Buffer.from(`F${sender}\0`, 'latin1'));
    w.mtime(`${q}/info/${s}/${id}`, t);
    let bounced: QueueRecipient[] = [];
    for (const channel of ['local', 'remote'] as const) {
      const mine = rcpts.filter((r) => r.channel === channel);
      if (mine.length === 0) continue;
      // Some done, never all: qmail-send unlinks a channel file once no T is left.
      const done = mine.map(() => rng.chance(0.3));
      if (done.every(Boolean)) done[rng.int(done.length)] = false;
      let rec = '';
      mine.forEach((r, i) => {
        rec += (done[i] ? 'D' : 'T') + r.rewritten + '\0';
        if (done[i]) {
          stats.doneRecipients++;
          if (rng.chance(0.2)) bounced.push(r);
        } else stats.pendingRecipients++;
      });
      w.file(`${q}/${channel}/${s}/${id}`, Buffer.from(rec, 'latin1'));
      if (channel === 'local') stats.localFiles++;
      else stats.remoteFiles++;
    }
    if (bounced.length) {
      let text = '';
      for (const b of bounced) {
        text +=
          b.channel === 'local'
            ? `<${b.envelope}>:\nSorry, no mailbox here by that name. (#5.1.1)\n\n`
            : `<${b.envelope}>:\n192.0.2.77 does not like recipient.\nRemote host said: 550 no such user\nGiving up on 192.0.2.77.\n\n`;
      }
      w.file(`${q}/bounce/${id}`, Buffer.from(text, 'latin1'));
      stats.bounceFiles++;
      bounced = [];
    }
  }
  return stats;
}
