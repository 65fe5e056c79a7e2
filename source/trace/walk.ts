// The whole chain for one envelope recipient: qmail-send, qmail-lspawn (or
// qmail-getpw), qmail-local, and every forward re-injected as a new hop,
// depth first in the order qmail would create them (contract.md rulings).
import type { Installation, SystemUsers } from '../qmail/model-types.js';
import { lcAscii } from '../qmail/control-readers.js';
import { Access } from './access.js';
import { rewrite, senderAdd } from './send.js';
import { lspawnLookup } from './lspawn.js';
import { getpw } from './getpw.js';
import { qmailLocal } from './local.js';
import type { Delivery, TraceHop, TraceLeak, TraceOptions, TraceResult, TraceStep, TraceUser } from './types.js';

/** The envelope sender when none is given (kept here, not in types.ts, so that types.ts stays types only and is never loaded). */
export const DEFAULT_SENDER = 'sender@example.invalid';

/** qmail-local steps kept per hop; the rest are counted in one step. */
const MAX_LOCAL_STEPS = 1000;

const q = (s: string) => JSON.stringify(s);

interface Copy {
  recipient: string;
  /** The envelope sender as queued (before qmail-send's VERP expansion). */
  sender: string;
  headerLines: string[];
  parent: number | null;
  inst: Installation;
  channel?: 'local' | 'remote';
  /** Arrived over SMTP from another installation: qmail-smtpd's rcpthosts check is real. */
  viaSmtp?: boolean;
}

/** scan_ulong: leading decimal digits, 0 when none. */
function scanUlong(s: string): number {
  const m = /^[0-9]+/.exec(s);
  return m ? Number(m[0]) % 2 ** 32 : 0;
}

/** qmail-smtpd's rcpthosts (rcpthosts.c): exact or .suffix lines, then morercpthosts.cdb; no file accepts all. */
export function rcpthostsCheck(inst: Installation, recipient: string): { accepted: boolean; temp?: boolean; text: string; path?: string; line?: number } {
  const rh = inst.list('rcpthosts');
  if (!rh.present) return { accepted: true, text: 'no control/rcpthosts: qmail-smtpd would accept any recipient from outside (an open relay)', path: rh.path };
  // rcpthosts_init: morercpthosts.cdb that exists but cannot be opened stops qmail-smtpd (die_control).
  const more = inst.morercpthostsCdb();
  const controlFail = (path: string) => ({
    accepted: false,
    temp: true,
    text: `qmail-smtpd cannot read ${path}: it answers 421 unable to read controls (#4.3.0), a temporary failure`,
    path,
  });
  if (more && 'error' in more && more.error === 'unreadable') return controlFail(more.path);
  const at = recipient.lastIndexOf('@');
  if (at < 0) return { accepted: true, text: `${q(recipient)} has no @: qmail-smtpd accepts it (envnoathost is assumed acceptable)`, path: rh.path };
  const host = lcAscii(recipient.slice(at + 1));
  const entries = new Map<string, number>();
  for (const l of rh.lines) entries.set(lcAscii(l.text), l.line);
  for (let j = 0; j < host.length; j++) {
    if (j !== 0 && host[j] !== '.') continue;
    const ln = entries.get(host.slice(j));
    if (ln !== undefined) return { accepted: true, text: `would qmail-smtpd accept ${q(recipient)} from outside? yes: ${q(host.slice(j))} in control/rcpthosts (line ${ln})`, path: rh.path, line: ln };
  }
  // A cdb that cannot be read where a lookup lands makes cdb_seek return -1: rcpthosts() gives -1, a 421.
  if (more && 'error' in more) return controlFail(more.path);
  if (more && 'reader' in more) {
    for (let j = 0; j < host.length; j++) {
      if (j !== 0 && host[j] !== '.') continue;
      try {
        if (more.reader.get(Buffer.from(host.slice(j), 'latin1')) !== null)
          return { accepted: true, text: `would qmail-smtpd accept ${q(recipient)} from outside? yes: ${q(host.slice(j))} in control/morercpthosts.cdb`, path: more.path };
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

/** qmail-send's stripvdomprepend: the address a bounce names (domain-shaped keys only, case-sensitive prefix). */
export function bounceAddress(inst: Installation, rewritten: string): string {
  const at = rewritten.lastIndexOf('@');
  if (at < 0) return rewritten;
  const domain = rewritten.slice(at + 1);
  const keys: string[] = [];
  for (let i = 0; i <= domain.length; i++) if (i === 0 || i === domain.length || domain[i] === '.') keys.push(lcAscii(domain.slice(i)));
  const vd = inst.colonLookup ? inst.colonLookup('virtualdomains', keys) : inst.virtualdomains();
  for (let i = 0; i <= domain.length; i++) {
    if (!(i === 0 || i === domain.length || domain[i] === '.')) continue;
    const e = vd.map.get(lcAscii(domain.slice(i)));
    if (!e) continue;
    if (e.value === '' || !rewritten.startsWith(e.value + '-')) return rewritten;
    return rewritten.slice(e.value.length + 1);
  }
  return rewritten;
}

/** qmail-send's injectbounce: the bounce goes to the queued sender, a VERP "-@[]" cut off ("owner-@host-@[]" → "owner-@host"). */
export function bounceRecipient(queuedSender: string): string {
  return queuedSender.endsWith('-@[]') ? queuedSender.slice(0, -4) : queuedSender;
}

function bounceStep(inst: Installation, rewritten: string, queuedSender: string): TraceStep {
  const sender = bounceRecipient(queuedSender);
  const shown = bounceAddress(inst, rewritten);
  const names = shown === rewritten ? `names the recipient as ${q(shown)}` : `names the recipient as ${q(shown)} (the virtualdomains prepend removed)`;
  if (sender === '#@[]') return { stage: 'qmail-send', text: `the failure of a double bounce (sender #@[]) is thrown away; a bounce would have ${names}` };
  if (sender === '') return { stage: 'qmail-send', text: `the sender is empty: qmail-send sends a double bounce to doublebounceto@doublebouncehost; it ${names}` };
  return { stage: 'qmail-send', text: `qmail-send returns the message to ${q(sender)}; the bounce ${names}` };
}

/** qmail-remote's smtproutes lookup: domain, each .suffix (longest first), then "". */
export function smtprouteFor(inst: Installation, domain: string): { key: string; host: string; port: number; line: number; path: string } | null {
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

interface Listener {
  host: string;
  port: number;
  path: string;
  line: number;
}

const SERVICES: Record<string, number> = { smtp: 25, submission: 587, smtps: 465 };

function smtpdListeners(inst: Installation): Listener[] {
  const fn = (inst as { startScripts?: () => Array<{ tcpservers: Array<{ host: string; port: string; program: string | null; args: string[]; path: string; line: number }> }> }).startScripts;
  if (typeof fn !== 'function') return [];
  const out: Listener[] = [];
  try {
    for (const s of fn.call(inst)) {
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

function listensOn(l: Listener, relay: string, port: number): boolean {
  // dns.c dns_ip takes "1.2.3.4" and "[1.2.3.4]" (ip_scanbracket) alike.
  const host = relay.replace(/^\[([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)\]$/, '$1');
  if (l.port !== port) return false;
  if (l.host === host) return true;
  if (l.host === '0' || l.host === '0.0.0.0' || l.host === '::') return isLoopback(host);
  return isLoopback(l.host) && isLoopback(host) && l.host === host;
}

export function traceAddress(inst: Installation, users: SystemUsers, address: string, opts: TraceOptions = {}): TraceResult {
  const deliveries: Delivery[] = [];
  const hops: TraceHop[] = [];
  const leaks: TraceLeak[] = [];
  const access = new Access(inst.sysroot);
  const now = opts.now ?? new Date();
  const maxHops = opts.maxHops ?? 500;
  let capped = false;

  const walk = (copy: Copy): void => {
    if (hops.length >= maxHops) {
      if (!capped && hops.length > 0) {
        hops[hops.length - 1].steps.push({ stage: 'qlens', warn: true, text: `more than ${maxHops} hops: the walk stops here (a forward storm?)` });
      }
      capped = true;
      return;
    }
    const index = hops.length;
    const hop: TraceHop = {
      recipient: copy.recipient,
      instance: copy.inst.root,
      route: 'local',
      local: null,
      domain: null,
      rewritten: copy.recipient,
      user: null,
      dotqmail: null,
      env: {},
      steps: [],
      parent: copy.parent,
      sender: copy.sender,
    };
    hops.push(hop);
    const steps = hop.steps;
    const add = (kind: Delivery['kind'], target: string) => deliveries.push({ kind, target, hop: index });

    if (!copy.channel) {
      const rc = rcpthostsCheck(copy.inst, copy.recipient);
      steps.push({ stage: 'qmail-smtpd', text: rc.text + (copy.viaSmtp || rc.accepted ? '' : ' — shown, not blocking: a local injection or a forward is not checked'), path: rc.path, line: rc.line });
      if (copy.viaSmtp && !rc.accepted) {
        if (rc.temp) add('defer', 'qmail-smtpd: 421 unable to read controls (#4.3.0)');
        else add('bounce', "Sorry, that domain isn't in my list of allowed rcpthosts. (#5.7.1)");
        return;
      }
    }

    let route: 'local' | 'remote';
    let rewritten: string;
    if (copy.channel) {
      route = copy.channel;
      rewritten = copy.recipient;
      steps.push({ stage: 'qmail-send', text: `queued on the ${copy.channel} channel as ${q(copy.recipient)}: already rewritten by qmail-send, not rewritten again` });
    } else {
      const r = rewrite(copy.inst, copy.recipient);
      for (const st of r.steps) steps.push(st); // no spread: a 10 MB .qmail gives more steps than call arguments allow
      if (r.route === 'stopped') {
        add('defer', r.reason);
        return;
      }
      route = r.route;
      rewritten = r.rewritten;
    }
    hop.route = route;
    hop.rewritten = rewritten;
    const sender = senderAdd(copy.sender, rewritten);
    hop.sender = sender;

    if (route === 'remote') {
      add('remote', rewritten);
      remoteHop(copy, hop, index, rewritten, sender);
      return;
    }

    const at = rewritten.lastIndexOf('@');
    if (at < 0) {
      const reason = 'Sorry, address must include host name. (#5.1.3)';
      steps.push({ stage: 'qmail-lspawn', text: `${q(rewritten)} has no @ → bounce: ${reason}` });
      add('bounce', reason);
      return;
    }
    const local = rewritten.slice(0, at);
    const domain = rewritten.slice(at + 1);
    hop.local = local;
    hop.domain = domain;

    const ls = lspawnLookup(copy.inst, local);
    for (const st of ls.steps) steps.push(st); // no spread: a 10 MB .qmail gives more steps than call arguments allow
    if (ls.kind === 'trash') return;
    if (ls.kind === 'defer') {
      add('defer', ls.reason);
      return;
    }
    let user: TraceUser;
    if (ls.kind === 'found') {
      const f = ls.fields;
      user = { name: f.user, uid: scanUlong(f.uid), gid: scanUlong(f.gid), home: f.home, dash: f.dash, ext: f.ext, source: 'assign' };
    } else {
      const consts = copy.inst.consts();
      const g = getpw(copy.inst.sysroot, users, local, { breakChar: consts.breakChar, aliasUser: consts.aliasUser, qmailRoot: copy.inst.root });
      for (const st of g.steps) steps.push(st); // no spread: a 10 MB .qmail gives more steps than call arguments allow
      if (g.kind === 'defer') {
        add('defer', g.reason);
        return;
      }
      user = { name: g.entry.name, uid: g.entry.uid, gid: g.entry.gid, home: g.entry.home, dash: g.dash, ext: g.ext, source: g.alias ? 'alias' : 'passwd' };
    }
    hop.user = user;
    if (user.uid === 0) {
      const reason = 'Not allowed to perform deliveries as root.';
      steps.push({ stage: 'qmail-lspawn', text: `uid ${q(ls.kind === 'found' ? ls.fields.uid : '0')} reads as 0: qmail-lspawn refuses → defer: ${reason}` });
      add('defer', reason);
      return;
    }

    const lr = qmailLocal({
      inst: copy.inst,
      users,
      access,
      user,
      local,
      domain,
      sender,
      headerLines: copy.headerLines,
      now,
      hopIndex: index,
      recipient: copy.recipient,
      managers: opts.managers,
    });
    hop.dotqmail = lr.dotqmail;
    hop.env = lr.env;
    // A 10 MB .qmail gives a step per line: keep the head and the tail (where a defer or bounce is said), count the rest.
    const lsteps = lr.steps;
    const cut = lsteps.length > MAX_LOCAL_STEPS ? lsteps.length - MAX_LOCAL_STEPS : 0;
    for (let i = 0; i < lsteps.length; i++) {
      if (cut && i === MAX_LOCAL_STEPS - 10) {
        steps.push({ stage: 'qlens', warn: true, text: `${cut} more qmail-local steps not shown (${lr.dotqmail ?? 'the .qmail file'} is long); the deliveries below list every line`, path: lr.dotqmail ?? undefined });
        i += cut - 1;
        continue;
      }
      steps.push(lsteps[i]);
    }
    const ok = lr.end.kind === 'ok';
    for (const a of lr.actions) {
      if (a.kind !== 'forward') {
        add(a.kind, a.target);
        continue;
      }
      if (!ok && !a.immediate) continue;
      add('forward', a.target);
      walk({
        recipient: a.target,
        sender: a.sender,
        headerLines: [a.deliveredTo, ...copy.headerLines],
        parent: index,
        inst: copy.inst,
      });
    }
    if (lr.end.kind === 'ok') {
      if (!lr.end.delivered) steps.push({ stage: 'qmail-local', text: 'nothing delivered at this hop (no delivery line)' });
      return;
    }
    if (lr.end.kind === 'loop') add('loop', copy.recipient);
    else add(lr.end.kind, lr.end.reason);
    if (lr.end.kind !== 'defer') steps.push(bounceStep(copy.inst, rewritten, copy.sender));
  };

  const remoteHop = (copy: Copy, hop: TraceHop, index: number, rewritten: string, sender: string): void => {
    const steps = hop.steps;
    const at = rewritten.lastIndexOf('@');
    const domain = at < 0 ? '' : rewritten.slice(at + 1);
    const route = smtprouteFor(copy.inst, domain);
    const others = (opts.others ?? []).filter((o) => o.root !== copy.inst.root);
    // Which other loaded installation would take this domain as local?
    let owner: Installation | null = null;
    for (const o of others) {
      try {
        const r = rewrite(o, rewritten);
        if (r.route === 'local') {
          owner = o;
          break;
        }
      } catch {
        continue;
      }
    }
    if (!route) {
      steps.push({ stage: 'qmail-remote', text: `qmail-remote gets ${q(rewritten)}; no control/smtproutes entry for ${q(domain)}: it looks up the MX of ${q(domain)}`, path: copy.inst.smtproutes().path });
      if (owner) {
        steps.push({
          stage: 'qmail-remote',
          warn: true,
          text: `${q(domain)} is local to ${owner.root} on this host, but ${copy.inst.root} has no smtproutes entry for it: if its MX points at this host, qmail-remote bounces (#5.4.6 … best-preference MX); otherwise the mail leaves the host`,
        });
      }
      return;
    }
    steps.push({ stage: 'qmail-remote', text: `qmail-remote gets ${q(rewritten)}; smtproutes ${q(route.key)} → ${route.host}:${route.port} (line ${route.line}); no MX lookup`, path: route.path, line: route.line });
    if (!owner) return;
    const listener = smtpdListeners(owner).find((l) => listensOn(l, route.host, route.port));
    if (!listener) {
      steps.push({
        stage: 'qmail-remote',
        warn: true,
        text: `${q(domain)} is local to ${owner.root}, but no qmail-smtpd of it is known to listen on ${route.host}:${route.port}: the mail goes wherever that address leads`,
      });
      return;
    }
    steps.push({
      stage: 'qmail-remote',
      text: `${owner.root}'s qmail-smtpd listens on ${listener.host}:${listener.port} (${listener.path} line ${listener.line}): the veil is crossed, the walk goes on in ${owner.root}`,
      path: listener.path,
      line: listener.line,
    });
    leaks.push({ kind: 'cross-installation', hop: index, text: `${copy.inst.root} hands ${rewritten} to ${owner.root} by SMTP (${route.host}:${route.port}): the copy shows both installations' names` });
    walk({ recipient: rewritten, sender, headerLines: copy.headerLines, parent: index, inst: owner, viaSmtp: true });
  };

  const first: Copy = {
    recipient: address,
    sender: opts.sender ?? DEFAULT_SENDER,
    headerLines: opts.headerLines ?? [],
    parent: null,
    inst,
    channel: opts.channel,
  };
  walk(first);
  return { address, instance: inst.root, deliveries, hops, leaks };
}

/** Header lines qmail-local's loop check reads from a message: up to the first line that is exactly "\n". */
export function messageHeaderLines(content: string): string[] {
  const out: string[] = [];
  let start = 0;
  while (start < content.length) {
    const nl = content.indexOf('\n', start);
    const line = nl < 0 ? content.slice(start) : content.slice(start, nl);
    if (nl >= 0 && line === '') break;
    // A final line without "\n" can never equal DTLINE (which ends in "\n").
    if (nl < 0) break;
    out.push(line);
    start = nl + 1;
  }
  return out;
}

export type { TraceStep };
