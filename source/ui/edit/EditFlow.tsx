// Draws the edit flow's current step in the body of the frame.
import React from 'react';
import { Box, Text } from 'ink';
import { useTheme } from '../theme.js';
import type { FlowState } from './flow.js';
import { flowLines } from './flow-lines.js';

export function EditFlow({ flow, width, height }: { flow: FlowState; width: number; height: number }): React.ReactElement {
  const theme = useTheme();
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {flowLines(flow, width, height).map((l, n) => (
        <Text key={n} color={l.tone ? theme.fg(l.tone) : undefined} bold={l.bold} inverse={l.inverse} dimColor={l.tone === 'dim' && theme.dim} wrap="truncate-end">
          {l.text === '' ? ' ' : l.text}
        </Text>
      ))}
    </Box>
  );
}
