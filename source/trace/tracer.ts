// The tracer as every caller sets it up (the trace command, the TUI, the
// queue listing, the log, the impact preview): the host's installations and
// users, one time for every walk, the managers' handlers, and the backends
// they may read. walk() is one synchronous walk; trace() is the one driver
// that satisfies what a walk says it needs (a manager's handler to load,
// records a backend must fetch) and walks again until nothing is missing.
import type { Installation, SystemUsers } from '../qmail/model-types.js';
import { loadHandler } from './manager-loader.js';
import { walkAddress } from './walk.js';
import type { ManagerHandlers, NeedSource, TraceNeed, TraceOptions, TraceResult, TraceSession } from './types.js';

export interface TracerSetup {
  /** The host's loaded installations: a walk starts in one and may cross into the others. */
  installs: readonly Installation[];
  users: SystemUsers;
  /** The time of every walk (UFLINE, expiry dates): one for the session, so two walks differ only by what they walk. */
  now?: Date;
  /** Handlers loaded already (trace/managers.ts builtinManagers, for a caller that walks synchronously). */
  handlers?: ManagerHandlers;
  /** The backends the managers may read through (vpopmail's SQL), for a caller that can wait for them. */
  session?: TraceSession;
}

/** What one walk is given besides its address. */
export type WalkRequest = Pick<TraceOptions, 'channel' | 'sender' | 'headerLines' | 'maxHops'>;

export interface Tracer {
  /** One walk with the handlers loaded so far; what it could not follow is said in its steps. */
  walk(inst: Installation, address: string, req?: WalkRequest): TraceResult;
  /** Walk, satisfy its needs, walk again, until nothing is missing (or nothing more can be done). */
  trace(inst: Installation, address: string, req?: WalkRequest): Promise<TraceResult>;
}

/** Walks a trace() may take: each forward to another backend-kept address can ask for more. */
const MAX_ROUNDS = 32;

export function makeTracer(setup: TracerSetup): Tracer {
  const handlers: ManagerHandlers = { ...(setup.handlers ?? {}) };
  const session = setup.session ?? {};
  const now = setup.now ?? new Date();
  const tried = new Set<string>();
  const options = (req: WalkRequest = {}): TraceOptions => ({ ...req, now, managers: handlers, others: [...setup.installs] });

  /** Do what the needs ask; false when none of them could be met (so walking again would change nothing). */
  const satisfy = async (needs: readonly TraceNeed[]): Promise<boolean> => {
    let done = false;
    const sources = new Set<NeedSource>();
    for (const n of needs) {
      if (n.kind === 'fetch') {
        sources.add(n.source);
        continue;
      }
      if (handlers[n.manager] || tried.has(n.manager)) continue;
      tried.add(n.manager);
      const h = await loadHandler(n.manager, session);
      if (h) {
        handlers[n.manager] = h;
        done = true;
      }
    }
    for (const s of sources) {
      await s.fetchPending();
      done = true;
    }
    return done;
  };

  return {
    walk: (inst, address, req) => walkAddress(inst, setup.users, address, options(req)).result,
    async trace(inst, address, req) {
      let w = walkAddress(inst, setup.users, address, options(req));
      for (let round = 1; round < MAX_ROUNDS && w.needs.length > 0; round++) {
        if (!(await satisfy(w.needs))) break;
        w = walkAddress(inst, setup.users, address, options(req));
      }
      return w.result;
    },
  };
}
