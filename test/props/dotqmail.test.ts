// .qmail files as qmail-local reads them: every line classified, nothing
// thrown, diagnostics name the file and a line, targets consistent with kinds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseDotQmail } from '../../source/qmail/dotqmail.js';
import { decodeBytes } from '../../source/sysroot/sysroot.js';
import { params, bytesArb, garbageLineArb, wordArb } from './arbitraries.js';

const PATH = '/home/alice/.qmail-lists';
const KINDS = new Set(['comment', 'program', 'forward', 'mbox', 'maildir', 'blank']);

test('parseDotQmail: any bytes; one entry per line, known kinds, diagnostics name file and line', () => {
  fc.assert(
    fc.property(bytesArb(), (buf) => {
      const f = parseDotQmail(PATH, buf);
      const text = decodeBytes(buf);
      const expected = text.length === 0 ? 0 : (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n').length;
      assert.equal(f.lines.length, expected);
      f.lines.forEach((l, i) => {
        assert.equal(l.line, i + 1);
        assert.ok(KINDS.has(l.kind), l.kind);
        if (l.kind === 'maildir') assert.ok(l.target.endsWith('/') || l.target.includes('\0') || l.raw.includes('\0'));
        if (l.kind === 'maildir' || l.kind === 'mbox') assert.ok(l.target.startsWith('.') || l.target.startsWith('/'));
      });
      assert.equal(f.hasDelivery, f.lines.some((l) => ['program', 'forward', 'mbox', 'maildir'].includes(l.kind)));
      for (const d of f.diagnostics) {
        assert.equal(d.path, PATH);
        assert.ok(d.line !== null && d.line >= 1 && d.line <= f.lines.length);
      }
    }),
    params,
  );
});

test('parseDotQmail: a maildir and a forward line keep their meaning among garbage lines', () => {
  fc.assert(
    fc.property(fc.array(garbageLineArb(), { maxLength: 6 }), wordArb(), wordArb(), fc.array(garbageLineArb(), { maxLength: 6 }), (before, dir, user, after) => {
      const lines = [...before, `./${dir}/`, `&${user}@example.com`, ...after];
      const f = parseDotQmail(PATH, Buffer.from(lines.join('\n') + '\n', 'latin1'));
      const m = f.lines[before.length];
      const fw = f.lines[before.length + 1];
      assert.equal(m.kind, 'maildir');
      assert.equal(m.target, `./${dir}/`);
      assert.equal(fw.kind, 'forward');
      assert.equal(fw.target, `${user}@example.com`);
    }),
    params,
  );
});
