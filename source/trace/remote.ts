// qmail-remote's side of a walk: where the connection for a remote recipient
// goes (control/smtproutes, else the MX), and whether that is another
// installation's qmail-smtpd on this very host, so that the walk goes on
// there (contract ruling: the veil is crossed).
import type { Installation } from '../qmail/model-types.js';
import { lcAscii, scanUlong } from '../qmail/control-readers.js';
import { rewrite } from './send.js';
import { listensOn, smtpdListeners } from './smtpd.js';
import { sendHome } from './queue-home.js';
import type { TraceStep } from './types.js';

const q = (s: string) => JSON.stringify(s);

export interface Smtproute {
  key: string;
  host: string;
  port: number;
  line: number;
  path: string;
}

/** qmail-remote's smtproutes lookup: domain, each .suffix (longest first), then "". */
export function smtprouteFor(inst: Installation, domain: string): Smtproute | null {
  const routes = inst.smtproutes();
  for (let i = 0; i <= domain.length; i++) {
    if (!(i === 0 || i === domain.length || domain[i] === '.')) continue;
    const e = routes.map.get(lcAscii(domain.slice(i)));
    if (!e) continue;
    if (e.value === '') return null;
    const c = e.value.indexOf(':');
    const host = c < 0 ? e.value : e.value.slice(0, c);
    const port = c < 0 ? 25 : scanUlong(e.value.slice(c + 1));
    return { key: e.key, host, port, line: e.line, path: routes.path };
  }
  return null;
}

export interface RemoteResult {
  steps: TraceStep[];
  /** The installation of this host whose qmail-smtpd receives the connection: the walk goes on in it. */
  crossesInto: Installation | null;
  /** The leak that crossing shows (both installations' names in one copy). */
  leak: string | null;
}

/** Which other loaded installation would take this address as local? */
function localOwner(others: readonly Installation[], rewritten: string): { inst: Installation; file: string | null } | null {
  for (const o of others) {
    try {
      const r = rewrite(o, rewritten);
      if (r.route === 'local') return { inst: o, file: r.steps[r.steps.length - 1]?.path ?? null };
    } catch {
      continue;
    }
  }
  return null;
}

/** What qmail-remote does with a recipient qmail-send hands it; `others` are the host's other installations. */
export function qmailRemote(inst: Installation, rewritten: string, others: readonly Installation[]): RemoteResult {
  const steps: TraceStep[] = [];
  const at = rewritten.lastIndexOf('@');
  const domain = at < 0 ? '' : rewritten.slice(at + 1);
  const route = smtprouteFor(inst, domain);
  const found = localOwner(others.filter((o) => o.root !== inst.root), rewritten);
  const owner = found?.inst ?? null;
  const none: RemoteResult = { steps, crossesInto: null, leak: null };
  if (!route) {
    steps.push({ stage: 'qmail-remote', text: `qmail-remote gets ${q(rewritten)}; no control/smtproutes entry for ${q(domain)}: it looks up the MX of ${q(domain)}`, path: inst.smtproutes().path, decision: 'smtproute', outcome: 'mx' });
    if (owner) {
      // A copy never rebuilt lists the domain in control files no qmail-send reads.
      const read = sendHome(owner, others);
      const where = read
        ? `${q(domain)} is listed in ${found?.file ?? `${owner.root}/control`}, which no qmail-send reads (${owner.root}'s programs were built for ${read})`
        : `${q(domain)} is local to ${owner.root} on this host`;
      steps.push({
        stage: 'qmail-remote',
        warn: true,
        text: `${where}, but ${inst.root} has no smtproutes entry for it: if its MX points at this host, qmail-remote bounces (#5.4.6 … best-preference MX); otherwise the mail leaves the host`,
        decision: 'same-host',
        outcome: 'self-mx',
      });
    }
    return none;
  }
  steps.push({ stage: 'qmail-remote', text: `qmail-remote gets ${q(rewritten)}; smtproutes ${q(route.key)} → ${route.host}:${route.port} (line ${route.line}); no MX lookup`, path: route.path, line: route.line, decision: 'smtproute', outcome: 'smtproutes' });
  if (!owner) return none;
  const listener = smtpdListeners(owner).find((l) => listensOn(l, route.host, route.port));
  if (!listener) {
    steps.push({
      stage: 'qmail-remote',
      warn: true,
      text: `${q(domain)} is local to ${owner.root}, but no qmail-smtpd of it is known to listen on ${route.host}:${route.port}: the mail goes wherever that address leads`,
      decision: 'same-host',
      outcome: 'no-listener',
    });
    return none;
  }
  steps.push({
    stage: 'qmail-remote',
    text: `${owner.root}'s qmail-smtpd listens on ${listener.host}:${listener.port} (${listener.path} line ${listener.line}): the veil is crossed, the walk goes on in ${owner.root}`,
    path: listener.path,
    line: listener.line,
    decision: 'same-host',
    outcome: 'crosses',
  });
  return {
    steps,
    crossesInto: owner,
    leak: `${inst.root} hands ${rewritten} to ${owner.root} by SMTP (${route.host}:${route.port}): the copy shows both installations' names`,
  };
}
