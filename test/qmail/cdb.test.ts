import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCdb, CdbReader, cdbHash } from '../../source/qmail/cdb.js';

const b = (s: string) => Buffer.from(s, 'latin1');

test('cdb hash is djb\'s: h = ((h << 5) + h) ^ c from 5381', () => {
  assert.equal(cdbHash(b('')), 5381);
  assert.equal(cdbHash(b('a')), ((5381 * 33) ^ 97) >>> 0);
});

test('an empty cdb is exactly the 2048-byte header, every table at 2048 with 0 slots', () => {
  const buf = makeCdb([]);
  assert.equal(buf.length, 2048);
  for (let i = 0; i < 256; i++) {
    assert.equal(buf.readUInt32LE(i * 8), 2048);
    assert.equal(buf.readUInt32LE(i * 8 + 4), 0);
  }
});

test('round trip with duplicates: first inserted wins, all are found in order', () => {
  const recs = [
    { key: b('!joe\0'), value: b('joe\x00503') },
    { key: b('!joe'), value: b('first') },
    { key: b('!joe'), value: b('second') },
    { key: b(''), value: b('-lE') },
  ];
  const r = new CdbReader(makeCdb(recs));
  assert.equal(r.validate(), null);
  assert.equal(r.get('!joe')!.toString('latin1'), 'first');
  assert.deepEqual(r.findAll('!joe').map((x) => x.toString()), ['first', 'second']);
  assert.equal(r.get('')!.toString(), '-lE');
  assert.equal(r.get('!nobody'), null);
  assert.deepEqual([...r.records()].map((x) => x.key.toString('latin1')), ['!joe\0', '!joe', '!joe', '']);
});

test('a truncated cdb is reported, not crashed on', () => {
  const buf = makeCdb([{ key: b('k'), value: b('v') }]);
  const r = new CdbReader(buf.subarray(0, buf.length - 4));
  assert.match(r.validate()!, /past the end/);
  assert.match(new CdbReader(Buffer.alloc(10)).validate()!, /shorter than the 2048-byte header/);
});
