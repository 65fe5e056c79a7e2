// Ink 6.8 has no alternate-screen option: we enter it ourselves and make
// sure every way out (quit, Ctrl-C, a signal, a crash) leaves the admin's
// terminal as it was.

const ENTER = '\u001b[?1049h\u001b[H';
const LEAVE = '\u001b[?25h\u001b[?1049l';

export interface ScreenGuard {
  restore(): void;
}

export function enterAlternateScreen(out: NodeJS.WriteStream = process.stdout): ScreenGuard {
  let active = out.isTTY === true;
  if (active) out.write(ENTER);
  const restore = (): void => {
    if (!active) return;
    active = false;
    out.write(LEAVE);
    process.off('exit', restore);
  };
  process.on('exit', restore);
  return { restore };
}

/** Restore the screen, then report a crash or signal the usual way. */
export function installExitGuards(guard: ScreenGuard, stdin: NodeJS.ReadStream = process.stdin): () => void {
  const onSignal = (sig: NodeJS.Signals): void => {
    guard.restore();
    try {
      if (stdin.isTTY) stdin.setRawMode(false);
    } catch {
      // the tty may already be gone (SIGHUP)
    }
    process.exit(sig === 'SIGINT' ? 130 : sig === 'SIGTERM' ? 143 : 129);
  };
  const onCrash = (err: unknown): void => {
    guard.restore();
    try {
      if (stdin.isTTY) stdin.setRawMode(false);
    } catch {
      // ignore
    }
    process.stderr.write(`qlens: internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(70);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  return () => {
    for (const s of signals) process.off(s, onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  };
}
