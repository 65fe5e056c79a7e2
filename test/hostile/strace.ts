// Shared by the --read-only tests (one-shot commands and the TUI in a pty):
// run the program as nobody under strace and find every system call that
// would write, and snapshot a tree to prove nothing changed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { CLI } from '../e2e/helpers/pty-session.js';

const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** false when the machine can run these tests, else the reason to skip them. */
export const STRACE_SKIP: false | string =
  process.getuid?.() === 0 && has('setpriv') && has('strace') && fs.existsSync(CLI) ? false : 'needs root, setpriv, strace and a built dist/';

/** The system calls strace is told to log (-e trace=...). */
export const SYSCALLS =
  'openat,open,creat,rename,renameat,renameat2,unlink,unlinkat,mkdir,mkdirat,rmdir,link,linkat,symlink,symlinkat,chmod,fchmod,fchmodat,chown,fchown,fchownat,lchown,truncate,ftruncate,utimensat';

const MUTATING = /^(creat|rename|renameat2?|unlink|unlinkat|mkdir|mkdirat|rmdir|link|linkat|symlink|symlinkat|chmod|fchmod|fchmodat|chown|fchown|fchownat|lchown|truncate|ftruncate|utimensat|utimes)\(/;

/** System calls in an strace log that write: an open for writing, or any call that changes a name, mode or owner. */
export function writeAttempts(log: string): string[] {
  const out: string[] = [];
  for (const raw of log.split('\n')) {
    const line = raw.replace(/^\d+\s+/, '');
    if (line.startsWith('<...')) continue; // the second half of a call whose first half was logged
    if (/^(openat|open)\(/.test(line) && /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND/.test(line)) out.push(line);
    else if (MUTATING.test(line)) out.push(line);
  }
  return out;
}

/** Every path under dir with its kind, size, mode, owner and content hash. */
export function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of fs.readdirSync(d).sort()) {
      const p = path.join(d, n);
      const st = fs.lstatSync(p);
      const h = st.isFile() ? createHash('sha256').update(fs.readFileSync(p)).digest('hex') : '';
      out.push(`${path.relative(dir, p)} ${st.mode.toString(8)} ${st.uid} ${st.size} ${st.mtimeMs} ${h}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}
