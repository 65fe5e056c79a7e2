// VMailMgr's passwd.cdb records: any bytes decode to a record or a reason
// (an invalid record reads like a missing user), never a throw; what the
// encoder writes decodes back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeVmmRecord, encodeVmmRecord, openVmmTable, vmmLookup, vmmEntries, type VmmRecord } from '../../source/qmail/vmailmgr.js';
import { makeCdb } from '../../source/qmail/cdb.js';
import { params, bytesArb, mutated, wordArb } from './arbitraries.js';

const limit = fc.option(fc.nat(1_000_000), { nil: null });
const recordArb: fc.Arbitrary<VmmRecord> = fc
  .record({
    mailbox: fc.oneof(fc.constant(''), wordArb().map((w) => `./users/${w}`)),
    forwards: fc.array(wordArb().map((w) => `${w}@example.net`), { maxLength: 3 }),
    passwd: fc.oneof(fc.constant('*'), wordArb().map((w) => `$1$${w}`)),
    personal: wordArb(0, 10),
    hardQuota: limit,
    softQuota: limit,
    msgSize: limit,
    msgCount: limit,
    ctime: limit,
    expiry: limit,
    enabled: fc.boolean(),
  })
  .map((r) => ({
    version: 2 as const,
    flags: { hasMailbox: r.mailbox !== '', mailboxEnabled: r.enabled },
    passwd: r.passwd,
    mailbox: r.mailbox,
    forwards: r.forwards,
    personal: r.personal,
    hardQuota: r.hardQuota,
    softQuota: r.softQuota,
    msgSize: r.msgSize,
    msgCount: r.msgCount,
    ctime: r.ctime,
    expiry: r.expiry,
  }));

test('decodeVmmRecord: any bytes give a record or a reason, never a throw', () => {
  fc.assert(
    fc.property(fc.oneof(bytesArb(), bytesArb(60).map((b) => Buffer.concat([Buffer.from([2]), b])), bytesArb(60).map((b) => Buffer.concat([Buffer.from([1]), b]))), (buf) => {
      const d = decodeVmmRecord(buf);
      if (!d.ok) assert.ok(d.reason.length > 0);
    }),
    params,
  );
});

test('encodeVmmRecord → decodeVmmRecord: a version-2 record reads back; mutated, it still never throws', () => {
  fc.assert(
    fc.property(recordArb, (r) => {
      const buf = encodeVmmRecord(r);
      const d = decodeVmmRecord(buf);
      assert.ok(d.ok, d.ok ? '' : d.reason);
      if (!d.ok) return;
      assert.equal(d.record.mailbox, r.mailbox);
      assert.deepEqual(d.record.forwards, r.forwards);
      assert.equal(d.record.hardQuota, r.hardQuota);
      assert.equal(d.record.expiry, r.expiry);
      fc.assert(fc.property(mutated(buf), (m) => void decodeVmmRecord(m)), { numRuns: 5 });
    }),
    params,
  );
});

test('passwd.cdb: corrupt tables open as corrupt, lookups in a good one never throw', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.tuple(wordArb(), recordArb), { selector: ([n]) => n, maxLength: 8 }), (users) => {
      const cdb = makeCdb(users.map(([n, r]) => ({ key: Buffer.from(n.toLowerCase()), value: encodeVmmRecord(r) })));
      fc.assert(
        fc.property(fc.oneof(fc.constant(cdb), mutated(cdb)), (buf) => {
          const t = openVmmTable(buf, '/home/vmail/passwd.cdb');
          if (t.state !== 'ok') {
            assert.equal(t.path, '/home/vmail/passwd.cdb');
            return;
          }
          for (const [n] of users) vmmLookup(t, n.toUpperCase());
          vmmEntries(t);
        }),
        { numRuns: 10 },
      );
    }),
    { numRuns: Math.max(20, Math.floor(params.numRuns / 5)) },
  );
});
