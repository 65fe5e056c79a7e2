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
    // The facts come first (a plain pre-frame while Ink loads), then the frame with its footer.
    await s.untilText(/\/var\/qmail +me /);
    assert.ok(s.screen.alternate, 'alternate screen in use');
    const t = await s.untilText(/q quit/);
    assert.match(t, /\/var\/qmail +me /);
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

test('every view by digit and Tab; trace an address and read its mailbox; filter with /', async () => {
  await withSession({ args: ['--sysroot', DEMO], cols: 80, rows: 24 }, async (s) => {
    await s.untilText(/6 Problems/, 15_000);
    const views: Array<[string, RegExp]> = [
      ['1', /domain +\/var\/qmail/],
      ['2', /\d+ messages +\(Enter opens a message/],
      ['3', /\.qmail files: \d+/],
      ['4', /Trace — an address walked|trace /],
      ['5', /\d+ leaks: /],
      ['6', /qlens check: \d+ errors?/],
      ['7', /Log — newest first/],
    ];
    for (const [key, re] of views) {
      await s.press(key);
      await s.untilText(re);
    }
    await s.press(KEYS.tab);
    await s.untilText(/domain +\/var\/qmail/);
    await s.press(KEYS.shiftTab);
    await s.untilText(/Log — newest first/);
    // Queues: Down, Enter opens a message, Esc returns to the list.
    await s.press('2');
    await s.untilText(/Enter opens a message/);
    await s.press(KEYS.down);
    await s.press(KEYS.enter);
    await s.untilText(/message #\d+ in \/var\/qmail/);
    await s.untilText(/recipients \(\d+/);
    await s.press(KEYS.esc);
    await s.untilText(/Enter opens a message/);
    // t opens the trace input; type an address; Enter; the mailbox path is on the screen.
    await s.press('t');
    await s.untilText('trace address:');
    await s.press('\u0015'); // Ctrl-U clears the pre-filled text
    await s.type('alice@a.example');
    await s.press(KEYS.enter);
    const t = await s.untilText(/maildir +\/home\/alice\/Maildir\//);
    assert.match(t, /trace alice@a\.example/);
    // / filters the Domains list live; Esc clears it.
    await s.press('1');
    await s.untilText(/domain +\/var\/qmail/);
    await s.press('/');
    await s.type('lists');
    let f = await s.untilText(/filter: lists · \d+ of \d+ domains/);
    assert.match(f, /lists\.b\.example/);
    assert.ok(!/shop\.example/.test(f), 'rows without "lists" are hidden');
    await s.press(KEYS.enter);
    await s.press(KEYS.esc);
    f = await s.until((t) => !t.includes('filter: lists'), 'filter cleared');
    assert.match(f, /shop\.example/);
    await s.press('q');
    assert.equal(await s.exited, 0);
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

test('bare qlens opens / or, without /var/qmail/control, the bundled demo multi, and says which', async () => {
  await withSession({ args: [] }, async (s) => {
    if (fs.existsSync('/var/qmail/control')) {
      await s.untilText('qlens  this machine (/)');
    } else {
      await s.untilText(/qlens  demo multi \(no \/var\/qmail\/control on this machine\)/);
      await s.untilText('/var/qmail2');
      await s.untilText('q quit');
    }
    await s.press('q');
    assert.equal(await s.exited, 0);
  });
});
