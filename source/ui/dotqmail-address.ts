// The address shown beside a .qmail file in the Dot-qmail view: one the
// tracer confirms reaches that file, never one guessed from its name. From
// the local part qmail-lspawn would have to receive (alice-work, or
// example.com-info for a vpopmail domain's directory), the addresses that
// could give it are those at each local domain and, through each
// virtualdomains prepend, the one a user would write (info@example.com);
// each is traced, the first hop tells whether qmail-local reads the file.
// When none does, the row says why, from the walk's structured data.
import type { Installation, SystemUsers } from '../qmail/model-types.js';
import { addressesGiving } from '../qmail/addresses-for.js';
import { traceAddress } from '../trace/walk.js';
import type { TraceResult } from '../trace/types.js';
import { rcpthostsCheck } from '../trace/smtpd.js';

const dirOf = (p: string): string => p.slice(0, p.lastIndexOf('/'));

/** An address whose walk reads the file, or the reasons none does (each a row of its own: an 80-column screen reads them whole). */
export type Reach = { address: string } | { address: null; why: string[] };

/** At most this many candidate addresses are walked per file. */
const MAX_TRIED = 6;

/** Addresses whose rewriting by qmail-send could give `local`, the likeliest first. */
export function candidateAddresses(inst: Installation, local: string): string[] {
  const out = addressesGiving(inst, local);
  // The address a user would write: one qmail-smtpd accepts from outside, not at localhost, the shortest local part, then the shortest domain.
  const accepted = (a: string): boolean => {
    try {
      return rcpthostsCheck(inst, a).accepted;
    } catch {
      return false;
    }
  };
  const ranked = out.map((a, i) => ({ a, i, ok: accepted(a), lh: /@localhost$/i.test(a), len: a.lastIndexOf('@'), dom: a.length - a.lastIndexOf('@') }));
  ranked.sort((x, y) => Number(y.ok) - Number(x.ok) || Number(x.lh) - Number(y.lh) || x.len - y.len || x.dom - y.dom || x.i - y.i);
  return ranked.map((r) => r.a);
}

/**
 * The first candidate address whose walk reaches `path`, or why none does.
 * `defaultFile`: `local` is a sample standing for any extension; a walk that
 * reaches another file of the same home then proves nothing (null).
 */
export function addressReaching(inst: Installation, users: SystemUsers, local: string, path: string, opts: { now?: Date; defaultFile?: boolean } = {}): Reach | null {
  const now = opts.now ?? new Date();
  const cands = candidateAddresses(inst, local);
  let first: { address: string; walk: TraceResult } | null = null;
  for (const a of cands.slice(0, MAX_TRIED)) {
    let walk: TraceResult;
    try {
      walk = traceAddress(inst, users, a, { now, maxHops: 1 });
    } catch {
      continue;
    }
    const hop = walk.hops[0];
    if (!hop) continue;
    if (hop.route === 'local' && hop.dotqmail === path) return { address: a };
    if (opts.defaultFile && hop.dotqmail !== null && dirOf(hop.dotqmail) === dirOf(path)) return null;
    first ??= { address: a, walk };
  }
  // Where qmail-lspawn would send the local part itself, given straight to it.
  let direct: TraceResult | undefined;
  try {
    direct = traceAddress(inst, users, `${local}@${inst.me() ?? 'localhost'}`, { now, maxHops: 1, channel: 'local' });
  } catch {
    direct = undefined;
  }
  const notHere = direct && direct.hops[0] && direct.hops[0].dotqmail !== path ? [lspawnGives(local, direct)] : [];
  if (!first) return { address: null, why: [`no domain in locals or virtualdomains gives ${local}`, ...notHere] };
  const fh = first.walk.hops[0];
  const dh = direct?.hops[0];
  // The first candidate reached qmail-lspawn with the local part itself: one row says both where it went and why.
  if (dh && notHere.length && fh.route === 'local' && fh.dotqmail === dh.dotqmail && fh.user?.name === dh.user?.name) {
    if (fh.user) return { address: null, why: [`${first.address}: ${notHere[0]}`] };
    if (direct && endOf(first.walk) === endOf(direct)) return { address: null, why: [`${first.address} ${wentTo(first.walk)}`] };
  }
  return { address: null, why: [`${first.address} ${wentTo(first.walk)}`, ...notHere] };
}

const endOf = (r: TraceResult): string | undefined => r.deliveries.find((d) => d.kind === 'defer' || d.kind === 'bounce')?.target;

/** What qmail-lspawn does with the local part itself, in words, from the walk's data. */
function lspawnGives(local: string, r: TraceResult): string {
  const hop = r.hops[0];
  const u = hop.user;
  const reads = hop.dotqmail ?? 'the default delivery (no .qmail file)';
  if (u) {
    if (u.source === 'assign') return `users/assign gives ${local} to ${u.name}: ${reads}`;
    if (u.source === 'alias') return `qmail-getpw gives ${local} to the alias user ${u.name}: ${reads}`;
    return `/etc/passwd gives ${local} to ${u.name}: ${reads}`;
  }
  const end = r.deliveries.find((d) => d.kind === 'defer' || d.kind === 'bounce');
  return end ? `given ${local} itself, qmail-lspawn ends in a ${end.kind}: ${end.target}` : `given ${local} itself, qmail-lspawn delivers nothing`;
}

/** Where the first hop of a walk ends, in words. */
function wentTo(r: TraceResult): string {
  const hop = r.hops[0];
  if (hop.route === 'remote') return `goes remote (${hop.rewritten})`;
  if (hop.user) return `reaches ${hop.dotqmail ?? `${hop.user.name}'s default delivery (no .qmail file)`}`;
  const end = r.deliveries.find((d) => d.kind === 'defer' || d.kind === 'bounce');
  return end ? `ends in a ${end.kind} before qmail-local: ${end.target}` : 'delivers nothing';
}
