// The helpers other modules call: leakForCrossing (the tracer) and
// veilLintRule (qlens check).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { leakForCrossing, veilLintRule } from '../../source/veil/index.js';
import { makeFixture } from '../helpers/fixture.js';
import { discoverInstances } from '../../source/qmail/discover.js';
import { loadInstallation, systemUsersOf } from '../../source/qmail/installation.js';
import { cleanHost, withChanges } from './veil-fixture.js';

test('leakForCrossing: a routed hop is L16, an unrouted one the self-MX bounce L14', () => {
  const ev = [{ path: '/var/qmail2/control/smtproutes', line: 1, text: 'a.example:192.0.2.10' }];
  const hop = leakForCrossing('/var/qmail2', '/var/qmail', 'a.example', { routed: true, evidence: ev, helohost: 'mail.b.example' });
  assert.equal(hop.id, 'L16');
  assert.equal(hop.kind, 'cross-installation-hop');
  assert.deepEqual(hop.instances, ['/var/qmail2', '/var/qmail']);
  assert.deepEqual(hop.evidence, ev);
  assert.match(hop.explanation, /HELO mail\.b\.example/);
  const bounce = leakForCrossing('/var/qmail2', '/var/qmail', 'a.example', { routed: false });
  assert.equal(bounce.id, 'L14');
  assert.equal(bounce.severity, 'high');
  assert.match(bounce.explanation, /#5\.4\.6/);
  assert.match(bounce.fix, /a\.example:.*\/var\/qmail2\/control\/smtproutes/);
});

function installsOf(files: ReturnType<typeof cleanHost>) {
  const sr = makeFixture(files).sysroot();
  return { installs: discoverInstances(sr).map((r) => loadInstallation(sr, r)), users: systemUsersOf(sr) };
}

test('veilLintRule: nothing on a clean host, an error for a domain both installations accept', () => {
  const clean = installsOf(cleanHost());
  assert.deepEqual(veilLintRule(clean.installs, clean.users), []);
  const bad = installsOf(withChanges({ '/var/qmail2/control/rcpthosts': 'b.example\na.example\n' }));
  const d = veilLintRule(bad.installs, bad.users);
  const e = d.find((x) => x.code === 'veil-domain-in-two-installations');
  assert.ok(e);
  assert.equal(e.severity, 'error');
  assert.equal(e.path, '/var/qmail2/control/rcpthosts');
  assert.equal(e.line, 2);
  assert.match(e.message, /^L6 a\.example is claimed by/);
});

test('veilLintRule: a single installation gives nothing', () => {
  const files = cleanHost();
  for (const k of Object.keys(files)) if (k.startsWith('/var/qmail2')) delete files[k];
  const one = installsOf(files);
  assert.deepEqual(veilLintRule(one.installs, one.users), []);
});
