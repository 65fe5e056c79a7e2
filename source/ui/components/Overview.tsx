import React from 'react';
import { Box, Text } from 'ink';
import { useTheme } from '../theme.js';
import { fitEnd, wrapText } from '../text-fit.js';
import type { SessionData } from '../session-data.js';

/**
 * What the body shows while no view's data has landed: the installations
 * found, in words, and any loading error. The header already names them;
 * this says what the numbers mean.
 */
export function Overview({ data, width, height }: { data: SessionData; width: number; height: number }): React.ReactElement {
  const theme = useTheme();
  const lines: Array<{ text: string; tone?: 'error' | 'warn' }> = [];
  lines.push({ text: `Installations found: ${data.instances.length}` });
  for (const i of data.instances) {
    lines.push({ text: ' ' });
    lines.push({ text: `${i.root}` });
    lines.push({ text: `  me           ${i.me ?? '(control/me is missing)'}` });
    lines.push(
      i.acceptsAll
        ? { text: '  accepts      ! every domain: control/rcpthosts is missing (open relay)', tone: 'warn' }
        : { text: `  accepts      ${i.accepts} domain${i.accepts === 1 ? '' : 's'} (rcpthosts, morercpthosts.cdb)` },
    );
    lines.push({ text: `  delivers     ${i.delivers} domain${i.delivers === 1 ? '' : 's'} (locals, virtualdomains)` });
    if (i.queue) lines.push({ text: `  queue        ${i.queue.messages} messages, ${i.queue.todo} not yet preprocessed` });
  }
  // Errors wrap: the reason nothing loaded is the one thing on screen.
  const indent = '✗ error  '.length;
  for (const e of data.errors) wrapText(e, width - indent).forEach((t, i) => lines.push({ text: (i ? ' '.repeat(indent) : '✗ error  ') + t, tone: 'error' }));
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {lines.slice(0, height).map((l, n) => (
        <Text key={n} color={l.tone ? theme.fg(l.tone) : undefined} wrap="truncate-end">
          {fitEnd(l.text, width)}
        </Text>
      ))}
    </Box>
  );
}
