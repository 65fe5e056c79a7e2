// Small helpers shared by the rule groups.
import { lcAscii } from '../qmail/control-readers.js';
import type { Evidence, IdentityValue, InstanceFacts, Leak, LeakSeverity } from './types.js';

/** Every unordered pair, first-loaded first. */
export function pairs<T>(xs: T[]): Array<[T, T]> {
  const out: Array<[T, T]> = [];
  for (let i = 0; i < xs.length; i++) for (let j = i + 1; j < xs.length; j++) out.push([xs[i], xs[j]]);
  return out;
}

export function sameName(a: string | null | undefined, b: string | null | undefined): boolean {
  return a != null && b != null && a !== '' && lcAscii(a) === lcAscii(b);
}

/** Evidence for an effective value: the file it came from, or a note that it is the literal default. */
export function identityEvidence(inst: InstanceFacts, v: IdentityValue): Evidence {
  if (v.path) return { path: v.path, line: v.line, text: v.value ?? '' };
  return { path: `${inst.root}/control/${v.name}`, line: null, text: `(absent: default ${v.value ?? 'none'})` };
}

/** How a value was arrived at, in words ("bouncehost is not set, so qmail uses control/me"). */
export function sourceWords(inst: InstanceFacts, v: IdentityValue): string {
  switch (v.source) {
    case 'file':
      return `${inst.root}/control/${v.name} says "${v.value}"`;
    case 'me':
      return `${inst.root}/control/${v.name} is missing, so qmail falls back to control/me ("${v.value}")`;
    case 'default':
      return `${inst.root}/control/${v.name} is missing, so qmail uses its built-in default "${v.value}"`;
    default:
      return `${inst.root}/control/${v.name} is missing and has no fallback`;
  }
}

export function dedupeEvidence(ev: Evidence[]): Evidence[] {
  const seen = new Set<string>();
  return ev.filter((e) => {
    const k = `${e.path}\0${e.line}\0${e.text}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function leak(
  id: string,
  kind: string,
  severity: LeakSeverity,
  instances: InstanceFacts[] | string[],
  evidence: Evidence[],
  explanation: string,
  fix: string,
): Leak {
  const roots = instances.map((i) => (typeof i === 'string' ? i : i.root));
  return { id, kind, severity, instances: [...new Set(roots)], evidence: dedupeEvidence(evidence), explanation, fix };
}

/** "a.example, b.example and c.example" */
export function listWords(xs: string[], max = 5): string {
  const shown = xs.slice(0, max);
  const rest = xs.length - shown.length;
  const items = rest > 0 ? [...shown, `${rest} more`] : shown;
  if (items.length <= 1) return items.join('');
  return items.slice(0, -1).join(', ') + ' and ' + items[items.length - 1];
}

/** Normalise a tcpserver port argument so "smtp" and "25" compare equal. */
export function portNumber(p: string | null): string | null {
  if (p === null) return null;
  const named: Record<string, string> = { smtp: '25', submission: '587', pop3: '110', pop: '110', qmtp: '209', qmqp: '628', smtps: '465' };
  return named[p.toLowerCase()] ?? p;
}

/** The installation (among `roots`) whose tree holds `path`: the longest root that is a path prefix. */
export function homeOf(path: string, roots: string[]): string | null {
  let best: string | null = null;
  for (const r of roots) {
    if (path === r || path.startsWith(r + '/')) {
      if (best === null || r.length > best.length) best = r;
    }
  }
  return best;
}
