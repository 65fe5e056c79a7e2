// The built program run as a child, for the hostile cases that must end in
// a clean exit whatever the input: a status of 0-3 (or a command's own
// documented one), every stderr line a message of its own (no stack trace,
// no "internal error"), nothing raw on either stream, and never a hang (the
// child is killed after `timeout` and the test fails saying so).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { CLI, ROOT } from '../e2e/helpers/pty-session.js';
import { assertNoRaw } from './harness.js';

export interface CliRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  what: string;
}

export function runCli(args: string[], opts: { input?: string | Buffer; timeout?: number; env?: NodeJS.ProcessEnv; cwd?: string; cli?: string } = {}): CliRun {
  const r = spawnSync(process.execPath, [opts.cli ?? CLI, ...args], {
    cwd: opts.cwd ?? ROOT,
    input: opts.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    timeout: opts.timeout ?? 60_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  const what = `qlens ${args.map((a) => (a.length > 60 ? a.slice(0, 40) + `…(${a.length})` : a)).join(' ')}`;
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', what };
}

/** Exit statuses a hostile input may give: done, a problem, a usage error or an unreadable input, a refusal. */
export const CLEAN = [0, 1, 2, 3];

/** The run ended by itself with an allowed status and one-line messages only. */
export function assertClean(r: CliRun, allowed: number[] = CLEAN): void {
  assert.equal(r.signal, null, `${r.what}: killed by ${r.signal} (a hang?)\n${r.stderr.slice(0, 2000)}`);
  assert.ok(r.status !== null && allowed.includes(r.status), `${r.what}: exit ${r.status}\n${r.stderr.slice(0, 2000)}`);
  assert.doesNotMatch(r.stderr, /internal error|^\s+at \S+ \(|RangeError|TypeError|FATAL|Allocation failed/m, `${r.what}: ${r.stderr.slice(0, 2000)}`);
  for (const line of r.stderr.split('\n').filter(Boolean)) {
    assert.ok(line.length < 2000, `${r.what}: a stderr line of ${line.length} characters`);
  }
  assertNoRaw(r.stdout, `${r.what} stdout`);
  assertNoRaw(r.stderr, `${r.what} stderr`);
}
