// A big qmail-send log in multilog's own layout (rotated @TAI64N.s files of
// 16 MB, multilog's largest `s`, then current), from a fixed seed: what a
// busy server's /var/log/qmail holds after weeks. Every message is told as
// qmail-send tells it: new msg, info msg, per recipient starting delivery /
// status / delivery result / status, deferral loops retried later, failures
// with their bounce message, end msg; inode ids are handed out again.
// Written straight to disk (piping a gigabyte through multilog would take
// minutes for the same bytes); the tests use the real multilog.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mulberry32 } from './prng.js';
import { formatTai64n } from '../source/log/tai64n.js';

export interface GeneratedLog {
  dir: string;
  bytes: number;
  files: number;
  lines: number;
  messages: number;
  /** A message id of the middle of the log and its first line's text, for the story figure. */
  probe: { id: number; sender: string };
}

const FILE_MAX = 16_777_215;
const DOMAINS = ['example.com', 'example.net', 'mail.example.org', 'lists.example.com', 'customer.example', 'gmail.example', 'yahoo.example', 'corp.example.org'];
const DEFER = [
  "Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/",
  'Connected_to_192.0.2.__IP___but_greeting_failed./Remote_host_said:_421_too_busy/',
  'Unable_to_chdir_to_maildir._(#4.2.1)/',
  'Connected_to_198.51.100.__IP___but_sender_was_rejected./Remote_host_said:_451_4.7.1_Greylisted,_try_again_later/',
];
const FAIL = ['Sorry,_no_mailbox_here_by_that_name._(#5.1.1)/', '203.0.113.__IP___does_not_like_recipient./Remote_host_said:_550_5.1.1_User_unknown/Giving_up_on_203.0.113.__IP__./'];

/** Generate `mb` megabytes into dir (made afresh). */
export function generateLog(dir: string, mb: number, seed = 20261207): GeneratedLog {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const rng = mulberry32(seed);
  const target = mb * 1048576;
  let t = { s: 1790000000, ns: 0 };
  const tick = (): void => {
    t = { s: t.s + (rng.chance(0.02) ? 1 : 0), ns: (t.ns + 1000 + rng.int(900000)) % 1e9 };
  };
  let chunk: string[] = [];
  let chunkBytes = 0;
  let fileBytes = 0;
  let fd = fs.openSync(path.join(dir, 'current'), 'w');
  let total = 0;
  let files = 1;
  let lines = 0;
  const flush = (): void => {
    if (!chunk.length) return;
    fs.writeSync(fd, chunk.join(''));
    chunk = [];
    chunkBytes = 0;
  };
  const emit = (text: string): void => {
    tick();
    const l = `${formatTai64n(t)} ${text}\n`;
    if (fileBytes + l.length > FILE_MAX) {
      // multilog: current is full; it becomes @<now>.s and a new current begins.
      flush();
      fs.closeSync(fd);
      fs.renameSync(path.join(dir, 'current'), path.join(dir, `${formatTai64n(t)}.s`));
      fd = fs.openSync(path.join(dir, 'current'), 'w');
      fileBytes = 0;
      files++;
    }
    chunk.push(l);
    chunkBytes += l.length;
    fileBytes += l.length;
    total += l.length;
    lines++;
    if (chunkBytes > 1 << 20) flush();
  };
  let d = 0;
  let qp = 10000;
  let messages = 0;
  const freeIds: number[] = [];
  let nextId = 2000000;
  const used = { local: 0, remote: 0 };
  const status = (): void => emit(`status: local ${used.local}/10 remote ${used.remote}/20`);
  let probe = { id: 0, sender: '' };
  // Deferred recipients retried later: [due line count, message id, channel, recipient, tries].
  interface Retry {
    due: number;
    id: number;
    channel: 'local' | 'remote';
    rcpt: string;
    tries: number;
    left: { n: number };
  }
  // Retries by the thousand-line bucket they come due in.
  const retries = new Map<number, Retry[]>();
  let nextBucket = 0;
  const later = (r: Retry): void => {
    const b = Math.floor(r.due / 1000);
    const list = retries.get(b);
    if (list) list.push(r);
    else retries.set(b, [r]);
  };
  const deliver = (id: number, channel: 'local' | 'remote', rcpt: string, outcome: 'success' | 'deferral' | 'failure'): void => {
    d++;
    emit(`starting delivery ${d}: msg ${id} to ${channel} ${rcpt}`);
    used[channel]++;
    status();
    const ip = String(rng.int(250));
    const text =
      outcome === 'success'
        ? channel === 'local'
          ? 'did_1+0+0/'
          : `192.0.2.${ip}_accepted_message./Remote_host_said:_250_ok_${t.s}_qp_${qp}/`
        : (outcome === 'deferral' ? rng.pick(DEFER) : rng.pick(FAIL)).replace(/__IP__/g, ip);
    emit(`delivery ${d}: ${outcome}: ${text}`);
    used[channel]--;
    status();
  };
  const endMsg = (id: number, failed: boolean, sender: string): void => {
    if (failed) {
      qp++;
      if (sender === '#@[]') emit(`triple bounce: discarding bounce/${id}`);
      else emit(`bounce msg ${id} qp ${qp}`);
    }
    emit(`end msg ${id}`);
    messages++;
    freeIds.push(id);
  };
  while (total < target) {
    // Retries come due.
    while (nextBucket <= Math.floor(lines / 1000)) {
      const due = retries.get(nextBucket) ?? [];
      retries.delete(nextBucket++);
      for (const r of due) {
        const last = r.tries >= 2 || rng.chance(0.5);
        deliver(r.id, r.channel, r.rcpt, last ? 'success' : 'deferral');
        if (!last) later({ ...r, due: lines + 2000 + rng.int(20000), tries: r.tries + 1 });
        else if (--r.left.n === 0) endMsg(r.id, false, 'x');
      }
    }
    const id = freeIds.length > 50 && rng.chance(0.7) ? freeIds.splice(rng.int(freeIds.length), 1)[0] : nextId++;
    const bounce = rng.chance(0.03);
    const sender = bounce ? (rng.chance(0.2) ? '#@[]' : '') : `user${rng.int(5000)}@${rng.pick(DOMAINS)}`;
    qp++;
    emit(`new msg ${id}`);
    emit(`info msg ${id}: bytes ${300 + rng.int(60000)} from <${sender}> qp ${qp} uid ${rng.chance(0.5) ? 7791 : 1000 + rng.int(50)}`);
    if (lines > 0 && probe.id === 0 && total > target / 2) probe = { id, sender };
    const n = 1 + (rng.chance(0.2) ? rng.int(3) : 0);
    const left = { n };
    let failed = false;
    for (let k = 0; k < n; k++) {
      const channel = rng.chance(0.45) ? 'local' : 'remote';
      const rcpt = `${channel === 'local' ? 'u' : 'r'}${rng.int(20000)}@${rng.pick(DOMAINS)}`;
      const p = rng.next();
      if (p < 0.1) {
        deliver(id, channel, rcpt, 'deferral');
        later({ due: lines + 500 + rng.int(5000), id, channel, rcpt, tries: 1, left });
        continue;
      }
      const out = p < 0.13 ? 'failure' : 'success';
      if (out === 'failure') failed = true;
      deliver(id, channel, rcpt, out);
      left.n--;
    }
    if (left.n === 0) endMsg(id, failed, sender);
  }
  flush();
  fs.closeSync(fd);
  return { dir, bytes: total, files, lines, messages, probe };
}
