// Views as pure functions of the session (rows, what Enter does), and one
// rendering each, over a fixture loaded by the real loader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import { render } from 'ink-testing-library';
import { fixtureWithQueue, loadSession } from './helpers/session.js';
import { stripAnsi } from './helpers/keys.js';
import { initialState, reduce, type UiState, type UiAction } from '../../source/ui/store.js';
import { domainsView } from '../../source/ui/views/domains-view.js';
import { queuesView, rowText, type QueueRow } from '../../source/ui/views/queues-view.js';
import { traceView } from '../../source/ui/views/trace-view.js';
import { problemsView } from '../../source/ui/views/problems-view.js';
import { dotqmailView } from '../../source/ui/views/dotqmail-view.js';
import { veilView } from '../../source/ui/views/veil-view.js';
import { WindowedList } from '../../source/ui/components/WindowedList.js';
import { viewKey } from './helpers/view-keys.js';
import type { TextRow } from '../../source/ui/views/text-pane.js';
import type { ViewDef } from '../../source/ui/views/view-types.js';
import type { SessionData } from '../../source/ui/session-data.js';

const dir = fixtureWithQueue();
const session = await loadSession(dir);

const ui = (data: SessionData, ...as: UiAction[]): UiState => as.reduce(reduce, initialState(data));
const pane = (v: ViewDef, s: UiState, width = 100) => v.pane({ data: s.data, ui: s, width, height: 20 });
function draw(v: ViewDef, s: UiState, width = 100, height = 20): string {
  const p = pane(v, s, width);
  const inst = render(v.render({ pane: p, ui: s, data: s.data, width, height }));
  const f = stripAnsi(inst.lastFrame() ?? '');
  inst.unmount();
  return f;
}

test('the loader publishes every part; the header facts come from the domain matrix', () => {
  const d = session.data;
  assert.equal(d.progress, null);
  assert.deepEqual(d.errors, []);
  assert.deepEqual(
    d.instances.map((i) => [i.root, i.me, i.accepts, i.delivers, i.queue?.messages]),
    [
      ['/var/qmail', 'mail.example.com', 4, 3, 3],
      ['/var/qmail2', 'shop.example.net', 1, 1, 0],
    ],
  );
  for (const v of [domainsView, queuesView, traceView, problemsView, dotqmailView, veilView]) assert.ok(v.available(d), v.id);
});

test('Domains: one row per domain across installations; Enter lists every file:line naming it', () => {
  let s = ui(session.data);
  const p = pane(domainsView, s);
  const names = p.rows.map((r: { domain: string }) => r.domain);
  assert.deepEqual(names, ['.example.org', 'example.com', 'lists.example.org', 'mail.example.com', 'shop.example.net']);
  const lists = p.rows[2];
  const open = p.open!(lists)!;
  s = reduce(s, open);
  const det = pane(domainsView, s);
  const texts = det.rows.map((r: TextRow) => r.text);
  assert.ok(texts.some((t: string) => t.includes('/var/qmail/control/virtualdomains:1') && t.includes('lists.example.org:alice')));
  assert.ok(texts.some((t: string) => t.includes('/var/qmail/control/rcpthosts:3')));
  // Enter on an evidence row opens the file at that line.
  const ev = det.rows.find((r: TextRow) => r.jump?.line === 1)!;
  s = reduce(s, det.open!(ev)!);
  assert.equal(s.stack.domains.length, 2);
  const frame = draw(domainsView, ui(session.data), 100);
  assert.match(frame, /lists\.example\.org +·locals ✓virtual=alice ✓rcpt/);
  assert.match(frame, /shop\.example\.net +— not named here +✓locals\(me\) ✓virtual=bob/);
  // At 80 columns the cells use one letter per flag, with the legend.
  assert.match(draw(domainsView, ui(session.data), 80), /L locals .*lists\.example\.org +·VR·/s);
});

test('Queues: counts, rows filtered on id, sender, recipients and subject; Enter opens a sanitized message', async () => {
  let s = ui(session.data);
  const p = pane(queuesView, s);
  assert.deepEqual(
    p.rows.map((r: QueueRow) => r.m.id),
    [101, 102, 103].filter((id) => p.rows.some((r: QueueRow) => r.m.id === id)),
  );
  assert.equal(p.rows.length, 3);
  const texts = p.rows.map((r: QueueRow) => rowText(r));
  assert.ok(texts.every((t: string) => !t.includes('\u001b')), 'no escape byte reaches a row');
  s = ui(session.data, { type: 'setFilter', paneKey: 'queues', text: 'lunch' });
  assert.deepEqual(pane(queuesView, s).rows.map((r: QueueRow) => r.m.id), [101]);
  s = ui(session.data, { type: 'setFilter', paneKey: 'queues', text: 'bob@remote' });
  assert.deepEqual(pane(queuesView, s).rows.map((r: QueueRow) => r.m.id), [102]);
  const frame = draw(queuesView, ui(session.data), 120);
  assert.match(frame, /\/var\/qmail +3 messages, 1 not yet preprocessed · 3 listed/);
  assert.match(frame, /○ todo/);
  // At 120 columns the addresses in view are whole.
  assert.match(frame, /carol@example\.net alice@example\.com +Lunch plans/);
  assert.match(frame, /dave@example\.net +alice@example\.com \+1/);
  assert.match(frame, /\\x1b\]0;pwned\\x07 evil/);
  // Enter: the loader reads the message; the detail shows recipients done/pending.
  const row = pane(queuesView, s).rows[0];
  s = reduce(s, pane(queuesView, s).open!(row)!);
  const data = await session.request({ kind: 'message', instance: '/var/qmail', id: 102 });
  s = reduce(s, { type: 'data', data });
  const det = pane(queuesView, s).rows.map((r: TextRow) => r.text).join('\n');
  assert.match(det, /✓ done +local +alice@example\.com/);
  assert.match(det, /… pending remote bob@remote\.example/);
  assert.match(det, /body \\x1b\[31mred/);
  // Enter on a recipient walks it as queued: from its channel, only in its installation.
  const rcpt = (pane(queuesView, s).rows as TextRow[]).find((r) => r.text.includes('bob@remote.example'))!;
  const traced = reduce(s, pane(queuesView, s).open!(rcpt)!);
  assert.deepEqual(traced.trace, { address: 'bob@remote.example', queued: { instance: '/var/qmail', channel: 'remote' }, history: ['bob@remote.example'] });
  const tdata = await session.request({ kind: 'trace', address: 'bob@remote.example', queued: traced.trace.queued });
  const trows = (pane(traceView, reduce(traced, { type: 'data', data: tdata }), 80).rows as TextRow[]).map((r) => r.text).join('\n');
  assert.match(trows, /⇢ remote +bob@remote\.example/);
  assert.ok(!trows.includes('/var/qmail2'), 'walked only where it is queued');
  assert.ok(!det.includes('\u001b'));
  // A pending local recipient carries the tracer's prediction in the message view.
  const d101 = await session.request({ kind: 'message', instance: '/var/qmail', id: 101 });
  const s101 = reduce(reduce(ui(session.data), pane(queuesView, ui(session.data)).open!(pane(queuesView, ui(session.data)).rows[0])!), { type: 'data', data: d101 });
  const det101 = pane(queuesView, s101).rows.map((r: TextRow) => r.text).join('\n');
  assert.match(det101, /… pending local +alice@example\.com[^\n]*\n +would deliver to \/home\/alice\/Maildir\//);
  // s: the shape table, Esc back.
  s = reduce(ui(session.data), viewKey(queuesView, 'shape', ui(session.data), pane(queuesView, ui(session.data))));
  const shape = pane(queuesView, s).rows.map((r: TextRow) => r.text).join('\n');
  assert.match(shape, /\/var\/qmail remote +total/);
  assert.match(shape, /remote\.example +1/);
});

test('Trace: outcomes per installation with the mailbox path, steps with files, history', async () => {
  const data = await session.request({ kind: 'trace', address: 'alice@example.com' });
  let s = ui(data, { type: 'trace', address: 'alice@example.com' });
  const rows = pane(traceView, s, 80).rows as TextRow[];
  const text = rows.map((r) => r.text).join('\n');
  assert.match(text, /\/var\/qmail\n +▸ maildir +\/home\/alice\/Maildir\/ +hop 0/);
  assert.match(text, /\/var\/qmail2\n +⇢ remote +alice@example\.com/);
  assert.match(text, /the installations disagree/);
  assert.ok(rows.some((r) => r.jump?.path === '/var/qmail/control/locals'));
  assert.match(text, /history \(Enter traces again\)\n +alice@example\.com/);
  // Side by side when each installation gets 40 columns.
  const wide = (pane(traceView, s, 120).rows as TextRow[]).map((r) => r.text).join('\n');
  assert.match(wide, /▸ maildir +\/home\/alice\/Maildir\/.*⇢ remote +alice@example\.com/);
  // Enter on a remote outcome traces that address.
  const remote = rows.find((r) => r.text.includes('remote'))!;
  s = reduce(s, pane(traceView, s, 80).open!(remote)!);
  assert.equal(s.trace.address, 'alice@example.com');
});

test('Problems: check results with file and line; Enter opens the file there', async () => {
  let s = ui(session.data);
  const p = pane(problemsView, s);
  assert.match(p.title, /qlens check: \d+ errors?, \d+ warnings?, \d+ notes?/);
  const row = (p.rows as TextRow[]).find((r) => r.jump?.line)!;
  assert.ok(row, 'some problem has a line');
  s = reduce(s, p.open!(row)!);
  const data = await session.request({ kind: 'file', path: row.jump!.path });
  s = reduce(s, { type: 'data', data });
  const file = pane(problemsView, s);
  assert.equal(file.filterable, false);
  assert.equal(s.lists[file.key].cursor, row.jump!.line! - 1, 'the cursor lands on the line');
  assert.match((file.rows as TextRow[])[row.jump!.line! - 1].text, new RegExp(`^ *${row.jump!.line}▶`));
});

test('Dot-qmail: homes and their files, lines classified; t pre-fills the address a file answers to', () => {
  const s = ui(session.data);
  const rows = pane(dotqmailView, s).rows as TextRow[];
  const text = rows.map((r) => r.text).join('\n');
  assert.match(text, /alias user alias +\/var\/qmail\/alias/);
  assert.match(text, /\.qmail-postmaster +← postmaster@example\.com/);
  assert.match(text, /1 +→ forward +alice-archive@example\.net/);
  assert.match(text, /alice 1001:1001 \/home\/alice\n +- \.qmail +← alice@example\.com/);
  assert.match(text, /▸ maildir +\.\/Maildir\//);
  const f = rows.find((r) => r.text.includes('.qmail-postmaster'))!;
  assert.equal(f.address, 'postmaster@example.com');
  // Space folds the selected branch: its rows go, the row itself stays marked "+".
  const p = pane(dotqmailView, s);
  const alice = (p.rows as TextRow[]).find((r) => /- alice 1001/.test(r.text))!;
  const s2 = reduce(s, viewKey(dotqmailView, 'fold', s, p, alice));
  const folded = (pane(dotqmailView, s2).rows as TextRow[]).map((r) => r.text).join('\n');
  assert.match(folded, /\+ alice 1001:1001/);
  assert.ok(!folded.includes('alice@example.com'), 'the files under alice are hidden');
  assert.ok(folded.includes('bob 1002:1002'), 'the next branch is still there');
});

test('Veil: every leak with evidence and fix', () => {
  const s = ui(session.data);
  const p = pane(veilView, s);
  assert.match(p.title, /\d+ leaks: \d+ high/);
  if (p.rows.length && (p.rows[0] as TextRow).action) {
    const s2 = reduce(s, p.open!(p.rows[0])!);
    const det = (pane(veilView, s2).rows as TextRow[]).map((r) => r.text).join('\n');
    assert.match(det, /what it gives away/);
    assert.match(det, /fix/);
  }
});

test('a windowed list of 100,000 rows draws only the rows in view', () => {
  const rows = Array.from({ length: 100_000 }, (_, i) => `row ${i}`);
  const inst = render(React.createElement(WindowedList<string>, { rows, pos: { cursor: 99_990, top: 0 }, height: 10, width: 40, renderRow: (r: string) => r }));
  const lines = stripAnsi(inst.lastFrame() ?? '').split('\n');
  inst.unmount();
  assert.equal(lines.length, 10);
  assert.equal(lines[9].trim(), '›row 99990');
  assert.equal(lines[0].trim(), 'row 99981');
});
