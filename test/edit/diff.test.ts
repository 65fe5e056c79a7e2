import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { diffLines, unifiedDiff } from '../../source/edit/diff.js';

function lcsLength(a: string[], b: string[]): number {
  const dp = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) dp[i][j] = a[i - 1] === b[j - 1] ? dp[i - 1][j - 1] + 1 : Math.max(dp[i - 1][j], dp[i][j - 1]);
  return dp[a.length][b.length];
}

test('the edit script rebuilds both sides and keeps a longest common subsequence', () => {
  const line = fc.constantFrom('a', 'b', 'c', 'd', '');
  fc.assert(
    fc.property(fc.array(line, { maxLength: 30 }), fc.array(line, { maxLength: 30 }), (a, b) => {
      const ops = diffLines(a, b);
      assert.deepEqual(ops.filter((o) => o.op !== '+').map((o) => o.text), a);
      assert.deepEqual(ops.filter((o) => o.op !== '-').map((o) => o.text), b);
      assert.equal(ops.filter((o) => o.op === ' ').length, lcsLength(a, b));
    }),
    { numRuns: Number(process.env.QLENS_FC_RUNS ?? 300) },
  );
});

test('unified diff as diff -u prints it', () => {
  const a = 'example.com:alice\nexample.net:bob\n';
  const b = 'example.com:alice\nexample.net:bob\nexample.org:carol\n';
  assert.equal(
    unifiedDiff(a, b, '/var/qmail/control/virtualdomains'),
    [
      '--- /var/qmail/control/virtualdomains',
      '+++ /var/qmail/control/virtualdomains',
      '@@ -1,2 +1,3 @@',
      ' example.com:alice',
      ' example.net:bob',
      '+example.org:carol',
      '',
    ].join('\n'),
  );
  assert.equal(unifiedDiff(a, a, '/x'), '');
  assert.equal(unifiedDiff(null, 'x\n', '/home/a/.qmail-x'), '--- /dev/null\n+++ /home/a/.qmail-x\n@@ -0,0 +1 @@\n+x\n');
  assert.equal(unifiedDiff('x', 'x\n', '/f'), '--- /f\n+++ /f\n@@ -1 +1 @@\n-x\n\\ No newline at end of file\n+x\n');
});

test('distant changes make separate hunks with three lines of context', () => {
  const a = Array.from({ length: 20 }, (_, i) => `l${i}`).join('\n') + '\n';
  const b = a.replace('l1\n', 'L1\n').replace('l18\n', 'L18\n');
  const d = unifiedDiff(a, b, '/f');
  assert.equal((d.match(/^@@/gm) ?? []).length, 2);
  assert.match(d, /@@ -1,5 \+1,5 @@/);
  assert.match(d, /@@ -16,5 \+16,5 @@/);
});
