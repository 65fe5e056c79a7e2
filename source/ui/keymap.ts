// The one table of keys, as lazygit's Binding: each entry holds its keys,
// what they do (the handler), the words help and the README show, the hint
// the footer shows, and why it does nothing just now (the disabled reason,
// said on the status line when the key is pressed). The app's own keys are
// in global-bindings.ts; the keys that switch view come from the view
// registry; a view's own keys are declared in its ViewDef. The dispatcher,
// the help overlay, the footer and the README's key list all read this
// table, so a key cannot work without being documented, nor be documented
// without working.
import type { Key } from 'ink';
import type { UiAction, UiState, ViewId } from './store.js';
import type { PaneModel, ViewDef } from './views/view-types.js';
import { APP_BINDINGS, viewKeyBindings } from './global-bindings.js';
import { VIEWS } from './views/registry.js';

/** A binding's name: unique in the table (help, tests and the command line refer to it). */
export type Command = string;

/** One physical key: a printable character, or a named key of Ink's Key, with modifiers. */
export interface KeySpec {
  input?: string;
  key?: 'upArrow' | 'downArrow' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'return' | 'escape' | 'tab' | 'f1';
  ctrl?: boolean;
  shift?: boolean;
}

/** Where a key works: everywhere, in any list, or in one view (the view that declares it). */
export type Scope = 'global' | 'list' | 'view';

/** What a handler and a disabled reason see: the state when the key is pressed. */
export interface KeyContext {
  state: UiState;
  /** The view shown (the one asked for, else the first one loaded), or null before any has loaded. */
  view: ViewId | null;
  pane: PaneModel | null;
  /** The pane's selected row, if it has rows. */
  row: unknown;
  /** Views whose data has landed, in tab order. */
  available: ViewId[];
  listHeight: number;
}

export interface Binding {
  command: Command;
  keys: KeySpec[];
  /** How the keys are written in help, footer and README. */
  label: string;
  description: string;
  scope: Scope;
  /** Shown on screen, in the footer, under this short word. */
  hint?: string;
  /** Only when writing is allowed (hidden by --read-only). */
  writes?: boolean;
  /** The view that declared it (set by the table); its `view`-scoped keys work only there. */
  view?: ViewId;
  /** What the key does: store actions (none: the key does nothing here). */
  handler: (ctx: KeyContext) => UiAction[];
  /** Why the key cannot work now, or null when it can. */
  disabled?: (ctx: KeyContext) => string | null;
}

/** A view's own binding, as its ViewDef declares it (the table adds `view`). */
export type ViewBinding = Omit<Binding, 'view'>;

/** Ink's Key extended with F1, which Ink reports with no flag of its own (we detect it on the raw input). */
export type KeyEvent = Partial<Key> & { f1?: boolean };

function matches(spec: KeySpec, input: string, key: KeyEvent): boolean {
  if (spec.key) {
    const flag = spec.key === 'f1' ? key.f1 : key[spec.key];
    if (!flag) return false;
    if (spec.key === 'tab') return Boolean(key.shift) === Boolean(spec.shift);
    return true;
  }
  if (spec.ctrl) return Boolean(key.ctrl) && input === spec.input;
  if (key.ctrl || key.meta) return false;
  return input === spec.input;
}

const tables = new WeakMap<readonly ViewDef[], Binding[]>();

/**
 * Every binding of a set of views, in the order help and the README list
 * them: moving and leaving, switching view, the app's actions, then each
 * view's own keys.
 */
export function keymapOf(views: readonly ViewDef[]): Binding[] {
  let t = tables.get(views);
  if (!t) {
    t = [...APP_BINDINGS.navigation, ...viewKeyBindings(views), ...APP_BINDINGS.actions, ...views.flatMap((v) => (v.bindings ?? []).map((b) => ({ ...b, view: v.id })))];
    tables.set(views, t);
  }
  return t;
}

/** The whole table of the bundled views (the README's key list). */
export const KEYMAP: Binding[] = keymapOf(VIEWS);

export interface KeymapOptions {
  readOnly?: boolean;
  /** Commands that exist in this session (e.g. `edit` only once the edit flow is hooked in). */
  available?: (command: Command) => boolean;
  /** The views of the session (default: the registry's). */
  views?: readonly ViewDef[];
  /** The view shown: only its own `view`-scoped keys are live (undefined: every view's, as the README lists them). */
  view?: ViewId | null;
}

export function bindings(opts: KeymapOptions = {}): Binding[] {
  return keymapOf(opts.views ?? VIEWS).filter(
    (b) =>
      !(b.writes && opts.readOnly) &&
      (opts.available ? opts.available(b.command) : true) &&
      (opts.view === undefined || b.scope !== 'view' || b.view === undefined || b.view === opts.view),
  );
}

/** The binding a key press means, or null. Keys are unique in the table (test/ui/keymap.test.ts). */
export function bindingFor(input: string, key: KeyEvent, opts: KeymapOptions = {}): Binding | null {
  for (const b of bindings(opts)) {
    for (const spec of b.keys) if (matches(spec, input, key)) return b;
  }
  return null;
}

/** The command a key press means, or null. */
export function commandFor(input: string, key: KeyEvent, opts: KeymapOptions = {}): Command | null {
  return bindingFor(input, key, opts)?.command ?? null;
}

/** Footer hints: the keys with a hint word, in table order; with a context, only those that work now. */
export function footerHints(opts: KeymapOptions & { scopes?: Scope[]; ctx?: KeyContext } = {}): Array<{ label: string; hint: string }> {
  return bindings(opts)
    .filter((b) => b.hint && (!opts.scopes || opts.scopes.includes(b.scope)) && !(opts.ctx && b.disabled?.(opts.ctx)))
    .map((b) => ({ label: b.label.split('  ')[0], hint: b.hint! }));
}

const SCOPE_TITLE: Record<Scope, string> = { global: 'Everywhere', list: 'In a list', view: 'In a view' };

/** Where a binding works, in words ("in the Queues view"). */
export function whereText(b: Binding, views: readonly ViewDef[] = VIEWS): string {
  if (b.scope === 'view' && b.view) return `in the ${views.find((v) => v.id === b.view)?.title ?? b.view} view`;
  return SCOPE_TITLE[b.scope].toLowerCase();
}

/** The key list as Markdown, for the README (kept in sync by test/ui/keymap.test.ts). */
export function keyListMarkdown(opts: KeymapOptions = {}): string {
  const lines = ['| keys | what it does | where |', '|---|---|---|'];
  for (const b of bindings(opts)) {
    const keys = b.label
      .split('  ')
      .map((k) => '`' + k + '`')
      .join(' ');
    lines.push(`| ${keys} | ${b.description.replace(/\|/g, '\\|')} | ${whereText(b, opts.views)} |`);
  }
  return lines.join('\n') + '\n';
}

export { SCOPE_TITLE };
