// The addresses the impact preview traces. What the change touches comes
// first and is never cut by the cap on the rest: every domain whose line
// differs between the files as they are and as they would be (rcpthosts,
// morercpthosts, locals, virtualdomains, smtproutes, me), with the
// addresses known at it on either side (postmaster, an unknown user,
// users/assign entries, passwd users, the alias user's files, a virtual
// domain's users, vpopmail's vpasswd users); users/assign entries that
// differ; the .qmail files in the homes the change touches, under every
// address qmail-send could give their local part. Then, as a check on the
// rest of the configuration, the other domains' addresses and the queued
// recipients.
import * as path from 'node:path';
import type { Installation, SystemUsers } from '../qmail/model-types.js';
import type { Sysroot } from '../sysroot/sysroot.js';
import { parseChannel } from '../qmail/queue-records.js';
import { decodeBytes } from '../sysroot/sysroot.js';
import { lcAscii } from '../qmail/control-readers.js';
import { addressesGiving, extOfDotqmail, localPartsOfDotqmail, sampleForDefault } from '../qmail/addresses-for.js';
import { loadVpasswdPair, vgetAssign } from '../qmail/vpopmail-domain.js';
import { vpasswdCdbEntries } from '../qmail/vpopmail.js';

export interface ImpactAddress {
  address: string;
  /** Why it is in the set, in words ("virtual domain example.org", "queued recipient"). */
  why: string;
  /** A queued recipient is already rewritten by qmail-send. */
  channel?: 'local' | 'remote';
}

/** A local part no one has, to see where unknown users at a domain go. */
export const UNKNOWN_LOCAL = 'qlens-no-such-user';
/** A domain no control file names: where the catch-all (or remote delivery) takes it. */
export const UNLISTED_DOMAIN = 'qlens-unlisted.example';
const MAX_QUEUED = 200;
/** Addresses not touched by the change, traced as a check on the rest of the configuration. */
const MAX_OTHERS = 250;
/** Addresses traced at one touched domain (postmaster and an unknown user first); the rest are counted. */
export const MAX_PER_DOMAIN = 100;

function quiet<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

const lines = (inst: Installation, name: string): string[] => quiet(() => inst.list(name).lines.map((l) => l.text), []);

/** The domain a virtualdomains or smtproutes key stands for ('' → a domain no line names, '.x' → host.x). */
function domainOfKey(key: string): string {
  if (key === '') return UNLISTED_DOMAIN;
  return key.startsWith('.') ? 'host' + key : key;
}

/** What the change can touch, as keys present on one side and not the other. */
function signature(inst: Installation): Map<string, string> {
  // key -> the domain (or address) it concerns
  const out = new Map<string, string>();
  const rh = quiet(() => inst.list('rcpthosts'), null);
  if (rh && !rh.present) out.set('R*', '*');
  for (const t of lines(inst, 'rcpthosts')) out.set('R' + lcAscii(t), lcAscii(t));
  for (const t of lines(inst, 'morercpthosts')) out.set('M' + lcAscii(t), lcAscii(t));
  for (const t of lines(inst, 'locals')) out.set('L' + lcAscii(t), lcAscii(t));
  for (const e of quiet(() => [...inst.virtualdomains().map.values()], [])) out.set(`V${lcAscii(e.key)}:${e.value}`, e.key.includes('@') ? e.key : domainOfKey(lcAscii(e.key)));
  for (const e of quiet(() => [...inst.smtproutes().map.values()], [])) out.set(`S${lcAscii(e.key)}:${e.value}`, domainOfKey(lcAscii(e.key)));
  const me = quiet(() => inst.me(), null);
  if (me !== null) out.set('C' + lcAscii(me), lcAscii(me));
  return out;
}

const assignKey = (e: ReturnType<Installation['assign']>['entries'][number]) => `A${e.kind}${e.local}:${e.user}:${e.uid}:${e.gid}:${e.home}:${e.dash}:${e.ext}`;

/** Every domain the configuration names, either side: what a `.suffix` line or a vanished rcpthosts covers. */
function namedDomains(insts: Installation[]): string[] {
  const out = new Set<string>();
  for (const inst of insts) {
    for (const n of ['locals', 'rcpthosts', 'morercpthosts']) for (const t of lines(inst, n)) if (!t.startsWith('.')) out.add(lcAscii(t));
    for (const e of quiet(() => [...inst.virtualdomains().map.values()], [])) if (e.key !== '' && !e.key.startsWith('.') && !e.key.includes('@')) out.add(lcAscii(e.key));
  }
  return [...out].sort();
}

/** Addresses known at a domain of one installation, the likeliest first. */
function addressesAt(inst: Installation, users: SystemUsers, sysroot: Sysroot, domain: string, names: (dir: string) => string[]): Array<{ address: string; why: string }> {
  const out: Array<{ address: string; why: string }> = [];
  const d = lcAscii(domain);
  const consts = quiet(() => inst.consts(), null);
  const aliasUser = consts?.aliasUser ?? 'alias';
  const assign = quiet(() => inst.assign().entries, []);
  if (lines(inst, 'locals').some((l) => lcAscii(l) === d)) {
    const at = (local: string, why: string) => out.push({ address: `${local}@${domain}`, why });
    for (const e of assign) {
      if (e.kind === '=') at(e.local, `users/assign line ${e.line}`);
      else at(e.local === '' ? 'anyone' : e.local + 'x', `users/assign wildcard line ${e.line}`);
    }
    const alias = quiet(() => users.byName(aliasUser), null);
    const aliasHome = alias?.home ?? `${inst.root}/alias`;
    for (const n of names(aliasHome)) {
      const ext = extOfDotqmail(n);
      if (ext) at(sampleForDefault(ext), path.posix.join(aliasHome, n));
    }
    for (const p of quiet(() => users.passwd(), [])) {
      if (p.uid === 0 || p.name === aliasUser || !p.home.startsWith('/')) continue;
      // qmail-getpw delivers to a passwd user only in a home that user owns.
      const st = quiet(() => sysroot.stat(p.home), null);
      if (st && st.uid === p.uid) at(p.name, `passwd user ${p.name}`);
    }
    return out;
  }
  const v = quiet(() => inst.virtualdomains().map.get(d), undefined);
  if (!v || v.value === '') return out;
  const pre = lcAscii(v.value) + '-';
  // qmail-send gives PREPEND-USER: the user is what follows the prepend.
  const user = (local: string, why: string) => {
    if (lcAscii(local).startsWith(pre) && local.length > pre.length) out.push({ address: `${local.slice(pre.length)}@${domain}`, why });
  };
  // vpopmail: the users of the domain's vpasswd.
  const rec = quiet(() => vgetAssign(inst.usersCdb(), d), null);
  if (rec) {
    const pair = quiet(() => loadVpasswdPair(sysroot, rec.home.replace(/\/+$/, '')), null);
    const cdb = pair?.cdb;
    const list = cdb && cdb.state === 'ok' ? quiet(() => vpasswdCdbEntries(cdb), []) : pair?.text?.entries ?? [];
    for (const u of list) user(pre + u.name, 'vpopmail user');
  }
  for (const e of assign) {
    if (!lcAscii(e.local).startsWith(pre) && !(e.kind === '+' && pre.startsWith(lcAscii(e.local)))) continue;
    if (e.kind === '=') user(e.local, `users/assign line ${e.line}`);
    else for (const n of names(e.home.replace(/\/+$/, ''))) for (const l of localPartsOfDotqmail(inst, users, path.posix.join(e.home, n))) user(l, path.posix.join(e.home, n));
  }
  const pw = quiet(() => users.byName(v.value), null);
  if (pw) {
    for (const n of names(pw.home)) {
      const ext = extOfDotqmail(n);
      if (ext) user(pre + sampleForDefault(ext), path.posix.join(pw.home, n));
    }
  }
  return out;
}

/**
 * The addresses to trace for a change. `insts` holds the installation as it
 * is and as it would be, `sysroots` the file trees they read; `affectedHomes`
 * the homes holding a staged file, `staged` the staged paths.
 */
export function impactAddresses(
  insts: Installation[],
  users: SystemUsers,
  sysroots: Sysroot[],
  affectedHomes: string[],
  extra: string[],
  staged: string[] = [],
): { addresses: ImpactAddress[]; skipped: number } {
  const first = new Map<string, ImpactAddress>();
  const rest = new Map<string, ImpactAddress>();
  let skipped = 0;
  const sysroot = sysroots[0];
  // A directory as it is and as it would be: a new .qmail file counts too.
  const names = (dir: string): string[] => [...new Set(sysroots.flatMap((s) => quiet(() => s.readdir(dir) ?? [], [])))].sort();
  const add = (address: string, why: string, focus: boolean, channel?: 'local' | 'remote') => {
    const key = (channel ?? '') + ' ' + address;
    if (first.has(key)) return;
    if (focus) {
      rest.delete(key);
      first.set(key, { address, why, channel });
    } else if (!rest.has(key)) rest.set(key, { address, why, channel });
  };
  for (const a of extra) add(a, 'named with --impact', true);
  const primary = insts[0];
  const me = quiet(() => primary.me(), null) ?? 'localhost';

  // What the change touches: keys present on one side only.
  const sigs = insts.map(signature);
  const touched = new Set<string>();
  const touchedWhy = new Map<string, string>();
  const allDomains = namedDomains(insts);
  for (const s of sigs) {
    for (const [k, d] of s) {
      if (sigs.every((o) => o.has(k))) continue;
      const file = { R: 'control/rcpthosts', M: 'control/morercpthosts', L: 'control/locals', V: 'control/virtualdomains', S: 'control/smtproutes', C: 'control/me' }[k[0]] ?? 'the change';
      const covered = d === '*' ? allDomains : d.startsWith('.') ? [...allDomains.filter((x) => x.endsWith(d)), 'host' + d] : [d];
      for (const x of covered) {
        touched.add(x);
        if (!touchedWhy.has(x)) touchedWhy.set(x, file);
      }
    }
  }
  for (const d of [...touched].sort()) {
    const why = touchedWhy.get(d)!;
    if (d.includes('@')) {
      add(d, `${why}: a line for ${d}`, true);
      continue;
    }
    const list: Array<{ address: string; why: string }> = [
      { address: `postmaster@${d}`, why: `postmaster of ${d} (${why} changes)` },
      { address: `${UNKNOWN_LOCAL}@${d}`, why: `an unknown user at ${d} (${why} changes)` },
    ];
    for (let i = 0; i < insts.length; i++) for (const a of addressesAt(insts[i], users, sysroots[i] ?? sysroot, d, names)) list.push({ address: a.address, why: `${a.why} at ${d} (${why} changes)` });
    const seen = new Set<string>();
    const uniq = list.filter((a) => (seen.has(lcAscii(a.address)) ? false : (seen.add(lcAscii(a.address)), true)));
    for (const a of uniq.slice(0, MAX_PER_DOMAIN)) add(a.address, a.why, true);
    skipped += Math.max(0, uniq.length - MAX_PER_DOMAIN);
  }

  // users/assign entries that differ, and the rest of the configuration as a check.
  const assignSigs = insts.map((inst) => new Set(quiet(() => inst.assign().entries, []).map(assignKey)));
  for (const inst of insts) {
    for (const d of lines(inst, 'locals')) {
      add(`postmaster@${d}`, `postmaster of local domain ${d}`, false);
      add(`${UNKNOWN_LOCAL}@${d}`, `an unknown user at local domain ${d}`, false);
    }
    for (const e of quiet(() => [...inst.virtualdomains().map.values()], [])) {
      if (e.key.includes('@')) {
        add(e.key, `virtualdomains line for ${e.key}`, false);
        continue;
      }
      const d = domainOfKey(e.key);
      add(`postmaster@${d}`, `postmaster of virtual domain ${d}`, false);
      add(`${UNKNOWN_LOCAL}@${d}`, `an unknown user at virtual domain ${d}`, false);
    }
    for (const e of quiet(() => inst.assign().entries, [])) {
      const focus = insts.length > 1 && !assignSigs.every((s) => s.has(assignKey(e)));
      const local = e.kind === '=' ? e.local : e.local === '' ? 'anyone' : e.local + 'x';
      const why = `users/assign ${e.kind === '=' ? '' : 'wildcard '}line ${e.line}`;
      const at = addressesGiving(inst, local);
      // An entry no domain gives is still traced as qmail-lspawn would get it, at control/me.
      for (const a of at.length ? at : [`${local}@${me}`]) add(a, why, focus);
    }
  }

  // .qmail files in the homes the change touches, under each address that could reach them.
  const dotqmails = new Set<string>();
  for (const home of affectedHomes) for (const n of names(home)) if (extOfDotqmail(n) !== null) dotqmails.add(path.posix.join(home, n));
  for (const p of staged) if (extOfDotqmail(path.posix.basename(p)) !== null) dotqmails.add(p);
  for (const file of [...dotqmails].sort()) {
    for (const inst of insts) {
      for (const local of localPartsOfDotqmail(inst, users, file)) {
        const at = addressesGiving(inst, local);
        for (const a of at.length ? at : [`${local}@${me}`]) add(a, file, true);
      }
      // A vpopmail user's own .qmail (DOMAINDIR/[hash/]USER/.qmail): the user at each domain whose users/assign home holds it.
      for (const e of quiet(() => inst.assign().entries, [])) {
        const home = e.home.replace(/\/+$/, '');
        if (e.kind !== '+' || !file.startsWith(home + '/') || path.posix.dirname(file) === home) continue;
        const user = path.posix.basename(path.posix.dirname(file));
        for (const a of addressesGiving(inst, e.local + user)) add(a, `${file} (vpopmail user ${user})`, true);
      }
    }
  }

  // Pending queued recipients, as the queue holds them.
  let queued = 0;
  scan: for (const channel of ['local', 'remote'] as const) {
    const base = `${primary.root}/queue/${channel}`;
    for (const split of quiet(() => sysroot.readdir(base) ?? [], [])) {
      for (const id of quiet(() => sysroot.readdir(`${base}/${split}`) ?? [], [])) {
        if (queued >= MAX_QUEUED) break scan;
        const buf = quiet(() => sysroot.read(`${base}/${split}/${id}`), null);
        if (!buf) continue;
        for (const r of parseChannel(buf)) {
          if (r.done || queued >= MAX_QUEUED) continue;
          queued++;
          add(decodeBytes(r.address), `queued recipient (message ${id})`, false, channel);
        }
      }
    }
  }
  const others = [...rest.values()];
  return { addresses: [...first.values(), ...others.slice(0, MAX_OTHERS)], skipped: skipped + Math.max(0, others.length - MAX_OTHERS) };
}
