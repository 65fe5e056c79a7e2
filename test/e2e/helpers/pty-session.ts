// The real program in a real pseudo-terminal, its output fed to a headless
// xterm. Ink treats CI as "not a terminal" (no resizes, last frame only), so
// the child always runs with CI=false, whatever the test runner has.
import * as pty from '@lydell/node-pty';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Screen } from '../../ui/helpers/screen.js';

function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('no package.json above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

export const ROOT = projectRoot();
export const CLI = path.join(ROOT, 'dist', 'source', 'cli.js');

export interface SessionOptions {
  args?: string[];
  cols?: number;
  rows?: number;
  env?: Record<string, string | undefined>;
}

export class PtySession {
  readonly screen: Screen;
  readonly proc: pty.IPty;
  readonly exited: Promise<number>;
  private outputCount = 0;
  private exitCode: number | null = null;
  raw = '';
  /** The output as it came, one entry per read from the pty (a replay shows every intermediate screen). */
  readonly chunks: string[] = [];

  constructor(opts: SessionOptions = {}) {
    const cols = opts.cols ?? 80;
    const rows = opts.rows ?? 24;
    this.screen = new Screen(cols, rows);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, CI: 'false', CONTINUOUS_INTEGRATION: undefined, TERM: 'xterm-256color', NO_COLOR: undefined, ...opts.env })) {
      if (v !== undefined) env[k] = v;
    }
    this.proc = pty.spawn(process.execPath, [CLI, ...(opts.args ?? [])], { name: 'xterm-256color', cols, rows, cwd: ROOT, env });
    this.proc.onData((d) => {
      this.outputCount++;
      this.raw += d;
      this.chunks.push(d);
      this.screen.write(d);
    });
    this.exited = new Promise((resolve) => {
      this.proc.onExit(({ exitCode }) => {
        this.exitCode = exitCode;
        resolve(exitCode);
      });
    });
  }

  text(): string {
    return this.screen.text();
  }

  lines(): string[] {
    return this.screen.lines();
  }

  /** Wait until the screen satisfies pred; on timeout, fail with the screen as it was. */
  async until(pred: (text: string) => boolean, what = 'screen condition', ms = 60_000): Promise<string> {
    const end = Date.now() + ms;
    for (;;) {
      await this.screen.settled();
      const t = this.text();
      if (pred(t)) return t;
      if (this.exitCode !== null) throw new Error(`program exited (${this.exitCode}) while waiting for ${what}; screen:\n${t}`);
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; screen:\n${t}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async untilText(s: string | RegExp, ms?: number): Promise<string> {
    return this.until((t) => (typeof s === 'string' ? t.includes(s) : s.test(t)), String(s), ms);
  }

  /** One key, then wait until the program has answered with output (or a short quiet spell). */
  async press(key: string): Promise<void> {
    const before = this.outputCount;
    this.proc.write(key);
    const end = Date.now() + 1500;
    while (this.outputCount === before && Date.now() < end && this.exitCode === null) await new Promise((r) => setTimeout(r, 10));
    await this.screen.settled();
  }

  async type(text: string): Promise<void> {
    for (const c of text) await this.press(c);
  }

  resize(cols: number, rows: number): void {
    this.screen.resize(cols, rows);
    this.proc.resize(cols, rows);
  }

  /** Kill by pid (never by name) unless it already exited. */
  kill(): void {
    if (this.exitCode === null) {
      try {
        process.kill(this.proc.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    this.screen.dispose();
  }
}

/** Run a scenario with a session, dumping the screen when it fails, always killing the child. */
export async function withSession(opts: SessionOptions, body: (s: PtySession) => Promise<void>): Promise<void> {
  const s = new PtySession(opts);
  try {
    await body(s);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new Error(`${msg}\n--- screen at failure (${s.screen.term.cols}x${s.screen.term.rows}) ---\n${s.text()}\n---`);
  } finally {
    s.kill();
  }
}
