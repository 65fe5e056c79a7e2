// The real program in a pseudo-terminal, its output fed to a headless xterm,
// for timing what the admin sees: `watch` is called with the screen text and
// the time since the start after every write, and may type keys or end the
// run. Peak RSS comes from /usr/bin/time wrapped round the program.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pty from '@lydell/node-pty';
import xterm from '@xterm/headless';
import { readPeakRss } from './stats.js';

export interface PtyRun {
  /** The program's exit status (null when it was killed). */
  exitCode: number | null;
  rssKb: number | null;
  /** The screen when the run ended. */
  screen: string;
}

export interface PtyControl {
  /** Type keys. */
  type(keys: string): void;
  /** Type `q` (and stop the program by its pid if it has not quit within 3 s). */
  quit(): void;
}

function screenText(term: InstanceType<typeof xterm.Terminal>): string {
  const lines: string[] = [];
  const buf = term.buffer.active;
  for (let i = 0; i < term.rows; i++) lines.push(buf.getLine(buf.viewportY + i)?.translateToString(true) ?? '');
  return lines.join('\n');
}

/**
 * Run `node cli args...` at cols x rows (CI=false so Ink draws as on a
 * terminal, colours on) until it exits or `timeoutMs` passes (then it is
 * killed); `watch(screen, ms, control)` sees every screen.
 */
export function runInPty(
  cli: string,
  args: string[],
  opts: { cols: number; rows: number; timeoutMs: number; timeBin: string | null },
  watch: (screen: string, ms: number, control: PtyControl) => void,
): Promise<PtyRun> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qlens-pty-'));
  const rssFile = path.join(tmp, 'rss');
  const [file, argv] = opts.timeBin ? [opts.timeBin, ['-o', rssFile, '-f', '%M', process.execPath, cli, ...args]] : [process.execPath, [cli, ...args]];
  const term = new xterm.Terminal({ cols: opts.cols, rows: opts.rows, allowProposedApi: true });
  return new Promise((resolve) => {
    const start = performance.now();
    let quitSent = false;
    let lastScreen = '';
    let done = false;
    const env: Record<string, string> = { ...(process.env as Record<string, string>), CI: 'false', TERM: 'xterm-256color' };
    delete env.NO_COLOR; // colours drawn, as an admin's terminal would get them
    const p = pty.spawn(file, argv, { name: 'xterm-256color', cols: opts.cols, rows: opts.rows, cwd: tmp, env });
    const control: PtyControl = {
      type: (keys) => p.write(keys),
      quit: () => {
        if (quitSent) return;
        quitSent = true;
        lastScreen = screenText(term);
        p.write('q');
        setTimeout(() => {
          if (!done) p.kill('SIGTERM');
        }, 3000);
      },
    };
    const timer = setTimeout(() => {
      lastScreen = screenText(term);
      p.kill('SIGKILL');
    }, opts.timeoutMs);
    p.onData((data) => {
      const t = performance.now() - start;
      term.write(data, () => {
        if (!quitSent) watch(screenText(term), t, control);
      });
    });
    p.onExit(({ exitCode }) => {
      // Let the last bytes reach the terminal before reading it.
      setTimeout(() => {
        done = true;
        clearTimeout(timer);
        const rssKb = readPeakRss(rssFile);
        const screen = (quitSent ? lastScreen : screenText(term)) || lastScreen;
        term.dispose();
        fs.rmSync(tmp, { recursive: true, force: true });
        resolve({ exitCode, rssKb, screen: screen.replace(/\s+$/gm, '').trimEnd() });
      }, 50);
    });
  });
}
