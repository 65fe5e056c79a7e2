// End-to-end (issue 9): a queued message whose Subject and body carry
// `ESC ] 0 ; pwned BEL` (set the window title) and `ESC [ 2 J` (clear the
// screen), and a .qmail file with raw control bytes (C0, C1 CSI, OSC). Both are
// opened in the TUI running in a real pseudo-terminal; the bytes the program
// writes hold none of the injected sequences, while the screen shows them as
// visible escapes. The program's own output has no OSC, BEL or clear-screen
// at all, so the check is strict: none of those bytes may appear.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeFixture } from '../helpers/fixture.js';
import { writeQueue } from '../helpers/queue-writer.js';
import { withSession, type PtySession } from './helpers/pty-session.js';
import { KEYS } from '../ui/helpers/keys.js';

const markerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qlens-e2e-marker-'));
const MARKER = path.join(markerDir, 'ran');

function hostileSysroot(): string {
  const fx = makeFixture({
    '/etc/passwd': 'root:x:0:0::/root:/bin/sh\nalias:x:7790:2108::/var/qmail/alias:/bin/false\nalice:x:1001:1001::/home/alice:/bin/sh\n',
    '/home/alice/.qmail': './Maildir/\n',
    '/home/alice/.qmail-evil': Buffer.from(
      `# A\x1b]0;pwned-dot\x07B\x1b[2JC\n&x\x1b[2Jy@example.com\n|echo \x9b2J \x1b]0;pwned-prog\x07; touch ${MARKER}\n\x00\r\x7f\x1b[?1049l\n./Maildir/\n`,
      'latin1',
    ),
    '/var/qmail/control/me': 'mail.example.com\n',
    '/var/qmail/control/locals': 'example.com\n',
    '/var/qmail/control/rcpthosts': 'example.com\n',
  });
  writeQueue(
    fx.dir,
    '/var/qmail',
    [
      {
        id: 1000001,
        sender: Buffer.from('x\x1b]0;pwned-sender\x07@remote.example', 'latin1'),
        born: '2026-11-25T10:00:00Z',
        recipients: [{ address: 'alice@example.com', channel: 'local' }],
        content: Buffer.from('Subject: A\x1b]0;pwned\x07B\x1b[2JC\nFrom: e@x\n\nbody D\x1b]0;pwned-body\x07E\x1b[2JF\n', 'latin1'),
      },
    ],
    { split: 23 },
  );
  return fx.dir;
}

/** Nothing the attacker wrote reaches the terminal as a control sequence. */
function assertNoInjected(s: PtySession): void {
  const raw = s.raw;
  assert.ok(!raw.includes('pwned\u0007'), 'no injected OSC title sequence');
  assert.ok(!raw.includes('\u001b]'), 'no OSC introducer at all');
  assert.ok(!raw.includes('\u0007'), 'no BEL at all');
  assert.ok(!raw.includes('\u001b[2J'), 'no clear-screen at all');
  assert.ok(!raw.includes('\u009b'), 'no C1 CSI');
  assert.ok(!raw.includes('\u0000'), 'no NUL');
  assert.equal(raw.split('\u001b[?1049l').length - 1, 0, 'the alternate screen is not left while running');
}

test('a hostile Subject and a .qmail file with raw control bytes, opened in the TUI: none of the injected bytes is written to the terminal', async () => {
  const dir = hostileSysroot();
  await withSession({ args: ['--sysroot', dir], cols: 100, rows: 30 }, async (s) => {
    await s.untilText(/6 Problems/, 15_000);
    // Queues view: the list shows the subject escaped; open the message.
    await s.press('2');
    let t = await s.untilText(/Enter opens a message/);
    await s.untilText(/A\\x1b\]0;pwned/);
    await s.press(KEYS.down);
    await s.press(KEYS.enter);
    t = await s.untilText(/message #1000001 in \/var\/qmail/);
    t = await s.untilText(/Subject: A\\x1b\]0;pwned\\x07B\\x1b\[2JC/);
    assert.match(t, /body D\\x1b\]0;pwned-body\\x07E\\x1b\[2JF/);
    assert.match(t, /x\\x1b\]0;pwned-sender\\x07@remote\.example/);
    assertNoInjected(s);
    await s.press(KEYS.esc);
    await s.untilText(/Enter opens a message/);
    // Dot-qmail view: the file's lines classified, then the file itself opened.
    await s.press('3');
    t = await s.untilText(/\.qmail-evil/);
    assert.match(t, /# A\\x1b\]0;pwned-dot\\x07B\\x1b\[2JC/);
    await s.press('/');
    await s.type('evil');
    await s.press(KEYS.enter);
    await s.untilText(/›\s*[-+]?\s*\.qmail-evil/);
    await s.press(KEYS.enter);
    await s.untilText(/\/home\/alice\/\.qmail-evil +\(Esc back\)/);
    t = await s.untilText(/\.\/Maildir\//);
    assert.match(t, /&x\\x1b\[2Jy@example\.com/);
    assert.match(t, /\|echo \\x9b2J \\x1b\]0;pwned-prog\\x07/);
    assert.match(t, /\\x00\\x0d\\x7f\\x1b\[\?1049l/);
    assertNoInjected(s);
    // The Trace view over the same file: the program line is described, never run.
    await s.press(KEYS.esc);
    await s.press(':');
    await s.type('trace alice-evil@example.com');
    await s.press(KEYS.enter);
    t = await s.untilText(/program +echo \\x9b2J/);
    assertNoInjected(s);
    await s.press('q');
    assert.equal(await s.exited, 0);
  });
  assert.equal(fs.existsSync(MARKER), false, 'the program line was never run');
  fs.rmSync(markerDir, { recursive: true, force: true });
});
