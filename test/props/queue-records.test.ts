// Queue files (todo/intd, info, local/remote, bounce) over any bytes: the
// record parsers never throw, and what qmail's writers produce reads back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { splitRecords, parseTodo, parseInfo, parseChannel, parseBounce } from '../../source/qmail/queue-records.js';
import { todoBytes, infoBytes, channelBytes, bounceBytes } from '../helpers/queue-writer.js';
import { params, bytesArb, mutated } from './arbitraries.js';

/** An address as the queue may hold it: any bytes but NUL (qmail-queue cannot store a NUL). */
const addrArb = bytesArb(40).map((b) => Buffer.from(b.filter((x) => x !== 0)));

test('record parsers: any bytes, no throw; records cover the file', () => {
  fc.assert(
    fc.property(bytesArb(), (buf) => {
      const { records, truncated } = splitRecords(buf);
      const used = records.reduce((n, r) => n + (r.type === '' ? 1 : 2 + r.body.length), 0);
      if (!truncated) assert.equal(used, buf.length);
      else assert.ok(used < buf.length);
      const env = parseTodo(buf);
      assert.ok(env.uid === null || Number.isInteger(env.uid));
      parseInfo(buf);
      for (const c of parseChannel(buf)) assert.ok(!c.address.includes(0));
      parseBounce(buf.toString('latin1'));
    }),
    params,
  );
});

test('todo/intd: what qmail-queue writes parses back to the same envelope, and survives mutation', () => {
  fc.assert(
    fc.property(fc.nat(70000), fc.nat(99999), addrArb, fc.array(addrArb, { maxLength: 6 }), (uid, pid, sender, rcpts) => {
      const buf = todoBytes(uid, pid, sender, rcpts);
      const env = parseTodo(buf);
      assert.equal(env.uid, uid);
      assert.equal(env.pid, pid);
      assert.ok(env.sender!.equals(sender));
      assert.equal(env.recipients.length, rcpts.length);
      env.recipients.forEach((r, i) => assert.ok(r.equals(rcpts[i])));
      assert.equal(env.truncated, false);
      assert.deepEqual(env.unknownTypes, []);
      fc.assert(fc.property(mutated(buf), (m) => void parseTodo(m)), { numRuns: 5 });
    }),
    params,
  );
});

test('info and local/remote: sender and T/D marks read back', () => {
  fc.assert(
    fc.property(addrArb, fc.array(fc.record({ address: addrArb, done: fc.boolean() }), { maxLength: 8 }), (sender, rcpts) => {
      assert.ok(parseInfo(infoBytes(sender))!.equals(sender));
      const back = parseChannel(channelBytes(rcpts));
      assert.equal(back.length, rcpts.length);
      back.forEach((r, i) => {
        assert.ok(r.address.equals(rcpts[i].address));
        assert.equal(r.done, rcpts[i].done);
      });
    }),
    params,
  );
});

test('bounce: one paragraph per failed recipient, recipient read back', () => {
  const recip = fc.string({ unit: fc.constantFrom(...'abcxyz@.-_0123'.split('')), minLength: 1, maxLength: 20 });
  const report = fc.string({ unit: fc.constantFrom(...'abc def\n./#:'.split('')), minLength: 1, maxLength: 60 });
  fc.assert(
    fc.property(fc.array(fc.record({ recipient: recip, report }), { maxLength: 5 }), (notes) => {
      const back = parseBounce(bounceBytes(notes).toString('latin1'));
      assert.equal(back.length, notes.length);
      back.forEach((p, i) => assert.equal(p.recipient, notes[i].recipient));
    }),
    params,
  );
});
