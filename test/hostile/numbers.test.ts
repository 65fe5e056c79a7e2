// Issue 15.4: names and numbers beyond what qmail itself can hold — a split
// directory mess/100000000 or mess/99999999999999999999, a message file
// whose number is beyond 2^53 or 2^64, a control/queuelifetime beyond
// qmail-send's int, a .fsmeta mtime beyond what a date holds. Each is a
// problem naming the file (and line), and everything else is still listed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { build, runClean, loadTui, NOW } from './harness.js';
import { runCli, assertClean } from './cli-run.js';
import { readIntValue, QMAIL_INT_MAX } from '../../source/qmail/control-readers.js';

for (const name of ['100000000', '99999999999999999999', '4294967296', String(2 ** 53 + 1)]) {
  test(`a directory mess/${name}: reported, the split stays 23, every message listed (text, --json, --predict-all --json)`, { timeout: 120_000 }, async () => {
    const b = build();
    fs.mkdirSync(b.fx.host(`/var/qmail/queue/mess/${name}`));
    const r = await runClean('queue', b.sysroot());
    assert.equal(r.status, 0, r.err);
    assert.match(r.out, /#1000001 /);
    assert.match(r.err, new RegExp(`^qlens: /var/qmail/queue/mess/${name}: warning: a split directory beyond the split the others show \\(23\\): qmail-send never looks there$`, 'm'));
    for (const args of [['queue', '--json'], ['queue', '--predict-all', '--json']]) {
      const c = runCli(['--sysroot', b.fx.dir, ...args], { timeout: 60_000 });
      assertClean(c, [0]);
      const j = JSON.parse(c.stdout);
      assert.equal(j.split, 23);
      assert.deepEqual(j.messages.map((m: { id: number }) => m.id), [1000001]);
      assert.ok(j.problems.some((p: { path: string }) => p.path === `/var/qmail/queue/mess/${name}`));
    }
  });
}

test('a split inferred from the names where at least half of 0..N exist; far-off directories: ten named, the rest counted', async () => {
  const b = build();
  fs.mkdirSync(b.fx.host('/var/qmail/queue/mess/40'));
  const r = await runClean('queue', b.sysroot());
  assert.match(r.err, /split directories missing: mess\/23, mess\/24, .*mess\/39 \(qmail-send/);
  // 23 of 0..40 exist: split 41 is what the names say (the message then lies in the wrong directory, and is said to).
  assert.match(r.out, /split 41$/m);
  assert.match(r.err, /message 1000001 lies in mess\/7, but 1000001 mod 41 is/);
  for (let i = 41; i < 60; i++) fs.mkdirSync(b.fx.host(`/var/qmail/queue/mess/${i * 50}`));
  const r2 = await runClean('queue', b.sysroot());
  assert.match(r2.out, /split 41$/m);
  assert.equal(r2.err.split('\n').filter((l) => /a split directory beyond the split/.test(l)).length, 10);
  assert.match(r2.err, /^qlens: \/var\/qmail\/queue\/mess: warning: 9 more directories beyond the split \(41\)$/m);
});

test('message files numbered beyond 2^53 and beyond 2^64: each reported under its own name, the others listed', async () => {
  const b = build();
  const over53 = String(2n ** 53n + 7n);
  const over64 = '99999999999999999999';
  const long = '7'.repeat(250);
  for (const n of [over53, over64, long]) fs.writeFileSync(b.fx.host(`/var/qmail/queue/mess/7/${n}`), 'x');
  const r = await runClean('queue', b.sysroot());
  assert.equal(r.status, 0);
  assert.match(r.out, /#1000001 /);
  assert.match(r.err, new RegExp(`^qlens: /var/qmail/queue/mess/7/${over53}: warning: a message number beyond 2\\^53, more than qlens can hold exactly: not listed$`, 'm'));
  assert.match(r.err, new RegExp(`^qlens: /var/qmail/queue/mess/7/${over64}: warning: a message number beyond any inode number \\(2\\^64\\)`, 'm'));
  assert.match(r.err, /^qlens: \/var\/qmail\/queue\/mess\/7\/7{20}… \(250 digits\): warning/m);
  assert.doesNotMatch(r.err, /100000000000000000000/, 'the name as written, not as a double rounds it');
  const m = await runClean('queue', b.sysroot(), { options: { message: over64 } });
  assert.equal(m.status, 2);
});

test('control/queuelifetime beyond an int: a problem with file and line saying what qmail-send reads, the listing goes on', async () => {
  const b = build({ '/var/qmail/control/queuelifetime': '99999999999999999999\n' });
  const r = await runClean('queue', b.sysroot());
  assert.equal(r.status, 0);
  assert.match(r.out, /#1000001 /);
  // scan_ulong wraps modulo 2^64, the int keeps the low 32 bits: 99999999999999999999 mod 2^32.
  assert.match(r.err, /^qlens: \/var\/qmail\/control\/queuelifetime:1: error: 99999999999999999999 does not fit qmail-send's int \(at most 2147483647\): qmail reads it as 1661992959 seconds$/m);
  // qlens check says it too, as it says every integer control file qmail would misread.
  fs.writeFileSync(b.fx.host('/var/qmail/control/concurrencyremote'), '4294967316\n');
  const c = await runClean('check', b.sysroot());
  assert.match(c.out, /^\/var\/qmail\/control\/queuelifetime:1: error: 99999999999999999999 does not fit qmail-send's int \(at most 2147483647\): qmail reads it as 1661992959$/m);
  assert.match(c.out, /^\/var\/qmail\/control\/concurrencyremote:1: error: 4294967316 does not fit qmail-send's int \(at most 2147483647\): qmail reads it as 20$/m);
  const j = await runClean('queue', b.sysroot(), { json: true });
  assert.equal(JSON.parse(j.out).summary.queuelifetime, 1661992959);
  const tui = await loadTui(b.fx.dir, [{ kind: 'message', instance: '/var/qmail', id: 1000001 }]);
  const d = tui.details['message:/var/qmail:1000001'];
  assert.ok(d && d.kind === 'message' && d.message, 'the message opens');
});

test('readIntValue is control_readint: digits folded modulo 2^32 into a signed int, overflow said, a million digits cheap', () => {
  const v = (s: string) => readIntValue(Buffer.from(s + '\n'), 7);
  assert.deepEqual(v('604800'), { value: 604800, fromFile: true });
  assert.deepEqual(v(String(QMAIL_INT_MAX)), { value: QMAIL_INT_MAX, fromFile: true });
  assert.deepEqual(v('2147483648'), { value: -2147483648, fromFile: true, overflow: '2147483648' });
  assert.deepEqual(v('4294967296'), { value: 0, fromFile: true, overflow: '4294967296' });
  assert.deepEqual(v('4294967297x'), { value: 1, fromFile: true, overflow: '4294967297' });
  assert.equal(v('18446744073709551617').value, 1, '2^64 + 1 wraps twice');
  assert.deepEqual(v('x12'), { value: 7, fromFile: false });
  const million = v('9'.repeat(1_000_000));
  // 10^k is a multiple of 2^32 once k >= 32, so 10^1000000 - 1 is 2^32 - 1 modulo 2^32: -1 as an int.
  assert.equal(million.value, -1);
  assert.match(million.overflow!, /^9{20}… \(1000000 digits\)$/);
});

test('a .fsmeta mtime beyond what a date holds (99999999999999 s): a problem at its line, the real mtime used, no "Invalid time value" anywhere', async () => {
  const b = build();
  fs.appendFileSync(b.fx.host('/.fsmeta'), '0644 0 0 /var/qmail/queue/info/7/1000001 99999999999999\n0644 0 0 /var/qmail/queue/mess/7/1000001 9999999999999999999999\n');
  const lines = fs.readFileSync(b.fx.host('/.fsmeta'), 'utf8').split('\n');
  const at = lines.findIndex((l) => l.endsWith(' 99999999999999')) + 1;
  const s = b.sysroot();
  const r = await runClean('queue', s);
  assert.match(r.out, /#1000001 /);
  assert.doesNotMatch(r.out + r.err, /NaN|Invalid/);
  assert.deepEqual(
    s.takeProblems().map((p) => `${p.path}:${p.line}`),
    [`/.fsmeta:${at}`, `/.fsmeta:${at + 1}`],
  );
  const c = runCli(['--sysroot', b.fx.dir, 'queue']);
  assertClean(c, [0]);
  assert.match(c.stderr, new RegExp(`^qlens: /\\.fsmeta:${at}: warning: bad modification time "99999999999999"`, 'm'));
  const check = runCli(['--sysroot', b.fx.dir, 'check']);
  assert.match(check.stdout, new RegExp(`^/\\.fsmeta:${at}: warning: bad modification time`, 'm'));
  const tui = await loadTui(b.fx.dir, [{ kind: 'message', instance: '/var/qmail', id: 1000001 }]);
  const d = tui.details['message:/var/qmail:1000001'];
  assert.ok(d && d.kind === 'message' && d.message && !d.error, 'the message opens');
  void NOW;
});

test('.fsmeta uids and gids beyond a uid_t, and lines of a million characters: problems at their lines, quoted short', async () => {
  const b = build();
  fs.appendFileSync(b.fx.host('/.fsmeta'), `0644 99999999999 0 /etc/passwd\n0644 0 0 /x${'y'.repeat(1_000_000)}\n${'z'.repeat(1_000_000)}\n`);
  const s = b.sysroot();
  await runClean('trace', s);
  const probs = s.takeProblems();
  assert.equal(probs.length, 2, JSON.stringify(probs.map((p) => p.message.slice(0, 100))));
  for (const p of probs) assert.ok(p.message.length < 300, p.message.slice(0, 300));
});
