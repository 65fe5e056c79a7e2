// A manager's trace handler, loaded when a walk first meets its program: the
// module its descriptor names (qmail/manager-types.ts traceModule) exports
// makeHandler(session). A one-shot trace of a plain address loads none, and
// a vpopmail address does not load VMailMgr's.
import type { ManagerKind } from '../qmail/manager-types.js';
import { MANAGERS, managerByKind } from '../qmail/managers.js';
import type { ManagerHandler, ManagerHandlers, TraceSession } from './types.js';

type HandlerModule = { makeHandler?: (session: TraceSession) => ManagerHandler | Promise<ManagerHandler> };

/** The handler of one manager, made for this session; null for a kind qlens does not know. */
export async function loadHandler(kind: ManagerKind, session: TraceSession = {}): Promise<ManagerHandler | null> {
  const d = managerByKind(kind);
  if (!d) return null;
  const mod = (await import(`./${d.traceModule}`)) as HandlerModule;
  if (typeof mod.makeHandler !== 'function') throw new Error(`trace/${d.traceModule} exports no makeHandler (the ${d.name} descriptor names it)`);
  return mod.makeHandler(session);
}

/** Every manager's handler at once, for the callers that walk synchronously (the queue listing, the TUI, the impact preview). */
export async function loadHandlers(session: TraceSession = {}): Promise<ManagerHandlers> {
  const out: ManagerHandlers = {};
  for (const d of MANAGERS) {
    const h = await loadHandler(d.kind, session);
    if (h) out[d.kind] = h;
  }
  return out;
}
