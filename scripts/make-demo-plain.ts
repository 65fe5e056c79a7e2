// Generates demo/plain: one ordinary qmail installation, a trainer's first
// look (system users with extension trees, the alias user, forwards, mbox
// and maildir deliveries, a small queue).
//   npx tsx scripts/make-demo-plain.ts
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DemoTree, message, projectRoot } from './demo-kit.js';
import { writeQueue, type MessageSpec } from '../test/helpers/queue-writer.js';
import { plainLog } from './demo-logs.js';

const out = path.join(projectRoot(), 'demo', 'plain');
const t = new DemoTree(out);
const BASE = Date.parse('2026-11-24T09:00:00Z');
const H = 3600_000;
const Q = '/var/qmail';

t.file('/etc/hostname', 'mail.example.com\n');
t.file('/etc/hosts', '127.0.0.1\tlocalhost\n192.0.2.25\tmail.example.com mail\n');
t.file(
  '/etc/passwd',
  [
    'root:x:0:0:root:/root:/bin/bash',
    'alias:x:7790:2108::/var/qmail/alias:/bin/false',
    'qmaild:x:7791:2108::/var/qmail:/bin/false',
    'qmaill:x:7792:2108::/var/qmail:/bin/false',
    'qmailp:x:7793:2108::/var/qmail:/bin/false',
    'qmailq:x:7794:2107::/var/qmail:/bin/false',
    'qmailr:x:7795:2107::/var/qmail:/bin/false',
    'qmails:x:7796:2107::/var/qmail:/bin/false',
    'alice:x:1001:1001:Alice Archer:/home/alice:/bin/bash',
    'bob:x:1002:1002:Bob Baker:/home/bob:/bin/bash',
    'carol:x:1003:1003:Carol Cook:/home/carol:/bin/bash',
    'dave:x:1004:1004:Dave Dunn:/home/dave:/bin/bash',
    'gail:x:1005:1005:Gail Grey:/home/gail:/bin/bash',
    '',
  ].join('\n'),
);
t.file('/etc/group', ['root:x:0:', 'qmail:x:2107:', 'nofiles:x:2108:', 'alice:x:1001:', 'bob:x:1002:', 'carol:x:1003:', 'dave:x:1004:', 'gail:x:1005:', ''].join('\n'));
t.file('/etc/tcp.smtp', '127.:allow,RELAYCLIENT=""\n192.0.2.:allow,RELAYCLIENT=""\n:allow\n');
t.link('/usr/sbin/sendmail', '/var/qmail/bin/sendmail');
t.link('/usr/lib/sendmail', '/var/qmail/bin/sendmail');

// control: config-fast mail.example.com, plus example.com and a virtual list domain.
t.file(`${Q}/control/me`, 'mail.example.com\n');
t.file(`${Q}/control/defaultdomain`, 'example.com\n');
t.file(`${Q}/control/plusdomain`, 'example.com\n');
t.file(`${Q}/control/locals`, 'mail.example.com\nexample.com\n');
t.file(`${Q}/control/rcpthosts`, 'mail.example.com\nexample.com\nlists.example.com\n');
// info@lists.example.com becomes alice-lists-info: alice's extension tree handles the list domain.
t.file(`${Q}/control/virtualdomains`, 'lists.example.com:alice-lists\n');
t.file(`${Q}/control/defaultdelivery`, './Maildir/\n');
t.file(`${Q}/control/concurrencyincoming`, '20\n');
t.file(
  `${Q}/rc`,
  `#!/bin/sh\n\n# Using stdout for logging\n# Using control/defaultdelivery from qmail-local to deliver messages by default\n\nexec env - PATH="/var/qmail/bin:$PATH" \\\nqmail-start "\`cat /var/qmail/control/defaultdelivery\`"\n`,
);
t.file(`${Q}/supervise/qmail-send/run`, '#!/bin/sh\nexec /var/qmail/rc\n');
t.file(`${Q}/supervise/qmail-send/log/run`, '#!/bin/sh\nexec /usr/local/bin/setuidgid qmaill /usr/local/bin/multilog t /var/log/qmail\n');
t.file(
  `${Q}/supervise/qmail-smtpd/run`,
  `#!/bin/sh\n\nQMAILDUID=\`id -u qmaild\`\nNOFILESGID=\`id -g qmaild\`\nMAXSMTPD=\`cat /var/qmail/control/concurrencyincoming\`\nLOCAL=\`head -1 /var/qmail/control/me\`\n\nexec /usr/local/bin/softlimit -m 2000000 \\\n    /usr/local/bin/tcpserver -v -R -l "$LOCAL" -x /etc/tcp.smtp.cdb -c "$MAXSMTPD" \\\n        -u "$QMAILDUID" -g "$NOFILESGID" 0 smtp /var/qmail/bin/qmail-smtpd 2>&1\n`,
);
t.file(`${Q}/supervise/qmail-smtpd/log/run`, '#!/bin/sh\nexec /usr/local/bin/setuidgid qmaill /usr/local/bin/multilog t /var/log/qmail/smtpd\n');
t.link('/service/qmail-send', `${Q}/supervise/qmail-send`);
t.link('/service/qmail-smtpd', `${Q}/supervise/qmail-smtpd`);

// The alias user: postmaster, root and MAILER-DAEMON go to alice; abuse to bob.
t.file(`${Q}/alias/.qmail-postmaster`, '&alice@example.com\n');
t.file(`${Q}/alias/.qmail-root`, '&alice@example.com\n');
t.file(`${Q}/alias/.qmail-mailer-daemon`, '&alice@example.com\n');
t.file(`${Q}/alias/.qmail-abuse`, '&bob@example.com\n');
t.maildir(`${Q}/alias/Maildir`);

// alice: maildir, an extension tree (lists-*), a forward with a kept copy, a black hole.
t.file('/home/alice/.qmail', './Maildir/\n');
t.file('/home/alice/.qmail-lists-default', '# every list address: alice-lists-NAME (and NAME@lists.example.com)\n./Maildir/.Lists/\n');
t.file('/home/alice/.qmail-work', '&alice@work.example.net\n./Maildir/.Work/\n');
t.file('/home/alice/.qmail-spam', '# accepted and thrown away: no delivery line\n');
t.maildir('/home/alice/Maildir');
t.maildir('/home/alice/Maildir/.Lists');
t.maildir('/home/alice/Maildir/.Work');
t.file(
  '/home/alice/Maildir/new/1763974800.4242.mail.example.com',
  'Return-Path: <dave@example.net>\nDelivered-To: alice@example.com\nReceived: (qmail 4242 invoked from network); 24 Nov 2026 08:00:00 -0000\n' +
    message('dave@example.net', 'alice@example.com', 'Welcome', 'Mon, 24 Nov 2026 08:00:00 +0000', 'Hello Alice.'),
);
// bob: an mbox file and no .qmail-default, so bob-anything bounces.
t.file('/home/bob/.qmail', './Mailbox\n');
t.file(
  '/home/bob/Mailbox',
  'From dave@example.net Mon Nov 24 07:00:00 2026\nReturn-Path: <dave@example.net>\nDelivered-To: bob@example.com\n' +
    message('dave@example.net', 'bob@example.com', 'Budget', 'Mon, 24 Nov 2026 07:00:00 +0000', 'Numbers attached.') +
    '\n',
  { mode: 0o600, uid: 1002, gid: 1002 },
);
// carol: forwards everything and keeps a copy.
t.file('/home/carol/.qmail', '&carol@example.net\n./Maildir/\n');
t.maildir('/home/carol/Maildir');
// dave: a catch-all for his extensions and a program line (never run by qlens).
t.file('/home/dave/.qmail', './Maildir/\n');
t.file('/home/dave/.qmail-default', './Maildir/.Catchall/\n');
t.file('/home/dave/.qmail-vacation', '|/usr/bin/vacation dave\n./Maildir/\n');
t.maildir('/home/dave/Maildir');
t.maildir('/home/dave/Maildir/.Catchall');
// gail: the default delivery, and no Maildir (it was removed after her mail deferred: see the log).
t.mkdir('/home/gail');
t.mkdir('/root');

for (const e of t.walk(Q)) {
  if (e.path.startsWith(`${Q}/alias`)) continue;
  t.own(e.path, { uid: 0, gid: e.path === Q || e.path.includes('/supervise') ? 0 : 2107, mode: e.dir || /\/(run|rc)$/.test(e.path) ? 0o755 : 0o644 }, e.dir);
}
for (const d of ['/usr', '/usr/sbin', '/usr/lib', '/root']) t.own(d, { uid: 0, gid: 0, mode: d === '/root' ? 0o700 : 0o755 }, true);
t.own(`${Q}/alias`, { uid: 7790, gid: 2108, mode: 0o2755 }, true);
t.flushMeta();

function* messages(): Generator<MessageSpec> {
  const people = ['alice', 'bob', 'carol', 'dave'];
  for (let i = 0; i < 12; i++) {
    const who = people[i % 4];
    const queued = BASE - (30 - i * 2) * H;
    const far = `${['erin', 'frank', 'grace'][i % 3]}@example.net`;
    if (i % 3 === 0) {
      yield { sender: `${who}@example.com`, recipients: [{ address: far, channel: 'remote' }], content: message(`${who}@example.com`, far, `Report ${i}`, new Date(queued).toUTCString(), 'Weekly.'), queued, uid: 1001 + (i % 4), pid: 5000 + i * 41 };
    } else if (i % 3 === 1) {
      yield {
        sender: far,
        recipients: [{ address: `${who}@example.com`, channel: 'local' }],
        content: message(far, `${who}@example.com`, `Hello ${i}`, new Date(queued).toUTCString(), 'Hi there.'),
        queued,
        invoked: 'from network',
        uid: 7791,
        pid: 5000 + i * 41,
      };
    } else {
      yield {
        sender: `${who}@example.com`,
        recipients: [{ address: `nobody@example.org`, channel: 'remote', done: true }],
        content: message(`${who}@example.com`, 'nobody@example.org', `Question ${i}`, new Date(queued).toUTCString(), 'Anyone?'),
        queued,
        uid: 1001 + (i % 4),
        pid: 5000 + i * 41,
        bounce: [{ recipient: 'nobody@example.org', report: 'Sorry, I couldn\'t find any host named example.org. (#5.1.2)\n' }],
      };
    }
  }
  const queued = BASE - 6 * H;
  yield {
    sender: 'dave@example.net',
    recipients: [{ address: 'gail@example.com', channel: 'local' }],
    content: message('dave@example.net', 'gail@example.com', 'Photos', new Date(queued).toUTCString(), 'From the trip.'),
    queued,
    invoked: 'from network',
    uid: 7791,
    pid: 5600,
  };
}

const specs = [...messages()].map((m, i) => ({ ...m, id: 918201 + i }));
writeQueue(out, Q, specs, { fifo: false });
plainLog(out, BASE, specs);
// The time the demo's story is told at: the TUI moves a demo copy's times from it to now (source/ui/demo-copy.ts).
fs.writeFileSync(path.join(out, '.demo-now'), new Date(BASE).toISOString().replace(/\.\d{3}Z$/, 'Z') + '\n');
console.log(`demo/plain written to ${out}`);
