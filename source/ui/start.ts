// Which tree the TUI opens (contract.md "Arguments"): --demo NAME, else
// --sysroot DIR, else `/` when this machine has /var/qmail/control, else the
// bundled demo `multi`, found next to the program rather than in the cwd.
import * as path from 'node:path';
import { hostFileExists, hostSubdirectories } from '../sysroot/host.js';
import type { SourceInfo } from './session-data.js';

export interface StartOptions {
  sysroot?: string;
  demo?: string;
  projectRoot: string;
}

export type StartChoice = { ok: true; source: SourceInfo } | { ok: false; message: string };

export function listDemos(projectRoot: string): string[] {
  return hostSubdirectories(path.join(projectRoot, 'demo'));
}

export function chooseSource(opts: StartOptions, exists: (p: string) => boolean = hostFileExists): StartChoice {
  const openDemo = (name: string, why: string | null): StartChoice => {
    const dir = path.join(opts.projectRoot, 'demo', name);
    if (!/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith('.') || !exists(dir)) {
      const known = listDemos(opts.projectRoot);
      return { ok: false, message: `no bundled demo "${name}"${known.length ? ` (demos: ${known.join(', ')})` : ''}` };
    }
    return { ok: true, source: { sysrootDir: dir, demo: name, note: why ? `demo ${name} (${why})` : `bundled demo ${name}` } };
  };
  if (opts.demo !== undefined) return openDemo(opts.demo, null);
  if (opts.sysroot !== undefined) {
    if (!exists(opts.sysroot)) return { ok: false, message: `sysroot ${opts.sysroot}: no such directory` };
    return { ok: true, source: { sysrootDir: opts.sysroot, demo: null, note: `sysroot ${opts.sysroot}` } };
  }
  if (exists('/var/qmail/control')) return { ok: true, source: { sysrootDir: '/', demo: null, note: 'this machine (/)' } };
  return openDemo('multi', 'no /var/qmail/control on this machine');
}
