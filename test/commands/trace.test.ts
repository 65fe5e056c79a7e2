// `qlens trace`: exit statuses (contract.md table), --json shape, --check,
// --inject, stdin, --all-instances, --message, --channel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeFixture, type FixtureEntry } from '../helpers/fixture.js';
import type { CommandContext } from '../../source/commands/context.js';
import { run } from '../../source/commands/trace.js';
import { UsageError, parseArgs } from '../../source/cli-args.js';
import { main } from '../../source/cli.js';
import { baselineFiles } from '../trace/baseline.js';

function ctx(positionals: string[], options: Record<string, string | boolean | string[]> = {}, files: Record<string, FixtureEntry> = baselineFiles(), instances = ['/var/qmail'], stdin = '') {
  const fx = makeFixture(files);
  const out: string[] = [];
  const err: string[] = [];
  const c: CommandContext = {
    sysroot: fx.sysroot(),
    instances,
    instancesExplicit: false,
    positionals,
    options: { now: '2026-11-25T10:00:00Z', ...options },
    json: Boolean(options.json),
    color: false,
    readOnly: true,
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    readStdin: async () => stdin,
  };
  return { c, out, err };
}

test('trace exits 0 whatever the outcome, and prints outcomes first', async () => {
  const { c, out } = ctx(['nosuch']);
  assert.equal(await run(c), 0);
  const text = out.join('');
  const lines = text.split('\n');
  assert.equal(lines[0], 'trace nosuch in /var/qmail');
  assert.match(lines[1], /^bounce\s+Sorry, no mailbox here by that name\. \(#5\.1\.1\)\s+hop 0$/);
  assert.match(text, /hop 0 {2}\/var\/qmail {2}local {2}nosuch {2}\(user alias 7790:2108, alias/);
  assert.match(text, /qmail-getpw/);
});

test('--json: one object with the fixed fields; with several addresses one per line', async () => {
  const { c, out } = ctx(['Joe@EXAMPLE.COM', 'info@virt.example'], { json: true });
  assert.equal(await run(c), 0);
  const lines = out.join('').trim().split('\n');
  assert.equal(lines.length, 2);
  const j = JSON.parse(lines[0]);
  assert.equal(j.address, 'Joe@EXAMPLE.COM');
  assert.equal(j.instance, '/var/qmail');
  assert.deepEqual(j.deliveries, [{ kind: 'mbox', target: '/home/joe/Mailbox', hop: 0 }]);
  const h = j.hops[0];
  assert.equal(h.route, 'local');
  assert.equal(h.recipient, 'Joe@EXAMPLE.COM');
  assert.equal(h.local, 'Joe');
  assert.deepEqual(h.user, { name: 'joe', uid: 1001, gid: 100, home: '/home/joe', dash: '', ext: '', source: 'passwd' });
  assert.equal(h.dotqmail, null);
  for (const k of ['USER', 'HOME', 'LOCAL', 'HOST', 'EXT', 'RECIPIENT']) assert.equal(typeof h.env[k], 'string', k);
  assert.ok(Array.isArray(h.steps) && h.steps.every((s: { stage: string; text: string }) => typeof s.stage === 'string' && typeof s.text === 'string'));
  assert.deepEqual(j.leaks, []);
  assert.equal(JSON.parse(lines[1]).hops[0].user.ext, 'virt-info');
});

test('--json escapes control bytes from files (no raw ESC reaches the terminal)', async () => {
  const files = { ...baselineFiles(), '/home/joe/.qmail-x': '|echo \x1b[2J\u202e\n' };
  const { c, out } = ctx(['joe-x'], { json: true }, files);
  assert.equal(await run(c), 0);
  const s = out.join('');
  assert.ok(!s.includes('\x1b') && !s.includes('\u202e'));
  assert.equal(JSON.parse(s).deliveries[0].target, 'echo \x1b[2J\u202e');
  const t = ctx(['joe-x'], {}, files);
  await run(t.c);
  assert.ok(!t.out.join('').includes('\x1b'));
});

test('--check: 0 deliverable, 1 some defer, 2 some bounce or loop', async () => {
  assert.equal(await run(ctx(['joe', 'joe@example.com.', '@example.com'], { check: true }).c), 0);
  const sticky = { ...baselineFiles(), '/home/joe/': { dir: true as const, mode: 0o1755, uid: 1001, gid: 100 } };
  assert.equal(await run(ctx(['joe', 'bob'], { check: true }, sticky).c), 1);
  assert.equal(await run(ctx(['joe', 'nosuch'], { check: true }, sticky).c), 2);
  const loop = { ...baselineFiles(), '/home/joe/.qmail-tick': '&joe-tick@example.com\n' };
  assert.equal(await run(ctx(['joe-tick@example.com'], { check: true }, loop).c), 2);
});

test('usage errors: 2, or 64 with --check', async () => {
  await assert.rejects(run(ctx([]).c), (e: unknown) => e instanceof UsageError && e.status === 2);
  await assert.rejects(run(ctx([], { check: true }).c), (e: unknown) => e instanceof UsageError && e.status === 64);
  await assert.rejects(run(ctx(['joe'], { channel: 'sideways' }).c), (e: unknown) => e instanceof UsageError && e.status === 2);
  await assert.rejects(run(ctx(['joe'], { check: true, now: 'yesterday' }).c), (e: unknown) => e instanceof UsageError && e.status === 64);
  assert.throws(() => parseArgs(['trace', '--check', '--bogus', 'joe']), (e: unknown) => e instanceof UsageError && e.status === 64);
});

test('an unreadable sysroot: 2, or 66 with --check', async () => {
  const missing = path.join(os.tmpdir(), 'qlens-no-such-sysroot-' + process.pid);
  const errWrite = process.stderr.write.bind(process.stderr);
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    assert.equal(await main(['--sysroot', missing, 'trace', 'joe']), 2);
    assert.equal(await main(['--sysroot', missing, 'trace', '--check', 'joe']), 66);
  } finally {
    process.stderr.write = errWrite;
  }
});

test('an address qmail would not queue (newline, NUL): exit 2 with a one-line error', async () => {
  const { c, err } = ctx(['joe\nbob']);
  assert.equal(await run(c), 2);
  assert.equal(err.join('').trim().split('\n').length, 1);
});

test('addresses from standard input, one per line', async () => {
  const { c, out } = ctx(['-'], { json: true }, baselineFiles(), ['/var/qmail'], 'joe\nbob\r\n\nnosuch\n');
  assert.equal(await run(c), 0);
  const objs = out.join('').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(objs.map((o) => o.address), ['joe', 'bob', 'nosuch']);
});

test('--inject completes like qmail-inject: defaulthost, plusdomain, defaultdomain', async () => {
  const files = { ...baselineFiles(), '/var/qmail/control/defaulthost': 'mail\n', '/var/qmail/control/defaultdomain': 'example.com\n', '/var/qmail/control/plusdomain': 'example.com\n' };
  const { c, out } = ctx(['joe', 'bob@mail+'], { json: true, inject: true }, files);
  assert.equal(await run(c), 0);
  const [a, b] = out.join('').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(a.address, 'joe');
  assert.equal(a.hops[0].recipient, 'joe@mail.example.com');
  assert.equal(a.hops[0].user.name, 'joe');
  assert.equal(b.hops[0].recipient, 'bob@mail.example.com');
  assert.ok(a.hops[0].steps.some((s: { stage: string }) => s.stage === 'qmail-inject'));
});

test('--sender, --now and --message feed SENDER, UFLINE and the loop check', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qlens-msg-'));
  const msg = path.join(dir, 'm.eml');
  fs.writeFileSync(msg, 'Delivered-To: joe-foo@example.com\nSubject: hi\n\nbody\n');
  const files = { ...baselineFiles(), '/home/joe/.qmail-foo': './Mailbox\n' };
  const a = ctx(['joe-foo@example.com'], { json: true, sender: 'x y@s.org', now: '2026-11-25T17:45:54Z' }, files);
  await run(a.c);
  const env = JSON.parse(a.out.join('')).hops[0].env;
  assert.equal(env.SENDER, 'x y@s.org');
  assert.equal(env.RPLINE, 'Return-Path: <"x y"@s.org>\n');
  assert.equal(env.UFLINE, 'From x-y@s.org Wed Nov 25 17:45:54 2026\n');
  const b = ctx(['joe-foo@example.com'], { json: true, message: msg }, files);
  await run(b.c);
  assert.deepEqual(JSON.parse(b.out.join('')).deliveries.map((d: { kind: string }) => d.kind), ['loop']);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('--all-instances: one JSON object per (address, installation); text shows them side by side', async () => {
  const files = {
    ...baselineFiles(),
    '/var/qmail2/control/me': 'shop.example.net\n',
    '/var/qmail2/control/locals': 'shop.example.net\n',
  };
  const j = ctx(['joe@example.com'], { json: true, 'all-instances': true }, files, ['/var/qmail', '/var/qmail2']);
  assert.equal(await run(j.c), 0);
  const objs = j.out.join('').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(objs.map((o) => [o.instance, o.deliveries[0].kind]), [['/var/qmail', 'mbox'], ['/var/qmail2', 'remote']]);
  const t = ctx(['joe@example.com'], { 'all-instances': true }, files, ['/var/qmail', '/var/qmail2']);
  await run(t.c);
  assert.match(t.out.join(''), /installations disagree/);
});

test('--channel remote keeps a stored route', async () => {
  const { c, out } = ctx(['joe@example.com'], { json: true, channel: 'remote' });
  await run(c);
  assert.deepEqual(JSON.parse(out.join('')).deliveries, [{ kind: 'remote', target: 'joe@example.com', hop: 0 }]);
});

test('a vdelivermail line is followed (the manager modules load on demand): the demo vpopmail joe gets his Maildir', async () => {
  let root = path.dirname(new URL(import.meta.url).pathname);
  while (!fs.existsSync(path.join(root, 'package.json'))) root = path.dirname(root);
  const { Sysroot } = await import('../../source/sysroot/sysroot.js');
  const out: string[] = [];
  const c: CommandContext = {
    sysroot: new Sysroot(path.join(root, 'demo/vpopmail')),
    instances: ['/var/qmail'],
    instancesExplicit: false,
    positionals: ['joe@example.com', 'nosuch-user@example.org'],
    options: { json: true },
    json: true,
    color: false,
    readOnly: true,
    out: (t) => out.push(t),
    err: () => undefined,
    readStdin: async () => '',
  };
  assert.equal(await run(c), 0);
  const first = JSON.parse(out.join('').trim().split('\n')[0]);
  assert.deepEqual(first.deliveries.map((d: { kind: string }) => d.kind), ['maildir']);
  assert.ok(first.hops[0].steps.some((s: { stage: string }) => s.stage === 'vdelivermail'));
});

test('managers loaded one at a time give the same traces as both handlers at once (demo vpopmail and vmailmgr, every README address)', async () => {
  let root = path.dirname(new URL(import.meta.url).pathname);
  while (!fs.existsSync(path.join(root, 'package.json'))) root = path.dirname(root);
  const { Sysroot } = await import('../../source/sysroot/sysroot.js');
  const { loadInstallation, systemUsersOf } = await import('../../source/qmail/installation.js');
  const { traceAddress } = await import('../../source/trace/walk.js');
  const { builtinManagers } = await import('../../source/trace/managers.js');
  const { toSafeJson } = await import('../../source/text/sanitize.js');
  let managed = 0;
  for (const demo of ['vpopmail', 'vmailmgr']) {
    const dir = path.join(root, 'demo', demo);
    const addresses = [...new Set(fs.readFileSync(path.join(dir, 'README.md'), 'utf8').match(/[A-Za-z0-9._+%=-]*@[A-Za-z0-9.-]+/g) ?? [])];
    const now = '2026-11-25T10:00:00Z';
    const out: string[] = [];
    const c: CommandContext = {
      sysroot: new Sysroot(dir),
      instances: ['/var/qmail'],
      instancesExplicit: false,
      positionals: addresses,
      options: { json: true, now },
      json: true,
      color: false,
      readOnly: true,
      out: (t) => out.push(t),
      err: () => undefined,
      readStdin: async () => '',
    };
    assert.equal(await run(c), 0);
    const got = out.join('').trim().split('\n');
    const sysroot = new Sysroot(dir);
    const inst = loadInstallation(sysroot, '/var/qmail');
    addresses.forEach((a, i) => {
      const want = traceAddress(inst, systemUsersOf(sysroot), a, { managers: builtinManagers, now: new Date(now), others: [inst] });
      if (want.hops.some((h) => h.steps.some((s) => s.stage === 'vdelivermail' || s.stage === 'vdeliver'))) managed++;
      assert.equal(got[i], toSafeJson(want), `${demo} ${a}`);
    });
  }
  assert.ok(managed >= 10, `only ${managed} traces went through a manager`);
});
