// The keymap drives behaviour (issue 16 part 3): a view is one ViewDef; its
// key, tab, :view name, help section, footer hint and README row all come
// from the registry and its own bindings, and its keys work only in it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import { fileURLToPath } from 'node:url';
import { renderApp } from './helpers/ink-app.js';
import { KEYS } from './helpers/keys.js';
import { VIEWS } from '../../source/ui/views/registry.js';
import { TextPaneView, textPane } from '../../source/ui/views/text-pane.js';
import { cleared } from '../../source/ui/global-bindings.js';
import { bindings, commandFor, footerHints, keyListMarkdown, keymapOf, KEYMAP } from '../../source/ui/keymap.js';
import { helpLines } from '../../source/ui/components/HelpOverlay.js';
import { parseCommandLine } from '../../source/ui/command-line.js';
import { keyActions } from '../../source/ui/key-dispatch.js';
import { initialState } from '../../source/ui/store.js';
import { emptySession } from '../../source/ui/session-data.js';
import type { ViewDef } from '../../source/ui/views/view-types.js';

const fixture = fileURLToPath(new URL('../fixtures/ui-multi', import.meta.url)).replace('/dist/test/', '/test/');

const notesView: ViewDef = {
  id: 'notes',
  title: 'Notes',
  names: ['memo'],
  available: (d) => d.parts.domains !== undefined,
  pane: ({ data, ui }) => textPane('notes', 'notes of this session', data.instances.map((i) => ({ text: `note about ${i.root}` })), ui, 'notes'),
  render: (props) => <TextPaneView {...props} />,
  bindings: [
    {
      command: 'hello',
      keys: [{ input: 'x' }],
      label: 'x',
      description: 'say hello from the notes',
      scope: 'view',
      hint: 'hello',
      handler: (ctx) => cleared(ctx, { type: 'status', text: `hello, ${String((ctx.row as { text: string }).text)}` }),
      disabled: (ctx) => (ctx.pane?.rows.length ? null : 'no note to greet'),
    },
  ],
};
const views = [...VIEWS, notesView];
/** The new view's digit: the next after the bundled views. */
const N = String(VIEWS.length + 1);

test('a new view gets the next digit, a help section, a README row and a :view name from its ViewDef alone', () => {
  const table = keymapOf(views);
  assert.equal(table.find((b) => b.command === `view${N}`)?.description, 'Notes view');
  assert.equal(commandFor(N, {}, { views }), `view${N}`);
  assert.equal(commandFor(N, {}), null, 'the bundled registry has no view on that digit');
  assert.match(keyListMarkdown({ views }), /\| `x` \| say hello from the notes \| in the Notes view \|/);
  assert.ok(!keyListMarkdown().includes('say hello'));
  const help = helpLines({ views, view: 'notes' }).map((l) => l.text);
  assert.ok(help.includes('In the Notes view'));
  assert.ok(!helpLines({ views, view: 'queues' }).some((l) => l.text.includes('say hello')), "another view's help leaves it out");
  const c = { instances: [], available: ['domains', 'notes'], paneKey: null, views };
  assert.deepEqual(parseCommandLine('view memo', c), { ok: true, actions: [{ type: 'view', view: 'notes' }] });
  assert.deepEqual(parseCommandLine('notes', c), { ok: true, actions: [{ type: 'view', view: 'notes' }] });
  assert.deepEqual(parseCommandLine(`view ${N}`, c), { ok: true, actions: [{ type: 'view', view: 'notes' }] });
});

test("a view's own key works only while it is shown; a disabled key says why and leaves the footer", () => {
  const data = { ...emptySession({ sysrootDir: '/x', demo: null, note: 'x' }), instances: [{ root: '/var/qmail', me: 'a', accepts: 1, delivers: 1, acceptsAll: false }] };
  const s = initialState(data, 'notes');
  const pane = notesView.pane({ data, ui: s, width: 80, height: 20 });
  const ctx = { state: s, pane, available: ['domains', 'notes'], listHeight: 10, tooSmall: false, keymap: { views }, helpCount: 0 };
  assert.deepEqual(keyActions('x', {}, ctx), [{ type: 'status', text: 'hello, note about /var/qmail' }]);
  assert.deepEqual(keyActions('x', {}, { ...ctx, state: { ...s, view: 'domains' } }), [], 'x means nothing in the Domains view');
  const empty = { ...pane, rows: [] };
  assert.deepEqual(keyActions('x', {}, { ...ctx, pane: empty }), [{ type: 'status', text: 'no note to greet' }]);
  const kc = { state: s, view: 'notes', pane, row: pane.rows[0], available: ['notes'], listHeight: 10 };
  assert.ok(footerHints({ views, view: 'notes', ctx: kc }).some((h) => h.hint === 'hello'));
  assert.ok(!footerHints({ views, view: 'notes', ctx: { ...kc, pane: empty } }).some((h) => h.hint === 'hello'));
  // A view key while loading: the view opens once its data is here; after the load, the key says why not.
  assert.deepEqual(keyActions('5', {}, ctx), [{ type: 'wantView', view: 'veil' }, { type: 'status', text: 'the Veil view is not available yet: it opens as soon as its data has loaded' }]);
  const loaded = { ...ctx, state: { ...s, data: { ...data, progress: null } } };
  assert.deepEqual(keyActions('5', {}, loaded), [{ type: 'status', text: 'the veil view is not available (its data is not loaded)' }]);
  assert.deepEqual(keyActions('', { tab: true }, { ...ctx, available: ['notes'] }), [{ type: 'status', text: 'only one view has loaded so far' }]);
});

test('every key is bound once, the bundled views included', () => {
  for (const table of [KEYMAP, keymapOf(views)]) {
    const seen = new Set<string>();
    for (const b of table) for (const k of b.keys) {
      const id = JSON.stringify(k);
      assert.ok(!seen.has(id), `${id} bound twice (${b.command})`);
      seen.add(id);
    }
    assert.equal(new Set(table.map((b) => b.command)).size, table.length, 'command names are unique');
  }
  assert.ok(bindings({ view: 'queues' }).some((b) => b.command === 'shape'));
  assert.ok(!bindings({ view: 'domains' }).some((b) => b.command === 'shape'));
});

test('the App offers the new view on its digit and runs its key', async () => {
  const app = renderApp(fixture, { views });
  await app.waitFor((f) => f.includes(`${N} Notes`));
  await app.press(N);
  let f = await app.waitFor((f) => f.includes('note about /var/qmail2'));
  assert.match(f, /x hello/, 'its hint is in the footer');
  await app.press('x');
  f = await app.waitFor((f) => f.includes('hello, note about /var/qmail'));
  await app.press('1');
  await app.press('x');
  f = await app.waitFor((f) => f.includes('Domains') && !f.includes('hello, note'));
  assert.ok(!/x hello/.test(f), 'not offered in another view');
  await app.press('?');
  await app.press(KEYS.esc);
  app.unmount();
});
