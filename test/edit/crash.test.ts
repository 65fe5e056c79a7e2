// A child applying edits is killed with SIGKILL at random instants; after
// each kill every file must be wholly one version, and undo must bring
// users/assign and users/cdb back to a consistent pair.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { makeFixture } from '../helpers/fixture.js';
import { assignVersion } from '../helpers/apply-child.js';
import { compileUsersCdb } from '../../source/qmail/assign.js';
import { SysrootWriter } from '../../source/sysroot/write.js';
import { undoNewest } from '../../source/edit/journal.js';

const here = fileURLToPath(import.meta.url);
const isTs = here.endsWith('.ts');
const child = fileURLToPath(new URL(`../helpers/apply-child.${isTs ? 'ts' : 'js'}`, import.meta.url));
const RUNS = Number(process.env.QLENS_CRASH_RUNS ?? 30);

// A tiny seeded generator so a failing run can be repeated.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function versionOf(assign: string): number {
  const m = /^=u(\d+):/.exec(assign);
  assert.ok(m, `users/assign is not a whole version: ${JSON.stringify(assign.slice(0, 80))}`);
  const n = Number(m[1]);
  assert.equal(assign, assignVersion(n), 'users/assign is torn');
  return n;
}

function runChild(dir: string, start: number, delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = isTs ? ['--import', 'tsx', child, dir, String(start)] : [child, dir, String(start)];
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.stdout.once('data', () => setTimeout(() => p.kill('SIGKILL'), delayMs));
    p.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited ${code}: ${err}`))));
  });
}

test(`SIGKILL at ${RUNS} random points: files whole, journal restores a consistent pair`, { timeout: 300_000 }, async (t) => {
  const first = assignVersion(0);
  const fx = makeFixture({
    '/etc/passwd': 'alice:x:1001:1001::/home/alice:/bin/sh\n',
    '/var/qmail/control/me': 'mail.example.com\n',
    '/var/qmail/users/assign': first,
    '/var/qmail/users/cdb': compileUsersCdb(Buffer.from(first)),
    '/home/alice/.qmail': './Maildir/\n',
  });
  const random = rng(Number(process.env.QLENS_CRASH_SEED ?? 20261125));
  let undone = 0;
  let mixed = 0;
  for (let run = 0; run < RUNS; run++) {
    await runChild(fx.dir, (run + 1) * 1000, Math.floor(random() * 120));
    const assign = fs.readFileSync(fx.host('/var/qmail/users/assign'), 'utf8');
    const cdb = fs.readFileSync(fx.host('/var/qmail/users/cdb'));
    const va = versionOf(assign);
    // users/cdb is wholly the compilation of some version (maybe one behind assign).
    const key = /!u(\d+)\0/.exec(cdb.toString('latin1'));
    assert.ok(key, 'users/cdb is not a whole compilation');
    assert.ok(cdb.equals(compileUsersCdb(Buffer.from(assignVersion(Number(key[1]))))), 'users/cdb is torn');
    if (Number(key[1]) !== va) mixed++;
    // The journal takes the interrupted (or last) change back to a consistent pair.
    const w = new SysrootWriter(fx.sysroot());
    const res = undoNewest(w);
    if (res) undone++;
    const a2 = fs.readFileSync(fx.host('/var/qmail/users/assign'));
    const c2 = fs.readFileSync(fx.host('/var/qmail/users/cdb'));
    versionOf(a2.toString('utf8'));
    assert.ok(c2.equals(compileUsersCdb(a2)), `run ${run}: after undo users/cdb does not match users/assign`);
  }
  t.diagnostic(`${undone} runs undone, ${mixed} killed between users/assign and users/cdb`);
  assert.ok(undone > 0, 'no run got far enough to journal a change');
});
