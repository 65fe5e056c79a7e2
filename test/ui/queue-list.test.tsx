// Issue 21 points 2, 3, 8 and 10 in the Queues view: columns of fixed widths
// (one space at least between them, wider with the terminal), `o` orders
// the list and the header marks the column, the shape table names each
// section in full, a vmailmgr host without a queue says so once, and a
// message stuck in todo/ is flagged with its age.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { render } from 'ink-testing-library';
import { loadSession, FIXTURE } from './helpers/session.js';
import { stripAnsi } from './helpers/keys.js';
import { viewKey } from './helpers/view-keys.js';
import { writeQueue } from '../helpers/queue-writer.js';
import { initialState, reduce, type UiState, type UiAction } from '../../source/ui/store.js';
import { queuesView, type QueueRow } from '../../source/ui/views/queues-view.js';
import { queueColumns, share, sizeText, SORTS } from '../../source/ui/views/queue-columns.js';
import type { TextRow } from '../../source/ui/views/text-pane.js';
import type { SessionData } from '../../source/ui/session-data.js';

const DEMO = (name: string): string => fileURLToPath(new URL(`../../demo/${name}`, import.meta.url)).replace('/dist/demo/', '/demo/');
const multi = await loadSession(DEMO('multi'));

const ui = (data: SessionData, ...as: UiAction[]): UiState => as.reduce(reduce, initialState(data, 'queues'));
const paneOf = (s: UiState, width: number, height = 20) => queuesView.pane({ data: s.data, ui: s, width, height });
function draw(s: UiState, width: number, height: number): string[] {
  const p = paneOf(s, width, height);
  const inst = render(queuesView.render({ pane: p, ui: s, data: s.data, width, height }));
  const f = stripAnsi(inst.lastFrame() ?? '');
  inst.unmount();
  return f.split('\n');
}

for (const [width, height] of [
  [60, 16 - 7],
  [80, 24 - 7],
  [200, 50 - 7],
]) {
  test(`message list at ${width} columns: every column at its fixed place with a space after it, header included`, () => {
    const s = ui(multi.data);
    const rows = paneOf(s, width).rows as QueueRow[];
    const cols = queueColumns(rows, width, true);
    assert.ok(cols.reduce((n, c) => n + c.width + 1, 1) <= width + 1, `columns fit in ${width}`);
    const lines = draw(s, width, height);
    const head = lines.findIndex((l) => /^ inst +id +age/.test(l));
    assert.ok(head > 0, lines.join('\n'));
    const drawn = [lines[head], ...lines.slice(head + 1).filter((l) => /^[› ](qmail|\/var)/.test(l))];
    assert.ok(drawn.length >= 5, `the list keeps at least four rows: ${lines.join('\n')}`);
    for (const line of drawn) {
      assert.ok(line.length <= width, line);
      let at = 1;
      for (const c of cols.slice(0, -1)) {
        assert.equal(line[at + c.width], ' ', `a space after ${c.key} (${c.width} wide) in: ${line}`);
        at += c.width + 1;
      }
    }
    // The header names every column apart: never "recipientssubject".
    assert.match(lines[head], /sender\S* +recipi\S* +subject\S* +state/);
    if (width >= 200) {
      // Wide enough for the whole of every address and subject in the listing.
      assert.match(lines.slice(head).join('\n'), /\/var\/qmail +1311414 +\S+ +215 erin@y\.example +bob@a\.example \+1 +Meeting 13 +… 1 pending/);
    }
  });
}

test('columns grow with the terminal and stop at their longest value', () => {
  const rows = paneOf(ui(multi.data), 80).rows as QueueRow[];
  let prev: Map<string, number> | null = null;
  for (const w of [60, 70, 80, 100, 120, 160, 200, 300]) {
    const widths = new Map<string, number>(queueColumns(rows, w, true).map((c) => [c.key, c.width]));
    // (The size column joins when there is room for it.)
    if (prev) for (const [k, x] of prev) assert.ok((widths.get(k) ?? -1) >= x, `${k} shrank from ${x} to ${widths.get(k)} at ${w}`);
    prev = widths;
  }
  const wide = queueColumns(rows, 300, true);
  const longestSender = Math.max(...rows.map((r) => (r.m.sender === '' ? '<> (bounce)' : r.m.sender ?? '').length));
  assert.equal(wide.find((c) => c.key === 'sender')!.width, longestSender);
  assert.deepEqual(share(30, [5, 40, 40], 6), [6, 12, 12]);
  assert.deepEqual(share(100, [5, 10, 20], 6), [6, 10, 20]);
  assert.deepEqual([sizeText(812), sizeText(14_500), sizeText(3_300_000), sizeText(12_000_000_000)], ['812', '14K', '3.1M', '11G']);
});

test('o orders the list: age (oldest first), size (largest first), sender, recipient domain, then back; the header marks the column', () => {
  let s = ui(multi.data);
  const seen: string[] = [];
  for (let i = 0; i < SORTS.length; i++) {
    s = reduce(s, viewKey(queuesView, 'order', s, paneOf(s, 80)));
    const rows = paneOf(s, 80).rows as QueueRow[];
    const key = s.sorts.queues;
    seen.push(key);
    const lines = draw(s, 80, 17);
    const sort = SORTS.find((x) => x.key === key)!;
    assert.ok(lines.some((l) => l.includes(`o order: ${sort.words}`)), lines.join('\n'));
    const head = lines.find((l) => /^ inst +id/.test(l))!;
    if (sort.column) assert.match(head, new RegExp(`${sort.column === 'rcpt' ? 'recipients' : sort.column}▾`));
    else assert.ok(!head.includes('▾'));
    const pairs = rows.slice(1).map((r, k) => [rows[k], r] as const);
    if (key === 'age') assert.ok(pairs.every(([a, b]) => a.m.queuedMs <= b.m.queuedMs));
    if (key === 'size') assert.ok(pairs.every(([a, b]) => a.m.size >= b.m.size));
    if (key === 'domain') {
      const dom = (r: QueueRow) => (r.m.firstRecipient ?? '').split('@').pop()!.toLowerCase();
      assert.ok(pairs.every(([a, b]) => dom(a) <= dom(b)));
    }
    // The cursor starts at the top of the new order.
    assert.equal(s.lists.queues.cursor, 0);
  }
  assert.deepEqual(seen, ['age', 'size', 'sender', 'domain', 'queue']);
});

test('the shape table names every section in full: installation and channel, at 80 and 60 columns', () => {
  let s = ui(multi.data);
  s = reduce(s, viewKey(queuesView, 'shape', s, paneOf(s, 80)));
  for (const width of [80, 60]) {
    const rows = paneOf(s, width).rows as TextRow[];
    for (const root of ['/var/qmail', '/var/qmail2', '/var/qmail3']) {
      for (const chan of ['remote', 'local']) assert.ok(rows.some((r) => r.bold && r.text.startsWith(`${root} ${chan}`)), `${root} ${chan} at ${width}`);
    }
    assert.ok(rows.every((r) => r.text.length <= width - 1), 'no row wider than the pane');
  }
});

test('a host without a queue directory says so once, not also "the queues are empty"', async () => {
  const vm = await loadSession(DEMO('vmailmgr'));
  const lines = draw(ui(vm.data), 80, 17).join('\n');
  assert.match(lines, /\/var\/qmail +no queue directory \(\/var\/qmail\/queue\)/);
  assert.match(lines, /nothing to list: no installation shown has a queue directory/);
  assert.ok(!/queues are empty/.test(lines));
});

test('a message in todo/ for more than five minutes is flagged in the Queues view and in the Problems view', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qlens-ui-stuck-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  fs.cpSync(FIXTURE, dir, { recursive: true });
  // Now is 2026-11-25T12:00Z (loadSession): one todo message from 10:00, one from a minute ago.
  writeQueue(
    dir,
    '/var/qmail',
    [
      { id: 301, sender: 'carol@example.net', recipients: ['alice@example.com'], state: 'todo', queued: '2026-11-25T10:00:00Z' },
      { id: 302, sender: 'carol@example.net', recipients: ['alice@example.com'], state: 'todo', queued: '2026-11-25T11:59:00Z' },
    ],
    { split: 23 },
  );
  const s = await loadSession(dir);
  const lines = draw(ui(s.data), 80, 17);
  const at = lines.findIndex((l) => l.startsWith('/var/qmail '));
  assert.match(lines[at], /2 messages, 2 not yet preprocessed · 2 listed$/);
  assert.equal(lines[at + 1], '  ! 1 message in todo/ over 5 minutes (oldest 2h 0m): is qmail-send running?');
  assert.ok(!lines.some((l) => l.startsWith('/var/qmail2 ') && lines[lines.indexOf(l) + 1].includes('todo/')));
  const p = s.data.parts.problems!.find((d) => d.code === 'todo-stuck');
  assert.ok(p, 'the Problems view lists it');
  assert.equal(p.path, '/var/qmail/queue/todo');
  assert.match(p.message, /^1 message in todo\/ for more than 5 minutes \(the oldest 2h 0m\): qmail-send is not running for \/var\/qmail/);
  // /var/qmail2 has nothing queued: nothing is flagged there.
  assert.ok(!s.data.parts.problems!.some((d) => d.code === 'todo-stuck' && d.path.startsWith('/var/qmail2')));
});
