// The `:` command line, parsed into store actions. Pure, so every command is
// tested without a terminal.
import type { UiAction, ViewId } from './store.js';
import type { ViewDef } from './views/view-types.js';
import { VIEWS } from './views/registry.js';
import { cleanAddress } from './trace-input.js';

/** Trace what was typed, brackets and blanks dropped as qmail-inject would (and said so). */
export function traceActions(text: string): UiAction[] {
  const c = cleanAddress(text);
  return c.note ? [{ type: 'trace', address: c.address }, { type: 'status', text: c.note }] : [{ type: 'trace', address: c.address }];
}

export interface CommandContext {
  instances: string[];
  available: ViewId[];
  paneKey: string | null;
  /** The session's views, in tab order (default: the registry's). */
  views?: readonly Pick<ViewDef, 'id' | 'title' | 'names'>[];
}

export type CommandResult = { ok: true; actions: UiAction[] } | { ok: false; message: string };

/** The view a name means: its id, its title, or one of its other names, in any case. */
function viewNamed(views: CommandContext['views'] & object, name: string): ViewId | null {
  const n = name.toLowerCase();
  return views.find((v) => v.id.toLowerCase() === n || v.title.toLowerCase() === n || (v.names ?? []).includes(n))?.id ?? null;
}

export const COMMAND_HELP = 'trace ADDR · instance PATH|all · view NAME · filter TEXT · reload · help · quit';

export function parseCommandLine(text: string, ctx: CommandContext): CommandResult {
  const t = text.trim();
  if (!t) return { ok: true, actions: [] };
  const sp = t.search(/\s/);
  const word = (sp < 0 ? t : t.slice(0, sp)).toLowerCase();
  const rest = sp < 0 ? '' : t.slice(sp + 1).trim();
  const views = ctx.views ?? VIEWS;
  const viewAction = (v: ViewId): CommandResult =>
    ctx.available.includes(v) ? { ok: true, actions: [{ type: 'view', view: v }] } : { ok: false, message: `the ${v} view is not available (its data is not loaded)` };
  switch (word) {
    case 'q':
    case 'quit':
      return { ok: true, actions: [{ type: 'quit' }] };
    case 'help':
    case '?':
      return { ok: true, actions: [{ type: 'help' }] };
    case 'r':
    case 'reload':
      return { ok: true, actions: [{ type: 'reload' }] };
    case 't':
    case 'trace':
      if (!rest) return { ok: false, message: 'usage: trace ADDRESS' };
      if (!ctx.available.includes('trace')) return { ok: false, message: 'tracing is not available yet (the tracer is not loaded)' };
      return { ok: true, actions: traceActions(rest) };
    case 'i':
    case 'instance': {
      if (!rest || rest === 'all' || rest === '*') return { ok: true, actions: [{ type: 'instance', root: null }, { type: 'status', text: 'showing every installation' }] };
      const want = rest.replace(/\/+$/, '');
      const found = ctx.instances.find((r) => r === want || r === `/var/${want}`);
      if (!found) return { ok: false, message: `no installation ${want} (loaded: ${ctx.instances.join(', ') || 'none'})` };
      return { ok: true, actions: [{ type: 'instance', root: found }, { type: 'status', text: `showing ${found} only (:instance all shows every one)` }] };
    }
    case 'f':
    case 'filter':
      if (!ctx.paneKey) return { ok: false, message: 'nothing to filter here' };
      return { ok: true, actions: [{ type: 'setFilter', paneKey: ctx.paneKey, text: rest }] };
    case 'v':
    case 'view': {
      const n = Number(rest);
      if (Number.isInteger(n) && n >= 1 && n <= views.length) return viewAction(views[n - 1].id);
      const v = viewNamed(views, rest);
      return v ? viewAction(v) : { ok: false, message: `no view "${rest}" (views: ${views.map((x) => x.id).join(', ')})` };
    }
    default: {
      const v = viewNamed(views, word);
      if (v && !rest) return viewAction(v);
      return { ok: false, message: `unknown command "${word}" — ${COMMAND_HELP}` };
    }
  }
}
