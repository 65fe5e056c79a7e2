// Time to the first TUI frame, as the admin sees it: the real program in a
// pseudo-terminal (80x24, CI=false so Ink draws as on a terminal), its
// output fed to a headless xterm, the clock stopped when the screen first
// holds text, and again when a domain row is on it. Then `q`, and the peak
// RSS comes from /usr/bin/time wrapped round the program.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pty from '@lydell/node-pty';
import xterm from '@xterm/headless';

export type FrameResult =
  | { ok: true; firstFrameMs: number; readyMs: number | null; rssKb: number | null; screen: string }
  | { ok: false; reason: string };

/** A row of the domain list: a generated domain (every one ends in .example or .example.org) at the start of a line. */
const DOMAIN_ROW = /^[ \u203a>*]?\s?\.?[a-z0-9.-]+\.example(\.org)?\s/m;

function screenText(term: InstanceType<typeof xterm.Terminal>): string {
  const lines: string[] = [];
  const buf = term.buffer.active;
  for (let i = 0; i < term.rows; i++) lines.push(buf.getLine(buf.viewportY + i)?.translateToString(true) ?? '');
  return lines.join('\n');
}

export function firstFrame(cli: string, sysroot: string, timeBin: string | null, timeoutMs = 20000): Promise<FrameResult> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qlens-frame-'));
  const rssFile = path.join(tmp, 'rss');
  const [file, args] = timeBin
    ? [timeBin, ['-o', rssFile, '-f', '%M', process.execPath, cli, '--sysroot', sysroot]]
    : [process.execPath, [cli, '--sysroot', sysroot]];
  const term = new xterm.Terminal({ cols: 80, rows: 24, allowProposedApi: true });
  return new Promise((resolve) => {
    const start = performance.now();
    let first: number | null = null;
    let ready: number | null = null;
    let quitSent = false;
    let lastScreen = '';
    let done = false;
    const p = pty.spawn(file, args, {
      name: 'xterm-256color',
      cols: 80,
      rows: 24,
      cwd: tmp,
      env: (() => {
        const env: Record<string, string> = { ...(process.env as Record<string, string>), CI: 'false', TERM: 'xterm-256color' };
        delete env.NO_COLOR; // colours drawn, as an admin's terminal would get them
        return env;
      })(),
    });
    const finish = (r: FrameResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      term.dispose();
      fs.rmSync(tmp, { recursive: true, force: true });
      resolve(r);
    };
    const quit = (): void => {
      if (quitSent) return;
      quitSent = true;
      lastScreen = screenText(term);
      p.write('q');
      // A TUI that does not quit on `q` is stopped by its pid.
      setTimeout(() => {
        if (!done) p.kill('SIGTERM');
      }, 3000);
    };
    const timer = setTimeout(() => {
      if (first === null) {
        p.kill('SIGKILL');
        finish({ ok: false, reason: `no frame within ${timeoutMs} ms` });
      } else quit();
    }, timeoutMs);
    p.onData((data) => {
      const t = performance.now() - start;
      term.write(data, () => {
        const text = screenText(term);
        if (first === null && text.trim() !== '') {
          first = t;
          // No domain row within a few seconds: quit anyway, ready stays unmeasured.
          setTimeout(quit, 5000);
        }
        if (first !== null && ready === null && DOMAIN_ROW.test(text)) {
          ready = t;
          // Let it settle a moment, so a slow quit is not what we measure.
          setTimeout(quit, 200);
        }
      });
    });
    p.onExit(({ exitCode }) => {
      // Let the last bytes reach the terminal before reading it.
      setTimeout(() => {
        const text = screenText(term);
        let rssKb: number | null = null;
        try {
          const lines = fs.readFileSync(rssFile, 'utf8').trim().split('\n');
          const n = Number(lines[lines.length - 1]);
          rssKb = Number.isFinite(n) ? n : null;
        } catch {
          rssKb = null;
        }
        if (first === null || (!quitSent && exitCode !== 0)) {
          const msg = text.trim().split('\n').find((l) => l.trim() !== '') ?? '(no output)';
          finish({ ok: false, reason: `the program exited (status ${exitCode}) before drawing a screen: ${msg.trim().slice(0, 120)}` });
          return;
        }
        finish({ ok: true, firstFrameMs: first, readyMs: ready, rssKb, screen: lastScreen.replace(/\s+$/gm, '').trimEnd() });
      }, 50);
    });
  });
}
