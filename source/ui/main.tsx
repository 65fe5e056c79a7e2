// The TUI's entry: choose what to open, enter the alternate screen, draw,
// and leave the terminal as it was however the session ends.
import { parseDbOverride, type DbOverride } from '../qmail/vpopmail-mysql-config.js';
import { chooseSource } from './start.js';
import { enterAlternateScreen, installExitGuards, quitOnCtrlC } from './terminal.js';
import { sanitize } from '../text/sanitize.js';
import { startLoad } from './loader.js';
import { emptySession, type SessionData, type SourceInfo } from './session-data.js';
import { drawPreframe } from './preframe.js';
import { openDemoCopy, type DemoCopy } from './demo-copy.js';

/** Longest the background reading waits for Ink's first frame. */
const BACKGROUND_WAIT_MS = 3000;

export interface TuiOptions {
  sysroot?: string;
  instances: string[];
  demo?: string;
  color: boolean;
  readOnly: boolean;
  projectRoot: string;
  /** --vpopmail-db as given. */
  vpopmailDb?: string;
  /** --now: the time queue ages are measured from (a demo then keeps its own times). */
  now?: number;
}

/** A demo opens as a private copy, its times moved to now unless --now fixes the time (demo-copy.ts). */
function privateDemo(source: SourceInfo, now: number | undefined): { source: SourceInfo; copy: DemoCopy | null } {
  if (source.demo === null) return { source, copy: null };
  const copy = openDemoCopy(source.sysrootDir, source.demo, now === undefined ? Date.now() : null);
  process.on('exit', copy.remove);
  return { source: { ...source, sysrootDir: copy.dir, note: `${source.note} · demo copy: changes vanish at exit` }, copy };
}

export async function runTui(opts: TuiOptions): Promise<number> {
  const choice = chooseSource({ sysroot: opts.sysroot, demo: opts.demo, projectRoot: opts.projectRoot });
  if (!choice.ok) {
    process.stderr.write(`qlens: ${sanitize(choice.message)}\n`);
    return 2;
  }
  let vpopmailDb: DbOverride | null = null;
  if (opts.vpopmailDb !== undefined) {
    const d = parseDbOverride(opts.vpopmailDb);
    if ('error' in d) {
      process.stderr.write(`qlens: ${sanitize(d.error)}\n`);
      return 2;
    }
    vpopmailDb = d;
  }
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    process.stderr.write('qlens: the terminal UI needs a terminal; for scripts use a command (qlens --help)\n');
    return 2;
  }
  const { source: opened, copy } = privateDemo(choice.source, opts.now);
  const source = { ...opened, note: sanitize(opened.note) };
  const guard = enterAlternateScreen(process.stdout);
  const removeGuards = installExitGuards(guard, process.stdin);
  try {
    // Keys typed before Ink listens must not echo over the pre-frame; Ink reads them once it is up.
    // Raw before anything is drawn: a Ctrl-C typed as soon as the first frame shows is
    // the user quitting (0), never the tty's SIGINT (130).
    process.stdin.setRawMode(true);
    // Ctrl-C quits from the first frame on, also while Ink is still being loaded.
    const handOver = quitOnCtrlC(guard, process.stdin);
    // Start reading while Ink loads; until it draws, a plain pre-frame shows what is found.
    let latest = emptySession(source);
    let forward: ((d: SessionData) => void) | null = null;
    // The background reading starts once Ink has drawn (or after a few seconds whatever happens).
    let drawn: () => void = () => {};
    const background = new Promise<void>((resolve) => {
      drawn = resolve;
      setTimeout(resolve, BACKGROUND_WAIT_MS).unref();
    });
    const first = startLoad({ source, instances: opts.instances, background, vpopmailDb, now: opts.now }, (d) => {
      latest = d;
      if (forward) forward(d);
      else drawPreframe(process.stdout, d);
    });
    drawPreframe(process.stdout, latest);
    // React's development build keeps debugging records of every render: on a
    // big host (100,000 queued messages) that grows past a gigabyte. An admin's
    // session runs the production build unless NODE_ENV says otherwise.
    process.env.NODE_ENV ??= 'production';
    const { runApp } = await import('./run-app.js');
    handOver();
    let claimed = false;
    await runApp({
      initial: latest,
      // The first load is the one already running; `r` starts new ones.
      load: (publish) => {
        if (claimed) return startLoad({ source, instances: opts.instances, vpopmailDb, now: opts.now }, publish);
        claimed = true;
        forward = publish;
        publish(latest);
        // A moment for Ink to paint what it was just given.
        setTimeout(drawn, 50);
        return first;
      },
      color: opts.color,
      readOnly: opts.readOnly,
    });
    return 0;
  } finally {
    guard.restore();
    removeGuards();
    copy?.remove();
  }
}
