// A page of lines over the view (the help, a row's whole text): it scrolls
// with the list keys, PgDn/PgUp a page at a time, and says where it is.
import React from 'react';
import { Box, Text } from 'ink';
import { useTheme } from '../theme.js';
import { cell, fitEnd } from '../text-fit.js';

export interface OverlayLine {
  text: string;
  heading?: boolean;
}

/** Lines of the overlay that fit under its title. */
export const overlayRoom = (height: number): number => Math.max(1, height - 1);

/** Scroll positions: the first line shown can go from 0 to lines - room. */
export const overlayPositions = (lines: number, height: number): number => Math.max(1, lines - overlayRoom(height) + 1);

export function TextOverlay({ title, lines, offset, width, height }: { title: string; lines: OverlayLine[]; offset: number; width: number; height: number }): React.ReactElement {
  const theme = useTheme();
  const room = overlayRoom(height);
  const start = Math.min(Math.max(0, offset), Math.max(0, lines.length - room));
  const end = Math.min(lines.length, start + room);
  // Where the page is, in the longest form that leaves the title readable.
  const forms = lines.length > room ? [`  lines ${start + 1}-${end} of ${lines.length}${end < lines.length ? ' · PgDn more' : ' · the end'}`, `  ${start + 1}-${end} of ${lines.length}`] : [''];
  const where = forms.find((w) => w.length + title.length + 1 <= width) ?? forms[forms.length - 1];
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold inverse>
        {cell(fitEnd(` ${title}`, Math.max(1, width - where.length)) + where, width)}
      </Text>
      {lines.slice(start, end).map((l, i) => (
        <Text key={i} bold={l.heading} color={l.heading ? theme.fg('accent') : undefined} wrap="truncate-end">
          {fitEnd(l.text, width)}
        </Text>
      ))}
    </Box>
  );
}
