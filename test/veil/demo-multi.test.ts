// The bundled demo/multi shows every leak its README says was planted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Sysroot } from '../../source/sysroot/sysroot.js';
import { discoverInstances } from '../../source/qmail/discover.js';
import { loadInstallation, systemUsersOf } from '../../source/qmail/installation.js';
import { findLeaks, veilProblems } from '../../source/veil/index.js';

/** The project root, from test/veil (tsx) or dist/test/veil (compiled). */
function projectRoot(): string {
  let d = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(d, 'package.json'))) d = path.dirname(d);
  return d;
}

const demo = path.join(projectRoot(), 'demo', 'multi');

function load() {
  const sr = new Sysroot(demo);
  const installs = discoverInstances(sr).map((r) => loadInstallation(sr, r));
  return { sr, installs, users: systemUsersOf(sr) };
}

test('demo/multi has four installations', () => {
  assert.deepEqual(discoverInstances(new Sysroot(demo)), ['/var/qmail', '/var/qmail2', '/var/qmail3', '/var/qmail4']);
});

test('demo/multi reports every planted leak (README.md)', () => {
  const { sr, installs, users } = load();
  const leaks = findLeaks(installs, users, sr);
  const kinds = new Set(leaks.map((l) => `${l.id} ${l.kind}`));
  const planted = [
    'L1 shared-passwd-users',
    'L2 shared-alias-user',
    'L3 same-hostname',
    'L4 me-is-machine-name',
    'L5 other-hostname-listed',
    'L6 domain-in-two-installations',
    'L7 received-by-other-name',
    'L8 same-ip-other-port',
    'L9 listens-on-all-addresses',
    'L11 shared-uid',
    'L12 wrong-run-as-user',
    'L13 ip-literal-accepted',
    'L14 self-mx-bounce',
    'L16 cross-installation-hop',
    'L17 same-bouncehost',
    'L18 doublebounce-crosses',
    'L19 same-idhost',
    'L20 sendmail-links-disagree',
    'L20 local-mail-enters-other-queue',
    'L21 rc-path-other-bin',
    'L22 qmailqueue-other-installation',
    'L22 binaries-built-for-other-home',
    'L22 smtpd-of-other-installation',
    'L23 dotqmail-names-other-installation',
    'L24 shared-tcprules',
    'L25 same-pop3-banner',
    'L26 local-users-can-inject',
    'L27 shared-system-users',
    'L29 same-virtualdomain-prefix',
    'L30 shared-log-directory',
    'L10 shared-pid-counter',
    'L15 outgoing-address',
    'L25 kernel-hostname-in-maildir',
    'L28 software-fingerprint',
    'L20 local-programs-queue',
  ];
  for (const p of planted) assert.ok(kinds.has(p), `planted ${p} reported`);
  // The README explains each planted leak by id.
  const readme = fs.readFileSync(path.join(demo, 'README.md'), 'utf8');
  for (const id of new Set(planted.map((p) => p.split(' ')[0]))) assert.match(readme, new RegExp(`\\b${id}\\b`), `README mentions ${id}`);
  // Specific evidence the README points at.
  const shared = leaks.find((l) => l.kind === 'domain-in-two-installations' && l.explanation.startsWith('shop.example'));
  assert.ok(shared);
  assert.deepEqual([...new Set(shared.evidence.map((e) => e.path))].sort(), ['/var/qmail/control/locals', '/var/qmail/control/rcpthosts', '/var/qmail2/control/rcpthosts']);
  // The copied installation: all of D's programs carry A's home, and nothing of D's configuration is compared.
  const copied = leaks.find((l) => l.kind === 'binaries-built-for-other-home')!;
  assert.deepEqual(copied.instances, ['/var/qmail4', '/var/qmail']);
  assert.ok(copied.evidence.every((e) => e.path.startsWith('/var/qmail4/bin/')) && copied.evidence.length === 25);
  assert.ok(leaks.every((l) => l.kind === 'binaries-built-for-other-home' || l.id === 'L20' || l.id === 'L22' || !l.instances.includes('/var/qmail4')));
  const l1 = leaks.find((l) => l.id === 'L1')!;
  assert.match(l1.explanation, /alice@a\.example via \/var\/qmail and alice@b\.example via \/var\/qmail2/);
});

test('demo/multi: the check rule set flags the leaks that break mail as errors', () => {
  const { sr, installs, users } = load();
  const problems = veilProblems(installs, users, sr);
  const errors = problems.filter((p) => p.severity === 'error').map((p) => p.code);
  for (const c of ['veil-domain-in-two-installations', 'veil-self-mx-bounce', 'veil-rc-path-other-bin', 'veil-qmailqueue-other-installation', 'veil-binaries-built-for-other-home']) {
    assert.ok(errors.includes(c), `${c} is an error`);
  }
  for (const p of problems) assert.ok(p.path.startsWith('/') && p.message.startsWith('L'));
});
