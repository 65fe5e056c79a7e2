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

/** Addresses whose rewriting by qmail-send could give `local`: at each local domain, then through each virtualdomains prepend, in file order. */
export function addressesGiving(inst: Installation, local: string): string[] {
  const out: string[] = [];
  const l = lcAscii(local);
  for (const d of quiet(() => inst.list('locals').lines, [])) out.push(`${local}@${d.text}`);
  for (const e of quiet(() => [...inst.virtualdomains().map.values()], [])) {
    if (e.value === '' || e.key === '' || e.key.startsWith('.')) continue;
    const p = lcAscii(e.value) + '-';
    if (e.key.includes('@')) {
      // A user@domain key: qmail-send prepends to the local part, which becomes prepend-user.
      if (l === p + lcAscii(e.key.slice(0, e.key.lastIndexOf('@')))) out.push(e.key);
      continue;
    }
    if (l.startsWith(p) && l.length > p.length) out.push(`${local.slice(p.length)}@${e.key}`);
  }
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
