// Render the whole App with ink-testing-library over a fixture sysroot,
// and read frames as plain text.
import React from 'react';
import { render } from 'ink-testing-library';
import { App, type AppProps } from '../../../source/ui/components/App.js';
import { startLoad } from '../../../source/ui/loader.js';
import { emptySession, type SourceInfo } from '../../../source/ui/session-data.js';
import { stripAnsi, waitFor } from './keys.js';

export interface AppHarness {
  frame(): string;
  press(...keys: string[]): Promise<void>;
  waitFor(pred: (frame: string) => boolean): Promise<string>;
  unmount(): void;
  exited: Promise<void>;
}

export interface HarnessOptions {
  /** The terminal's size (ink-testing-library's stdout is 100 columns, rows unset: 24 for the App). */
  size?: { columns: number; rows: number };
  /** The time the loader reads ages at. */
  now?: number;
}

export function renderApp(sysrootDir: string, over: Partial<AppProps> = {}, opts: HarnessOptions = {}): AppHarness {
  const source: SourceInfo = { sysrootDir, demo: null, note: `sysroot ${sysrootDir}` };
  const inst = render(
    <App
      initial={emptySession(source)}
      load={(publish) => startLoad({ source, instances: [], now: opts.now }, publish)}
      color={false}
      readOnly={false}
      {...over}
    />,
  );
  if (opts.size) {
    // Its columns is a getter on the class: an own property on the instance stands in for the terminal.
    Object.defineProperty(inst.stdout, 'columns', { value: opts.size.columns, configurable: true });
    Object.defineProperty(inst.stdout, 'rows', { value: opts.size.rows, configurable: true });
    inst.stdout.emit('resize');
  }
  const frame = (): string => stripAnsi(inst.lastFrame() ?? '');
  let exitedResolve!: () => void;
  const exited = new Promise<void>((r) => (exitedResolve = r));
  // ink-testing-library has no waitUntilExit; the App's exit() unmounts, which stops frames.
  return {
    frame,
    async press(...keys) {
      for (const k of keys) {
        const before = inst.frames.length;
        inst.stdin.write(k);
        // Let Ink parse the key (a lone Esc is flushed on the next turn) and draw.
        await new Promise((r) => setImmediate(r));
        await new Promise((r) => setImmediate(r));
        await waitFor(() => inst.frames.length >= before, frame, 2000);
      }
    },
    async waitFor(pred) {
      await waitFor(() => pred(frame()), frame);
      return frame();
    },
    unmount() {
      inst.unmount();
      exitedResolve();
    },
    exited,
  };
}
