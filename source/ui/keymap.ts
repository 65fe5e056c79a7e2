// The one table of keys. The dispatcher, the help overlay, the footer hints
// and the README's key list are all generated from it, so a key cannot work
// without being documented, nor be documented without working.
import type { Key } from 'ink';

export type Command =
  | 'quit'
  | 'help'
  | 'back'
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'top'
  | 'bottom'
  | 'nextView'
  | 'prevView'
  | 'view1'
  | 'view2'
  | 'view3'
  | 'view4'
  | 'view5'
  | 'view6'
  | 'open'
  | 'filter'
  | 'trace'
  | 'command'
  | 'reload'
  | 'edit'
  | 'shape'
  | 'fold';

/** One physical key: a printable character, or a named key of Ink's Key, with modifiers. */
export interface KeySpec {
  input?: string;
  key?: 'upArrow' | 'downArrow' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'return' | 'escape' | 'tab' | 'f1';
  ctrl?: boolean;
  shift?: boolean;
}

export type Scope = 'global' | 'list' | 'view';

export interface Binding {
  command: Command;
  keys: KeySpec[];
  /** How the keys are written in help, footer and README. */
  label: string;
  description: string;
  scope: Scope;
  /** Shown in the footer (short word). */
  hint?: string;
  /** Only when writing is allowed (hidden by --read-only). */
  writes?: boolean;
}

export const KEYMAP: Binding[] = [
  { command: 'quit', keys: [{ input: 'q' }, { input: 'c', ctrl: true }], label: 'q  Ctrl-C', description: 'quit (q closes an overlay or leaves an input first; Ctrl-C always quits)', scope: 'global', hint: 'quit' },
  { command: 'help', keys: [{ input: '?' }, { key: 'f1' }], label: '?  F1', description: 'show or hide this help', scope: 'global', hint: 'help' },
  { command: 'back', keys: [{ key: 'escape' }], label: 'Esc', description: 'back / cancel / clear the filter', scope: 'global', hint: 'back' },
  { command: 'up', keys: [{ key: 'upArrow' }, { input: 'k' }], label: '↑  k', description: 'move up', scope: 'list' },
  { command: 'down', keys: [{ key: 'downArrow' }, { input: 'j' }], label: '↓  j', description: 'move down', scope: 'list' },
  { command: 'pageUp', keys: [{ key: 'pageUp' }], label: 'PgUp', description: 'one page up', scope: 'list' },
  { command: 'pageDown', keys: [{ key: 'pageDown' }], label: 'PgDn', description: 'one page down', scope: 'list' },
  { command: 'top', keys: [{ input: 'g' }, { key: 'home' }], label: 'g  Home', description: 'first row', scope: 'list' },
  { command: 'bottom', keys: [{ input: 'G' }, { key: 'end' }], label: 'G  End', description: 'last row', scope: 'list' },
  { command: 'open', keys: [{ key: 'return' }], label: 'Enter', description: 'open the selected row', scope: 'list', hint: 'open' },
  { command: 'view1', keys: [{ input: '1' }], label: '1', description: 'Domains view', scope: 'global' },
  { command: 'view2', keys: [{ input: '2' }], label: '2', description: 'Queues view', scope: 'global' },
  { command: 'view3', keys: [{ input: '3' }], label: '3', description: 'Dot-qmail view', scope: 'global' },
  { command: 'view4', keys: [{ input: '4' }], label: '4', description: 'Trace view', scope: 'global' },
  { command: 'view5', keys: [{ input: '5' }], label: '5', description: 'Veil view', scope: 'global' },
  { command: 'view6', keys: [{ input: '6' }], label: '6', description: 'Problems view', scope: 'global' },
  { command: 'nextView', keys: [{ key: 'tab' }], label: 'Tab', description: 'next view', scope: 'global' },
  { command: 'prevView', keys: [{ key: 'tab', shift: true }], label: 'Shift-Tab', description: 'previous view', scope: 'global' },
  { command: 'filter', keys: [{ input: '/' }], label: '/', description: 'filter the list live (Enter keeps it, Esc clears it)', scope: 'list', hint: 'filter' },
  { command: 'trace', keys: [{ input: 't' }], label: 't', description: 'trace an address (pre-filled from the selection)', scope: 'global', hint: 'trace' },
  { command: 'command', keys: [{ input: ':' }], label: ':', description: 'command line: trace ADDR, instance PATH|all, view NAME, filter TEXT, reload, help, quit', scope: 'global' },
  { command: 'reload', keys: [{ input: 'r' }], label: 'r', description: 'reload everything from disk', scope: 'global' },
  { command: 'shape', keys: [{ input: 's' }], label: 's', description: 'Queues: the shape table (pending recipients by domain × age, like qshape); Esc returns to the list', scope: 'view', hint: 'shape' },
  { command: 'fold', keys: [{ input: ' ' }], label: 'Space', description: 'Dot-qmail: fold or unfold the selected branch of the tree', scope: 'view', hint: 'fold' },
  { command: 'edit', keys: [{ input: 'e' }], label: 'e', description: 'edit the file behind the selection (nothing is written before the confirm screen)', scope: 'view', writes: true, hint: 'edit' },
];

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

export interface KeymapOptions {
  readOnly?: boolean;
  /** Commands that exist in this session (e.g. `edit` only once the edit flow is hooked in). */
  available?: (command: Command) => boolean;
}

export function bindings(opts: KeymapOptions = {}): Binding[] {
  return KEYMAP.filter((b) => !(b.writes && opts.readOnly) && (opts.available ? opts.available(b.command) : true));
}

/** The command a key press means, or null. First binding in table order wins. */
export function commandFor(input: string, key: KeyEvent, opts: KeymapOptions = {}): Command | null {
  for (const b of bindings(opts)) {
    for (const spec of b.keys) if (matches(spec, input, key)) return b.command;
  }
  return null;
}

/** Footer hints: the keys with a hint word, in table order. */
export function footerHints(opts: KeymapOptions & { scopes?: Scope[] } = {}): Array<{ label: string; hint: string }> {
  return bindings(opts)
    .filter((b) => b.hint && (!opts.scopes || opts.scopes.includes(b.scope)))
    .map((b) => ({ label: b.label.split('  ')[0], hint: b.hint! }));
}

const SCOPE_TITLE: Record<Scope, string> = { global: 'Everywhere', list: 'In a list', view: 'In a view' };

/** The key list as Markdown, for the README (kept in sync by test/ui/keymap.test.ts). */
export function keyListMarkdown(opts: KeymapOptions = {}): string {
  const lines = ['| keys | what it does | where |', '|---|---|---|'];
  for (const b of bindings(opts)) {
    const keys = b.label
      .split('  ')
      .map((k) => '`' + k + '`')
      .join(' ');
    lines.push(`| ${keys} | ${b.description.replace(/\|/g, '\\|')} | ${SCOPE_TITLE[b.scope].toLowerCase()} |`);
  }
  return lines.join('\n') + '\n';
}

export { SCOPE_TITLE };
