// Issue 21 (what remained): a newcomer on the Trace view types an address
// without pressing t first. Its letters must not run as keys (q quit, e
// opened an edit, r reloaded): the start screen takes them as the address,
// q there asks once, and with an address shown a letter that is no key
// starts a new one. The keys help documents keep their meaning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderApp } from './helpers/ink-app.js';
import { KEYS } from './helpers/keys.js';
import { keyActions, type DispatchContext } from '../../source/ui/key-dispatch.js';
import { initialState, reduce, type UiState } from '../../source/ui/store.js';
import { emptySession } from '../../source/ui/session-data.js';
import { helpLines } from '../../source/ui/components/HelpOverlay.js';
import type { KeyEvent } from '../../source/ui/keymap.js';

const DEMO = (name: string): string => fileURLToPath(new URL(`../../demo/${name}`, import.meta.url)).replace('/dist/demo/', '/demo/');
const demoNow = (name: string): number => Date.parse(fs.readFileSync(`${DEMO(name)}/.demo-now`, 'utf8').trim());

const AVAILABLE = ['domains', 'queues', 'trace'];
function ctx(state: UiState): DispatchContext {
  return { state, pane: null, available: AVAILABLE, listHeight: 10, tooSmall: false, keymap: {}, helpCount: 30 };
}
function press(s: UiState, keys: Array<[string, KeyEvent?]>): UiState {
  for (const [input, key] of keys) s = keyActions(input, key ?? {}, ctx(s)).reduce(reduce, s);
  return s;
}
const chars = (text: string): Array<[string, KeyEvent?]> => [...text].map((c) => [c, { shift: /[A-Z]/.test(c) }]);
const onTrace = (): UiState => ({ ...initialState({ ...emptySession({ sysrootDir: '/x', demo: null, note: 'x' }) }), view: 'trace' });

test('Trace start screen: an address typed without t goes into the trace prompt, letter for letter', () => {
  // e (edit), r (reload), j/k/g/G (moves), v, / — none of them runs: every one is text here.
  const s = press(onTrace(), chars('jerry.vg/k@example.com'));
  assert.equal(s.input?.kind, 'trace');
  assert.equal(s.input?.line.text, 'jerry.vg/k@example.com');
  assert.equal(s.reloadCount, 0, 'r did not reload');
  assert.equal(s.quit, false);
  const traced = press(s, [['', { return: true }]]);
  assert.equal(traced.trace.address, 'jerry.vg/k@example.com');
});

test('Trace start screen: q asks once — q again quits, another letter goes on as the address "q…"', () => {
  const asked = press(onTrace(), [['q']]);
  assert.equal(asked.quit, false, 'the first q does not quit');
  assert.equal(asked.quitAsked, true);
  assert.match(asked.status ?? '', /q again quits/);
  assert.equal(press(asked, [['q']]).quit, true);
  const typing = press(asked, chars('uinn@example.com'));
  assert.equal(typing.input?.line.text, 'quinn@example.com');
  assert.equal(typing.quitAsked, false);
  // Esc forgets the question: the next q asks again.
  const esc = press(asked, [['', { escape: true }]]);
  assert.equal(esc.quitAsked, false);
  assert.equal(press(esc, [['q']]).quit, false);
  // A view key after the question switches view, as everywhere, and forgets it.
  const away = press(asked, [['1']]);
  assert.equal(away.view, 'domains');
  assert.equal(away.quitAsked, false);
  assert.equal(press(away, [['q']]).quit, true, 'q quits at once on any other view');
});

test('Trace start screen: the digits, ?, : and t keep their meaning; Ctrl-C always quits', () => {
  assert.equal(press(onTrace(), [['2']]).view, 'queues');
  assert.equal(press(onTrace(), [['?']]).overlay, 'help');
  assert.equal(press(onTrace(), [[':']]).input?.kind, 'command');
  const t = press(onTrace(), [['t']]);
  assert.equal(t.input?.kind, 'trace');
  assert.equal(t.input?.line.text, '', 't opens an empty prompt, as its footer says');
  assert.equal(press(onTrace(), [['c', { ctrl: true }]]).quit, true);
  assert.equal(press(onTrace(), [[' ']]).input, null, 'a blank starts nothing');
});

test('Trace view with an address shown: its keys work as help says; a letter that is no key starts a new address', () => {
  const shown = press(onTrace(), [...chars('alice@example.com'), ['', { return: true }]]);
  assert.equal(shown.trace.address, 'alice@example.com');
  assert.equal(press(shown, [['r']]).reloadCount, 1, 'r reloads');
  assert.equal(press(shown, [['q']]).quit, true, 'q quits');
  const next = press(shown, chars('bob@example.com'));
  assert.equal(next.input?.kind, 'trace');
  assert.equal(next.input?.line.text, 'bob@example.com');
  // On another view nothing changes: a letter that is no key does nothing there.
  const dom = press({ ...shown, view: 'domains' }, [['b']]);
  assert.equal(dom.input, null);
});

test('help says what typed letters do in the Trace view', () => {
  const text = helpLines({}, 80).map((l) => l.text).join('\n');
  assert.match(text, /a-z @ \. …\s+type an address without t/);
});

for (const size of [
  { columns: 80, rows: 24 },
  { columns: 60, rows: 16 },
]) {
  test(`${size.columns}x${size.rows}: on the Trace view, "quinn@example.com" typed without t is traced, and the start screen says how`, async () => {
    const app = renderApp(DEMO('plain'), {}, { size, now: demoNow('plain') });
    try {
      await app.waitFor((f) => / 4 Trace/.test(f));
      await app.press('4');
      const start = await app.waitFor((f) => /Trace — an address walked/.test(f));
      assert.match(start, /letters typed here start it/);
      assert.match(start, /q asks\s+once \(q again quits\)/);
      assert.match(start, /Trace — an address walked through qmail  \d+ lines\n/);
      for (const l of start.split('\n')) assert.ok(l.length <= size.columns, `fits: ${l}`);
      await app.press('q');
      await app.waitFor((f) => /q again quits · or go on typing/.test(f));
      await app.press(...'uinn@example.com');
      await app.waitFor((f) => /trace address: quinn@example\.com/.test(f));
      await app.press(KEYS.enter);
      const f = await app.waitFor((f) => /trace quinn@example\.com/.test(f) && /bounce/.test(f));
      assert.match(f, /✗ bounce/);
    } finally {
      app.unmount();
    }
  });
}
