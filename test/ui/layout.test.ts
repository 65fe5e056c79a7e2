// The frame in a real terminal emulator at several sizes, and across a
// resize. Ink treats CI as "not a terminal" and would ignore resizes, so
// this file clears it before Ink is imported (each test file is its own process).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Screen } from './helpers/screen.js';
import { waitFor } from './helpers/keys.js';

process.env.CI = 'false';
delete process.env.CONTINUOUS_INTEGRATION;
const React = (await import('react')).default;
const { render } = await import('ink');
const { App } = await import('../../source/ui/components/App.js');
const { startLoad } = await import('../../source/ui/loader.js');
const { emptySession } = await import('../../source/ui/session-data.js');

const fixture = fileURLToPath(new URL('../fixtures/ui-multi', import.meta.url)).replace('/dist/test/', '/test/');

class FakeStdout extends EventEmitter {
  isTTY = true;
  constructor(
    public columns: number,
    public rows: number,
    private screen: Screen,
  ) {
    super();
  }
  write = (s: string): boolean => {
    this.screen.write(s);
    return true;
  };
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
  read = (): string | null => {
    const d = this.data;
    this.data = null;
    return d;
  };
  send(d: string): void {
    this.data = d;
    this.emit('readable');
  }
}

function open(cols: number, rows: number) {
  const screen = new Screen(cols, rows, { convertEol: true });
  const stdout = new FakeStdout(cols, rows, screen);
  const stdin = new FakeStdin();
  const source = { sysrootDir: fixture, demo: null, note: `sysroot ${fixture}` };
  const ink = render(
    React.createElement(App, {
      initial: emptySession(source),
      load: (publish) => startLoad({ source, instances: [] }, publish),
      color: false,
      readOnly: false,
    }),
    { stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, exitOnCtrlC: false, patchConsole: false },
  );
  const until = async (pred: (t: string) => boolean): Promise<string> => {
    await waitFor(() => screen.idle && pred(screen.text()), () => screen.text());
    return screen.text();
  };
  return {
    screen,
    until,
    resize(c: number, r: number) {
      screen.resize(c, r);
      stdout.columns = c;
      stdout.rows = r;
      stdout.emit('resize');
    },
    close() {
      ink.unmount();
      ink.cleanup();
      screen.dispose();
    },
  };
}

function assertFits(lines: string[], cols: number, rows: number): void {
  assert.ok(lines.length <= rows);
  for (const l of lines) assert.ok(l.length <= cols, `line longer than ${cols}: ${l}`);
}

test('80x24: header, tabs line and footer fit; the last row stays free', async () => {
  const t = open(80, 24);
  const text = await t.until((s) => s.includes('/var/qmail2') && s.includes('q quit'));
  const lines = t.screen.lines();
  assertFits(lines, 80, 24);
  assert.match(lines[0], /^qlens  sysroot /);
  assert.match(lines[1], /^\/var\/qmail +me mail\.example\.com/);
  assert.equal(lines[23], '', 'frame is at most rows - 1 lines');
  assert.match(lines[22], /q quit/);
  assert.ok(text.includes('accepts 4 · delivers 3 domains'));
  t.close();
});

test('a larger terminal uses the room', async () => {
  const t = open(160, 50);
  await t.until((s) => s.includes('/var/qmail2') && s.includes('q quit'));
  const lines = t.screen.lines();
  assert.match(lines[48], /q quit/, 'footer on the row before the last');
  t.close();
});

test('below the minimum: one line saying the size needed; back to normal on resize', async () => {
  const t = open(50, 12);
  let text = await t.until((s) => s.includes('needs at least'));
  assert.match(text, /qlens needs at least 60x16 \(now 50x12\)/);
  assert.equal(text.trim().split('\n').length, 1);
  t.resize(80, 24);
  text = await t.until((s) => s.includes('q quit'));
  assert.ok(!text.includes('needs at least'));
  t.resize(100, 15);
  text = await t.until((s) => s.includes('now 100x15'));
  t.close();
});

test('exactly the minimum size still draws the frame', async () => {
  const t = open(60, 16);
  await t.until((s) => s.includes('/var/qmail2') && s.includes('q quit'));
  assertFits(t.screen.lines(), 60, 16);
  assert.equal(t.screen.lines()[15], '');
  t.close();
});
