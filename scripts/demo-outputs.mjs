#!/usr/bin/env node
// The outputs a refactor must leave byte for byte as they were: the trace of
// every address a demo README names (text and --json, fixed --now), each
// installation's queue listing, domains, check and veil, for every bundled
// demo, with Date.now fixed so that ages and next-try times do not move.
//
//   node scripts/demo-outputs.mjs OUTDIR              collect from this tree's dist/
//   node scripts/demo-outputs.mjs --compare REF       build REF (a commit) in a temporary
//                                                     clone, collect both, and diff
//
// The second form is what a "behaviour unchanged" commit is checked with:
// exit 0 and "identical" when every output matches.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';


const here = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const NOW = '2026-11-25T10:00:00Z';

/** Addresses a demo's README writes in backticks (its tables and command lines). */
function readmeAddresses(demoDir) {
  const text = fs.readFileSync(path.join(demoDir, 'README.md'), 'utf8');
  const out = new Set();
  for (const m of text.matchAll(/`([^`\s]+@[^`\s]+)`/g)) {
    const a = m[1].replace(/^trace\s+/, '');
    if (/^[^@]*@[A-Za-z0-9.-]+$/.test(a)) out.add(a);
  }
  for (const m of text.matchAll(/trace ([^\s`]+@[^\s`]+)/g)) out.add(m[1]);
  // And every address the demo tests trace (test/demo/demos.test.ts), in each demo.
  const tests = path.join(here, 'test/demo/demos.test.ts');
  if (fs.existsSync(tests)) for (const m of fs.readFileSync(tests, 'utf8').matchAll(/trace\('([^'\s]+@[^'\s]+)'\)/g)) out.add(m[1]);
  return [...out].sort();
}

function instancesOf(cli, sysroot) {
  const r = spawnSync(process.execPath, [cli, '--sysroot', sysroot, 'domains', '--json'], { encoding: 'utf8' });
  const roots = new Set();
  for (const line of r.stdout.split('\n')) {
    if (!line.trim()) continue;
    try {
      const j = JSON.parse(line);
      if (j.instance) roots.add(j.instance);
      for (const x of j.instances ?? []) if (x.instance) roots.add(x.instance);
    } catch {
      // not JSON: ignore
    }
  }
  return [...roots];
}

/** Run the compiled CLI of `tree` over every demo; write one file per command into outDir. */
export function collect(tree, outDir) {
  const cli = path.join(tree, 'dist/source/cli.js');
  const preload = path.join(outDir, '..', 'fixed-now.mjs');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(
    preload,
    `const T = Date.parse(${JSON.stringify(NOW)});\nconst D = Date;\nglobalThis.Date = class extends D { constructor(...a) { super(...(a.length ? a : [T])); } static now() { return T; } };\n`,
  );
  const run = (name, args) => {
    const r = spawnSync(process.execPath, ['--import', preload, cli, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });
    fs.writeFileSync(path.join(outDir, name), `$ qlens ${args.join(' ')}\nexit ${r.status}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`);
  };
  const demos = fs.readdirSync(path.join(here, 'demo')).filter((d) => fs.existsSync(path.join(here, 'demo', d, 'README.md'))).sort();
  let n = 0;
  for (const demo of demos) {
    // Always the demos of this tree: the same inputs for both builds.
    const sysroot = path.join(here, 'demo', demo);
    const roots = instancesOf(cli, sysroot);
    const addrs = readmeAddresses(sysroot);
    const instSets = roots.length > 1 ? [[], ...roots.map((r) => ['--instance', r])] : [[]];
    for (const inst of instSets) {
      const tag = `${demo}${inst.length ? inst[1].replace(/\//g, '_') : ''}`;
      for (const a of addrs) {
        for (const json of [false, true]) {
          run(`${tag}.trace.${a}${json ? '.json' : ''}`, ['--sysroot', sysroot, ...inst, 'trace', a, '--now', NOW, ...(json ? ['--json'] : [])]);
          n++;
        }
      }
      for (const cmd of [['queue'], ['queue', '--json'], ['queue', '--shape'], ['queue', '--predict-all']]) {
        run(`${tag}.${cmd.join('')}`, ['--sysroot', sysroot, ...inst, ...cmd]);
        n++;
      }
    }
    if (roots.length > 1) {
      for (const a of addrs) {
        run(`${demo}.all.trace.${a}`, ['--sysroot', sysroot, 'trace', a, '--all-instances', '--now', NOW]);
        n++;
      }
    }
    for (const cmd of [['domains'], ['domains', '--json'], ['check'], ['check', '--json'], ['veil'], ['veil', '--json']]) {
      run(`${demo}.${cmd.join('')}`, ['--sysroot', sysroot, ...cmd]);
      n++;
    }
  }
  return n;
}

function compare(ref) {
  const sha = execFileSync('git', ['-C', here, 'rev-parse', ref], { encoding: 'utf8' }).trim();
  // The outputs of a commit do not change: kept per commit (and per set of demos) for the next comparison.
  const demos = fs.readdirSync(path.join(here, 'demo')).sort();
  const inputs = execFileSync('git', ['-C', here, 'rev-parse', 'HEAD:demo'], { encoding: 'utf8' }) + JSON.stringify(demos.map((d) => (fs.existsSync(path.join(here, 'demo', d, 'README.md')) ? readmeAddresses(path.join(here, 'demo', d)) : [])));
  const demoHash = createHash('sha256').update(inputs).digest('hex').slice(0, 12);
  const keep = path.join(os.tmpdir(), `qlens-outputs-${sha.slice(0, 12)}-${demoHash}`);
  const baseOut = path.join(keep, 'out');
  let n = 0;
  if (!fs.existsSync(path.join(keep, 'done'))) {
    fs.rmSync(keep, { recursive: true, force: true });
    const base = path.join(keep, 'tree');
    execFileSync('git', ['-C', here, 'worktree', 'add', '--detach', base, sha], { stdio: 'ignore' });
    try {
      fs.symlinkSync(path.join(here, 'node_modules'), path.join(base, 'node_modules'));
      execFileSync(process.execPath, [path.join(here, 'node_modules/typescript/bin/tsc'), '-p', base], { stdio: 'inherit' });
      n = collect(base, baseOut);
    } finally {
      execFileSync('git', ['-C', here, 'worktree', 'remove', '--force', base], { stdio: 'ignore' });
    }
    fs.writeFileSync(path.join(keep, 'done'), `${n}\n`);
  } else n = Number(fs.readFileSync(path.join(keep, 'done'), 'utf8'));
  execFileSync(process.execPath, [path.join(here, 'node_modules/typescript/bin/tsc'), '-p', here], { stdio: 'inherit' });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qlens-outputs-here-'));
  collect(here, path.join(tmp, 'out'));
  const d = spawnSync('diff', ['-r', baseOut, path.join(tmp, 'out')], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (d.status === 0) {
    console.log(`identical: ${n} outputs of ${ref} (${sha.slice(0, 12)}) and of this tree (${here})`);
    fs.rmSync(tmp, { recursive: true, force: true });
    return 0;
  }
  process.stdout.write(d.stdout);
  console.log(`DIFFERENT: ${ref} in ${baseOut}, this tree in ${path.join(tmp, 'out')}`);
  return 1;
}

const args = process.argv.slice(2);
if (args[0] === '--compare' && args[1]) process.exit(compare(args[1]));
else if (args[0] && !args[0].startsWith('-')) console.log(`${collect(here, path.resolve(args[0]))} outputs written to ${args[0]}`);
else {
  console.error('usage: node scripts/demo-outputs.mjs OUTDIR | --compare REF');
  process.exit(2);
}
