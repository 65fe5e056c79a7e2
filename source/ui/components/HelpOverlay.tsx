import React from 'react';
import { Box, Text } from 'ink';
import { bindings, SCOPE_TITLE, type KeymapOptions, type Scope } from '../keymap.js';
import { useTheme } from '../theme.js';
import { cell, fitEnd, wrapText } from '../text-fit.js';

export interface HelpOverlayProps {
  width: number;
  height: number;
  keymap: KeymapOptions;
  /** Scroll offset (lines). */
  offset: number;
}

/** Every key, from the one keymap table, grouped by where it works. */
export function helpLines(keymap: KeymapOptions, width = 1000): Array<{ text: string; heading: boolean }> {
  const out: Array<{ text: string; heading: boolean }> = [];
  const scopes: Scope[] = ['global', 'list', 'view'];
  for (const scope of scopes) {
    const bs = bindings(keymap).filter((b) => b.scope === scope);
    if (bs.length === 0) continue;
    out.push({ text: SCOPE_TITLE[scope], heading: true });
    // Long descriptions wrap under themselves rather than being cut.
    for (const b of bs) {
      wrapText(b.description, Math.max(20, width - 16)).forEach((t, i) => out.push({ text: `  ${cell(i === 0 ? b.label : '', 12)} ${t}`, heading: false }));
    }
  }
  return out;
}

export function HelpOverlay({ width, height, keymap, offset }: HelpOverlayProps): React.ReactElement {
  const theme = useTheme();
  const lines = helpLines(keymap, width);
  const room = Math.max(1, height - 1);
  const start = Math.min(Math.max(0, offset), Math.max(0, lines.length - room));
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold inverse>
        {cell(' Keys — ? or Esc closes this help', width)}
      </Text>
      {lines.slice(start, start + room).map((l, i) => (
        <Text key={i} bold={l.heading} color={l.heading ? theme.fg('accent') : undefined} wrap="truncate-end">
          {fitEnd(l.text, width)}
        </Text>
      ))}
    </Box>
  );
}
