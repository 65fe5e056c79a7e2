// End-to-end: the Log view in a real pseudo-terminal at 80x24, as a new user
// meets it: the newest attempts first, a message's story, the summary, and
// following while the real multilog appends lines; a forged log line whose
// sender, recipient and server answer carry escape sequences is shown
// escaped, and none of its bytes reaches the terminal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { installation, story, HOSTILE } from '../helpers/log-story.js';
import { multilog } from '../helpers/multilog.js';
import { withSession, type PtySession } from './helpers/pty-session.js';
import { KEYS } from '../ui/helpers/keys.js';

function assertNoInjected(s: PtySession): void {
  for (const x of ['pwned-sender\u0007', '\u001b]', '\u0007', '\u001b[2J', '\u009b']) assert.ok(!s.raw.includes(x), `no ${JSON.stringify(x)} written to the terminal`);
}

test('Log view at 80x24: newest first, a story, the summary, following lines multilog appends; hostile text escaped', async () => {
  const fx = installation();
  story(fx, { cutLastLine: false });
  multilog(fx.host('/var/log/qmail'), HOSTILE);
  await withSession({ args: ['--sysroot', fx.dir], cols: 80, rows: 24 }, async (s) => {
    await s.untilText(/7 Log/, 15_000);
    await s.press('7');
    let t = await s.untilText(/Log — newest first .* \d+ attempts/);
    assert.match(t, /\/var\/qmail: multilog \/var\/log\/qmail/);
    // The forged attempt is the newest: on top, its recipient and text escaped.
    assert.match(t, /900 +✗ failure +v\\x1b\[2Jictim@evil\.example/);
    assertNoInjected(s);

    await s.press(KEYS.enter);
    t = await s.untilText(/message 900 in \/var\/qmail's log/);
    t = await s.untilText(/<x\\x1b\]0;pwned-sender\\x07@evil\.example>/);
    assert.match(t, /said: \\x9b2J\\x1b\]0;pwned-text\\x07/);
    assertNoInjected(s);
    // Esc and the next key in one read would be parsed as Alt-z: wait for the
    // list to come back before pressing on.
    await s.press(KEYS.esc);
    await s.until((t) => !/message 900 in \/var\/qmail's log/.test(t), 'the story closed');

    await s.press('z');
    t = await s.untilText(/Log summary/);
    assert.match(t, /delivery attempts: \d+: \d+ success, 1 deferral, 4 failure/);
    await s.press(KEYS.esc);
    await s.until((t) => !/Log summary/.test(t), 'the summary closed');

    await s.press('f');
    await s.untilText(/following live/);
    multilog(fx.host('/var/log/qmail'), ['new msg 950', 'info msg 950: bytes 95 from <late@b.example> qp 9500 uid 0', 'starting delivery 31: msg 950 to local a@a.example', 'delivery 31: success: did_1+0+0/', 'end msg 950']);
    t = await s.untilText(/950 +✓ success +a@a\.example/, 15_000);
    const lines = t.split('\n');
    assert.ok(lines.findIndex((l) => /950 +✓ success/.test(l)) < lines.findIndex((l) => /900 +✗ failure/.test(l)), 'the appended attempt is on top');
    assertNoInjected(s);
    await s.press(KEYS.esc);
    await s.press('q');
    assert.equal(await s.exited, 0);
  });
});
