// qmail's control-file readers over any bytes: never a throw, line numbers
// that point into the file, and a good line still read whatever surrounds it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readLineValue, readListLines, readIntValue, colonMap, lcAscii, stripTrailing } from '../../source/qmail/control-readers.js';
import { params, bytesArb, garbageLineArb, wordArb, linesToBuffer, lineCount } from './arbitraries.js';

test('readListLines: any bytes; lines numbered inside the file, none empty, none a comment, no trailing blanks', () => {
  fc.assert(
    fc.property(bytesArb(), (buf) => {
      const out = readListLines(buf)!;
      const n = lineCount(buf);
      let prev = 0;
      for (const l of out) {
        assert.ok(l.line >= 1 && l.line <= n, `line ${l.line} of ${n}`);
        assert.ok(l.nulPiece ? l.line >= prev : l.line > prev, 'line numbers increase');
        prev = l.line;
        // Pieces of a line split at a NUL byte skip qmail's empty/comment checks.
        if (l.nulPiece) continue;
        assert.notEqual(l.text, '');
        assert.ok(!l.text.startsWith('#'));
        assert.equal(l.text, stripTrailing(l.text));
      }
    }),
    params,
  );
});

test('readListLines: a good line survives garbage lines around it, with its own line number', () => {
  fc.assert(
    fc.property(fc.array(garbageLineArb()), wordArb(), fc.array(garbageLineArb()), fc.boolean(), (before, good, after, finalNl) => {
      const text = good.startsWith('#') ? 'x' + good : good;
      const buf = linesToBuffer([...before, text, ...after], finalNl);
      const out = readListLines(buf)!;
      assert.ok(
        out.some((l) => l.text === text && l.line === before.length + 1),
        `"${text}" at line ${before.length + 1} not in ${JSON.stringify(out.slice(0, 5))}`,
      );
    }),
    params,
  );
});

test('readLineValue / readIntValue: any bytes, never a throw; absent is not empty', () => {
  fc.assert(
    fc.property(bytesArb(), fc.integer({ min: 0, max: 1000 }), (buf, def) => {
      const v = readLineValue(buf);
      assert.equal(typeof v, 'string');
      assert.ok(!v!.includes('\n'));
      const i = readIntValue(buf, def);
      assert.ok(Number.isInteger(i.value) || i.value > 2 ** 53, String(i.value));
      if (!i.fromFile) assert.equal(i.value, def);
      else assert.ok(i.value >= 0);
    }),
    params,
  );
  assert.equal(readLineValue(null), null);
  assert.equal(readListLines(null), null);
  assert.deepEqual(readIntValue(null, 7), { value: 7, fromFile: false });
});

test('colonMap: keys lower-cased (ASCII only), the last duplicate wins, lines without a colon set aside', () => {
  fc.assert(
    fc.property(bytesArb(), (buf) => {
      const lines = readListLines(buf)!;
      const { map, noColon } = colonMap(lines);
      for (const l of noColon) assert.ok(!l.text.includes(':'));
      const last = new Map<string, number>();
      for (const l of lines) {
        const c = l.text.indexOf(':');
        if (c >= 0) last.set(lcAscii(l.text.slice(0, c)), l.line);
      }
      assert.equal(map.size, last.size);
      for (const [k, e] of map) {
        assert.equal(k, lcAscii(e.key));
        assert.equal(e.line, last.get(k));
      }
    }),
    params,
  );
});

test('control table (control.ts): any bytes in any control file, no throw; warnings name the file and a line in it', async () => {
  const { effectiveValue, effectiveInt, controlTable, whitespaceWarnings } = await import('../../source/qmail/control.js');
  const names = ['me', 'defaultdomain', 'plusdomain', 'envnoathost', 'bouncehost', 'concurrencylocal', 'queuelifetime', 'locals', 'rcpthosts', 'virtualdomains', 'smtproutes', 'timeoutremote', 'databytes'];
  fc.assert(
    fc.property(fc.constantFrom(...names), bytesArb(), fc.option(wordArb(), { nil: null }), (name, buf, me) => {
      const path = `/var/qmail/control/${name}`;
      const v = effectiveValue(name, buf, me, path);
      assert.equal(v.path, path);
      const i = effectiveInt(name, buf, 120, path);
      assert.ok(Number.isFinite(i.value));
      const n = lineCount(buf);
      for (const d of whitespaceWarnings(name, buf, path)) {
        assert.equal(d.path, path);
        assert.ok(d.line === null || (d.line >= 1 && d.line <= n), `line ${d.line} of ${n}`);
      }
      const rows = controlTable('/var/qmail/control', (x) => (x === name ? buf : null), 120);
      assert.ok(Array.isArray(rows));
    }),
    params,
  );
});
