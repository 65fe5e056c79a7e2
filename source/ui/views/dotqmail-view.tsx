// View 3: the .qmail files of every installation as a tree: the alias user,
// users/assign, virtual domains (with their manager's users), system users,
// each file's lines classified, with the warnings qmail would act on.
// Enter opens a file at its line; `t` traces the address a file answers to.
import React from 'react';
import type { PaneContext, PaneModel, ViewDef } from './view-types.js';
import { TextPaneView, filePane, textPane, topFrame, type TextRow } from './text-pane.js';
import { shownInstances } from './domains-view.js';
import { memoLast } from '../memo.js';
import type { TreeNode } from '../dotqmail-tree.js';

const treeRows = memoLast((trees: Record<string, TreeNode[]> | undefined, rootsKey: string, folded: Record<string, boolean>): TextRow[] => {
  const rows: TextRow[] = [];
  for (const root of rootsKey.split('\n')) {
    // Rows below a folded node (deeper than it) are skipped until the depth comes back up.
    let hideBelow: number | null = null;
    for (const n of trees?.[root] ?? []) {
      if (hideBelow !== null) {
        if (n.depth > hideBelow) continue;
        hideBelow = null;
      }
      const isFolded = Boolean(n.group && folded[n.id]);
      if (isFolded) hideBelow = n.depth;
      const mark = n.group ? (isFolded ? '+ ' : '- ') : '  ';
      rows.push({ id: n.group ? n.id : undefined, text: '  '.repeat(n.depth) + mark + n.text, tone: n.tone, bold: n.bold, jump: n.jump, address: n.address });
    }
  }
  return rows;
});

function pane({ data, ui }: PaneContext): PaneModel {
  const f = topFrame(ui, 'dotqmail');
  if (f?.k === 'file') return filePane('dotqmail', data, ui, f);
  const rows = treeRows(data.parts.dotqmail, shownInstances(data, ui).join('\n'), ui.folded);
  const files = rows.filter((r) => r.jump && r.jump.line === null && r.bold).length;
  const pane = textPane('dotqmail', `.qmail files: ${files}  (Enter opens the file · Space folds · t traces the address it answers to)`, rows, ui, 'dotqmail');
  return { ...pane, commands: { fold: (row: TextRow | undefined) => (row?.id ? { type: 'toggleFold', id: row.id } : null) } };
}

export const dotqmailView: ViewDef = {
  id: 'dotqmail',
  title: 'Dot-qmail',
  available: (d) => d.parts.dotqmail !== undefined,
  pane,
  render: (props) => <TextPaneView {...props} />,
};
