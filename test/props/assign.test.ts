// users/assign as qmail-newu reads it: any bytes parse without a throw,
// every format error names the file and a line inside it, a good line keeps
// its entry among bad ones, and the compiler refuses only with its own error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseAssign, compileUsersCdb, usersCdbRecords, AssignFormatError } from '../../source/qmail/assign.js';
import { CdbReader } from '../../source/qmail/cdb.js';
import { params, bytesArb, mutated, garbageLineArb, wordArb, linesToBuffer, lineCount } from './arbitraries.js';

const PATH = '/var/qmail/users/assign';

const fieldArb = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789/-_.'.split('')), maxLength: 12 });
const assignLineArb = fc
  .tuple(fc.constantFrom('=', '+'), wordArb(), wordArb(), fc.nat(65535), fc.nat(65535), fieldArb, fc.constantFrom('', '-'), fieldArb)
  .map(([lead, local, user, uid, gid, home, dash, ext]) => ({ lead, local, user, uid: String(uid), gid: String(gid), home: '/' + home, dash, ext }));
const validFile = fc.array(assignLineArb, { maxLength: 20 }).map((ls) => linesToBuffer([...ls.map((l) => `${l.lead}${l.local}:${l.user}:${l.uid}:${l.gid}:${l.home}:${l.dash}:${l.ext}:`), '.']));

function checkParse(buf: Buffer): void {
  const p = parseAssign(buf, PATH);
  const n = lineCount(buf);
  for (const e of p.errors) {
    assert.equal(e.path, PATH);
    assert.ok(e.line === null || (e.line >= 1 && e.line <= Math.max(1, n)), `error line ${e.line} of ${n}`);
    assert.ok(e.message.length > 0);
  }
  for (const e of p.entries) assert.ok(e.line >= 1 && e.line <= n);
  if (p.terminatorLine !== null) assert.ok(p.terminatorLine >= 1 && p.terminatorLine <= n);
}

test('parseAssign: random bytes never throw; errors name the file and a line in it', () => {
  fc.assert(fc.property(bytesArb(), checkParse), params);
});

test('parseAssign: a valid file with bytes flipped, cut or spliced never throws', () => {
  fc.assert(fc.property(validFile.chain((b) => mutated(b)), checkParse), params);
});

test('parseAssign: a good line among garbage lines keeps its entry and line number', () => {
  const garbage = garbageLineArb().filter((l) => !l.startsWith('.'));
  fc.assert(
    fc.property(fc.array(garbage, { maxLength: 8 }), assignLineArb, fc.array(garbage, { maxLength: 8 }), (before, l, after) => {
      const text = `${l.lead}${l.local}:${l.user}:${l.uid}:${l.gid}:${l.home}:${l.dash}:${l.ext}:`;
      const p = parseAssign(linesToBuffer([...before, text, ...after, '.']), PATH);
      const e = p.entries.find((x) => x.line === before.length + 1);
      assert.ok(e, `no entry for line ${before.length + 1}`);
      assert.equal(e.kind, l.lead);
      assert.equal(e.local, l.local);
      assert.deepEqual([e.user, e.uid, e.gid, e.home, e.dash, e.ext], [l.user, l.uid, l.gid, l.home, l.dash, l.ext]);
    }),
    params,
  );
});

test('compileUsersCdb: refuses only with AssignFormatError; what it writes finds every entry, first line winning', () => {
  fc.assert(
    fc.property(fc.oneof(validFile, validFile.chain((b) => mutated(b)), bytesArb()), (buf) => {
      let cdb: Buffer;
      try {
        cdb = compileUsersCdb(buf, PATH);
      } catch (e) {
        assert.ok(e instanceof AssignFormatError, `unexpected ${(e as Error)?.name}`);
        assert.ok(e.errors.length > 0 && e.errors.every((d) => d.path === PATH));
        assert.ok(usersCdbRecords(buf, PATH).errors.length > 0);
        return;
      }
      const r = new CdbReader(cdb);
      assert.equal(r.validate(), null);
      const p = parseAssign(buf, PATH);
      assert.equal(p.errors.length, 0);
      // The "" record (wildcard characters) is always written, last.
      assert.ok(r.get(Buffer.alloc(0)) !== null);
      const seen = new Set<string>();
      for (const e of p.entries) {
        if (seen.has(e.key)) continue;
        seen.add(e.key);
        const v = r.get(Buffer.from(e.key, 'latin1'));
        assert.ok(v, `key ${JSON.stringify(e.key)} missing`);
        assert.equal(v.toString('latin1').split('\0').length, 6);
      }
    }),
    params,
  );
});

test('morercpthosts.cdb (qmail-newmrh): any text compiles; every listed host is found lower-cased', async () => {
  const { compileMoreRcptHostsCdb } = await import('../../source/qmail/assign.js');
  const { readListLines, lcAscii } = await import('../../source/qmail/control-readers.js');
  fc.assert(
    fc.property(bytesArb(), (buf) => {
      const r = new CdbReader(compileMoreRcptHostsCdb(buf));
      assert.equal(r.validate(), null);
      // qmail-newmrh reads like control_readfile; only blanks (not \n) end a line differently.
      for (const l of readListLines(Buffer.from(buf.toString('latin1'), 'latin1')) ?? []) {
        if (/[^\x00-\x7f]/.test(l.text)) continue; // decodeBytes may read the file as UTF-8; the cdb keeps bytes
        if (l.nulPiece) continue; // qmail-newmrh keeps a NUL inside its key; control_readfile splits there
        assert.ok(r.get(Buffer.from(lcAscii(l.text), 'latin1')) !== null, `host ${JSON.stringify(l.text)} missing`);
      }
    }),
    params,
  );
});
