// Generates demo/multi: four qmail installations on one host, with the
// leaks demo/multi/README.md explains planted on purpose.
//   npx tsx scripts/make-demo-multi.ts
// The output is committed; rerun after changing this file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DemoTree, message, projectRoot } from './demo-kit.js';
import { writeQueue, type MessageSpec } from '../test/helpers/queue-writer.js';
import { multiLogs } from './demo-logs.js';
import { writeMultilog } from './demo-log.js';
import { compileUsersCdb } from '../source/qmail/assign.js';
import { elfStandIn } from '../test/helpers/elf-writer.js';

const out = path.join(projectRoot(), 'demo', 'multi');
const t = new DemoTree(out);

const BASE = Date.parse('2026-11-24T09:00:00Z');
const H = 3600_000;

// ---------------------------------------------------------------- the host

t.file('/etc/hostname', 'mail\n');
t.file(
  '/etc/hosts',
  ['127.0.0.1\tlocalhost', '192.0.2.10\tmail.a.example mail', '192.0.2.11\tpop.b.example', '192.0.2.12\tmail.c.example', '192.0.2.13\tmail.d.example', ''].join('\n'),
);
// A and B were built with the same conf-users (alias qmaild ... qmails); C has its own set; D is a copy of A.
t.file(
  '/etc/passwd',
  [
    'root:x:0:0:root:/root:/bin/bash',
    'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
    'alias:x:7790:2108::/var/qmail/alias:/bin/false',
    'qmaild:x:7791:2108::/var/qmail:/bin/false',
    'qmaill:x:7792:2108::/var/qmail:/bin/false',
    'qmailp:x:7793:2108::/var/qmail:/bin/false',
    'qmailq:x:7794:2107::/var/qmail:/bin/false',
    'qmailr:x:7795:2107::/var/qmail:/bin/false',
    'qmails:x:7796:2107::/var/qmail:/bin/false',
    'alias3:x:7890:2208::/var/qmail3/alias:/bin/false',
    'qmaild3:x:7891:2208::/var/qmail3:/bin/false',
    'qmaill3:x:7892:2208::/var/qmail3:/bin/false',
    'qmailp3:x:7893:2208::/var/qmail3:/bin/false',
    'qmailq3:x:7894:2207::/var/qmail3:/bin/false',
    'qmailr3:x:7895:2207::/var/qmail3:/bin/false',
    'qmails3:x:7896:2207::/var/qmail3:/bin/false',
    'alice:x:1001:1001:Alice Archer:/home/alice:/bin/bash',
    'bob:x:1002:1002:Bob Baker:/home/bob:/bin/bash',
    'carol:x:1003:1003:Carol Cook:/home/carol:/bin/bash',
    'cmail:x:1301:1301:C mail store:/home/cmail:/bin/false',
    'lists:x:1302:1302:Mailing lists:/home/lists:/bin/false',
    '',
  ].join('\n'),
);
t.file(
  '/etc/group',
  ['root:x:0:', 'qmail:x:2107:', 'nofiles:x:2108:', 'qmail3:x:2207:', 'nofiles3:x:2208:', 'alice:x:1001:', 'bob:x:1002:', 'carol:x:1003:', 'cmail:x:1301:', 'lists:x:1302:', ''].join('\n'),
);
// Two tcprules sources; the .cdb files tcpserver reads are compiled from them by tcprules.
t.file('/etc/tcp.smtp', '# A and B both use this one (leak L24)\n127.:allow,RELAYCLIENT=""\n:allow\n');
t.file(
  '/etc/tcp.smtp3',
  '# C: the office network relays, and its mail is queued by A (leak L22)\n127.:allow,RELAYCLIENT=""\n192.0.2.:allow,RELAYCLIENT="",QMAILQUEUE="/var/qmail/bin/qmail-queue"\n:allow\n',
);
t.file('/etc/tcp.smtp4', '# D: its own rules, copied from A\n127.:allow,RELAYCLIENT=""\n:allow\n');
// Local programs: the two links disagree (leak L20).
t.link('/usr/sbin/sendmail', '/var/qmail/bin/sendmail');
t.link('/usr/lib/sendmail', '/var/qmail2/bin/sendmail');
// Set up for d.example's web shop, first on the PATH: but D's sendmail was built for /var/qmail (L20).
t.link('/usr/local/bin/sendmail', '/var/qmail4/bin/sendmail');

// ---------------------------------------------------------------- scripts

const rc = (home: string, pathHome: string) =>
  `#!/bin/sh\n\n# Using stdout for logging\n# Using control/defaultdelivery from qmail-local to deliver messages by default\n\nexec env - PATH="${pathHome}/bin:$PATH" \\\nqmail-start "\`cat ${home}/control/defaultdelivery\`"\n`;

const smtpdRun = (o: { home: string; meFrom: string; rules: string; ip: string; port: string; qmaild: string; nofiles: string }) =>
  `#!/bin/sh\n\nQMAILDUID=\`id -u ${o.qmaild}\`\nNOFILESGID=\`id -g ${o.qmaild}\`\nMAXSMTPD=\`cat ${o.home}/control/concurrencyincoming\`\nLOCAL=\`head -1 ${o.meFrom}/control/me\`\n\nif [ -z "$QMAILDUID" -o -z "$NOFILESGID" -o -z "$MAXSMTPD" -o -z "$LOCAL" ]; then\n    echo QMAILDUID, NOFILESGID, MAXSMTPD, or LOCAL is unset in\n    echo ${o.home}/supervise/qmail-smtpd/run\n    exit 1\nfi\n\nexec /usr/local/bin/softlimit -m 2000000 \\\n    /usr/local/bin/tcpserver -v -R -l "$LOCAL" -x ${o.rules} -c "$MAXSMTPD" \\\n        -u "$QMAILDUID" -g "$NOFILESGID" ${o.ip} ${o.port} ${o.home}/bin/qmail-smtpd 2>&1\n`;

const logRun = (dir: string, user: string) => `#!/bin/sh\nexec /usr/local/bin/setuidgid ${user} /usr/local/bin/multilog t ${dir}\n`;

const service = (name: string, target: string) => t.link(`/service/${name}`, target);

// ---------------------------------------------------------------- A: /var/qmail

const A = '/var/qmail';
t.file(`${A}/control/me`, 'mail.a.example\n');
t.file(`${A}/control/locals`, 'mail.a.example\na.example\nshop.example\n');
t.file(`${A}/control/rcpthosts`, 'mail.a.example\na.example\n.a.example\nshop.example\n');
t.file(`${A}/control/defaultdomain`, 'a.example\n');
t.file(`${A}/control/plusdomain`, 'a.example\n');
t.file(`${A}/control/defaultdelivery`, './Maildir/\n');
t.file(`${A}/control/concurrencyincoming`, '20\n');
t.file(`${A}/rc`, rc(A, A), { mode: 0o755 });
t.file(`${A}/supervise/qmail-send/run`, `#!/bin/sh\nexec ${A}/rc\n`, { mode: 0o755 });
t.file(`${A}/supervise/qmail-send/log/run`, logRun('/var/log/qmail', 'qmaill'), { mode: 0o755 });
t.file(
  `${A}/supervise/qmail-smtpd/run`,
  smtpdRun({ home: A, meFrom: A, rules: '/etc/tcp.smtp.cdb', ip: '192.0.2.10', port: 'smtp', qmaild: 'qmaild', nofiles: 'nofiles' }),
  { mode: 0o755 },
);
t.file(`${A}/supervise/qmail-smtpd/log/run`, logRun('/var/log/qmail/smtpd', 'qmaill'), { mode: 0o755 });
// QMTP for the backup MX, bound to every address (leak L9).
t.file(
  `${A}/supervise/qmail-qmtpd/run`,
  `#!/bin/sh\nexec /usr/local/bin/tcpserver -v -R -l mail.a.example -u 7791 -g 2108 0 qmtp ${A}/bin/qmail-qmtpd 2>&1\n`,
  { mode: 0o755 },
);
t.file(
  `${A}/supervise/qmail-pop3d/run`,
  `#!/bin/sh\nexec /usr/local/bin/tcpserver -v -R -H -l mail.a.example 192.0.2.10 pop3 \\\n    ${A}/bin/qmail-popup mail.a.example /bin/checkpassword ${A}/bin/qmail-pop3d Maildir 2>&1\n`,
  { mode: 0o755 },
);
t.file(`${A}/alias/.qmail-postmaster`, '&alice@a.example\n');
t.file(`${A}/alias/.qmail-root`, '&alice@a.example\n');
t.file(`${A}/alias/.qmail-mailer-daemon`, '&alice@a.example\n');
service('qmail-send', `${A}/supervise/qmail-send`);
service('qmail-smtpd', `${A}/supervise/qmail-smtpd`);
service('qmail-qmtpd', `${A}/supervise/qmail-qmtpd`);
service('qmail-pop3d', `${A}/supervise/qmail-pop3d`);

// ---------------------------------------------------------------- B: /var/qmail2

// Built by copying A's tree: control/me was never changed, only the greeting.
const B = '/var/qmail2';
t.file(`${B}/control/me`, 'mail.a.example\n');
t.file(`${B}/control/smtpgreeting`, 'mail.b.example\n');
// ./config filled locals and rcpthosts with the PTR name of every address of the machine (leak L5).
t.file(`${B}/control/locals`, 'mail.a.example\npop.b.example\nmail.c.example\nb.example\n');
t.file(`${B}/control/rcpthosts`, 'mail.a.example\npop.b.example\nmail.c.example\nb.example\nlists.b.example\nshop.example\n');
t.file(`${B}/control/virtualdomains`, 'lists.b.example:lists\n');
t.file(`${B}/control/smtproutes`, 'c.example:192.0.2.12\n');
t.file(`${B}/control/defaultdelivery`, './Maildir/\n');
t.file(`${B}/control/concurrencyincoming`, '10\n');
// The rc copied from A still puts A's bin first (leak L21).
t.file(`${B}/rc`, rc(B, A), { mode: 0o755 });
t.file(`${B}/supervise/qmail-send/run`, `#!/bin/sh\nexec ${B}/rc\n`, { mode: 0o755 });
t.file(`${B}/supervise/qmail-send/log/run`, logRun('/var/log/qmail', 'qmaill'), { mode: 0o755 });
t.file(
  `${B}/supervise/qmail-smtpd/run`,
  smtpdRun({ home: B, meFrom: A, rules: '/etc/tcp.smtp.cdb', ip: '192.0.2.10', port: '2525', qmaild: 'qmaild', nofiles: 'nofiles' }),
  { mode: 0o755 },
);
t.file(`${B}/supervise/qmail-smtpd/log/run`, logRun('/var/log/qmail2/smtpd', 'qmaill'), { mode: 0o755 });
t.file(
  `${B}/supervise/qmail-pop3d/run`,
  `#!/bin/sh\nexec /usr/local/bin/tcpserver -v -R -H -l pop.b.example 192.0.2.11 pop3 \\\n    ${B}/bin/qmail-popup mail.a.example /bin/checkpassword ${B}/bin/qmail-pop3d Maildir 2>&1\n`,
  { mode: 0o755 },
);
// Never read: B's alias user is A's alias, whose home is /var/qmail/alias (leak L2).
t.file(`${B}/alias/.qmail-postmaster`, './Maildir/\n');
t.maildir(`${B}/alias/Maildir`, { uid: 7790, gid: 2108, mode: 0o700 });
service('qmail2-send', `${B}/supervise/qmail-send`);
service('qmail2-smtpd', `${B}/supervise/qmail-smtpd`);
service('qmail2-pop3d', `${B}/supervise/qmail-pop3d`);

// ---------------------------------------------------------------- C: /var/qmail3

// Built with its own users and config-fast; users/assign catches every local part.
const C = '/var/qmail3';
t.file(`${C}/conf-users`, 'alias3\nqmaild3\nqmaill3\nroot\nqmailp3\nqmailq3\nqmailr3\nqmails3\n');
t.file(`${C}/control/me`, 'mail.c.example\n');
t.file(`${C}/control/defaultdomain`, 'c.example\n');
t.file(`${C}/control/plusdomain`, 'c.example\n');
t.file(`${C}/control/locals`, '');
t.file(`${C}/control/rcpthosts`, 'c.example\nlists.c.example\n');
t.file(`${C}/control/virtualdomains`, 'c.example:cmail\nlists.c.example:lists\n');
// Double bounces go to the hosting company's postmaster, at A (leak L18).
t.file(`${C}/control/doublebouncehost`, 'a.example\n');
t.file(`${C}/control/defaultdelivery`, './Maildir/\n');
t.file(`${C}/control/concurrencyincoming`, '10\n');
const assignC =
  [
    '=cmail:cmail:1301:1301:/home/cmail:::',
    '+cmail-:cmail:1301:1301:/home/cmail:-::',
    '=lists:lists:1302:1302:/home/lists:::',
    '+lists-:lists:1302:1302:/home/lists:-::',
    '+:alias3:7890:2208:/var/qmail3/alias:-::',
    '.',
  ].join('\n') + '\n';
t.file(`${C}/users/assign`, assignC);
t.file(`${C}/users/cdb`, compileUsersCdb(Buffer.from(assignC), `${C}/users/assign`));
t.file(`${C}/rc`, rc(C, C), { mode: 0o755 });
t.file(`${C}/supervise/qmail-send/run`, `#!/bin/sh\nexec ${C}/rc\n`, { mode: 0o755 });
t.file(`${C}/supervise/qmail-send/log/run`, logRun('/var/log/qmail3', 'qmaill3'), { mode: 0o755 });
// Runs as A's qmaild instead of qmaild3 (leak L12).
t.file(
  `${C}/supervise/qmail-smtpd/run`,
  smtpdRun({ home: C, meFrom: C, rules: '/etc/tcp.smtp3.cdb', ip: '192.0.2.12', port: 'smtp', qmaild: 'qmaild', nofiles: 'nofiles' }),
  { mode: 0o755 },
);
t.file(`${C}/supervise/qmail-smtpd/log/run`, logRun('/var/log/qmail3/smtpd', 'qmaill3'), { mode: 0o755 });
t.file(`${C}/alias/.qmail-postmaster`, './Maildir/\n');
t.file(`${C}/alias/.qmail-root`, './Maildir/\n');
t.file(`${C}/alias/.qmail-mailer-daemon`, './Maildir/\n');
t.file(`${C}/alias/.qmail-default`, '# unknown local parts at c.example\n./Maildir/\n');
t.maildir(`${C}/alias/Maildir`);
service('qmail3-send', `${C}/supervise/qmail-send`);
service('qmail3-smtpd', `${C}/supervise/qmail-smtpd`);

// ---------------------------------------------------------------- D: /var/qmail4

// Made by `cp -a /var/qmail /var/qmail4`, then control/ edited for d.example
// and the queue emptied, but qmail never rebuilt: every program in
// /var/qmail4/bin still carries /var/qmail, the home compiled in from
// conf-qmail (L22). Its control files are never read.
const D = '/var/qmail4';
t.file(`${D}/control/me`, 'mail.d.example\n');
t.file(`${D}/control/locals`, 'mail.d.example\nd.example\n');
t.file(`${D}/control/rcpthosts`, 'mail.d.example\nd.example\n');
t.file(`${D}/control/defaultdomain`, 'd.example\n');
t.file(`${D}/control/plusdomain`, 'd.example\n');
t.file(`${D}/control/defaultdelivery`, './Maildir/\n');
t.file(`${D}/control/concurrencyincoming`, '10\n');
t.file(`${D}/rc`, rc(D, D), { mode: 0o755 });
t.file(`${D}/supervise/qmail-send/run`, `#!/bin/sh\nexec ${D}/rc\n`, { mode: 0o755 });
t.file(`${D}/supervise/qmail-send/log/run`, logRun('/var/log/qmail4', 'qmaill'), { mode: 0o755 });
t.file(
  `${D}/supervise/qmail-smtpd/run`,
  smtpdRun({ home: D, meFrom: D, rules: '/etc/tcp.smtp4.cdb', ip: '192.0.2.13', port: 'smtp', qmaild: 'qmaild', nofiles: 'nofiles' }),
  { mode: 0o755 },
);
t.file(`${D}/supervise/qmail-smtpd/log/run`, logRun('/var/log/qmail4/smtpd', 'qmaill'), { mode: 0o755 });
t.file(`${D}/alias/.qmail-postmaster`, '&carol@d.example\n');
t.file(`${D}/alias/.qmail-root`, '&carol@d.example\n');
t.file(`${D}/alias/.qmail-mailer-daemon`, '&carol@d.example\n');
service('qmail4-send', `${D}/supervise/qmail-send`);
service('qmail4-smtpd', `${D}/supervise/qmail-smtpd`);

// ---------------------------------------------------------------- bin/

// Stand-ins for qmail's programs, not programs: small ELF files with no code
// (they cannot be run), laid out as a build lays out a program's strings.
// Each carries its home the way auto-str writes auto_qmail.c, as the
// NUL-terminated bytes of a writable char array in .data, among the
// program's literals in .rodata (its messages, "control/...",
// "bin/qmail-queue", the ELF interpreter). A and B keep their symbol table
// (qmail's make does not strip), C's were stripped.
const INTERP = '/lib64/ld-linux-x86-64.so.2';
const LITERALS: Record<string, string[]> = {
  'qmail-queue': ['pid/', 'mess/', 'intd/', 'todo/', 'lock/trigger', 'Received: (qmail ', ' invoked by uid ', ' invoked from network'],
  'qmail-send': ['alert: cannot start: unable to switch to home directory\n', 'alert: cannot start: qmail-send is already running\n', 'control/locals', 'control/virtualdomains', 'lock/sendmutex', 'bin/qmail-queue'],
  'qmail-smtpd': ['control/rcpthosts', 'control/smtpgreeting', "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)\r\n", 'bin/qmail-queue'],
  'qmail-local': ['bin/qmail-queue', '/bin/sh', '.qmail', 'Delivered-To: '],
  'qmail-lspawn': ['users/cdb', 'bin/qmail-getpw', 'bin/qmail-local', 'ZUnable to run qmail-local.\n'],
  'qmail-rspawn': ['qmail-remote', 'QMAILREMOTE'],
  'qmail-remote': ['control/helohost', 'control/smtproutes', 'queue/lock/tcpto'],
  'qmail-clean': ['mess/', 'info/', 'local/', 'remote/'],
  'qmail-inject': ['control/defaulthost', 'control/idhost', 'bin/qmail-queue', 'qmail-inject: fatal: '],
  sendmail: ['bin/qmail-inject', 'bin/qmail-smtpd', 'bin/qmail-qread', 'sendmail: fatal: unable to switch to qmail home directory\n'],
  'qmail-showctl': ['qmail home directory: ', 'control/'],
  'qmail-qread': ['mess/', 'info/', 'qmail-qread: fatal: '],
};
const WITH_HOME = ['condredirect', 'forward', 'qmail-clean', 'qmail-inject', 'qmail-local', 'qmail-lspawn', 'qmail-newmrh', 'qmail-newu', 'qmail-pw2u', 'qmail-qmqpc', 'qmail-qmqpd', 'qmail-qmtpd', 'qmail-qread', 'qmail-queue', 'qmail-remote', 'qmail-rspawn', 'qmail-send', 'qmail-showctl', 'qmail-smtpd', 'qmail-tcpok', 'qmail-tcpto', 'qreceipt', 'sendmail'];
const WITHOUT_HOME = ['qmail-getpw', 'qmail-start', 'qmail-popup', 'qmail-pop3d', 'splogger', 'preline', 'predate'];
// warn-auto.sh, which make puts at the top of each script it writes.
const WARN_AUTO = '#!/bin/sh\n# WARNING: This file was auto-generated. Do not edit!\n';

function installBin(root: string, home: string, opts: { symbols: boolean; qmailq: number; qmailGid: number }): void {
  const mode = (name: string) => (name === 'qmail-queue' ? { mode: 0o4711, uid: opts.qmailq, gid: opts.qmailGid } : { mode: 0o755, uid: 0, gid: opts.qmailGid });
  for (const name of [...WITH_HOME, ...WITHOUT_HOME]) {
    const rodata = [...(LITERALS[name] ?? [`${name}: fatal: `, 'bin/qmail-queue', 'control/me']), 'libc.so.6', `${name}: usage: ${name}`];
    t.file(`${root}/bin/${name}`, elfStandIn({ home: WITH_HOME.includes(name) ? home : null, rodata, interp: INTERP, symbols: opts.symbols }), mode(name));
  }
  // Scripts make writes conf-qmail into as text.
  t.file(`${root}/bin/qmail-qstat`, WARN_AUTO + `cd ${home}\nmessdirs=\`echo queue/mess/* | wc -w\`\nmessfiles=\`find queue/mess/* -print | wc -w\`\ntododirs=\`echo queue/todo | wc -w\`\ntodofiles=\`find queue/todo -print | wc -w\`\necho messages in queue: \`expr $messfiles - $messdirs\`\necho messages in queue but not yet preprocessed: \`expr $todofiles - $tododirs\`\n`, mode('qmail-qstat'));
  t.file(`${root}/bin/datemail`, WARN_AUTO + `exec ${home}/bin/predate ${home}/bin/sendmail \${1+"$@"}\n`, mode('datemail'));
}

// ---------------------------------------------------------------- homes

const mailFile = (name: string, from: string, to: string, subject: string, hoursAgo: number, deliveredTo: string) => ({
  name,
  text: `Return-Path: <${from}>\nDelivered-To: ${deliveredTo}\nReceived: (qmail 4242 invoked from network); 24 Nov 2026 08:00:00 -0000\n` + message(from, to, subject, new Date(BASE - hoursAgo * H).toUTCString(), 'See you soon.'),
});

t.file('/home/alice/.qmail', './Maildir/\n');
// alice forwards her work mail to C (L14 from A, L16 from B, L11: her uid shows in the forwarded copy).
t.file('/home/alice/.qmail-work', '# work mail goes to the c.example mailbox\n&alice@c.example\n./Maildir/.Work/\n');
t.maildir('/home/alice/Maildir');
t.maildir('/home/alice/Maildir/.Work');
for (const m of [
  mailFile('1763974800.4242.mail', 'dave@x.example', 'alice@a.example', 'Lunch', 24, 'alice@a.example'),
  mailFile('1763978400.4391.mail', 'erin@y.example', 'alice@b.example', 'Invoice 2026-11', 23, 'alice@b.example'),
]) {
  t.file(`/home/alice/Maildir/new/${m.name}`, m.text);
}
t.file('/home/bob/.qmail', './Mailbox\n');
// Absolute path into A's bin: when B delivers it, the copy enters A's queue (L23).
t.file('/home/bob/.qmail-lists', '|/var/qmail/bin/forward bob-archive@a.example\n');
t.file('/home/bob/.qmail-archive', './Archive/\n');
t.maildir('/home/bob/Archive');
t.file(
  '/home/bob/Mailbox',
  `From dave@x.example Mon Nov 24 07:00:00 2026\nReturn-Path: <dave@x.example>\nDelivered-To: bob@a.example\n` +
    message('dave@x.example', 'bob@a.example', 'Budget', 'Mon, 24 Nov 2026 07:00:00 +0000', 'Numbers attached.') +
    '\n',
  { mode: 0o600, uid: 1002, gid: 1002 },
);
t.file('/home/carol/.qmail', './Maildir/\n');
t.file('/home/carol/.qmail-default', './Maildir/\n');
t.maildir('/home/carol/Maildir');
t.file('/home/lists/.qmail-default', './Maildir/\n');
t.maildir('/home/lists/Maildir');
t.file('/home/cmail/.qmail-default', './Maildir/\n');
// C forwards orders to A's domain with no smtproutes entry (L14).
t.file('/home/cmail/.qmail-orders', '&alice@a.example\n');
t.maildir('/home/cmail/Maildir');
t.mkdir('/root');

// ---------------------------------------------------------------- owners

installBin(A, A, { symbols: true, qmailq: 7794, qmailGid: 2107 });
installBin(B, B, { symbols: true, qmailq: 7794, qmailGid: 2107 });
installBin(C, C, { symbols: false, qmailq: 7894, qmailGid: 2207 });
// D's programs are A's, byte for byte: copied, not rebuilt.
installBin(D, A, { symbols: true, qmailq: 7794, qmailGid: 2107 });

// Installation trees belong to root (hier.c), except alias/, bin/ (written with their owners above) and the queue.
for (const home of [A, B, C, D]) {
  for (const e of t.walk(home)) {
    if (e.path.startsWith(`${home}/alias`) || e.path.startsWith(`${home}/bin/`)) continue;
    const mode = e.dir ? 0o755 : e.path.endsWith('/run') || e.path.endsWith('/rc') ? 0o755 : 0o644;
    t.own(e.path, { uid: 0, gid: e.path.includes('/supervise') || e.path === home ? 0 : 2107, mode }, e.dir);
  }
}
for (const d of ['/usr', '/usr/sbin', '/usr/lib', '/usr/local', '/usr/local/bin', '/root']) t.own(d, { uid: 0, gid: 0, mode: d === '/root' ? 0o700 : 0o755 }, true);
t.own(`${A}/alias`, { uid: 7790, gid: 2108, mode: 0o2755 }, true);
// B's alias directory was created by instchown with the shared alias user (L2).
t.own(`${B}/alias`, { uid: 7790, gid: 2108, mode: 0o2755 }, true);
t.own(`${B}/alias/.qmail-postmaster`, { uid: 7790, gid: 2108, mode: 0o644 }, false);
t.own(`${C}/alias`, { uid: 7890, gid: 2208, mode: 0o2755 }, true);
t.own(`${D}/alias`, { uid: 7790, gid: 2108, mode: 0o2755 }, true);
t.flushMeta();

// ---------------------------------------------------------------- queues

function* queueFor(
  domain: string,
  others: string[],
  n: number,
  startHoursAgo: number,
  pidBase: number,
  localUsers: string[],
  virtualPrefix: string | null,
): Generator<MessageSpec> {
  const remote = ['x.example', 'y.example', 'z.example', 'example.net'];
  for (let i = 0; i < n; i++) {
    const queued = BASE - (startHoursAgo - i * (startHoursAgo / n)) * H;
    const user = localUsers[i % localUsers.length];
    const local = virtualPrefix ? `${virtualPrefix}-${user}@${domain}` : `${user}@${domain}`;
    const far = `${['dave', 'erin', 'frank', 'grace'][i % 4]}@${remote[i % remote.length]}`;
    const kind = i % 6;
    const pid = pidBase + i * 37;
    if (kind === 0) {
      // Outgoing, still trying the remote host.
      yield {
        sender: `${user}@${domain}`,
        recipients: [{ address: far, channel: 'remote' }],
        content: message(`${user}@${domain}`, far, `Status report ${i}`, new Date(queued).toUTCString(), 'Weekly numbers.'),
        queued,
        uid: 1001 + (i % 3),
        pid,
      };
    } else if (kind === 1) {
      // Incoming for a local user, one of two recipients already delivered.
      yield {
        sender: far,
        recipients: [
          { address: local, channel: 'local', done: true },
          { address: `${others[i % others.length]}`, channel: 'remote' },
        ],
        content: message(far, `${user}@${domain}`, `Meeting ${i}`, new Date(queued).toUTCString(), 'Agenda inside.'),
        queued,
        invoked: 'from network',
        uid: 7791,
        pid,
      };
    } else if (kind === 2) {
      // A bounce on its way back to a remote sender.
      yield {
        sender: '',
        recipients: [{ address: far, channel: 'remote' }],
        content:
          `From: MAILER-DAEMON@mail.${domain.replace(/^.*?([a-c])\.example$/, '$1.example')}\nTo: ${far}\nSubject: failure notice\n\n` +
          `Hi. This is the qmail-send program.\nI'm afraid I wasn't able to deliver your message to the following addresses.\n`,
        queued,
        invoked: 'for bounce',
        uid: 7796,
        pid,
      };
    } else if (kind === 3) {
      // A remote recipient that failed permanently: the bounce file is being written.
      yield {
        sender: `${user}@${domain}`,
        recipients: [
          { address: `nobody@${remote[(i + 1) % remote.length]}`, channel: 'remote', done: true },
          { address: far, channel: 'remote' },
        ],
        content: message(`${user}@${domain}`, far, `Question ${i}`, new Date(queued).toUTCString(), 'Can you check?'),
        queued,
        uid: 1001 + (i % 3),
        pid,
        bounce: [
          {
            recipient: `nobody@${remote[(i + 1) % remote.length]}`,
            report: `192.0.2.77 does not like recipient.\nRemote host said: 550 no such user\nGiving up on 192.0.2.77.\n`,
          },
        ],
      };
    } else if (kind === 4) {
      // Local delivery deferred (a full disk, say).
      yield {
        sender: far,
        recipients: [{ address: local, channel: 'local' }],
        content: message(far, `${user}@${domain}`, `Photos ${i}`, new Date(queued).toUTCString(), 'Big attachment.'),
        queued,
        invoked: 'from network',
        uid: 7791,
        pid,
      };
    } else {
      // Just queued, not yet preprocessed by qmail-send.
      yield {
        sender: `${user}@${domain}`,
        recipients: [`${user}@${domain}`, far],
        state: 'todo',
        content: message(`${user}@${domain}`, far, `Draft ${i}`, new Date(queued).toUTCString(), 'Just now.'),
        queued: BASE - (i % 3) * 60_000,
        uid: 1001 + (i % 3),
        pid,
      };
    }
  }
}

// d.example's web shop sends through /var/qmail4/bin/sendmail, whose qmail-inject and qmail-queue were
// built for /var/qmail: its mail sits in A's queue, where d.example is not local (A has no smtproutes for it).
const shopMail: MessageSpec[] = [
  {
    sender: 'shop@d.example',
    recipients: [{ address: 'orders@d.example', channel: 'remote' }],
    content: message('shop@d.example', 'orders@d.example', 'New order 1042', new Date(BASE - 3 * H).toUTCString(), 'Two items.'),
    queued: BASE - 3 * H,
    uid: 1003,
    pid: 4377,
  },
  {
    sender: 'shop@d.example',
    recipients: [{ address: 'erin@y.example', channel: 'remote' }],
    content: message('shop@d.example', 'erin@y.example', 'Your order 1042', new Date(BASE - 3 * H).toUTCString(), 'Thank you.'),
    queued: BASE - 3 * H + 1000,
    uid: 1003,
    pid: 4378,
  },
];
writeQueue(out, A, [...queueFor('a.example', ['carol@x.example', 'frank@example.net'], 30, 70, 4100, ['alice', 'bob', 'carol'], null), ...shopMail], {
  fifo: false,
  firstId: 1311401,
});
writeQueue(out, B, queueFor('b.example', ['grace@z.example'], 24, 50, 4120, ['alice', 'bob'], null), {
  fifo: false,
  firstId: 1311501,
});
writeQueue(out, C, queueFor('c.example', ['dave@y.example'], 20, 40, 4140, ['orders', 'info'], 'cmail'), {
  fifo: false,
  firstId: 2407101,
  users: { qmailq: 7894, qmails: 7896, qmailr: 7895, qmail: 2207 },
});

// D's queue was emptied after the copy, and nothing ever arrives in it: D's qmail-queue writes A's.
writeQueue(out, D, [], { fifo: false, firstId: 1500001 });

multiLogs(out, BASE);
// D's qmail-send (A's program) changes to /var/qmail and finds A's qmail-send holding lock/sendmutex
// (qmail-send.c: lock_exnb fails): it logs the alert and exits 111; supervise starts it again a second
// later, for ever. Its log is D's multilog, /var/log/qmail4: nothing but that line. The last minute of it.
writeMultilog(
  out,
  '/var/log/qmail4',
  Array.from({ length: 60 }, (_, i) => ({ at: BASE - (60 - i) * 1000 - 37, text: 'alert: cannot start: qmail-send is already running' })),
);

// The time the demo's story is told at: the TUI moves a demo copy's times from it to now (source/ui/demo-copy.ts).
fs.writeFileSync(path.join(out, '.demo-now'), new Date(BASE).toISOString().replace(/\.\d{3}Z$/, 'Z') + '\n');
console.log(`demo/multi written to ${out}`);
