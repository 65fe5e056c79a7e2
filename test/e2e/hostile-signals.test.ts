// Issue 15.3 and 15.10, the TUI's side: it always quits — Ctrl-C, SIGHUP and
// SIGTERM, also while it is still loading (a FIFO at /.fsmeta and
// /etc/passwd used to block it in a read that no signal could end) — and a
// terminal that goes away (EIO on write) ends it quietly, not with
// "internal error: write EIO" and a stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { withSession, ROOT } from './helpers/pty-session.js';
import { build, evilWorld } from '../hostile/harness.js';

const HAVE_MKFIFO = spawnSync('mkfifo', ['--version']).status === 0;

/** The base world with FIFOs where the sysroot layer reads for itself. */
function fifoWorld(): string {
  const b = build();
  for (const p of ['/.fsmeta', '/etc/passwd']) {
    fs.rmSync(b.fx.host(p), { force: true });
    assert.equal(spawnSync('mkfifo', [b.fx.host(p)]).status, 0);
  }
  return b.fx.dir;
}

for (const [how, act, status] of [
  // Ctrl-C is the user quitting, as it is once the app is up: status 0.
  ['Ctrl-C', 'ctrl-c', 0],
  ['SIGTERM', 'SIGTERM', 143],
  ['SIGHUP', 'SIGHUP', 129],
] as const) {
  test(`the TUI over FIFOs at /.fsmeta and /etc/passwd draws, and ${how} right at the start ends it (${status})`, { skip: !HAVE_MKFIFO && 'no mkfifo', timeout: 60_000 }, async () => {
    const dir = fifoWorld();
    await withSession({ args: ['--sysroot', dir] }, async (s) => {
      // The first thing on screen (the pre-frame, before Ink is even loaded): loading has begun.
      await s.untilText(/qlens +sysroot/, 20_000);
      if (act === 'ctrl-c') s.proc.write('\x03');
      else process.kill(s.proc.pid, act);
      const end = Date.now() + 15_000;
      const code = await Promise.race([s.exited, new Promise<null>((r) => setTimeout(() => r(null), Math.max(0, end - Date.now())))]);
      assert.equal(code, status, `${how} did not end the TUI`);
    });
  });
}

test('the TUI over FIFOs loads completely (names the FIFOs as problems) and quits on Ctrl-C once up', { skip: !HAVE_MKFIFO && 'no mkfifo', timeout: 60_000 }, async () => {
  const dir = fifoWorld();
  await withSession({ args: ['--sysroot', dir] }, async (s) => {
    await s.untilText(/6 Problems/, 30_000);
    await s.untilText(/example\.com/, 30_000);
    await s.press('6');
    await s.untilText(/\/\.fsmeta.*not a regular file/, 30_000);
    await s.untilText(/\/etc\/passwd.*not a regular file/, 30_000);
    s.proc.write('\x03');
    assert.equal(await s.exited, 0);
  });
});

test('a terminal that goes away: a write EIO ends the TUI quietly (exit 129, nothing on stderr)', () => {
  const terminal = path.join(ROOT, 'dist', 'source', 'ui', 'terminal.js');
  const script = `
    import { installExitGuards } from ${JSON.stringify(terminal)};
    installExitGuards({ restore() { throw Object.assign(new Error('write EIO'), { code: 'EIO' }); } }, process.stdin);
    setTimeout(() => { throw Object.assign(new Error('write EIO'), { code: 'EIO', errno: -5, syscall: 'write' }); }, 0);
    setTimeout(() => {}, 5000);
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 129, r.stderr);
  assert.equal(r.stderr, '');
  // A real bug still says so.
  const bug = spawnSync(process.execPath, ['--input-type=module', '-e', script.replace("code: 'EIO', errno: -5, syscall: 'write'", "code: 'ERR_BUG'")], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(bug.status, 70);
  assert.match(bug.stderr, /^qlens: internal error: Error: write EIO/);
});

test('an installation whose directory name holds an escape sequence: the loading line and every screen show it escaped (the terminal is never retitled)', { timeout: 60_000 }, async () => {
  const dir = evilWorld();
  await withSession({ args: ['--sysroot', dir], cols: 120, rows: 30 }, async (s) => {
    await s.untilText(/6 Problems/, 30_000);
    for (const k of ['1', '2', '3', '5', '6']) await s.press(k);
    assert.ok(!s.raw.includes('\x1b]0;pwned'), 'an OSC from the directory name reached the terminal');
    assert.ok(!s.raw.includes('\u202e') && !s.raw.includes('\u009b'), 'a bidi override or C1 control reached the terminal');
    assert.match(s.raw, /\\x1b\]0;pwned/);
  });
});
