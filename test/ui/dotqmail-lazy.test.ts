// A big host's Dot-qmail tree is read branch by branch: the worker sends one
// row per home or manager domain, and opening one reads its rows. The rows
// read on demand are the ones the whole tree would have held.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIXTURE, loadSession } from './helpers/session.js';
import { Sysroot } from '../../source/sysroot/sysroot.js';
import { loadInstallation, systemUsersOf } from '../../source/qmail/installation.js';
import { dotqmailTree, dotqmailBranch, type TreeNode } from '../../source/ui/dotqmail-tree.js';
import { initialState, reduce } from '../../source/ui/store.js';
import { dotqmailView } from '../../source/ui/views/dotqmail-view.js';
import { viewKey } from './helpers/view-keys.js';
import { requestKey, type SessionData } from '../../source/ui/session-data.js';
import type { TextRow } from '../../source/ui/views/text-pane.js';

const sysroot = new Sysroot(FIXTURE);
const inst = loadInstallation(sysroot, '/var/qmail');
const users = systemUsersOf(sysroot);
const eager = dotqmailTree(sysroot, inst, users);
const lazy = dotqmailTree(sysroot, inst, users, undefined, { lazy: true });

/** A lazy tree with every branch opened, as the rows would be read one branch at a time. */
function opened(nodes: TreeNode[]): TreeNode[] {
  const out: TreeNode[] = [];
  for (const n of nodes) {
    const { lazy, ...rest } = n;
    out.push(rest);
    if (lazy) out.push(...opened(dotqmailBranch(sysroot, inst, users, n.id)));
  }
  return out;
}

test('a lazy tree holds each section, then each branch, as one folded row; opening them reads the rows the whole tree holds', () => {
  assert.deepEqual(
    lazy.filter((n) => n.depth === 1).map((n) => [n.id, n.lazy]),
    eager.filter((n) => n.depth === 1).map((n) => [n.id, true]),
  );
  assert.ok(lazy.every((n) => n.depth <= 1));
  const section = dotqmailBranch(sysroot, inst, users, '/var/qmail#users');
  assert.ok(section.length > 0 && section.every((n) => n.depth === 2 && n.lazy), 'a section opened lists its homes, each lazy');
  assert.deepEqual(opened(lazy), eager);
  assert.deepEqual(dotqmailBranch(sysroot, inst, users, '/var/qmail#user:nobody-here'), []);
});

test('Dot-qmail view: a lazy branch starts folded, Space asks for its rows, and they appear beneath it', async () => {
  const session = await loadSession(FIXTURE);
  const data: SessionData = { ...session.data, parts: { ...session.data.parts, dotqmail: { '/var/qmail': lazy } }, details: {} };
  const s = reduce(initialState(data), { type: 'view', view: 'dotqmail' });
  const users0 = dotqmailView.pane({ data: s.data, ui: s, width: 100, height: 20 });
  const section = (users0.rows as TextRow[]).find((r) => /system users/.test(r.text))!;
  assert.match(section.text, /\+ system users/);
  const sreq = { kind: 'branch' as const, instance: '/var/qmail', id: section.id! };
  const opened1 = reduce(s, viewKey(dotqmailView, 'fold', s, users0, section));
  assert.deepEqual(dotqmailView.pane({ data: opened1.data, ui: opened1, width: 100, height: 20 }).needs, [sreq]);
  const s1 = { ...opened1, data: { ...opened1.data, details: { [requestKey(sreq)]: { kind: 'branch' as const, nodes: dotqmailBranch(sysroot, inst, users, section.id!), error: null } } } };
  const p = dotqmailView.pane({ data: s1.data, ui: s1, width: 100, height: 20 });
  const alice = (p.rows as TextRow[]).find((r) => /alice 1001:1001/.test(r.text))!;
  assert.match(alice.text, /\+ alice 1001:1001/);
  assert.ok(!(p.rows as TextRow[]).some((r) => r.text.includes('alice@example.com')));
  assert.deepEqual(p.needs, []);
  const s2 = reduce(s1, viewKey(dotqmailView, 'fold', s1, p, alice));
  const p2 = dotqmailView.pane({ data: s2.data, ui: s2, width: 100, height: 20 });
  const req = { kind: 'branch' as const, instance: '/var/qmail', id: alice.id! };
  assert.deepEqual(p2.needs, [req]);
  assert.ok((p2.rows as TextRow[]).some((r) => r.text.includes('reading…')));
  const nodes = dotqmailBranch(sysroot, inst, users, alice.id!);
  const s3 = { ...s2, data: { ...s2.data, details: { ...s1.data.details, [requestKey(req)]: { kind: 'branch' as const, nodes, error: null } } } };
  const p3 = dotqmailView.pane({ data: s3.data, ui: s3, width: 100, height: 20 });
  const text = (p3.rows as TextRow[]).map((r) => r.text).join('\n');
  assert.match(text, /- alice 1001:1001 \/home\/alice\n +- \.qmail +← alice@example\.com/);
  assert.deepEqual(p3.needs, []);
});
