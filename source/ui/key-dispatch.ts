// The dispatcher: a key press and the current state in, store actions out.
// Priorities, highest first: Ctrl-C; a too-small screen (only q works); a
// text input; an overlay; the keymap (keymap.ts): the binding the key means
// says why it cannot work now (its disabled reason goes to the status line)
// or does its work (its handler's actions). One place decides, so no key is
// ever handled twice. Pure, so every path is tested without a terminal.
import { bindingFor, type KeyContext, type KeyEvent, type KeymapOptions } from './keymap.js';
import { parseCommandLine, traceActions } from './command-line.js';
import { clampPos, START, type ListMove } from './list-state.js';
import type { PaneModel } from './views/view-types.js';
import { VIEWS } from './views/registry.js';
import { HELP_PANE, TEXT_PANE, type UiAction, type UiState, type ViewId } from './store.js';

export interface DispatchContext {
  state: UiState;
  pane: PaneModel | null;
  /** Views whose data has landed, in tab order. */
  available: ViewId[];
  listHeight: number;
  tooSmall: boolean;
  keymap: KeymapOptions;
  /** Scroll positions of the open overlay (its lines less a page, plus one), for scrolling it. */
  helpCount: number;
  /** Lines of the open overlay on screen (PgDn moves by this much). */
  overlayHeight?: number;
}

export { HELP_PANE, TEXT_PANE };

function inputActions(input: string, key: KeyEvent, ctx: DispatchContext): UiAction[] {
  const s = ctx.state;
  const inp = s.input!;
  if (key.escape) return [{ type: 'cancelInput' }];
  if (key.return) {
    const text = inp.line.text;
    if (inp.kind === 'filter') return [{ type: 'setFilter', paneKey: inp.paneKey ?? '', text }];
    if (inp.kind === 'trace') return traceActions(text);
    const r = parseCommandLine(text, { instances: s.data.instances.map((i) => i.root), available: ctx.available, paneKey: ctx.pane?.filterable ? ctx.pane.key : null, views: ctx.keymap.views });
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

export function selectedRow(ctx: { state: UiState; pane: PaneModel | null; listHeight: number }): unknown {
  const p = ctx.pane;
  if (!p || p.rows.length === 0) return undefined;
  const pos = clampPos(ctx.state.lists[p.key] ?? START, p.rows.length, ctx.listHeight);
  return p.rows[pos.cursor];
}

const HELP_MOVES: Record<string, ListMove> = { up: 'up', down: 'down', pageUp: 'pageUp', pageDown: 'pageDown', top: 'top', bottom: 'bottom' };

/** The view shown: the one asked for when its data is here, else the first one loaded. */
export function shownView(state: UiState, available: ViewId[]): ViewId | null {
  return available.includes(state.view) ? state.view : available[0] ?? null;
}

export function keyActions(input: string, key: KeyEvent, ctx: DispatchContext): UiAction[] {
  const s = ctx.state;
  if (key.ctrl && input === 'c') return [{ type: 'quit' }];
  const clear: UiAction[] = s.status ? [{ type: 'status', text: null }] : [];
  if (ctx.tooSmall) return !s.input && input === 'q' && !key.ctrl ? [{ type: 'quit' }] : [];
  if (s.input) return [...clear, ...inputActions(input, key, ctx)];
  const view = shownView(s, ctx.available);
  const b = bindingFor(input, key, { ...ctx.keymap, view });
  if (s.overlay) {
    const cmd = b?.command;
    if (cmd === 'quit' || cmd === 'back' || cmd === 'help' || (cmd === 'whole' && s.overlay === 'text')) return [...clear, { type: 'closeOverlay' }];
    const mv = cmd ? HELP_MOVES[cmd] : undefined;
    if (mv) return [{ type: 'move', paneKey: s.overlay === 'help' ? HELP_PANE : TEXT_PANE, move: mv, count: ctx.helpCount, height: ctx.overlayHeight ?? 1 }];
    return clear;
  }
  const kc: KeyContext = { state: s, view, pane: ctx.pane, row: selectedRow(ctx), available: ctx.available, listHeight: ctx.listHeight };
  const out = bindingActions(input, key, b, kc, ctx, clear);
  // An asked quit lasts one key: q again quits (the view's own word), anything else forgets it.
  return s.quitAsked && !out.some((a) => a.type === 'askQuit' || a.type === 'quit') ? [{ type: 'askQuit', on: false }, ...out] : out;
}

/** A plain printable character: what a view may take as typed text. */
function printable(input: string, key: KeyEvent): boolean {
  return input.length === 1 && input >= ' ' && input !== '\x7f' && !key.ctrl && !key.meta && !key.return && !key.tab && !key.escape;
}

function bindingActions(input: string, key: KeyEvent, b: ReturnType<typeof bindingFor>, kc: KeyContext, ctx: DispatchContext, clear: UiAction[]): UiAction[] {
  const def = kc.view ? (ctx.keymap.views ?? VIEWS).find((v) => v.id === kc.view) : undefined;
  const typed = def?.typed && printable(input, key) ? def.typed(input, b, kc) : null;
  if (typed) return [...clear, ...typed];
  if (!b) return clear;
  const why = b.disabled?.(kc);
  if (why) return [{ type: 'status', text: why }];
  return b.handler(kc);
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
