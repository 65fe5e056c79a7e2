import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseSource } from '../../source/ui/start.js';

const root = '/opt/qlens';
const has = (paths: string[]) => (p: string) => paths.includes(p);

test('bare qlens opens / when /var/qmail/control exists', () => {
  const c = chooseSource({ projectRoot: root }, has(['/var/qmail/control', '/opt/qlens/demo/multi']));
  assert.ok(c.ok);
  assert.equal(c.source.sysrootDir, '/');
  assert.equal(c.source.demo, null);
  assert.match(c.source.note, /this machine/);
});

test('bare qlens without /var/qmail/control opens demo/multi next to the program and says so', () => {
  const c = chooseSource({ projectRoot: root }, has(['/opt/qlens/demo/multi']));
  assert.ok(c.ok);
  assert.equal(c.source.sysrootDir, '/opt/qlens/demo/multi');
  assert.equal(c.source.demo, 'multi');
  assert.equal(c.source.note, 'demo multi (no /var/qmail/control on this machine)');
});

test('--demo NAME opens that demo; unknown or path-like names are refused', () => {
  const c = chooseSource({ projectRoot: root, demo: 'plain' }, has(['/opt/qlens/demo/plain']));
  assert.ok(c.ok && c.source.sysrootDir === '/opt/qlens/demo/plain');
  const bad = chooseSource({ projectRoot: root, demo: 'nosuch' }, has([]));
  assert.ok(!bad.ok && /no bundled demo "nosuch"/.test(bad.message));
  assert.ok(!chooseSource({ projectRoot: root, demo: '../etc' }, () => true).ok);
});

test('--sysroot DIR is used as given; a missing one is an error', () => {
  const c = chooseSource({ projectRoot: root, sysroot: '/srv/copy' }, has(['/srv/copy', '/var/qmail/control']));
  assert.ok(c.ok && c.source.sysrootDir === '/srv/copy' && c.source.demo === null);
  assert.ok(!chooseSource({ projectRoot: root, sysroot: '/nope' }, has([])).ok);
});
