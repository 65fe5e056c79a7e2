import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { KEYMAP, commandFor, footerHints, keyListMarkdown, bindings } from '../../source/ui/keymap.js';
import { helpLines } from '../../source/ui/components/HelpOverlay.js';

test('every key maps to exactly one command (no two bindings share a key)', () => {
  const seen = new Map<string, string>();
  for (const b of KEYMAP) {
    for (const k of b.keys) {
      const id = JSON.stringify(k);
      assert.ok(!seen.has(id), `${id} bound to ${seen.get(id)} and ${b.command}`);
      seen.set(id, b.command);
    }
  }
});

test('the dispatcher reads the same table: keys resolve to their commands', () => {
  assert.equal(commandFor('q', {}), 'quit');
  assert.equal(commandFor('c', { ctrl: true }), 'quit');
  assert.equal(commandFor('c', {}), null);
  assert.equal(commandFor('?', {}), 'help');
  assert.equal(commandFor('', { f1: true }), 'help');
  assert.equal(commandFor('', { escape: true }), 'back');
  assert.equal(commandFor('j', {}), 'down');
  assert.equal(commandFor('', { downArrow: true }), 'down');
  assert.equal(commandFor('G', { shift: true }), 'bottom');
  assert.equal(commandFor('', { tab: true }), 'nextView');
  assert.equal(commandFor('', { tab: true, shift: true }), 'prevView');
  assert.equal(commandFor('4', {}), 'view4');
  assert.equal(commandFor('/', {}), 'filter');
  assert.equal(commandFor(':', {}), 'command');
  assert.equal(commandFor('', { return: true }), 'open');
  assert.equal(commandFor('k', { meta: true }), null, 'Alt-k is not k');
});

test('--read-only hides every write path from dispatcher, help and footer', () => {
  assert.equal(commandFor('e', {}), 'edit');
  assert.equal(commandFor('e', {}, { readOnly: true }), null);
  assert.ok(!bindings({ readOnly: true }).some((b) => b.writes));
  assert.ok(!helpLines({ readOnly: true }).some((l) => /edit/.test(l.text)));
  assert.ok(!footerHints({ readOnly: true }).some((h) => h.hint === 'edit'));
  assert.ok(!keyListMarkdown({ readOnly: true }).includes('`e`'));
});

test('help overlay and footer are generated from the table', () => {
  const help = helpLines({}).map((l) => l.text).join('\n');
  for (const b of KEYMAP) assert.ok(help.includes(b.description), `help lists ${b.command}`);
  const hints = footerHints({ scopes: ['global'] }).map((h) => h.hint);
  assert.deepEqual(hints, ['quit', 'help', 'back', 'trace']);
  // Commands switched off for the session disappear everywhere.
  assert.equal(commandFor('t', {}, { available: (c) => c !== 'trace' }), null);
});

test('the key list for the README has one row per binding', () => {
  const md = keyListMarkdown();
  const rows = md.trim().split('\n');
  assert.equal(rows.length, KEYMAP.length + 2);
  assert.match(md, /\| `q` `Ctrl-C` \| quit/);
  assert.match(md, /\| `\/` \| filter the list live/);
});

test('README key list, when present between markers, matches the keymap', (t) => {
  let readme = '';
  try {
    readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  } catch {
    try {
      readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    } catch {
      readme = '';
    }
  }
  const m = /<!-- keys:start -->\n([\s\S]*?)<!-- keys:end -->/.exec(readme);
  if (!m) {
    t.skip('README has no <!-- keys:start --> / <!-- keys:end --> markers yet');
    return;
  }
  assert.equal(m[1], keyListMarkdown(), 'README key list is stale: regenerate it with node scripts/readme-keys.mjs');
});
