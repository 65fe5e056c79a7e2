import React from 'react';
import { Text } from 'ink';
import { tooSmallMessage } from '../layout.js';
import { fitEnd } from '../text-fit.js';

export function TooSmall({ columns, rows }: { columns: number; rows: number }): React.ReactElement {
  return <Text wrap="truncate-end">{fitEnd(tooSmallMessage(columns, rows), Math.max(1, columns))}</Text>;
}
