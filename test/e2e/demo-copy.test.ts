// Issue 21 point 5 and 6: a demo opens as a private copy (the checkout's
// demo/ stays byte for byte as it was after an edit is applied, the copy is
// gone at exit, the Applied screen names the undo that works), and its queue
// is told at "now" (no message is past queuelifetime).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withSession, ROOT } from './helpers/pty-session.js';
import { KEYS } from '../ui/helpers/keys.js';

/** Every path under dir with its type, mode and content hash. */
function treeDigest(dir: string): string {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      const st = fs.lstatSync(p);
      const rel = path.relative(dir, p);
      if (st.isDirectory()) {
        out.push(`d ${(st.mode & 0o7777).toString(8)} ${rel}`);
        walk(p);
      } else if (st.isSymbolicLink()) out.push(`l ${rel} ${fs.readlinkSync(p)}`);
      else out.push(`f ${(st.mode & 0o7777).toString(8)} ${rel} ${crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex')}`);
    }
  };
  walk(dir);
  return out.join('\n');
}

test('--demo plain: an applied edit goes to a private copy, removed at exit; demo/ is untouched', { timeout: 240_000 }, async () => {
  const demo = path.join(ROOT, 'demo', 'plain');
  const before = treeDigest(demo);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qlens-e2e-tmp-'));
  try {
    await withSession({ args: ['--demo', 'plain'], cols: 100, rows: 30, env: { TMPDIR: tmp } }, async (s) => {
      await s.untilText('demo copy: changes vanish at exit', 30_000);
      await s.untilText(/q quit/, 30_000);
      // The queue is told at now: ages in hours, nothing expired.
      await s.press('2');
      let t = await s.untilText(/13 listed/, 30_000);
      assert.ok(!t.includes('expired'), 'no demo message is past queuelifetime');
      assert.match(t, /918212 +8h /);
      await s.press('1');
      await s.untilText(/domain +\/var\/qmail/);
      await s.press('e');
      await s.untilText('Add a virtual domain');
      await s.press('a');
      await s.untilText('prepend (user)');
      await s.press('\u0015');
      await s.type('new.example');
      await s.press(KEYS.tab);
      await s.type('alice');
      await s.press(KEYS.enter);
      await s.untilText('Apply? y = apply', 30_000);
      await s.press('y');
      // The result's own lines, not only its title (a frame can reach the pty in two pieces).
      t = await s.untilText(/qlens --sysroot\s+\S+\s+undo/, 30_000);
      assert.match(t, /^Applied$/m);
      const copy = /qlens --sysroot\s+(\S+)\s+undo/.exec(t)?.[1];
      assert.ok(copy, 'the hint names the sysroot');
      assert.ok(copy!.startsWith(tmp + '/'), `the copy is under the temporary directory: ${copy}`);
      assert.match(fs.readFileSync(path.join(copy!, 'var/qmail/control/virtualdomains'), 'utf8'), /^new\.example:alice$/m);
      assert.ok(fs.existsSync(path.join(copy!, 'var/backups/qlens')));
      assert.equal(treeDigest(demo), before, 'demo/plain is byte-identical');
      await s.press('x');
      await s.until((t) => !t.includes('Applied'), 'result closed');
      await s.press('q');
      assert.equal(await s.exited, 0);
    });
    assert.deepEqual(fs.readdirSync(tmp), [], 'the copy is removed at exit');
    assert.equal(treeDigest(demo), before);
    assert.equal(fs.existsSync(path.join(demo, 'var', 'backups')), false);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('--now fixes the time a demo is read at: its own times, ages from then', { timeout: 240_000 }, async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qlens-e2e-tmp-'));
  try {
    await withSession({ args: ['--demo', 'plain', '--now', '2026-11-30T09:00:00Z'], env: { TMPDIR: tmp } }, async (s) => {
      await s.untilText(/q quit/, 30_000);
      await s.press('2');
      // Six days later than the demo's story: the 918212 message is 6d8h old.
      const t = await s.untilText(/13 listed/, 30_000);
      assert.match(t, /918212 +6d8h /);
      await s.press('q');
      assert.equal(await s.exited, 0);
    });
    assert.deepEqual(fs.readdirSync(tmp), []);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
