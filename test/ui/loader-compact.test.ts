// The loader's compact hand-overs (kept small for the TUI's peak memory on a
// big host): queue rows as columns with a shared string table, the managers'
// pass as a patch of the first pass's domain matrix, and a bounded read cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { scanQueues, fromColumns, type QueueScanMessage } from '../../source/ui/queue-scan.js';
import { withManagers } from '../../source/ui/loader.js';
import { computeHeavyParts, type HeavyMessage } from '../../source/ui/heavy-parts.js';
import { Sysroot } from '../../source/sysroot/sysroot.js';
import { loadInstallation, systemUsersOf } from '../../source/qmail/installation.js';
import { domainMatrix } from '../../source/qmail/domains.js';
import type { QueueItem } from '../../source/ui/queue-items.js';
import { fixtureWithQueue, loadSession, FIXTURE, NOW } from './helpers/session.js';

test('queue rows and subjects come over as columns and a string table, and read back as the same rows', async () => {
  const dir = fixtureWithQueue();
  const msgs: QueueScanMessage[] = [];
  scanQueues({ sysrootDir: dir, roots: ['/var/qmail'], now: NOW }, (m) => msgs.push(m));
  const table: string[] = [];
  const rows: QueueItem[] = [];
  const subjects = new Map<number, string>();
  for (const m of msgs) {
    if (m.part === 'listing') {
      table.push(...m.strings);
      if (m.items) fromColumns(m.items, table, rows);
    } else if (m.part === 'subjects') {
      table.push(...m.strings);
      m.ids.forEach((id, k) => subjects.set(id, table[m.subjects[k]]));
    }
  }
  // Each string is sent once, however many rows use it.
  assert.equal(new Set(table).size, table.length);
  const byId = new Map(rows.map((r) => [r.id, r]));
  assert.deepEqual([...byId.keys()].sort(), [101, 102, 103]);
  assert.deepEqual(byId.get(101), {
    id: 101,
    queuedMs: Date.parse('2026-11-25T11:00:00Z'),
    size: fs.statSync(path.join(dir, 'var/qmail/queue/mess', String(101 % 23), '101')).size,
    sender: 'carol@example.net',
    senderKind: 'address',
    todo: false,
    bouncing: false,
    pastLifetime: false,
    pending: 1,
    recipientCount: 1,
    firstRecipient: 'alice@example.com',
    allRecipients: null,
  });
  const r102 = byId.get(102)!;
  assert.equal(r102.pending, 1);
  assert.equal(r102.recipientCount, 2);
  assert.equal(r102.allRecipients?.split(' ').sort().join(' '), 'alice@example.com bob@remote.example');
  const r103 = byId.get(103)!;
  assert.equal(r103.todo, true);
  assert.equal(r103.sender, '');
  assert.equal(r103.senderKind, 'null');
  assert.equal(subjects.get(101), 'Lunch plans');
  assert.equal(subjects.get(103), 'failure notice');
  // Sanitized on the worker's side: no escape survives the trip.
  assert.doesNotMatch(subjects.get(102) ?? '', /\u001b|\u0007/);
});

test('the loaded session has the rows, subjects and shape the scan read', async () => {
  const { data } = await loadSession(fixtureWithQueue());
  const q = data.parts.queues?.['/var/qmail'];
  assert.ok(q && q.complete);
  assert.deepEqual(q.messages.map((m) => m.id).sort(), [101, 102, 103]);
  assert.equal(q.subjects.get(101), 'Lunch plans');
  assert.equal(q.subjectsRead, 3);
  assert.ok(q.shape);
});

let ROOT = path.dirname(new URL(import.meta.url).pathname);
while (!fs.existsSync(path.join(ROOT, 'package.json')) && ROOT !== '/') ROOT = path.dirname(ROOT);
const DEMOS = ['demo/vpopmail', 'demo/vmailmgr'].map((d) => path.join(ROOT, d));

for (const demo of DEMOS) {
  test(`withManagers names the managers the second pass found, and keeps every other row as it was (${path.basename(demo)})`, () => {
    const sysroot = new Sysroot(demo);
    const inst = loadInstallation(sysroot, '/var/qmail');
    const users = systemUsersOf(sysroot);
    const first = domainMatrix(inst, users, { managers: false });
    const full = domainMatrix(inst, users, { managerInfo: true });
    const named = full.domains.filter((r) => r.manager !== null);
    assert.ok(named.length > 0);
    const patched = withManagers(
      first,
      named.map((r) => (r.managerInfo ? { domain: r.domain, manager: r.manager!, managerInfo: r.managerInfo } : { domain: r.domain, manager: r.manager! })),
    );
    assert.deepEqual(patched, full);
    for (const [k, r] of first.domains.entries()) if (r.manager === null && patched.domains[k].manager === null) assert.equal(patched.domains[k], r);
    // Nothing named: the same matrix.
    assert.equal(withManagers(first, []), first);
  });

  test(`the managers pass posts a patch that, on the first pass's matrix, gives the full one (${path.basename(demo)})`, () => {
    const msgs: HeavyMessage[] = [];
    computeHeavyParts({ sysrootDir: demo, roots: ['/var/qmail'], parts: 'names' }, (m) => msgs.push(m));
    const patch = msgs.find((m) => m.part === 'managers');
    assert.ok(patch && patch.part === 'managers');
    assert.ok(patch.value.length > 0);
    const sysroot = new Sysroot(demo);
    const users = systemUsersOf(sysroot);
    const first = domainMatrix(loadInstallation(sysroot, '/var/qmail'), users, { managers: false });
    const full = domainMatrix(loadInstallation(new Sysroot(demo), '/var/qmail'), users, { managerInfo: true });
    assert.deepEqual(withManagers(first, patch.value), full);
  });
}

test('the checks pass posts the veil leaks and the problems, veil problems included once', () => {
  const msgs: HeavyMessage[] = [];
  computeHeavyParts({ sysrootDir: FIXTURE, roots: ['/var/qmail', '/var/qmail2'].filter((r) => fs.existsSync(path.join(FIXTURE, r))), parts: 'checks' }, (m) => msgs.push(m));
  const parts = msgs.filter((m) => m.part !== 'step').map((m) => m.part);
  assert.deepEqual(parts, ['veil', 'problems', 'domainErrors', 'done']);
  const problems = msgs.find((m) => m.part === 'problems');
  assert.ok(problems && problems.part === 'problems');
  const keys = problems.value.map((d) => `${d.path}\0${d.line}\0${d.code}\0${d.message}`);
  assert.equal(new Set(keys).size, keys.length);
});

test('the veil search and the checks in two passes (the leaks handed over) give what one pass gives', () => {
  const roots = ['/var/qmail', '/var/qmail2'];
  const one: HeavyMessage[] = [];
  computeHeavyParts({ sysrootDir: FIXTURE, roots, parts: 'checks' }, (m) => one.push(m));
  const veil: HeavyMessage[] = [];
  computeHeavyParts({ sysrootDir: FIXTURE, roots, parts: 'veil' }, (m) => veil.push(m));
  assert.deepEqual(veil.filter((m) => m.part !== 'step').map((m) => m.part), ['veil', 'done']);
  const leaks = veil.find((m) => m.part === 'veil');
  assert.ok(leaks && leaks.part === 'veil');
  assert.ok(leaks.value.length > 0, 'the fixture has leaks between its two installations');
  const checks: HeavyMessage[] = [];
  computeHeavyParts({ sysrootDir: FIXTURE, roots, parts: 'checks', leaks: leaks.value }, (m) => checks.push(m));
  assert.deepEqual(checks.filter((m) => m.part !== 'step').map((m) => m.part), ['problems', 'domainErrors', 'done']);
  assert.deepEqual(
    checks.find((m) => m.part === 'problems'),
    one.find((m) => m.part === 'problems'),
  );
  assert.deepEqual(leaks, one.find((m) => m.part === 'veil'));
  // The leaks that break mail are among the problems, once.
  const problems = checks.find((m) => m.part === 'problems');
  assert.ok(problems && problems.part === 'problems');
  assert.equal(problems.value.filter((d) => d.code === 'veil-shared-passwd-users').length, 1);
});

test('a bounded read cache drops the oldest files and reads them again, with the same bytes', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qlens-cache-'));
  try {
    fs.mkdirSync(path.join(dir, 'd'));
    for (const n of ['a', 'b', 'c']) fs.writeFileSync(path.join(dir, 'd', n), n.repeat(600));
    const s = new Sysroot(dir, { readCacheBytes: 1000 });
    const a1 = s.read('/d/a');
    assert.equal(s.read('/d/a'), a1, 'kept while it fits');
    s.read('/d/b');
    s.read('/d/c');
    const a2 = s.read('/d/a');
    assert.notEqual(a2, a1, 'dropped, read again');
    assert.deepEqual(a2, a1);
    assert.equal(s.read('/d/missing'), null);
    assert.equal(s.reopen().read('/d/c')?.toString(), 'c'.repeat(600));
    // Unbounded by default: the same Buffer until reopen().
    const u = new Sysroot(dir);
    const b1 = u.read('/d/b');
    u.read('/d/a');
    u.read('/d/c');
    assert.equal(u.read('/d/b'), b1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
