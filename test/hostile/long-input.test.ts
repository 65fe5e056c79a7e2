// Issue 15.1 and 15.2: input far longer than normal in the fields that are
// looked up. A local part of 2,700 characters used to abort node in the
// users/assign probe (a regular expression nesting one group per
// character), a domain of 40,000 in the virtualdomains look-up ("Invalid
// regular expression: too large"). Look-ups of untrusted strings are plain
// string comparisons now; the one pattern left that grows with a local part
// has a bound (PATTERN_MAX), tested here on both sides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build, runClean, loadTui } from './harness.js';
import { runCli, assertClean } from './cli-run.js';
import { parseAssign, probeAssign, PATTERN_MAX } from '../../source/qmail/assign.js';
import { colonLookup, colonMap, readListLines } from '../../source/qmail/control-readers.js';
import { loadSystemUsers } from '../../source/qmail/passwd.js';
import { referencesRoot } from '../../source/qmail/startup.js';
import { makeFixture } from '../helpers/fixture.js';

const ASSIGN = '=carol:alice:1001:1001:/home/alice:::\n+al:alice:1001:1001:/home/alice:-::\n+:alias:7790:2108:/var/qmail/alias:-::\n.\n';

for (const n of [2_700, 100_000, 1_000_000]) {
  test(`a local part of ${n} characters: trace, queue (text, --json, --message) and the TUI all answer`, { timeout: 180_000 }, async () => {
    const local = 'al' + 'x'.repeat(n - 2);
    const b = build({ '/var/qmail/users/assign': ASSIGN }, [
      { id: 1000001, sender: 'alice@example.com', born: '2026-11-25T10:00:00Z', recipients: [{ address: `${local}@example.com`, channel: 'local' }], content: 'Subject: x\n\n' },
    ]);
    // A million characters does not fit one argument (MAX_ARG_STRLEN is 128 KiB): standard input carries it.
    const args = n > 100_000 ? ['trace', '-'] : ['trace', `${local}@example.com`];
    const t = runCli(['--sysroot', b.fx.dir, ...args, '--now', '2026-11-25T12:00:00Z'], { input: `${local}@example.com\n` });
    assertClean(t, [0, 2]);
    for (const q of [['queue'], ['queue', '--json'], ['queue', '--message', '1000001']]) assertClean(runCli(['--sysroot', b.fx.dir, ...q]), [0]);
    if (n <= 100_000) {
      const tui = await loadTui(b.fx.dir, [
        { kind: 'message', instance: '/var/qmail', id: 1000001 },
        { kind: 'trace', address: `${local}@example.com` },
      ]);
      assert.ok(tui.details['message:/var/qmail:1000001'], 'the message opens');
    }
  });
}

test(`the assign probe's pattern bound: ${PATTERN_MAX} and ${PATTERN_MAX + 1} characters find the same lines as the full parse`, () => {
  for (const len of [PATTERN_MAX - 1, PATTERN_MAX, PATTERN_MAX + 1, 5_000]) {
    const local = 'a'.repeat(len);
    // Keys that are prefixes at the edges: the whole local part, one short, the first character.
    const buf = Buffer.from(`=${local}:u:1:1:/h:::\n+${local.slice(0, -1)}:u:1:1:/h:-::\n+a:u:1:1:/h:-::\n=b:u:1:1:/h:::\n.\n`);
    const full = parseAssign(buf);
    const p = probeAssign(buf, local);
    assert.deepEqual(p.entries, full.entries.filter((e) => local.startsWith(e.key.slice(1).replace(/\0$/, ''))), `length ${len}`);
    assert.equal(p.entries.length, 3);
  }
});

for (const n of [40_000, 1_000_000]) {
  test(`a domain of ${n} characters: trace, trace -, and a .qmail forward that long`, { timeout: 120_000 }, async () => {
    const domain = 'd'.repeat(n - 8) + '.example';
    const b = build({ '/home/alice/.qmail-fwd': { content: `&bob@${domain}\n`, uid: 1001, gid: 1001 } });
    if (n <= 100_000) assertClean(runCli(['--sysroot', b.fx.dir, 'trace', `bob@${domain}`]), [0, 2]);
    assertClean(runCli(['--sysroot', b.fx.dir, 'trace', '-'], { input: `bob@${domain}\nalice@example.com\n` }), [0, 2]);
    const fwd = runCli(['--sysroot', b.fx.dir, 'trace', 'alice-fwd@example.com']);
    assertClean(fwd, [0]);
    assert.match(fwd.stdout, /^remote +bob@d+/m);
    await runClean('trace', b.sysroot(), { positionals: ['alice-fwd@example.com'] });
  });
}

test('colonLookup is a plain string look-up: keys with regular-expression characters and huge keys match only themselves', () => {
  const buf = Buffer.from('a.b:one\naxb:two\n.*:three\n(x:four\nA.B:five\n#a.b:c\n' + 'k'.repeat(50_000) + ':six\n');
  const keys = ['a.b', '.*', '(x', 'axb', 'a', 'k'.repeat(50_000), 'k'.repeat(50_001), '#a.b', 'z:y', 'q\nr'];
  const got = colonLookup(buf, keys)!;
  const all = colonMap(readListLines(buf)!).map;
  for (const k of keys) assert.deepEqual(got.get(k), k.includes(':') || k.includes('\n') || k.startsWith('#') ? undefined : all.get(k), k.slice(0, 20));
  assert.equal(got.get('a.b')!.value, 'five', 'the last duplicate wins, in any letter case');
  assert.equal(got.get('a.b')!.line, 5);
});

test('passwd look-ups by name and uid are plain comparisons: names with regular-expression characters, huge names', () => {
  const fx = makeFixture({ '/etc/passwd': 'a.b:x:5:5::/h1:/bin/sh\naxb:x:6:6::/h2:/bin/sh\nz:x:0005:5::/h3:/bin/sh\n(x:x:7:7::/h4:/bin/sh\n' });
  const users = loadSystemUsers(fx.sysroot());
  assert.equal(users.byName('a.b')?.home, '/h1');
  assert.equal(users.byName('a*b'), null);
  assert.equal(users.byName('(x')?.uid, 7);
  assert.equal(users.byName('x'.repeat(1_000_000)), null);
  assert.equal(users.byUid(5)?.name, 'a.b');
  assert.equal(users.byUid(6)?.name, 'axb');
});

test('referencesRoot is a plain search with a name boundary', () => {
  assert.equal(referencesRoot('exec /var/qmail/bin/qmail-start', '/var/qmail'), true);
  assert.equal(referencesRoot('exec /var/qmail2/bin/qmail-start', '/var/qmail'), false);
  assert.equal(referencesRoot('x /var/qmail2 y /var/qmail', '/var/qmail'), true);
  assert.equal(referencesRoot('/a.b', '/a*b'), false);
  assert.equal(referencesRoot('x', '/' + 'q'.repeat(1_000_000)), false);
});
