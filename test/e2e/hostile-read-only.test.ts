// End-to-end (issue 9): the TUI with --read-only, run as nobody (setpriv)
// under strace in a real pseudo-terminal, over a sysroot nobody cannot write.
// Every view is visited, a message and a file are opened, `e` is pressed (the
// edit flow is hidden), the session is reloaded and quit: no system call that
// creates, changes or removes a file is attempted anywhere, and the sysroot
// is byte for byte what it was. Needs root, setpriv and strace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as pty from '@lydell/node-pty';
import { STRACE_SKIP, SYSCALLS, writeAttempts, snapshot } from '../hostile/strace.js';
import { build } from '../hostile/harness.js';
import { programForNobody } from '../hostile/as-nobody.js';
import { Screen } from '../ui/helpers/screen.js';
import { KEYS } from '../ui/helpers/keys.js';

const SKIP = STRACE_SKIP;

test('the TUI with --read-only, as nobody under strace: every view, a message, a file, e, reload, quit; nothing tries to write', { skip: SKIP, timeout: 300_000 }, async () => {
  const b = build({ '/var/backups/qlens/.keep': '' });
  spawnSync('chmod', ['-R', 'go+rX,go-w', b.fx.dir]);
  const before = snapshot(b.fx.dir);
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qlens-tui-strace-'));
  const log = path.join(logDir, 'log');
  const screen = new Screen(100, 30);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, CI: 'false', TERM: 'xterm-256color', NO_COLOR: undefined })) if (v !== undefined) env[k] = v;
  const proc = pty.spawn(
    'strace',
    ['-f', '-qq', '-o', log, '-e', `trace=${SYSCALLS}`, 'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, programForNobody().cli, '--read-only', '--sysroot', b.fx.dir],
    { name: 'xterm-256color', cols: 100, rows: 30, cwd: programForNobody().root, env },
  );
  let exitCode: number | null = null;
  const exited = new Promise<number>((resolve) => proc.onExit(({ exitCode: c }) => resolve((exitCode = c))));
  proc.onData((d) => screen.write(d));
  const until = async (re: RegExp, ms = 60_000): Promise<string> => {
    const end = Date.now() + ms;
    for (;;) {
      await screen.settled();
      const t = screen.text();
      if (re.test(t)) return t;
      if (exitCode !== null || Date.now() > end) throw new Error(`waiting for ${re}; screen:\n${t}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const press = async (k: string): Promise<void> => {
    proc.write(k);
    await new Promise((r) => setTimeout(r, 120));
  };
  try {
    await until(/6 Problems/);
    for (const [k, re] of [['1', /domain +\/var\/qmail/], ['2', /Enter opens a message/], ['3', /\.qmail files: \d+/], ['4', /Trace|trace/], ['5', /leaks|installation/], ['6', /qlens check: \d+ errors?/]] as const) {
      await press(k);
      await until(re);
    }
    await press('2');
    await until(/Enter opens a message/);
    await press(KEYS.down);
    await press(KEYS.enter);
    await until(/message #1000001 in \/var\/qmail/);
    await press(KEYS.esc);
    // Back on the list before the next key: an Esc and a digit read together are Alt-digit.
    await until(/Enter opens a message/);
    await press('3');
    await until(/\.qmail-lists/);
    await press('/');
    for (const c of 'lists') await press(c);
    await press(KEYS.enter);
    await press(KEYS.enter);
    await until(/\/home\/alice\/\.qmail-lists +\(Esc back\)/);
    await press('e');
    const t = screen.text();
    assert.doesNotMatch(t, /confirm|apply/i, 'no edit flow under --read-only');
    await press(KEYS.esc);
    await press('r');
    await until(/6 Problems/);
    await press('q');
    assert.equal(await exited, 0);
  } finally {
    if (exitCode === null) {
      try {
        process.kill(proc.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    screen.dispose();
  }
  const attempts = writeAttempts(fs.readFileSync(log, 'utf8'));
  fs.rmSync(logDir, { recursive: true, force: true });
  // Nothing anywhere: not in the sysroot, not in /tmp, not a journal. (/dev/tty and the pty are
  // opened read-write by Node for the terminal; they are devices, not files.)
  const files = attempts.filter((l) => !/"\/dev\//.test(l));
  assert.deepEqual(files, [], 'write attempts');
  assert.deepEqual(snapshot(b.fx.dir), before);
});
