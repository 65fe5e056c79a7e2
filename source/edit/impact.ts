// The impact of a staged change: trace a set of addresses against the files
// as they are and as they would be, and keep those whose deliveries change.
// The address set comes from the configuration (before and after, so a
// domain being added is covered) plus the addresses the user names.
import * as path from 'node:path';
import type { Installation, SystemUsers } from '../qmail/model-types.js';
import type { Sysroot } from '../sysroot/sysroot.js';
import type { Delivery, TraceResult } from '../trace/types.js';
import { parseChannel } from '../qmail/queue-records.js';
import { decodeBytes } from '../sysroot/sysroot.js';
import { lcAscii } from '../qmail/control-readers.js';

export interface ImpactAddress {
  address: string;
  /** Why it is in the set, in words ("virtual domain example.org", "queued recipient"). */
  why: string;
  /** A queued recipient is already rewritten by qmail-send. */
  channel?: 'local' | 'remote';
}

export interface Divergence {
  hop: number;
  stage: string;
  before: string | null;
  after: string | null;
}

export interface ImpactChange {
  address: string;
  why: string;
  channel?: 'local' | 'remote';
  before: Delivery[];
  after: Delivery[];
  /** The first step where the two walks part. */
  divergedAt: Divergence | null;
}

export interface Impact {
  instance: string;
  /** How many addresses were traced. */
  traced: number;
  changed: ImpactChange[];
  /** Addresses left out because the set was capped. */
  skipped: number;
}

export type TraceFn = (inst: Installation, address: string, opts: { channel?: 'local' | 'remote' }) => TraceResult;

/** A local part no one has, to see where unknown users at a domain go. */
export const UNKNOWN_LOCAL = 'qlens-no-such-user';
const MAX_QUEUED = 200;
/** Addresses not touched by the change, traced as a check on the rest of the configuration. */
const MAX_OTHERS = 250;
/** A domain no control file names: where the catch-all (or remote delivery) takes it. */
export const UNLISTED_DOMAIN = 'qlens-unlisted.example';

/** Local part standing for a .qmail file name: `.qmail-a-default` -> `a-anything`. */
function extFromDotqmail(name: string): string | null {
  if (name === '.qmail') return '';
  if (!name.startsWith('.qmail-')) return null;
  const ext = name.slice(7);
  if (ext === 'default') return 'anything';
  return ext.replace(/(^|-)default$/, '$1anything');
}

function domainsOf(inst: Installation): { locals: string[]; virtual: Array<{ domain: string; prepend: string; key: string }> } {
  const locals = inst.list('locals').lines.map((l) => l.text);
  const virtual: Array<{ domain: string; prepend: string; key: string }> = [];
  for (const e of inst.virtualdomains().map.values()) {
    // The catch-all (empty key) stands for every domain no other line names.
    const domain = e.key === '' ? UNLISTED_DOMAIN : e.key.startsWith('.') ? 'host' + e.key : e.key;
    virtual.push({ domain, prepend: e.value, key: e.key });
  }
  return { locals, virtual };
}

/**
 * The addresses to trace for a change: every domain's postmaster and an
 * unknown user, each virtual domain's known users, each users/assign entry,
 * each .qmail file in an affected home, each pending queued recipient, and
 * the extra ones. `insts` holds the installation as it is and as it would
 * be; what differs between them (assign entries, virtualdomains lines,
 * locals) comes first and is never cut by the cap.
 */
export function impactAddresses(
  insts: Installation[],
  users: SystemUsers,
  sysroots: Sysroot[],
  affectedHomes: string[],
  extra: string[],
): { addresses: ImpactAddress[]; skipped: number } {
  const first = new Map<string, ImpactAddress>();
  const rest = new Map<string, ImpactAddress>();
  const sysroot = sysroots[0];
  // A directory as it is and as it would be: a new .qmail file counts too.
  const names = (dir: string): string[] => [...new Set(sysroots.flatMap((s) => s.readdir(dir) ?? []))].sort();
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
  const me = primary.me() ?? 'localhost';

  // What the change touches: lines present on one side only.
  const count = new Map<string, number>();
  const sig = (inst: Installation) => {
    const { locals, virtual } = domainsOf(inst);
    return [
      ...locals.map((d) => 'L' + lcAscii(d)),
      ...virtual.map((v) => `V${lcAscii(v.key)}:${v.prepend}`),
      ...inst.assign().entries.map((e) => `A${e.kind}${e.local}:${e.user}:${e.uid}:${e.gid}:${e.home}:${e.dash}:${e.ext}`),
    ];
  };
  for (const inst of insts) for (const k of new Set(sig(inst))) count.set(k, (count.get(k) ?? 0) + 1);
  const changed = (k: string) => insts.length > 1 && (count.get(k) ?? 0) < insts.length;

  for (const inst of insts) {
    const { locals, virtual } = domainsOf(inst);
    for (const d of locals) {
      const focus = changed('L' + lcAscii(d));
      add(`postmaster@${d}`, `postmaster of local domain ${d}`, focus);
      add(`${UNKNOWN_LOCAL}@${d}`, `an unknown user at local domain ${d}`, focus);
    }
    const assign = inst.assign().entries;
    // Virtual domains by prepend, so each assign entry finds its domains by its own prefixes.
    const byPrepend = new Map<string, Array<{ domain: string; focus: boolean }>>();
    for (const v of virtual) {
      const focus = changed(`V${lcAscii(v.key)}:${v.prepend}`);
      if (v.key.includes('@')) {
        add(v.key, `virtualdomains line for ${v.key}`, focus);
        continue;
      }
      add(`postmaster@${v.domain}`, `postmaster of virtual domain ${v.domain}`, focus);
      add(`${UNKNOWN_LOCAL}@${v.domain}`, `an unknown user at virtual domain ${v.domain}`, focus);
      const pre = lcAscii(v.prepend);
      const list = byPrepend.get(pre) ?? [];
      list.push({ domain: v.domain, focus });
      byPrepend.set(pre, list);
      const pw = users.byName(pre);
      if (pw) {
        for (const n of names(pw.home)) {
          const ext = extFromDotqmail(n);
          if (ext) add(`${ext}@${v.domain}`, `user of virtual domain ${v.domain} (${path.posix.join(pw.home, n)})`, focus);
        }
      }
    }
    for (const e of assign) {
      const focus = changed(`A${e.kind}${e.local}:${e.user}:${e.uid}:${e.gid}:${e.home}:${e.dash}:${e.ext}`);
      if (e.kind === '=') add(`${e.local}@${me}`, `users/assign line ${e.line}`, focus);
      else add(`${e.local === '' ? 'anyone' : e.local + 'x'}@${me}`, `users/assign wildcard line ${e.line}`, focus);
      if (e.kind !== '=') continue;
      // Known users of a virtual domain: its prepend, a dash, the user.
      const l = lcAscii(e.local);
      for (let i = l.indexOf('-'); i > 0; i = l.indexOf('-', i + 1)) {
        for (const v of byPrepend.get(l.slice(0, i)) ?? []) {
          add(`${e.local.slice(i + 1)}@${v.domain}`, `user of virtual domain ${v.domain} (users/assign line ${e.line})`, focus || v.focus);
        }
      }
    }
  }
  // .qmail files in the homes the change touches, under each name that reaches them.
  for (const home of affectedHomes) {
    const owners = users.passwd().filter((p) => p.home.replace(/\/+$/, '') === home);
    const aliasHome = insts.some((i) => i.root + '/alias' === home);
    for (const n of names(home)) {
      const ext = extFromDotqmail(n);
      if (ext === null) continue;
      for (const o of owners) add(`${o.name}${ext ? '-' + ext : ''}@${me}`, `${path.posix.join(home, n)}`, true);
      if (aliasHome && ext) add(`${ext}@${me}`, `${path.posix.join(home, n)} (alias user)`, true);
    }
  }
  // Pending queued recipients, as the queue holds them.
  let queued = 0;
  scan: for (const channel of ['local', 'remote'] as const) {
    const base = `${primary.root}/queue/${channel}`;
    for (const split of sysroot.readdir(base) ?? []) {
      for (const id of sysroot.readdir(`${base}/${split}`) ?? []) {
        if (queued >= MAX_QUEUED) break scan;
        let buf: Buffer | null = null;
        try {
          buf = sysroot.read(`${base}/${split}/${id}`);
        } catch {
          buf = null;
        }
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
  return { addresses: [...first.values(), ...others.slice(0, MAX_OTHERS)], skipped: Math.max(0, others.length - MAX_OTHERS) };
}

function signature(ds: Delivery[]): string {
  return JSON.stringify(ds.map((d) => [d.kind, d.target]));
}

/** The first step (in hop order) where two walks of one address differ. */
export function divergence(a: TraceResult, b: TraceResult): Divergence | null {
  const hops = Math.max(a.hops.length, b.hops.length);
  for (let h = 0; h < hops; h++) {
    const sa = a.hops[h]?.steps ?? [];
    const sb = b.hops[h]?.steps ?? [];
    const n = Math.max(sa.length, sb.length);
    for (let i = 0; i < n; i++) {
      const x = sa[i];
      const y = sb[i];
      if (x && y && x.stage === y.stage && x.text === y.text) continue;
      return { hop: h, stage: (x ?? y)!.stage, before: x?.text ?? null, after: y?.text ?? null };
    }
  }
  return null;
}

/** Trace each address before and after; keep those whose deliveries change. */
export function computeImpact(
  before: Installation,
  after: Installation,
  addresses: ImpactAddress[],
  trace: TraceFn,
  skipped = 0,
): Impact {
  const changed: ImpactChange[] = [];
  for (const a of addresses) {
    let tb: TraceResult;
    let ta: TraceResult;
    try {
      tb = trace(before, a.address, { channel: a.channel });
      ta = trace(after, a.address, { channel: a.channel });
    } catch {
      // An address qmail would reject is not delivered either way.
      continue;
    }
    if (signature(tb.deliveries) === signature(ta.deliveries)) continue;
    changed.push({ address: a.address, why: a.why, channel: a.channel, before: tb.deliveries, after: ta.deliveries, divergedAt: divergence(tb, ta) });
  }
  return { instance: before.root, traced: addresses.length, changed, skipped };
}
