// Which names an installation claims, and through which line: the same
// matching qmail applies (locals exact, rcpthosts exact or `.suffix`,
// virtualdomains exact or `.suffix` with a non-empty prefix), compared in
// ASCII lower case as qmail does.
import { lcAscii } from '../qmail/control-readers.js';
import type { Evidence, InstanceFacts } from './types.js';

export type ClaimList = 'locals' | 'rcpthosts' | 'morercpthosts' | 'virtualdomains';

export interface Claim {
  list: ClaimList;
  /** The entry as written (a `.suffix` wildcard stays as written). */
  entry: string;
  evidence: Evidence;
}

/** The domain of a virtualdomains key: keys may be whole addresses (`user@domain`). */
function vdDomain(key: string): string {
  const at = key.lastIndexOf('@');
  return at >= 0 ? key.slice(at + 1) : key;
}

interface ClaimIndex {
  locals: Map<string, Claim[]>;
  /** Exact names and `.suffix` wildcards, keyed lower-case. */
  rcpthosts: Map<string, Claim[]>;
  more: Map<string, Claim[]>;
  virtualdomains: Map<string, Claim[]>;
}

const indexes = new WeakMap<InstanceFacts, ClaimIndex>();

function push(m: Map<string, Claim[]>, k: string, c: Claim): void {
  const l = m.get(k);
  if (l) l.push(c);
  else m.set(k, [c]);
}

/** Lower-cased look-up tables, built once per installation (big hosts list tens of thousands of names). */
function claimIndex(inst: InstanceFacts): ClaimIndex {
  let ix = indexes.get(inst);
  if (ix) return ix;
  ix = { locals: new Map(), rcpthosts: new Map(), more: new Map(), virtualdomains: new Map() };
  const localsPath = inst.locals.source === 'me' ? inst.me.path ?? inst.locals.path : inst.locals.path;
  for (const l of inst.locals.lines) push(ix.locals, lcAscii(l.text), { list: 'locals', entry: l.text, evidence: { path: localsPath, line: l.line, text: l.text } });
  for (const l of inst.rcpthosts.lines) {
    push(ix.rcpthosts, lcAscii(l.text), { list: 'rcpthosts', entry: l.text, evidence: { path: inst.rcpthosts.path, line: l.line, text: l.text } });
  }
  if (inst.morercpthosts) {
    for (const m of inst.morercpthosts.names) push(ix.more, lcAscii(m), { list: 'morercpthosts', entry: m, evidence: { path: inst.morercpthosts.path, line: null, text: m } });
  }
  for (const e of inst.virtualdomains.entries) {
    if (e.value === '' || e.key === '') continue;
    push(ix.virtualdomains, lcAscii(vdDomain(e.key)), {
      list: 'virtualdomains',
      entry: e.key,
      evidence: { path: inst.virtualdomains.path, line: e.line, text: `${e.key}:${e.value}` },
    });
  }
  indexes.set(inst, ix);
  return ix;
}

/** The exact key and every `.suffix` key that covers the name (the name itself excluded). */
function keysFor(n: string): string[] {
  const keys = [n];
  for (let i = n.indexOf('.', 1); i > 0; i = n.indexOf('.', i + 1)) keys.push(n.slice(i));
  return keys;
}

const byLine = (a: Claim, b: Claim): number => (a.evidence.line ?? 0) - (b.evidence.line ?? 0);

/** Every line of `inst` that makes it accept or deliver mail for `name`. */
export function claimsOf(inst: InstanceFacts, name: string): Claim[] {
  const n = lcAscii(name);
  const ix = claimIndex(inst);
  const keys = keysFor(n);
  const out: Claim[] = [...(ix.locals.get(n) ?? [])];
  out.push(...keys.flatMap((k) => ix.rcpthosts.get(k) ?? []).sort(byLine));
  out.push(...(ix.more.get(n) ?? []));
  out.push(...keys.flatMap((k) => ix.virtualdomains.get(k) ?? []).sort(byLine));
  return out;
}

/** Every name an installation lists (exact names and `.suffix` wildcards), lower-cased, in file order. */
export function namesOf(inst: InstanceFacts): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const add = (s: string): void => {
    const l = lcAscii(s);
    if (l === '' || seen.has(l)) return;
    seen.add(l);
    out.push(l);
  };
  for (const l of inst.locals.lines) add(l.text);
  for (const l of inst.rcpthosts.lines) add(l.text);
  for (const m of inst.morercpthosts?.names ?? []) add(m);
  for (const e of inst.virtualdomains.entries) if (e.value !== '' && e.key !== '') add(vdDomain(e.key));
  return out;
}

/** Two wildcard entries overlap when one ends the other (`.example.org` covers `.sub.example.org`). */
export function wildcardOverlap(a: string, b: string): boolean {
  if (!a.startsWith('.') || !b.startsWith('.')) return false;
  return a.endsWith(b) || b.endsWith(a);
}

/** Names an installation delivers locally: locals, or virtualdomains with a prefix. */
export function deliversLocally(inst: InstanceFacts, name: string): Claim[] {
  return claimsOf(inst, name).filter((c) => c.list === 'locals' || c.list === 'virtualdomains');
}

/** An example domain that reaches passwd users in an installation: its first locals name that is not a wildcard. */
export function firstLocalDomain(inst: InstanceFacts): string | null {
  for (const l of inst.locals.lines) if (l.text !== '' && !l.text.startsWith('.')) return l.text;
  return null;
}

/** The domain part of an address (after the last @), lower-cased; null without one. */
export function domainOf(address: string): string | null {
  const at = address.lastIndexOf('@');
  if (at < 0) return null;
  const d = address.slice(at + 1).replace(/[>\s]+$/, '');
  return d === '' ? null : lcAscii(d);
}

/** smtproutes lookup as qmail-remote does it: exact, then `.suffix` from the longest, then the empty key. */
export function routeFor(inst: InstanceFacts, domain: string): { key: string; value: string; line: number } | null {
  const d = lcAscii(domain);
  const byKey = new Map(inst.smtproutes.entries.map((e) => [lcAscii(e.key), e]));
  const exact = byKey.get(d);
  if (exact) return exact;
  for (let i = d.indexOf('.'); i >= 0; i = d.indexOf('.', i + 1)) {
    const hit = byKey.get(d.slice(i));
    if (hit) return hit;
  }
  return byKey.get('') ?? null;
}

/**
 * A domain to use in an explanation's example address for `inst`: the
 * first name it delivers that the other installations do not claim (so the
 * two example addresses differ), else its first locals name, else its me.
 */
export function exampleDomain(inst: InstanceFacts, others: InstanceFacts[]): string {
  const candidates = [
    ...inst.locals.lines.map((l) => l.text),
    ...inst.virtualdomains.entries.filter((e) => e.value !== '' && e.key !== '').map((e) => vdDomain(e.key)),
    ...inst.rcpthosts.lines.map((l) => l.text),
  ].filter((d) => d !== '' && !d.startsWith('.'));
  const labels = (d: string): number => d.split('.').length;
  // Fewest labels first: "b.example" reads better than a host name such as "pop.b.example".
  const own = candidates
    .filter((d) => others.every((o) => o === inst || claimsOf(o, d).length === 0))
    .reduce<string | null>((best, d) => (best === null || labels(d) < labels(best) ? d : best), null);
  return own ?? candidates[0] ?? inst.me.value ?? 'example.invalid';
}
