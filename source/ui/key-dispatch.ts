// The dispatcher: a key press and the current state in, store actions out.
// Priorities, highest first: Ctrl-C; a too-small screen (only q works); a
// text input; an overlay; the keymap. One place decides, so no key is ever
// handled twice. Pure, so every path is tested without a terminal.
import { commandFor, type Command, type KeyEvent, type KeymapOptions } from './keymap.js';
import { parseCommandLine } from './command-line.js';
import { clampPos, START } from './list-state.js';
import type { PaneModel } from './views/view-types.js';
import { VIEW_IDS, type UiAction, type UiState, type ViewId } from './store.js';

export interface DispatchContext {
  state: UiState;
  pane: PaneModel | null;
  /** Views whose data has landed, in tab order. */
  available: ViewId[];
  listHeight: number;
  tooSmall: boolean;
  keymap: KeymapOptions;
  /** Lines in the help overlay and its height, for scrolling it. */
  helpCount: number;
}

export const HELP_PANE = 'help';

function inputActions(input: string, key: KeyEvent, ctx: DispatchContext): UiAction[] {
  const s = ctx.state;
  const inp = s.input!;
  if (key.escape) return [{ type: 'cancelInput' }];
  if (key.return) {
    const text = inp.line.text;
    if (inp.kind === 'filter') return [{ type: 'setFilter', paneKey: inp.paneKey ?? '', text }];
    if (inp.kind === 'trace') return [{ type: 'trace', address: text }];
    const r = parseCommandLine(text, { instances: s.data.instances.map((i) => i.root), available: ctx.available, paneKey: ctx.pane?.filterable ? ctx.pane.key : null });
    return r.ok ? [{ type: 'cancelInput' }, ...r.actions] : [{ type: 'cancelInput' }, { type: 'status', text: r.message }];
  }
  if (inp.kind === 'filter' && ctx.pane && (key.upArrow || key.downArrow || key.pageUp || key.pageDown)) {
    const move = key.upArrow ? 'up' : key.downArrow ? 'down' : key.pageUp ? 'pageUp' : 'pageDown';
    return [{ type: 'move', paneKey: ctx.pane.key, move, count: ctx.pane.rows.length, height: ctx.listHeight }];
  }
  if (key.backspace || key.delete) return [{ type: 'editInput', action: { type: 'backspace' } }];
  if (key.leftArrow) return [{ type: 'editInput', action: { type: 'left' } }];
  if (key.rightArrow) return [{ type: 'editInput', action: { type: 'right' } }];
  if (key.home) return [{ type: 'editInput', action: { type: 'home' } }];
  if (key.end) return [{ type: 'editInput', action: { type: 'end' } }];
  if (key.ctrl) {
    if (input === 'u') return [{ type: 'editInput', action: { type: 'clear' } }];
    if (input === 'w') return [{ type: 'editInput', action: { type: 'deleteWord' } }];
    if (input === 'a') return [{ type: 'editInput', action: { type: 'home' } }];
    if (input === 'e') return [{ type: 'editInput', action: { type: 'end' } }];
    return [];
  }
  if (key.meta || key.tab || key.upArrow || key.downArrow || key.pageUp || key.pageDown || key.f1) return [];
  if (input) return [{ type: 'editInput', action: { type: 'insert', text: input } }];
  return [];
}

const MOVES: Partial<Record<Command, 'up' | 'down' | 'pageUp' | 'pageDown' | 'top' | 'bottom'>> = {
  up: 'up',
  down: 'down',
  pageUp: 'pageUp',
  pageDown: 'pageDown',
  top: 'top',
  bottom: 'bottom',
};

export function selectedRow(ctx: { state: UiState; pane: PaneModel | null; listHeight: number }): unknown {
  const p = ctx.pane;
  if (!p || p.rows.length === 0) return undefined;
  const pos = clampPos(ctx.state.lists[p.key] ?? START, p.rows.length, ctx.listHeight);
  return p.rows[pos.cursor];
}

export function keyActions(input: string, key: KeyEvent, ctx: DispatchContext): UiAction[] {
  const s = ctx.state;
  if (key.ctrl && input === 'c') return [{ type: 'quit' }];
  const clear: UiAction[] = s.status ? [{ type: 'status', text: null }] : [];
  if (ctx.tooSmall) return !s.input && input === 'q' && !key.ctrl ? [{ type: 'quit' }] : [];
  if (s.input) return [...clear, ...inputActions(input, key, ctx)];
  const cmd = commandFor(input, key, ctx.keymap);
  if (s.overlay === 'help') {
    if (cmd === 'quit' || cmd === 'back' || cmd === 'help') return [...clear, { type: 'closeOverlay' }];
    const mv = cmd ? MOVES[cmd] : undefined;
    if (mv) return [{ type: 'move', paneKey: HELP_PANE, move: mv, count: ctx.helpCount, height: 1 }];
    return clear;
  }
  if (!cmd) return clear;
  const pane = ctx.pane;
  // A pane's own meaning for a key comes before the app's (never both).
  const own = pane?.commands?.[cmd];
  if (own) {
    const a = own(selectedRow(ctx));
    return a ? [...clear, a] : clear;
  }
  const mv = MOVES[cmd];
  if (mv) return pane ? [...clear, { type: 'move', paneKey: pane.key, move: mv, count: pane.rows.length, height: ctx.listHeight }] : clear;
  switch (cmd) {
    case 'quit':
      return [{ type: 'quit' }];
    case 'help':
      return [...clear, { type: 'help' }];
    case 'back':
      // Esc clears a kept filter before it leaves a detail frame.
      if (pane && s.filters[pane.key]) return [...clear, { type: 'setFilter', paneKey: pane.key, text: '' }];
      return [...clear, { type: 'back' }];
    case 'open': {
      const row = selectedRow(ctx);
      if (row === undefined || !pane?.open) return clear;
      const a = pane.open(row);
      return a ? [...clear, a] : clear;
    }
    case 'nextView':
    case 'prevView':
      return [...clear, { type: 'cycleView', delta: cmd === 'nextView' ? 1 : -1, available: ctx.available }];
    case 'view1':
    case 'view2':
    case 'view3':
    case 'view4':
    case 'view5':
    case 'view6': {
      const v = VIEW_IDS[Number(cmd.slice(4)) - 1];
      return ctx.available.includes(v) ? [...clear, { type: 'view', view: v }] : [...clear, { type: 'status', text: `the ${v} view is not available yet (its data is not loaded)` }];
    }
    case 'filter':
      return pane?.filterable ? [...clear, { type: 'startInput', kind: 'filter', paneKey: pane.key }] : [...clear, { type: 'status', text: 'nothing to filter here' }];
    case 'trace': {
      if (!ctx.available.includes('trace')) return [...clear, { type: 'status', text: 'tracing is not available yet (the tracer is not loaded)' }];
      const row = selectedRow(ctx);
      const fromRow = row !== undefined && pane?.address ? pane.address(row) : null;
      return [...clear, { type: 'view', view: 'trace' }, { type: 'startInput', kind: 'trace', text: fromRow ?? s.trace.address ?? '' }];
    }
    case 'command':
      return [...clear, { type: 'startInput', kind: 'command' }];
    case 'reload':
      return [{ type: 'reload' }];
    case 'edit':
    case 'shape':
    case 'fold':
      return clear;
  }
  return clear;
}

/**
 * Ink hands a run of plain bytes that arrive together (fast typing, tmux
 * send-keys, a paste) to one callback as one string. Split it back into
 * keys so "jj" moves twice and "j\r" moves then opens.
 */
export function splitKeys(input: string, key: KeyEvent): Array<[string, KeyEvent]> {
  const flagged = key.ctrl || key.meta || key.escape || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown || key.home || key.end || key.tab || key.f1;
  if (input.length <= 1 || flagged) return [[input, key]];
  const out: Array<[string, KeyEvent]> = [];
  for (const ch of input) {
    const c = ch.codePointAt(0)!;
    if (ch === '\r' || ch === '\n') out.push(['', { return: true }]);
    else if (ch === '\t') out.push(['', { tab: true }]);
    else if (c === 0x7f || c === 0x08) out.push(['', { backspace: true }]);
    else if (c < 0x20) out.push([String.fromCharCode(c + 0x60), { ctrl: true }]);
    else out.push([ch, { shift: /[A-Z]/.test(ch) }]);
  }
  return out;
}
