// A clean two-installation host (A = /var/qmail, B = /var/qmail2) that shows
// no leak but the inherent ones, and helpers to plant one leak at a time.
import { makeFixture, type FixtureEntry } from '../helpers/fixture.js';
import { discoverInstances } from '../../source/qmail/discover.js';
import { loadInstallation, systemUsersOf } from '../../source/qmail/installation.js';
import { findLeaks, veilProblems, type Leak } from '../../source/veil/index.js';
import type { Diagnostic } from '../../source/qmail/model-types.js';

const smtpdRun = (home: string, meFrom: string, ip: string, port: string, qmaild: string, rules: string): string =>
  [
    '#!/bin/sh',
    `QMAILDUID=\`id -u ${qmaild}\``,
    `NOFILESGID=\`id -g ${qmaild}\``,
    `LOCAL=\`head -1 ${meFrom}/control/me\``,
    'exec /usr/local/bin/softlimit -m 2000000 \\',
    `    /usr/local/bin/tcpserver -v -R -l "$LOCAL" -x ${rules} -c 20 \\`,
    `        -u "$QMAILDUID" -g "$NOFILESGID" ${ip} ${port} ${home}/bin/qmail-smtpd 2>&1`,
    '',
  ].join('\n');

export const rc = (home: string, binHome = home): string =>
  `#!/bin/sh\nexec env - PATH="${binHome}/bin:$PATH" \\\nqmail-start "\`cat ${home}/control/defaultdelivery\`"\n`;

export const runA = (o: { meFrom?: string; ip?: string; port?: string; qmaild?: string; rules?: string } = {}): string =>
  smtpdRun('/var/qmail', o.meFrom ?? '/var/qmail', o.ip ?? '192.0.2.10', o.port ?? 'smtp', o.qmaild ?? 'qmaild', o.rules ?? '/etc/tcp.smtp.cdb');

export const runB = (o: { meFrom?: string; ip?: string; port?: string; qmaild?: string; rules?: string } = {}): string =>
  smtpdRun('/var/qmail2', o.meFrom ?? '/var/qmail2', o.ip ?? '192.0.2.11', o.port ?? 'smtp', o.qmaild ?? 'qmaild2', o.rules ?? '/etc/tcp.smtp2.cdb');

const logRun = (dir: string): string => `#!/bin/sh\nexec setuidgid qmaill multilog t ${dir}\n`;

/** The clean host. Keys are system paths; `null` in overrides deletes an entry. */
export function cleanHost(): Record<string, FixtureEntry> {
  return {
    '/etc/hostname': 'host17.hosting.example\n',
    '/etc/passwd': [
      'root:x:0:0:root:/root:/bin/bash',
      'alias:x:7790:2108::/var/qmail/alias:/bin/false',
      'qmaild:x:7791:2108::/var/qmail:/bin/false',
      'qmaill:x:7792:2108::/var/qmail:/bin/false',
      'qmailp:x:7793:2108::/var/qmail:/bin/false',
      'qmailq:x:7794:2107::/var/qmail:/bin/false',
      'qmailr:x:7795:2107::/var/qmail:/bin/false',
      'qmails:x:7796:2107::/var/qmail:/bin/false',
      'alias2:x:8790:3108::/var/qmail2/alias:/bin/false',
      'qmaild2:x:8791:3108::/var/qmail2:/bin/false',
      'qmaill2:x:8792:3108::/var/qmail2:/bin/false',
      'qmailp2:x:8793:3108::/var/qmail2:/bin/false',
      'qmailq2:x:8794:3107::/var/qmail2:/bin/false',
      'qmailr2:x:8795:3107::/var/qmail2:/bin/false',
      'qmails2:x:8796:3107::/var/qmail2:/bin/false',
      'alice:x:1001:1001:Alice:/home/alice:/bin/bash',
      'bmail:x:2001:2001:B mail store:/home/bmail:/bin/false',
      '',
    ].join('\n'),
    '/root/': { dir: true, uid: 0, mode: 0o700 },
    '/var/qmail/': { dir: true, uid: 0 },
    '/var/qmail2/': { dir: true, uid: 0 },
    // A: passwd users under a.example.
    '/var/qmail/control/me': 'mail.a.example\n',
    '/var/qmail/control/locals': 'a.example\nmail.a.example\n',
    '/var/qmail/control/rcpthosts': 'a.example\nmail.a.example\n',
    '/var/qmail/control/localiphost': 'literal.invalid\n',
    '/var/qmail/control/defaultdelivery': './Maildir/\n',
    '/var/qmail/rc': rc('/var/qmail'),
    '/var/qmail/supervise/qmail-send/run': '#!/bin/sh\nexec /var/qmail/rc\n',
    '/var/qmail/supervise/qmail-send/log/run': logRun('/var/log/qmail'),
    '/var/qmail/supervise/qmail-smtpd/run': runA(),
    '/var/qmail/alias/.qmail-postmaster': '&alice@a.example\n',
    '/var/qmail/queue/': { dir: true, uid: 7794, gid: 2107, mode: 0o750 },
    '/var/qmail/queue/info/': { dir: true, uid: 7796, gid: 2107, mode: 0o700 },
    // B: its own users, no passwd users (empty locals), one virtual domain to a B-only user.
    '/var/qmail2/control/me': 'mail.b.example\n',
    '/var/qmail2/control/locals': '',
    '/var/qmail2/control/rcpthosts': 'b.example\n',
    '/var/qmail2/control/virtualdomains': 'b.example:bmail\n',
    '/var/qmail2/control/localiphost': 'literal.invalid\n',
    '/var/qmail2/control/defaultdelivery': './Maildir/\n',
    '/var/qmail2/users/assign': '+bmail-:bmail:2001:2001:/home/bmail:-::\n+:alias2:8790:3108:/var/qmail2/alias:-::\n.\n',
    '/var/qmail2/rc': rc('/var/qmail2'),
    '/var/qmail2/supervise/qmail-send/run': '#!/bin/sh\nexec /var/qmail2/rc\n',
    '/var/qmail2/supervise/qmail-send/log/run': logRun('/var/log/qmail2'),
    '/var/qmail2/supervise/qmail-smtpd/run': runB(),
    '/var/qmail2/alias/.qmail-postmaster': './Maildir/\n',
    '/var/qmail2/queue/': { dir: true, uid: 8794, gid: 3107, mode: 0o750 },
    '/var/qmail2/queue/info/': { dir: true, uid: 8796, gid: 3107, mode: 0o700 },
    '/etc/tcp.smtp': '127.:allow,RELAYCLIENT=""\n',
    '/etc/tcp.smtp2': '127.:allow,RELAYCLIENT=""\n',
    '/home/alice/.qmail': './Maildir/\n',
    '/home/alice/Maildir/new/': { dir: true, uid: 1001, gid: 1001 },
    '/home/bmail/.qmail-default': './Maildir/\n',
    '/home/bmail/Maildir/new/': { dir: true, uid: 2001, gid: 2001 },
    '/usr/sbin/': { dir: true, uid: 0 },
    '/usr/sbin/sendmail': { symlink: '/var/qmail/bin/sendmail' },
  };
}

export function withChanges(changes: Record<string, FixtureEntry | null>): Record<string, FixtureEntry> {
  const files = cleanHost();
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) delete files[k];
    else files[k] = v;
  }
  return files;
}

function load(files: Record<string, FixtureEntry>) {
  const fx = makeFixture(files);
  const sr = fx.sysroot();
  const installs = discoverInstances(sr).map((r) => loadInstallation(sr, r));
  return { sr, installs, users: systemUsersOf(sr) };
}

export function leaksFor(files: Record<string, FixtureEntry>): Leak[] {
  const { sr, installs, users } = load(files);
  return findLeaks(installs, users, sr);
}

export function problemsFor(files: Record<string, FixtureEntry>): Diagnostic[] {
  const { sr, installs, users } = load(files);
  return veilProblems(installs, users, sr);
}

/** Leaks above info (the ones a clean host must not have). */
export const real = (leaks: Leak[]): Leak[] => leaks.filter((l) => l.severity !== 'info');

export function only(leaks: Leak[], id: string, kind?: string): Leak[] {
  return leaks.filter((l) => l.id === id && (kind === undefined || l.kind === kind));
}

export function paths(l: Leak): string[] {
  return [...new Set(l.evidence.map((e) => e.path))];
}
