// qmail-lspawn's user lookup (qmail-lspawn.c nughde_get): users/cdb with the
// exact key first, then wildcard prefixes from the longest, then qmail-getpw.
// qmail reads only the cdb; users/assign is compared with it to warn when
// qmail-newu has not been run since the last edit.
import type { AssignEntry, AssignFile, Installation } from '../qmail/model-types.js';
import { lcAscii } from '../qmail/control-readers.js';
import { decodeBytes } from '../sysroot/sysroot.js';
import type { TraceStep } from './types.js';

/** The six fields qmail-lspawn hands qmail-local, as strings (uid/gid as stored): an assign line's, or qmail-getpw's. */
export type LspawnFields = Pick<AssignEntry, 'user' | 'uid' | 'gid' | 'home' | 'dash' | 'ext'>;

export type LspawnResult =
  /** Empty local part: qmail-lspawn's child exits 0, nothing delivered. */
  | { kind: 'trash'; steps: TraceStep[] }
  | { kind: 'found'; fields: LspawnFields; key: string; wildcard: boolean; steps: TraceStep[] }
  | { kind: 'defer'; reason: string; steps: TraceStep[] }
  /** Nothing in users/cdb (or no cdb): qmail-getpw decides. */
  | { kind: 'getpw'; steps: TraceStep[] };

/** A key/value view of a users database: the real cdb, or one compiled in memory from users/assign. */
interface UsersDb {
  get(key: string): string | null;
  marker: string | null;
}

const q = (s: string) => JSON.stringify(s);

type Lookup =
  | { kind: 'found'; fields: LspawnFields; key: string; wildcard: boolean; /** the part of the local part after the matched prefix */ rest: string }
  | { kind: 'bug' }
  | { kind: 'none'; tried: string[] };

/** Bytes held one per char (latin1), the way qmail compares them. */
const toBin = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
const fromBin = (s: string) => decodeBytes(Buffer.from(s, 'latin1'));

/** Split stored value + appended ext + NUL into the six fields; null when fewer than six (qmail: "Internal qmail-lspawn bug."). */
function splitFields(bin: string): LspawnFields | null {
  const f = bin.split('\0');
  // The value ends with a NUL, so a correct record gives 7 pieces, the last empty.
  if (f.length < 7) return null;
  const d = f.map(fromBin);
  return { user: d[0], uid: d[1], gid: d[2], home: d[3], dash: d[4], ext: d[5] };
}

/** nughde_get over bytes: keys, the wildcard test and the appended rest are bytes of the local part. */
function lookup(db: UsersDb, local: string): Lookup {
  const bin = toBin(local);
  const lower = lcAscii(bin);
  const W = db.marker ?? '';
  const tried: string[] = [];
  const exactKey = '!' + lower + '\0';
  const exact = db.get(exactKey);
  tried.push(`=${fromBin(lower)}`);
  if (exact !== null) {
    const fields = splitFields(exact + '\0');
    return fields ? { kind: 'found', fields, key: exactKey, wildcard: false, rest: '' } : { kind: 'bug' };
  }
  for (let j = bin.length; j >= 0; j--) {
    if (j > 0 && !W.includes(lower[j - 1])) continue;
    const key = '!' + lower.slice(0, j);
    tried.push(`+${fromBin(lower.slice(0, j))}`);
    const v = db.get(key);
    if (v !== null) {
      const fields = splitFields(v + bin.slice(j) + '\0');
      return fields ? { kind: 'found', fields, key, wildcard: true, rest: fromBin(bin.slice(j)) } : { kind: 'bug' };
    }
  }
  return { kind: 'none', tried };
}

/** The cdb key qmail-newu writes for an entry (the parser's byte-exact key when it gives one). */
function entryKey(e: AssignEntry & { key?: string }): string {
  if (typeof e.key === 'string') return e.key;
  return e.kind === '+' ? '!' + lcAscii(toBin(e.local)) : '!' + lcAscii(toBin(e.local)) + '\0';
}

// One compiled view per parsed assign file: a walk looks up many locals.
const assignDbs = new WeakMap<AssignEntry[], UsersDb>();

/** users/assign as qmail-newu would compile it (first duplicate wins; wildcard chars as written). */
function assignDb(entries: AssignEntry[], wildBytes?: string): UsersDb {
  const cached = assignDbs.get(entries);
  if (cached) return cached;
  const db = buildAssignDb(entries, wildBytes);
  assignDbs.set(entries, db);
  return db;
}

// Only keys are indexed; a record's value is made when a look-up lands on it
// (a one-shot trace asks for a handful of the 50,000 entries of a big file).
function buildAssignDb(entries: AssignEntry[], wildBytes?: string): UsersDb {
  const map = new Map<string, AssignEntry>();
  let marker = wildBytes ?? '';
  for (const e of entries) {
    const key = entryKey(e);
    if (!map.has(key)) map.set(key, e);
    if (wildBytes === undefined && e.kind === '+' && e.local.length > 0) {
      const written = toBin(e.local);
      const c = written[written.length - 1];
      if (!marker.includes(c)) marker += c;
    }
  }
  return {
    get: (k) => {
      const e = map.get(k);
      return e === undefined ? null : [e.user, e.uid, e.gid, e.home, e.dash, e.ext].map(toBin).join('\0');
    },
    marker,
  };
}

function describe(r: Lookup): string {
  if (r.kind === 'none') return 'nothing (qmail-getpw decides)';
  if (r.kind === 'bug') return 'a malformed record';
  const f = r.fields;
  return `${f.user} uid ${f.uid} home ${f.home} dash ${q(f.dash)} ext ${q(f.ext)}`;
}

function sameLookup(a: Lookup, b: Lookup): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind !== 'found' || b.kind !== 'found') return true;
  const x = a.fields;
  const y = b.fields;
  return x.user === y.user && x.uid === y.uid && x.gid === y.gid && x.home === y.home && x.dash === y.dash && x.ext === y.ext;
}

export function lspawnLookup(inst: Installation, local: string): LspawnResult {
  const stage = 'qmail-lspawn' as const;
  const steps: TraceStep[] = [];
  if (local === '') {
    steps.push({ stage, text: 'the local part is empty: the trash address; qmail-lspawn reports success and nothing is delivered' });
    return { kind: 'trash', steps };
  }
  const cdb = inst.usersCdb();
  const defer = (why: string) => {
    const reason = 'Trouble reading users/cdb in qmail-lspawn.';
    steps.push({ stage, text: `${why}: every local delivery defers (${reason})`, path: cdb.path });
    return { kind: 'defer' as const, reason, steps };
  };
  let real: Lookup | null = null;
  if (cdb.state === 'error') return defer(`users/cdb cannot be read (${cdb.message})`);
  if (cdb.state === 'ok') {
    if (cdb.marker === null) return defer('users/cdb has no "" record (empty, truncated, or not made by qmail-newu)');
    try {
      const reader = cdb.reader;
      real = lookup({ get: (k) => { const v = reader.get(Buffer.from(k, 'latin1')); return v === null ? null : v.toString('latin1'); }, marker: cdb.marker }, local);
    } catch (e) {
      return defer(`users/cdb is corrupt (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  compareWithAssign(inst, local, real, steps);
  if (real === null) {
    steps.push({ stage, text: `no users/cdb: ${q(local)} goes to qmail-getpw`, path: cdb.path });
    return { kind: 'getpw', steps };
  }
  if (real.kind === 'bug') {
    const reason = 'Internal qmail-lspawn bug.';
    steps.push({ stage, text: `the users/cdb record for ${q(local)} has fewer than six fields: defer (${reason})`, path: cdb.path });
    return { kind: 'defer', reason, steps };
  }
  if (real.kind === 'none') {
    steps.push({ stage, text: `${q(lcAscii(local))} in users/cdb? no (tried ${real.tried.join(', ')}; wildcard chars ${q(cdb.state === 'ok' ? cdb.marker ?? '' : '')}) → qmail-getpw`, path: cdb.path });
    return { kind: 'getpw', steps };
  }
  const f = real.fields;
  const how = real.wildcard
    ? `wildcard prefix ${q(fromBin(real.key.slice(1)))}${real.key === '!' ? ' (the +: catch-all line)' : ''}, rest ${q(real.rest)} appended to ext`
    : `exact entry ${q(fromBin(real.key.slice(1, -1)))}`;
  steps.push({ stage, text: `${q(lcAscii(local))} in users/cdb? yes: ${how} → user ${f.user}, uid ${f.uid}, gid ${f.gid}, home ${f.home}, dash ${q(f.dash)}, ext ${q(f.ext)}`, path: cdb.path });
  return { kind: 'found', fields: f, key: real.key, wildcard: real.wildcard, steps };
}

function compareWithAssign(inst: Installation, local: string, real: Lookup | null, steps: TraceStep[]): void {
  let assign: AssignFile & { partial?: true; wildBytes?: string };
  try {
    assign = inst.assignFor ? inst.assignFor(lcAscii(toBin(local))) : inst.assign();
  } catch {
    return;
  }
  if (!assign.present) return;
  const stage = 'qmail-lspawn' as const;
  if (assign.errors.length > 0) {
    const e = assign.errors[0];
    steps.push({ stage, warn: true, text: `users/assign has a format error (${e.message}): qmail-newu would refuse it and keep the old users/cdb`, path: assign.path, line: e.line ?? undefined });
    return;
  }
  const fromAssign = lookup(assign.partial ? buildAssignDb(assign.entries, assign.wildBytes) : assignDb(assign.entries, assign.wildBytes), local);
  const actual: Lookup = real ?? { kind: 'none', tried: [] };
  if (!sameLookup(fromAssign, actual)) {
    const entry = fromAssign.kind === 'found' ? assign.entries.find((e) => entryKey(e) === fromAssign.key) : undefined;
    steps.push({
      stage,
      warn: true,
      text: `users/assign disagrees with users/cdb for ${q(local)}: assign gives ${describe(fromAssign)}, the cdb qmail reads gives ${real ? describe(actual) : 'nothing (there is no users/cdb)'}; run qmail-newu to make assign take effect`,
      path: assign.path,
      line: entry?.line,
    });
  }
}
