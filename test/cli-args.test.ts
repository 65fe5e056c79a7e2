import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs, UsageError } from '../source/cli-args.js';

test('global options are accepted before and after the command', () => {
  const a = parseArgs(['--sysroot', '/s', 'trace', 'joe@example.com', '--json', '--instance', '/var/qmail2']);
  assert.equal(a.command, 'trace');
  assert.deepEqual(a.positionals, ['joe@example.com']);
  assert.equal(a.options.sysroot, '/s');
  assert.equal(a.options.json, true);
  assert.deepEqual(a.options.instance, ['/var/qmail2']);
});

test('--instance repeats; --opt=value form works', () => {
  const a = parseArgs(['domains', '--instance=/var/qmail', '--instance', '/var/qmail2']);
  assert.deepEqual(a.options.instance, ['/var/qmail', '/var/qmail2']);
});

test('`--` ends options so an address may start with -; a lone - is positional', () => {
  const a = parseArgs(['trace', '--', '-joe@example.com', '--json']);
  assert.deepEqual(a.positionals, ['-joe@example.com', '--json']);
  assert.equal(a.options.json, undefined);
  assert.deepEqual(parseArgs(['trace', '-']).positionals, ['-']);
});

test('unknown commands and options are usage errors (2); under trace --check they are 64', () => {
  assert.throws(() => parseArgs(['frobnicate']), (e: unknown) => e instanceof UsageError && e.status === 2);
  assert.throws(() => parseArgs(['domains', '--bogus']), (e: unknown) => e instanceof UsageError && e.status === 2 && /--bogus/.test(e.message));
  assert.throws(() => parseArgs(['trace', '--check', '--bogus', 'a@b']), (e: unknown) => e instanceof UsageError && e.status === 64);
});

test('an option that needs a value and has none is a usage error; a flag given a value too', () => {
  assert.throws(() => parseArgs(['trace', 'a@b', '--sender']), /needs a value/);
  assert.throws(() => parseArgs(['check', '--json=yes']), /takes no value/);
});

test('command options may come before the command name', () => {
  const a = parseArgs(['--sender', 's@x.org', 'trace', 'joe']);
  assert.equal(a.options.sender, 's@x.org');
  assert.deepEqual(a.positionals, ['joe']);
});
