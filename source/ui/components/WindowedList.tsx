import React from 'react';
import { Box, Text } from 'ink';
import { clampPos, visibleRange, type ListPos } from '../list-state.js';

export interface WindowedListProps<T> {
  rows: T[];
  pos: ListPos;
  height: number;
  width: number;
  renderRow: (row: T, selected: boolean, index: number) => React.ReactElement | string;
  /** Shown when there are no rows. */
  empty?: string;
  /** Highlight the cursor row (false for read-only text panes). */
  showCursor?: boolean;
}

/** Draws only the rows in view: the cost of a frame does not grow with the list. */
export function WindowedList<T>({ rows, pos, height, width, renderRow, empty, showCursor = true }: WindowedListProps<T>): React.ReactElement {
  if (rows.length === 0) {
    return (
      <Box height={height} width={width}>
        <Text>{empty ?? '(nothing here)'}</Text>
      </Box>
    );
  }
  const p = clampPos(pos, rows.length, height);
  const { start, end } = visibleRange(p, rows.length, height);
  const out: React.ReactElement[] = [];
  for (let i = start; i < end; i++) {
    const selected = showCursor && i === p.cursor;
    const r = renderRow(rows[i], selected, i);
    out.push(
      typeof r === 'string' ? (
        <Text key={i} inverse={selected} wrap="truncate-end">
          {(selected ? '›' : ' ') + r}
        </Text>
      ) : (
        <Box key={i} height={1} overflow="hidden">
          {r}
        </Box>
      ),
    );
  }
  return (
    <Box flexDirection="column" height={height} width={width} overflow="hidden">
      {out}
    </Box>
  );
}
