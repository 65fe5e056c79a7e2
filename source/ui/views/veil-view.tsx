// View 5: where the installations on this host give each other away, each
// leak with its evidence (Enter opens the file) and its fix.
import React from 'react';
import { sanitize } from '../../text/sanitize.js';
import { cell, wrapText } from '../text-fit.js';
import type { Leak } from '../../veil/index.js';
import type { Tone } from '../theme.js';
import type { PaneContext, PaneModel, ViewDef } from './view-types.js';
import { TextPaneView, filePane, frameId, textPane, topFrame, type TextRow } from './text-pane.js';
import { shownInstances } from './domains-view.js';

const SEV: Record<Leak['severity'], { word: string; tone: Tone }> = {
  high: { word: '✗ high', tone: 'error' },
  medium: { word: '! medium', tone: 'warn' },
  low: { word: '· low', tone: 'info' },
  info: { word: 'i info', tone: 'dim' },
};

function leakKey(l: Leak): string {
  return `${l.id}:${l.kind}:${l.instances.join(',')}:${l.evidence.map((e) => `${e.path}:${e.line}`).join(',')}`;
}

function detailRows(l: Leak, width: number): TextRow[] {
  const rows: TextRow[] = [];
  rows.push({ text: `${l.id}  ${SEV[l.severity].word}  ${sanitize(l.kind)}  ${l.instances.map((i) => sanitize(i)).join(', ')}`, bold: true, tone: SEV[l.severity].tone });
  rows.push({ text: 'what it gives away', bold: true, tone: 'accent' });
  for (const t of wrapText(sanitize(l.explanation), width - 4)) rows.push({ text: '  ' + t });
  rows.push({ text: `evidence (${l.evidence.length}; Enter opens the file)`, bold: true, tone: 'accent' });
  if (l.evidence.length === 0) rows.push({ text: '  (inherent to running several installations on one host: no file shows it)' });
  for (const e of l.evidence) {
    rows.push({ text: `  ${sanitize(e.path)}${e.line !== null ? ':' + e.line : ''}  ${sanitize(e.text)}`, jump: { path: e.path, line: e.line } });
  }
  rows.push({ text: 'fix', bold: true, tone: 'accent' });
  for (const t of wrapText(sanitize(l.fix), width - 4)) rows.push({ text: '  ' + t });
  return rows;
}

function pane({ data, ui, width }: PaneContext): PaneModel {
  const f = topFrame(ui, 'veil');
  const leaks = data.parts.veil ?? [];
  if (f?.k === 'file') return filePane('veil', data, ui, f);
  if (f?.k === 'node') {
    const l = leaks.find((x) => leakKey(x) === f.id);
    const rows = l ? detailRows(l, width) : [{ text: 'this leak is gone (reloaded?)' }];
    return textPane(`veil/${frameId(f)}`, `${l ? l.id + ' ' + sanitize(l.kind) : 'leak'} (Esc back)`, rows, ui, 'veil');
  }
  const roots = shownInstances(data, ui);
  const shown = ui.instance ? leaks.filter((l) => l.instances.some((i) => roots.includes(i)) || l.instances.length === 0) : leaks;
  const rows: TextRow[] = shown.map((l) => ({
    text: `${cell(l.id, 4)}${cell(SEV[l.severity].word, 9)}${cell(sanitize(l.kind), 27)} ${l.instances.map((i) => sanitize(i)).join(', ')}  ${sanitize(l.explanation)}`,
    tone: SEV[l.severity].tone,
    action: { type: 'push', view: 'veil', frame: frameId({ k: 'node', id: leakKey(l) }) },
  }));
  const count = (s: Leak['severity']): number => shown.filter((l) => l.severity === s).length;
  const title = `${shown.length} leak${shown.length === 1 ? '' : 's'}: ${count('high')} high, ${count('medium')} medium, ${count('low')} low, ${count('info')} info  (Enter: evidence and fix)`;
  return textPane('veil', title, rows.length ? rows : [{ text: '✓ ok  no leak found', tone: 'ok' }], ui, 'veil', { noun: ['leak', 'leaks'], titleCounts: rows.length > 0 });
}

export const veilView: ViewDef = {
  id: 'veil',
  title: 'Veil',
  available: (d) => d.parts.veil !== undefined,
  pane,
  render: (props) => <TextPaneView {...props} />,
};
