import React from 'react';
import { Box, Text } from 'ink';
import { useTheme } from '../theme.js';
import type { ViewDef } from '../views/view-types.js';
import type { ViewId } from '../store.js';
import { viewKeyLabel } from '../global-bindings.js';

export interface TabsProps {
  /** The views offered (their data has landed). */
  views: ViewDef[];
  /** Every view of the session, whose order gives each its key. */
  all: readonly ViewDef[];
  current: ViewId | null;
  width: number;
  /** Still loading (no view yet means "wait"), or done (no view means nothing could be read). */
  loading?: boolean;
}

/**
 * The longest title length the tabs other than the current one can keep so
 * that every tab fits in `width` (each tab is " D Title "); the current one
 * keeps its whole title.
 */
export function tabTitleRoom(titles: Array<{ title: string; on: boolean }>, width: number): number {
  const total = (k: number): number => titles.reduce((n, t) => n + 4 + (t.on ? t.title.length : Math.min(k, t.title.length)), 0);
  let k = Math.max(0, ...titles.map((t) => t.title.length));
  while (k > 3 && total(k) > width) k--;
  return k;
}

/** The view tabs, each with the digit that opens it; the current one in inverse (readable without colour). */
export function Tabs({ views, all, current, width, loading = true }: TabsProps): React.ReactElement {
  const theme = useTheme();
  const room = tabTitleRoom(views.map((v) => ({ title: v.title, on: v.id === current })), width);
  return (
    <Box width={width} height={1} overflow="hidden">
      {views.length === 0 ? <Text>{loading ? '(views appear as their data loads)' : '(no view: nothing could be read, see below)'}</Text> : null}
      {views.map((v) => {
        const digit = viewKeyLabel(all, v.id) ?? ' ';
        const on = v.id === current;
        const label = on ? v.title : v.title.slice(0, room);
        return (
          <Text key={v.id} inverse={on} bold={on} color={on ? undefined : theme.fg('accent')}>
            {` ${digit} ${label} `}
          </Text>
        );
      })}
    </Box>
  );
}
