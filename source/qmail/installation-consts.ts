// qmail's compile-time constants for one installation (conf-break,
// conf-patrn, conf-split, conf-spawn, conf-users), read from the conf-* files
// an installation keeps from its build (or its source tree); each one absent
// is qmail's default, said as assumed.
import type { Sysroot } from '../sysroot/sysroot.js';
import { decodeBytes } from '../sysroot/sysroot.js';
import type { QmailConsts } from './model-types.js';
import type { LoadedSystemUsers } from './passwd.js';

export const QMAIL_DEFAULTS = { breakChar: '-', patrn: 0o002, split: 23, spawn: 120, aliasUser: 'alias' } as const;

/** The constants, with the conf file each one was read from (absent: assumed default). */
export interface InstallationConsts extends QmailConsts {
  sources: Record<string, string>;
}

/** What the constants are read from. */
export interface ConstsSource {
  readonly root: string;
  readonly sysroot: Sysroot;
  readFile(sysPath: string): Buffer | null;
  users(): LoadedSystemUsers;
}

export function readConsts(inst: ConstsSource): InstallationConsts {
  const assumed: string[] = [];
  const sources: Record<string, string> = {};
  // An installation that keeps its build's conf-* files (or its source tree) tells its constants.
  const confDirs = [inst.root, `${inst.root}/src`];
  const conf = (name: string): { text: string; path: string } | null => {
    for (const d of confDirs) {
      const p = `${d}/${name}`;
      const b = inst.readFile(p);
      if (b !== null) {
        const first = decodeBytes(b).split('\n')[0];
        return { text: first, path: p };
      }
    }
    return null;
  };
  const c: InstallationConsts = { ...QMAIL_DEFAULTS, assumed, sources };
  const brk = conf('conf-break');
  if (brk && brk.text.length > 0) {
    c.breakChar = brk.text[0];
    sources.breakChar = brk.path;
  } else assumed.push('breakChar');
  const patrn = conf('conf-patrn');
  if (patrn && /^[0-7]+/.test(patrn.text.trim())) {
    c.patrn = parseInt(/^[0-7]+/.exec(patrn.text.trim())![0], 8);
    sources.patrn = patrn.path;
  } else assumed.push('patrn');
  const split = conf('conf-split');
  if (split && /^[0-9]+/.test(split.text.trim())) {
    c.split = Number(/^[0-9]+/.exec(split.text.trim())![0]);
    sources.split = split.path;
  } else assumed.push('split');
  const spawn = conf('conf-spawn');
  if (spawn && /^[0-9]+/.test(spawn.text.trim())) {
    c.spawn = Number(/^[0-9]+/.exec(spawn.text.trim())![0]);
    sources.spawn = spawn.path;
  } else assumed.push('spawn');
  const usersConf = conf('conf-users');
  if (usersConf && usersConf.text.trim() !== '') {
    c.aliasUser = usersConf.text.trim();
    sources.aliasUser = usersConf.path;
  } else {
    assumed.push('aliasUser');
    // hier.c makes the alias user own HOME/alias: a second installation built with its own
    // users (alias2...) shows it there. A root-owned or unowned directory says nothing.
    const owner = aliasDirOwner(inst);
    if (owner && owner !== c.aliasUser) {
      c.aliasUser = owner;
      sources.aliasUser = `owner of ${inst.root}/alias`;
    }
  }
  return c;
}

function aliasDirOwner(inst: ConstsSource): string | null {
  try {
    const st = inst.sysroot.stat(`${inst.root}/alias`);
    if (!st || st.kind !== 'dir' || st.uid === 0) return null;
    return inst.users().byUid(st.uid)?.name ?? null;
  } catch {
    return null;
  }
}
