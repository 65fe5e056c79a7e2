// End-to-end: the built program (dist/) in a real pseudo-terminal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withSession, ROOT } from './helpers/pty-session.js';
import { KEYS } from '../ui/helpers/keys.js';

const DEMO = fs.existsSync(path.join(ROOT, 'demo', 'multi', 'var', 'qmail', 'control')) ? 'demo/multi' : 'test/fixtures/ui-multi';

test('opens in the alternate screen, shows the installations, quits with q and status 0, restores the screen', async () => {
  await withSession({ args: ['--sysroot', DEMO] }, async (s) => {
    const t = await s.untilText(/\/var\/qmail +me /);
    assert.ok(s.screen.alternate, 'alternate screen in use');
    assert.match(t, /q quit/);
    await s.press('?');
    await s.untilText('Keys —');
    await s.press(KEYS.esc);
    await s.until((t) => !t.includes('Keys —'), 'help closed');
    await s.press(KEYS.f1);
    await s.untilText('Keys —');
    await s.press('q');
    await s.until((t) => !t.includes('Keys —'), 'q closes help first');
    await s.press('q');
    assert.equal(await s.exited, 0);
    assert.ok(!s.screen.alternate, 'normal screen restored');
    assert.ok(s.raw.includes('\u001b[?1049l'));
  });
});

test('Ctrl-C quits from an input and restores the terminal', async () => {
  await withSession({ args: ['--sysroot', DEMO] }, async (s) => {
    await s.untilText('q quit');
    await s.press(':');
    await s.untilText('Enter run');
    await s.press(KEYS.ctrlC);
    assert.equal(await s.exited, 0);
    assert.ok(!s.screen.alternate);
  });
});

test('too small a terminal says the size needed; growing it brings the frame back', async () => {
  await withSession({ args: ['--sysroot', DEMO], cols: 50, rows: 12 }, async (s) => {
    await s.untilText('needs at least 60x16 (now 50x12)');
    s.resize(80, 24);
    await s.untilText('q quit');
    s.resize(120, 30);
    const t = await s.untilText('q quit');
    assert.ok(!t.includes('needs at least'));
    assert.equal(s.lines()[29], '', 'last row left free at the new size');
    s.resize(59, 20);
    await s.untilText('now 59x20');
    await s.press('q');
    assert.equal(await s.exited, 0);
  });
});

test('NO_COLOR: no colour escapes, states still readable', async () => {
  await withSession({ args: ['--sysroot', DEMO], env: { NO_COLOR: '1' } }, async (s) => {
    await s.untilText('q quit');
    // SGR colour codes 30-37, 90-97, 38;5 — none may appear; bold/inverse may.
    assert.ok(!/\u001b\[(3[0-8]|9[0-7])(;|m)/.test(s.raw), 'no foreground colour codes');
    await s.press('q');
    assert.equal(await s.exited, 0);
  });
});
