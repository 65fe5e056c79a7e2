import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFixture, type FixtureEntry } from '../helpers/fixture.js';
import type { CommandContext } from '../../source/commands/context.js';
import { run as runDomains } from '../../source/commands/domains.js';
import { run as runCheck } from '../../source/commands/check.js';
import { UsageError } from '../../source/cli-args.js';
import { main } from '../../source/cli.js';
import { compileUsersCdb } from '../../source/qmail/assign.js';

const TWO: Record<string, FixtureEntry> = {
  '/etc/passwd': 'alias:x:7790:2108::/var/qmail/alias:/bin/false\nalice:x:1001:1001::/home/alice:/bin/sh\n',
  '/home/alice/.qmail': './Maildir/\n',
  '/var/qmail/alias/.qmail-postmaster': '&alice\n',
  '/var/qmail/rc': 'exec env - PATH="/var/qmail/bin:$PATH" qmail-start ./Maildir/ splogger qmail\n',
  '/var/qmail/control/me': 'mail.example.com\n',
  '/var/qmail/control/locals': 'example.com\n',
  '/var/qmail/control/rcpthosts': 'example.com\nvirt.example\n',
  '/var/qmail/control/virtualdomains': 'virt.example:alice\nEvil\x1b[2J.example:x\n',
  '/var/qmail2/rc': 'exec env - PATH="/var/qmail2/bin:$PATH" qmail-start ./Maildir/ splogger qmail2\n',
  '/var/qmail2/control/me': 'shop.example.net\n',
  '/var/qmail2/control/rcpthosts': 'shop.example.net\n',
};

function ctx(instances: string[], opts: Partial<CommandContext> = {}) {
  const fx = makeFixture(TWO);
  const out: string[] = [];
  const err: string[] = [];
  const c: CommandContext = {
    sysroot: fx.sysroot(),
    instances,
    instancesExplicit: false,
    positionals: [],
    options: {},
    json: false,
    color: false,
    readOnly: true,
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    readStdin: async () => '',
    ...opts,
  };
  return { c, out, err, fx };
}

test('domains --json: one object {instances:[...]} with the fixed fields of each row', async () => {
  const { c, out } = ctx(['/var/qmail', '/var/qmail2'], { json: true });
  assert.equal(await runDomains(c), 0);
  assert.equal(out.length, 1);
  const j = JSON.parse(out[0]);
  assert.deepEqual(j.instances.map((i: { instance: string }) => i.instance), ['/var/qmail', '/var/qmail2']);
  const rows = new Map(j.instances[0].domains.map((r: { domain: string }) => [r.domain, r]));
  const ex = rows.get('example.com') as Record<string, unknown>;
  for (const k of ['domain', 'locals', 'virtual', 'rcpthosts', 'morercpthosts', 'manager', 'problems']) assert.ok(k in ex, k);
  assert.deepEqual([ex.locals, ex.virtual, ex.rcpthosts, ex.morercpthosts, ex.manager, ex.problems], [true, null, true, false, null, []]);
  const v = rows.get('virt.example') as Record<string, unknown>;
  assert.deepEqual([v.locals, v.virtual, v.rcpthosts], [false, 'alice', true]);
  const shop = j.instances[1].domains[0];
  assert.deepEqual([shop.domain, shop.locals, shop.implicit], ['shop.example.net', true, true]);
  // The escape byte from the file never reaches the terminal raw.
  assert.ok(!out[0].includes('\x1b'));
  assert.ok(out[0].includes('\\u001b'));
});

test('domains text: a header per installation, rows, problems; escapes made visible', async () => {
  const { c, out } = ctx(['/var/qmail', '/var/qmail2']);
  assert.equal(await runDomains(c), 0);
  const text = out.join('');
  assert.match(text, /^\/var\/qmail {2}me "mail.example.com"/);
  assert.match(text, /\n\/var\/qmail2 {2}me "shop.example.net"/);
  assert.match(text, /virt\.example +virtual +alice +yes/);
  assert.match(text, /shop\.example\.net +local \(me\)/);
  assert.ok(!text.includes('\x1b'));
  assert.match(text, /evil\\x1b\[2j\.example/);
  assert.match(text, /! evil\\x1b\[2j\.example is in control\/virtualdomains but not in rcpthosts/);
});

test('domains takes no arguments (usage error)', async () => {
  const { c } = ctx(['/var/qmail'], { positionals: ['x'] });
  await assert.rejects(runDomains(c), UsageError);
});

test('check: PATH:LINE: severity: message lines; exit 1 when a problem is an error', async () => {
  const { c, out, err } = ctx(['/var/qmail', '/var/qmail2']);
  assert.equal(await runCheck(c), 1);
  const lines = out.join('').trimEnd().split('\n');
  assert.ok(lines.includes('/var/qmail/control/virtualdomains:2: error: evil\\x1b[2j.example is in control/virtualdomains but not in rcpthosts or morercpthosts: qmail-smtpd refuses mail for it from other hosts ("553 sorry, that domain isn\'t in my list of allowed rcpthosts")'), lines.join('\n'));
  for (const l of lines) assert.match(l, /^\/[^:]+(:\d+)?: (error|warning|info): /);
  assert.match(err.join(''), /1 error/);
});

test('check --json: {problems:[{path,line,severity,code,message}]}, line null when none', async () => {
  const { c, out } = ctx(['/var/qmail'], { json: true });
  assert.equal(await runCheck(c), 1);
  const j = JSON.parse(out[0]);
  assert.ok(Array.isArray(j.problems));
  for (const p of j.problems) assert.deepEqual(Object.keys(p), ['path', 'line', 'severity', 'code', 'message']);
  assert.ok(j.problems.some((p: { line: number | null }) => p.line === null) || j.problems.length > 0);
});

test('check exits 0 when no problem is an error', async () => {
  const { c } = ctx(['/var/qmail2']);
  assert.equal(await runCheck(c), 0);
});

test('check sees a stale users/cdb through the whole command', async () => {
  const fx = makeFixture({
    ...TWO,
    '/var/qmail2/users/assign': '=alice:alice:1001:1001:/home/alice:::\n.\n',
    '/var/qmail2/users/cdb': compileUsersCdb(Buffer.from('=bob:alice:1001:1001:/home/alice:::\n.\n')),
  });
  const out: string[] = [];
  const c: CommandContext = { sysroot: fx.sysroot(), instances: ['/var/qmail2'], instancesExplicit: true, positionals: [], options: {}, json: false, color: false, readOnly: true, out: (t) => out.push(t), err: () => {}, readStdin: async () => '' };
  assert.equal(await runCheck(c), 1);
  assert.match(out.join(''), /^\/var\/qmail2\/users\/cdb: error: users\/cdb does not match users\/assign \(run qmail-newu\)/m);
});

test('main(): an unknown flag for check exits 2 with a one-line message', async () => {
  const fx = makeFixture(TWO);
  // Only stderr is captured: the test reporter owns stdout.
  const ewrite = process.stderr.write;
  const got: string[] = [];
  process.stderr.write = ((s: string) => (got.push(String(s)), true)) as typeof process.stderr.write;
  let status: number;
  try {
    status = await main(['check', '--bogus', '--sysroot', fx.dir]);
  } finally {
    process.stderr.write = ewrite;
  }
  assert.equal(status, 2);
  assert.equal(got.join('').trimEnd().split('\n').length, 1);
  assert.match(got.join(''), /bogus/);
});
