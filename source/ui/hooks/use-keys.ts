// The one live key handler of the app. Ink reports F1 with no flag of its
// own, so the raw sequence is recognised here and delivered as `f1`.
import { useEffect, useRef } from 'react';
import { useInput, useStdin, useFocusManager } from 'ink';
import type { KeyEvent } from '../keymap.js';

const F1_SEQUENCES = new Set(['\u001bOP', '\u001b[11~', '\u001b[[A', '\u001b[1P']);

export type KeyHandler = (input: string, key: KeyEvent) => void;

export function useKeys(handler: KeyHandler): void {
  const ref = useRef(handler);
  ref.current = handler;
  const { internal_eventEmitter } = useStdin() as ReturnType<typeof useStdin> & {
    internal_eventEmitter?: NodeJS.EventEmitter;
  };
  const { disableFocus } = useFocusManager();
  // Ink's focus cycling would eat Tab and Esc, which switch views and go back here.
  useEffect(() => {
    disableFocus();
  }, [disableFocus]);
  useInput((input, key) => {
    ref.current(input, key);
  });
  useEffect(() => {
    if (!internal_eventEmitter) return;
    const onRaw = (data: string | Buffer): void => {
      if (F1_SEQUENCES.has(String(data))) ref.current('', { f1: true });
    };
    internal_eventEmitter.on('input', onRaw);
    return () => {
      internal_eventEmitter.off('input', onRaw);
    };
  }, [internal_eventEmitter]);
}
