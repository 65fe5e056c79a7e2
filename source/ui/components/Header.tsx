import React from 'react';
import { Box, Text } from 'ink';
import { useTheme } from '../theme.js';
import { fitEnd } from '../text-fit.js';
import { instanceLine, progressText } from '../header-text.js';
import type { SessionData } from '../session-data.js';

export interface HeaderProps {
  data: SessionData;
  width: number;
  /** Lines available for installations (the title line is extra). */
  instanceLines: number;
  focused: string | null;
}

export function Header({ data, width, instanceLines, focused }: HeaderProps): React.ReactElement {
  const theme = useTheme();
  const progress = fitEnd(progressText(data), Math.floor(width / 2));
  const title = 'qlens  ' + data.source.note;
  const titleW = Math.max(0, width - progress.length - (progress ? 2 : 0));
  const shown = data.instances.slice(0, instanceLines);
  const hidden = data.instances.length - shown.length;
  return (
    <Box flexDirection="column" width={width}>
      <Box>
        <Text bold color={theme.fg('accent')} wrap="truncate-end">
          {fitEnd(title, titleW)}
        </Text>
        {progress ? (
          <Text color={theme.fg('warn')} wrap="truncate-end">
            {'  ' + progress}
          </Text>
        ) : null}
      </Box>
      {shown.length === 0 && data.errors.length > 0 ? (
        <Text color={theme.fg('error')} wrap="truncate-end">
          {fitEnd('✗ ' + data.errors[0], width)}
        </Text>
      ) : null}
      {shown.map((i, n) => (
        <Text key={i.root} wrap="truncate-end" dimColor={focused !== null && focused !== i.root && theme.dim} inverse={focused === i.root}>
          {instanceLine(i, width) + (n === shown.length - 1 && hidden > 0 ? ` (+${hidden} more)` : '')}
        </Text>
      ))}
    </Box>
  );
}
