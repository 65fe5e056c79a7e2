import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialState, reduce, applyFilter, type UiState, type UiAction } from '../../source/ui/store.js';
import { emptySession } from '../../source/ui/session-data.js';
import { moveList, clampPos, visibleRange, START } from '../../source/ui/list-state.js';
import { editLine, line } from '../../source/ui/line-edit.js';

const base = (): UiState => initialState(emptySession({ sysrootDir: '/x', demo: null, note: 'x' }));
const run = (s: UiState, ...as: UiAction[]): UiState => as.reduce(reduce, s);

test('list moves keep the cursor inside the list and the window around it', () => {
  let p = START;
  p = moveList(p, 'down', 100_000, 10);
  assert.deepEqual(p, { cursor: 1, top: 0 });
  p = moveList(p, 'pageDown', 100_000, 10);
  assert.deepEqual(p, { cursor: 11, top: 10 });
  p = moveList(p, 'bottom', 100_000, 10);
  assert.deepEqual(p, { cursor: 99_999, top: 99_990 });
  p = moveList(p, 'down', 100_000, 10);
  assert.equal(p.cursor, 99_999);
  p = moveList(p, 'up', 100_000, 10);
  assert.deepEqual(p, { cursor: 99_998, top: 99_990 });
  p = moveList(p, 'top', 100_000, 10);
  assert.deepEqual(p, { cursor: 0, top: 0 });
  assert.deepEqual(moveList(START, 'up', 0, 10), { cursor: 0, top: 0 });
});

test('the visible range never exceeds the height, whatever the list size', () => {
  assert.deepEqual(visibleRange({ cursor: 50_000, top: 0 }, 100_000, 20), { start: 49_981, end: 50_001 });
  assert.deepEqual(visibleRange(START, 3, 20), { start: 0, end: 3 });
  // A list that shrank under the cursor (a filter) pulls the cursor back in.
  assert.deepEqual(clampPos({ cursor: 90, top: 85 }, 5, 10), { cursor: 4, top: 0 });
});

test('line editing: insert at the caret, backspace, words, clear, pasted newlines', () => {
  let l = line('bob@example.com');
  l = editLine(l, { type: 'home' });
  l = editLine(l, { type: 'insert', text: 'x' });
  assert.deepEqual(l, { text: 'xbob@example.com', caret: 1 });
  l = editLine(l, { type: 'backspace' });
  assert.equal(l.text, 'bob@example.com');
  l = editLine(editLine(l, { type: 'end' }), { type: 'insert', text: ' more words' });
  l = editLine(l, { type: 'deleteWord' });
  assert.equal(l.text, 'bob@example.com more ');
  assert.equal(editLine(l, { type: 'clear' }).text, '');
  assert.equal(editLine(line(''), { type: 'insert', text: 'a\r\nb' }).text, 'a b');
  assert.deepEqual(editLine(line(''), { type: 'backspace' }), { text: '', caret: 0 });
});

test('the filter is live: each key re-filters from the first row; Esc clears, Enter keeps', () => {
  let s = run(base(), { type: 'move', paneKey: 'p', move: 'down', count: 10, height: 5 });
  assert.equal(s.lists.p.cursor, 1);
  s = run(s, { type: 'startInput', kind: 'filter', paneKey: 'p' }, { type: 'editInput', action: { type: 'insert', text: 'ex' } });
  assert.equal(s.filters.p, 'ex');
  assert.equal(s.lists.p.cursor, 0);
  const kept = run(s, { type: 'setFilter', paneKey: 'p', text: 'ex' });
  assert.equal(kept.input, null);
  assert.equal(kept.filters.p, 'ex');
  const cleared = run(s, { type: 'cancelInput' });
  assert.equal(cleared.input, null);
  assert.equal(cleared.filters.p, '');
  // Reopening the filter starts from the kept text.
  assert.equal(run(kept, { type: 'startInput', kind: 'filter', paneKey: 'p' }).input?.line.text, 'ex');
});

test('Esc goes back one thing at a time: input, overlay, detail frame', () => {
  let s = run(base(), { type: 'push', view: 'queues', frame: 'msg:1' }, { type: 'help' }, { type: 'startInput', kind: 'command' });
  assert.equal(s.overlay, null, 'an input closes the overlay');
  s = run(s, { type: 'help' });
  assert.equal(s.overlay, 'help');
  s = run(s, { type: 'back' });
  assert.equal(s.input, null, 'the input goes first');
  assert.equal(s.overlay, 'help');
  s = run(s, { type: 'back' });
  assert.equal(s.overlay, null);
  assert.deepEqual(s.stack.queues, ['msg:1']);
  s = run(s, { type: 'back' });
  assert.deepEqual(s.stack.queues, []);
  assert.equal(run(s, { type: 'back' }), s, 'nothing left: no change');
});

test('views cycle over the available ones only', () => {
  const av = ['domains', 'queues', 'problems'] as const;
  let s = run(base(), { type: 'cycleView', delta: 1, available: [...av] });
  assert.equal(s.view, 'queues');
  s = run(s, { type: 'cycleView', delta: 1, available: [...av] }, { type: 'cycleView', delta: 1, available: [...av] });
  assert.equal(s.view, 'domains');
  s = run(s, { type: 'cycleView', delta: -1, available: [...av] });
  assert.equal(s.view, 'problems');
});

test('trace keeps a history, newest first, without duplicates, and opens the trace view', () => {
  let s = run(base(), { type: 'trace', address: 'a@x' }, { type: 'trace', address: ' b@x ' }, { type: 'trace', address: 'a@x' });
  assert.equal(s.view, 'trace');
  assert.equal(s.trace.address, 'a@x');
  assert.deepEqual(s.trace.history, ['a@x', 'b@x']);
  s = run(s, { type: 'trace', address: '   ' });
  assert.equal(s.trace.address, 'a@x', 'an empty address traces nothing');
});

test('reload bumps the counter and says so', () => {
  const s = run(base(), { type: 'reload' });
  assert.equal(s.reloadCount, 1);
  assert.match(s.status ?? '', /reloading/);
});

test('applyFilter matches case-insensitively on everything the row shows', () => {
  const rows = ['Alice@Example.COM maildir', 'bob@example.net remote'];
  assert.deepEqual(applyFilter(rows, (r) => r, 'example.com'), ['Alice@Example.COM maildir']);
  assert.deepEqual(applyFilter(rows, (r) => r, ''), rows);
  assert.deepEqual(applyFilter(rows, (r) => r, 'REMOTE'), ['bob@example.net remote']);
});
