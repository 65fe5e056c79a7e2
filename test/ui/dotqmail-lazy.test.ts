// A big host's Dot-qmail tree is read branch by branch: the worker sends one
// row per home or manager domain, and opening one reads its rows. The rows
// read on demand are the ones the whole tree would have held.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIXTURE, loadSession } from './helpers/session.js';
import { Sysroot } from '../../source/sysroot/sysroot.js';
import { loadInstallation, systemUsersOf } from '../../source/qmail/installation.js';
import { dotqmailTree, dotqmailBranch } from '../../source/ui/dotqmail-tree.js';
import { initialState, reduce } from '../../source/ui/store.js';
import { dotqmailView } from '../../source/ui/views/dotqmail-view.js';
import { requestKey, type SessionData } from '../../source/ui/session-data.js';
import type { TextRow } from '../../source/ui/views/text-pane.js';

const sysroot = new Sysroot(FIXTURE);
const inst = loadInstallation(sysroot, '/var/qmail');
const users = systemUsersOf(sysroot);
const eager = dotqmailTree(sysroot, inst, users);
const lazy = dotqmailTree(sysroot, inst, users, undefined, { lazy: true });

test('a lazy tree holds each branch as one folded row; opening it reads the rows the whole tree holds', () => {
  const branches = lazy.filter((n) => n.lazy);
  assert.ok(branches.length >= 3, 'alias, assign and system user homes at least');
  assert.ok(lazy.length < eager.length);
  for (const b of branches) {
    const at = eager.findIndex((n) => n.id === b.id);
    assert.ok(at >= 0, b.id);
    const below: unknown[] = [];
    for (let i = at + 1; i < eager.length && eager[i].depth > eager[at].depth; i++) below.push(eager[i]);
    assert.deepEqual(dotqmailBranch(sysroot, inst, users, b.id), below, b.id);
  }
  assert.deepEqual(dotqmailBranch(sysroot, inst, users, '/var/qmail#user:nobody-here'), []);
});

test('Dot-qmail view: a lazy branch starts folded, Space asks for its rows, and they appear beneath it', async () => {
  const session = await loadSession(FIXTURE);
  const data: SessionData = { ...session.data, parts: { ...session.data.parts, dotqmail: { '/var/qmail': lazy } }, details: {} };
  const s = reduce(initialState(data), { type: 'view', view: 'dotqmail' });
  const p = dotqmailView.pane({ data: s.data, ui: s, width: 100, height: 20 });
  const alice = (p.rows as TextRow[]).find((r) => /alice 1001:1001/.test(r.text))!;
  assert.match(alice.text, /\+ alice 1001:1001/);
  assert.ok(!(p.rows as TextRow[]).some((r) => r.text.includes('alice@example.com')));
  assert.deepEqual(p.needs, []);
  const s2 = reduce(s, p.commands!.fold!(alice)!);
  const p2 = dotqmailView.pane({ data: s2.data, ui: s2, width: 100, height: 20 });
  const req = { kind: 'branch' as const, instance: '/var/qmail', id: alice.id! };
  assert.deepEqual(p2.needs, [req]);
  assert.ok((p2.rows as TextRow[]).some((r) => r.text.includes('reading…')));
  const nodes = dotqmailBranch(sysroot, inst, users, alice.id!);
  const s3 = { ...s2, data: { ...s2.data, details: { [requestKey(req)]: { kind: 'branch' as const, nodes, error: null } } } };
  const p3 = dotqmailView.pane({ data: s3.data, ui: s3, width: 100, height: 20 });
  const text = (p3.rows as TextRow[]).map((r) => r.text).join('\n');
  assert.match(text, /- alice 1001:1001 \/home\/alice\n +- \.qmail +← alice@example\.com/);
  assert.deepEqual(p3.needs, []);
});
