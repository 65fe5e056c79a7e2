// The classic stories (issue 3 "Done means"), each a small world of its
// own: a virtual domain, an extension with -default, the alias user, a
// remote hop, a stale users/cdb, a wildcard assign entry, a world-writable
// .qmail, a sticky home, a forward loop — plus crossing into another
// installation, reading as the user, and the manager hook.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFixture, type FixtureEntry } from '../helpers/fixture.js';
import { loadInstallation } from '../../source/qmail/installation.js';
import { loadSystemUsers } from '../../source/qmail/passwd.js';
import { compileUsersCdb } from '../../source/qmail/assign.js';
import { traceAddress } from '../../source/trace/walk.js';
import { formatTrace } from '../../source/trace/format.js';
import type { ManagerHandler, TraceOptions } from '../../source/trace/types.js';
import { maildir, checkHops } from './baseline.js';

const NOW = new Date('2026-11-25T10:00:00Z');

const WORLD: Record<string, FixtureEntry> = {
  '/etc/passwd':
    'root:x:0:0::/root:/bin/sh\nalias:x:7790:2108::/var/qmail/alias:/bin/false\nalice:x:1001:1001::/home/alice:/bin/sh\nbob:x:1002:1002::/home/bob:/bin/sh\nmlm:x:1010:1010::/home/mlm:/bin/sh\n',
  '/home/alice/': { dir: true, mode: 0o755, uid: 1001, gid: 1001 },
  '/home/bob/': { dir: true, mode: 0o755, uid: 1002, gid: 1002 },
  '/home/mlm/': { dir: true, mode: 0o755, uid: 1010, gid: 1010 },
  '/var/qmail/alias/': { dir: true, mode: 0o2755, uid: 7790, gid: 2108 },
  '/var/qmail/rc': '#!/bin/sh\nexec env - PATH="/var/qmail/bin:$PATH" qmail-start ./Maildir/ splogger qmail\n',
  '/var/qmail/control/me': 'mail.example.com\n',
  '/var/qmail/control/locals': 'localhost\nexample.com\nmail.example.com\n',
  '/var/qmail/control/rcpthosts': 'example.com\nmail.example.com\nshop.example\n',
  '/var/qmail/control/virtualdomains': 'shop.example:alice-shop\n',
  ...maildir('/home/alice/Maildir', 1001, 1001),
  ...maildir('/home/bob/Maildir', 1002, 1002),
};

function walk(files: Record<string, FixtureEntry>, address: string, opts: TraceOptions = {}, roots = ['/var/qmail']) {
  const sysroot = makeFixture({ ...WORLD, ...files }).sysroot();
  const insts = roots.map((r) => loadInstallation(sysroot, r));
  const r = traceAddress(insts[0], loadSystemUsers(sysroot), address, { now: NOW, sender: 's@x.org', others: insts, ...opts });
  checkHops(r);
  return r;
}
const outs = (r: ReturnType<typeof walk>) => r.deliveries.map((d) => `${d.kind} ${d.target} @${d.hop}`);

test('story: the contract example — an extension with -default, a forward, a remote hop', () => {
  const r = walk({ '/home/alice/.qmail-lists-default': './Maildir/\n&archive@example.net\n' }, 'Alice-Lists-Tech@Example.COM');
  assert.deepEqual(outs(r), ['maildir /home/alice/Maildir/ @0', 'forward archive@example.net @0', 'remote archive@example.net @1']);
  const h = r.hops[0];
  assert.equal(h.local, 'Alice-Lists-Tech');
  assert.deepEqual(h.user, { name: 'alice', uid: 1001, gid: 1001, home: '/home/alice', dash: '-', ext: 'Lists-Tech', source: 'passwd' });
  assert.equal(h.dotqmail, '/home/alice/.qmail-lists-default');
  assert.deepEqual(
    { USER: h.env.USER, HOME: h.env.HOME, LOCAL: h.env.LOCAL, HOST: h.env.HOST, EXT: h.env.EXT, DEFAULT: h.env.DEFAULT, RECIPIENT: h.env.RECIPIENT },
    { USER: 'alice', HOME: '/home/alice', LOCAL: 'Alice-Lists-Tech', HOST: 'Example.COM', EXT: 'Lists-Tech', DEFAULT: 'Tech', RECIPIENT: 'Alice-Lists-Tech@Example.COM' },
  );
  assert.equal(r.hops[1].route, 'remote');
  assert.equal(r.hops[1].user, null);
  const text = formatTrace(r);
  assert.match(text, /^trace Alice-Lists-Tech@Example.COM in \/var\/qmail\nmaildir +\/home\/alice\/Maildir\/ +hop 0\nforward +archive@example.net +hop 0\nremote +archive@example.net +hop 1\n {4}<-- Alice-Lists-Tech@Example.COM\n/);
  assert.match(text, /\[\/home\/alice\/\.qmail-lists-default:2\]/);
});

test('story: a virtual domain with a -default catch-all in the owner\'s home', () => {
  const r = walk({ '/home/alice/.qmail-shop-default': './Maildir/\n' }, 'Sales@Shop.Example');
  assert.equal(r.hops[0].rewritten, 'alice-shop-Sales@Shop.Example');
  assert.equal(r.hops[0].env.DEFAULT, 'Sales');
  assert.deepEqual(outs(r), ['maildir /home/alice/Maildir/ @0']);
  assert.match(r.hops[0].steps[0].text, /yes: "shop.example" in control\/rcpthosts \(line 3\)/);
});

test('story: the alias user takes postmaster and forwards it', () => {
  const r = walk({ '/var/qmail/alias/.qmail-postmaster': '&alice\n' }, 'Postmaster@example.com');
  assert.equal(r.hops[0].user!.source, 'alias');
  assert.equal(r.hops[0].dotqmail, '/var/qmail/alias/.qmail-postmaster');
  assert.deepEqual(outs(r), ['forward alice @0', 'maildir /home/alice/Maildir/ @1']);
  assert.equal(r.hops[1].rewritten, 'alice@mail.example.com');
});

test('story: a remote hop through smtproutes names the relay and the rule', () => {
  const r = walk({ '/home/bob/.qmail': '&bob@elsewhere.example.net\n', '/var/qmail/control/smtproutes': '.example.net:relay.example.org:2525\n' }, 'bob@example.com');
  assert.deepEqual(outs(r), ['forward bob@elsewhere.example.net @0', 'remote bob@elsewhere.example.net @1']);
  const s = r.hops[1].steps.find((x) => x.stage === 'qmail-remote')!;
  assert.match(s.text, /relay\.example\.org:2525/);
  assert.equal(s.path, '/var/qmail/control/smtproutes');
  assert.equal(s.line, 1);
});

test('story: a stale users/cdb — qmail follows the cdb and the trace warns', () => {
  const old = compileUsersCdb(Buffer.from('=sales:bob:1002:1002:/home/bob:::\n.\n'));
  const r = walk(
    {
      '/var/qmail/users/assign': { content: '=sales:alice:1001:1001:/home/alice:::\n.\n', mtime: '2026-11-25T09:00:00Z' },
      '/var/qmail/users/cdb': { content: old, mtime: '2026-11-20T09:00:00Z' },
    },
    'sales@example.com',
  );
  assert.equal(r.hops[0].user!.name, 'bob');
  assert.deepEqual(outs(r), ['maildir /home/bob/Maildir/ @0']);
  const warn = r.hops[0].steps.find((s) => s.warn)!;
  assert.match(warn.text, /users\/assign disagrees with users\/cdb/);
  assert.equal(warn.path, '/var/qmail/users/assign');
  assert.equal(warn.line, 1);
});

test('story: a wildcard assign entry hands a mailing-list prefix to its own user', () => {
  const a = '+list-:mlm:1010:1010:/home/mlm:-::\n.\n';
  const r = walk(
    { '/var/qmail/users/assign': a, '/var/qmail/users/cdb': compileUsersCdb(Buffer.from(a)), '/home/mlm/.qmail-default': '|/usr/bin/ezmlm-send ~/list\n' },
    'list-Announce@example.com',
  );
  assert.deepEqual(r.hops[0].user, { name: 'mlm', uid: 1010, gid: 1010, home: '/home/mlm', dash: '-', ext: 'Announce', source: 'assign' });
  assert.equal(r.hops[0].env.DEFAULT, 'Announce');
  assert.deepEqual(outs(r), ['program /usr/bin/ezmlm-send ~/list @0']);
});

test('story: a world-writable .qmail defers every message, and the step says why', () => {
  const r = walk({ '/home/alice/.qmail': { content: './Maildir/\n', mode: 0o666, uid: 1001, gid: 1001 } }, 'alice@example.com');
  assert.deepEqual(outs(r), ['defer Uh-oh: .qmail file is writable. (#4.7.0) @0']);
  assert.ok(r.hops[0].steps.some((s) => /mode 0666/.test(s.text) && s.path === '/home/alice/.qmail'));
});

test('story: a sticky home defers even the default delivery', () => {
  const r = walk({ '/home/alice/': { dir: true, mode: 0o1755, uid: 1001, gid: 1001 } }, 'alice@example.com');
  assert.deepEqual(r.deliveries.map((d) => d.kind), ['defer']);
  assert.match(r.deliveries[0].target, /sticky/);
});

test('story: a forward loop between two users is caught at the repeated address', () => {
  const r = walk({ '/home/alice/.qmail': '&bob@example.com\n', '/home/bob/.qmail': './Maildir/\n&alice@example.com\n' }, 'alice@example.com');
  assert.deepEqual(outs(r), [
    'forward bob@example.com @0',
    'maildir /home/bob/Maildir/ @1',
    'forward alice@example.com @1',
    'loop alice@example.com @2',
  ]);
  assert.match(formatTrace(r), /<-- bob@example.com <-- alice@example.com/);
});

test('story: reading as the user — a .qmail the user cannot read defers, its content is never shown', () => {
  const r = walk({ '/home/alice/.qmail-secret': { content: '&SECRET-TARGET@example.net\n', mode: 0o600, uid: 0, gid: 0 } }, 'alice-secret@example.com');
  assert.deepEqual(outs(r), ['defer Unable to open .qmail-secret: access denied. (#4.3.0) @0']);
  assert.ok(!JSON.stringify(r).includes('SECRET-TARGET'));
  const home = walk({ '/home/alice/': { dir: true, mode: 0o700, uid: 1002, gid: 1002 } }, 'alice-x@example.com');
  // qmail-getpw skips a home alice does not own: the alias user takes it.
  assert.equal(home.hops[0].user!.source, 'alias');
});

test('story: crossing into another installation through smtproutes to its qmail-smtpd', () => {
  const two: Record<string, FixtureEntry> = {
    '/home/bob/.qmail': '&alice@a.example\n',
    '/var/qmail/control/smtproutes': 'a.example:127.0.0.2:25\n',
    '/var/qmail2/control/me': 'mail.a.example\n',
    '/var/qmail2/control/locals': 'a.example\n',
    '/var/qmail2/control/rcpthosts': 'a.example\n',
    '/var/qmail2/rc': '#!/bin/sh\nexec env - PATH="/var/qmail2/bin:$PATH" qmail-start ./Maildir/ splogger qmail2\n',
    '/var/qmail2/supervise/qmail-smtpd/run':
      '#!/bin/sh\nexec /usr/local/bin/softlimit -m 2000000 /usr/local/bin/tcpserver -v -R -l mail.a.example -x /etc/tcp.smtp.cdb -c 20 -u 7791 -g 2108 127.0.0.2 25 /var/qmail2/bin/qmail-smtpd 2>&1\n',
  };
  const r = walk(two, 'bob@example.com', {}, ['/var/qmail', '/var/qmail2']);
  assert.deepEqual(outs(r), ['forward alice@a.example @0', 'remote alice@a.example @1', 'maildir /home/alice/Maildir/ @2']);
  assert.equal(r.hops[2].instance, '/var/qmail2');
  assert.equal(r.hops[2].parent, 1);
  assert.ok(r.hops[1].steps.some((s) => /veil is crossed/.test(s.text)));
  assert.equal(r.leaks.length, 1);
  // Without the route, the walk stops and warns about the self-MX bounce.
  const noRoute = walk({ ...two, '/var/qmail/control/smtproutes': '' }, 'bob@example.com', {}, ['/var/qmail', '/var/qmail2']);
  assert.deepEqual(outs(noRoute), ['forward alice@a.example @0', 'remote alice@a.example @1']);
  assert.ok(noRoute.hops[1].steps.some((s) => s.warn && /#5\.4\.6/.test(s.text)));
});

test('manager hook: a vdelivermail line is followed by the registered handler; without one it is a program', () => {
  const files = {
    '/home/alice/.qmail-shop-default': "| /home/vpopmail/bin/vdelivermail '' bounce-no-mailbox\n",
  };
  const plain = walk(files, 'info@shop.example');
  assert.deepEqual(outs(plain), ["program  /home/vpopmail/bin/vdelivermail '' bounce-no-mailbox @0"]);
  assert.ok(plain.hops[0].steps.some((s) => /not followed/.test(s.text)));

  let seen: Parameters<ManagerHandler>[0] | null = null;
  const handler: ManagerHandler = (input) => {
    seen = input;
    return {
      steps: [{ stage: 'vdelivermail', text: `user ${input.env.EXT} found` }],
      actions: [
        { kind: 'maildir', target: '/home/vpopmail/domains/shop.example/info/Maildir/' },
        { kind: 'forward', target: 'copy@example.com', deliveredTo: 'Delivered-To: info@shop.example' },
      ],
    };
  };
  const r = walk(files, 'info@shop.example', { managers: { vpopmail: handler } });
  assert.deepEqual(outs(r), ['maildir /home/vpopmail/domains/shop.example/info/Maildir/ @0', 'forward copy@example.com @0', 'bounce Sorry, no mailbox here by that name. (#5.1.1) @1']);
  assert.ok(seen);
  const s = seen as unknown as Parameters<ManagerHandler>[0];
  assert.deepEqual(s.argv, ['/home/vpopmail/bin/vdelivermail', '', 'bounce-no-mailbox']);
  assert.equal(s.env.EXT, 'shop-info');
  assert.equal(s.hop.user.name, 'alice');
  assert.ok(r.hops[0].steps.some((x) => x.stage === 'vdelivermail'));
  // The forwarded copy carries the manager's Delivered-To line, not qmail-local's.
  let copyHeaders: readonly string[] = [];
  const spy: ManagerHandler = (input) => {
    if (input.hop.index === 0) return { steps: [], actions: [{ kind: 'forward', target: 'info@shop.example', deliveredTo: 'Delivered-To: info@shop.example' }] };
    copyHeaders = input.headerLines;
    return { steps: [], actions: [{ kind: 'loop' }] };
  };
  const l = walk(files, 'info@shop.example', { managers: { vpopmail: spy } });
  assert.deepEqual(copyHeaders, ['Delivered-To: info@shop.example']);
  assert.deepEqual(outs(l), ['forward info@shop.example @0', 'loop info@shop.example @1']);
});
