// qmail-send's rewriting read backwards: which addresses could give a local
// part (alice-work, or example.com-info behind a vpopmail domain's prepend),
// and which local parts could make qmail-local read a given .qmail file. Both
// only propose: a caller traces each address to know whether it really gets
// there (the Dot-qmail view's addresses, the impact preview's address set).
import * as path from 'node:path';
import type { Installation, SystemUsers } from './model-types.js';
import { lcAscii } from './control-readers.js';

function quiet<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

interface GivingIndex {
  locals: string[];
  /** Lower-cased prepend + '-' → the domains (and user@domain keys' users) it serves, with their lines. */
  byPrefix: Map<string, Array<{ line: number; domain: string } | { line: number; address: string; user: string }>>;
  /** Longest prefix, to bound the search. */
  longest: number;
}

// One index per installation object (its files are read once): a 20,000-line virtualdomains is not scanned per local part.
const indexes = new WeakMap<Installation, GivingIndex>();

function givingIndex(inst: Installation): GivingIndex {
  let ix = indexes.get(inst);
  if (ix) return ix;
  ix = { locals: quiet(() => inst.list('locals').lines.map((l) => l.text), []), byPrefix: new Map(), longest: 0 };
  for (const e of quiet(() => [...inst.virtualdomains().map.values()], [])) {
    if (e.value === '' || e.key === '' || e.key.startsWith('.')) continue;
    const p = lcAscii(e.value) + '-';
    const list = ix.byPrefix.get(p) ?? [];
    const at = e.key.lastIndexOf('@');
    // A user@domain key: qmail-send prepends to the local part, which becomes prepend-user.
    list.push(at >= 0 ? { line: e.line, address: e.key, user: lcAscii(e.key.slice(0, at)) } : { line: e.line, domain: e.key });
    ix.byPrefix.set(p, list);
    ix.longest = Math.max(ix.longest, p.length);
  }
  indexes.set(inst, ix);
  return ix;
}

/** Addresses whose rewriting by qmail-send could give `local`: at each local domain, then through each virtualdomains prepend, in file order. */
export function addressesGiving(inst: Installation, local: string): string[] {
  const ix = givingIndex(inst);
  const out: string[] = ix.locals.map((d) => `${local}@${d}`);
  const l = lcAscii(local);
  const hits: Array<{ line: number; address: string }> = [];
  for (let i = l.indexOf('-'); i >= 0 && i < ix.longest; i = l.indexOf('-', i + 1)) {
    const p = l.slice(0, i + 1);
    const rest = local.slice(i + 1);
    for (const e of ix.byPrefix.get(p) ?? []) {
      if ('domain' in e) {
        if (rest !== '') hits.push({ line: e.line, address: `${rest}@${e.domain}` });
      } else if (lcAscii(rest) === e.user) hits.push({ line: e.line, address: e.address });
    }
  }
  hits.sort((x, y) => x.line - y.line);
  for (const h of hits) out.push(h.address);
  return [...new Set(out)];
}

/** The extension a .qmail file name answers to (`.qmail-foo:bar` → foo.bar; qmail-local turns dots into colons); null for a name qmail-local never reads. */
export function extOfDotqmail(name: string): string | null {
  if (name === '.qmail') return '';
  if (!name.startsWith('.qmail-') || name.length === 7) return null;
  return name.slice(7).replace(/:/g, '.');
}

/** A local part standing for a -default file: `a-default` → `a-anything` (no file is named after it). */
export function sampleForDefault(ext: string): string {
  return ext === 'default' ? 'anything' : ext.replace(/(^|-)default$/, '$1anything');
}

/**
 * Local parts whose delivery could read the .qmail file at `file`: its home's
 * passwd users (NAME, NAME-EXT), the alias user (EXT), and users/assign
 * entries with that home (= LOCAL with its own extension, + PREFIX followed
 * by the rest of the name). A -default file stands for `anything`.
 */
export function localPartsOfDotqmail(inst: Installation, users: SystemUsers, file: string): string[] {
  const home = path.posix.dirname(file).replace(/\/+$/, '');
  const name = path.posix.basename(file);
  const ext = extOfDotqmail(name);
  if (ext === null) return [];
  const sample = sampleForDefault(ext);
  const consts = quiet(() => inst.consts(), null);
  const breakChar = consts?.breakChar ?? '-';
  const sameHome = (h: string) => h.replace(/\/+$/, '') === home;
  const out: string[] = [];
  for (const e of quiet(() => inst.assign().entries, [])) {
    if (!sameHome(e.home)) continue;
    const start = '.qmail' + e.dash + e.ext.replace(/\./g, ':');
    if (e.kind === '=') {
      if (name === start || (name.endsWith('default') && start.startsWith(name.slice(0, -7)))) out.push(e.local);
      continue;
    }
    if (!name.startsWith(start)) continue;
    const tail = name.slice(start.length).replace(/:/g, '.');
    out.push(e.local + sampleForDefault(tail));
  }
  const alias = quiet(() => users.byName(consts?.aliasUser ?? 'alias'), null);
  if ((alias ? sameHome(alias.home) : home === `${inst.root}/alias`) && ext !== '') out.push(sample);
  for (const p of quiet(() => users.passwd(), [])) {
    if (sameHome(p.home) && p.name !== (consts?.aliasUser ?? 'alias')) out.push(ext === '' ? p.name : `${p.name}${breakChar}${sample}`);
  }
  return [...new Set(out)];
}
