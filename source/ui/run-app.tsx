// Draws the App until the user quits. Imported by main.tsx only after it has
// settled NODE_ENV, because React picks its build when first imported.
import React from 'react';
import { render } from 'ink';
import { App } from './components/App.js';
import type { Loader } from './loader.js';
import type { SessionData } from './session-data.js';

export interface RunAppOptions {
  initial: SessionData;
  load: (publish: (data: SessionData) => void) => Loader;
  color: boolean;
  readOnly: boolean;
}

/**
 * Ink draws from the cursor, so the pre-frame must go first; erased on its
 * own, the screen would stay blank until Ink's first frame (a few hundred
 * milliseconds on a loaded machine). The erase goes out with that frame
 * instead, in the same write: the pre-frame is replaced, never blanked.
 */
function eraseWithFirstFrame(out: NodeJS.WriteStream): void {
  const write = out.write.bind(out) as (chunk: unknown, ...rest: unknown[]) => boolean;
  // eslint-disable-next-line no-control-regex
  const drawn = (chunk: unknown): boolean => typeof chunk === 'string' && /[^\u0000-\u001f\u007f]/.test(chunk.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, ''));
  out.write = ((chunk: unknown, ...rest: unknown[]): boolean => {
    if (!drawn(chunk)) return write(chunk, ...rest);
    out.write = write as typeof out.write;
    return write('\u001b[H\u001b[J' + (chunk as string), ...rest);
  }) as typeof out.write;
}

export async function runApp(opts: RunAppOptions): Promise<void> {
  eraseWithFirstFrame(process.stdout);
  const ink = render(
    <App
      initial={opts.initial}
      load={opts.load}
      color={opts.color}
      readOnly={opts.readOnly}
      extraCommands={opts.readOnly ? [] : ['edit']}
    />,
    { exitOnCtrlC: false, patchConsole: false },
  );
  await ink.waitUntilExit();
}
