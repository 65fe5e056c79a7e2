// Leaks in the domain lists: L5 another installation's host names listed,
// L6 a domain claimed twice, L14 forwards to a sibling without a route
// (self-MX bounce), L16 routes back into this host, L29 equal
// virtualdomains prefixes.
import { lcAscii } from '../qmail/control-readers.js';
import { claimsOf, deliversLocally, domainOf, namesOf, routeFor, wildcardOverlap, type Claim } from './domains.js';
import { identityEvidence, leak, listWords, pairs, sameName } from './leak-util.js';
import type { Evidence, InstanceFacts, Leak, VeilFacts } from './types.js';

function listedIn(inst: InstanceFacts, name: string): Claim[] {
  return claimsOf(inst, name).filter((c) => c.list === 'locals' || c.list === 'rcpthosts' || c.list === 'morercpthosts');
}

/** L5: x lists a name that is y's own (y's me), or the machine's name, which ./config copies in. */
function otherNamesListed(x: InstanceFacts, y: InstanceFacts, facts: VeilFacts): { leaks: Leak[]; names: Set<string> } {
  const names = new Set<string>();
  const leaks: Leak[] = [];
  const yMe = y.me.value;
  if (yMe && !sameName(yMe, x.me.value)) {
    const claims = listedIn(x, yMe);
    if (claims.length) {
      names.add(lcAscii(yMe));
      leaks.push(
        leak(
          'L5',
          'other-hostname-listed',
          'high',
          [x, y],
          [...claims.map((c) => c.evidence), identityEvidence(y, y.me)],
          `${x.root} lists "${yMe}" — ${y.root}'s own name (its control/me) — in its ${listWords([...new Set(claims.map((c) => c.list))])}. ` +
            `So ${x.root} accepts mail for postmaster@${yMe}${claims.some((c) => c.list === 'locals') ? ' and delivers it itself, to its own users' : ''}, ` +
            `which is what ./config does when it copies the name of every interface of the machine into locals and rcpthosts.`,
          `Remove ${yMe} from ${listWords([...new Set(claims.map((c) => c.evidence.path))])}, then HUP ${x.root}'s qmail-send.`,
        ),
      );
    }
  }
  const h = facts.host.hostname;
  if (h) {
    for (const machine of [h.fqdn, h.value]) {
      if (!machine || names.has(lcAscii(machine)) || sameName(machine, x.me.value)) continue;
      const claims = listedIn(x, machine).filter((c) => c.list !== 'locals' || x.locals.source === 'file');
      if (!claims.length) continue;
      names.add(lcAscii(machine));
      const ev: Evidence[] = [...claims.map((c) => c.evidence), { path: h.path, line: h.line, text: h.value }];
      if (h.fqdnEvidence) ev.push(h.fqdnEvidence);
      leaks.push(
        leak(
          'L5',
          'machine-name-listed',
          'high',
          [x],
          ev,
          `${x.root} lists "${machine}", the machine's own name, in its ${listWords([...new Set(claims.map((c) => c.list))])}: ` +
            `./config copied it in. Mail to postmaster@${machine} is accepted by ${x.root}, so that installation answers for the machine itself.`,
          `Remove ${machine} from ${listWords([...new Set(claims.map((c) => c.evidence.path))])} (build installations with config-fast NAME, not ./config).`,
        ),
      );
      break;
    }
  }
  return { leaks, names };
}

function describeClaims(inst: InstanceFacts, claims: Claim[]): string {
  const parts = claims.map((c) => `${c.list}${c.evidence.line ? ` line ${c.evidence.line}` : ''}${c.entry.startsWith('.') ? ` ("${c.entry}")` : ''}`);
  return `${inst.root} (${listWords(parts)})`;
}

/** L6: the same domain accepted or delivered by two installations. */
function sharedDomains(a: InstanceFacts, b: InstanceFacts, skip: Set<string>): Leak[] {
  const found = new Map<string, { ca: Claim[]; cb: Claim[] }>();
  const consider = (name: string): void => {
    if (skip.has(name) || found.has(name)) return;
    let ca = claimsOf(a, name);
    let cb = claimsOf(b, name);
    if (name.startsWith('.')) {
      // A wildcard against a wildcard: `.example.org` and `.sub.example.org` overlap.
      const wa = a.rcpthosts.lines.filter((l) => wildcardOverlap(lcAscii(l.text), name));
      const wb = b.rcpthosts.lines.filter((l) => wildcardOverlap(lcAscii(l.text), name));
      const toClaim = (inst: InstanceFacts, ls: typeof wa): Claim[] =>
        ls.map((l) => ({ list: 'rcpthosts', entry: l.text, evidence: { path: inst.rcpthosts.path, line: l.line, text: l.text } }));
      ca = [...ca, ...toClaim(a, wa)];
      cb = [...cb, ...toClaim(b, wb)];
    }
    if (ca.length && cb.length) found.set(name, { ca, cb });
  };
  for (const n of namesOf(a)) consider(n);
  for (const n of namesOf(b)) consider(n);
  // A wildcard and the exact names it covers are one finding: keep the exact names.
  for (const n of [...found.keys()]) {
    if (n.startsWith('.') && [...found.keys()].some((m) => !m.startsWith('.') && m.endsWith(n))) found.delete(n);
  }
  const out: Leak[] = [];
  for (const [name, { ca, cb }] of found) {
    const delivers = (cs: Claim[]) => cs.some((c) => c.list === 'locals' || c.list === 'virtualdomains');
    const accepts = (cs: Claim[]) => cs.some((c) => c.list === 'rcpthosts' || c.list === 'morercpthosts');
    const example = name.startsWith('.') ? `www${name}` : name;
    let consequence: string;
    if (accepts(ca) && accepts(cb)) {
      consequence = `Both listeners accept mail for info@${example}; which one a sender reaches depends only on the MX, and a probe of either shows the same domain twice.`;
    } else {
      consequence = `Mail for info@${example} is taken in by one and delivered by the other.`;
    }
    const onlyAccepted = [a, b].filter((inst, i) => {
      const cs = i === 0 ? ca : cb;
      return accepts(cs) && !delivers(cs);
    });
    if (onlyAccepted.length === 1) {
      consequence += ` ${onlyAccepted[0].root} only accepts it (rcpthosts without locals or virtualdomains), so it sends the mail on by MX — back to this very host — and bounces it with "I'm listed as a best-preference MX or A for that host" (#5.4.6), or relays it to the other installation.`;
    }
    out.push(
      leak(
        'L6',
        'domain-in-two-installations',
        'high',
        [a, b],
        [...ca.map((c) => c.evidence), ...cb.map((c) => c.evidence)],
        `${name} is claimed by ${describeClaims(a, ca)} and by ${describeClaims(b, cb)}. ${consequence}`,
        `Keep ${name} in exactly one installation: remove it from the other's ${listWords([
          ...new Set([...ca, ...cb].map((c) => c.list)),
        ])} (then HUP qmail-send; qmail-newmrh for morercpthosts).`,
      ),
    );
  }
  return out;
}

function samePrefix(a: InstanceFacts, b: InstanceFacts): Leak[] {
  const bByPrefix = new Map<string, typeof b.virtualdomains.entries>();
  for (const e of b.virtualdomains.entries) {
    if (e.value === '') continue;
    const l = bByPrefix.get(e.value) ?? [];
    l.push(e);
    bByPrefix.set(e.value, l);
  }
  const shared: Array<{ ea: (typeof a.virtualdomains.entries)[number]; eb: typeof b.virtualdomains.entries }> = [];
  const seen = new Set<string>();
  for (const ea of a.virtualdomains.entries) {
    if (ea.value === '' || seen.has(ea.value)) continue;
    const eb = bByPrefix.get(ea.value);
    if (!eb) continue;
    seen.add(ea.value);
    shared.push({ ea, eb });
  }
  if (!shared.length) return [];
  const { ea, eb } = shared[0];
  const host = (k: string): string => k.replace(/^\./, 'www.').replace(/^.*@/, '');
  const evidence: Evidence[] = [];
  for (const x of shared.slice(0, 8)) {
    evidence.push({ path: a.virtualdomains.path, line: x.ea.line, text: `${x.ea.key}:${x.ea.value}` });
    evidence.push(...x.eb.slice(0, 2).map((e) => ({ path: b.virtualdomains.path, line: e.line, text: `${e.key}:${e.value}` })));
  }
  const more = shared.length > 1 ? ` ${shared.length} prefixes are used in both: ${listWords(shared.map((x) => `"${x.ea.value}"`), 6)}.` : '';
  return [
    leak(
      'L29',
      'same-virtualdomain-prefix',
      'low',
      [a, b],
      evidence,
      `Delivered-To shows the virtualdomains prefix: mail to info@${host(ea.key)} through ${a.root} carries ` +
        `"Delivered-To: ${ea.value}-info@${host(ea.key)}", and mail to info@${host(eb[0].key)} through ${b.root} carries ` +
        `"Delivered-To: ${ea.value}-info@${host(eb[0].key)}". The same prefix "${ea.value}" in both links the two.` +
        more,
      `Use neutral, distinct prefixes in each installation's virtualdomains (and matching users/assign entries).`,
    ),
  ];
}

/** Host addresses the start scripts listen on: the machine's own IPs as the files show them. */
export function listeningIps(facts: VeilFacts): Map<string, { inst: string; ev: Evidence }> {
  const ips = new Map<string, { inst: string; ev: Evidence }>();
  for (const i of facts.instances) {
    for (const s of i.scripts) {
      for (const t of s.tcpservers) {
        if (t.host && /^[0-9.]+$/.test(t.host) && t.host !== '0' && t.host !== '0.0.0.0' && !ips.has(t.host)) {
          ips.set(t.host, { inst: i.root, ev: { path: t.path, line: t.line, text: t.text } });
        }
      }
    }
  }
  return ips;
}

/** L14 and L16: forwards from x into a domain y delivers, with and without a route. */
function forwardsAcross(x: InstanceFacts, others: InstanceFacts[], ips: ReturnType<typeof listeningIps>): Leak[] {
  const byDomain = new Map<string, { y: InstanceFacts; lines: Evidence[]; addresses: string[]; yClaims: Claim[] }>();
  for (const f of x.dotqmails) {
    for (const l of f.lines) {
      if (l.kind !== 'forward') continue;
      const d = domainOf(l.target);
      if (!d || deliversLocally(x, d).length) continue;
      for (const y of others) {
        const yClaims = deliversLocally(y, d);
        if (!yClaims.length) continue;
        const key = `${y.root}\0${d}`;
        const e = byDomain.get(key) ?? { y, lines: [], addresses: [], yClaims };
        e.lines.push({ path: f.path, line: l.line, text: l.text });
        e.addresses.push(l.target);
        byDomain.set(key, e);
      }
    }
  }
  const out: Leak[] = [];
  for (const [key, { y, lines, addresses, yClaims }] of byDomain) {
    const d = key.split('\0')[1];
    const route = routeFor(x, d);
    if (!route) {
      out.push(
        leak(
          'L14',
          'self-mx-bounce',
          'high',
          [x, y],
          [...lines, ...yClaims.map((c) => c.evidence)],
          `${lines[0].path} (line ${lines[0].line}), delivered by ${x.root}, forwards to ${addresses[0]}, and ${d} is delivered by ${y.root} on this same host. ` +
            `${x.root} has no smtproutes entry for ${d}, so its qmail-remote looks up the MX, finds this machine, and bounces with ` +
            `"Sorry. Although I'm listed as a best-preference MX or A for that host, it isn't in my control/locals file" (#5.4.6) — ` +
            `a bounce from ${x.root}'s bouncehost about a domain of ${y.root}.`,
          `Add "${d}:<${y.root}'s listening IP>" to ${x.root}/control/smtproutes, or deliver ${d} in the installation where its users live.`,
        ),
      );
    } else {
      const relay = route.value.split(':')[0];
      const own = ips.get(relay);
      out.push(
        leak(
          'L16',
          'cross-installation-hop',
          'medium',
          [x, y],
          [...lines, { path: x.smtproutes.path, line: route.line, text: `${route.key}:${route.value}` }, ...(own ? [own.ev] : [])],
          `Mail that ${x.root} forwards to ${addresses[0]} is routed by smtproutes to ${route.value || 'the MX'}${own ? `, an address of this host where ${own.inst} listens` : ''}. ` +
            `The copy arrives at ${y.root} from this host's own IP and carries ${x.root}'s HELO and Delivered-To lines next to ${y.root}'s: the message itself shows both installations.`,
          `Unavoidable once mail crosses; keep the names each installation shows neutral.`,
        ),
      );
    }
  }
  return out;
}

/** L16 from smtproutes alone: a route to one of this host's own listening addresses. */
function routesToSelf(x: InstanceFacts, ips: ReturnType<typeof listeningIps>, reported: Set<string>): Leak[] {
  const out: Leak[] = [];
  for (const r of x.smtproutes.entries) {
    const relay = r.value.split(':')[0].replace(/^\[|\]$/g, '');
    const own = ips.get(relay);
    if (!own || own.inst === x.root || reported.has(`${x.root}\0${r.line}`)) continue;
    out.push(
      leak(
        'L16',
        'route-to-own-host',
        'medium',
        [x.root, own.inst],
        [{ path: x.smtproutes.path, line: r.line, text: `${r.key}:${r.value}` }, own.ev],
        `${x.root} routes ${r.key || 'all remote mail'} to ${relay}, where ${own.inst} listens on this same host. ` +
          `Each such message arrives at ${own.inst} from the host's own address with ${x.root}'s HELO in its Received line.`,
        `Unavoidable once mail crosses; keep the names each installation shows neutral.`,
      ),
    );
  }
  return out;
}

export function domainLeaks(facts: VeilFacts): Leak[] {
  const insts = facts.instances;
  if (insts.length < 2) return [];
  const out: Leak[] = [];
  for (const [a, b] of pairs(insts)) {
    const r1 = otherNamesListed(a, b, facts);
    const r2 = otherNamesListed(b, a, facts);
    out.push(...r1.leaks, ...r2.leaks);
    out.push(...sharedDomains(a, b, new Set([...r1.names, ...r2.names])));
  }
  const ips = listeningIps(facts);
  const crossing: Leak[] = [];
  for (const x of insts) crossing.push(...forwardsAcross(x, insts.filter((y) => y !== x), ips));
  out.push(...crossing);
  const reported = new Set<string>();
  for (const l of crossing) {
    for (const e of l.evidence) if (e.path.endsWith('/control/smtproutes')) reported.add(`${l.instances[0]}\0${e.line}`);
  }
  for (const x of insts) out.push(...routesToSelf(x, ips, reported));
  for (const [a, b] of pairs(insts)) out.push(...samePrefix(a, b));
  return out;
}
