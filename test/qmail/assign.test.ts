import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAssign, compileUsersCdb, compileMoreRcptHostsCdb, usersCdbRecords, AssignFormatError } from '../../source/qmail/assign.js';
import { CdbReader } from '../../source/qmail/cdb.js';

const SPEC_EXAMPLE =
  '=joe:joe:503:78:/home/joe:::\n' +
  '+Joe-:joe:503:78:/home/joe:-:x:\n' +
  '+bill:bill:504:78:/home/bill:-::\n' +
  '+JOE:jj:505:78:/home/jj:-::\n' +
  '+:alias:7790:2108:/var/qmail/alias:-::\n' +
  '=Joe.Shmoe:joe:503:78:/home/joe:::extra:stuff\n' +
  '.\n';

// The records of qmail-delivery.md §3.2, written out by hand.
const SPEC_RECORDS: Array<[string, string]> = [
  ['!joe\0', 'joe\x00503\x0078\x00/home/joe\x00\x00'],
  ['!joe-', 'joe\x00503\x0078\x00/home/joe\x00-\x00x'],
  ['!bill', 'bill\x00504\x0078\x00/home/bill\x00-\x00'],
  ['!joe', 'jj\x00505\x0078\x00/home/jj\x00-\x00'],
  ['!', 'alias\x007790\x002108\x00/var/qmail/alias\x00-\x00'],
  ['!joe.shmoe\0', 'joe\x00503\x0078\x00/home/joe\x00\x00'],
  ['', '-lE'],
];

/** djb hash, written from the documented formula (not imported). */
function hash(key: Buffer): number {
  let h = 5381;
  for (const c of key) h = (Math.imul(h, 33) >>> 0) ^ c;
  return h >>> 0;
}

/** The cdb layout of §3.2, built step by step from its description. */
function expectedCdb(records: Array<[string, string]>): Buffer {
  const recs = records.map(([k, v]) => ({ k: Buffer.from(k, 'latin1'), v: Buffer.from(v, 'latin1') }));
  let recordsLen = 0;
  for (const r of recs) recordsLen += 8 + r.k.length + r.v.length;
  const tablesLen = recs.length * 2 * 8;
  const out = Buffer.alloc(2048 + recordsLen + tablesLen);
  // 2. records from offset 2048, in insertion order.
  let p = 2048;
  const placed: Array<{ h: number; pos: number }> = [];
  for (const r of recs) {
    out.writeUInt32LE(r.k.length, p);
    out.writeUInt32LE(r.v.length, p + 4);
    r.k.copy(out, p + 8);
    r.v.copy(out, p + 8 + r.k.length);
    placed.push({ h: hash(r.k), pos: p });
    p += 8 + r.k.length + r.v.length;
  }
  // 3. 256 tables in bucket order; empty bucket: (end-of-file so far, 0).
  for (let b = 0; b < 256; b++) {
    const mine = placed.filter((x) => (x.h & 255) === b);
    const n = mine.length * 2;
    out.writeUInt32LE(p, b * 8);
    out.writeUInt32LE(n, b * 8 + 4);
    const used = new Array<boolean>(n).fill(false);
    for (const x of mine) {
      let s = (x.h >>> 8) % n;
      while (used[s]) s = (s + 1) % n;
      used[s] = true;
      out.writeUInt32LE(x.h, p + s * 8);
      out.writeUInt32LE(x.pos, p + s * 8 + 4);
    }
    p += n * 8;
  }
  assert.equal(p, out.length);
  return out;
}

test('§3.2 example: users/cdb byte for byte as qmail-newu writes it', () => {
  const got = compileUsersCdb(Buffer.from(SPEC_EXAMPLE, 'latin1'));
  const want = expectedCdb(SPEC_RECORDS);
  assert.equal(got.length, want.length);
  assert.ok(got.equals(want));
  // The first record sits at 2048: klen 5 ("!joe\0"), dlen 20.
  assert.equal(got.readUInt32LE(2048), 5);
  assert.equal(got.readUInt32LE(2052), 'joe\x00503\x0078\x00/home/joe\x00\x00'.length);
  assert.equal(got.subarray(2056, 2061).toString('latin1'), '!joe\0');
});

test('§3.2 records in order, with the "" wildcard record last, E not lower-cased', () => {
  const { records, errors } = usersCdbRecords(Buffer.from(SPEC_EXAMPLE, 'latin1'));
  assert.deepEqual(errors, []);
  assert.deepEqual(
    records.map((r) => [r.key.toString('latin1'), r.value.toString('latin1')]),
    SPEC_RECORDS,
  );
  const r = new CdbReader(compileUsersCdb(Buffer.from(SPEC_EXAMPLE, 'latin1')));
  assert.equal(r.get('')!.toString('latin1'), '-lE');
  // Duplicate key !joe? No: "!joe" (wildcard +JOE) differs from "!joe\0"; +Joe- is "!joe-".
  assert.equal(r.get('!joe')!.toString('latin1').split('\0')[0], 'jj');
});

test('§3.2: first line wins on a duplicate key', () => {
  const cdb = compileUsersCdb(Buffer.from('=joe:first:1:1:/a:::\n=JOE:second:2:2:/b:::\n.\n'));
  const r = new CdbReader(cdb);
  assert.equal(r.get('!joe\0')!.toString().split('\0')[0], 'first');
  assert.equal(r.findAll('!joe\0').length, 2);
});

test('§3.1 parse: entries, kinds, lead bytes, wildcard chars', () => {
  const a = parseAssign(Buffer.from(SPEC_EXAMPLE), '/var/qmail/users/assign');
  assert.deepEqual(a.errors, []);
  assert.equal(a.terminatorLine, 7);
  assert.equal(a.entries.length, 6);
  assert.deepEqual(
    a.entries.map((e) => [e.kind, e.local, e.user, e.uid, e.gid, e.home, e.dash, e.ext, e.line]),
    [
      ['=', 'joe', 'joe', '503', '78', '/home/joe', '', '', 1],
      ['+', 'Joe-', 'joe', '503', '78', '/home/joe', '-', 'x', 2],
      ['+', 'bill', 'bill', '504', '78', '/home/bill', '-', '', 3],
      ['+', 'JOE', 'jj', '505', '78', '/home/jj', '-', '', 4],
      ['+', '', 'alias', '7790', '2108', '/var/qmail/alias', '-', '', 5],
      ['=', 'Joe.Shmoe', 'joe', '503', '78', '/home/joe', '', '', 6],
    ],
  );
  assert.equal(a.wildChars, '-lE');
});

test('§3.1: any first byte but + is a simple line (#c:, xJoe:)', () => {
  const a = parseAssign(Buffer.from('#c:joe:1:1:/h:::\nxJoe:joe:1:1:/h:::\n.\n'));
  assert.deepEqual(a.errors, []);
  assert.deepEqual(a.entries.map((e) => [e.kind, e.lead, e.local, e.key]), [
    ['=', '#', 'c', '!c\0'],
    ['=', 'x', 'Joe', '!joe\0'],
  ]);
});

test('§3.1: the terminator is any line starting with "." and may lack its newline; the rest is ignored', () => {
  for (const term of ['.', '.\n', '.foo\n', '.foo']) {
    const a = parseAssign(Buffer.from('=a:a:1:1:/a:::\n' + term + 'garbage with no colon\n'));
    assert.deepEqual(a.errors, [], term);
    assert.equal(a.terminatorLine, 2);
    assert.equal(a.entries.length, 1);
  }
});

test('§3.1 errors: each a file:line diagnostic, the rest still parsed', () => {
  const path = '/var/qmail/users/assign';
  const cases: Array<[string, number | null, RegExp]> = [
    ['', null, /empty/],
    ['=a:a:1:1:/a:::\n', 1, /ends without the "\." line/],
    ['=a:a:1:1:/a:::', 1, /no newline/],
    ['\n.\n', 1, /blank line/],
    ['# comment\n.\n', 1, /no ":"/],
    [':a:1:1:/a:::\n.\n', 1, /starts with ":"/],
    ['=joe:joe:1:2:/h::\n.\n', 1, /only 5 of the 6/],
    ['=a\0b:a:1:1:/a:::\n.\n', 1, /NUL/],
  ];
  for (const [text, line, re] of cases) {
    const a = parseAssign(Buffer.from(text, 'latin1'), path);
    assert.equal(a.errors.length, 1, JSON.stringify(text));
    assert.equal(a.errors[0].path, path);
    assert.equal(a.errors[0].line, line, JSON.stringify(text));
    assert.equal(a.errors[0].severity, 'error');
    assert.match(a.errors[0].message, /^bad format in users\/assign/);
    assert.match(a.errors[0].message, re);
    assert.throws(() => compileUsersCdb(Buffer.from(text, 'latin1')), AssignFormatError);
  }
  const mixed = parseAssign(Buffer.from('=a:a:1:1:/a:::\nbad\n=b:b:2:2:/b:::\n.\n'));
  assert.equal(mixed.errors.length, 1);
  assert.equal(mixed.errors[0].line, 2);
  assert.deepEqual(mixed.entries.map((e) => e.local), ['a', 'b']);
});

test('§3.1: fields after the sixth colon, and a CR, are ignored; fields are not checked', () => {
  const a = parseAssign(Buffer.from('=joe:joe:x:y:rel:DASH:ext:more\r\n.\n'));
  assert.deepEqual(a.errors, []);
  assert.deepEqual([a.entries[0].uid, a.entries[0].home, a.entries[0].dash, a.entries[0].ext], ['x', 'rel', 'DASH', 'ext']);
  const r = new CdbReader(compileUsersCdb(Buffer.from('=joe:joe:x:y:rel:DASH:ext:more\r\n.\n')));
  assert.equal(r.get('!joe\0')!.toString('latin1'), 'joe\0x\0y\0rel\0DASH\0ext');
});

test('absent users/assign is not an error', () => {
  const a = parseAssign(null);
  assert.equal(a.present, false);
  assert.deepEqual(a.errors, []);
});

test('bytes above 0x7f are kept as written in keys (only A-Z lower-cased)', () => {
  const buf = Buffer.concat([Buffer.from('=J'), Buffer.from([0xc9]), Buffer.from(':u:1:1:/h:::\n.\n')]);
  const r = new CdbReader(compileUsersCdb(buf));
  assert.ok(r.get(Buffer.concat([Buffer.from('!j'), Buffer.from([0xc9]), Buffer.from([0])])));
});

test('morercpthosts.cdb as qmail-newmrh: lower-cased keys, empty values, blanks/comments skipped, CR kept', () => {
  const cdb = compileMoreRcptHostsCdb('Example.COM  \n#x\n\nb.example\r\nlast.example');
  const r = new CdbReader(cdb);
  const recs = [...r.records()].map((x) => [x.key.toString('latin1'), x.value.length]);
  assert.deepEqual(recs, [
    ['example.com', 0],
    ['b.example\r', 0],
    ['last.example', 0],
  ]);
  const want = expectedCdb([
    ['example.com', ''],
    ['b.example\r', ''],
    ['last.example', ''],
  ]);
  assert.ok(cdb.equals(want));
});
