// A one-line text input as a pure reducer: the filter, the command line and
// the trace address all use it. Text typed here is the user's own, but it is
// still drawn through sanitize() because a paste can carry escape bytes.

export interface LineState {
  text: string;
  /** Caret position in code units, 0..text.length. */
  caret: number;
}

export type LineAction =
  | { type: 'insert'; text: string }
  | { type: 'backspace' }
  | { type: 'delete' }
  | { type: 'left' }
  | { type: 'right' }
  | { type: 'home' }
  | { type: 'end' }
  | { type: 'clear' }
  | { type: 'deleteWord' };

export const line = (text = ''): LineState => ({ text, caret: text.length });

export function editLine(s: LineState, a: LineAction): LineState {
  switch (a.type) {
    case 'insert': {
      // A paste arrives as one chunk; newlines in it would submit nothing useful.
      const t = a.text.replace(/[\r\n]+/g, ' ');
      return { text: s.text.slice(0, s.caret) + t + s.text.slice(s.caret), caret: s.caret + t.length };
    }
    case 'backspace':
      if (s.caret === 0) return s;
      return { text: s.text.slice(0, s.caret - 1) + s.text.slice(s.caret), caret: s.caret - 1 };
    case 'delete':
      return { text: s.text.slice(0, s.caret) + s.text.slice(s.caret + 1), caret: s.caret };
    case 'left':
      return { ...s, caret: Math.max(0, s.caret - 1) };
    case 'right':
      return { ...s, caret: Math.min(s.text.length, s.caret + 1) };
    case 'home':
      return { ...s, caret: 0 };
    case 'end':
      return { ...s, caret: s.text.length };
    case 'clear':
      return line('');
    case 'deleteWord': {
      const before = s.text.slice(0, s.caret).replace(/\S*\s*$/, '');
      return { text: before + s.text.slice(s.caret), caret: before.length };
    }
  }
}
