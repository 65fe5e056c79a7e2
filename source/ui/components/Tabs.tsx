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
}

/** The view tabs, each with the digit that opens it; the current one in inverse (readable without colour). */
export function Tabs({ views, all, current, width }: TabsProps): React.ReactElement {
  const theme = useTheme();
  const narrow = width < 80;
  return (
    <Box width={width} height={1} overflow="hidden">
      {views.length === 0 ? <Text>(views appear as their data loads)</Text> : null}
      {views.map((v) => {
        const digit = viewKeyLabel(all, v.id) ?? ' ';
        const on = v.id === current;
        const label = narrow && !on ? v.title.slice(0, 5) : v.title;
        return (
          <Text key={v.id} inverse={on} bold={on} color={on ? undefined : theme.fg('accent')}>
            {` ${digit} ${label} `}
          </Text>
        );
      })}
    </Box>
  );
}
