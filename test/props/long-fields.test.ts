// Lengths far beyond normal (10^3-10^6 characters) in every field that is
// looked up, and numbers beyond 2^53: the look-ups stay plain comparisons
// (they agree with the full parses), nothing throws, and numbers qmail could
// not hold are said to be so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseAssign, probeAssign } from '../../source/qmail/assign.js';
import { colonLookup, colonMap, readListLines, readIntValue, QMAIL_INT_MAX } from '../../source/qmail/control-readers.js';
import { parsePasswd } from '../../source/qmail/passwd.js';
import { parseFsmeta } from '../../source/sysroot/fsmeta.js';
import { parseDotQmail } from '../../source/qmail/dotqmail.js';
import { hugeStringArb, bigNumberArb, hugeParams, params } from './arbitraries.js';

test('users/assign probe with a huge local part agrees with the full parse', () => {
  fc.assert(
    fc.property(hugeStringArb('abx-.'), fc.nat(5), (local, cut) => {
      const key = local.slice(0, Math.max(1, local.length - cut));
      const buf = Buffer.from(`=${local}:u:1:1:/h:::\n+${key}:u:1:1:/h:-::\n+a:u:1:1:/h:-::\n.\n`, 'latin1');
      const full = parseAssign(buf);
      const p = probeAssign(buf, local);
      assert.deepEqual(p.entries, full.entries.filter((e) => local.startsWith(e.key.slice(1).replace(/\0$/, ''))));
    }),
    hugeParams,
  );
});

test('colonLookup with huge keys and huge lines agrees with colonMap', () => {
  fc.assert(
    fc.property(hugeStringArb('abc.-*+?()'), hugeStringArb('xyz:'), fc.boolean(), (key, value, upper) => {
      const written = upper ? key.toUpperCase() : key;
      const buf = Buffer.from(`other.example:o\n${written}:${value}\n#${key}:c\n`, 'latin1');
      const all = colonMap(readListLines(buf)!).map;
      const got = colonLookup(buf, [key, key + 'x', key.slice(1)])!;
      for (const k of [key, key + 'x', key.slice(1)]) assert.deepEqual(got.get(k), k.includes(':') ? undefined : all.get(k));
    }),
    hugeParams,
  );
});

test('passwd, .fsmeta and .qmail parsers take lines of huge fields without throwing; long .fsmeta lines are quoted short', () => {
  fc.assert(
    fc.property(hugeStringArb(), fc.constantFrom(0, 1, 2, 3, 4, 5), (s, field) => {
      const f = ['alice', 'x', '1001', '1001', '', '/home/alice', '/bin/sh'];
      f[field] = s;
      parsePasswd(f.join(':') + '\n');
      const meta = ['0644', '0', '0', '/x', '2026-01-01T00:00:00Z'];
      meta[Math.min(field, 4)] = s;
      for (const d of parseFsmeta(meta.join(' ') + '\n').diagnostics) assert.ok(d.message.length < 300, d.message.slice(0, 300));
      parseDotQmail('/home/alice/.qmail', Buffer.from(`&${s}@example.com\n|${s}\n./${s}/\n`, 'latin1'));
    }),
    hugeParams,
  );
});

test('numbers beyond 2^31, 2^53 and 2^64: control_readint says the overflow and holds the low 32 bits; .fsmeta refuses ids and times it cannot hold', () => {
  fc.assert(
    fc.property(bigNumberArb, (n) => {
      const r = readIntValue(Buffer.from(n + '\n'), 5);
      assert.equal(r.fromFile, true);
      assert.ok(r.overflow !== undefined, n);
      assert.equal(r.value, Number(BigInt.asIntN(32, BigInt(n) % 2n ** 64n)));
      assert.ok(r.value >= -(2 ** 31) && r.value <= QMAIL_INT_MAX);
      // A uid_t holds up to 2^32-2 (2^32-1 is "no id"); a Date up to 8.64e15 ms.
      const idFits = BigInt(n) <= 2n ** 32n - 2n;
      const timeFits = BigInt(n) * 1000n <= 8_640_000_000_000_000n;
      const meta = parseFsmeta(`0644 ${n} 0 /a\n0644 0 ${n} /b\n0644 0 0 /c ${n}\n`);
      const want: Array<[string, number | undefined]> = [];
      if (idFits) want.push(['/a', undefined], ['/b', undefined]);
      want.push(['/c', timeFits ? Number(n) * 1000 : undefined]);
      assert.deepEqual(meta.entries.map((e) => [e.path, e.mtimeMs]), want);
      assert.equal(meta.diagnostics.length, (idFits ? 0 : 2) + (timeFits ? 0 : 1));
      for (const d of meta.diagnostics) assert.ok(d.message.length < 300 && !d.message.includes('\n'));
    }),
    params,
  );
});
