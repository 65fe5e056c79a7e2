// The whole chain for one envelope recipient, as hops: each copy goes
// through qmail-smtpd (when it came by SMTP), qmail-send, then qmail-remote
// or qmail-lspawn (or qmail-getpw) and qmail-local; every forward is a new
// copy, walked depth first in the order qmail would create it (contract.md
// rulings). This module only drives the hops: each program's decisions are
// in its own module (smtpd, send, remote, lspawn, getpw, local).
import type { Installation, SystemUsers } from '../qmail/model-types.js';
import { scanUlong } from '../qmail/control-readers.js';
import { Access } from './access.js';
import { bounceStep, rewrite, senderAdd } from './send.js';
import { rcpthostsCheck, rcpthostsStep, smtpdOutcome } from './smtpd.js';
import { qmailRemote } from './remote.js';
import { lspawnLookup } from './lspawn.js';
import { getpw } from './getpw.js';
import { qmailLocal, type LocalResult } from './local.js';
import { enterQueue } from './queue-home.js';
import type { Delivery, DeliveryKind, TraceHop, TraceLeak, TraceNeed, TraceOptions, TraceResult, TraceStep, TraceUser } from './types.js';

/** The envelope sender when none is given (kept here, not in types.ts, so that types.ts stays types only and is never loaded). */
export const DEFAULT_SENDER = 'sender@example.invalid';

/** qmail-local steps kept per hop; the rest are counted in one step. */
const MAX_LOCAL_STEPS = 1000;

const q = (s: string) => JSON.stringify(s);

/** One copy of the message on its way to one recipient: what the hop that walks it is given. */
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

/**
 * What a hop gives, in the order qmail gives it: an outcome, a new copy
 * (walked to its end before the next event, as qmail-local injects a
 * forward before it goes on), or a step of the hop said after its copies.
 */
type HopEvent = { delivery: DeliveryKind; target: string } | { copy: Copy } | { step: TraceStep };

/** The state of one walk, handed to each hop. */
interface Walk {
  users: SystemUsers;
  opts: TraceOptions;
  access: Access;
  now: Date;
  maxHops: number;
  capped: boolean;
  hops: TraceHop[];
  deliveries: Delivery[];
  leaks: TraceLeak[];
  /** What the walk could not follow by itself (a handler to load, records to fetch): tracer.ts satisfies them and walks again. */
  needs: TraceNeed[];
}

/** A hop being walked: its index and the events still to be played. */
interface Frame {
  index: number;
  events: HopEvent[];
  next: number;
}

export function traceAddress(inst: Installation, users: SystemUsers, address: string, opts: TraceOptions = {}): TraceResult {
  return walkAddress(inst, users, address, opts).result;
}

/** The walk, and what it needs to go further than it could (empty when it followed everything). */
export function walkAddress(inst: Installation, users: SystemUsers, address: string, opts: TraceOptions = {}): { result: TraceResult; needs: TraceNeed[] } {
  const w: Walk = {
    users,
    opts,
    access: new Access(inst.sysroot),
    now: opts.now ?? new Date(),
    maxHops: opts.maxHops ?? 500,
    capped: false,
    hops: [],
    deliveries: [],
    leaks: [],
    needs: [],
  };
  const first: Copy = { recipient: address, sender: opts.sender ?? DEFAULT_SENDER, headerLines: opts.headerLines ?? [], parent: null, inst, channel: opts.channel };
  // Depth first without recursion: a forward storm is a long chain of hops.
  const stack: Frame[] = [];
  const start = (copy: Copy): void => {
    const f = startHop(w, copy);
    if (f) stack.push(f);
  };
  start(first);
  while (stack.length > 0) {
    const f = stack[stack.length - 1];
    if (f.next >= f.events.length) {
      stack.pop();
      continue;
    }
    const e = f.events[f.next++];
    if ('copy' in e) start(e.copy);
    else if ('step' in e) w.hops[f.index].steps.push(e.step);
    else w.deliveries.push({ kind: e.delivery, target: e.target, hop: f.index });
  }
  return { result: { address, instance: inst.root, deliveries: w.deliveries, hops: w.hops, leaks: w.leaks }, needs: w.needs };
}

/** Open a hop for a copy and walk it; null when the hop cap is reached. */
function startHop(w: Walk, copy: Copy): Frame | null {
  if (w.hops.length >= w.maxHops) {
    if (!w.capped && w.hops.length > 0) {
      w.hops[w.hops.length - 1].steps.push({ stage: 'qlens', warn: true, text: `more than ${w.maxHops} hops: the walk stops here (a forward storm?)` });
    }
    w.capped = true;
    return null;
  }
  const index = w.hops.length;
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
  w.hops.push(hop);
  // The queue the copy really enters decides which installation walks it (programs copied from another home).
  const entry = enterQueue(copy.inst, copy.channel ? 'queued' : copy.parent !== null && !copy.viaSmtp ? 'forward' : 'smtp', w.opts.others ?? []);
  pushAll(hop.steps, entry.steps);
  if (entry.queue) hop.queue = entry.queue;
  if (entry.defer) return { index, events: [outcome('defer', entry.defer)], next: 0 };
  if (entry.inst !== copy.inst) {
    hop.instance = entry.inst.root;
    w.leaks.push({ kind: 'binaries-built-for-other-home', hop: index, text: `${copy.inst.root}'s programs were built for ${entry.inst.root}: the copy enters ${entry.queue}` });
  }
  return { index, events: walkHop(w, { ...copy, inst: entry.inst }, hop, index), next: 0 };
}

const outcome = (kind: DeliveryKind, target: string): HopEvent => ({ delivery: kind, target });

/** qmail-smtpd (for a copy that is not yet queued), qmail-send, then the local or remote side. */
function walkHop(w: Walk, copy: Copy, hop: TraceHop, index: number): HopEvent[] {
  const steps = hop.steps;
  if (!copy.channel) {
    const rc = rcpthostsCheck(copy.inst, copy.recipient);
    steps.push(rcpthostsStep(rc, Boolean(copy.viaSmtp)));
    const refused = smtpdOutcome(rc, Boolean(copy.viaSmtp));
    if (refused) return [outcome(refused.kind, refused.reason)];
  }
  let route: 'local' | 'remote';
  let rewritten: string;
  if (copy.channel) {
    route = copy.channel;
    rewritten = copy.recipient;
    steps.push({ stage: 'qmail-send', text: `queued on the ${copy.channel} channel as ${q(copy.recipient)}: already rewritten by qmail-send, not rewritten again` });
  } else {
    const r = rewrite(copy.inst, copy.recipient);
    pushAll(steps, r.steps);
    if (r.route === 'stopped') return [outcome('defer', r.reason)];
    route = r.route;
    rewritten = r.rewritten;
  }
  hop.route = route;
  hop.rewritten = rewritten;
  hop.sender = senderAdd(copy.sender, rewritten);
  return route === 'remote' ? remoteHop(w, copy, hop, index) : localHop(w, copy, hop, index);
}

/** qmail-remote: the recipient leaves, or reaches another installation's qmail-smtpd on this host. */
function remoteHop(w: Walk, copy: Copy, hop: TraceHop, index: number): HopEvent[] {
  const r = qmailRemote(copy.inst, hop.rewritten, w.opts.others ?? []);
  pushAll(hop.steps, r.steps);
  const events: HopEvent[] = [outcome('remote', hop.rewritten)];
  if (r.crossesInto) {
    if (r.leak) w.leaks.push({ kind: 'cross-installation', hop: index, text: r.leak });
    events.push({ copy: { recipient: hop.rewritten, sender: hop.sender, headerLines: copy.headerLines, parent: index, inst: r.crossesInto, viaSmtp: true } });
  }
  return events;
}

/** qmail-lspawn's user: users/cdb, else qmail-getpw; an end of the hop when there is none. */
function deliveryUser(w: Walk, copy: Copy, local: string, steps: TraceStep[]): { user: TraceUser; uidText: string } | { end: HopEvent[] } {
  const ls = lspawnLookup(copy.inst, local);
  pushAll(steps, ls.steps);
  if (ls.kind === 'trash') return { end: [] };
  if (ls.kind === 'defer') return { end: [outcome('defer', ls.reason)] };
  if (ls.kind === 'found') {
    const f = ls.fields;
    return { user: { name: f.user, uid: scanUlong(f.uid), gid: scanUlong(f.gid), home: f.home, dash: f.dash, ext: f.ext, source: 'assign' }, uidText: f.uid };
  }
  const consts = copy.inst.consts();
  const g = getpw(copy.inst.sysroot, w.users, local, { breakChar: consts.breakChar, aliasUser: consts.aliasUser, qmailRoot: copy.inst.root });
  pushAll(steps, g.steps);
  if (g.kind === 'defer') return { end: [outcome('defer', g.reason)] };
  const e = g.entry;
  return { user: { name: e.name, uid: e.uid, gid: e.gid, home: e.home, dash: g.dash, ext: g.ext, source: g.alias ? 'alias' : 'passwd' }, uidText: '0' };
}

/** qmail-lspawn and qmail-local for a local recipient, then what qmail-send does with the result. */
function localHop(w: Walk, copy: Copy, hop: TraceHop, index: number): HopEvent[] {
  const steps = hop.steps;
  const rewritten = hop.rewritten;
  const at = rewritten.lastIndexOf('@');
  if (at < 0) {
    const reason = 'Sorry, address must include host name. (#5.1.3)';
    steps.push({ stage: 'qmail-lspawn', text: `${q(rewritten)} has no @ → bounce: ${reason}` });
    return [outcome('bounce', reason)];
  }
  const local = rewritten.slice(0, at);
  const domain = rewritten.slice(at + 1);
  hop.local = local;
  hop.domain = domain;
  const who = deliveryUser(w, copy, local, steps);
  if ('end' in who) return who.end;
  const user = who.user;
  hop.user = user;
  if (user.uid === 0) {
    const reason = 'Not allowed to perform deliveries as root.';
    steps.push({ stage: 'qmail-lspawn', text: `uid ${q(who.uidText)} reads as 0: qmail-lspawn refuses → defer: ${reason}` });
    return [outcome('defer', reason)];
  }
  const lr = qmailLocal({
    inst: copy.inst,
    users: w.users,
    access: w.access,
    user,
    local,
    domain,
    sender: hop.sender,
    headerLines: copy.headerLines,
    now: w.now,
    hopIndex: index,
    recipient: copy.recipient,
    managers: w.opts.managers,
  });
  hop.dotqmail = lr.dotqmail;
  hop.env = lr.env;
  for (const n of lr.needs) w.needs.push(n);
  keepLocalSteps(steps, lr);
  return localEvents(copy, hop, lr, index);
}

/** A 10 MB .qmail gives a step per line: keep the head and the tail (where a defer or bounce is said), count the rest. */
function keepLocalSteps(steps: TraceStep[], lr: LocalResult): void {
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
}

/** qmail-local's deliveries and forwards in order, then its end as qmail-send sees it (a bounce names the sender). */
function localEvents(copy: Copy, hop: TraceHop, lr: LocalResult, index: number): HopEvent[] {
  const events: HopEvent[] = [];
  const ok = lr.end.kind === 'ok';
  for (const a of lr.actions) {
    if (a.kind !== 'forward') {
      events.push(outcome(a.kind, a.target));
      continue;
    }
    // Forwards qmail-local collects are injected only when it finishes well; a manager's go at once.
    if (!ok && !a.immediate) continue;
    events.push(outcome('forward', a.target));
    events.push({ copy: { recipient: a.target, sender: a.sender, headerLines: [a.deliveredTo, ...copy.headerLines], parent: index, inst: copy.inst } });
  }
  const end = lr.end;
  if (end.kind === 'ok') {
    if (!end.delivered) events.push({ step: { stage: 'qmail-local', text: 'nothing delivered at this hop (no delivery line)' } });
    return events;
  }
  events.push(end.kind === 'loop' ? outcome('loop', copy.recipient) : outcome(end.kind, end.reason));
  if (end.kind !== 'defer') events.push({ step: bounceStep(copy.inst, hop.rewritten, copy.sender) });
  return events;
}

/** Append without spread: a 10 MB .qmail gives more steps than call arguments allow. */
function pushAll(to: TraceStep[], from: readonly TraceStep[]): void {
  for (const s of from) to.push(s);
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
