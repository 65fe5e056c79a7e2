// One fixture per leak: the clean host with exactly one mistake planted,
// asserting the leak's id, kind and the files that prove it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { leaksFor, only, paths, problemsFor, rc, runB, withChanges } from './veil-fixture.js';
import type { Leak } from '../../source/veil/index.js';
import { compileMoreRcptHostsCdb } from '../../source/qmail/assign.js';

function one(leaks: Leak[], id: string, kind: string): Leak {
  const found = only(leaks, id, kind);
  assert.equal(found.length, 1, `expected one ${id} ${kind}, got: ${leaks.map((l) => `${l.id} ${l.kind}`).join(', ')}`);
  return found[0];
}

function includesAll(actual: string[], expected: string[]): void {
  for (const e of expected) assert.ok(actual.includes(e), `evidence ${e} in ${actual.join(', ')}`);
}

// B reaches passwd users: locals names a domain and there is no users/assign catch-all.
const bReachesPasswd = {
  '/var/qmail2/control/locals': 'b.example\n',
  '/var/qmail2/users/assign': null,
};

test('L1: a passwd user reachable through both installations', () => {
  const l = one(leaksFor(withChanges(bReachesPasswd)), 'L1', 'shared-passwd-users');
  assert.equal(l.severity, 'high');
  assert.deepEqual(l.instances, ['/var/qmail', '/var/qmail2']);
  includesAll(paths(l), ['/etc/passwd', '/var/qmail/control/locals', '/var/qmail2/control/locals', '/var/qmail2/users/assign']);
  assert.match(l.explanation, /alice@a\.example via \/var\/qmail and alice@b\.example via \/var\/qmail2/);
  assert.ok(l.evidence.some((e) => e.path === '/etc/passwd' && e.line === 16 && e.text.startsWith('alice:')));
});

test('L1: a users/assign catch-all in B keeps passwd users out', () => {
  const leaks = leaksFor(withChanges({ '/var/qmail2/control/locals': 'b.example\n' }));
  assert.equal(only(leaks, 'L1').length, 0);
});

test('L2: both alias directories belong to the same alias user', () => {
  const l = one(leaksFor(withChanges({ '/var/qmail2/alias/': { dir: true, uid: 7790, gid: 2108 } })), 'L2', 'shared-alias-user');
  assert.deepEqual(paths(l).sort(), ['/etc/passwd', '/var/qmail/alias', '/var/qmail2/alias']);
  assert.match(l.explanation, /postmaster@b\.example/);
});

test('L3: the same control/me, and what falls back to it', () => {
  const l = one(leaksFor(withChanges({ '/var/qmail2/control/me': 'mail.a.example\n' })), 'L3', 'same-hostname');
  assert.equal(l.severity, 'high');
  includesAll(paths(l), ['/var/qmail/control/me', '/var/qmail2/control/me']);
  assert.match(l.explanation, /HELO mail\.a\.example/);
});

test('L3: an identity file copied from the other installation', () => {
  const l = one(leaksFor(withChanges({ '/var/qmail2/control/helohost': 'mail.a.example\n' })), 'L3', 'same-identity');
  includesAll(paths(l), ['/var/qmail/control/me', '/var/qmail2/control/helohost']);
});

test('L4: control/me is the kernel host name', () => {
  const l = one(leaksFor(withChanges({ '/etc/hostname': 'mail.a.example\n' })), 'L4', 'me-is-machine-name');
  assert.deepEqual(paths(l).sort(), ['/etc/hostname', '/var/qmail/control/me']);
});

test('L4: a short kernel host name is completed from /etc/hosts', () => {
  const l = one(
    leaksFor(withChanges({ '/etc/hostname': 'mail\n', '/etc/hosts': '127.0.0.1 localhost\n192.0.2.10 mail.a.example mail\n' })),
    'L4',
    'me-is-machine-name',
  );
  assert.deepEqual(paths(l).sort(), ['/etc/hostname', '/etc/hosts', '/var/qmail/control/me']);
});

test("L5: B lists A's own name (./config copied it)", () => {
  const l = one(leaksFor(withChanges({ '/var/qmail2/control/rcpthosts': 'b.example\nmail.a.example\n' })), 'L5', 'other-hostname-listed');
  assert.deepEqual(paths(l).sort(), ['/var/qmail/control/me', '/var/qmail2/control/rcpthosts']);
  assert.ok(l.evidence.some((e) => e.path === '/var/qmail2/control/rcpthosts' && e.line === 2));
});

test('L6: a domain in both installations\' rcpthosts is an error for check', () => {
  const files = withChanges({ '/var/qmail2/control/rcpthosts': 'b.example\na.example\n' });
  const l = one(leaksFor(files), 'L6', 'domain-in-two-installations');
  assert.deepEqual(paths(l).sort(), ['/var/qmail/control/locals', '/var/qmail/control/rcpthosts', '/var/qmail2/control/rcpthosts']);
  assert.match(l.explanation, /only accepts it/);
  const problems = problemsFor(files);
  const p = problems.find((d) => d.code === 'veil-domain-in-two-installations');
  assert.ok(p);
  assert.equal(p.severity, 'error');
  assert.ok(p.path.startsWith('/var/qmail'));
});

test('L6: a .suffix wildcard in one installation covers a virtual domain of the other', () => {
  const l = one(
    leaksFor(withChanges({ '/var/qmail/control/rcpthosts': 'a.example\nmail.a.example\n.b.example\n', '/var/qmail2/control/virtualdomains': 'b.example:bmail\nshop.b.example:bmail\n' })),
    'L6',
    'domain-in-two-installations',
  );
  assert.ok(l.evidence.some((e) => e.path === '/var/qmail/control/rcpthosts' && e.text === '.b.example'));
  assert.ok(l.evidence.some((e) => e.path === '/var/qmail2/control/virtualdomains' && e.line === 2));
  assert.match(l.explanation, /shop\.b\.example/);
});

test("L7: B's Received line takes A's name from A's control/me", () => {
  const l = one(leaksFor(withChanges({ '/var/qmail2/supervise/qmail-smtpd/run': runB({ meFrom: '/var/qmail' }) })), 'L7', 'received-by-other-name');
  assert.deepEqual(paths(l), ['/var/qmail2/supervise/qmail-smtpd/run']);
  assert.ok(l.evidence.some((e) => e.line === 4 && e.text.includes('/var/qmail/control/me')));
  assert.match(l.explanation, /by mail\.a\.example with SMTP/);
});

test('L6: a domain in A\'s morercpthosts.cdb and in B\'s rcpthosts', () => {
  const l = one(
    leaksFor(
      withChanges({
        '/var/qmail/control/morercpthosts': 'shop.example\n',
        '/var/qmail/control/morercpthosts.cdb': compileMoreRcptHostsCdb('shop.example\n'),
        '/var/qmail2/control/rcpthosts': 'b.example\nshop.example\n',
      }),
    ),
    'L6',
    'domain-in-two-installations',
  );
  assert.deepEqual(paths(l).sort(), ['/var/qmail/control/morercpthosts.cdb', '/var/qmail2/control/rcpthosts']);
});

test('L7: tcpserver without -l shows the PTR name', () => {
  const run = runB().replace('-l "$LOCAL" ', '');
  const l = one(leaksFor(withChanges({ '/var/qmail2/supervise/qmail-smtpd/run': run })), 'L7', 'received-by-ptr');
  assert.deepEqual(paths(l), ['/var/qmail2/supervise/qmail-smtpd/run']);
});

test('L8: the same IP on another port', () => {
  const l = one(leaksFor(withChanges({ '/var/qmail2/supervise/qmail-smtpd/run': runB({ ip: '192.0.2.10', port: '2525' }) })), 'L8', 'same-ip-other-port');
  assert.deepEqual(paths(l).sort(), ['/var/qmail/supervise/qmail-smtpd/run', '/var/qmail2/supervise/qmail-smtpd/run']);
  assert.ok(l.evidence.every((e) => e.text.includes('192.0.2.10')));
});

test('L8: the same IP and port is an error for check (one cannot bind)', () => {
  const files = withChanges({ '/var/qmail2/supervise/qmail-smtpd/run': runB({ ip: '192.0.2.10' }) });
  one(leaksFor(files), 'L8', 'same-ip-same-port');
  assert.ok(problemsFor(files).some((d) => d.code === 'veil-same-ip-same-port' && d.severity === 'error'));
});

test('L9: a listener bound to every address', () => {
  const l = one(leaksFor(withChanges({ '/var/qmail2/supervise/qmail-smtpd/run': runB({ ip: '0' }) })), 'L9', 'listens-on-all-addresses');
  assert.deepEqual(paths(l), ['/var/qmail2/supervise/qmail-smtpd/run']);
});

test('L11: a user served by both installations who forwards shows one uid', () => {
  const l = one(leaksFor(withChanges({ ...bReachesPasswd, '/home/alice/.qmail-fwd': '&alice@example.net\n' })), 'L11', 'shared-uid');
  includesAll(paths(l), ['/etc/passwd', '/home/alice/.qmail-fwd']);
  assert.match(l.explanation, /invoked by uid 1001/);
});

test('L11: a users/assign entry in B with the uid of a passwd user of A', () => {
  const l = one(leaksFor(withChanges({ '/home/bmail/.qmail-sales': '&sales@example.net\n' })), 'L11', 'shared-uid');
  includesAll(paths(l), ['/etc/passwd', '/var/qmail2/users/assign', '/home/bmail/.qmail-sales']);
});

test("L12: B's qmail-smtpd runs as A's qmaild", () => {
  const l = one(leaksFor(withChanges({ '/var/qmail2/supervise/qmail-smtpd/run': runB({ qmaild: 'qmaild' }) })), 'L12', 'wrong-run-as-user');
  includesAll(paths(l), ['/var/qmail2/supervise/qmail-smtpd/run', '/var/qmail2/queue']);
  assert.match(l.explanation, /qmaild2/);
});

test('L13: localiphost falls back to a name in rcpthosts', () => {
  const l = one(leaksFor(withChanges({ '/var/qmail/control/localiphost': null })), 'L13', 'ip-literal-accepted');
  includesAll(paths(l), ['/var/qmail/control/me', '/var/qmail/control/rcpthosts']);
});

test("L14: B forwards into A's domain with no smtproutes: self-MX bounce, an error for check", () => {
  const files = withChanges({ '/home/bmail/.qmail-orders': '&orders@a.example\n' });
  const l = one(leaksFor(files), 'L14', 'self-mx-bounce');
  assert.deepEqual(l.instances, ['/var/qmail2', '/var/qmail']);
  includesAll(paths(l), ['/home/bmail/.qmail-orders', '/var/qmail/control/locals']);
  assert.ok(problemsFor(files).some((d) => d.code === 'veil-self-mx-bounce' && d.severity === 'error' && d.path === '/home/bmail/.qmail-orders'));
});

test("L16: with an smtproutes entry to A's listener the forward crosses over SMTP", () => {
  const leaks = leaksFor(withChanges({ '/home/bmail/.qmail-orders': '&orders@a.example\n', '/var/qmail2/control/smtproutes': 'a.example:192.0.2.10\n' }));
  assert.equal(only(leaks, 'L14').length, 0);
  const l = one(leaks, 'L16', 'cross-installation-hop');
  includesAll(paths(l), ['/home/bmail/.qmail-orders', '/var/qmail2/control/smtproutes', '/var/qmail/supervise/qmail-smtpd/run']);
});

test('L17: both installations bounce from the same host', () => {
  const l = one(leaksFor(withChanges({ '/var/qmail2/control/bouncehost': 'mail.a.example\n' })), 'L17', 'same-bouncehost');
  assert.deepEqual(paths(l).sort(), ['/var/qmail/control/me', '/var/qmail2/control/bouncehost']);
  assert.match(l.explanation, /qmail-send program at mail\.a\.example/);
});

test("L18: B's double bounces go to A's domain", () => {
  const l = one(leaksFor(withChanges({ '/var/qmail2/control/doublebouncehost': 'a.example\n' })), 'L18', 'doublebounce-crosses');
  assert.equal(l.severity, 'low');
  assert.deepEqual(paths(l).sort(), ['/var/qmail/control/locals', '/var/qmail2/control/doublebouncehost']);
});

test('L19: the same Message-ID host', () => {
  const l = one(leaksFor(withChanges({ '/var/qmail2/control/idhost': 'mail.a.example\n' })), 'L19', 'same-idhost');
  assert.deepEqual(paths(l).sort(), ['/var/qmail/control/me', '/var/qmail2/control/idhost']);
});

test('L20: the two sendmail links lead to different installations', () => {
  const l = one(leaksFor(withChanges({ '/usr/lib/sendmail': { symlink: '/var/qmail2/bin/sendmail' } })), 'L20', 'sendmail-links-disagree');
  assert.equal(l.severity, 'high');
  assert.deepEqual(paths(l).sort(), ['/usr/lib/sendmail', '/usr/sbin/sendmail']);
});

test("L21: B's rc puts A's bin first in PATH", () => {
  const files = withChanges({ '/var/qmail2/rc': rc('/var/qmail2', '/var/qmail') });
  const l = one(leaksFor(files), 'L21', 'rc-path-other-bin');
  assert.deepEqual(paths(l), ['/var/qmail2/rc']);
  assert.ok(l.evidence.some((e) => e.line === 2 && e.text.includes('PATH="/var/qmail/bin:$PATH"')));
  assert.ok(problemsFor(files).some((d) => d.code === 'veil-rc-path-other-bin' && d.severity === 'error'));
});

test("L22: QMAILQUEUE in B's run script names A's qmail-queue", () => {
  const run = runB().replace('#!/bin/sh\n', '#!/bin/sh\nQMAILQUEUE=/var/qmail/bin/qmail-queue; export QMAILQUEUE\n');
  const l = one(leaksFor(withChanges({ '/var/qmail2/supervise/qmail-smtpd/run': run })), 'L22', 'qmailqueue-other-installation');
  assert.deepEqual(paths(l), ['/var/qmail2/supervise/qmail-smtpd/run']);
  assert.ok(l.evidence.some((e) => e.line === 2));
});

test("L22: QMAILQUEUE in B's tcprules source names A's qmail-queue", () => {
  const l = one(
    leaksFor(withChanges({ '/etc/tcp.smtp2': '127.:allow,RELAYCLIENT=""\n192.0.2.:allow,QMAILQUEUE="/var/qmail/bin/qmail-queue"\n' })),
    'L22',
    'qmailqueue-other-installation',
  );
  assert.deepEqual(l.evidence.map((e) => [e.path, e.line]), [['/etc/tcp.smtp2', 2]]);
});

test("L22: B's run script starts A's qmail-smtpd", () => {
  const run = runB().replace('/var/qmail2/bin/qmail-smtpd', '/var/qmail/bin/qmail-smtpd');
  const l = one(leaksFor(withChanges({ '/var/qmail2/supervise/qmail-smtpd/run': run })), 'L22', 'smtpd-of-other-installation');
  assert.deepEqual(l.instances, ['/var/qmail2', '/var/qmail']);
  assert.deepEqual(paths(l), ['/var/qmail2/supervise/qmail-smtpd/run']);
  assert.ok(l.evidence[0].text.includes('/var/qmail/bin/qmail-smtpd'));
});

test("L22: QMAILQUEUE from an envdir next to B's run script", () => {
  const run = runB().replace('exec /usr/local/bin/softlimit', 'exec /usr/local/bin/envdir ./env /usr/local/bin/softlimit');
  const l = one(
    leaksFor(withChanges({ '/var/qmail2/supervise/qmail-smtpd/run': run, '/var/qmail2/supervise/qmail-smtpd/env/QMAILQUEUE': '/var/qmail/bin/qmail-queue\n' })),
    'L22',
    'qmailqueue-other-installation',
  );
  assert.deepEqual(l.evidence.map((e) => [e.path, e.line]), [['/var/qmail2/supervise/qmail-smtpd/env/QMAILQUEUE', 1]]);
});

test("L21: a systemd unit for B with A's bin first in PATH", () => {
  const unit = '[Service]\nExecStart=/var/qmail2/bin/qmail-start ./Maildir/ splogger qmail2\nEnvironment=PATH=/var/qmail/bin:/usr/bin:/bin\n';
  const l = one(
    leaksFor(withChanges({ '/var/qmail2/rc': null, '/var/qmail2/supervise/qmail-send/run': null, '/etc/systemd/system/qmail2-send.service': unit })),
    'L21',
    'rc-path-other-bin',
  );
  assert.deepEqual(paths(l), ['/etc/systemd/system/qmail2-send.service']);
});

test("L23: a .qmail line B delivers runs A's forward", () => {
  const l = one(leaksFor(withChanges({ '/home/bmail/.qmail-lists': '|/var/qmail/bin/forward lists@example.net\n' })), 'L23', 'dotqmail-names-other-installation');
  assert.deepEqual(l.evidence.map((e) => [e.path, e.line]), [['/home/bmail/.qmail-lists', 1]]);
  assert.deepEqual(l.instances, ['/var/qmail2', '/var/qmail']);
});

test('L24: both listeners read one tcprules file', () => {
  const l = one(leaksFor(withChanges({ '/var/qmail2/supervise/qmail-smtpd/run': runB({ rules: '/etc/tcp.smtp.cdb' }) })), 'L24', 'shared-tcprules');
  assert.deepEqual(paths(l).sort(), ['/var/qmail/supervise/qmail-smtpd/run', '/var/qmail2/supervise/qmail-smtpd/run']);
});

test("L25: B's POP3 banner names A", () => {
  const pop = '#!/bin/sh\nexec tcpserver -v -R -H -l pop.b.example 192.0.2.11 pop3 /var/qmail2/bin/qmail-popup mail.a.example /bin/checkpassword /var/qmail2/bin/qmail-pop3d Maildir\n';
  const l = one(leaksFor(withChanges({ '/var/qmail2/supervise/qmail-pop3d/run': pop })), 'L25', 'pop3-banner-names-other');
  assert.deepEqual(paths(l), ['/var/qmail2/supervise/qmail-pop3d/run', '/var/qmail/control/me']);
});

test('L26: a setuid qmail-queue any local user can run', () => {
  const l = one(leaksFor(withChanges({ '/var/qmail2/bin/qmail-queue': { content: '', mode: 0o4711, uid: 8794 } })), 'L26', 'local-users-can-inject');
  assert.deepEqual(paths(l), ['/var/qmail2/bin/qmail-queue']);
});

test('L27: both queues belong to the same qmail users', () => {
  const l = one(
    leaksFor(withChanges({ '/var/qmail2/queue/': { dir: true, uid: 7794, gid: 2107, mode: 0o750 }, '/var/qmail2/queue/info/': { dir: true, uid: 7796, gid: 2107, mode: 0o700 } })),
    'L27',
    'shared-system-users',
  );
  assert.deepEqual(paths(l).sort(), ['/var/qmail/queue', '/var/qmail/queue/info', '/var/qmail2/queue', '/var/qmail2/queue/info']);
});

test('L29: the same virtualdomains prefix in both installations', () => {
  const l = one(leaksFor(withChanges({ '/var/qmail/control/virtualdomains': 'lists.a.example:bmail\n' })), 'L29', 'same-virtualdomain-prefix');
  assert.deepEqual(paths(l).sort(), ['/var/qmail/control/virtualdomains', '/var/qmail2/control/virtualdomains']);
  assert.match(l.explanation, /Delivered-To: bmail-info@/);
});

test('L30: both installations log into one directory', () => {
  const l = one(
    leaksFor(withChanges({ '/var/qmail2/supervise/qmail-send/log/run': '#!/bin/sh\nexec setuidgid qmaill multilog t /var/log/qmail\n' })),
    'L30',
    'shared-log-directory',
  );
  assert.deepEqual(paths(l).sort(), ['/var/qmail/supervise/qmail-send/log/run', '/var/qmail2/supervise/qmail-send/log/run']);
});

test('a /service link to a supervise directory is read once, for the installation it belongs to', () => {
  const leaks = leaksFor(
    withChanges({
      '/var/qmail2/supervise/qmail-smtpd/run': runB({ ip: '0' }),
      '/service/qmail2-smtpd': { symlink: '/var/qmail2/supervise/qmail-smtpd' },
    }),
  );
  const l = one(leaks, 'L9', 'listens-on-all-addresses');
  assert.deepEqual(l.instances, ['/var/qmail2']);
});

test('a run script in /service (not under a HOME) belongs to the installation whose qmail-smtpd it runs', () => {
  const leaks = leaksFor(
    withChanges({
      '/var/qmail2/supervise/qmail-smtpd/run': null,
      '/service/smtpd-b/run': runB({ meFrom: '/var/qmail' }),
    }),
  );
  const l = one(leaks, 'L7', 'received-by-other-name');
  assert.deepEqual(paths(l), ['/service/smtpd-b/run']);
  assert.deepEqual(l.instances, ['/var/qmail2', '/var/qmail']);
});

test('leaks come most severe first, and every evidence path is a system path', () => {
  const leaks = leaksFor(withChanges({ ...bReachesPasswd, '/var/qmail2/control/idhost': 'mail.a.example\n', '/var/qmail2/control/doublebouncehost': 'a.example\n' }));
  const order = { high: 0, medium: 1, low: 2, info: 3 } as const;
  for (let i = 1; i < leaks.length; i++) assert.ok(order[leaks[i - 1].severity] <= order[leaks[i].severity]);
  for (const l of leaks) for (const e of l.evidence) assert.ok(e.path.startsWith('/') && !e.path.includes('qlens-fx-'), e.path);
});

test('hostile files: links out of the sysroot, garbage scripts and bytes never throw', () => {
  const leaks = leaksFor(
    withChanges({
      '/usr/lib/sendmail': { symlink: '../../../../../../etc/shadow' },
      '/home/alice/.qmail-x': { symlink: '/../../../../etc/shadow' },
      '/var/qmail2/supervise/qmail-smtpd/run': Buffer.from('#!/bin/sh\ntcpserver -l "`unterminated \x00\xff\xfe -u $(( 0 \x1b[2J\n'),
      '/var/qmail2/rc': 'exec env - PATH=\n',
      '/var/qmail2/control/me': Buffer.from('mail.\xffb.example\r\n'),
      '/var/qmail2/control/virtualdomains': ':\n:x\nnocolon\n.:y\n',
      '/etc/passwd': 'root:x:0:0::/root:/bin/sh\nbroken line\nalice:x:notanumber:1::/home/alice:/bin/sh\n',
    }),
  );
  assert.ok(Array.isArray(leaks));
  for (const l of leaks) for (const e of l.evidence) assert.ok(e.path.startsWith('/'));
});
