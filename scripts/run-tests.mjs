#!/usr/bin/env node
// Node 20's `node --test` neither expands globs nor discovers compiled files
// reliably, so we list the compiled test files ourselves and say how many
// files we found, so a silently skipped file shows up as a wrong count.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const dirs = args.length ? args : ['test'];

function walk(dir, out) {
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries.sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const files = [];
for (const d of dirs) walk(join(root, 'dist', d), files);
if (files.length === 0) {
  console.error('run-tests: no compiled test files found under dist/' + dirs.join(', dist/'));
  process.exit(1);
}
console.log(`run-tests: ${files.length} test files`);
// End-to-end tests drive real pseudo-terminals; running them in parallel with
// everything else on a 2-core machine makes them flaky, so they run serially
// after the rest.
const e2e = files.filter((f) => f.includes('/e2e/'));
const rest = files.filter((f) => !f.includes('/e2e/'));
let status = 0;
let passed = 0;
let failed = 0;
let skipped = 0;
for (const [group, extra] of [[rest, []], [e2e, ['--test-concurrency=1']]]) {
  if (group.length === 0) continue;
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...extra, ...group.map((f) => relative(root, f))], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env },
    maxBuffer: 256 * 1024 * 1024,
  });
  const out = r.stdout.toString();
  process.stdout.write(out);
  // The spec reporter closes with "ℹ pass N" / "ℹ fail N" lines; sum both runs.
  const count = (word) => {
    const m = out.match(new RegExp('^\\S*\\s*' + word + ' (\\d+)$', 'm'));
    return m ? Number(m[1]) : 0;
  };
  passed += count('pass');
  failed += count('fail');
  skipped += count('skipped');
  if (r.status !== 0) status = r.status ?? 1;
}
if (status !== 0 && failed === 0) failed = 1;
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(status);
