// Issue 15's rules on the source itself: no regular expression is built at
// run time except the ones listed here, each with its bound and a test of
// that bound; nothing outside source/sysroot/ calls the file system.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../e2e/helpers/pty-session.js';
import { parseAssign, probeAssign } from '../../source/qmail/assign.js';

function sourceFiles(dir = path.join(ROOT, 'source')): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.tsx?$/.test(e.name)) out.push(p);
  }
  return out;
}

/** Code without its comments (a comment may name a call it does not make). */
function code(file: string): string {
  return fs
    .readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

const rel = (f: string): string => path.relative(ROOT, f);

/**
 * The regular expressions made at run time, per file, and their bound:
 * assign.ts's GOOD_FIRST is a constant; its stopsFor() grows with the
 * wildcard characters met in users/assign, at most one per byte value
 * (tested below); the local-part pattern is cut at PATTERN_MAX (tested in
 * long-input.test.ts, "the assign probe's pattern bound").
 */
const DYNAMIC_REGEXPS: Record<string, number> = { 'source/qmail/assign.ts': 2 };

test('no regular expression is built at run time except the listed, bounded ones', () => {
  const found: Record<string, number> = {};
  for (const f of sourceFiles()) {
    const n = (code(f).match(/\bRegExp\s*\(/g) ?? []).length;
    if (n) found[rel(f)] = n;
    // String.prototype.match/search/matchAll with a string argument builds a RegExp from it.
    assert.doesNotMatch(code(f), /\.(?:match|matchAll|search)\(\s*(?!\/)[^)]/, `${rel(f)}: match/search with a non-literal pattern`);
  }
  assert.deepEqual(found, DYNAMIC_REGEXPS);
});

test('no file-system call outside source/sysroot/ (host files too go through sysroot/host.ts)', () => {
  const found: string[] = [];
  for (const f of sourceFiles()) {
    const r = rel(f);
    if (r.startsWith('source/sysroot/')) continue;
    const c = code(f);
    assert.doesNotMatch(c, /\breadFileSync\b|\bcreateReadStream\b/, `${r} reads a file itself`);
    if (/['"](?:node:)?fs(?:\/promises)?['"]/.test(c)) found.push(r);
  }
  assert.deepEqual(found, []);
});

test('the assign probe\'s stop pattern is bounded by the byte values: "+" lines ending in every possible wildcard byte agree with the full parse', () => {
  const lines: string[] = [];
  for (let b = 1; b < 256; b++) {
    if (b === 10 || b === 0x3a) continue;
    lines.push(`+x${String.fromCharCode(b)}:u${b}:1:1:/h:-::`);
  }
  // Twice over: a wildcard character seen again adds nothing to the pattern.
  const buf = Buffer.from([...lines, ...lines, '=x:v:1:1:/h:::', '.', ''].join('\n'), 'latin1');
  const full = parseAssign(buf);
  assert.deepEqual(full.errors, []);
  assert.equal(full.entries.length, 2 * lines.length + 1);
  for (const local of ['x', 'x-', 'x\u00ff', 'xa', 'x' + 'a'.repeat(200)]) {
    const p = probeAssign(buf, local);
    assert.deepEqual(p.entries, full.entries.filter((e) => local.startsWith(e.key.slice(1).replace(/\0$/, ''))), JSON.stringify(local));
  }
});
