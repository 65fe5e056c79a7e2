// The qmail-send logs the demos ship, each telling the story its README
// describes: what was delivered (and where), a forward and its copy, a
// bounce, a double bounce ending in the postmaster's mailbox, a deferral
// loop, and for every message still in the queue the attempts that left it
// there. Called by the demo generators; see demo-log.ts for how the lines
// are stored.
import { receivedLine, type MessageSpec } from '../test/helpers/queue-writer.js';
import { SendStory, writeMultilog, writeSyslog, type OtherLine } from './demo-log.js';

const M = 60_000;
const H = 3_600_000;

const NOHOST = (h: string) => `Sorry, I couldn't find any host named ${h}. (#5.1.2)`;
const NOSMTP = "Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)";
const NOUSER = 'Sorry, no mailbox here by that name. (#5.1.1)';
const accepted = (ip: string, t: number, qp: number) => `${ip} accepted message.\nRemote host said: 250 ok ${Math.floor(t / 1000)} qp ${qp}`;

/** qmail-send's retry schedule: birth + (floor(sqrt(age)) + chanskip)^2 seconds, chanskip 10 local, 20 remote [qmail-send.c nextretry]. */
function retries(birth: number, until: number, channel: 'local' | 'remote'): number[] {
  const skip = channel === 'local' ? 10 : 20;
  const out: number[] = [];
  let now = birth;
  for (;;) {
    const n = Math.floor(Math.sqrt((now - birth) / 1000)) + skip;
    now = birth + n * n * 1000;
    if (now > until) return out;
    out.push(now);
  }
}

function bytesOf(s: MessageSpec, id: number): number {
  const queued = typeof s.queued === 'number' ? s.queued : Date.parse(String(s.queued));
  const invoked = s.invoked ?? `by uid ${s.uid ?? 1001}`;
  const content = s.content === undefined ? 0 : Buffer.byteLength(s.content);
  return Buffer.byteLength(receivedLine(s.pid ?? 4000 + (id % 30000), invoked, queued)) + content;
}

/**
 * demo/plain: two days of /var/log/qmail. Before the queue's messages: one
 * delivery of each kind the README lists, a bounce, a double bounce, a
 * deferral loop that ended; then every queued message: example.net
 * unreachable (the deferral loops still going), example.org unknown (the
 * bounces qmail-send could not inject), /home not mounted for a night (the
 * local deliveries left), and gail's maildir, which had no tmp/ then and has
 * been removed since (the planted disagreement).
 */
export function plainLog(demoDir: string, base: number, queue: Array<MessageSpec & { id: number }>): void {
  const s = new SendStory();
  let t = base - 44 * H;
  s.start(t);
  let qp = 6100;
  const local = (id: number, from: string, rcpt: string, report: string, uid = 7791): void => {
    t += 7 * M;
    s.received(t, id, { bytes: 1200 + (id % 700), sender: from, qp: ++qp, uid });
    s.attempt(t + 5, id, 'local', rcpt, 'success', report);
    s.end(t + 400, id);
  };
  const copy = (id: number, from: string, rcpt: string, viaQp: number): void => {
    s.received(t + 300, id, { bytes: 1500, sender: from, qp: viaQp, uid: 1001 });
    s.attempt(t + 320, id, 'remote', rcpt, 'success', accepted('192.0.2.80', t, 3300 + (id % 100)), 900);
    s.end(t + 1300, id);
  };
  local(918150, 'dave@example.net', 'alice@example.com', 'did 1+0+0');
  local(918151, 'perl-digest@lists.perl.example', 'alice-lists-info@lists.example.com', 'did 1+0+0');
  local(918152, 'bob@example.com', 'alice-work@example.com', `did 1+1+0\nqp ${qp + 2}`, 1002);
  copy(918153, 'bob@example.com', 'alice@work.example.net', ++qp);
  local(918154, 'frank@example.net', 'carol@example.com', `did 1+1+0\nqp ${qp + 2}`);
  copy(918155, 'frank@example.net', 'carol@example.net', ++qp);
  local(918156, 'erin@example.net', 'dave-vacation@example.com', 'did 1+0+1');
  local(918157, 'spam@spam.example', 'alice-spam@example.com', 'did 0+0+0');
  local(918158, 'dave@example.net', 'bob@example.com', 'did 1+0+0');

  // A bounce: bob has no .qmail-default, so bob-anything fails; the bounce goes back to the sender.
  t += 20 * M;
  s.received(t, 918159, { bytes: 2100, sender: 'dave@example.net', qp: ++qp, uid: 7791 });
  s.attempt(t + 5, 918159, 'local', 'bob-anything@example.com', 'failure', NOUSER);
  s.bounce(t + 300, 918159, ++qp);
  s.end(t + 301, 918159);
  s.received(t + 320, 918160, { bytes: 2900, sender: '', qp, uid: 7796 });
  s.attempt(t + 330, 918160, 'remote', 'dave@example.net', 'success', accepted('192.0.2.44', t, 5112), 800);
  s.end(t + 1200, 918160);

  // A double bounce: the sender of a message to a mistyped address does not exist either.
  t += 30 * M;
  s.received(t, 918161, { bytes: 1900, sender: 'ghost@nowhere.example', qp: ++qp, uid: 7791 });
  s.attempt(t + 5, 918161, 'local', 'bob-typo@example.com', 'failure', NOUSER);
  s.bounce(t + 300, 918161, ++qp);
  s.end(t + 301, 918161);
  s.received(t + 320, 918162, { bytes: 2700, sender: '', qp, uid: 7796 });
  s.attempt(t + 330, 918162, 'remote', 'ghost@nowhere.example', 'failure', NOHOST('nowhere.example'), 2000);
  s.bounce(t + 2500, 918162, ++qp);
  s.end(t + 2501, 918162);
  // doublebounceto (postmaster) @ doublebouncehost (me): the alias user forwards it to alice.
  s.received(t + 2520, 918163, { bytes: 3600, sender: '#@[]', qp, uid: 7796 });
  s.attempt(t + 2530, 918163, 'local', 'postmaster@mail.example.com', 'success', `did 0+1+0\nqp ${qp + 1}`);
  s.end(t + 2900, 918163);
  s.received(t + 2850, 918164, { bytes: 3700, sender: '#@[]', qp: ++qp, uid: 7790 });
  s.attempt(t + 2860, 918164, 'local', 'alice@example.com', 'success', 'did 1+0+0');
  s.end(t + 3200, 918164);

  // A deferral loop that ended: example.net was down for a while.
  t += 40 * M;
  const birth = t;
  s.received(birth, 918165, { bytes: 5400, sender: 'carol@example.com', qp: ++qp, uid: 1003 });
  for (const at of [birth + 5, ...retries(birth, birth + 3 * H, 'remote')]) s.attempt(at, 918165, 'remote', 'grace@example.net', 'deferral', NOSMTP, 75000);
  s.attempt(birth + 3 * H + 20 * M, 918165, 'remote', 'grace@example.net', 'success', accepted('192.0.2.61', birth, 8812), 1500);
  s.end(birth + 3 * H + 21 * M, 918165);

  // The inode 918150 is handed out again: a new message with an old id.
  t = birth + 4 * H;
  local(918150, 'erin@example.net', 'dave-xyz@example.com', 'did 1+0+0');

  // The queue's messages.
  const last = base - 30 * M;
  for (const m of queue) {
    const born = Number(m.queued);
    const sender = String(m.sender);
    s.received(born, m.id, { bytes: bytesOf(m, m.id), sender, qp: m.pid ?? 0, uid: m.uid ?? 1001 });
    for (const r of m.recipients) {
      if (typeof r === 'string') continue;
      const rcpt = String(r.address);
      const channel = r.channel ?? 'remote';
      if (channel === 'remote' && r.done) {
        // example.org has no host: a permanent failure, then the bounce qmail-send cannot inject.
        s.attempt(born + 5, m.id, 'remote', rcpt, 'failure', NOHOST('example.org'), 900);
        for (const at of [born + 1000, ...retries(born, last, 'remote').map((x) => x + 61_000)]) s.warning(at, 'trouble injecting bounce message, will try later');
        continue;
      }
      if (channel === 'remote') {
        for (const at of [born + 5, ...retries(born, last, 'remote')]) s.attempt(at, m.id, 'remote', rcpt, 'deferral', NOSMTP, 75000);
        continue;
      }
      const user = rcpt.split('@')[0];
      for (const at of [born + 5, ...retries(born, last, 'local')]) {
        // /home (a network file system) was not mounted from the night before until after the log's last line.
        const why = user === 'gail' ? 'Temporary error on maildir delivery. (#4.3.0)' : `Unable to switch to /home/${user}: file does not exist. (#4.3.0)`;
        s.attempt(at, m.id, 'local', rcpt, 'deferral', why);
      }
    }
  }
  writeMultilog(demoDir, '/var/log/qmail', s.lines);
}

/** demo/multi: A's log (B is configured for the same directory, and multilog lets only one of them in) and C's. */
export function multiLogs(demoDir: string, base: number): void {
  const a = new SendStory();
  let t = base - 30 * H;
  a.start(t);
  const one = (s: SendStory, id: number, from: string, ch: 'local' | 'remote', rcpt: string, result: 'success' | 'deferral' | 'failure', report: string, qp: number): void => {
    t += 11 * M;
    s.received(t, id, { bytes: 1500 + (id % 900), sender: from, qp, uid: ch === 'local' ? 7791 : 1001 });
    s.attempt(t + 5, id, ch, rcpt, result, report, ch === 'remote' ? 1200 : 150);
    if (result !== 'deferral') s.end(t + 1500, id);
  };
  one(a, 400101, 'partner@example.net', 'local', 'alice@a.example', 'success', 'did 1+0+0', 7101);
  one(a, 400102, 'alice@a.example', 'remote', 'boss@example.net', 'success', accepted('192.0.2.91', t, 1201), 7102);
  one(a, 400103, 'buyer@example.org', 'local', 'bob@shop.example', 'success', 'did 1+0+0', 7103);
  one(a, 400104, 'spammer@example.org', 'local', 'nosuchuser@a.example', 'failure', NOUSER, 7104);
  a.bounce(t + 1400, 400104, 7105);
  a.received(t + 1420, 400105, { bytes: 2400, sender: '', qp: 7105, uid: 7796 });
  a.attempt(t + 1430, 400105, 'remote', 'spammer@example.org', 'failure', NOHOST('example.org'), 900);
  a.bounce(t + 2400, 400105, 7106);
  a.end(t + 2401, 400105);
  a.received(t + 2420, 400106, { bytes: 3300, sender: '#@[]', qp: 7106, uid: 7796 });
  a.attempt(t + 2430, 400106, 'local', 'postmaster@mail.a.example', 'success', 'did 0+1+0\nqp 7107');
  a.end(t + 2600, 400106);
  a.received(t + 2590, 400107, { bytes: 3400, sender: '#@[]', qp: 7107, uid: 7790 });
  a.attempt(t + 2600, 400107, 'local', 'alice@a.example', 'success', 'did 1+0+0');
  a.end(t + 2800, 400107);
  const born = t + 40 * M;
  a.received(born, 400108, { bytes: 8000, sender: 'carol@a.example', qp: 7108, uid: 1003 });
  for (const at of [born + 5, ...retries(born, base - H, 'remote')]) a.attempt(at, 400108, 'remote', 'carol@example.net', 'deferral', NOSMTP, 75000);
  writeMultilog(demoDir, '/var/log/qmail', a.lines);

  const c = new SendStory();
  t = base - 20 * H;
  c.start(t);
  one(c, 600201, 'alice@example.net', 'local', 'cmail-alice@c.example', 'success', 'did 1+0+0', 9201);
  one(c, 600202, 'news@lists.c.example', 'local', 'lists-news@lists.c.example', 'success', 'did 1+0+0', 9202);
  writeMultilog(demoDir, '/var/log/qmail3', c.lines);
}

/** vpopmail and vmailmgr: qmail-send logs through splogger (their rc says `splogger qmail`) to /var/log/mail.log. */
export function sysLogs(demoDir: string, base: number, stories: Array<{ from: string; ch: 'local' | 'remote'; rcpt: string; result: 'success' | 'deferral' | 'failure'; report: string }>): void {
  const s = new SendStory();
  let t = base - 10 * H;
  s.start(t);
  const others: OtherLine[] = [];
  let id = 700300;
  let qp = 8300;
  for (const x of stories) {
    t += 9 * M;
    id++;
    others.push({ at: t - 2000, tag: 'tcpserver', text: `ok ${4000 + id - 700300} mail.example.com:192.0.2.25:25 :203.0.113.9::51022` });
    s.received(t, id, { bytes: 1800 + (id % 500), sender: x.from, qp: ++qp, uid: 7791 });
    s.attempt(t + 5, id, x.ch, x.rcpt, x.result, x.report);
    if (x.result === 'failure') {
      s.bounce(t + 300, id, ++qp);
      s.end(t + 301, id);
      s.received(t + 320, ++id, { bytes: 2600, sender: '', qp, uid: 7796 });
      s.attempt(t + 330, id, 'remote', x.from, 'success', accepted('192.0.2.50', t, 77), 700);
      s.end(t + 1100, id);
    } else if (x.result === 'success') s.end(t + 300, id);
  }
  writeSyslog(demoDir, '/var/log/mail.log', 'mail', 'qmail', s.lines, others, base - 5 * H);
}
