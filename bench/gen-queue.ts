// A qmail queue in the exact on-disk format of qmail-queue-and-instances.md
// §1.4: mess/<s>/<id> with qmail-queue's Received line, info/<s>/<id> holding
// the F record, local/ and remote/ holding T (pending) and D (done) records
// already rewritten by qmail-send, bounce/<id> notes, and messages not yet
// preprocessed as todo/<id> + intd/<id> (one inode, two names) with no info.
import { writeQueue as writeQueueFiles, type MessageSpec, type QueuedRecipient, type BounceNote } from '../test/helpers/queue-writer.js';
import type { Rng } from './prng.js';
import type { TreeWriter } from './tree-writer.js';

/** A recipient as the envelope gave it, and as qmail-send's rewrite() leaves it. */
export interface GenRecipient {
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
  recipient: (rng: Rng) => GenRecipient;
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

function messageBody(rng: Rng, id: number, sender: string, rcpts: GenRecipient[], t: number): Buffer {
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
  const stats: QueueStats = { messages: 0, todo: 0, localFiles: 0, remoteFiles: 0, bounceFiles: 0, pendingRecipients: 0, doneRecipients: 0 };
  function* messages(): Generator<MessageSpec> {
    let id = spec.firstId;
    for (let n = 0; n < spec.messages; n++) {
      // ids are inode numbers in qmail: unique, increasing with gaps.
      id += 1 + rng.int(5);
      const t = spec.now - rng.int(spec.spanSeconds);
      const sender = rng.chance(0.08) ? '' : rng.chance(0.01) ? '#@[]' : rng.pick(spec.senders);
      const count = rng.chance(0.7) ? 1 : 2 + rng.int(rng.chance(0.1) ? 30 : 4);
      const rcpts: GenRecipient[] = [];
      for (let i = 0; i < count; i++) rcpts.push(spec.recipient(rng));
      const uid = rng.chance(0.5) ? 0 : 1000 + rng.int(5000);
      const pid = 1000 + rng.int(60000);
      const content = messageBody(rng, id, sender, rcpts, t);
      stats.messages++;
      if (rng.chance(spec.todoShare)) {
        stats.todo++;
        yield { id, sender, recipients: rcpts.map((r) => r.envelope), state: 'todo', content, queued: t * 1000, uid, pid };
        continue;
      }
      const queued: QueuedRecipient[] = [];
      const bounce: BounceNote[] = [];
      for (const channel of ['local', 'remote'] as const) {
        const mine = rcpts.filter((r) => r.channel === channel);
        if (mine.length === 0) continue;
        // Some done, never all: qmail-send unlinks a channel file once no T is left.
        const done = mine.map(() => rng.chance(0.3));
        if (done.every(Boolean)) done[rng.int(done.length)] = false;
        mine.forEach((r, i) => {
          queued.push({ address: r.rewritten, channel, done: done[i] });
          if (done[i]) {
            stats.doneRecipients++;
            if (rng.chance(0.2)) {
              bounce.push({
                recipient: r.envelope,
                report:
                  channel === 'local'
                    ? 'Sorry, no mailbox here by that name. (#5.1.1)'
                    : '192.0.2.77 does not like recipient.\nRemote host said: 550 no such user\nGiving up on 192.0.2.77.',
              });
            }
          } else stats.pendingRecipients++;
        });
        if (channel === 'local') stats.localFiles++;
        else stats.remoteFiles++;
      }
      if (bounce.length) stats.bounceFiles++;
      yield { id, sender, recipients: queued, content, queued: t * 1000, uid, pid, bounce: bounce.length ? bounce : undefined };
    }
  }
  // The project's queue writer (test/helpers/queue-writer.ts) writes the bytes;
  // real mtimes rather than .fsmeta lines, so the sysroot reads as a real host would.
  writeQueueFiles(w.root, spec.root, messages(), { split: spec.split, fsmeta: false, firstId: spec.firstId });
  return stats;
}
