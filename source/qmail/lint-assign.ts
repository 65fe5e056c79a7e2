// `qlens check`'s rules for users/assign and users/cdb: a cdb that is not
// what qmail-newu would make of the file, entries qmail-lspawn can never
// reach, a "+:" catch-all that hides /etc/passwd, and homes qmail-local
// cannot use.
import type { AssignFile, Diagnostic, Installation, SystemUsers, UsersCdb } from './model-types.js';
import { isAscii } from 'node:buffer';
import { usersCdbRecords, type AssignEntryDetail, type ParsedAssign } from './assign.js';
import type { CdbReader } from './cdb.js';
import { lcAscii } from './control-readers.js';
import { homeStatter, isMailUser, q, readSafe, statSafe } from './lint-helpers.js';
import type { LintRule } from './lint.js';

/** users/cdb against users/assign: missing, stale (qmail-newu refused the file), different, or only older. */
function cdbRules(inst: Installation, a: AssignFile, cdb: UsersCdb): Diagnostic[] {
  if (!a.present) return [];
  const entries = a.entries as AssignEntryDetail[];
  if (cdb.state === 'absent') {
    return [
      {
        path: cdb.path,
        line: null,
        severity: 'error',
        code: 'cdb-missing',
        message: `users/assign exists but users/cdb does not: qmail-lspawn reads only users/cdb, so none of its ${entries.length} entries is in effect (run qmail-newu)`,
      },
    ];
  }
  if (cdb.state !== 'ok') return [];
  const ast = statSafe(inst, a.path);
  const older = ast && ast !== 'error' && cdb.mtimeMs < ast.mtimeMs;
  if (a.errors.length > 0) {
    return [{ path: cdb.path, line: null, severity: 'warning', code: 'cdb-stale', message: 'qmail-newu refuses users/assign as it is ("bad format in users/assign"): users/cdb keeps its old content' }];
  }
  const bytes = readSafe(inst, a.path);
  const diff = bytes ? (sameAsParsed(bytes, a, cdb.reader) ? [] : compareUsersCdb(bytes, cdb.reader, a.path)) : null;
  if (diff && diff.length > 0) {
    return [
      {
        path: cdb.path,
        line: null,
        severity: 'error',
        code: 'cdb-mismatch',
        message: `users/cdb does not match users/assign${older ? ' and is older' : ''} (run qmail-newu): ${diff.slice(0, 3).join('; ')}${diff.length > 3 ? `; and ${diff.length - 3} more` : ''}`,
      },
    ];
  }
  if (older) return [{ path: cdb.path, line: null, severity: 'info', code: 'cdb-older', message: 'users/cdb is older than users/assign but holds the same records' }];
  return [];
}

/** One entry's own traps: a wildcard that never matches, a line qmail-newu reads otherwise, a root uid. */
function entryRules(e: AssignEntryDetail, apath: string, wild: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (e.kind === '+' && e.local.length > 0) {
    const last = e.local[e.local.length - 1];
    const lower = lcAscii(last);
    if (lower !== last && !wild.includes(lower)) {
      out.push({
        path: apath,
        line: e.line,
        severity: 'warning',
        code: 'assign-dead-wildcard',
        message: `+${e.local} can never match: its last letter ${q(last)} is upper case, and qmail-lspawn compares the lower-cased address with the wildcard characters as written (write +${lcAscii(e.local)})`,
      });
    }
  }
  if (e.kind === '=' && e.lead !== undefined && e.lead !== '=') {
    out.push({
      path: apath,
      line: e.line,
      severity: 'warning',
      code: 'assign-lead',
      message:
        e.lead === '#'
          ? `users/assign has no comments: qmail-newu takes this line as the simple entry for ${q(e.local)}`
          : `line starts with ${q(e.lead)}: qmail-newu takes it as "=" and drops that byte, so this is the entry for ${q(e.local)}`,
    });
  }
  const uidNum = /^[0-9]+/.exec(e.uid);
  if (!uidNum || Number(uidNum[0]) === 0) {
    out.push({
      path: apath,
      line: e.line,
      severity: 'error',
      code: 'assign-root',
      message: `uid ${q(e.uid)} is ${uidNum ? '0' : 'not a number, which qmail-lspawn reads as 0'}: deliveries for it defer ("Not allowed to perform deliveries as root.")`,
    });
  }
  return out;
}

/** Entries qmail-lspawn can never reach (a repeated key), each entry's own traps; and the first entry of each key. */
function entriesRules(entries: AssignEntryDetail[], apath: string, wild: string): { out: Diagnostic[]; firstByKey: Map<string, AssignEntryDetail> } {
  const out: Diagnostic[] = [];
  const firstByKey = new Map<string, AssignEntryDetail>();
  for (const e of entries) {
    const key = e.key ?? (e.kind === '+' ? '!' + lcAscii(e.local) : '!' + lcAscii(e.local) + '\0');
    const first = firstByKey.get(key);
    if (first) {
      out.push({
        path: apath,
        line: e.line,
        severity: 'warning',
        code: 'assign-duplicate',
        message: `${e.kind}${e.local} repeats the key of line ${first.line}: the first line wins, this one is never used`,
      });
    } else firstByKey.set(key, e);
    out.push(...entryRules(e, apath, wild));
  }
  return { out, firstByKey };
}

/** A +: catch-all hides every passwd user without an entry of its own. */
function catchAllRule(inst: Installation, users: SystemUsers, firstByKey: Map<string, AssignEntryDetail>, apath: string, wild: string): Diagnostic[] {
  const catchAll = firstByKey.get('!');
  if (!catchAll) return [];
  const hidden: string[] = [];
  const aliasUser = inst.consts().aliasUser;
  for (const pw of users.passwd()) {
    if (!isMailUser(pw) || pw.name === aliasUser) continue;
    if (users.byName(pw.name) !== pw) continue;
    const l = lcAscii(pw.name);
    if (firstByKey.has('!' + l + '\0')) continue;
    let covered = false;
    for (let j = l.length; j > 0 && !covered; j--) {
      if (!wild.includes(l[j - 1])) continue;
      const e = firstByKey.get('!' + l.slice(0, j));
      if (e && e !== catchAll) covered = true;
    }
    if (!covered) hidden.push(pw.name);
  }
  if (hidden.length === 0) return [];
  return [
    {
      path: apath,
      line: catchAll.line,
      severity: 'warning',
      code: 'assign-catchall-hides-passwd',
      message: `the "+:" catch-all matches every local part, so /etc/passwd is never consulted: ${hidden.length} passwd user${hidden.length === 1 ? '' : 's'} (${hidden.slice(0, 5).join(', ')}${hidden.length > 5 ? ', ...' : ''}) get${hidden.length === 1 ? 's' : ''} the catch-all instead of their own mail`,
    },
  ];
}

/** Homes of users/assign entries: qmail-local defers when the home is missing. */
function assignHomeRules(inst: Installation, entries: AssignEntryDetail[], apath: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seenHome = new Set<string>();
  const homeStat = homeStatter(inst);
  for (const e of entries) {
    if (!e.home.startsWith('/') || seenHome.has(e.home + '\0' + e.uid)) continue;
    seenHome.add(e.home + '\0' + e.uid);
    const st = homeStat(e.home);
    if (st === 'error') continue;
    if (st === null) {
      out.push({ path: apath, line: e.line, severity: 'error', code: 'assign-home-missing', message: `home ${e.home} of ${e.kind}${e.local} does not exist: deliveries defer ("Unable to switch to HOME")` });
    } else if (String(st.uid) !== (/^[0-9]+/.exec(e.uid)?.[0] ?? '')) {
      out.push({ path: apath, line: e.line, severity: 'warning', code: 'assign-home-owner', message: `home ${e.home} of ${e.kind}${e.local} belongs to uid ${st.uid}, not ${e.uid}: deliveries that must create files there fail` });
    }
  }
  return out;
}

/** users/assign and users/cdb. */
export const assignRules: LintRule = (installs, users) => {
  const out: Diagnostic[] = [];
  for (const inst of installs) {
    const a = inst.assign();
    out.push(...a.errors);
    const cdb = inst.usersCdb();
    const entries = a.entries as AssignEntryDetail[];
    out.push(...cdbRules(inst, a, cdb));
    const wild = (a as { wildChars?: string }).wildChars ?? '';
    const { out: entryProblems, firstByKey } = entriesRules(entries, a.path, wild);
    out.push(...entryProblems);
    out.push(...catchAllRule(inst, users, firstByKey, a.path, wild));
    out.push(...assignHomeRules(inst, entries, a.path));
  }
  return out;
};

/**
 * users/cdb holds, in order, exactly the records qmail-newu makes of the
 * parsed users/assign: told record by record against the entries already
 * parsed, keeping nothing (compareUsersCdb parses the file again and holds
 * every record of a 50,000-line file at once). False when it cannot tell
 * this way (a byte above ASCII, whose shown fields are decoded): the caller
 * then compares in full.
 */
function sameAsParsed(bytes: Buffer, a: AssignFile, reader: CdbReader): boolean {
  const wildBytes = (a as Partial<ParsedAssign>).wildBytes;
  if (a.errors.length > 0 || wildBytes === undefined || !isAscii(bytes)) return false;
  const entries = a.entries as AssignEntryDetail[];
  let i = 0;
  try {
    for (const h of reader.records()) {
      if (i < entries.length) {
        const e = entries[i];
        if (e.key === undefined || h.key.toString('latin1') !== e.key) return false;
        if (h.value.toString('latin1') !== `${e.user}\0${e.uid}\0${e.gid}\0${e.home}\0${e.dash}\0${e.ext}`) return false;
      } else if (i > entries.length || h.key.length !== 0 || h.value.toString('latin1') !== wildBytes) return false;
      i++;
    }
  } catch {
    return false;
  }
  return i === entries.length + 1;
}

/** Differences between users/cdb and what qmail-newu would compile from users/assign, in words. */
export function compareUsersCdb(assignBytes: Buffer, reader: import('./cdb.js').CdbReader, assignPath: string): string[] {
  const { records, errors } = usersCdbRecords(assignBytes, assignPath);
  if (errors.length > 0) return [];
  const show = (k: Buffer): string => (k.length === 0 ? 'the "" record' : q(k.toString('latin1').replace(/\0$/, '')));
  // The usual case, the same records in the same order, is told record by
  // record: two strings per record of a 50,000-line file cost tens of megabytes.
  try {
    let i = 0;
    let same = true;
    for (const h of reader.records()) {
      const r = records[i++];
      if (!r || !r.key.equals(h.key) || !r.value.equals(h.value)) {
        same = false;
        break;
      }
    }
    if (same && i === records.length) return [];
  } catch {
    // an unreadable cdb: told below
  }
  const want = records.map((r) => r.key.toString('latin1') + '\u0001' + r.value.toString('latin1'));
  let have: string[];
  try {
    have = [...reader.records()].map((r) => r.key.toString('latin1') + '\u0001' + r.value.toString('latin1'));
  } catch (e) {
    return [`users/cdb cannot be read through (${e instanceof Error ? e.message : String(e)})`];
  }
  if (want.length === have.length && want.every((w, i) => w === have[i])) return [];
  const haveSet = new Set(have);
  const wantSet = new Set(want);
  const out: string[] = [];
  for (const r of records) {
    const k = r.key.toString('latin1') + '\u0001' + r.value.toString('latin1');
    if (!haveSet.has(k)) out.push(`${show(r.key)} from users/assign is not in users/cdb`);
  }
  for (const h of have) {
    if (!wantSet.has(h)) out.push(`users/cdb has ${show(Buffer.from(h.split('\u0001')[0], 'latin1'))} that users/assign does not give`);
  }
  if (out.length === 0) out.push('the same records in another order (first-match look-ups may differ)');
  return out;
}

