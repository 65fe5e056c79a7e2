// The impact of a staged change: trace a set of addresses against the files
// as they are and as they would be, and keep those whose walk changes
// anywhere on its path: qmail-smtpd's answer from outside (rcpthosts,
// morercpthosts), qmail-send's routing, qmail-remote's route (and the bounce
// it gives when the MX of a domain this host no longer delivers is this very
// host), the user and .qmail file qmail-local gets, and every outcome. Two
// walks are compared on their structured facts (walk-facts.ts), never on
// their wording.
import type { Installation } from '../qmail/model-types.js';
import type { Delivery, TraceResult } from '../trace/types.js';
import { factDivergence, outsideAnswer, type WalkFact } from './walk-facts.js';
import type { ImpactAddress } from './impact-addresses.js';

export { impactAddresses, UNKNOWN_LOCAL, UNLISTED_DOMAIN, type ImpactAddress } from './impact-addresses.js';

/** One side of the first point where two walks part. */
export interface WalkPoint {
  path: string | null;
  outcome: string;
  /** The step's words, for the reader. */
  text: string;
}

export interface Divergence {
  hop: number;
  stage: string;
  /** rcpthosts, route, smtproute, same-host, queue (the step's decision), or user, dotqmail, delivery, hop. */
  decision: string;
  before: WalkPoint | null;
  after: WalkPoint | null;
}

/** qmail-smtpd's answer to RCPT TO from another host: accept, refuse (553) or defer (421). */
export type SmtpdAnswer = 'accept' | 'refuse' | 'defer';

export interface ImpactChange {
  address: string;
  why: string;
  channel?: 'local' | 'remote';
  before: Delivery[];
  after: Delivery[];
  /** The outcomes (kind and target) differ. */
  deliveries: boolean;
  /** qmail-smtpd's answer to the address from outside, before and after; null for a queued recipient (not asked). */
  outside: { before: SmtpdAnswer | null; after: SmtpdAnswer | null };
  /**
   * Recipients the walk after the change hands qmail-remote by MX although
   * this host delivered them itself before: while the domain's MX (or A)
   * record names this host, qmail-remote bounces them (#5.4.6).
   */
  selfMx: string[];
  /** The first step where the two walks part. */
  divergedAt: Divergence | null;
}

export interface Impact {
  instance: string;
  /** How many addresses were traced. */
  traced: number;
  /** Addresses whose walk changes anywhere. */
  changed: ImpactChange[];
  /** Addresses left out because the set was capped. */
  skipped: number;
  /** Of the changed: outcomes differ. */
  deliverDifferently: number;
  /** Traced addresses qmail-smtpd took from outside before and refuses now (553), and the domains they are at. */
  refusedFromOutside: { count: number; domains: string[] };
  /** Traced addresses qmail-smtpd refused from outside before and takes now. */
  acceptedFromOutside: { count: number; domains: string[] };
  /** Traced addresses that go to qmail-remote by MX instead of being delivered here (the self-MX bounce). */
  selfMx: number;
}

export type TraceFn = (inst: Installation, address: string, opts: { channel?: 'local' | 'remote' }) => TraceResult;

/** The self-MX refusal, as qmail-remote words it (perm_ambigmx): two lines, as the bounce shows them. */
export const SELF_MX_BOUNCE = "Sorry. Although I'm listed as a best-preference MX or A for that host,\nit isn't in my control/locals file, so I don't treat it as local. (#5.4.6)";

const point = (f: WalkFact | null): WalkPoint | null => (f ? { path: f.path, outcome: f.outcome, text: f.text } : null);

/** The first step (in walk order) where two walks of one address differ, from their structured facts. */
export function divergence(a: TraceResult, b: TraceResult): Divergence | null {
  const d = factDivergence(a, b);
  return d ? { hop: d.hop, stage: d.stage, decision: d.decision, before: point(d.before), after: point(d.after) } : null;
}

function deliveriesKey(ds: Delivery[]): string {
  return JSON.stringify(ds.map((d) => [d.kind, d.target]));
}

/** Hops delivered here before that the walk after hands qmail-remote to look up the MX of (no smtproutes entry disables the check). */
function selfMxHops(before: TraceResult, after: TraceResult): string[] {
  const out: string[] = [];
  after.hops.forEach((h, i) => {
    const b = before.hops[i];
    if (h.route !== 'remote' || !b || b.route !== 'local' || b.recipient !== h.recipient) return;
    if (!h.steps.some((s) => s.decision === 'smtproute' && s.outcome === 'mx')) return;
    // A copy that crosses into another installation's qmail-smtpd on this host is delivered there.
    if (h.steps.some((s) => s.decision === 'same-host' && s.outcome === 'crosses')) return;
    out.push(h.rewritten);
  });
  return out;
}

const answer = (r: TraceResult): SmtpdAnswer | null => (outsideAnswer(r)?.outcome as SmtpdAnswer | undefined) ?? null;

const domainOf = (a: string) => a.slice(a.lastIndexOf('@') + 1).toLowerCase();

/** Trace each address before and after; keep those whose walks part. */
export function computeImpact(before: Installation, after: Installation, addresses: ImpactAddress[], trace: TraceFn, skipped = 0): Impact {
  const changed: ImpactChange[] = [];
  for (const a of addresses) {
    let tb: TraceResult;
    let ta: TraceResult;
    try {
      tb = trace(before, a.address, { channel: a.channel });
      ta = trace(after, a.address, { channel: a.channel });
    } catch {
      // An address the tracer cannot take (no walk either way) tells nothing.
      continue;
    }
    const d = divergence(tb, ta);
    if (!d) continue;
    changed.push({
      address: a.address,
      why: a.why,
      channel: a.channel,
      before: tb.deliveries,
      after: ta.deliveries,
      deliveries: deliveriesKey(tb.deliveries) !== deliveriesKey(ta.deliveries),
      outside: { before: answer(tb), after: answer(ta) },
      selfMx: selfMxHops(tb, ta),
      divergedAt: d,
    });
  }
  const refused = changed.filter((c) => c.outside.before === 'accept' && c.outside.after === 'refuse');
  const accepted = changed.filter((c) => c.outside.before === 'refuse' && c.outside.after === 'accept');
  const domains = (cs: ImpactChange[]) => [...new Set(cs.map((c) => domainOf(c.address)))].sort();
  return {
    instance: before.root,
    traced: addresses.length,
    changed,
    skipped,
    deliverDifferently: changed.filter((c) => c.deliveries).length,
    refusedFromOutside: { count: refused.length, domains: domains(refused) },
    acceptedFromOutside: { count: accepted.length, domains: domains(accepted) },
    selfMx: changed.filter((c) => c.selfMx.length > 0).length,
  };
}
