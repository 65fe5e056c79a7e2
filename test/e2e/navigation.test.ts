// Issue 21 point 4 in a real terminal: Esc goes back one step at a time,
// along the jumps made (a queued recipient traced, t), like lazygit's stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withSession } from './helpers/pty-session.js';
import { KEYS } from '../ui/helpers/keys.js';

const selected = (t: string): string => t.split('\n').find((l) => l.startsWith('›')) ?? '';

test('Esc: trace view → the message the recipient came from → the message list → (t) the view t came from', { timeout: 240_000 }, async () => {
  await withSession({ args: ['--sysroot', 'demo/plain', '--now', '2026-11-24T09:00:00Z'], cols: 80, rows: 24 }, async (s) => {
    await s.untilText(/6 Problems/, 30_000);
    await s.press('2');
    await s.untilText(/13 listed/, 30_000);
    await s.press(KEYS.enter);
    await s.untilText(/recipients \(\d+; Enter traces one as queued\)/, 30_000);
    // Down to the first recipient row, one row at a time (each key waits for the cursor to move).
    for (let i = 0; i < 20 && !/(done|pending) +(local|remote) /.test(selected(s.text())); i++) {
      const before = s.text();
      await s.press('j');
      await s.until((t) => t !== before, 'the cursor moved', 30_000);
    }
    assert.match(selected(s.text()), /nobody@example\.org/);
    await s.press(KEYS.enter);
    await s.untilText(/trace nobody@example\.org as queued in \/var\/qmail/, 30_000);
    await s.untilText(/the walk/, 30_000);
    await s.press(KEYS.esc);
    let t = await s.untilText(/message #918206 in \/var\/qmail/, 30_000);
    assert.match(selected(t), /nobody@example\.org/, 'the message as it was, its cursor on the recipient');
    await s.press(KEYS.esc);
    t = await s.untilText(/13 messages +\(Enter opens a message/, 30_000);
    // t from the list: the trace input, Esc cancels it, Esc again comes back to the queues.
    await s.press('t');
    await s.untilText(/trace .*@/, 30_000);
    await s.press(KEYS.esc);
    await s.until((t) => /q quit/.test(t), 'input closed');
    await s.press(KEYS.esc);
    await s.untilText(/13 messages +\(Enter opens a message/, 30_000);
    await s.press('q');
    assert.equal(await s.exited, 0);
  });
});
