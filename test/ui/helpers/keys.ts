// Byte sequences a terminal sends for the keys the tests press.
export const KEYS = {
  up: '\u001b[A',
  down: '\u001b[B',
  left: '\u001b[D',
  right: '\u001b[C',
  enter: '\r',
  esc: '\u001b',
  tab: '\t',
  shiftTab: '\u001b[Z',
  backspace: '\u007f',
  pageUp: '\u001b[5~',
  pageDown: '\u001b[6~',
  home: '\u001b[H',
  end: '\u001b[F',
  f1: '\u001bOP',
  ctrlC: '\u0003',
} as const;

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007|\u001b[()][A-Z0-9]|\u001b[=>78]/g;

export function stripAnsi(s: string): string {
  return s.replace(ANSI, '');
}

/** Poll until `pred` holds (a frame appears), failing with `describe()` after `ms`: 60 s, room for a loaded machine (two npm test at once saw the loader take over 5 s); an idle one is as fast as before. */
export async function waitFor(pred: () => boolean, describe: () => string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out; screen was:\n${describe()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
