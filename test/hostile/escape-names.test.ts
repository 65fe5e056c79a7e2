// Issue 15.8: an escape sequence in an installation's directory name (and in
// the arguments qlens echoes in its own error lines) never reaches the
// terminal raw: check's summary, queue's header and its "no message" line,
// every other command's output, the usage errors for an unknown command,
// --instance, --now and --channel (C1 controls, U+202E).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { build, evilWorld, EVIL } from './harness.js';
import { runCli, assertClean } from './cli-run.js';

test('an installation whose directory name holds an escape sequence: every command prints it escaped', { timeout: 180_000 }, () => {
  const dir = evilWorld();
  const runs: string[][] = [
    ['check'],
    ['check', '--json'],
    ['domains'],
    ['domains', '--json'],
    ['queue'],
    ['queue', '--json'],
    ['queue', '--counts'],
    ['queue', '--shape'],
    ['queue', '--message', '1000001'],
    ['queue', '--message', '999'],
    ['veil'],
    ['veil', '--json'],
    ['trace', '--all-instances', 'alice@example.com'],
    ['--instance', EVIL, 'trace', 'alice@example.com'],
    ['--instance', EVIL, 'trace', '--json', 'alice@example.com'],
    ['--instance', EVIL, 'edit', 'control/locals'],
  ];
  for (const args of runs) {
    const r = runCli(['--sysroot', dir, ...args], { input: 'example.com\n' });
    assertClean(r, [0, 1, 2]);
    assert.doesNotMatch(r.stdout + r.stderr, /\x1b|\x07|\u202e|\u009b/);
  }
  const q = runCli(['--sysroot', dir, 'queue', '--message', '999']);
  assert.match(q.stderr, /^qlens: no message #999 in the queue of \/var\/qmail, \/var\/qmail\\x1b\]0;pwned\\x07\\u202e\\x9b2J$/m);
  const c = runCli(['--sysroot', dir, 'check']);
  assert.match(c.stderr, /\/var\/qmail\\x1b\]0;pwned\\x07\\u202e\\x9b2J: \d+ errors?/);
});

test('arguments echoed in the program\'s own error lines are escaped and cut short', () => {
  const b = build({}, false);
  const cases: Array<[string[], RegExp]> = [
    [['\u009b2J'], /^qlens: unknown command "\\x9b2J" \(see qlens --help\)$/],
    [['--instance', '/var/\u202eqmail', 'domains'], /^qlens: \/var\/\\u202eqmail: not a qmail installation/],
    [['trace', '--now', '\u009b6n', 'a@example.com'], /^qlens: trace: --now wants an ISO time .*\\x9b6n/],
    [['trace', '--channel', '\x1b[2J', 'a@example.com'], /^qlens: trace: --channel must be local or remote, not .*\\(x1b|u001b)\[2J/],
    [['--sysroot', `/nonexistent\x1b[2J${'x'.repeat(100_000)}`, 'domains'], /^qlens: sysroot \/nonexistent\\x1b\[2Jx+…\(100016 characters\)…x+: no such directory$/],
    [['trace', '--sender'], /needs a value/],
    [[`--instance=/${'a'.repeat(100_000)}`, 'domains'], /file name too long/],
    [[`--${'x'.repeat(100_000)}`], /^qlens: unknown option/],
  ];
  for (const [args, says] of cases) {
    const r = runCli(args[0] === '--sysroot' ? args : ['--sysroot', b.fx.dir, ...args]);
    assertClean(r, [2, 64]);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr.slice(0, 500));
    assert.match(r.stderr.trim(), says);
    assert.ok(r.stderr.length < 1000, `a one-line message of readable length, not ${r.stderr.length} characters`);
  }
  void fs;
});
