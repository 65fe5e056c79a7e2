// Leaks through the users both installations share: L1 passwd users reachable
// through both, L2 the alias user, L11 uid numbers in re-injected mail, L23
// .qmail lines that run another installation's programs, L27 queue owners.
import { lcAscii } from '../qmail/control-readers.js';
import { claimsOf, exampleDomain } from './domains.js';
import { homeOf, leak, listWords, pairs } from './leak-util.js';
import type { AssignFact, DotQmailFact, Evidence, InstanceFacts, Leak, PasswdFact, VeilFacts } from './types.js';

interface AssignIndex {
  exact: Map<string, AssignFact>;
  /** Wildcard prefixes, lower-case, first line of each. */
  wild: Map<string, AssignFact>;
}

const assignIndexes = new WeakMap<InstanceFacts, AssignIndex>();

function assignIndex(inst: InstanceFacts): AssignIndex {
  let ix = assignIndexes.get(inst);
  if (ix) return ix;
  ix = { exact: new Map(), wild: new Map() };
  // The first assign line of a key wins (cdb returns the first record).
  for (const e of inst.assign.entries) {
    const m = e.kind === '=' ? ix.exact : ix.wild;
    const k = lcAscii(e.local);
    if (!m.has(k)) m.set(k, e);
  }
  assignIndexes.set(inst, ix);
  return ix;
}

/** What keeps passwd users out of an installation: a users/assign line that catches the local part first. */
function assignCatches(inst: InstanceFacts, local: string): AssignFact | null {
  const l = lcAscii(local);
  const ix = assignIndex(inst);
  const exact = ix.exact.get(l);
  if (exact) return exact;
  // Longest wildcard prefix first, as qmail-lspawn tries them.
  for (let k = l.length; k >= 0; k--) {
    const w = ix.wild.get(l.slice(0, k));
    if (w) return w;
  }
  return null;
}

const reachableCache = new WeakMap<InstanceFacts, WeakMap<PasswdFact[], PasswdFact[]>>();

/** The catch-all `+:` line, if any (every local part goes to it; passwd is never consulted). */
export function assignCatchAll(inst: InstanceFacts): AssignFact | null {
  return inst.assign.entries.find((e) => e.kind === '+' && e.local === '') ?? null;
}

/** passwd users qmail-getpw would find in this installation, under one of its `locals` domains. */
export function reachableUsers(inst: InstanceFacts, passwd: PasswdFact[], roots: string[]): PasswdFact[] {
  if (inst.locals.lines.length === 0 || assignCatchAll(inst)) return [];
  const cached = reachableCache.get(inst)?.get(passwd);
  if (cached) return cached;
  const seen = new Set<string>();
  const out = passwd.filter((p) => {
    // getpwnam returns the first line with a name; qmail-getpw looks up lower case, at most 31 bytes.
    if (seen.has(p.name)) return false;
    seen.add(p.name);
    if (p.uid === 0 || !p.ownsHome || p.name !== lcAscii(p.name) || p.name.length > 31 || p.name === '') return false;
    // qmail's own users (homes inside an installation) are not what an admin means by "users".
    if (homeOf(p.home.replace(/\/+$/, ''), roots)) return false;
    return assignCatches(inst, p.name) === null;
  });
  if (!reachableCache.has(inst)) reachableCache.set(inst, new WeakMap());
  reachableCache.get(inst)!.set(passwd, out);
  return out;
}

function passwdEvidence(host: VeilFacts['host'], p: PasswdFact): Evidence {
  return { path: host.passwdPath, line: p.line, text: p.text };
}

function sharedUsers(a: InstanceFacts, b: InstanceFacts, facts: VeilFacts, roots: string[]): Leak[] {
  const ra = reachableUsers(a, facts.host.passwd, roots);
  const rbNames = new Set(reachableUsers(b, facts.host.passwd, roots).map((p) => p.name));
  const shared = ra.filter((p) => rbNames.has(p.name));
  if (!shared.length) return [];
  const da = exampleDomain(a, [b]);
  const db = exampleDomain(b, [a]);
  const u = shared[0];
  const localsEv = (inst: InstanceFacts, d: string): Evidence[] => {
    const c = claimsOf(inst, d).filter((x) => x.list === 'locals');
    if (c.length) return c.map((x) => x.evidence);
    const l = inst.locals.lines[0];
    return [{ path: inst.locals.source === 'me' ? inst.me.path ?? inst.locals.path : inst.locals.path, line: l.line, text: l.text }];
  };
  const ev: Evidence[] = [...shared.slice(0, 12).map((p) => passwdEvidence(facts.host, p)), ...localsEv(a, da), ...localsEv(b, db)];
  for (const inst of [a, b]) {
    ev.push({
      path: inst.assign.path,
      line: null,
      text: inst.assign.present ? 'no catch-all "+:" line' : '(absent: every local part is looked up in passwd)',
    });
  }
  return [
    leak(
      'L1',
      'shared-passwd-users',
      'high',
      [a, b],
      ev,
      `${shared.length === 1 ? 'One passwd user is' : `${shared.length} passwd users are`} reachable through both installations: ` +
        `${u.name}@${da} via ${a.root} and ${u.name}@${db} via ${b.root} both land in ${u.home} and read the same ~/.qmail files` +
        ` (also ${u.name}-anything@ either domain). Probing one address in each domain gives identical answers, and mail to either arrives together. ` +
        `Users: ${listWords(shared.map((p) => p.name), 8)}.`,
      `In ${b.root}, keep control/locals an empty file (a missing file falls back to me) and route its domains through virtualdomains to a dedicated user, ` +
        `or add a users/assign catch-all "+:<${b.root}-only user>:..." line and run qmail-newu.`,
    ),
  ];
}

/** uids both installations deliver as (passwd reachability or users/assign lines). */
function deliveringUids(inst: InstanceFacts, facts: VeilFacts, roots: string[]): Map<number, { name: string; ev: Evidence; home: string }> {
  const m = new Map<number, { name: string; ev: Evidence; home: string }>();
  for (const p of reachableUsers(inst, facts.host.passwd, roots)) {
    m.set(p.uid, { name: p.name, ev: passwdEvidence(facts.host, p), home: p.home });
  }
  for (const e of inst.assign.entries) {
    const uid = Number(e.uid);
    if (!Number.isInteger(uid) || uid === 0 || m.has(uid)) continue;
    if (homeOf(e.home.replace(/\/+$/, ''), roots)) continue;
    m.set(uid, { name: e.user, ev: { path: inst.assign.path, line: e.line, text: `${e.kind}${e.local}:${e.user}:${e.uid}:...:${e.home}:...` }, home: e.home });
  }
  return m;
}

/** Evidence lines kept per leak on big hosts; the explanation still counts everything. */
const MAX_EVIDENCE = 20;

function sharedUids(insts: InstanceFacts[], facts: VeilFacts, roots: string[]): Leak[] {
  const byUid = new Map<number, Array<{ inst: InstanceFacts; name: string; ev: Evidence; home: string }>>();
  for (const inst of insts) {
    for (const [uid, info] of deliveringUids(inst, facts, roots)) {
      const list = byUid.get(uid) ?? [];
      list.push({ inst, ...info });
      byUid.set(uid, list);
    }
  }
  // .qmail files by the directory that holds them (a home).
  const byDir = new Map<string, DotQmailFact[]>();
  for (const inst of insts) {
    for (const f of inst.dotqmails) {
      const d = f.path.slice(0, f.path.lastIndexOf('/'));
      const l = byDir.get(d) ?? [];
      if (!l.some((x) => x.path === f.path)) l.push(f);
      byDir.set(d, l);
    }
  }
  // One leak per set of installations, listing every uid they share that forwards.
  const groups = new Map<string, Array<{ uid: number; list: NonNullable<ReturnType<typeof byUid.get>>; forwards: Evidence[] }>>();
  for (const [uid, list] of byUid) {
    if (list.length < 2) continue;
    // The uid shows only when qmail-local re-injects: a forward line.
    const forwards: Evidence[] = [];
    for (const h of new Set(list.map((x) => x.home.replace(/\/+$/, '')))) {
      for (const f of byDir.get(h) ?? []) for (const l of f.lines) if (l.kind === 'forward') forwards.push({ path: f.path, line: l.line, text: l.text });
    }
    if (!forwards.length) continue;
    const key = list.map((x) => x.inst.root).join('\0');
    const g = groups.get(key) ?? [];
    g.push({ uid, list, forwards });
    groups.set(key, g);
  }
  const out: Leak[] = [];
  for (const g of groups.values()) {
    const { uid, list } = g[0];
    const name = list[0].name;
    const ways = list.map(({ inst, ev }) =>
      ev.path === facts.host.passwdPath ? `${inst.root} (as ${name}@${exampleDomain(inst, insts)})` : `${inst.root} (users/assign line ${ev.line})`,
    );
    const evidence: Evidence[] = [];
    for (const x of g) {
      if (evidence.length >= MAX_EVIDENCE) break;
      evidence.push(...x.list.map((y) => y.ev), ...x.forwards.slice(0, 2));
    }
    const others = g.length > 1 ? ` The same holds for ${g.length - 1} more uid${g.length === 2 ? '' : 's'}: ${listWords(g.slice(1).map((x) => `${x.list[0].name} (${x.uid})`), 6)}.` : '';
    out.push(
      leak(
        'L11',
        'shared-uid',
        'medium',
        list.map((x) => x.inst),
        evidence.slice(0, MAX_EVIDENCE),
        `uid ${uid} (${name}) receives mail through ${listWords(ways)}, and forwards it: every forwarded copy starts with ` +
          `"Received: (qmail N invoked by uid ${uid})", whichever installation delivered it. The same uid in the mail of several domains shows one machine.` +
          others,
        `Deliver each installation's mail as installation-specific users (users/assign entries with their own uids).`,
      ),
    );
  }
  return out;
}

function ownerWords(o: { uid: number; name: string | null }): string {
  return `owner uid ${o.uid}${o.name ? ` (${o.name})` : ''}`;
}

function sharedAlias(a: InstanceFacts, b: InstanceFacts, facts: VeilFacts): Leak[] {
  const oa = a.aliasOwner;
  const ob = b.aliasOwner;
  if (!oa || !ob || oa.uid !== ob.uid) return [];
  const pw = facts.host.passwd.find((p) => p.uid === oa.uid) ?? null;
  const home = pw?.home.replace(/\/+$/, '') ?? null;
  const homeRoot = home ? homeOf(home, [a.root, b.root]) : null;
  const other = homeRoot === a.root ? b : homeRoot === b.root ? a : b;
  const owner = homeRoot === a.root ? a : homeRoot === b.root ? b : a;
  const d = exampleDomain(other, [owner]);
  const ev: Evidence[] = [
    { path: oa.path, line: null, text: ownerWords(oa) },
    { path: ob.path, line: null, text: ownerWords(ob) },
  ];
  if (pw) ev.push(passwdEvidence(facts.host, pw));
  return [
    leak(
      'L2',
      'shared-alias-user',
      'high',
      [a, b],
      ev,
      `${a.root}/alias and ${b.root}/alias belong to the same user (uid ${oa.uid}${pw ? `, ${pw.name}, home ${pw.home}` : ''}). ` +
        `When qmail-getpw finds nobody it hands the mail to the alias user with that user's passwd home, so postmaster@${d}, ` +
        `root@${d} and every unknown local part through ${other.root} are handled by ${home ?? 'the alias home'}'s .qmail-* files` +
        `${homeRoot ? ` — ${owner.root}'s aliases` : ''}, not by ${other.root}/alias.`,
      `Give ${other.root} its own alias user (conf-users line 1) with home ${other.root}/alias, or point its aliases there with a users/assign entry.`,
    ),
  ];
}

function sharedQueueOwners(a: InstanceFacts, b: InstanceFacts): Leak[] {
  const same = (x: InstanceFacts['queueOwner'], y: InstanceFacts['queueOwner']) => x && y && x.uid === y.uid;
  const ev: Evidence[] = [];
  if (same(a.queueOwner, b.queueOwner)) ev.push({ path: a.queueOwner!.path, line: null, text: ownerWords(a.queueOwner!) }, { path: b.queueOwner!.path, line: null, text: ownerWords(b.queueOwner!) });
  if (same(a.sendOwner, b.sendOwner)) ev.push({ path: a.sendOwner!.path, line: null, text: ownerWords(a.sendOwner!) }, { path: b.sendOwner!.path, line: null, text: ownerWords(b.sendOwner!) });
  if (!ev.length) return [];
  return [
    leak(
      'L27',
      'shared-system-users',
      'low',
      [a, b],
      ev,
      `Both queues belong to the same qmail users, so both installations were built with the same conf-users: ${a.root}'s qmailq and qmails ` +
        `can write ${b.root}'s queue, and "invoked from network", "by alias" and "for bounce" mean the same uids in both.`,
      `Build ${b.root} with its own users (alias2 qmaild2 qmaill2 root qmailp2 qmailq2 qmailr2 qmails2) in conf-users.`,
    ),
  ];
}

/** Absolute paths named in a command line. */
function pathsIn(cmd: string): string[] {
  return [...cmd.matchAll(/(?:^|[\s=:'"`])(\/[^\s'"`;|&<>()]+)/g)].map((m) => m[1]);
}

function crossingDotQmail(x: InstanceFacts, roots: string[]): Leak[] {
  const out: Leak[] = [];
  const seen = new Set<string>();
  for (const f of x.dotqmails) {
    for (const l of f.lines) {
      if (l.kind !== 'program') continue;
      const named = pathsIn(l.target)
        .map((p) => homeOf(p, roots))
        .filter((h): h is string => h !== null && h !== x.root);
      if (!named.length) continue;
      const key = `${f.path}\0${l.line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const y = named[0];
      out.push(
        leak(
          'L23',
          'dotqmail-names-other-installation',
          'medium',
          [x.root, y],
          [{ path: f.path, line: l.line, text: l.text }],
          `${f.path} line ${l.line} runs "${l.target}". When ${x.root} delivers this file, the program comes from ${y}: ` +
            `a forward or qmail-inject there puts the copy straight into ${y}'s queue, with ${y}'s names on it — no SMTP hop, ` +
            `just "Received: (qmail N invoked by uid U)" from the other installation.`,
          `Use relative program names (found through each installation's PATH), or give each installation its own delivery users.`,
        ),
      );
    }
  }
  return out;
}

export function userLeaks(facts: VeilFacts): Leak[] {
  const insts = facts.instances;
  if (insts.length < 2) return [];
  const roots = insts.map((i) => i.root);
  const out: Leak[] = [];
  for (const [a, b] of pairs(insts)) out.push(...sharedUsers(a, b, facts, roots));
  for (const [a, b] of pairs(insts)) out.push(...sharedAlias(a, b, facts));
  out.push(...sharedUids(insts, facts, roots));
  for (const x of insts) out.push(...crossingDotQmail(x, roots));
  for (const [a, b] of pairs(insts)) out.push(...sharedQueueOwners(a, b));
  return out;
}
