// View 3: the .qmail files of every installation as a tree: the alias user,
// users/assign, virtual domains (with their manager's users), system users,
// each file's lines classified, with the warnings qmail would act on.
// Enter opens a file at its line; `t` traces the address a file answers to.
import React from 'react';
import type { PaneContext, PaneModel, ViewDef } from './view-types.js';
import { TextPaneView, filePane, textPane, topFrame, type TextRow } from './text-pane.js';
import { shownInstances } from './domains-view.js';
import { memoLast } from '../memo.js';
import { cleared } from '../global-bindings.js';
import type { TreeNode } from '../dotqmail-tree.js';
import { requestKey, type DetailRequest, type SessionData } from '../session-data.js';

interface TreeOut {
  rows: TextRow[];
  /** Lazy branches opened whose rows have not been read yet. */
  needs: DetailRequest[];
  lazy: boolean;
}

const treeRows = memoLast((trees: Record<string, TreeNode[]> | undefined, rootsKey: string, folded: Record<string, boolean>, details: SessionData['details']): TreeOut => {
  const out: TreeOut = { rows: [], needs: [], lazy: false };
  const walk = (root: string, nodes: TreeNode[]): void => {
    // Rows below a folded node (deeper than it) are skipped until the depth comes back up.
    let hideBelow: number | null = null;
    for (const n of nodes) {
      if (hideBelow !== null) {
        if (n.depth > hideBelow) continue;
        hideBelow = null;
      }
      // A lazy branch starts folded: for it the flag means "opened".
      const isFolded = Boolean(n.group && (n.lazy ? !folded[n.id] : folded[n.id]));
      if (isFolded) hideBelow = n.depth;
      const mark = n.group ? (isFolded ? '+ ' : '- ') : '  ';
      out.rows.push({ id: n.group ? n.id : undefined, text: '  '.repeat(n.depth) + mark + n.text, tone: n.tone, bold: n.bold, jump: n.jump, address: n.address });
      if (!n.lazy) continue;
      out.lazy = true;
      if (isFolded) continue;
      const d = details[requestKey({ kind: 'branch', instance: root, id: n.id })];
      const pad = '  '.repeat(n.depth + 1) + '  ';
      if (!d || d.kind !== 'branch') {
        out.needs.push({ kind: 'branch', instance: root, id: n.id });
        out.rows.push({ text: pad + 'reading…', tone: 'dim' });
      } else if (d.error) out.rows.push({ text: `${pad}✗ ${d.error}`, tone: 'error' });
      else walk(root, d.nodes);
    }
  };
  for (const root of rootsKey.split('\n')) walk(root, trees?.[root] ?? []);
  return out;
});

/**
 * The .qmail files of the trees shown, each counted once (a file two users
 * or addresses reach is one file on disk), whatever is folded.
 */
const fileCount = memoLast((trees: Record<string, TreeNode[]> | undefined, rootsKey: string): number => {
  const paths = new Set<string>();
  for (const root of rootsKey.split('\n')) {
    for (const n of trees?.[root] ?? []) if (n.group && n.bold && n.jump && n.jump.line === null && n.id.endsWith(n.jump.path)) paths.add(n.jump.path);
  }
  return paths.size;
});

function pane({ data, ui }: PaneContext): PaneModel {
  const f = topFrame(ui, 'dotqmail');
  if (f?.k === 'file') return filePane('dotqmail', data, ui, f);
  const tree = treeRows(data.parts.dotqmail, shownInstances(data, ui).join('\n'), ui.folded, data.details);
  const rows = tree.rows;
  const files = fileCount(data.parts.dotqmail, shownInstances(data, ui).join('\n'));
  const title = tree.lazy
    ? `.qmail files: read as each home is opened (Space opens · Enter opens the file · t traces the address it answers to)`
    : `.qmail files: ${files}  (Enter opens the file · Space folds · t traces the address it answers to)`;
  const pane = textPane('dotqmail', title, rows, ui, 'dotqmail');
  return { ...pane, needs: tree.needs };
}

export const dotqmailView: ViewDef = {
  id: 'dotqmail',
  title: 'Dot-qmail',
  names: ['dot-qmail', 'qmail'],
  bindings: [
    {
      command: 'fold',
      keys: [{ input: ' ' }],
      label: 'Space',
      description: 'fold or unfold the selected branch of the tree',
      scope: 'view',
      hint: 'fold',
      handler: (ctx) => {
        const row = ctx.row as TextRow | undefined;
        return row?.id ? cleared(ctx, { type: 'toggleFold', id: row.id }) : cleared(ctx);
      },
      disabled: (ctx) => (topFrame(ctx.state, 'dotqmail') ? 'Space folds the tree: Esc goes back to it' : null),
    },
  ],
  available: (d) => d.parts.dotqmail !== undefined,
  pane,
  render: (props) => <TextPaneView {...props} />,
};
