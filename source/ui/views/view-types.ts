// What a view is to the shell: a pure function from the session to the pane
// now shown (rows, how to filter them, what Enter does), and a component that
// draws it. Input never reaches a view directly: the one dispatcher reads the
// pane model to know how many rows there are and what opening one means.
import type { ReactElement } from 'react';
import type { DetailRequest, SessionData } from '../session-data.js';
import type { UiAction, UiState, ViewId } from '../store.js';
import type { Binding, KeyContext, ViewBinding } from '../keymap.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface PaneModel<T = any> {
  /** Identity of the list for its cursor and filter, e.g. "queues" or "queues/msg/var/qmail/123". */
  key: string;
  title: string;
  /** Rows after the filter. */
  rows: T[];
  /** Rows before the filter. */
  total: number;
  /** False for a detail pane that cannot be filtered. */
  filterable: boolean;
  /** What Enter on a row does, if anything. */
  open?: (row: T) => UiAction | null;
  /** The address a row stands for, to pre-fill `t`. */
  address?: (row: T) => string | null;
  /** Lines at the top of the pane that do not scroll (column headings). */
  fixedLines?: number;
  /** A row's whole text, for `v` and the line under the list (rows are cut to the terminal's width). */
  wholeText?: (row: T) => string;
  /** Lines the view keeps under the list for the selected row (the list is that much shorter). */
  detailLines?: (width: number) => number;
  /** What the rows are, for the count beside the title ("36 lines"; default lines). */
  noun?: [string, string];
  /** The title counts the rows itself ("36 leaks: …"): the count is added only under a filter ("filter: L14 · 3 of 36 leaks"). */
  titleCounts?: boolean;
  /** Things the rows shown need read (a lazily read branch just opened); the app asks the loader. */
  needs?: DetailRequest[];
}

export interface PaneContext {
  data: SessionData;
  ui: UiState;
  width: number;
  /** Lines of the body the view draws in. */
  height: number;
}

export interface ViewProps {
  pane: PaneModel;
  ui: UiState;
  data: SessionData;
  width: number;
  height: number;
}

export interface ViewDef {
  id: ViewId;
  title: string;
  /** More names `:view NAME` knows it by (the id and the title always work). */
  names?: string[];
  /** The view's own keys (scope 'view': only while it is shown; 'global': from every view). */
  bindings?: ViewBinding[];
  /**
   * A printable key pressed in this view, before the binding it means runs
   * (null: it means none): the actions to take instead, or null to let the
   * binding do its work. The Trace view takes letters as the start of an
   * address here, so that typing one without `t` first does not run them as keys.
   */
  typed?: (input: string, binding: Binding | null, ctx: KeyContext) => UiAction[] | null;
  /** The view's data has landed (the tab is offered). */
  available(data: SessionData): boolean;
  pane(ctx: PaneContext): PaneModel;
  render(props: ViewProps): ReactElement;
}
