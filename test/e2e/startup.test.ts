// Issue 21 point 7, start-up in a real terminal: from the first frame drawn
// to the loaded screen, no frame is blank; every "loading" says what it
// loads; a view key pressed while loading opens that view once it exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PtySession } from './helpers/pty-session.js';
import { Screen } from '../ui/helpers/screen.js';

/**
 * Every screen the output went through, one per read from the pty: sampling
 * the live screen could miss a blank that lasts a few milliseconds.
 */
async function replay(chunks: string[], cols: number, rows: number): Promise<string[]> {
  const screen = new Screen(cols, rows);
  const out: string[] = [];
  try {
    for (const c of chunks) {
      screen.write(c);
      await screen.settled();
      out.push(screen.text());
    }
  } finally {
    screen.dispose();
  }
  return out;
}

test('start-up frames: never blank after the first, each loading step named, a view key typed early is kept', { timeout: 240_000 }, async () => {
  const s = new PtySession({ args: ['--sysroot', 'demo/multi'], cols: 80, rows: 24 });
  const frames: string[] = [];
  let pressed = false;
  try {
    const end = Date.now() + 90_000;
    for (;;) {
      await s.screen.settled();
      const t = s.text();
      if (t !== frames.at(-1)) frames.push(t);
      // The first facts are on screen: press 6 (Problems) long before the checks are done.
      if (!pressed && /\/var\/qmail3 +me /.test(t)) {
        s.proc.write('6');
        pressed = true;
      }
      if (pressed && /qlens check: \d+ errors?/.test(t) && !/loading/.test(t)) break;
      if (Date.now() > end) throw new Error(`start-up did not end with the Problems view; last screen:\n${t}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const first = frames.findIndex((f) => f.trim() !== '');
    assert.ok(first >= 0);
    const blank = frames.slice(first).findIndex((f) => f.trim() === '');
    assert.equal(blank, -1, `a blank frame after the first one (frame ${first + blank} of ${frames.length})`);
    for (const f of frames) {
      const m = /loading \d+\/\d+([^\n]*)/.exec(f);
      if (m) assert.match(m[1], /^ [a-z.]/, `"loading" says what it loads: ${m[0]}`);
    }
    assert.ok(pressed);
    // The same over every intermediate screen the bytes made.
    const all = await replay(s.chunks, 80, 24);
    const drawn = all.findIndex((f) => f.trim() !== '');
    const gap = all.slice(drawn).findIndex((f) => f.trim() === '');
    assert.equal(gap, -1, `a blank screen between frames (after chunk ${drawn + gap} of ${all.length})`);
    // The first screen already says what was opened.
    assert.match(all[drawn], /qlens +sysroot demo\/multi/);
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- last screen ---\n${s.text()}`);
  } finally {
    s.kill();
  }
});
