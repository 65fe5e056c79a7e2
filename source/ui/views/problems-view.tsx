// View 6: what `qlens check` reports, one row per problem; Enter opens the
// file at the line.
import React from 'react';
import { sanitize } from '../../text/sanitize.js';
import { cell } from '../text-fit.js';
import type { Diagnostic } from '../../qmail/model-types.js';
import type { PaneContext, PaneModel, ViewDef } from './view-types.js';
import { TextPaneView, filePane, textPane, topFrame, type TextRow } from './text-pane.js';
import { shownInstances } from './domains-view.js';
import { memoLast } from '../memo.js';

const SEV: Record<Diagnostic['severity'], { word: string; tone: TextRow['tone'] }> = {
  error: { word: '✗ error', tone: 'error' },
  warning: { word: '! warning', tone: 'warn' },
  info: { word: 'i note', tone: 'info' },
};

export function problemRows(problems: Diagnostic[]): TextRow[] {
  return problems.map((d) => ({
    text: `${cell(SEV[d.severity].word, 10)}${sanitize(d.path)}${d.line !== null ? ':' + d.line : ''}  ${sanitize(d.message)}  (${d.code})`,
    tone: SEV[d.severity].tone,
    jump: { path: d.path, line: d.line },
  }));
}

const cachedRows = memoLast(problemRows);
const mineOf = memoLast((all: Diagnostic[], othersKey: string) => {
  const others = othersKey.split('\n').filter(Boolean);
  return all.filter((d) => !others.some((r) => d.path.startsWith(r + '/')));
});

function pane({ data, ui }: PaneContext): PaneModel {
  const f = topFrame(ui, 'problems');
  if (f?.k === 'file') return filePane('problems', data, ui, f);
  const roots = shownInstances(data, ui);
  const all = data.parts.problems ?? [];
  // With `:instance`, problems of the other installations step aside (host-wide files stay).
  const others = data.instances.map((i) => i.root).filter((r) => !roots.includes(r));
  const mine = ui.instance ? mineOf(all, others.join('\n')) : all;
  const n = (s: Diagnostic['severity']): number => mine.filter((d) => d.severity === s).length;
  const counted = (k: number, w: string): string => `${k} ${w}${k === 1 ? '' : 's'}`;
  const title = `qlens check: ${counted(n('error'), 'error')}, ${counted(n('warning'), 'warning')}, ${counted(n('info'), 'note')}  (Enter opens the file · v the whole text)`;
  const rows = mine.length ? cachedRows(mine) : [{ text: '✓ ok  no problems found', tone: 'ok' as const }];
  return textPane('problems', title, rows, ui, 'problems', { noun: ['problem', 'problems'], titleCounts: mine.length > 0 });
}

export const problemsView: ViewDef = {
  id: 'problems',
  title: 'Problems',
  names: ['check'],
  available: (d) => d.parts.problems !== undefined,
  pane,
  render: (props) => <TextPaneView {...props} />,
};
