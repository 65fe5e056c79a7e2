// Leaks of the machine itself: L20 the sendmail links, L26 programs any
// local user can run, and the inherent ones every multi-installation host
// has (L10 pids, L15 outgoing address, L25 kernel host name, L28 software
// fingerprint), listed as informational.
import { firstLocalDomain } from './domains.js';
import { leak, listWords } from './leak-util.js';
import type { Evidence, Leak, VeilFacts } from './types.js';

function sendmailLinks(facts: VeilFacts): Leak[] {
  const links = facts.host.sendmailLinks;
  if (!links.length) return [];
  const roots = facts.instances.map((i) => i.root);
  const ev: Evidence[] = links.map((l) => ({ path: l.path, line: null, text: `-> ${l.target}` }));
  const targets = new Set(links.map((l) => l.instance ?? `?${l.resolved}`));
  const loaded = links.every((l) => l.instance !== null);
  const owner = links[0].instance;
  const others = roots.filter((r) => r !== owner);
  if (targets.size === 1 && loaded && owner) {
    return [
      leak(
        'L20',
        'sendmail-link',
        'info',
        roots,
        ev,
        `${listWords(links.map((l) => l.path))} lead to ${owner}. Every local program that calls sendmail — web applications, cron, mail(1) — ` +
          `injects through ${owner}'s queue with ${owner}'s defaulthost, idhost and HELO, even when it belongs to a site of ${listWords(others)}.`,
        `Configure the applications of ${listWords(others)} to call ${others[0] ?? '/var/qmail2'}/bin/sendmail (or its qmail-inject) explicitly; ` +
          `environment overrides (QMAILHOST, QMAILDEFAULTHOST, QMAILIDHOST) fix headers only, not the queue or HELO.`,
      ),
    ];
  }
  return [
    leak(
      'L20',
      'sendmail-links-disagree',
      'high',
      links.map((l) => l.instance).filter((x): x is string => x !== null),
      ev,
      `The sendmail links do not agree: ${links.map((l) => `${l.path} leads to ${l.instance ?? `${l.resolved} (no loaded installation)`}`).join(', ')}. ` +
        `Which installation a program's mail goes through depends on which path it happens to call, so one site's mail leaves with the other installation's names.`,
      `Point /usr/sbin/sendmail and /usr/lib/sendmail at the same installation, and configure other sites' applications to call their own bin/sendmail.`,
    ),
  ];
}

function openBinaries(facts: VeilFacts): Leak[] {
  const out: Leak[] = [];
  for (const inst of facts.instances) {
    const open = inst.binaries.filter((b) => (b.mode & 0o001) !== 0);
    if (!open.length) continue;
    const d = firstLocalDomain(inst) ?? inst.me.value ?? 'b.example';
    out.push(
      leak(
        'L26',
        'local-users-can-inject',
        'medium',
        [inst],
        open.map((b) => ({ path: b.path, line: null, text: `mode ${b.mode.toString(8).padStart(4, '0')}, owner uid ${b.uid}` })),
        `Any local user can run ${listWords(open.map((b) => b.path))}, so a customer with a shell account on this machine can inject mail ` +
          `into ${inst.root} with its identity (From: someone@${d}) and reach its users, whichever installation the account belongs to.`,
        `Restrict execute rights on ${inst.root}/bin to a group — but its qmaild, qmails and every user whose .qmail forwards must still be able to run its qmail-queue.`,
      ),
    );
  }
  return out;
}

function inherent(facts: VeilFacts): Leak[] {
  const roots = facts.instances.map((i) => i.root);
  const out: Leak[] = [];
  out.push(
    leak(
      'L10',
      'shared-pid-counter',
      'info',
      roots,
      [],
      `All installations take their process ids from one kernel counter: the pid in "Received: (qmail 4242 invoked from network)", ` +
        `in "250 ok 1736071200 qp 4242", in Message-IDs and in POP3 banners and maildir file names interleave between them. ` +
        `Two domains whose mail shows numbers that climb together share a machine.`,
      `None in qmail; only operating-system isolation (a separate PID namespace or container per installation).`,
    ),
  );
  const ips = facts.instances.flatMap((i) =>
    i.scripts.flatMap((s) =>
      s.tcpservers.filter((t) => t.host && /^[0-9.]+$/.test(t.host) && t.host !== '0' && /qmail-smtpd$/.test(t.program ?? '')).map((t) => ({ i, t })),
    ),
  );
  out.push(
    leak(
      'L15',
      'outgoing-address',
      'info',
      roots,
      ips.map(({ t }) => ({ path: t.path, line: t.line, text: t.text })),
      `qmail-remote never chooses its source address: outgoing mail of every installation leaves from the machine's default address` +
        (ips.length ? ` (not from the address each listener binds: ${listWords([...new Set(ips.map(({ i, t }) => `${t.host} for ${i.root}`))])})` : '') +
        `, with each installation's own HELO. The PTR and SPF checks on the receiving side then show the same sender IP for all domains.`,
      `Operating-system source NAT per qmailr uid (needs a distinct qmailr for each installation), or a patched qmail-remote that binds an address.`,
    ),
  );
  const h = facts.host.hostname;
  out.push(
    leak(
      'L25',
      'kernel-hostname-in-maildir',
      'info',
      roots,
      h ? [{ path: h.path, line: h.line, text: h.value }] : [],
      `qmail-local names every maildir file "<time>.<pid>.${h?.value ?? '<kernel host name>'}", whichever installation delivers it, ` +
        `and POP3 UIDLs are those file names: any mailbox user of any installation sees the machine's own name in their mail client.`,
      `Give the machine a neutral kernel host name that names none of the services.`,
    ),
  );
  out.push(
    leak(
      'L28',
      'software-fingerprint',
      'info',
      roots,
      [],
      `Every listener answers like notqmail: "214 notqmail home page", "252 send some mail, i'll try my best", "250 ok <time> qp <pid>", the same EHLO list. ` +
        `Identical behaviour on two addresses is a weak hint that they are one setup.`,
      `None without patching qmail-smtpd.`,
    ),
  );
  return out;
}

export function hostLeaks(facts: VeilFacts): Leak[] {
  if (facts.instances.length < 2) return [];
  return [...sendmailLinks(facts), ...openBinaries(facts), ...inherent(facts)];
}
