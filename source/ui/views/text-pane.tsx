// Detail panes are lists of text rows: every line scrolls with the same
// keys, can be filtered, and a row naming a file and line opens that file
// with Enter. Also the file pane itself (Problems → Enter, Domains details).
import React from 'react';
import { Box, Text } from 'ink';
import { WindowedList } from '../components/WindowedList.js';
import { useTheme, type Tone } from '../theme.js';
import { fitEnd, cell, wrapLines } from '../text-fit.js';
import { START, clampPos } from '../list-state.js';
import { sanitize } from '../../text/sanitize.js';
import { memoLast } from '../memo.js';
import { applyFilter, type UiAction, type ViewId } from '../store.js';
import { requestKey, type SessionData } from '../session-data.js';
import type { PaneModel, ViewProps } from './view-types.js';
import type { UiState } from '../store.js';

export interface TextRow {
  text: string;
  tone?: Tone;
  bold?: boolean;
  /** Already sanitized by its builder; drawn through sanitize() again (idempotent) as a last guard. */
  /** Enter opens this file at this line. */
  jump?: { path: string; line: number | null };
  /** `t` traces this address. */
  address?: string;
  /** Enter does this instead. */
  action?: UiAction;
  /** Tree node id (Dot-qmail), for folding. */
  id?: string;
  /** Drawn as coloured pieces (side-by-side columns, highlighted outcomes); `text` stays the whole row for the filter. */
  segments?: Array<{ text: string; tone?: Tone; bold?: boolean }>;
}

export type Frame = { k: 'file'; path: string; line: number | null } | { k: 'domain'; domain: string } | { k: 'message'; instance: string; id: number } | { k: 'node'; id: string };

export const frameId = (f: Frame): string => JSON.stringify(f);
export function parseFrame(s: string | undefined): Frame | null {
  if (!s) return null;
  try {
    return JSON.parse(s) as Frame;
  } catch {
    return null;
  }
}

export function topFrame(ui: UiState, view: ViewId): Frame | null {
  const st = ui.stack[view];
  return st?.length ? parseFrame(st[st.length - 1]) : null;
}

/** Enter on a row: its own action, or open the file it names at its line, or else show its whole text. */
export function openTextRow(view: ViewId, title = '') {
  return (row: TextRow): UiAction | null => {
    if (row.action) return row.action;
    if (row.jump) return jumpTo(view, row.jump.path, row.jump.line);
    return row.text.trim() ? { type: 'showText', title, text: row.text.trim() } : null;
  };
}

/** "12 messages", "1 line", or with a filter "filter: lunch · 1 of 12 messages" (the filter is always in sight). */
export function countText(shown: number, total: number, noun: string | [string, string], filter: string | undefined): string {
  const [one, many] = typeof noun === 'string' ? [noun, noun] : noun;
  const word = (n: number): string => (n === 1 ? one : many);
  return filter ? `filter: ${filter} · ${shown} of ${total} ${word(total)}` : `${total} ${word(total)}`;
}

const overflowing = new WeakMap<TextRow[], Map<number, boolean>>();

/**
 * Lines under a text pane for the selected row's whole text: two when some
 * row is wider than the pane (issue 21: no row is only "…"), none otherwise,
 * so the list keeps its height as the cursor moves.
 */
export function rowDetailLines(rows: TextRow[], width: number): number {
  let byWidth = overflowing.get(rows);
  if (!byWidth) overflowing.set(rows, (byWidth = new Map()));
  let over = byWidth.get(width);
  if (over === undefined) {
    over = rows.some((r) => r.text.length + 1 > width);
    byWidth.set(width, over);
  }
  return over ? 2 : 0;
}

export function jumpTo(view: ViewId, path: string, line: number | null): UiAction {
  const f: Frame = { k: 'file', path, line };
  const id = frameId(f);
  const paneKey = `${view}/${id}`;
  return { type: 'batch', actions: [{ type: 'push', view, frame: id }, { type: 'select', paneKey, index: Math.max(0, (line ?? 1) - 1) }] };
}

const filterRows = memoLast((rows: TextRow[], filter: string | undefined) => applyFilter(rows, (r) => r.text, filter));

export interface TextPaneOptions {
  /** What the rows are (PaneModel.noun). */
  noun?: [string, string];
  /** The title counts them already (PaneModel.titleCounts). */
  titleCounts?: boolean;
  /** Lines above the list that do not scroll (PaneModel.fixedLines; default 1, the title). */
  fixedLines?: number;
}

export function textPane(key: string, title: string, rows: TextRow[], ui: UiState, view: ViewId, opts: TextPaneOptions = {}): PaneModel<TextRow> {
  const shown = filterRows(rows, ui.filters[key]);
  return {
    key,
    title,
    rows: shown,
    total: rows.length,
    filterable: true,
    open: openTextRow(view, title),
    address: (r) => r.address ?? null,
    fixedLines: opts.fixedLines ?? 1,
    noun: opts.noun,
    titleCounts: opts.titleCounts,
    wholeText: (r) => r.text.trim(),
    detailLines: (w) => rowDetailLines(shown, w),
  };
}

/** The file pane: the file's lines numbered, the line in question marked. */
export function filePane(view: ViewId, data: SessionData, ui: UiState, f: Extract<Frame, { k: 'file' }>): PaneModel<TextRow> {
  const key = `${view}/${frameId(f)}`;
  const d = data.details[requestKey({ kind: 'file', path: f.path })];
  let rows: TextRow[];
  if (!d || d.kind !== 'file') rows = [{ text: 'reading…' }];
  else if (d.file.error) rows = [{ text: `✗ error  ${sanitize(d.file.path)}: ${d.file.error}`, tone: 'error' }];
  else if (d.file.program) rows = (d.file.lines ?? []).map((l, i) => ({ text: l, bold: i < 2, tone: l.includes('← the home') ? ('warn' as Tone) : undefined }));
  else {
    const lines = d.file.lines ?? [];
    const n = lines.length > 0 && lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
    const w = String(n).length;
    rows = lines.slice(0, n).map((l, i) => ({ text: `${String(i + 1).padStart(w)}${i + 1 === f.line ? '▶' : ' '} ${l}`, bold: i + 1 === f.line, tone: i + 1 === f.line ? ('warn' as Tone) : undefined }));
    if (rows.length === 0) rows = [{ text: '(empty file)' }];
  }
  // A file pane is not filtered: line numbers must stay true to the file.
  return { key, title: `${sanitize(f.path)}${f.line ? ':' + f.line : ''}  (Esc back)`, rows, total: rows.length, filterable: false, fixedLines: 1, wholeText: (r) => r.text, detailLines: (w) => rowDetailLines(rows, w) };
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/**
 * A row as drawn in `width` columns. Two neighbours that would look the
 * same once cut (two L14 errors on one file, told apart only by the
 * installation near their end) show where they differ: their first columns
 * (up to the last wide gap before the difference, if that leaves room), "…",
 * then the text from up to two words before it.
 */
export function rowShown(rows: TextRow[], i: number, width: number): string {
  const t = rows[i].text;
  if (t.length <= width) return t;
  const same = Math.max(i > 0 ? commonPrefix(t, rows[i - 1].text) : 0, i + 1 < rows.length ? commonPrefix(t, rows[i + 1].text) : 0);
  if (same < width - 8) return t;
  // What must show after "… ": from the word where they part to a few characters past it.
  let from = t.lastIndexOf(' ', same) + 1;
  const end = same + 4;
  const room = (k: number): number => width - k - 3;
  const gap = t.lastIndexOf('  ', same);
  let keep = gap > 0 && end - from <= room(gap) ? gap : Math.floor(width * 0.35);
  if (end - from > room(keep)) keep = Math.max(0, width - 3 - (end - from));
  for (let k = 0; k < 2; k++) {
    const p = from > 1 ? t.lastIndexOf(' ', from - 2) : -1;
    if (p <= keep || end - (p + 1) > room(keep)) break;
    from = p + 1;
  }
  return from <= keep + 2 ? t : `${t.slice(0, keep).trimEnd()} … ${t.slice(from)}`;
}

/** The selected row's whole text over `n` lines of `width` (the last cut, with "v shows all", if it must be). */
export function detailText(text: string, width: number, n: number): string[] {
  return wrapLines(text, width, n, (rest) => fitEnd(rest, width - 12) + ' (v: whole)');
}

/** Draw a text pane: a title line, the windowed rows, and the selected row whole when rows are cut. */
export function TextPaneView({ pane, ui, width, height }: ViewProps): React.ReactElement {
  const theme = useTheme();
  const p = pane as PaneModel<TextRow>;
  const filter = ui.filters[p.key];
  const under = p.detailLines?.(width) ?? 0;
  const listH = Math.max(1, height - 1 - under);
  const pos = clampPos(ui.lists[p.key] ?? START, p.rows.length, listH);
  const sel = p.rows[pos.cursor];
  // Only a row that is cut is repeated underneath.
  const detail = under && sel && sel.text.length + 1 > width ? detailText(sanitize(sel.text.trim()), width, under) : [];
  // An active filter leads the line, so that it is never cut off.
  const noun = p.noun ?? ['line', 'lines'];
  const head = filter ? `${countText(p.rows.length, p.total, noun, filter)}  ${p.title}` : p.titleCounts ? p.title : `${p.title}  ${countText(p.rows.length, p.total, noun, undefined)}`;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate-end">
        {cell(sanitize(head), width)}
      </Text>
      <WindowedList
        rows={p.rows}
        pos={ui.lists[p.key] ?? START}
        height={listH}
        width={width}
        renderRow={(r, selected, i) =>
          r.segments ? (
            <Text inverse={selected} wrap="truncate-end">
              {selected ? '›' : ' '}
              {r.segments.map((g, i) => (
                <Text key={i} bold={g.bold} color={selected ? undefined : theme.fg(g.tone ?? 'plain')}>
                  {sanitize(g.text)}
                </Text>
              ))}
            </Text>
          ) : (
            <Text inverse={selected} bold={r.bold} color={selected ? undefined : theme.fg(r.tone ?? 'plain')} wrap="truncate-end">
              {fitEnd((selected ? '›' : ' ') + sanitize(rowShown(p.rows, i, width - 1)), width)}
            </Text>
          )
        }
      />
      {Array.from({ length: under }, (_x, i) => (
        <Text key={`d${i}`} color={theme.fg('dim')} wrap="truncate-end">
          {detail[i] ?? ' '}
        </Text>
      ))}
    </Box>
  );
}
