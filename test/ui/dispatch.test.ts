import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyActions, type DispatchContext } from '../../source/ui/key-dispatch.js';
import { initialState, reduce, type UiAction, type UiState } from '../../source/ui/store.js';
import { emptySession, type SessionData } from '../../source/ui/session-data.js';
import { parseCommandLine } from '../../source/ui/command-line.js';
import type { PaneModel } from '../../source/ui/views/view-types.js';
import type { KeyEvent } from '../../source/ui/keymap.js';

const data = (): SessionData => ({
  ...emptySession({ sysrootDir: '/x', demo: null, note: 'x' }),
  instances: [
    { root: '/var/qmail', me: 'a', accepts: 1, delivers: 1, acceptsAll: false },
    { root: '/var/qmail2', me: 'b', accepts: 1, delivers: 1, acceptsAll: false },
  ],
});

const pane: PaneModel<string> = {
  key: 'domains',
  title: 'Domains',
  rows: ['alice@example.com', 'bob@example.net', 'carol@example.org'],
  total: 3,
  filterable: true,
  open: (r) => ({ type: 'push', view: 'domains', frame: r }),
  address: (r) => r,
};

function ctx(state: UiState, over: Partial<DispatchContext> = {}): DispatchContext {
  return {
    state,
    pane: pane as PaneModel,
    available: ['domains', 'queues', 'trace'],
    listHeight: 10,
    tooSmall: false,
    keymap: {},
    helpCount: 30,
    ...over,
  };
}

/** Feed keys one at a time through dispatcher and reducer, like the app does. */
function press(state: UiState, keys: Array<[string, KeyEvent?]>, over: Partial<DispatchContext> = {}): UiState {
  let s = state;
  for (const [input, key] of keys) {
    const as: UiAction[] = keyActions(input, key ?? {}, ctx(s, over));
    for (const a of as) s = reduce(s, a);
  }
  return s;
}

test('q quits at top level, closes the help overlay first, and is text inside an input', () => {
  const s0 = initialState(data());
  assert.equal(press(s0, [['q']]).quit, true);
  const help = press(s0, [['?']]);
  assert.equal(help.overlay, 'help');
  const closed = press(help, [['q']]);
  assert.equal(closed.overlay, null);
  assert.equal(closed.quit, false);
  const typing = press(s0, [['/'], ['q']]);
  assert.equal(typing.quit, false);
  assert.equal(typing.filters.domains, 'q');
  // Esc leaves the input, then q quits.
  assert.equal(press(typing, [['', { escape: true }], ['q']]).quit, true);
});

test('Ctrl-C quits from anywhere: input, overlay, too-small screen', () => {
  const s0 = initialState(data());
  for (const s of [press(s0, [['/']]), press(s0, [['?']]), s0]) {
    assert.equal(press(s, [['c', { ctrl: true }]]).quit, true);
  }
  assert.equal(press(s0, [['c', { ctrl: true }]], { tooSmall: true }).quit, true);
  assert.equal(press(s0, [['q']], { tooSmall: true }).quit, true);
  assert.equal(press(s0, [['2']], { tooSmall: true }).view, 'domains', 'other keys wait for a bigger screen');
});

test('F1 opens help like ?', () => {
  assert.equal(press(initialState(data()), [['', { f1: true }]]).overlay, 'help');
});

test('arrows, j/k, g/G move; Enter opens the selected row; Esc comes back', () => {
  let s = press(initialState(data()), [['j'], ['', { downArrow: true }]]);
  assert.equal(s.lists.domains.cursor, 2);
  s = press(s, [['g'], ['j'], ['', { return: true }]]);
  assert.deepEqual(s.stack.domains, ['bob@example.net']);
  s = press(s, [['', { escape: true }]]);
  assert.deepEqual(s.stack.domains, []);
  assert.equal(press(s, [['G']]).lists.domains.cursor, 2);
});

test('digits and Tab switch among available views only', () => {
  const s0 = initialState(data());
  assert.equal(press(s0, [['2']]).view, 'queues');
  const missing = press(s0, [['5']]);
  assert.equal(missing.view, 'domains');
  assert.match(missing.status ?? '', /not available/);
  assert.equal(press(s0, [['', { tab: true }], ['', { tab: true }]]).view, 'trace');
  assert.equal(press(s0, [['', { tab: true, shift: true }]]).view, 'trace');
});

test('/ filters live; Enter keeps the filter; Esc then clears it', () => {
  let s = press(initialState(data()), [['/'], ['n'], ['e'], ['t']]);
  assert.equal(s.input?.kind, 'filter');
  assert.equal(s.filters.domains, 'net');
  s = press(s, [['', { return: true }]]);
  assert.equal(s.input, null);
  assert.equal(s.filters.domains, 'net');
  s = press(s, [['', { escape: true }]]);
  assert.equal(s.filters.domains, '');
  const bs = press(initialState(data()), [['/'], ['x'], ['y'], ['', { backspace: true }]]);
  assert.equal(bs.filters.domains, 'x');
});

test('t opens the trace input pre-filled from the selection; Enter traces', () => {
  let s = press(initialState(data()), [['j'], ['t']]);
  assert.equal(s.view, 'trace');
  assert.equal(s.input?.kind, 'trace');
  assert.equal(s.input?.line.text, 'bob@example.net');
  s = press(s, [['', { return: true }]]);
  assert.equal(s.trace.address, 'bob@example.net');
  assert.deepEqual(s.trace.history, ['bob@example.net']);
  const off = press(initialState(data()), [['t']], { available: ['domains'] });
  assert.equal(off.view, 'domains');
  assert.match(off.status ?? '', /not available/);
});

test(': runs commands; errors show on the status line until the next key', () => {
  const type = (s: UiState, text: string): UiState => press(s, [[':'], ...[...text].map((c): [string] => [c]), ['', { return: true }]]);
  const s0 = initialState(data());
  assert.equal(type(s0, 'trace joe@example.com').trace.address, 'joe@example.com');
  assert.equal(type(s0, 'instance /var/qmail2').instance, '/var/qmail2');
  assert.equal(type(s0, 'instance qmail2').instance, '/var/qmail2');
  const bad = type(s0, 'instance /var/qmail9');
  assert.match(bad.status ?? '', /no installation \/var\/qmail9/);
  assert.equal(press(bad, [['j']]).status, null);
  assert.equal(type(s0, 'view queues').view, 'queues');
  assert.equal(type(s0, '2').view, 'domains', 'a bare number is not a command');
  assert.equal(type(s0, 'filter example').filters.domains, 'example');
  assert.equal(type(s0, 'quit').quit, true);
  assert.equal(type(s0, 'reload').reloadCount, 1);
});

test('parseCommandLine names what is wrong', () => {
  const c = { instances: ['/var/qmail'], available: ['domains' as const], paneKey: null };
  assert.deepEqual(parseCommandLine('', c), { ok: true, actions: [] });
  assert.equal(parseCommandLine('frobnicate', c).ok, false);
  assert.match((parseCommandLine('trace', c) as { message: string }).message, /usage/);
  assert.match((parseCommandLine('view veil', c) as { message: string }).message, /not available/);
  assert.match((parseCommandLine('filter x', c) as { message: string }).message, /nothing to filter/);
});

test('help scrolls with the list keys and ignores view keys', () => {
  let s = press(initialState(data()), [['?'], ['j'], ['j']]);
  assert.equal(s.lists.help.cursor, 2);
  s = press(s, [['2']]);
  assert.equal(s.view, 'domains');
  assert.equal(s.overlay, 'help');
});

test('keys that arrive in one chunk are split: "jj" moves twice, "j\\r" moves then opens', async () => {
  const { splitKeys } = await import('../../source/ui/key-dispatch.js');
  assert.deepEqual(splitKeys('jj', {}), [['j', { shift: false }], ['j', { shift: false }]]);
  assert.deepEqual(splitKeys('j\r', {}), [['j', { shift: false }], ['', { return: true }]]);
  assert.deepEqual(splitKeys('\u0003', {}), [['\u0003', {}]]);
  assert.deepEqual(splitKeys('a\u0015', {}), [['a', { shift: false }], ['u', { ctrl: true }]]);
  assert.deepEqual(splitKeys('', { upArrow: true }), [['', { upArrow: true }]]);
  const s = press(initialState(data()), splitKeys('jj\r', {}));
  assert.deepEqual(s.stack.domains, ['carol@example.org']);
});
