import React from 'react';
import { Box, Text } from 'ink';
import { bindings, whereText, type Binding, type KeymapOptions } from '../keymap.js';
import { useTheme } from '../theme.js';
import { cell, fitEnd, wrapText } from '../text-fit.js';

export interface HelpOverlayProps {
  width: number;
  height: number;
  keymap: KeymapOptions;
  /** Scroll offset (lines). */
  offset: number;
}

/** Every key, from the one keymap table, grouped by where it works (everywhere, in a list, in a view, in this view). */
export function helpLines(keymap: KeymapOptions, width = 1000): Array<{ text: string; heading: boolean }> {
  const out: Array<{ text: string; heading: boolean }> = [];
  const groups = new Map<string, Binding[]>();
  for (const b of bindings(keymap)) {
    const where = whereText(b, keymap.views);
    groups.set(where, [...(groups.get(where) ?? []), b]);
  }
  for (const [where, bs] of groups) {
    out.push({ text: where[0].toUpperCase() + where.slice(1), heading: true });
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
