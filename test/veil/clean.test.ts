import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanHost, leaksFor, real } from './veil-fixture.js';

test('a clean two-installation host reports only the inherent (info) leaks', () => {
  const leaks = leaksFor(cleanHost());
  assert.deepEqual(
    real(leaks).map((l) => `${l.id} ${l.kind}`),
    [],
  );
  const ids = leaks.map((l) => l.id).sort();
  for (const id of ['L10', 'L15', 'L25', 'L28']) assert.ok(ids.includes(id), `inherent ${id} listed`);
  for (const l of leaks) {
    assert.equal(l.severity, 'info');
    assert.deepEqual(l.instances.slice().sort(), ['/var/qmail', '/var/qmail2']);
    assert.ok(l.explanation.length > 40 && l.fix.length > 10);
  }
});

test('the sendmail link into one installation is informational', () => {
  const leaks = leaksFor(cleanHost());
  const l20 = leaks.find((l) => l.id === 'L20');
  assert.ok(l20);
  assert.equal(l20.kind, 'sendmail-link');
  assert.deepEqual(l20.evidence.map((e) => e.path), ['/usr/sbin/sendmail']);
});

test('one installation alone has nothing to hide from', () => {
  const files = cleanHost();
  for (const k of Object.keys(files)) if (k.startsWith('/var/qmail2')) delete files[k];
  assert.deepEqual(leaksFor(files), []);
});
