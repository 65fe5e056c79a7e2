// Real daemontools for log fixtures: lines piped through the real multilog
// (so stamps and rotation are multilog's own), tai64nlocal as the oracle for
// time conversion. .ci/run installs Debian's daemontools; without it these
// tests fail, saying so, rather than pass on a hand-made imitation.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

function which(prog: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${prog}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

export function requireDaemontools(): void {
  const missing = ['multilog', 'tai64nlocal', 'tai64n'].filter((p) => which(p) === null);
  if (missing.length) throw new Error(`daemontools is not installed (${missing.join(', ')} missing): .ci/run installs Debian's daemontools package; run it, or apt-get install daemontools`);
}

/** Pipe lines through `multilog ACTIONS DIR` (default `t s4096 n3`), as qmail-send's log/run does. */
export function multilog(dir: string, lines: string[], actions: string[] = ['t', 's4096', 'n3']): void {
  requireDaemontools();
  // multilog makes the directory itself, but not its parents.
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const r = spawnSync('multilog', [...actions, dir], { input: lines.map((l) => l + '\n').join(''), encoding: 'latin1' });
  if (r.status !== 0) throw new Error(`multilog ${actions.join(' ')} ${dir} exited ${r.status}: ${r.stderr}`);
}

/** tai64nlocal's output for the given text, in time zone TZ. */
export function tai64nlocal(text: string, tz: string): string {
  requireDaemontools();
  return execFileSync('tai64nlocal', [], { input: text, encoding: 'latin1', env: { ...process.env, TZ: tz } });
}

/** Every file of a multilog directory in reading order (rotated by name, then current), with contents. */
export function multilogFiles(dir: string): Array<{ name: string; text: string }> {
  const names = fs.readdirSync(dir).filter((n) => /^@[0-9a-f]{24}\.[su]$/.test(n)).sort();
  if (fs.existsSync(`${dir}/current`)) names.push('current');
  return names.map((name) => ({ name, text: fs.readFileSync(`${dir}/${name}`, 'latin1') }));
}
