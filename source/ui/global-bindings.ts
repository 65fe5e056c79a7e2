// The app's own keys (moving, leaving, help, filter, the command line,
// reload, edit) and the keys that switch view, made from the view registry:
// view N is the Nth view of the registry, named by its title. A view's own
// keys are not here: each view declares them in its ViewDef.
import type { Binding, KeyContext } from './keymap.js';
import type { UiAction } from './store.js';
import type { ViewDef } from './views/view-types.js';
import type { ListMove } from './list-state.js';
import { topFrame } from './views/text-pane.js';
import { editTargetOf } from './edit/target.js';

/** Clears the status line: any key pressed takes the last message away. */
export function cleared(ctx: KeyContext, ...actions: UiAction[]): UiAction[] {
  return ctx.state.status ? [{ type: 'status', text: null }, ...actions] : actions;
}

const move = (m: ListMove) => (ctx: KeyContext): UiAction[] =>
  ctx.pane ? cleared(ctx, { type: 'move', paneKey: ctx.pane.key, move: m, count: ctx.pane.rows.length, height: ctx.listHeight }) : cleared(ctx);

const navigation: Binding[] = [
  { command: 'quit', keys: [{ input: 'q' }, { input: 'c', ctrl: true }], label: 'q  Ctrl-C', description: 'quit (q closes an overlay or leaves an input first; Ctrl-C always quits)', scope: 'global', hint: 'quit', handler: () => [{ type: 'quit' }] },
  { command: 'help', keys: [{ input: '?' }, { key: 'f1' }], label: '?  F1', description: 'show or hide this help', scope: 'global', hint: 'help', handler: (ctx) => cleared(ctx, { type: 'help' }) },
  {
    command: 'back',
    keys: [{ key: 'escape' }],
    label: 'Esc',
    description: 'back / cancel / clear the filter',
    scope: 'global',
    hint: 'back',
    // Esc clears a kept filter before it leaves a detail frame.
    handler: (ctx) => (ctx.pane && ctx.state.filters[ctx.pane.key] ? cleared(ctx, { type: 'setFilter', paneKey: ctx.pane.key, text: '' }) : cleared(ctx, { type: 'back' })),
  },
  { command: 'up', keys: [{ key: 'upArrow' }, { input: 'k' }], label: '↑  k', description: 'move up', scope: 'list', handler: move('up') },
  { command: 'down', keys: [{ key: 'downArrow' }, { input: 'j' }], label: '↓  j', description: 'move down', scope: 'list', handler: move('down') },
  { command: 'pageUp', keys: [{ key: 'pageUp' }], label: 'PgUp', description: 'one page up', scope: 'list', handler: move('pageUp') },
  { command: 'pageDown', keys: [{ key: 'pageDown' }], label: 'PgDn', description: 'one page down', scope: 'list', handler: move('pageDown') },
  { command: 'top', keys: [{ input: 'g' }, { key: 'home' }], label: 'g  Home', description: 'first row', scope: 'list', handler: move('top') },
  { command: 'bottom', keys: [{ input: 'G' }, { key: 'end' }], label: 'G  End', description: 'last row', scope: 'list', handler: move('bottom') },
  {
    command: 'open',
    keys: [{ key: 'return' }],
    label: 'Enter',
    description: 'open the selected row',
    scope: 'list',
    hint: 'open',
    handler: (ctx) => {
      const a = ctx.row !== undefined && ctx.pane?.open ? ctx.pane.open(ctx.row) : null;
      return a ? cleared(ctx, a) : cleared(ctx);
    },
  },
];

/** A row's whole text: as its pane gives it, else the text it carries. */
function wholeOf(ctx: KeyContext): string {
  const r = ctx.row as { text?: unknown } | undefined;
  return ctx.pane?.wholeText ? ctx.pane.wholeText(ctx.row) : typeof r?.text === 'string' ? r.text : '';
}

const actions: Binding[] = [
  {
    command: 'whole',
    keys: [{ input: 'v' }],
    label: 'v',
    description: "the selected row's whole text, wrapped (v or Esc closes it); rows too wide for the terminal also show it under the list",
    scope: 'list',
    handler: (ctx) => cleared(ctx, { type: 'showText', title: ctx.pane?.title ?? '', text: wholeOf(ctx) }),
    disabled: (ctx) => (ctx.row === undefined || !wholeOf(ctx) ? 'no row selected' : null),
  },
  {
    command: 'nextView',
    keys: [{ key: 'tab' }],
    label: 'Tab',
    description: 'next view',
    scope: 'global',
    handler: (ctx) => cleared(ctx, { type: 'cycleView', delta: 1, available: ctx.available }),
    disabled: (ctx) => (ctx.available.length > 1 ? null : 'only one view has loaded so far'),
  },
  {
    command: 'prevView',
    keys: [{ key: 'tab', shift: true }],
    label: 'Shift-Tab',
    description: 'previous view',
    scope: 'global',
    handler: (ctx) => cleared(ctx, { type: 'cycleView', delta: -1, available: ctx.available }),
    disabled: (ctx) => (ctx.available.length > 1 ? null : 'only one view has loaded so far'),
  },
  {
    command: 'filter',
    keys: [{ input: '/' }],
    label: '/',
    description: 'filter the list live (Enter keeps it, Esc clears it)',
    scope: 'list',
    hint: 'filter',
    handler: (ctx) => cleared(ctx, { type: 'startInput', kind: 'filter', paneKey: ctx.pane!.key }),
    disabled: (ctx) => (ctx.pane?.filterable ? null : 'nothing to filter here'),
  },
  { command: 'command', keys: [{ input: ':' }], label: ':', description: 'command line: trace ADDR, instance PATH|all, view NAME, filter TEXT, reload, help, quit', scope: 'global', handler: (ctx) => cleared(ctx, { type: 'startInput', kind: 'command' }) },
  { command: 'reload', keys: [{ input: 'r' }], label: 'r', description: 'reload everything from disk', scope: 'global', handler: () => [{ type: 'reload' }] },
  {
    command: 'edit',
    keys: [{ input: 'e' }],
    label: 'e',
    description: 'edit the file behind the selection (nothing is written before the confirm screen)',
    // Declared by no view, so it works in every one.
    scope: 'view',
    writes: true,
    hint: 'edit',
    handler: (ctx) => cleared(ctx, { type: 'openEdit', start: editTargetOf(ctx.view ? topFrame(ctx.state, ctx.view) : null, ctx.row) }),
  },
];

/** The app's own keys: `navigation` goes before the view keys in the table, `actions` after them. */
export const APP_BINDINGS = { navigation, actions };

/** One key per view, in registry order: 1 for the first, 2 for the second… */
export function viewKeyBindings(views: readonly ViewDef[]): Binding[] {
  return views.slice(0, 9).map((v, i) => ({
    command: `view${i + 1}`,
    keys: [{ input: String(i + 1) }],
    label: String(i + 1),
    description: `${v.title} view`,
    scope: 'global' as const,
    // Pressed while its data is still loading, the view opens as soon as it is there.
    handler: (ctx: KeyContext) =>
      ctx.available.includes(v.id)
        ? cleared(ctx, { type: 'view', view: v.id })
        : [{ type: 'wantView', view: v.id }, { type: 'status', text: `the ${v.title} view is not available yet: it opens as soon as its data has loaded` }],
    disabled: (ctx: KeyContext) => (ctx.available.includes(v.id) || ctx.state.data.progress !== null ? null : `the ${v.id} view is not available (its data is not loaded)`),
  }));
}

/** The key that opens a view, as written on its tab ("1"), or null. */
export function viewKeyLabel(views: readonly ViewDef[], id: string): string | null {
  const i = views.findIndex((v) => v.id === id);
  return i >= 0 && i < 9 ? String(i + 1) : null;
}
