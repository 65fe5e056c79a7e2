// Issue 21 (what remained) in a real terminal: on the Trace view an address
// typed without t first is traced (its letters are not run as keys, q first
// of all), and q on the start screen quits only when pressed again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withSession, type PtySession } from './helpers/pty-session.js';
import { KEYS } from '../ui/helpers/keys.js';

const ARGS = ['--sysroot', 'demo/plain', '--now', '2026-11-24T09:00:00Z'];

/** From start-up to the Trace view's start screen, then q: the question it asks once. */
async function traceStartThenQ(s: PtySession, asked: RegExp): Promise<void> {
  await s.untilText(/6 Problems/, 30_000);
  await s.press('4');
  await s.untilText(/Trace — an address walked through qmail/, 30_000);
  await s.press('q');
  await s.untilText(asked, 30_000);
}

test('Trace view: "quinn@example.com" typed (and pasted) without t is traced; the program stays', { timeout: 240_000 }, async () => {
  await withSession({ args: ARGS, cols: 80, rows: 24 }, async (s) => {
    await traceStartThenQ(s, /q again quits · or go on typing/);
    // The rest arrives as one read, as a paste or a fast typist's burst does.
    await s.press('uinn@example.com');
    await s.untilText(/trace address: quinn@example\.com +\(Enter trace/, 30_000);
    await s.press(KEYS.enter);
    const t = await s.until((t) => /trace quinn@example\.com/.test(t) && /✗ bounce/.test(t), 'the trace of quinn@example.com', 30_000);
    assert.match(t, /the walk/);
    // With the address shown, a letter that is no key here (b) starts the next address; what follows is text.
    await s.type('bob');
    await s.untilText(/trace address: bob/, 30_000);
    await s.press(KEYS.esc);
    await s.until((t) => /q quit/.test(t), 'the prompt closed');
    await s.press('q');
    assert.equal(await s.exited, 0);
  });
});

test('Trace start screen: q asks once, q again quits (exit 0)', { timeout: 240_000 }, async () => {
  await withSession({ args: ARGS, cols: 80, rows: 24 }, async (s) => {
    await traceStartThenQ(s, /q again quits/);
    await s.press('q');
    assert.equal(await s.exited, 0);
  });
});
