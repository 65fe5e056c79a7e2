// Issue 21 point 1: nothing important is only "…". At 80x24 and 60x16 the
// selected row of a list is shown whole under it, `v` shows it in full
// (wrapped, scrolling), Enter on a row that opens nothing shows it too, and
// two rows that would look the same once cut show where they differ.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import * as fs from 'node:fs';
import { renderApp } from './helpers/ink-app.js';
import { KEYS } from './helpers/keys.js';
import { openTextRow, rowShown, detailText, type TextRow } from '../../source/ui/views/text-pane.js';
import { problemRows } from '../../source/ui/views/problems-view.js';
import { loadSession } from './helpers/session.js';

const DEMO = (name: string): string => fileURLToPath(new URL(`../../demo/${name}`, import.meta.url)).replace('/dist/demo/', '/demo/');
const demoNow = (name: string): number => Date.parse(fs.readFileSync(`${DEMO(name)}/.demo-now`, 'utf8').trim());

const SIZES = [
  { columns: 80, rows: 24 },
  { columns: 60, rows: 16 },
];

/** Every line of the frame fits the terminal, and the frame leaves the last row free. */
function fits(frame: string, size: { columns: number; rows: number }): void {
  const lines = frame.split('\n');
  assert.ok(lines.length <= size.rows - 1, `${lines.length} lines in ${size.rows} rows`);
  for (const l of lines) assert.ok([...l].length <= size.columns, `line wider than ${size.columns}: ${l}`);
}

// The first problem's whole text, as the view builds it (the demo may gain problems: the test follows it).
const multi = await loadSession(DEMO('multi'));
const firstRow = problemRows(multi.data.parts.problems!)[0].text;
const squeeze = (t: string): string => t.replace(/\s+/g, ' ').trim();

for (const size of SIZES) {
  test(`Problems at ${size.columns}x${size.rows}: the two L14 rows on /home/cmail/.qmail-orders show their installations; the selected row is whole under the list; v shows all of it`, async () => {
    const app = renderApp(DEMO('multi'), {}, { size, now: demoNow('multi') });
    try {
      await app.waitFor((f) => / 6 Prob/.test(f));
      await app.press('6');
      let f = await app.waitFor((f) => /qlens check: \d+ errors?/.test(f));
      fits(f, size);
      const l14 = f.split('\n').filter((l) => l.includes('/home/cmail/.qmail-orders'));
      assert.equal(l14.length, 2, f);
      assert.match(l14[0], /\.qmail-orders:1 … (delivered )?by \/var\/qmail2/);
      assert.match(l14[1], /\.qmail-orders:1 … (delivered )?by \/var\/qmail3/);
      // The first row, selected: its start is on the row, its end under the list.
      const lines = f.split('\n');
      const footer = lines.findIndex((l) => /^q quit/.test(l));
      const under = lines.slice(footer - 2, footer).join(' ');
      assert.ok(squeeze(firstRow).startsWith(squeeze(under).slice(0, size.columns)), `under the list: ${under}`);
      // v: the whole text, to its last word, wrapped to the width.
      await app.press('v');
      f = await app.waitFor((f) => /the whole row — v or Esc closes/.test(f));
      assert.match(f.split('\n').at(-1)!, /Esc\/v close/);
      // Page down to its end: every line of it is seen once.
      const seen: string[] = [];
      for (let page = 0; page < 5; page++) {
        fits(f, size);
        const lines = f.split('\n');
        const top = lines.findIndex((l) => /the whole row/.test(l));
        seen.push(...lines.slice(top + 1, -1));
        const at = /(\d+)-(\d+) of (\d+)/.exec(lines[top]);
        if (!at || at[2] === at[3]) break;
        await app.press(KEYS.pageDown);
        f = await app.waitFor((g) => g !== f);
      }
      const body = [...new Set(seen)].join(' ').replace(/ +/g, ' ');
      assert.equal(squeeze(body), squeeze(firstRow), 'the whole row, every word of it');
      await app.press(KEYS.esc);
      f = await app.waitFor((f) => /qlens check: \d+ errors?/.test(f));
      // Down to the second L14 row: the line under the list follows the cursor.
      const second = /^›.*\/home\/cmail\/\.qmail-orders:1 … .*\/var\/qmail3/m;
      for (let i = 0; i < 30 && !second.test(f); i++) {
        const before = f;
        await app.press('j');
        f = await app.waitFor((g) => g !== before);
      }
      f = await app.waitFor((f) => second.test(f));
      fits(f, size);
      // Under the list, the row from its start (at 80 columns far enough to name the installation).
      const below = f.split('\n').slice(-3, -1).join(' ');
      assert.match(below, /^✗ error +\/home\/cmail\/\.qmail-orders:1 +L14/);
      if (size.columns >= 80) assert.match(below, /delivered by \/var\/qmail3/);
    } finally {
      app.unmount();
    }
  });
}

test('rowShown: neighbours alike up to the cut show their first columns, "…", and the words where they part', () => {
  const a = '✗ error   /home/cmail/.qmail-orders:1  L14 /home/cmail/.qmail-orders (line 1), delivered by /var/qmail2, forwards to alice@a.example';
  const rows: TextRow[] = [{ text: a }, { text: a.replace('qmail2', 'qmail3') }, { text: 'short' }, { text: 'x'.repeat(200) }];
  assert.equal(rowShown(rows, 0, 79), '✗ error   /home/cmail/.qmail-orders:1 … delivered by /var/qmail2, forwards to alice@a.example');
  assert.equal(rowShown(rows, 1, 79), '✗ error   /home/cmail/.qmail-orders:1 … delivered by /var/qmail3, forwards to alice@a.example');
  // Rows that fit, or differ before the cut, are drawn as they are.
  assert.equal(rowShown(rows, 2, 79), 'short');
  assert.equal(rowShown(rows, 0, 200), a);
  assert.equal(rowShown(rows, 3, 79), 'x'.repeat(200));
});

test('detailText: the whole text over the lines under the list, the last one saying v shows the rest', () => {
  assert.deepEqual(detailText('one two three', 40, 2), ['one two three']);
  const long = Array.from({ length: 40 }, (_x, i) => `word${i}`).join(' ');
  const d = detailText(long, 60, 2);
  assert.equal(d.length, 2);
  assert.ok(d.every((l) => l.length <= 60));
  assert.match(d[1], /… \(v: whole\)$/);
});

test('Enter on a row that opens nothing shows its whole text; a row with a file opens the file', () => {
  const open = openTextRow('problems', 'Problems');
  assert.deepEqual(open({ text: '  a long note  ' }), { type: 'showText', title: 'Problems', text: 'a long note' });
  assert.equal(open({ text: '   ' }), null);
  assert.notEqual(open({ text: 'x', jump: { path: '/etc/passwd', line: 3 } })?.type, 'showText');
});
