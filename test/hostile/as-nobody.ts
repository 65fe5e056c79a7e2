// The built program where an unprivileged user can run it. Tests that drop
// to nobody (setpriv) cannot run it from the checkout when the checkout lies
// in a private folder (a `mktemp -d` of mode 0700, as CI runners make them):
// nobody cannot even reach it. So they run a copy of what the program needs
// (dist/, package.json, node_modules: hard links when the temporary directory
// is on the same file system, else a copy) in a directory of its own, mode
// 0755 under the system's temporary directory, removed when the test process
// exits. The fixtures nobody reads are made there too (makeFixture's base).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../e2e/helpers/pty-session.js';

export interface NobodyProgram {
  /** The copy's root (a cwd nobody can enter). */
  root: string;
  /** dist/source/cli.js in the copy. */
  cli: string;
  /** A file of the copy's dist/, e.g. 'source/ui/loader.js'. */
  dist: (rel: string) => string;
  /** A directory nobody can enter, for fixtures and scripts (under root). */
  tmp: string;
}

let made: NobodyProgram | null = null;

function copyTree(from: string, to: string): void {
  // Hard links first (fast, no space); a copy across file systems.
  if (spawnSync('cp', ['-al', from, to]).status === 0) return;
  fs.rmSync(to, { recursive: true, force: true });
  const r = spawnSync('cp', ['-a', from, to]);
  if (r.status !== 0) throw new Error(`cp -a ${from} ${to}: ${r.stderr}`);
}

export function programForNobody(): NobodyProgram {
  if (made) return made;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qlens-nobody-'));
  process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));
  fs.chmodSync(root, 0o755);
  copyTree(path.join(ROOT, 'dist'), path.join(root, 'dist'));
  copyTree(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'));
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(root, 'package.json'));
  const tmp = path.join(root, 'tmp');
  fs.mkdirSync(tmp, { mode: 0o755 });
  fs.chmodSync(tmp, 0o755);
  // Whatever the checkout's umask gave them, nobody must read the copy (and never write it).
  spawnSync('chmod', ['-R', 'go+rX,go-w', root]);
  made = { root, cli: path.join(root, 'dist', 'source', 'cli.js'), dist: (rel) => path.join(root, 'dist', rel), tmp };
  return made;
}
