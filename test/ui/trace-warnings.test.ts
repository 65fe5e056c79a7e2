// Issue 14 point 7 in the TUI: the Trace view says each installation's
// warnings under its outcomes, wrapped like the steps, Enter opening the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSession } from './helpers/session.js';
import { initialState, reduce, type UiState, type UiAction } from '../../source/ui/store.js';
import { traceView } from '../../source/ui/views/trace-view.js';
import type { TextRow } from '../../source/ui/views/text-pane.js';
import type { SessionData } from '../../source/ui/session-data.js';
import { warnedHost } from '../trace/warned-host.js';

const session = await loadSession(warnedHost().dir);
const data = await session.request({ kind: 'trace', address: 'alice@example.com' });
const ui = (d: SessionData, ...as: UiAction[]): UiState => as.reduce(reduce, initialState(d));
const state = ui(data, { type: 'trace', address: 'alice@example.com' });
const rowsAt = (width: number) => traceView.pane({ data: state.data, ui: state, width, height: 24 }).rows as TextRow[];
const textOf = (rows: TextRow[]) => rows.map((r) => r.text).join('\n');

test('Trace view, one column: each installation\'s outcomes, then "N warnings:" and each warning once', () => {
  const rows = rowsAt(80);
  const text = textOf(rows);
  const walk = text.indexOf('/var/qmail — the walk');
  assert.ok(walk > 0, text);
  // A warning's continuation lines are indented under its first: read them unwrapped.
  const top = text.slice(0, walk).replace(/\n {6}/g, ' ');
  assert.match(top, /^\/var\/qmail\n +▸ maildir +\/home\/alice\/Maildir\/ +hop 0\n(.*\n){4} +! 2 warnings:\n {4}hop 0 qmail-lspawn: users\/assign disagrees with users\/cdb for "alice": .*run qmail-newu to make assign take effect\n/);
  assert.match(top, /\n {4}hops 1, 2 qmail-remote: "b\.example" is local to \/var\/qmail2 on this host, but \/var\/qmail has no smtproutes entry for it: if its MX points at this host, qmail-remote bounces \(#5\.4\.6 … best-preference MX\); otherwise the mail leaves the host\n/);
  assert.match(top, /\/var\/qmail2\n +⇢ remote +alice@example\.com +hop 0\n +! 1 warning:\n {4}hop 0 qmail-remote: "example\.com" is local to \/var\/qmail on this host/);
  // Wrapped within the pane; Enter on the users/assign warning opens users/assign at its line.
  const summary = rows.slice(0, rows.findIndex((r) => r.text === '/var/qmail — the walk')).filter((r) => r.tone === 'warn' && r.text.startsWith('  '));
  assert.equal(summary.length, 2 + 8 + 4); // two heads, the warnings' wrapped lines
  for (const r of summary) assert.ok(r.text.length <= 78, r.text);
  const assign = rows.find((r) => r.text.includes('hop 0 qmail-lspawn'))!;
  assert.equal(assign.tone, 'warn');
  assert.deepEqual(assign.jump, { path: '/var/qmail/users/assign', line: 1 });
  const opened = reduce(state, traceView.pane({ data: state.data, ui: state, width: 80, height: 24 }).open!(assign)!);
  assert.ok(opened.stack.trace?.at(-1)?.includes('/var/qmail/users/assign'));
});

test('Trace view, side by side: the warnings follow the columns, named by installation', () => {
  const text = textOf(rowsAt(120));
  const walk = text.indexOf('/var/qmail — the walk');
  const top = text.slice(0, walk);
  assert.match(top, /\(the installations disagree\)\n +! \/var\/qmail: 2 warnings:\n(.*\n)+ +! \/var\/qmail2: 1 warning:\n/);
  assert.equal(top.split('! /var/qmail: 2 warnings:').length - 1, 1, top);
  assert.equal(top.split('hops 1, 2 qmail-remote').length - 1, 1, top);
});
