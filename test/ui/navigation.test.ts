// Esc goes back one step (issue 21 point 4): a jump to another view (Enter on
// a queued recipient, t, a forwarded address) is remembered, and Esc with no
// frame left walks back along those jumps, each place as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialState, reduce, type UiAction, type UiState } from '../../source/ui/store.js';
import { emptySession } from '../../source/ui/session-data.js';

const base = (): UiState => initialState(emptySession({ sysrootDir: '/x', demo: null, note: 'x' }));
const run = (s: UiState, ...as: UiAction[]): UiState => as.reduce(reduce, s);
const back: UiAction = { type: 'back' };

test('message → recipient traced → Esc back to the message → Esc back to the list', () => {
  let s = run(base(), { type: 'view', view: 'queues' }, { type: 'push', view: 'queues', frame: 'msg:1' });
  s = run(s, { type: 'trace', address: 'bob@remote.example', queued: { instance: '/var/qmail', channel: 'remote' } });
  assert.equal(s.view, 'trace');
  s = run(s, back);
  assert.equal(s.view, 'queues');
  assert.deepEqual(s.stack.queues, ['msg:1'], 'the message is still open');
  s = run(s, back);
  assert.deepEqual(s.stack.queues, []);
  assert.equal(run(s, back), s, 'nothing left');
});

test('a forward followed in the Trace view: Esc returns to the address before it, with its open file', () => {
  let s = run(base(), { type: 'trace', address: 'alice@example.com' }, { type: 'push', view: 'trace', frame: 'file:x' });
  s = run(s, { type: 'trace', address: 'archive@example.net' });
  assert.equal(s.trace.address, 'archive@example.net');
  assert.deepEqual(s.stack.trace, []);
  s = run(s, back);
  assert.equal(s.trace.address, 'alice@example.com');
  assert.deepEqual(s.stack.trace, ['file:x']);
  s = run(s, back, back);
  assert.equal(s.view, 'domains', 'then where the first trace was asked from');
  assert.deepEqual(s.trace.history, ['archive@example.net', 'alice@example.com'], 'the history keeps both');
});

test('t from a view is a jump (Esc cancels the input, then goes back); a digit or Tab starts afresh', () => {
  let s = run(base(), { type: 'view', view: 'problems' }, { type: 'view', view: 'trace', jump: true }, { type: 'startInput', kind: 'trace' });
  s = run(s, back);
  assert.equal(s.input, null);
  assert.equal(s.view, 'trace');
  s = run(s, back);
  assert.equal(s.view, 'problems');
  const fresh = run(base(), { type: 'trace', address: 'a@x' }, { type: 'view', view: 'veil' });
  assert.deepEqual(fresh.trail, []);
  assert.equal(run(fresh, back), fresh);
  // The same address again is no new step.
  const again = run(base(), { type: 'trace', address: 'a@x' }, { type: 'trace', address: 'a@x' });
  assert.equal(again.trail.length, 1);
});
