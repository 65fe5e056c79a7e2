// cdb: what makeCdb writes reads back exactly; any corrupt or truncated file
// gives a CdbFormatError or a "not valid" answer, never a RangeError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CdbReader, CdbFormatError, makeCdb, type CdbRecord } from '../../source/qmail/cdb.js';
import { params, bytesArb, mutated } from './arbitraries.js';

const recordsArb = fc.array(
  fc.record({ key: bytesArb(12), value: bytesArb(30) }),
  { maxLength: 40 },
);
// Duplicate keys on purpose: qmail uses the first, findAll keeps them all.
const withDuplicates = recordsArb.chain((recs) =>
  recs.length === 0 ? fc.constant(recs) : fc.array(fc.nat(recs.length - 1), { maxLength: 5 }).map((idx) => [...recs, ...idx.map((i) => ({ key: recs[i].key, value: Buffer.from('dup') }))]),
);

test('makeCdb → CdbReader: every key finds its first value, findAll keeps order, records() gives all', () => {
  fc.assert(
    fc.property(withDuplicates, (recs: CdbRecord[]) => {
      const r = new CdbReader(makeCdb(recs));
      assert.equal(r.validate(), null);
      const all = [...r.records()];
      assert.equal(all.length, recs.length);
      all.forEach((x, i) => {
        assert.ok(x.key.equals(recs[i].key));
        assert.ok(x.value.equals(recs[i].value));
      });
      for (const rec of recs) {
        const expected = recs.filter((x) => x.key.equals(rec.key)).map((x) => x.value);
        const found = r.findAll(rec.key);
        assert.equal(found.length, expected.length);
        found.forEach((v, i) => assert.ok(v.equals(expected[i])));
        assert.ok(r.get(rec.key)!.equals(expected[0]));
      }
    }),
    params,
  );
});

function survives(buf: Buffer, probes: Buffer[]): void {
  const r = new CdbReader(buf);
  const v = r.validate();
  assert.ok(v === null || typeof v === 'string');
  const guard = (f: () => unknown): void => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof CdbFormatError, `unexpected ${(e as Error)?.name}: ${(e as Error)?.message}`);
    }
  };
  guard(() => [...r.records()]);
  for (const k of probes) {
    guard(() => r.get(k));
    guard(() => r.findAll(k));
  }
}

test('CdbReader: random bytes never throw anything but CdbFormatError', () => {
  fc.assert(
    fc.property(fc.oneof(bytesArb(3000), fc.uint8Array({ minLength: 2040, maxLength: 2300 }).map((a) => Buffer.from(a))), fc.array(bytesArb(8), { maxLength: 5 }), (buf, probes) => {
      survives(buf, probes);
    }),
    params,
  );
});

test('CdbReader: a valid cdb with bytes flipped, cut short or spliced never throws anything but CdbFormatError', () => {
  fc.assert(
    fc.property(
      recordsArb.chain((recs) => fc.tuple(fc.constant(recs), mutated(makeCdb(recs)))),
      ([recs, buf]) => {
        survives(buf, recs.map((x) => x.key));
      },
    ),
    params,
  );
});
