// Draws the App until the user quits. Imported by main.tsx only after it has
// settled NODE_ENV, because React picks its build when first imported.
import React from 'react';
import { render } from 'ink';
import { App } from './components/App.js';
import { startLoad } from './loader.js';
import { emptySession, type SourceInfo } from './session-data.js';

export interface RunAppOptions {
  source: SourceInfo;
  instances: string[];
  color: boolean;
  readOnly: boolean;
}

export async function runApp(opts: RunAppOptions): Promise<void> {
  const ink = render(
    <App
      initial={emptySession(opts.source)}
      load={(publish) => startLoad({ source: opts.source, instances: opts.instances }, publish)}
      color={opts.color}
      readOnly={opts.readOnly}
      extraCommands={opts.readOnly ? [] : ['edit']}
    />,
    { exitOnCtrlC: false, patchConsole: false },
  );
  await ink.waitUntilExit();
}
