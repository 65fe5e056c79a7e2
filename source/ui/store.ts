// The one store of a session: what is loaded, which view and row is
// selected, filters, inputs, overlays, trace history and pending edits.
// The reducer is pure and tested without rendering; App.tsx holds the
// snapshot (useReducer) and views draw it: they get no actions of their own,
// every change comes through the one key dispatcher.
import { editLine, line, type LineAction, type LineState } from './line-edit.js';
import { moveList, START, type ListMove, type ListPos } from './list-state.js';
import type { SessionData } from './session-data.js';
import type { EditStart } from './edit/target.js';

/** A view's id, as its ViewDef names it (views/registry.ts lists them). */
export type ViewId = string;

export interface QueuedTrace {
  instance: string;
  channel: 'local' | 'remote';
}

export type InputKind = 'filter' | 'command' | 'trace';

export interface InputState {
  kind: InputKind;
  line: LineState;
  /** For a filter: the pane it filters. */
  paneKey?: string;
  /** For a filter: its text before the input opened (Esc restores nothing: it clears). */
}

/** Where a jump came from (Esc goes back to it): a view, and in the Trace view the address shown there. */
export interface TrailStep {
  view: ViewId;
  trace?: { address: string; queued: QueuedTrace | null; frames: string[] };
}

export interface UiState {
  data: SessionData;
  view: ViewId;
  /** Detail frames opened with Enter, per view: the last one is shown (a view not yet opened has none). */
  stack: Record<ViewId, string[]>;
  lists: Record<string, ListPos>;
  filters: Record<string, string>;
  /** The order a list is shown in, by pane key (a list's own words, e.g. the Queues list's `o`). */
  sorts: Record<string, string>;
  input: InputState | null;
  /** Over the view: the help, or one row's whole text (`v`). */
  overlay: 'help' | 'text' | null;
  /** What the text overlay shows. */
  overlayText: { title: string; text: string } | null;
  /** Restrict side-by-side views to one installation (`:instance PATH`), or null for all. */
  instance: string | null;
  /** Trace: the address shown, newest first history. */
  /** `queued`: a recipient as a queue holds it (already rewritten), walked from that channel in that installation. */
  trace: { address: string | null; queued: QueuedTrace | null; history: string[] };
  /** One line of feedback (command errors, reload done), cleared by the next key. */
  status: string | null;
  /** Folded branches of trees (Dot-qmail), by node id. */
  folded: Record<string, boolean>;
  /** The jumps made to other views (Enter on a recipient, t), newest last: Esc walks back along them. */
  trail: TrailStep[];
  /** A view asked for by its key while its data was loading: opened as soon as it is there (App.tsx). */
  wantView: ViewId | null;
  /** Bumped by `r`: the shell reloads when it changes. */
  reloadCount: number;
  /** q was pressed where it might have been the first letter of an address (the Trace view's start screen): q again quits. */
  quitAsked: boolean;
  quit: boolean;
}

export type UiAction =
  | { type: 'data'; data: SessionData }
  /** `jump`: going there is a step Esc comes back from (t); a plain switch (a digit, Tab) starts a new trail. */
  | { type: 'view'; view: ViewId; jump?: boolean }
  | { type: 'wantView'; view: ViewId | null }
  | { type: 'cycleView'; delta: 1 | -1; available: ViewId[] }
  | { type: 'move'; paneKey: string; move: ListMove; count: number; height: number }
  | { type: 'select'; paneKey: string; index: number }
  | { type: 'push'; view: ViewId; frame: string }
  | { type: 'back' }
  | { type: 'help' }
  | { type: 'showText'; title: string; text: string }
  | { type: 'closeOverlay' }
  | { type: 'startInput'; kind: InputKind; text?: string; paneKey?: string }
  | { type: 'editInput'; action: LineAction }
  | { type: 'cancelInput' }
  | { type: 'setFilter'; paneKey: string; text: string }
  | { type: 'sort'; paneKey: string; key: string }
  | { type: 'trace'; address: string; queued?: QueuedTrace }
  | { type: 'instance'; root: string | null }
  | { type: 'status'; text: string | null }
  /** Open the edit flow (App.tsx hands it to the flow, which is not in this store). */
  | { type: 'openEdit'; start: EditStart }
  | { type: 'reload' }
  | { type: 'quit' }
  | { type: 'askQuit'; on: boolean }
  | { type: 'batch'; actions: UiAction[] }
  | { type: 'toggleFold'; id: string };

export function initialState(data: SessionData, view: ViewId = 'domains'): UiState {
  return {
    data,
    view,
    stack: {},
    lists: {},
    filters: {},
    sorts: {},
    input: null,
    overlay: null,
    overlayText: null,
    instance: null,
    trace: { address: null, queued: null, history: [] },
    status: null,
    folded: {},
    wantView: null,
    trail: [],
    reloadCount: 0,
    quitAsked: false,
    quit: false,
  };
}

const HISTORY_MAX = 50;

/** The scroll position of the help overlay and of the text overlay, in `lists`. */
export const HELP_PANE = 'help';
export const TEXT_PANE = 'overlay-text';

export function reduce(s: UiState, a: UiAction): UiState {
  switch (a.type) {
    case 'data':
      return { ...s, data: a.data };
    case 'view':
      if (s.view === a.view) return s.wantView === null ? s : { ...s, wantView: null };
      return { ...s, view: a.view, wantView: null, trail: a.jump ? stepFrom(s) : [], input: s.input?.kind === 'filter' ? null : s.input };
    case 'wantView':
      return { ...s, wantView: a.view };
    case 'cycleView': {
      if (a.available.length === 0) return s;
      const i = a.available.indexOf(s.view);
      const next = a.available[(i + a.delta + a.available.length) % a.available.length];
      return reduce(s, { type: 'view', view: next });
    }
    case 'move':
      return { ...s, lists: { ...s.lists, [a.paneKey]: moveList(s.lists[a.paneKey] ?? START, a.move, a.count, a.height) } };
    case 'select':
      // A jump shows a few lines of context above the line it lands on.
      return { ...s, lists: { ...s.lists, [a.paneKey]: { cursor: a.index, top: Math.max(0, a.index - 5) } } };
    case 'push':
      return { ...s, view: a.view, stack: { ...s.stack, [a.view]: [...(s.stack[a.view] ?? []), a.frame] } };
    case 'back': {
      // Esc undoes the innermost thing: an input, an overlay, a filter, then a detail frame.
      if (s.input) return reduce(s, { type: 'cancelInput' });
      if (s.overlay) return { ...s, overlay: null };
      const frames = s.stack[s.view] ?? [];
      if (frames.length > 0) return { ...s, stack: { ...s.stack, [s.view]: frames.slice(0, -1) } };
      return backAlongTrail(s);
    }
    case 'help':
      return { ...s, overlay: s.overlay === 'help' ? null : 'help' };
    case 'showText':
      return { ...s, overlay: 'text', overlayText: { title: a.title, text: a.text }, lists: { ...s.lists, [TEXT_PANE]: START } };
    case 'closeOverlay':
      return { ...s, overlay: null };
    case 'startInput': {
      const text = a.text ?? (a.kind === 'filter' && a.paneKey ? s.filters[a.paneKey] ?? '' : '');
      return { ...s, overlay: null, input: { kind: a.kind, line: line(text), paneKey: a.paneKey } };
    }
    case 'editInput': {
      if (!s.input) return s;
      const next: InputState = { ...s.input, line: editLine(s.input.line, a.action) };
      // The filter is live: every keystroke re-filters the list, from its first row.
      if (next.kind === 'filter' && next.paneKey) {
        return {
          ...s,
          input: next,
          filters: { ...s.filters, [next.paneKey]: next.line.text },
          lists: { ...s.lists, [next.paneKey]: START },
        };
      }
      return { ...s, input: next };
    }
    case 'cancelInput': {
      if (!s.input) return s;
      if (s.input.kind === 'filter' && s.input.paneKey) {
        return { ...s, input: null, filters: { ...s.filters, [s.input.paneKey]: '' }, lists: { ...s.lists, [s.input.paneKey]: START } };
      }
      return { ...s, input: null };
    }
    case 'sort':
      return { ...s, sorts: { ...s.sorts, [a.paneKey]: a.key }, lists: { ...s.lists, [a.paneKey]: START } };
    case 'setFilter':
      return { ...s, input: null, filters: { ...s.filters, [a.paneKey]: a.text }, lists: { ...s.lists, [a.paneKey]: START } };
    case 'trace': {
      const address = a.address.trim();
      if (!address) return { ...s, input: null };
      const history = [address, ...s.trace.history.filter((h) => h !== address)].slice(0, HISTORY_MAX);
      const queued = a.queued ?? null;
      const same = s.view === 'trace' && s.trace.address === address && JSON.stringify(s.trace.queued) === JSON.stringify(queued);
      return { ...s, input: null, view: 'trace', trail: same ? s.trail : stepFrom(s), stack: { ...s.stack, trace: [] }, trace: { address, queued, history } };
    }
    case 'instance':
      return { ...s, instance: a.root };
    case 'status':
      return s.status === a.text ? s : { ...s, status: a.text };
    case 'openEdit':
      return s;
    case 'reload':
      return { ...s, reloadCount: s.reloadCount + 1, status: 'reloading from disk…' };
    case 'quit':
      return { ...s, quit: true };
    case 'askQuit':
      return s.quitAsked === a.on ? s : { ...s, quitAsked: a.on };
    case 'batch':
      return a.actions.reduce(reduce, s);
    case 'toggleFold':
      return { ...s, folded: { ...s.folded, [a.id]: !s.folded[a.id] } };
  }
}

const TRAIL_MAX = 50;

/** The trail with the place `s` shows now added (the address too, when it is the Trace view). */
function stepFrom(s: UiState): TrailStep[] {
  const step: TrailStep =
    s.view === 'trace' && s.trace.address ? { view: 'trace', trace: { address: s.trace.address, queued: s.trace.queued, frames: s.stack.trace ?? [] } } : { view: s.view };
  return [...s.trail, step].slice(-TRAIL_MAX);
}

/** Esc with no frame left: back to where the last jump came from, as it was (its frames kept). */
function backAlongTrail(s: UiState): UiState {
  const step = s.trail.at(-1);
  if (!step) return s;
  const trail = s.trail.slice(0, -1);
  if (!step.trace) return { ...s, view: step.view, trail };
  return { ...s, view: 'trace', trail, trace: { ...s.trace, address: step.trace.address, queued: step.trace.queued }, stack: { ...s.stack, trace: step.trace.frames } };
}

/** Rows of a pane after its filter: case-insensitive substring over everything shown in a row. */
export function applyFilter<T>(rows: T[], text: (row: T) => string, filter: string | undefined): T[] {
  const f = (filter ?? '').trim().toLowerCase();
  if (!f) return rows;
  return rows.filter((r) => text(r).toLowerCase().includes(f));
}
