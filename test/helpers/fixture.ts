// Build a sysroot in a temporary directory from a plain description, so a
// test shows its whole world in one place. Owners, modes and mtimes go to
// .fsmeta, as a checked-in fixture would have them.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Sysroot, type SysrootOptions } from '../../source/sysroot/sysroot.js';

export type FixtureEntry =
  | string
  | Buffer
  | { content?: string | Buffer; mode?: number; uid?: number; gid?: number; mtime?: string | number }
  | { symlink: string }
  | { dir: true; mode?: number; uid?: number; gid?: number; mtime?: string | number };

export interface Fixture {
  /** Host directory holding the sysroot. */
  dir: string;
  sysroot: (opts?: SysrootOptions) => Sysroot;
  /** Host path of a system path inside the fixture. */
  host: (sysPath: string) => string;
  cleanup: () => void;
}

const created: string[] = [];
process.on('exit', () => {
  for (const d of created) fs.rmSync(d, { recursive: true, force: true });
});

/** Keys are system paths ("/etc/passwd"); a trailing "/" makes a directory. */
export function makeFixture(files: Record<string, FixtureEntry>, base?: string): Fixture {
  const dir = fs.mkdtempSync(path.join(base ?? os.tmpdir(), 'qlens-fx-'));
  created.push(dir);
  const meta: string[] = [];
  for (const [sysPath, entry] of Object.entries(files)) {
    const host = path.join(dir, sysPath);
    fs.mkdirSync(path.dirname(host), { recursive: true });
    const clean = sysPath.replace(/\/+$/, '') || '/';
    if (typeof entry === 'string' || Buffer.isBuffer(entry)) {
      if (sysPath.endsWith('/')) fs.mkdirSync(host, { recursive: true });
      else fs.writeFileSync(host, entry);
      continue;
    }
    if ('symlink' in entry) {
      fs.symlinkSync(entry.symlink, host);
      continue;
    }
    if ('dir' in entry) fs.mkdirSync(host, { recursive: true });
    else fs.writeFileSync(host, entry.content ?? '');
    if (entry.mode !== undefined || entry.uid !== undefined || entry.mtime !== undefined) {
      const isDir = 'dir' in entry;
      const mode = (entry.mode ?? (isDir ? 0o755 : 0o644)).toString(8).padStart(4, '0');
      const t = entry.mtime !== undefined ? ` ${entry.mtime}` : '';
      meta.push(`${mode} ${entry.uid ?? 0} ${entry.gid ?? entry.uid ?? 0} ${clean}${t}`);
    }
  }
  if (meta.length) fs.writeFileSync(path.join(dir, '.fsmeta'), meta.join('\n') + '\n');
  return {
    dir,
    sysroot: (opts) => new Sysroot(dir, opts),
    host: (p) => path.join(dir, p),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Append lines to a fixture's .fsmeta (for paths created after makeFixture). */
export function addFsmeta(fx: Fixture, lines: string[]): void {
  fs.appendFileSync(path.join(fx.dir, '.fsmeta'), lines.join('\n') + '\n');
}
