import React from 'react';
import { Box, Text } from 'ink';
import { sanitize } from '../../text/sanitize.js';
import type { InputState } from '../store.js';

const PROMPT: Record<InputState['kind'], string> = { filter: '/', command: ':', trace: 'trace address: ' };
const TAIL: Record<InputState['kind'], string> = {
  filter: '  (Enter keep · Esc clear)',
  command: '  (Enter run · Esc cancel)',
  trace: '  (Enter trace · Esc cancel)',
};

/** One-line text input; the caret is drawn in inverse so it shows without colour. */
export function InputLine({ input, width }: { input: InputState; width: number }): React.ReactElement {
  const prompt = PROMPT[input.kind];
  const text = sanitize(input.line.text);
  // Sanitizing may lengthen the text before the caret; recompute its position on the drawn text.
  const caret = sanitize(input.line.text.slice(0, input.line.caret)).length;
  const tail = TAIL[input.kind];
  const room = Math.max(1, width - prompt.length - 1 - (width > 70 ? tail.length : 0));
  const start = Math.max(0, caret - room + 1);
  const visible = text.slice(start, start + room);
  const c = caret - start;
  return (
    <Box width={width} height={1}>
      <Text bold>{prompt}</Text>
      <Text>{visible.slice(0, c)}</Text>
      <Text inverse>{visible[c] ?? ' '}</Text>
      <Text wrap="truncate-end">{visible.slice(c + 1)}</Text>
      {width > 70 ? <Text dimColor>{tail}</Text> : null}
    </Box>
  );
}
