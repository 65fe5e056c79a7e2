// The edit flow as a pure state machine: menu → editor or quick form →
// confirm screen → result. Keys go in, the next state and one effect come
// out; the hook (use-edit-flow.ts) carries out the effect (run the editor,
// stage, apply). On the confirm screen only `y` applies: every other key,
// Enter included, cancels. Several edits can be staged (Ctrl-S in a form)
// and are then confirmed and applied together, as one journal entry.
import type { KeyEvent } from '../keymap.js';
import { formFields, FORM_TITLES, type FormField, type FormKind } from './quick-forms.js';
import type { EditPreview } from './preview.js';

export type MenuAction = { kind: 'editor'; path: string } | { kind: 'form'; form: FormKind } | { kind: 'confirm' };

export interface MenuItem {
  key: string;
  label: string;
  action: MenuAction;
}

/** One staged edit: new contents for one or more files, with the words that name it. */
export interface StagedEdit {
  title: string;
  edits: Array<{ path: string; content: Buffer; expectSha256?: string | null }>;
}

/** What the flow started from, kept so the menu can be shown again after staging. */
export interface FlowOrigin {
  file: string | null;
  prefill: Record<string, string>;
}

export type FlowState =
  | { step: 'menu'; items: MenuItem[]; cursor: number; origin: FlowOrigin; staged: StagedEdit[] }
  | { step: 'form'; kind: FormKind; fields: FormField[]; index: number; error: string | null; origin: FlowOrigin; staged: StagedEdit[] }
  | { step: 'confirm'; preview: EditPreview }
  | { step: 'done'; title: string; lines: string[]; ok: boolean };

export type FlowEffect =
  | { kind: 'none' }
  | { kind: 'close'; status: string | null }
  | { kind: 'editor'; path: string; staged: StagedEdit[] }
  | { kind: 'submit'; form: FormKind; fields: FormField[]; then: 'confirm' | 'stage'; origin: FlowOrigin; staged: StagedEdit[] }
  /** A field is done: let the form fill in what follows from it (a passwd user's uid). */
  | { kind: 'complete' }
  | { kind: 'confirmStaged'; staged: StagedEdit[] }
  | { kind: 'apply'; preview: EditPreview };

const NONE: FlowEffect = { kind: 'none' };

export function openMenu(file: string | null, prefill: Record<string, string> = {}, staged: StagedEdit[] = []): FlowState {
  const items: MenuItem[] = [];
  if (staged.length > 0) items.push({ key: 'c', label: `confirm the ${staged.length} staged edit${staged.length === 1 ? '' : 's'} (applied together, one backup)`, action: { kind: 'confirm' } });
  if (file) items.push({ key: 'e', label: `edit ${file} in $VISUAL/$EDITOR`, action: { kind: 'editor', path: file } });
  items.push(
    { key: 'a', label: FORM_TITLES.addDomain, action: { kind: 'form', form: 'addDomain' } },
    { key: 'd', label: FORM_TITLES.removeDomain, action: { kind: 'form', form: 'removeDomain' } },
    { key: 'l', label: FORM_TITLES.removeLocal, action: { kind: 'form', form: 'removeLocal' } },
    { key: 'u', label: FORM_TITLES.addAssign, action: { kind: 'form', form: 'addAssign' } },
    { key: 'x', label: FORM_TITLES.createDotqmail, action: { kind: 'form', form: 'createDotqmail' } },
  );
  return { step: 'menu', items, cursor: 0, origin: { file, prefill }, staged };
}

function pick(s: Extract<FlowState, { step: 'menu' }>, item: MenuItem): { state: FlowState | null; effect: FlowEffect } {
  switch (item.action.kind) {
    case 'editor':
      return { state: null, effect: { kind: 'editor', path: item.action.path, staged: s.staged } };
    case 'confirm':
      return { state: null, effect: { kind: 'confirmStaged', staged: s.staged } };
    case 'form':
      return {
        state: { step: 'form', kind: item.action.form, fields: formFields(item.action.form, s.origin.prefill), index: 0, error: null, origin: s.origin, staged: s.staged },
        effect: NONE,
      };
  }
}

/** One key. A null state means "keep the state as it is until the effect says otherwise". */
export function flowKey(s: FlowState, input: string, key: KeyEvent): { state: FlowState | null; effect: FlowEffect } {
  switch (s.step) {
    case 'menu': {
      if (key.escape || input === 'q') return { state: s, effect: { kind: 'close', status: s.staged.length ? 'cancelled: the staged edits are dropped, nothing written' : null } };
      if (key.upArrow || input === 'k') return { state: { ...s, cursor: Math.max(0, s.cursor - 1) }, effect: NONE };
      if (key.downArrow || input === 'j') return { state: { ...s, cursor: Math.min(s.items.length - 1, s.cursor + 1) }, effect: NONE };
      if (key.return) return pick(s, s.items[s.cursor]);
      const hit = s.items.find((i) => i.key === input);
      return hit ? pick(s, hit) : { state: s, effect: NONE };
    }
    case 'form': {
      if (key.escape) return { state: s, effect: { kind: 'close', status: 'cancelled: nothing staged' } };
      const set = (value: string): FlowState => ({ ...s, error: null, fields: s.fields.map((f, i) => (i === s.index ? { ...f, value } : f)) });
      const cur = s.fields[s.index];
      const submit = (then: 'confirm' | 'stage'): FlowEffect => ({ kind: 'submit', form: s.kind, fields: s.fields, then, origin: s.origin, staged: s.staged });
      if (key.ctrl && input === 's') return { state: s, effect: submit('stage') };
      const COMPLETE: FlowEffect = { kind: 'complete' };
      if (key.return) {
        if (s.index < s.fields.length - 1) return { state: { ...s, index: s.index + 1 }, effect: COMPLETE };
        return { state: s, effect: submit('confirm') };
      }
      if ((key.tab && !key.shift) || key.downArrow) return { state: { ...s, index: Math.min(s.fields.length - 1, s.index + 1) }, effect: COMPLETE };
      if ((key.tab && key.shift) || key.upArrow) return { state: { ...s, index: Math.max(0, s.index - 1) }, effect: NONE };
      if (key.backspace || key.delete) return { state: set(cur.value.slice(0, -1)), effect: NONE };
      if (key.ctrl && input === 'u') return { state: set(''), effect: NONE };
      if (key.ctrl || key.meta || !input) return { state: s, effect: NONE };
      // Printable text only: a pasted control byte never reaches a file.
      const clean = input.replace(/[\u0000-\u001f\u007f]/g, '');
      return { state: set(cur.value + clean), effect: NONE };
    }
    case 'confirm':
      if (input === 'y' && !key.ctrl && !key.meta) return { state: s, effect: { kind: 'apply', preview: s.preview } };
      return { state: s, effect: { kind: 'close', status: 'cancelled: nothing written' } };
    case 'done':
      return { state: s, effect: { kind: 'close', status: s.ok ? s.lines[0] ?? null : null } };
  }
}

/** The content a path would have after the staged edits (the last one wins), or undefined when none touches it. */
export function stagedContent(staged: StagedEdit[], path: string): Buffer | undefined {
  let out: Buffer | undefined;
  for (const st of staged) for (const e of st.edits) if (e.path === path) out = e.content;
  return out;
}
