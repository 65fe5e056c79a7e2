import React from 'react';
import { Box, Text } from 'ink';
import { useTheme } from '../theme.js';
import { fitEnd } from '../text-fit.js';

export interface FooterProps {
  hints: Array<{ label: string; hint: string }>;
  status: string | null;
  width: number;
}

/** The keys that work here, from the keymap; a status message takes the line until the next key. */
export function Footer({ hints, status, width }: FooterProps): React.ReactElement {
  const theme = useTheme();
  if (status) {
    return (
      <Box width={width} height={1}>
        <Text color={theme.fg('warn')} wrap="truncate-end">
          {fitEnd(status, width)}
        </Text>
      </Box>
    );
  }
  const parts: string[] = [];
  let used = 0;
  for (const h of hints) {
    const p = `${h.label} ${h.hint}`;
    if (used + p.length + 2 > width) break;
    parts.push(p);
    used += p.length + 2;
  }
  return (
    <Box width={width} height={1}>
      <Text inverse={!theme.color} color={theme.fg('dim')} wrap="truncate-end">
        {parts.join('  ')}
      </Text>
    </Box>
  );
}
