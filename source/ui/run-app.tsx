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

export async function runApp(opts: RunAppOptions): Promise<void> {
  // Ink draws from the cursor: take the pre-frame away first (erase below the home position).
  process.stdout.write('\u001b[H\u001b[J');
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
