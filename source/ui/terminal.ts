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

/** Errors that say the terminal is gone (the ssh connection dropped, the window closed): not a bug to report. */
const TERMINAL_GONE = new Set(['EIO', 'EPIPE', 'ENXIO', 'EBADF', 'ECONNRESET']);

/** Leave the screen and the tty mode as they were, as far as the terminal is still there. */
function leaveTerminal(guard: ScreenGuard, stdin: NodeJS.ReadStream): void {
  try {
    guard.restore();
  } catch {
    // the terminal may be gone already: nothing to restore on it
  }
  try {
    if (stdin.isTTY) stdin.setRawMode(false);
  } catch {
    // the tty may already be gone (SIGHUP)
  }
}

/** Quit as the signal asks (Ctrl-C typed in raw mode counts as SIGINT): screen restored, the usual status. */
export function exitOnSignal(guard: ScreenGuard, stdin: NodeJS.ReadStream, sig: NodeJS.Signals): never {
  leaveTerminal(guard, stdin);
  process.exit(sig === 'SIGINT' ? 130 : sig === 'SIGTERM' ? 143 : 129);
}

/** Restore the screen, then report a crash or signal the usual way; a terminal that went away ends the session quietly. */
export function installExitGuards(guard: ScreenGuard, stdin: NodeJS.ReadStream = process.stdin): () => void {
  const onSignal = (sig: NodeJS.Signals): void => exitOnSignal(guard, stdin, sig);
  const onCrash = (err: unknown): void => {
    const code = (err as NodeJS.ErrnoException | null)?.code;
    // Writing to (or reading from) a terminal that is gone: exit as a hang-up would, without a word to nowhere.
    if (typeof code === 'string' && TERMINAL_GONE.has(code) && /\b(write|read)\b/.test((err as Error).message ?? '')) exitOnSignal(guard, stdin, 'SIGHUP');
    leaveTerminal(guard, stdin);
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

/**
 * Until Ink listens, raw mode makes Ctrl-C a byte nobody reads: watch for it
 * (and quit as the app's Ctrl-C does), keeping every other key for Ink. The returned
 * function stops watching and hands the kept keys back to the stream.
 */
export function quitOnCtrlC(guard: ScreenGuard, stdin: NodeJS.ReadStream = process.stdin): () => void {
  const held: Array<Buffer | string> = [];
  // 'readable' and read(), as Ink itself reads: the stream stays in paused mode, so
  // nothing is lost between this listener going and Ink's coming.
  const onReadable = (): void => {
    for (let chunk = stdin.read() as Buffer | string | null; chunk !== null; chunk = stdin.read() as Buffer | string | null) {
      const hasCtrlC = typeof chunk === 'string' ? chunk.includes('\u0003') : chunk.includes(3);
      if (hasCtrlC) {
        // As the app's own Ctrl-C once it is up: the user quit, status 0.
        leaveTerminal(guard, stdin);
        process.exit(0);
      }
      held.push(chunk);
    }
  };
  stdin.on('readable', onReadable);
  return () => {
    stdin.off('readable', onReadable);
    for (const c of held.reverse()) stdin.unshift(c);
  };
}
