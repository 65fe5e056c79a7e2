// Time to the first TUI frame, as the admin sees it: the real program in a
// pseudo-terminal (80x24), the clock stopped when the screen first holds
// text, and again when a domain row is on it. Then `q`; the peak RSS comes
// from /usr/bin/time wrapped round the program (pty-screen.ts).
import { runInPty } from './pty-screen.js';

export type FrameResult =
  | { ok: true; firstFrameMs: number; readyMs: number | null; rssKb: number | null; screen: string }
  | { ok: false; reason: string };

/** A row of the domain list: a generated domain (every one ends in .example or .example.org) at the start of a line. */
const DOMAIN_ROW = /^[ \u203a>*]?\s?\.?[a-z0-9.-]+\.example(\.org)?\s/m;

export async function firstFrame(cli: string, sysroot: string, timeBin: string | null, timeoutMs = 20000): Promise<FrameResult> {
  let first: number | null = null;
  let ready: number | null = null;
  const run = await runInPty(cli, ['--sysroot', sysroot], { cols: 80, rows: 24, timeoutMs, timeBin }, (text, t, control) => {
    if (first === null && text.trim() !== '') {
      first = t;
      // No domain row within a few seconds: quit anyway, ready stays unmeasured.
      setTimeout(() => control.quit(), 5000);
    }
    if (first !== null && ready === null && DOMAIN_ROW.test(text)) {
      ready = t;
      // Let it settle a moment, so a slow quit is not what we measure.
      setTimeout(() => control.quit(), 200);
    }
  });
  if (first === null) {
    const msg = run.screen.split('\n').find((l) => l.trim() !== '') ?? '(no output)';
    return { ok: false, reason: run.exitCode === null ? `no frame within ${timeoutMs} ms` : `the program exited (status ${run.exitCode}) before drawing a screen: ${msg.trim().slice(0, 120)}` };
  }
  return { ok: true, firstFrameMs: first, readyMs: ready, rssKb: run.rssKb, screen: run.screen };
}
