// qmail-send's rewrite() (qmail-send.c): local or remote, and the address
// qmail-lspawn or qmail-rspawn gets. Case is kept in the output; only the
// look-ups (locals, percenthack, virtualdomains) ignore ASCII case.
import type { Installation, ControlList } from '../qmail/model-types.js';
import { lcAscii } from '../qmail/control-readers.js';
import type { TraceStep } from './types.js';

export type SendResult =
  | { route: 'local' | 'remote'; rewritten: string; steps: TraceStep[] }
  /** qmail-send would not be running with this configuration (or could not read it). */
  | { route: 'stopped'; reason: string; steps: TraceStep[] };

const q = (s: string) => JSON.stringify(s);

function inList(list: ControlList, value: string): { line: number } | null {
  const lv = lcAscii(value);
  for (const l of list.lines) if (l.text.length === value.length && lcAscii(l.text) === lv) return { line: l.line };
  return null;
}

function listWhere(list: ControlList): string {
  if (list.source === 'me') return `${list.path} absent, control/me used`;
  if (!list.present) return `${list.path} absent`;
  return list.path;
}

/** The candidates qmail-send tries in virtualdomains, in order (user@domain, domain, .suffixes longest first, ""). */
export function virtualdomainCandidates(addr: string): string[] {
  const at = addr.lastIndexOf('@');
  const out: string[] = [];
  for (let i = 0; i <= addr.length; i++) {
    if (i === 0 || i === at + 1 || i === addr.length || (i > at && addr[i] === '.')) out.push(addr.slice(i));
  }
  return out;
}

export function rewrite(inst: Installation, recipient: string): SendResult {
  const r = rewriteAddress(inst, recipient);
  // The last step says where the address goes: the decision the impact preview compares.
  const last = r.steps[r.steps.length - 1];
  if (last) {
    last.decision = 'route';
    last.outcome = r.route;
  }
  return r;
}

function rewriteAddress(inst: Installation, recipient: string): SendResult {
  const steps: TraceStep[] = [];
  const stage = 'qmail-send' as const;
  let locals: ControlList;
  let percenthack: ControlList;
  // Only the keys this address can meet (a one-shot trace of a 20,000-line file reads no other entry).
  let vdFor: (keys: string[]) => Pick<ReturnType<Installation['virtualdomains']>, 'present' | 'path' | 'map'>;
  let envnoathost: ReturnType<Installation['control']>;
  try {
    locals = inst.list('locals');
    percenthack = inst.list('percenthack');
    vdFor = inst.colonLookup ? (keys) => inst.colonLookup!('virtualdomains', keys) : () => inst.virtualdomains();
    vdFor([]);
    envnoathost = inst.control('envnoathost');
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    steps.push({ stage, text: `cannot read its control files (${msg}): qmail-send would not start (alert: cannot start: unable to read controls)` });
    return { route: 'stopped', reason: 'alert: cannot start: unable to read controls', steps };
  }
  // The loader reports an unreadable file and treats it as absent; qmail-send cannot start then.
  const ctl = ['me', 'locals', 'percenthack', 'virtualdomains', 'envnoathost'].map((n) => `${inst.root}/control/${n}`);
  const unreadable = inst.diagnostics().find((d) => d.code === 'unreadable' && ctl.includes(d.path));
  if (unreadable) {
    steps.push({ stage, text: `${unreadable.path} cannot be read (${unreadable.message}): qmail-send would not start (alert: cannot start: unable to read controls); after a HUP it would keep its old maps`, path: unreadable.path });
    return { route: 'stopped', reason: 'alert: cannot start: unable to read controls', steps };
  }
  if (locals.source === 'absent') {
    steps.push({
      stage,
      text: 'control/locals and control/me are both absent: qmail-send refuses to start (alert: cannot start: unable to read controls); the message stays in the queue',
      path: locals.path,
    });
    return { route: 'stopped', reason: 'alert: cannot start: unable to read controls', steps };
  }

  let a = recipient;
  let p = a.lastIndexOf('@');
  if (p < 0) {
    const v = envnoathost.value ?? 'envnoathost';
    const from =
      envnoathost.source === 'file'
        ? `control/envnoathost`
        : envnoathost.source === 'me'
          ? 'control/me (no control/envnoathost)'
          : 'the literal default (no control/envnoathost, no control/me)';
    steps.push({ stage, text: `${q(a)} has no @: qmail-send appends @envnoathost = ${q(v)} from ${from}`, path: envnoathost.path, line: envnoathost.line ?? undefined });
    a = a + '@' + v;
    p = a.length - v.length - 1;
  }

  // The percent hack, repeated while the domain is listed.
  for (;;) {
    const dom = a.slice(p + 1);
    const hit = inList(percenthack, dom);
    if (!hit) {
      if (percenthack.lines.length > 0 && a.slice(0, p).includes('%'))
        steps.push({ stage, text: `${q(dom)} in control/percenthack? no: the % in the local part stays`, path: percenthack.path });
      break;
    }
    const qpos = p > 0 ? a.lastIndexOf('%', p - 1) : -1;
    if (qpos < 0) {
      steps.push({ stage, text: `${q(dom)} is in control/percenthack (line ${hit.line}) but the local part has no %: nothing to do`, path: percenthack.path, line: hit.line });
      break;
    }
    const before = a;
    a = a.slice(0, qpos) + '@' + a.slice(qpos + 1, p);
    p = qpos;
    steps.push({ stage, text: `${q(dom)} is in control/percenthack (line ${hit.line}): ${q(before)} becomes ${q(a)}`, path: percenthack.path, line: hit.line });
  }

  const at = a.lastIndexOf('@');
  const domain = a.slice(at + 1);
  const lh = inList(locals, domain);
  if (lh) {
    const where = locals.source === 'me' ? `control/me (control/locals is absent)` : `control/locals line ${lh.line}`;
    steps.push({ stage, text: `${q(domain)} in locals? yes (${where}) → local, address ${q(a)}`, path: locals.source === 'me' ? inst.root + '/control/me' : locals.path, line: lh.line });
    return { route: 'local', rewritten: a, steps };
  }
  steps.push({ stage, text: `${q(domain)} in locals? no (${listWhere(locals)})`, path: locals.path });

  const tried: string[] = [];
  const cands = virtualdomainCandidates(a);
  const vd = vdFor(cands.map(lcAscii));
  for (const cand of cands) {
    const e = vd.map.get(lcAscii(cand));
    if (!e) {
      tried.push(cand === '' ? '"" (catch-all)' : q(cand));
      continue;
    }
    const triedText = tried.length ? `${tried.join(', ')}: no; ` : '';
    const label = cand === '' ? 'the catch-all ":"' : q(cand);
    if (e.value === '') {
      steps.push({
        stage,
        text: `virtualdomains: ${triedText}${label} has an empty prepend (line ${e.line}): an exception → remote, address ${q(a)}`,
        path: vd.path,
        line: e.line,
      });
      return { route: 'remote', rewritten: a, steps };
    }
    const out = e.value + '-' + a;
    steps.push({
      stage,
      text: `virtualdomains: ${triedText}${label} → prepend ${q(e.value)} (line ${e.line}) → local, address ${q(out)}`,
      path: vd.path,
      line: e.line,
    });
    return { route: 'local', rewritten: out, steps };
  }
  steps.push({
    stage,
    text: vd.present
      ? `virtualdomains: ${tried.join(', ')}: no match → remote, address ${q(a)}`
      : `no control/virtualdomains → remote, address ${q(a)}`,
    path: vd.path,
  });
  return { route: 'remote', rewritten: a, steps };
}

/**
 * qmail-send's senderadd: a sender ending in "-@[]" (VERP) becomes
 * prefix + recipient-local + "=" + recipient-domain + "@" + host for each recipient.
 */
export function senderAdd(sender: string, recip: string): string {
  const i = sender.length;
  if (i >= 4 && sender.endsWith('-@[]')) {
    const j = sender.lastIndexOf('@', i - 5);
    const k = recip.lastIndexOf('@');
    if (k >= 0 && j >= 0 && j + 5 <= i) {
      return sender.slice(0, j) + recip.slice(0, k) + '=' + recip.slice(k + 1) + '@' + sender.slice(j + 1, i - 4);
    }
  }
  return sender;
}

/** qmail-inject's completion of an address (rwgeneric): defaulthost, plusdomain, defaultdomain. */
export function injectComplete(inst: Installation, addr: string): { address: string; steps: TraceStep[] } {
  const steps: TraceStep[] = [];
  const stage = 'qmail-inject' as const;
  if (addr === '') return { address: addr, steps: [{ stage, text: 'qmail-inject leaves the empty address <> alone' }] };
  if (addr.endsWith('@[]')) return { address: addr, steps: [{ stage, text: 'qmail-inject leaves an address @[] alone' }] };
  // dorecip quote2()s the address before rwgeneric sees its tokens: the part
  // before the last @ (all of it when there is none) is one box, quoted when
  // it needs to be (empty, ending in ".", holding "@", ...). So only the part
  // after the @ can end in a "." token or be completed, and a box is never
  // dropped: "joe." → "joe.@defaulthost", "@" → ""@ → "@defaulthost".
  const j = addr.lastIndexOf('@');
  const box = j < 0 ? addr : addr.slice(0, j);
  let hasAt = j >= 0;
  let host = j < 0 ? '' : addr.slice(j + 1);
  const show = () => (hasAt ? box + '@' + host : box);
  // rwgeneric's order: drop a trailing dot, then a trailing @, then complete.
  if (hasAt && host.endsWith('.')) {
    host = host.slice(0, -1);
    steps.push({ stage, text: `qmail-inject drops the trailing dot → ${q(show())}` });
  }
  if (hasAt && host === '') {
    hasAt = false;
    steps.push({ stage, text: `qmail-inject drops the trailing @ → ${q(show())}` });
  }
  if (!hasAt) {
    const dh = inst.control('defaulthost');
    const v = dh.value ?? 'defaulthost';
    hasAt = true;
    host = v;
    steps.push({ stage, text: `qmail-inject: no @, appends @defaulthost = ${q(v)} (${dh.source === 'file' ? 'control/defaulthost' : dh.source === 'me' ? 'control/me' : 'literal default'}) → ${q(show())}`, path: dh.path, line: dh.line ?? undefined });
  }
  if (host.endsWith('+')) {
    const pd = inst.control('plusdomain');
    const v = pd.value ?? 'plusdomain';
    host = host.slice(0, -1) + '.' + v;
    steps.push({ stage, text: `qmail-inject: the address ends in +, replaced by .plusdomain = ${q(v)} → ${q(show())}`, path: pd.path, line: pd.line ?? undefined });
  }
  if (!host.includes('.') && !host.includes('[')) {
    const dd = inst.control('defaultdomain');
    const v = dd.value ?? 'defaultdomain';
    const was = host;
    host = host + '.' + v;
    steps.push({ stage, text: `qmail-inject: host ${q(was)} has no dot, appends .defaultdomain = ${q(v)} → ${q(show())}`, path: dd.path, line: dd.line ?? undefined });
  }
  const a = show();
  return { address: a, steps };
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

/** What qmail-send does with a failed delivery: where the bounce goes and how it names the recipient. */
export function bounceStep(inst: Installation, rewritten: string, queuedSender: string): TraceStep {
  const sender = bounceRecipient(queuedSender);
  const shown = bounceAddress(inst, rewritten);
  const names = shown === rewritten ? `names the recipient as ${q(shown)}` : `names the recipient as ${q(shown)} (the virtualdomains prepend removed)`;
  if (sender === '#@[]') return { stage: 'qmail-send', text: `the failure of a double bounce (sender #@[]) is thrown away; a bounce would have ${names}` };
  if (sender === '') return { stage: 'qmail-send', text: `the sender is empty: qmail-send sends a double bounce to doublebounceto@doublebouncehost; it ${names}` };
  return { stage: 'qmail-send', text: `qmail-send returns the message to ${q(sender)}; the bounce ${names}` };
}
