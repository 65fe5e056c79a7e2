// Issue 21 points 7, 8 and 9: the filter always in sight, help that scrolls
// and says where it is, a too-small message that fits, loading steps that
// say what they load; words and counts that agree; a pasted address traced
// as qmail-inject would read it, and a sysroot that is not qmail explained.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderApp } from './helpers/ink-app.js';
import { KEYS } from './helpers/keys.js';
import { loadSession } from './helpers/session.js';
import { tooSmallMessage, MIN_COLUMNS, MIN_ROWS } from '../../source/ui/layout.js';
import { startLoad } from '../../source/ui/loader.js';
import { progressText } from '../../source/ui/header-text.js';
import { countText } from '../../source/ui/views/text-pane.js';
import { cleanAddress } from '../../source/ui/trace-input.js';
import { keyActions } from '../../source/ui/key-dispatch.js';
import { initialState, reduce, type UiState } from '../../source/ui/store.js';
import { dotqmailView } from '../../source/ui/views/dotqmail-view.js';
import { problemsView } from '../../source/ui/views/problems-view.js';
import { veilView } from '../../source/ui/views/veil-view.js';
import type { TextRow } from '../../source/ui/views/text-pane.js';

const DEMO = (name: string): string => fileURLToPath(new URL(`../../demo/${name}`, import.meta.url)).replace('/dist/demo/', '/demo/');
const demoNow = (name: string): number => Date.parse(fs.readFileSync(`${DEMO(name)}/.demo-now`, 'utf8').trim());
const multi = await loadSession(DEMO('multi'));

function tempDir(files: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qlens-newcomer-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  for (const [p, c] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    if (p.endsWith('/')) fs.mkdirSync(path.join(dir, p), { recursive: true });
    else fs.writeFileSync(path.join(dir, p), c);
  }
  return dir;
}

for (const size of [
  { columns: 80, rows: 24 },
  { columns: 60, rows: 16 },
]) {
  test(`${size.columns}x${size.rows}: an active filter leads the list's first line ("filter: L14 · 3 of N problems")`, async () => {
    const app = renderApp(DEMO('multi'), {}, { size, now: demoNow('multi') });
    try {
      await app.waitFor((f) => / 6 Prob/.test(f));
      await app.press('6');
      await app.waitFor((f) => /qlens check:/.test(f));
      await app.press('/', 'L', '1', '4', KEYS.enter);
      const f = await app.waitFor((f) => /filter: L14/.test(f));
      const head = f.split('\n').find((l) => l.includes('filter: L14'))!;
      assert.match(head, /^filter: L14 · 3 of \d+ problems +qlens check/);
      // The Queues list says it the same way.
      await app.press('2');
      await app.press('/', 'M', 'e', 'e', 't', KEYS.enter);
      const q = await app.waitFor((f) => /filter: Meet/.test(f));
      assert.match(q, /^filter: Meet · \d+ of \d+ messages +\(Enter opens/m);
    } finally {
      app.unmount();
    }
  });

  test(`${size.columns}x${size.rows}: help says which lines it shows, PgDn moves a page, G the end`, async () => {
    const app = renderApp(DEMO('plain'), {}, { size, now: demoNow('plain') });
    try {
      await app.waitFor((f) => / 6 Prob/.test(f));
      await app.press('?');
      let f = await app.waitFor((f) => /Keys — \? or Esc closes this help/.test(f));
      const pos = (t: string): number[] => {
        const m = /(\d+)-(\d+) of (\d+)/.exec(t.split('\n').find((l) => l.includes('Keys —'))!);
        assert.ok(m, t);
        return m.slice(1).map(Number);
      };
      const [a, b, n] = pos(f);
      assert.equal(a, 1);
      assert.ok(n > b, 'more lines than the screen holds');
      assert.match(f.split('\n').at(-1)!, /Esc\/\? close/);
      await app.press(KEYS.pageDown);
      f = await app.waitFor((g) => pos(g)[0] !== 1);
      // A page down starts at the line after the last one shown (or shows the last page whole).
      assert.equal(pos(f)[0], Math.min(b + 1, n - b + 1));
      assert.equal(pos(f)[1] - pos(f)[0], b - a, 'a page is as long as before');
      await app.press('G');
      f = await app.waitFor((g) => pos(g)[1] === n);
      if (size.columns >= 80) assert.match(f, /the end/);
      for (const l of f.split('\n')) assert.ok(l.length <= size.columns, l);
    } finally {
      app.unmount();
    }
  });
}

test('the too-small message fits the space it has and says how to quit', () => {
  for (let c = 1; c < MIN_COLUMNS; c++) {
    const m = tooSmallMessage(c, 10);
    if (c >= 20) assert.ok(m.length <= c, `${c} columns: ${m}`);
    if (c >= 20) assert.match(m, /q (exits|to quit)/);
  }
  assert.equal(tooSmallMessage(40, 10), 'enlarge to 60x16 (now 40x10) · q exits');
  assert.equal(tooSmallMessage(59, 30), `qlens needs at least ${MIN_COLUMNS}x${MIN_ROWS} (now 59x30) · q exits`);
  assert.equal(tooSmallMessage(30, 5), 'enlarge to 60x16 · q exits');
  assert.equal(tooSmallMessage(20, 5), '60x16 · q exits');
});

test('every loading step the loader publishes says what it loads', async () => {
  const steps = new Set<string>();
  const loader = startLoad({ source: { sysrootDir: DEMO('multi'), demo: null, note: '' }, instances: [], now: demoNow('multi') }, (d) => {
    if (d.progress) steps.add(progressText(d));
  });
  await loader.done;
  assert.ok(steps.size >= 3, [...steps].join('\n'));
  for (const s of steps) assert.match(s, /^loading \d+\/\d+ [a-z(]\S* \S/, s);
  assert.ok([...steps].some((s) => /control files of \/var\/qmail2/.test(s)));
  assert.ok([...steps].some((s) => /checking \(qlens check\)/.test(s)));
});

test('counts agree with their words: "1 line", .qmail files counted once each whatever is folded, notes marked as notes', async () => {
  assert.equal(countText(1, 1, ['line', 'lines'], undefined), '1 line');
  assert.equal(countText(2, 2, ['line', 'lines'], undefined), '2 lines');
  assert.equal(countText(1, 36, ['leak', 'leaks'], 'L14'), 'filter: L14 · 1 of 36 leaks');
  let s: UiState = initialState(multi.data, 'dotqmail');
  const p = dotqmailView.pane({ data: s.data, ui: s, width: 80, height: 17 });
  const files = Number(/\.qmail files: (\d+)/.exec(p.title)![1]);
  // What is on disk: every .qmail file the tree names, each once.
  const onDisk = new Set((p.rows as TextRow[]).filter((r) => r.jump && r.jump.line === null && /\/\.qmail(-|$)/.test(r.jump.path)).map((r) => r.jump!.path));
  assert.equal(files, onDisk.size);
  assert.ok(files < p.rows.length, 'files, not rows');
  // Folding the first branch hides rows, not files.
  const branch = (p.rows as TextRow[]).find((r) => r.id)!;
  s = reduce(s, { type: 'toggleFold', id: branch.id! });
  const folded = dotqmailView.pane({ data: s.data, ui: s, width: 80, height: 17 });
  assert.ok(folded.rows.length < p.rows.length);
  assert.match(folded.title, new RegExp(`\\.qmail files: ${files} `));
  // Problems: severity info is a note, on the row and in the title.
  const pr = problemsView.pane({ data: multi.data, ui: initialState(multi.data, 'problems'), width: 80, height: 17 });
  const notes = (pr.rows as TextRow[]).filter((r) => r.text.startsWith('i note'));
  assert.ok(notes.length > 0);
  assert.ok(!(pr.rows as TextRow[]).some((r) => r.text.startsWith('i info')));
  assert.match(pr.title, new RegExp(`, ${notes.length} notes `));
  // Veil: installations named as every other view names them.
  const vr = veilView.pane({ data: multi.data, ui: initialState(multi.data, 'veil'), width: 120, height: 17 });
  assert.ok((vr.rows as TextRow[]).some((r) => r.text.includes('/var/qmail, /var/qmail2')));
  assert.ok(!(vr.rows as TextRow[]).some((r) => /\bqmail,qmail2\b/.test(r.text)));
});

test('an address pasted with angle brackets or blanks is traced as qmail-inject reads it, and the status line says so', () => {
  assert.deepEqual(cleanAddress('<alice@example.com>'), { address: 'alice@example.com', note: 'traced alice@example.com: the angle brackets around it dropped, as qmail-inject reads an address' });
  assert.deepEqual(cleanAddress('  Alice Smith <alice@example.com> '), { address: 'alice@example.com', note: 'traced alice@example.com: the name and angle brackets around it dropped, as qmail-inject reads an address' });
  assert.deepEqual(cleanAddress(' bob@example.com\t'), { address: 'bob@example.com', note: 'traced bob@example.com: the blanks around it dropped' });
  assert.deepEqual(cleanAddress('bob@example.com'), { address: 'bob@example.com', note: null });
  assert.deepEqual(cleanAddress('< bob@example.com >'), { address: 'bob@example.com', note: 'traced bob@example.com: the angle brackets around it dropped, as qmail-inject reads an address' });
  // Through the keys: t, the pasted text, Enter.
  let s: UiState = initialState(multi.data, 'domains');
  const ctx = () => ({ state: s, pane: null, available: ['domains', 'trace'] as string[], listHeight: 10, tooSmall: false, keymap: {}, helpCount: 1 });
  for (const a of keyActions('t', {}, ctx())) s = reduce(s, a);
  for (const a of keyActions('', { ctrl: true }, ctx())) s = reduce(s, a);
  for (const a of keyActions('u', { ctrl: true }, ctx())) s = reduce(s, a);
  for (const a of keyActions('<alice@a.example>', {}, ctx())) s = reduce(s, a);
  for (const a of keyActions('', { return: true }, ctx())) s = reduce(s, a);
  assert.equal(s.trace.address, 'alice@a.example');
  assert.match(s.status ?? '', /angle brackets around it dropped/);
  // And through :trace.
  s = initialState(multi.data, 'domains');
  for (const a of keyActions(':', {}, ctx())) s = reduce(s, a);
  for (const a of keyActions('trace <bob@b.example>', {}, ctx())) s = reduce(s, a);
  for (const a of keyActions('', { return: true }, ctx())) s = reduce(s, a);
  assert.equal(s.trace.address, 'bob@b.example');
});

test('a sysroot that holds no qmail says what qlens looked for, where, and what it found instead', async () => {
  const cases: Array<[string, RegExp]> = [
    [tempDir(), /the directory is empty/],
    [tempDir({ 'etc/passwd': 'root:x:0:0::/root:/bin/sh\n' }), /it has no var\/ \(it holds etc\)/],
    [tempDir({ 'var/log/': '', 'var/spool/': '' }), /var\/ holds no qmail\* directory \(it holds log, spool\)/],
    [tempDir({ 'var/qmail/bin/qmail-send': '' }), /var\/qmail has no control\/ directory/],
    [path.join(DEMO('plain'), 'var'), /it looks like a var\/ directory: --sysroot takes the directory above it/],
    [path.join(DEMO('plain'), 'var/qmail'), /it looks like a qmail installation itself: --sysroot takes the directory above var\//],
  ];
  for (const [dir, why] of cases) {
    const app = renderApp(dir);
    try {
      const f = await app.waitFor((f) => /no qmail installation found/.test(f) && !/loading/.test(f));
      const body = f.replace(/\n +/g, ' ');
      assert.match(body, /qlens looks for \S+\/var\/qmail\*\/control\//, f);
      assert.match(body, why, f);
      assert.match(f, /\(no view: nothing could be read, see below\)/);
      assert.ok(!/views appear as their data loads/.test(f));
    } finally {
      app.unmount();
    }
  }
});
