// Leaks in the names an installation gives itself (§2.1 fallbacks):
// L3 identical identity values, L4 `me` is the machine's name, L13 IP
// literals accepted, L17 bounce host, L18 double bounces cross over, L19
// Message-ID host.
import { claimsOf } from './domains.js';
import { listeningIps } from './rules-domains.js';
import { identityEvidence, leak, listWords, pairs, sameName, sourceWords } from './leak-util.js';
import type { Evidence, HostFacts, InstanceFacts, Leak, VeilFacts } from './types.js';

/** What each identity value shows to the outside, for explanations. */
const SHOWS: Record<string, (v: string) => string> = {
  me: (v) => `"${v}" as the name every unset control file falls back to`,
  smtpgreeting: (v) => `the SMTP greeting "220 ${v} ESMTP"`,
  helohost: (v) => `"HELO ${v}" when it sends mail out`,
  doublebouncehost: (v) => `double bounces addressed to postmaster@${v}`,
  defaulthost: (v) => `bare addresses in headers completed as "bob@${v}"`,
  defaultdomain: (v) => `host names without a dot completed with ".${v}"`,
  plusdomain: (v) => `"host+" completed with ".${v}"`,
  envnoathost: (v) => `recipients without @ completed as "bob@${v}"`,
  localiphost: (v) => `IP-literal recipients rewritten to "user@${v}"`,
};

const L3_NAMES = ['me', 'smtpgreeting', 'helohost', 'doublebouncehost', 'defaulthost', 'defaultdomain', 'plusdomain', 'envnoathost', 'localiphost'];

function valueOf(inst: InstanceFacts, name: string) {
  return name === 'me' ? inst.me : inst.identity[name];
}

function sameIdentity(a: InstanceFacts, b: InstanceFacts): Leak[] {
  const equal = L3_NAMES.filter((n) => {
    const va = valueOf(a, n);
    const vb = valueOf(b, n);
    if (!va || !vb || !sameName(va.value, vb.value)) return false;
    // A localiphost neither installation accepts is never seen: every IP literal is refused alike.
    if (n === 'localiphost') return claimsOf(a, va.value!).length > 0 || claimsOf(b, vb.value!).length > 0;
    return true;
  });
  if (equal.length === 0) return [];
  const evidence: Evidence[] = [];
  for (const n of equal) {
    evidence.push(identityEvidence(a, valueOf(a, n)));
    evidence.push(identityEvidence(b, valueOf(b, n)));
  }
  const meEqual = equal.includes('me');
  const shown = equal.map((n) => SHOWS[n](valueOf(a, n).value!));
  const fellBackIn = (inst: InstanceFacts): string[] => equal.filter((n) => n !== 'me' && valueOf(inst, n).source === 'me');
  const fa = fellBackIn(a);
  const fb = fellBackIn(b);
  const fellBackWords = (inst: InstanceFacts, names: string[]): string =>
    names.length ? `${inst.root} sets no ${listWords(names, 9)} and falls back to control/me` : '';
  const fellBack = [fellBackWords(a, fa), fellBackWords(b, fb)].filter(Boolean);
  const explanation =
    `${a.root} and ${b.root} present themselves with the same names: ${listWords(shown, 9)}. ` +
    `Anyone who talks to both listeners, or receives mail from both, sees one machine behind two domains.` +
    (fellBack.length ? ` Most of it is only a fallback: ${fellBack.join('; ')}.` : '');
  return [
    leak(
      'L3',
      meEqual ? 'same-hostname' : 'same-identity',
      'high',
      [a, b],
      evidence,
      explanation,
      `Give each installation its own control/me (config-fast with that installation's public name), then set ${listWords(
        equal.filter((n) => n !== 'me'),
        9,
      ) || 'smtpgreeting, helohost, idhost, bouncehost'} explicitly in ${b.root}/control.`,
    ),
  ];
}

function hostnameEvidence(host: HostFacts): Evidence[] {
  if (!host.hostname) return [];
  const ev: Evidence[] = [{ path: host.hostname.path, line: host.hostname.line, text: host.hostname.value }];
  if (host.hostname.fqdnEvidence) ev.push(host.hostname.fqdnEvidence);
  return ev;
}

/** The kernel host name or its FQDN, when `name` is one of them. */
function isMachineName(host: HostFacts, name: string | null): boolean {
  if (!host.hostname || !name) return false;
  return sameName(name, host.hostname.value) || sameName(name, host.hostname.fqdn);
}

function meIsMachine(inst: InstanceFacts, host: HostFacts): Leak[] {
  if (!isMachineName(host, inst.me.value)) return [];
  const h = host.hostname!;
  return [
    leak(
      'L4',
      'me-is-machine-name',
      'high',
      [inst],
      [identityEvidence(inst, inst.me), ...hostnameEvidence(host)],
      `${inst.root}/control/me is "${inst.me.value}", the machine's own name (${h.path} says "${h.value}"). ` +
        `./config writes the kernel host name into control/me, and every control file left unset falls back to it, ` +
        `so this installation's greeting, HELO, bounces and Message-IDs all name the shared machine rather than the service.`,
      `Give the machine a neutral kernel host name (e.g. host17.hosting.example) that names none of the services, and make sure ${inst.root}/control/me holds this installation's own public name (config-fast NAME), not one copied from elsewhere.`,
    ),
  ];
}

function bounceHost(a: InstanceFacts, b: InstanceFacts): Leak[] {
  const va = a.identity.bouncehost;
  const vb = b.identity.bouncehost;
  if (!sameName(va?.value, vb?.value)) return [];
  const from = a.identity.bouncefrom?.value ?? 'MAILER-DAEMON';
  return [
    leak(
      'L17',
      'same-bouncehost',
      'high',
      [a, b],
      [identityEvidence(a, va), identityEvidence(b, vb)],
      `Bounces from both installations say "Hi. This is the qmail-send program at ${va.value}." and come from ${from}@${va.value}. ` +
        `${sourceWords(a, va)}; ${sourceWords(b, vb)}. A customer of ${b.root} who gets a bounce learns the name used by ${a.root}, ` +
        `and the bounce carries the original message with its internal Received and Delivered-To lines.`,
      `Set control/bouncehost (and control/bouncefrom) separately in ${a.root}/control and ${b.root}/control.`,
    ),
  ];
}

function bounceHostNamesMachine(inst: InstanceFacts, host: HostFacts): Leak[] {
  const v = inst.identity.bouncehost;
  if (!v || !isMachineName(host, v.value) || isMachineName(host, inst.me.value)) return [];
  return [
    leak(
      'L17',
      'bouncehost-is-machine-name',
      'high',
      [inst],
      [identityEvidence(inst, v), ...hostnameEvidence(host)],
      `Bounces from ${inst.root} say "Hi. This is the qmail-send program at ${v.value}." — the machine's real name.`,
      `Set ${inst.root}/control/bouncehost to this installation's public name.`,
    ),
  ];
}

function bounceHostNamesOther(a: InstanceFacts, b: InstanceFacts): Leak[] {
  const out: Leak[] = [];
  for (const [x, y] of [
    [a, b],
    [b, a],
  ] as const) {
    const v = x.identity.bouncehost;
    // A bounce host that is x's own name is x's business; y listing it is L5.
    if (!v?.value || sameName(v.value, y.identity.bouncehost?.value) || sameName(v.value, x.me.value)) continue;
    if (claimsOf(x, v.value).length > 0) continue;
    const claims = claimsOf(y, v.value);
    if (claims.length === 0) continue;
    out.push(
      leak(
        'L17',
        'bouncehost-names-other',
        'high',
        [x, y],
        [identityEvidence(x, v), ...claims.map((c) => c.evidence)],
        `Bounces from ${x.root} are signed "the qmail-send program at ${v.value}", a name that belongs to ${y.root} (${claims[0].evidence.path} line ${claims[0].evidence.line}).`,
        `Set ${x.root}/control/bouncehost to a name of ${x.root}'s own.`,
      ),
    );
  }
  return out;
}

function doubleBounceCrosses(a: InstanceFacts, b: InstanceFacts): Leak[] {
  const out: Leak[] = [];
  for (const [x, y] of [
    [a, b],
    [b, a],
  ] as const) {
    const v = x.identity.doublebouncehost;
    if (!v?.value) continue;
    // Only a crossing when y delivers it and x does not (otherwise x keeps its own double bounces).
    const yClaims = claimsOf(y, v.value).filter((c) => c.list === 'locals' || c.list === 'virtualdomains');
    const xClaims = claimsOf(x, v.value).filter((c) => c.list === 'locals' || c.list === 'virtualdomains');
    if (yClaims.length === 0 || xClaims.length > 0) continue;
    const to = x.identity.doublebounceto?.value ?? 'postmaster';
    out.push(
      leak(
        'L18',
        'doublebounce-crosses',
        'low',
        [x, y],
        [identityEvidence(x, v), ...yClaims.map((c) => c.evidence)],
        `${x.root} sends its double bounces to ${to}@${v.value} (${sourceWords(x, v)}), and ${v.value} is delivered by ${y.root}: ` +
          `mail that ${x.root} could not return ends up in ${y.root}'s postmaster mailbox.`,
        `Set ${x.root}/control/doublebouncehost (and doublebounceto) to an address ${x.root} delivers itself.`,
      ),
    );
  }
  return out;
}

function idHost(a: InstanceFacts, b: InstanceFacts): Leak[] {
  const va = a.identity.idhost;
  const vb = b.identity.idhost;
  const out: Leak[] = [];
  if (sameName(va?.value, vb?.value)) {
    out.push(
      leak(
        'L19',
        'same-idhost',
        'medium',
        [a, b],
        [identityEvidence(a, va), identityEvidence(b, vb)],
        `Messages written with qmail-inject in either installation get Message-IDs like <20250105100000.4249.qmail@${va.value}>: ` +
          `${sourceWords(a, va)}; ${sourceWords(b, vb)}. The same right-hand side in mail from two domains ties them together.`,
        `Set control/idhost in each installation (and QMAILIDHOST for programs that call qmail-inject directly).`,
      ),
    );
  }
  return out;
}

function idHostNamesMachine(i: InstanceFacts, host: HostFacts): Leak[] {
  const v = i.identity.idhost;
  if (!v || !isMachineName(host, v.value) || isMachineName(host, i.me.value)) return [];
  return [
    leak(
      'L19',
      'idhost-is-machine-name',
      'medium',
      [i],
      [identityEvidence(i, v), ...hostnameEvidence(host)],
      `Message-IDs from ${i.root} end in @${v.value}, the machine's real name.`,
      `Set ${i.root}/control/idhost to this installation's public name.`,
    ),
  ];
}

function ipLiteral(inst: InstanceFacts, facts: VeilFacts): Leak[] {
  const v = inst.identity.localiphost;
  if (!v?.value) return [];
  const claims = claimsOf(inst, v.value).filter((c) => c.list === 'rcpthosts' || c.list === 'locals' || c.list === 'morercpthosts');
  const accepted = claims.some((c) => c.list === 'rcpthosts' || c.list === 'morercpthosts');
  if (!accepted) return [];
  // The example literal: another installation's listening address when the scripts show one.
  const other = [...listeningIps(facts)].find(([, v]) => v.inst !== inst.root)?.[0] ?? '192.0.2.11';
  return [
    leak(
      'L13',
      'ip-literal-accepted',
      'medium',
      [inst],
      [identityEvidence(inst, v), ...claims.map((c) => c.evidence)],
      `${inst.root}'s qmail-smtpd rewrites a recipient like postmaster@[${other}] to postmaster@${v.value} whenever ${other} is ANY ` +
        `address of this machine — the other installation's address included — and ${v.value} is in its rcpthosts, so the RCPT is accepted. ` +
        `A prober who tries the other installation's IP literal here and gets "250 ok" has proved both run on one host.`,
      `Set ${inst.root}/control/localiphost to a name listed in neither rcpthosts nor locals, so every IP literal is refused alike.`,
    ),
  ];
}

export function identityLeaks(facts: VeilFacts): Leak[] {
  const out: Leak[] = [];
  const insts = facts.instances;
  if (insts.length < 2) return out;
  for (const [a, b] of pairs(insts)) out.push(...sameIdentity(a, b));
  for (const i of insts) out.push(...meIsMachine(i, facts.host));
  for (const i of insts) out.push(...ipLiteral(i, facts));
  for (const [a, b] of pairs(insts)) out.push(...bounceHost(a, b), ...bounceHostNamesOther(a, b));
  for (const i of insts) out.push(...bounceHostNamesMachine(i, facts.host));
  for (const [a, b] of pairs(insts)) out.push(...doubleBounceCrosses(a, b));
  for (const [a, b] of pairs(insts)) out.push(...idHost(a, b));
  for (const i of insts) out.push(...idHostNamesMachine(i, facts.host));
  return out;
}
