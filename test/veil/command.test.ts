// qlens veil: the JSON contract and the readable text, run in-process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../source/commands/veil.js';
import { discoverInstances } from '../../source/qmail/discover.js';
import type { CommandContext } from '../../source/commands/context.js';
import { makeFixture } from '../helpers/fixture.js';
import { withChanges } from './veil-fixture.js';
import { elfStandIn } from '../helpers/elf-writer.js';

async function veil(files: ReturnType<typeof withChanges>, json: boolean): Promise<{ status: number; out: string }> {
  const sysroot = makeFixture(files).sysroot();
  let out = '';
  const ctx: CommandContext = {
    sysroot,
    instances: discoverInstances(sysroot),
    instancesExplicit: false,
    positionals: [],
    options: json ? { json: true } : {},
    json,
    color: false,
    readOnly: true,
    out: (t) => {
      out += t;
    },
    err: () => {},
    readStdin: async () => '',
  };
  const status = await run(ctx);
  return { status, out };
}

const planted = withChanges({ '/var/qmail2/control/me': 'mail.a.example\n', '/home/bmail/.qmail-x': '|/var/qmail/bin/forward x\x1b[31m@example.net\n' });

test('veil --json prints one object with instances and leaks as contract.md fixes them', async () => {
  const { status, out } = await veil(planted, true);
  assert.equal(status, 0);
  assert.ok(!out.includes('\x1b'), 'control bytes escaped in JSON');
  const obj = JSON.parse(out);
  assert.deepEqual(obj.instances, ['/var/qmail', '/var/qmail2']);
  const l = obj.leaks.find((x: { kind: string }) => x.kind === 'same-hostname');
  assert.ok(l);
  assert.equal(l.id, 'L3');
  assert.equal(l.severity, 'high');
  assert.deepEqual(l.instances, ['/var/qmail', '/var/qmail2']);
  assert.deepEqual(l.evidence[0], { path: '/var/qmail/control/me', line: 1, text: 'mail.a.example' });
  for (const x of obj.leaks) {
    assert.match(x.id, /^L([1-9]|[12][0-9]|30)$/);
    assert.ok(['high', 'medium', 'low', 'info'].includes(x.severity));
    assert.equal(typeof x.explanation, 'string');
    assert.equal(typeof x.fix, 'string');
    for (const e of x.evidence) assert.ok(typeof e.path === 'string' && (e.line === null || Number.isInteger(e.line)) && typeof e.text === 'string');
  }
});

test('veil text groups leaks by severity with path:line evidence, sanitized', async () => {
  const { status, out } = await veil(planted, false);
  assert.equal(status, 0);
  assert.ok(!out.includes('\x1b'));
  assert.match(out, /^2 installations: \/var\/qmail, \/var\/qmail2\n\d+ leaks: \d+ high, /);
  const high = out.indexOf('HIGH');
  const info = out.indexOf('INFO');
  assert.ok(high > 0 && info > high);
  assert.match(out, /L3 same-hostname/);
  assert.match(out, /\/var\/qmail2\/control\/me:1 {2}mail\.a\.example/);
  assert.match(out, /\\x1b\[31m/);
  for (const line of out.split('\n')) if (!line.startsWith('      ')) assert.ok(line.length <= 78, line);
});

test('veil with one installation says there is nothing to compare', async () => {
  const files = withChanges({});
  for (const k of Object.keys(files)) if (k.startsWith('/var/qmail2')) delete files[k];
  const { status, out } = await veil(files, false);
  assert.equal(status, 0);
  assert.match(out, /Only one installation/);
  const j = await veil(files, true);
  assert.deepEqual(JSON.parse(j.out), { instances: ['/var/qmail'], leaks: [], binaries: [] });
});

test('veil --json lists every program of each bin/ with the home compiled into it (contract.md "binaries")', async () => {
  const prog = (home: string | null) => elfStandIn({ home, rodata: ['qmail-queue: fatal', 'bin/qmail-queue'] });
  const files = withChanges({
    '/var/qmail/bin/qmail-queue': prog('/var/qmail'),
    '/var/qmail2/bin/qmail-queue': prog('/var/qmail'),
    '/var/qmail2/bin/qmail-inject': '#!/bin/sh\nexec /var/qmail2/bin/qmail-queue "$@"\n',
    '/var/qmail2/bin/qmail-remote': prog(null),
  });
  const obj = JSON.parse((await veil(files, true)).out);
  assert.deepEqual(
    obj.binaries.map((b: { instance: string; path: string; home: string | null }) => ({ instance: b.instance, path: b.path, home: b.home })),
    [
      { instance: '/var/qmail', path: '/var/qmail/bin/qmail-queue', home: '/var/qmail' },
      { instance: '/var/qmail2', path: '/var/qmail2/bin/qmail-inject', home: '/var/qmail' },
      { instance: '/var/qmail2', path: '/var/qmail2/bin/qmail-queue', home: '/var/qmail' },
      { instance: '/var/qmail2', path: '/var/qmail2/bin/qmail-remote', home: null },
    ],
  );
  const inject = obj.binaries[1];
  assert.deepEqual([inject.kind, inject.via, inject.how], ['script', ['/var/qmail2/bin/qmail-queue'], 'data']);
  assert.match(obj.binaries[3].note, /no home among the strings of its writable data/);
  // Each leak about a binary names its path in the evidence.
  const copied = obj.leaks.find((l: { kind: string }) => l.kind === 'binaries-built-for-other-home');
  assert.deepEqual(copied.evidence.map((e: { path: string }) => e.path), ['/var/qmail2/bin/qmail-queue', '/var/qmail2/bin/qmail-inject']);
  const text = (await veil(files, false)).out;
  assert.match(text, /\n {2}\/var\/qmail2: 3 programs, 2 built for \/var\/qmail \(not this one\), 1 without a\s+home to read\n/);
});

test('veil takes no arguments', async () => {
  const sysroot = makeFixture(withChanges({})).sysroot();
  const ctx: CommandContext = {
    sysroot,
    instances: discoverInstances(sysroot),
    instancesExplicit: false,
    positionals: ['foo'],
    options: {},
    json: false,
    color: false,
    readOnly: true,
    out: () => {},
    err: () => {},
    readStdin: async () => '',
  };
  await assert.rejects(() => run(ctx), /veil takes no arguments/);
});
