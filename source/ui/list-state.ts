// Cursor and scroll offset of a windowed list, as a pure function: only the
// rows between `top` and `top + height` are ever drawn, so a list of 100,000
// rows costs no more per frame than one of 20.

export interface ListPos {
  cursor: number;
  top: number;
}

export type ListMove = 'up' | 'down' | 'pageUp' | 'pageDown' | 'top' | 'bottom';

export const START: ListPos = { cursor: 0, top: 0 };

/** Keep cursor inside [0, count) and the window around it, scrolling as little as possible. */
export function clampPos(pos: ListPos, count: number, height: number): ListPos {
  const h = Math.max(1, height);
  if (count <= 0) return { cursor: 0, top: 0 };
  const cursor = Math.min(Math.max(0, pos.cursor), count - 1);
  let top = Math.min(Math.max(0, pos.top), Math.max(0, count - h));
  if (cursor < top) top = cursor;
  if (cursor >= top + h) top = cursor - h + 1;
  return { cursor, top };
}

export function moveList(pos: ListPos, move: ListMove, count: number, height: number): ListPos {
  const h = Math.max(1, height);
  const step: Record<ListMove, number> = {
    up: -1,
    down: 1,
    pageUp: -h,
    pageDown: h,
    top: -Infinity,
    bottom: Infinity,
  };
  const d = step[move];
  const cursor = d === -Infinity ? 0 : d === Infinity ? count - 1 : pos.cursor + d;
  // Paging moves the window with the cursor so the page turns as a whole.
  const top = move === 'pageDown' || move === 'pageUp' ? pos.top + d : pos.top;
  return clampPos({ cursor, top }, count, h);
}

/** The slice of rows to draw. */
export function visibleRange(pos: ListPos, count: number, height: number): { start: number; end: number } {
  const p = clampPos(pos, count, height);
  return { start: p.top, end: Math.min(count, p.top + Math.max(1, height)) };
}
