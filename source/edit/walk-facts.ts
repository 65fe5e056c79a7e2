// A walk as the facts that decide it, for the impact preview: the steps that
// carry a decision (qmail-smtpd's rcpthosts, qmail-send's route, qmail-remote's
// smtproutes and same-host, the queue), then for a local hop the user
// qmail-lspawn picks, the .qmail file qmail-local reads, and every outcome.
// Two walks are compared on (stage, decision, path, outcome) only: a step's
// words, and the line numbers of the files, never make two walks differ.
import type { TraceHop, TraceResult, TraceStage } from '../trace/types.js';

export interface WalkFact {
  hop: number;
  stage: TraceStage;
  /** A step's TraceDecision, or 'user', 'dotqmail', 'delivery'. */
  decision: string;
  path: string | null;
  outcome: string;
  /** The step's words (or a description): shown, never compared. */
  text: string;
}

/** qmail-smtpd's answer matters where a copy really comes by SMTP: the address from outside, or a copy crossing from another installation. */
function askedBySmtpd(r: TraceResult, hop: TraceHop): boolean {
  return hop.parent === null || r.hops[hop.parent]?.route === 'remote';
}

/** The stage whose end an outcome of a hop is (for the words only). */
function outcomeStage(hop: TraceHop): TraceStage {
  if (hop.route === 'remote') return 'qmail-remote';
  if (hop.user) {
    const mgr = hop.steps.find((s) => s.stage === 'vdelivermail' || s.stage === 'vdeliver');
    return mgr ? mgr.stage : 'qmail-local';
  }
  const last = [...hop.steps].reverse().find((s) => s.stage !== 'qlens' && !s.warn);
  return last?.stage ?? 'qmail-send';
}

export function walkFacts(r: TraceResult): WalkFact[][] {
  return r.hops.map((hop, h) => {
    const out: WalkFact[] = [];
    for (const s of hop.steps) {
      if (!s.decision || s.outcome === undefined) continue;
      if (s.decision === 'rcpthosts' && !askedBySmtpd(r, hop)) continue;
      out.push({ hop: h, stage: s.stage, decision: s.decision, path: s.path ?? null, outcome: s.outcome, text: s.text });
    }
    if (hop.route === 'local' && hop.user) {
      const u = hop.user;
      out.push({
        hop: h,
        stage: u.source === 'assign' ? 'qmail-lspawn' : 'qmail-getpw',
        decision: 'user',
        path: null,
        outcome: `${u.name} ${u.uid}:${u.gid} ${u.home} ${u.dash}${u.ext}`,
        text: `qmail-local runs as ${u.name} (uid ${u.uid}) in ${u.home}${u.source === 'assign' ? ' (users/assign)' : u.source === 'alias' ? ' (the alias user)' : ' (/etc/passwd)'}`,
      });
      out.push({ hop: h, stage: 'qmail-local', decision: 'dotqmail', path: hop.dotqmail, outcome: hop.dotqmail ? 'file' : 'default', text: hop.dotqmail ? `qmail-local reads ${hop.dotqmail}` : 'qmail-local finds no .qmail file: the default delivery' });
    }
    for (const d of r.deliveries) {
      if (d.hop !== h) continue;
      out.push({ hop: h, stage: outcomeStage(hop), decision: 'delivery', path: d.target, outcome: d.kind, text: `${d.kind} ${d.target}` });
    }
    return out;
  });
}

const same = (a: WalkFact, b: WalkFact): boolean => a.stage === b.stage && a.decision === b.decision && a.path === b.path && a.outcome === b.outcome;

export interface FactDivergence {
  hop: number;
  stage: TraceStage;
  decision: string;
  before: WalkFact | null;
  after: WalkFact | null;
}

/** The first fact, in walk order, where two walks of one address part; null when they are the same walk. */
export function factDivergence(a: TraceResult, b: TraceResult): FactDivergence | null {
  const fa = walkFacts(a);
  const fb = walkFacts(b);
  for (let h = 0; h < Math.max(fa.length, fb.length); h++) {
    const xa = fa[h] ?? [];
    const xb = fb[h] ?? [];
    for (let i = 0; i < Math.max(xa.length, xb.length); i++) {
      const x = xa[i];
      const y = xb[i];
      if (x && y && same(x, y)) continue;
      // A hop that one walk has and the other lacks parts at its first fact (or at the hop itself).
      const f = (x ?? y)!;
      return { hop: h, stage: f.stage, decision: f.decision, before: x ?? null, after: y ?? null };
    }
    // Hops with no facts on either side (a hop cut at once) still count when only one walk has them.
    if (xa.length === 0 && xb.length === 0 && Boolean(a.hops[h]) !== Boolean(b.hops[h])) {
      return { hop: h, stage: 'qlens', decision: 'hop', before: null, after: null };
    }
  }
  return null;
}

/** What qmail-smtpd answers to the address from outside, on the first hop ('accept', 'refuse', 'defer'); null for a queued recipient. */
export function outsideAnswer(r: TraceResult): { outcome: string; text: string; path: string | null } | null {
  const s = r.hops[0]?.steps.find((x) => x.decision === 'rcpthosts');
  return s && s.outcome ? { outcome: s.outcome, text: s.text, path: s.path ?? null } : null;
}
