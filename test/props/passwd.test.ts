// /etc/passwd and /etc/group as getpwnam reads them: no throw on any text,
// diagnostics name the file and line, a good line survives bad ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parsePasswd, parseGroup } from '../../source/qmail/passwd.js';
import { decodeBytes } from '../../source/sysroot/sysroot.js';
import { params, bytesArb, garbageLineArb, wordArb, lineCount } from './arbitraries.js';

test('parsePasswd / parseGroup: any bytes, no throw; diagnostics name the file and a line in it', () => {
  fc.assert(
    fc.property(bytesArb(), (buf) => {
      const text = decodeBytes(buf);
      const n = lineCount(Buffer.from(text, 'utf8'));
      const p = parsePasswd(text, '/etc/passwd');
      for (const d of p.diagnostics) {
        assert.equal(d.path, '/etc/passwd');
        assert.ok(d.line !== null && d.line >= 1 && d.line <= n, `line ${d.line} of ${n}`);
      }
      for (const e of p.entries) {
        assert.ok(Number.isInteger(e.uid) && e.uid >= 0);
        assert.ok(e.line >= 1 && e.line <= n);
      }
      const g = parseGroup(text, '/etc/group');
      for (const d of g.diagnostics) {
        assert.equal(d.path, '/etc/group');
        assert.ok(d.line !== null && d.line >= 1 && d.line <= n);
      }
    }),
    params,
  );
});

test('parsePasswd: a good line among garbage lines is read, with its line number', () => {
  const garbage = garbageLineArb().map((l) => Buffer.from(l, 'latin1').toString('latin1'));
  fc.assert(
    fc.property(fc.array(garbage, { maxLength: 8 }), wordArb().map((w) => 'u' + w), fc.nat(60000), fc.nat(60000), wordArb(), fc.array(garbage, { maxLength: 8 }), (before, name, uid, gid, home, after) => {
      const good = `${name}:x:${uid}:${gid}:Gecos:/home/${home}:/bin/sh`;
      const text = [...before, good, ...after].join('\n') + '\n';
      const p = parsePasswd(text, '/etc/passwd');
      const e = p.entries.find((x) => x.line === before.length + 1);
      assert.ok(e, `line ${before.length + 1} not read`);
      assert.deepEqual([e.name, e.uid, e.gid, e.home], [name, uid, gid, `/home/${home}`]);
    }),
    params,
  );
});
