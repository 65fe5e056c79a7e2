// qmail-smtpd's side of a walk: whether it would take the recipient from
// another host (rcpthosts.c: control/rcpthosts, then morercpthosts.cdb), and
// where an installation's qmail-smtpd listens (its tcpserver lines), for a
// remote hop that may reach it on the same host.
import type { ControlList, Installation } from '../qmail/model-types.js';
import { lcAscii } from '../qmail/control-readers.js';
import type { TraceStep } from './types.js';

const q = (s: string) => JSON.stringify(s);

/** qmail-smtpd's answer to RCPT TO from outside. */
export interface RcpthostsAnswer {
  /** It would take the recipient (no rcpthosts file takes every one). */
  accepted: boolean;
  /** Not accepted because the control files cannot be read: a 421, tried again later. */
  temp?: boolean;
  text: string;
  path?: string;
  line?: number;
}

function controlFail(path: string): RcpthostsAnswer {
  return {
    accepted: false,
    temp: true,
    text: `qmail-smtpd cannot read ${path}: it answers 421 unable to read controls (#4.3.0), a temporary failure`,
    path,
  };
}

/** The domain and each `.suffix` of it, longest first (rcpthosts.c tries them in this order). */
function hostKeys(host: string): string[] {
  const out: string[] = [];
  for (let j = 0; j < host.length; j++) if (j === 0 || host[j] === '.') out.push(host.slice(j));
  return out;
}

// The lines as a map, made once per loaded list (an installation caches its lists): an impact
// preview asks for hundreds of addresses, and a 20,000-line rcpthosts was read again for each.
const indexes = new WeakMap<ControlList, Map<string, number>>();

function rcpthostsIndex(rh: ControlList): Map<string, number> {
  let ix = indexes.get(rh);
  if (ix) return ix;
  ix = new Map();
  for (const l of rh.lines) ix.set(lcAscii(l.text), l.line);
  indexes.set(rh, ix);
  return ix;
}

/** qmail-smtpd's rcpthosts (rcpthosts.c): exact or .suffix lines, then morercpthosts.cdb; no file accepts all. */
export function rcpthostsCheck(inst: Installation, recipient: string): RcpthostsAnswer {
  const rh = inst.list('rcpthosts');
  if (!rh.present) return { accepted: true, text: 'no control/rcpthosts: qmail-smtpd would accept any recipient from outside (an open relay)', path: rh.path };
  // rcpthosts_init: morercpthosts.cdb that exists but cannot be opened stops qmail-smtpd (die_control).
  const more = inst.morercpthostsCdb();
  if (more && 'error' in more && more.error === 'unreadable') return controlFail(more.path);
  const at = recipient.lastIndexOf('@');
  if (at < 0) return { accepted: true, text: `${q(recipient)} has no @: qmail-smtpd accepts it (envnoathost is assumed acceptable)`, path: rh.path };
  const host = lcAscii(recipient.slice(at + 1));
  const entries = rcpthostsIndex(rh);
  const keys = hostKeys(host);
  for (const k of keys) {
    const ln = entries.get(k);
    if (ln !== undefined) return { accepted: true, text: `would qmail-smtpd accept ${q(recipient)} from outside? yes: ${q(k)} in control/rcpthosts (line ${ln})`, path: rh.path, line: ln };
  }
  // A cdb that cannot be read where a lookup lands makes cdb_seek return -1: rcpthosts() gives -1, a 421.
  if (more && 'error' in more) return controlFail(more.path);
  if (more && 'reader' in more) {
    for (const k of keys) {
      try {
        if (more.reader.get(Buffer.from(k, 'latin1')) !== null)
          return { accepted: true, text: `would qmail-smtpd accept ${q(recipient)} from outside? yes: ${q(k)} in control/morercpthosts.cdb`, path: more.path };
      } catch {
        return controlFail(more.path);
      }
    }
  }
  return {
    accepted: false,
    text: `would qmail-smtpd accept ${q(recipient)} from outside? no: ${q(host)} is not in control/rcpthosts${more ? ' nor morercpthosts.cdb' : ''} (553 sorry, that domain isn't in my list of allowed rcpthosts); local injection does not ask`,
    path: rh.path,
  };
}

/** The step that says it: the decision `rcpthosts`, its outcome `accept`, `refuse` (553) or `defer` (421). */
export function rcpthostsStep(rc: RcpthostsAnswer, viaSmtp: boolean): TraceStep {
  const text = rc.text + (viaSmtp || rc.accepted ? '' : ' — shown, not blocking: a local injection or a forward is not checked');
  const outcome = rc.accepted ? 'accept' : rc.temp ? 'defer' : 'refuse';
  return { stage: 'qmail-smtpd', text, path: rc.path, line: rc.line, decision: 'rcpthosts', outcome };
}

/** What the copy meets at qmail-smtpd: refused only when it really came by SMTP. */
export function smtpdOutcome(rc: RcpthostsAnswer, viaSmtp: boolean): { kind: 'defer' | 'bounce'; reason: string } | null {
  if (!viaSmtp || rc.accepted) return null;
  if (rc.temp) return { kind: 'defer', reason: 'qmail-smtpd: 421 unable to read controls (#4.3.0)' };
  return { kind: 'bounce', reason: "Sorry, that domain isn't in my list of allowed rcpthosts. (#5.7.1)" };
}

/** One qmail-smtpd a start script runs under tcpserver. */
export interface Listener {
  host: string;
  port: number;
  path: string;
  line: number;
}

const SERVICES: Record<string, number> = { smtp: 25, submission: 587, smtps: 465 };

/** The addresses an installation's qmail-smtpd listens on (its start scripts' tcpserver lines). */
export function smtpdListeners(inst: Installation): Listener[] {
  const out: Listener[] = [];
  try {
    for (const s of inst.startScripts()) {
      for (const t of s.tcpservers) {
        const runs = [t.program ?? '', ...t.args].some((w) => /(^|\/)qmail-smtpd$/.test(w));
        if (!runs) continue;
        const port = /^[0-9]+$/.test(t.port) ? Number(t.port) : SERVICES[t.port] ?? NaN;
        out.push({ host: t.host, port, path: t.path, line: t.line });
      }
    }
  } catch {
    return out;
  }
  return out;
}

const isLoopback = (h: string) => /^127\./.test(h) || h === 'localhost' || h === '::1';

/** Does a connection to relay:port reach this listener? */
export function listensOn(l: Listener, relay: string, port: number): boolean {
  // dns.c dns_ip takes "1.2.3.4" and "[1.2.3.4]" (ip_scanbracket) alike.
  const host = relay.replace(/^\[([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)\]$/, '$1');
  if (l.port !== port) return false;
  if (l.host === host) return true;
  if (l.host === '0' || l.host === '0.0.0.0' || l.host === '::') return isLoopback(host);
  return isLoopback(l.host) && isLoopback(host) && l.host === host;
}
