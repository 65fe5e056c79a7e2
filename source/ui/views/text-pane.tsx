// Detail panes are lists of text rows: every line scrolls with the same
// keys, can be filtered, and a row naming a file and line opens that file
// with Enter. Also the file pane itself (Problems → Enter, Domains details).
import React from 'react';
import { Box, Text } from 'ink';
import { WindowedList } from '../components/WindowedList.js';
import { useTheme, type Tone } from '../theme.js';
import { fitEnd, cell } from '../text-fit.js';
import { START } from '../list-state.js';
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

/** Enter on a row: its own action, or open the file it names at its line. */
export function openTextRow(view: ViewId) {
  return (row: TextRow): UiAction | null => {
    if (row.action) return row.action;
    if (row.jump) return jumpTo(view, row.jump.path, row.jump.line);
    return null;
  };
}

export function jumpTo(view: ViewId, path: string, line: number | null): UiAction {
  const f: Frame = { k: 'file', path, line };
  const id = frameId(f);
  const paneKey = `${view}/${id}`;
  return { type: 'batch', actions: [{ type: 'push', view, frame: id }, { type: 'select', paneKey, index: Math.max(0, (line ?? 1) - 1) }] };
}

const filterRows = memoLast((rows: TextRow[], filter: string | undefined) => applyFilter(rows, (r) => r.text, filter));

export function textPane(key: string, title: string, rows: TextRow[], ui: UiState, view: ViewId, fixedLines = 1): PaneModel<TextRow> {
  const shown = filterRows(rows, ui.filters[key]);
  return { key, title, rows: shown, total: rows.length, filterable: true, open: openTextRow(view), address: (r) => r.address ?? null, fixedLines };
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
  return { key, title: `${sanitize(f.path)}${f.line ? ':' + f.line : ''}  (Esc back)`, rows, total: rows.length, filterable: false, fixedLines: 1 };
}

/** Draw a text pane: a title line, then the windowed rows. */
export function TextPaneView({ pane, ui, width, height }: ViewProps): React.ReactElement {
  const theme = useTheme();
  const p = pane as PaneModel<TextRow>;
  const filter = ui.filters[p.key];
  const count = p.rows.length === p.total ? `${p.total}` : `${p.rows.length} of ${p.total}`;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate-end">
        {cell(sanitize(`${p.title}  ${count} lines${filter ? `  filter: ${filter}` : ''}`), width)}
      </Text>
      <WindowedList
        rows={p.rows}
        pos={ui.lists[p.key] ?? START}
        height={height - 1}
        width={width}
        renderRow={(r, selected) =>
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
              {fitEnd((selected ? '›' : ' ') + sanitize(r.text), width)}
            </Text>
          )
        }
      />
    </Box>
  );
}
