// Colour is a hint, never the message: every state is drawn as a glyph and a
// word, so NO_COLOR, --no-color and a monochrome projector lose nothing.
import { createContext, useContext } from 'react';

export type Tone = 'ok' | 'warn' | 'error' | 'info' | 'accent' | 'dim' | 'plain';

export interface Theme {
  color: boolean;
  /** Ink colour name for a tone, or undefined when colour is off. */
  fg(tone: Tone): string | undefined;
  /** Dim text only when colour is on: without colour, dim is unreadable on some terminals. */
  dim: boolean;
}

const HUES: Record<Tone, string | undefined> = {
  ok: 'green',
  warn: 'yellow',
  error: 'red',
  info: 'cyan',
  accent: 'cyan',
  dim: 'gray',
  plain: undefined,
};

export function makeTheme(color: boolean): Theme {
  return {
    color,
    fg: (tone) => (color ? HUES[tone] : undefined),
    dim: color,
  };
}

/** State words with their glyphs; used for severities, outcomes and flags alike. */
export const STATE_GLYPH: Record<string, string> = {
  error: '✗',
  high: '✗',
  warning: '!',
  medium: '!',
  low: '·',
  info: 'i',
  ok: '✓',
  yes: '✓',
  no: '-',
  pending: '…',
  done: '✓',
  todo: '○',
  maildir: '▸',
  mbox: '▸',
  forward: '→',
  remote: '⇢',
  program: '|',
  bounce: '✗',
  defer: '!',
  loop: '↻',
  discard: '∅',
};

export const STATE_TONE: Record<string, Tone> = {
  error: 'error',
  high: 'error',
  warning: 'warn',
  medium: 'warn',
  low: 'info',
  info: 'info',
  ok: 'ok',
  yes: 'ok',
  done: 'ok',
  pending: 'warn',
  todo: 'warn',
  maildir: 'ok',
  mbox: 'ok',
  forward: 'info',
  remote: 'info',
  program: 'accent',
  bounce: 'error',
  defer: 'warn',
  loop: 'error',
  discard: 'warn',
};

/** "✗ error", "✓ maildir": a state readable without colour. */
export function stateLabel(state: string): string {
  const g = STATE_GLYPH[state];
  return g ? `${g} ${state}` : state;
}

export const ThemeContext = createContext<Theme>(makeTheme(true));
export const useTheme = (): Theme => useContext(ThemeContext);
