// Sizes of the frame's parts, as plain arithmetic so it is tested without a
// terminal. Ink repaints the whole screen when a frame is as tall as the
// terminal, so a frame is at most rows - 1 lines.

export const MIN_COLUMNS = 60;
export const MIN_ROWS = 16;
/** Below this width, side-by-side panes are stacked. */
export const WIDE_COLUMNS = 100;

export function tooSmall(columns: number, rows: number): boolean {
  return columns < MIN_COLUMNS || rows < MIN_ROWS;
}

/** The longest of these that fits the width (issue 21: the message fits in the space it has). */
export function tooSmallMessage(columns: number, rows: number): string {
  const need = `${MIN_COLUMNS}x${MIN_ROWS}`;
  const forms = [
    `qlens needs at least ${need} (now ${columns}x${rows}): enlarge the window, or q to quit`,
    `qlens needs at least ${need} (now ${columns}x${rows}) · q exits`,
    `enlarge to ${need} (now ${columns}x${rows}) · q exits`,
    `enlarge to ${need} · q exits`,
    `${need} · q exits`,
    need,
  ];
  return forms.find((f) => f.length <= columns) ?? forms[forms.length - 1];
}

export interface FrameLayout {
  headerLines: number;
  bodyLines: number;
  stacked: boolean;
}

/** Header: a title line plus one line per installation (capped so the body keeps room). */
export function frameLayout(columns: number, rows: number, instances: number): FrameLayout {
  const usable = rows - 1;
  const headerLines = 1 + Math.min(Math.max(instances, 1), Math.max(1, Math.floor((usable - 8) / 2)));
  const tabs = 1;
  const footer = 1;
  const bodyLines = Math.max(1, usable - headerLines - tabs - footer);
  return { headerLines, bodyLines, stacked: columns < WIDE_COLUMNS };
}
