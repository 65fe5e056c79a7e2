// The header line of an installation whose programs were built for another
// home says so, and the Problems part carries the error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixtureWithQueue, loadSession } from './helpers/session.js';
import { instanceLine } from '../../source/ui/header-text.js';
import { elfStandIn } from '../helpers/elf-writer.js';

function withBin(dir: string, root: string, home: string, names: string[]): void {
  for (const n of names) {
    const p = path.join(dir, root, 'bin', n);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, elfStandIn({ home, rodata: [`${n}: fatal`, 'bin/qmail-queue'] }));
  }
}

test('header: "binaries built for /var/qmail" on the copied installation only, within 80 columns', async () => {
  const dir = fixtureWithQueue();
  withBin(dir, '/var/qmail', '/var/qmail', ['qmail-queue', 'qmail-send']);
  withBin(dir, '/var/qmail2', '/var/qmail', ['qmail-queue', 'qmail-send', 'qmail-smtpd']);
  const { data } = await loadSession(dir);
  const [a, b] = data.instances;
  assert.equal(a.binaryHomes, null);
  assert.deepEqual(b.binaryHomes, ['/var/qmail']);
  const line = instanceLine(b, 80);
  assert.ok(line.length <= 80);
  assert.match(line, /^\/var\/qmail2 +me shop\.example\.net {2}✗ binaries built for \/var\/qmail {2}accepts/);
  assert.doesNotMatch(instanceLine(a, 80), /binaries/);
  const p = data.parts.problems?.find((x) => x.code === 'veil-binaries-built-for-other-home');
  assert.ok(p, 'the checks report it');
  assert.equal(p.severity, 'error');
  assert.equal(data.parts.veil?.some((l) => l.kind === 'binaries-built-for-other-home'), true);
});

test('header: a partial copy names both homes', async () => {
  const dir = fixtureWithQueue();
  withBin(dir, '/var/qmail2', '/var/qmail2', ['qmail-send', 'qmail-smtpd']);
  withBin(dir, '/var/qmail2', '/var/qmail', ['qmail-queue']);
  const { data } = await loadSession(dir);
  assert.deepEqual(data.instances[1].binaryHomes, ['/var/qmail2', '/var/qmail']);
  assert.match(instanceLine(data.instances[1], 100), /✗ binaries built for \/var\/qmail2 and \/var\/qmail/);
});
