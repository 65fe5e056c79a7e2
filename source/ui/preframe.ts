// Importing Ink takes a third of a second or more; the admin should not look
// at a blank screen meanwhile. Until Ink draws, the facts the loader has
// found so far are written as plain lines (the same words as the header).
import { instanceLine, progressText } from './header-text.js';
import { fitEnd } from './text-fit.js';
import { tooSmall, tooSmallMessage } from './layout.js';
import type { SessionData } from './session-data.js';

export function preframeText(data: SessionData, columns: number, rows: number): string {
  if (tooSmall(columns, rows)) return fitEnd(tooSmallMessage(columns, rows), columns);
  const lines = [fitEnd(`qlens  ${data.source.note}`, columns)];
  for (const i of data.instances.slice(0, rows - 4)) lines.push(instanceLine(i, columns));
  for (const e of data.errors.slice(0, 2)) lines.push(fitEnd(`✗ ${e}`, columns));
  lines.push('');
  lines.push(fitEnd(progressText(data) || 'starting the terminal UI…', columns));
  return lines.join('\n');
}

/** Clear the (alternate) screen and write the pre-frame from its top. */
export function drawPreframe(out: NodeJS.WriteStream, data: SessionData): void {
  out.write('\u001b[H\u001b[J' + preframeText(data, out.columns || 80, out.rows || 24));
}
