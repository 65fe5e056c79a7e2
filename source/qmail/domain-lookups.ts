// The look-ups the domain matrix makes as qmail's programs make them:
// qmail-send's virtualdomains (exact, .suffix, catch-all), qmail-smtpd's
// rcpthosts suffixes, the home a local part reaches (qmail-lspawn's
// users/cdb, else passwd), and the manager a .qmail-default hands mail to.
import type { SystemUsers, UsersCdb } from './model-types.js';
import type { ColonEntry } from './control-readers.js';
import { lcAscii } from './control-readers.js';
import type { CdbReader } from './cdb.js';
import type { ManagerKind } from './manager-types.js';
import { managerOfArgv } from './managers.js';
import { commandWords } from './program-line.js';

/** qmail-send's virtualdomains look-up for a domain: exact, then `.suffix` left to right (longest first), then "". */
export function virtualFor(map: Map<string, ColonEntry>, domain: string): ColonEntry | null {
  const d = lcAscii(domain);
  const exact = map.get(d);
  if (exact) return exact;
  for (let i = 1; i < d.length; i++) {
    if (d[i] !== '.') continue;
    const e = map.get(d.slice(i));
    if (e) return e;
  }
  return map.get('') ?? null;
}

/** qmail-smtpd's rcpthosts test: the name, or any `.suffix` of it (j == 0 or at a dot). */
export function suffixMatch(domain: string, has: (key: string) => boolean): string | null {
  const d = lcAscii(domain);
  for (let j = 0; j < d.length; j++) {
    if (j === 0 || d[j] === '.') {
      const k = d.slice(j);
      if (has(k)) return k;
    }
  }
  return null;
}

export function cdbHas(reader: CdbReader, key: string): boolean {
  try {
    return reader.get(Buffer.from(key, 'latin1')) !== null;
  } catch {
    return false;
  }
}

/**
 * The home directory a local part reaches (users/cdb like qmail-lspawn,
 * else passwd like qmail-getpw, without the owner checks). Enough to find
 * the .qmail-default a virtual domain's mail ends in.
 */
export function homeOfLocal(local: string, cdb: UsersCdb, users: SystemUsers | null, breakChar: string): string | null {
  const l = lcAscii(local);
  if (cdb.state === 'ok' && cdb.marker !== null) {
    try {
      const exact = cdb.reader.get(Buffer.from('!' + l + '\0', 'latin1'));
      if (exact) return exact.toString('latin1').split('\0')[3] ?? null;
      for (let j = l.length; j >= 0; j--) {
        if (j > 0 && !cdb.marker.includes(l[j - 1])) continue;
        const v = cdb.reader.get(Buffer.from('!' + l.slice(0, j), 'latin1'));
        if (v) return v.toString('latin1').split('\0')[3] ?? null;
      }
    } catch {
      return null;
    }
  }
  if (!users) return null;
  for (let k = l.length; k >= 0; k--) {
    if (k < l.length && l[k] !== breakChar) continue;
    if (k > 31) continue;
    const pw = users.byName(l.slice(0, k));
    if (pw && pw.uid !== 0) return pw.home;
  }
  return null;
}

/** The manager a .qmail-default hands its mail to: the first program line that runs one's delivery program. */
export function managerOfDotQmail(text: string): ManagerKind | null {
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^[ \t]+/, '');
    if (!line.startsWith('|')) continue;
    const m = managerOfArgv(commandWords(line.slice(1)));
    if (m) return m.kind;
  }
  return null;
}
