// The tracer as every caller sets it up (the trace command, the TUI, the
// queue listing, the log, the impact preview): the host's installations and
// users, one time for every walk, the managers' handlers, and the backends
// they may read. walk() is one synchronous walk; trace() is the driver that
// satisfies what a walk says it needs (a manager's handler to load, records
// a backend must fetch) and walks again until nothing is missing; settle()
// does the same for a whole batch of synchronous walks (a preview, a
// listing): the batch is run, what its walks asked for is fetched, and it
// is run again.
import type { Installation, SystemUsers } from '../qmail/model-types.js';
import { loadHandler, loadHandlers } from './manager-loader.js';
import { walkAddress } from './walk.js';
import type { ManagerHandlers, NeedSource, TraceNeed, TraceOptions, TraceResult, TraceSession } from './types.js';

export interface TracerSetup {
  /** The host's loaded installations: a walk starts in one and may cross into the others. */
  installs: readonly Installation[];
  users: SystemUsers;
  /** The time of every walk (UFLINE, expiry dates): one for the session, so two walks differ only by what they walk. */
  now?: Date;
  /** Handlers loaded already (trace/managers.ts builtinManagers, for a caller that walks synchronously and reads no database). */
  handlers?: ManagerHandlers;
  /** The backends the managers may read through (vpopmail's SQL: db/trace-backends.ts), for a caller that can wait for them. */
  session?: TraceSession;
}

/** What one walk is given besides its address. */
export type WalkRequest = Pick<TraceOptions, 'channel' | 'sender' | 'headerLines' | 'maxHops'>;

export interface Tracer {
  /** One walk with the handlers loaded so far; what it could not follow is said in its steps, and remembered (takeNeeds). */
  walk(inst: Installation, address: string, req?: WalkRequest): TraceResult;
  /** Walk, satisfy its needs, walk again, until nothing is missing (or nothing more can be done). */
  trace(inst: Installation, address: string, req?: WalkRequest): Promise<TraceResult>;
  /** What the walks since the last call could not follow; forgotten once taken. */
  takeNeeds(): TraceNeed[];
  /** Do what the needs ask (load a handler, fetch a backend's records); false when none could be met. */
  satisfy(needs: readonly TraceNeed[]): Promise<boolean>;
}

/** Walks a trace() may take, and runs of a settle() batch: each forward to another backend-kept address can ask for more. */
const MAX_ROUNDS = 32;

export function makeTracer(setup: TracerSetup): Tracer {
  const handlers: ManagerHandlers = { ...(setup.handlers ?? {}) };
  const session = setup.session ?? {};
  const now = setup.now ?? new Date();
  const tried = new Set<string>();
  let pending: TraceNeed[] = [];
  const options = (req: WalkRequest = {}): TraceOptions => ({ ...req, now, managers: handlers, others: [...setup.installs] });

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
    walk(inst, address, req) {
      const w = walkAddress(inst, setup.users, address, options(req));
      for (const n of w.needs) pending.push(n);
      return w.result;
    },
    async trace(inst, address, req) {
      let w = walkAddress(inst, setup.users, address, options(req));
      for (let round = 1; round < MAX_ROUNDS && w.needs.length > 0; round++) {
        if (!(await satisfy(w.needs))) break;
        w = walkAddress(inst, setup.users, address, options(req));
      }
      return w.result;
    },
    takeNeeds() {
      const out = pending;
      pending = [];
      return out;
    },
    satisfy,
  };
}

/**
 * The tracer of a caller that walks synchronously (a listing, a preview) and
 * may read the backends of `session`: every manager's handler is loaded up
 * front, made for that session, so that walk() follows each of them; what
 * a backend has not fetched yet is then fetched by settle().
 */
export async function readyTracer(setup: TracerSetup): Promise<Tracer> {
  return makeTracer({ ...setup, handlers: { ...(await loadHandlers(setup.session)), ...(setup.handlers ?? {}) } });
}

/**
 * Run `batch`, a computation made of synchronous walks of these tracers,
 * until none of its walks needs more: what they asked for is fetched and
 * the batch is run again (at most 32 times). The batch must be a pure
 * function of what the walks answer (its earlier answers are thrown away),
 * which a listing or a preview is. Without a need it runs once.
 * `tracers` may be a function, for a batch that makes its tracers as it runs.
 */
export async function settle<T>(tracers: readonly Tracer[] | (() => Iterable<Tracer>), batch: () => T): Promise<T> {
  const all = (): Iterable<Tracer> => (typeof tracers === 'function' ? tracers() : tracers);
  for (const t of all()) t.takeNeeds();
  let r = batch();
  for (let round = 1; round < MAX_ROUNDS; round++) {
    let asked = false;
    let met = false;
    for (const t of [...all()]) {
      const needs = t.takeNeeds();
      if (needs.length === 0) continue;
      asked = true;
      if (await t.satisfy(needs)) met = true;
    }
    if (!asked || !met) break;
    r = batch();
  }
  return r;
}
