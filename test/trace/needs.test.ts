// The walk says what it needs (a manager's handler, records a backend must
// fetch) and the one driver (tracer.ts trace()) satisfies it and walks
// again; every manager is one descriptor whose trace module the loader
// finds by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadInstallation, systemUsersOf } from '../../source/qmail/installation.js';
import { MANAGERS, managerOfArgv } from '../../source/qmail/managers.js';
import { walkAddress } from '../../source/trace/walk.js';
import { makeTracer } from '../../source/trace/tracer.js';
import { loadHandler } from '../../source/trace/manager-loader.js';
import { builtinManagers } from '../../source/trace/managers.js';
import type { ManagerHandler, NeedSource } from '../../source/trace/types.js';
import { vpFixture, vmFixture } from './manager-fixtures.js';

const NOW = new Date('2026-11-25T10:00:00Z');

function open(fx: ReturnType<typeof vpFixture>) {
  const sysroot = fx.sysroot();
  const inst = loadInstallation(sysroot, '/var/qmail');
  return { inst, users: systemUsersOf(sysroot) };
}

test('every manager descriptor names a trace module the loader finds, with a handler for its own kind', async () => {
  assert.deepEqual(MANAGERS.map((m) => m.kind), ['vpopmail', 'vmailmgr']);
  for (const m of MANAGERS) {
    const h = await loadHandler(m.kind);
    assert.equal(typeof h, 'function', m.kind);
    assert.equal(builtinManagers[m.kind] !== undefined, true, m.kind);
    assert.ok(m.detect([`/usr/local/bin/${m.program}`, 'x']), `${m.kind} detects its program`);
    assert.equal(managerOfArgv(['preline', `/x/${m.program}`])?.kind, m.kind);
  }
  assert.equal(await loadHandler('no-such-manager'), null);
  assert.equal(managerOfArgv(['/usr/bin/procmail']), null);
});

test('a walk that meets a manager without its handler says it needs it; trace() loads it and walks again', async () => {
  const { inst, users } = open(vpFixture());
  const bare = walkAddress(inst, users, 'joe@example.com', { now: NOW });
  assert.deepEqual(bare.needs, [{ kind: 'handler', manager: 'vpopmail' }]);
  assert.deepEqual(bare.result.deliveries.map((d) => d.kind), ['program']);
  assert.ok(bare.result.hops[0].steps.some((s) => /vpopmail's vdelivermail; not followed here/.test(s.text)));

  const tracer = makeTracer({ installs: [inst], users, now: NOW });
  const r = await tracer.trace(inst, 'joe@example.com');
  const full = walkAddress(inst, users, 'joe@example.com', { now: NOW, managers: builtinManagers, others: [inst] });
  assert.deepEqual(full.needs, []);
  assert.deepEqual(r, full.result);
  assert.deepEqual(r.deliveries.map((d) => d.kind), ['maildir']);
  // walk() keeps to what is loaded: after trace() the handler is.
  assert.deepEqual(tracer.walk(inst, 'joe@example.com'), full.result);
});

test('a VMailMgr address loads VMailMgr only', async () => {
  const fx = vmFixture();
  const sysroot = fx.sysroot();
  const inst = loadInstallation(sysroot, '/var/qmail');
  const users = systemUsersOf(sysroot);
  const bare = walkAddress(inst, users, 'joe@mydomain.org', { now: NOW });
  assert.deepEqual(bare.needs, [{ kind: 'handler', manager: 'vmailmgr' }]);
  const r = await makeTracer({ installs: [inst], users, now: NOW }).trace(inst, 'joe@mydomain.org');
  assert.deepEqual(r.deliveries.map((d) => d.kind), ['maildir']);
});

test("a backend's records: the handler says what to fetch, the driver fetches once and walks again", async () => {
  const { inst, users } = open(vpFixture());
  let fetched = 0;
  const source: NeedSource = {
    async fetchPending() {
      fetched++;
    },
  };
  const handler: ManagerHandler = () =>
    fetched === 0
      ? { steps: [{ stage: 'vdelivermail', text: 'the record is not fetched yet' }], actions: [{ kind: 'defer', target: 'not fetched' }], needs: [{ kind: 'fetch', source }] }
      : { steps: [{ stage: 'vdelivermail', text: 'record found' }], actions: [{ kind: 'maildir', target: '/x/Maildir/' }] };
  const tracer = makeTracer({ installs: [inst], users, now: NOW, handlers: { vpopmail: handler } });
  assert.deepEqual(tracer.walk(inst, 'joe@example.com').deliveries.map((d) => d.kind), ['defer']);
  const r = await tracer.trace(inst, 'joe@example.com');
  assert.equal(fetched, 1);
  assert.deepEqual(r.deliveries.map((d) => `${d.kind} ${d.target}`), ['maildir /x/Maildir/']);
});

test('a need nobody can meet ends the driver with the walk as it is (no endless re-walk)', async () => {
  const { inst, users } = open(vpFixture());
  let calls = 0;
  const stuck: NeedSource = { fetchPending: async () => void calls++ };
  const handler: ManagerHandler = () => ({ steps: [], actions: [{ kind: 'defer', target: 'database down' }], needs: [{ kind: 'fetch', source: stuck }] });
  const r = await makeTracer({ installs: [inst], users, now: NOW, handlers: { vpopmail: handler } }).trace(inst, 'joe@example.com');
  assert.deepEqual(r.deliveries.map((d) => d.target), ['database down']);
  assert.ok(calls >= 1 && calls < 32, `fetched ${calls} times`);
});
