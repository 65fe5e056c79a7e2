import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DelaySketch, reasonKey, SummaryBuilder } from '../../source/log/summary.js';
import { Matchup } from '../../source/log/matchup.js';
import { parseSendLine } from '../../source/log/events.js';

function feed(lines: Array<[number, string]>): SummaryBuilder {
  const sum = new SummaryBuilder();
  const m = new Matchup(0, { message: (x) => sum.message(x), result: (x, d) => sum.result(x, d), unmatched: (u) => sum.unmatched(u), status: (s) => sum.status(s) }, { ordered: false, keepDeliveries: false });
  lines.forEach(([t, l], i) => {
    const b = Buffer.from(l);
    m.pos = i;
    m.clock = () => ({ s: t, ns: 0 });
    parseSendLine(b, 0, b.length, m);
  });
  for (const { m: msg, d } of m.pending()) sum.result(msg, d);
  m.finishLog();
  return sum;
}

test('zoverall/zdeferrals by domain: attempts, results, bytes x successful recipients, reasons, delays from arrival to final result', () => {
  const s = feed([
    [1000, 'status: local 0/10 remote 0/20'],
    [1000, 'new msg 1'],
    [1000, 'info msg 1: bytes 100 from <a@x> qp 1 uid 0'],
    [1001, 'starting delivery 1: msg 1 to remote b@y.example'],
    [1001, 'status: local 0/10 remote 1/20'],
    [1002, 'delivery 1: deferral: Connected_to_192.0.2.1_but_greeting_failed./'],
    [1002, 'starting delivery 2: msg 1 to remote c@Z.example'],
    [1003, 'delivery 2: success: 192.0.2.2_accepted_message./'],
    [2000, 'starting delivery 3: msg 1 to remote b@y.example'],
    [2001, 'delivery 3: deferral: Connected_to_192.0.2.77_but_greeting_failed./'],
    [5000, 'starting delivery 4: msg 1 to remote b@y.example'],
    [5010, 'delivery 4: failure: 192.0.2.1_does_not_like_recipient./'],
    [5010, 'end msg 1'],
    [5011, 'delivery 99: success: did_1+0+0/'],
    [6000, 'new msg 2'],
    [6000, 'info msg 2: bytes 50 from <> qp 2 uid 0'],
    [6000, 'starting delivery 5: msg 2 to local d@z.example'],
  ]);
  const r = s.build();
  assert.deepEqual(r.deliveries, { attempts: 6, success: 2, deferral: 2, failure: 1, no_result: 1, lost: 0, started_before_log: 1 });
  assert.equal(r.bytes_delivered, 100);
  assert.deepEqual(r.messages, { completed: 1, began_before_log: 0, not_ended: 1, bytes: 100 });
  // The two greeting failures differ only in their IP: one reason.
  assert.deepEqual(r.deferral_reasons, [{ text: 'Connected to 192.0.2.1 but greeting failed./', count: 2 }].map((x) => ({ ...x, text: x.text.replace(/\/$/, '') })));
  const y = r.domains.find((d) => d.domain === 'y.example')!;
  assert.deepEqual([y.attempts, y.success, y.deferral, y.failure], [3, 0, 2, 1]);
  assert.equal(y.delay.p50, 4010);
  const z = r.domains.find((d) => d.domain === 'z.example')!;
  assert.deepEqual([z.attempts, z.success, z.bytes], [2, 1, 100]);
  assert.equal(z.delay.max, 3);
  assert.equal(r.delay.count, 2);
  assert.deepEqual(r.concurrency, { local: { peak: 0, limit: 10 }, remote: { peak: 1, limit: 20 }, hours: [{ hour: '1970-01-01T00:00:00Z', local: 0, remote: 1 }] });
  assert.equal(r.domains[0].domain, 'y.example');
});

test('concurrency over time: the most deliveries in progress at once, hour by hour, from the status lines; the peak over all', () => {
  const s = feed([
    [100, 'status: local 1/10 remote 3/20'],
    [200, 'status: local 2/10 remote 0/20'],
    [3599, 'status: local 0/10 remote 1/20'],
    [3600, 'status: local 0/10 remote 7/20'],
    [7300, 'status: local 4/5 remote 2/30'],
    [7301, 'status: local 0/5 remote 0/30'],
  ]);
  const c = s.build().concurrency;
  assert.deepEqual(c.hours, [
    { hour: '1970-01-01T00:00:00Z', local: 2, remote: 3 },
    { hour: '1970-01-01T01:00:00Z', local: 0, remote: 7 },
    { hour: '1970-01-01T02:00:00Z', local: 4, remote: 2 },
  ]);
  // The limits are the last qmail-send's (concurrencylocal and concurrencyremote as it read them).
  assert.deepEqual([c.local, c.remote], [{ peak: 4, limit: 5 }, { peak: 7, limit: 30 }]);
});

test('delay percentiles: exact while few, within 1% when many; reason keys take out variable parts', () => {
  const d = new DelaySketch();
  for (let i = 1; i <= 100; i++) d.add(i);
  assert.deepEqual([d.quantile(0.5), d.quantile(0.9), d.quantile(1)], [50, 90, 100]);
  const big = new DelaySketch();
  for (let i = 1; i <= 100000; i++) big.add(i / 10);
  const p50 = big.quantile(0.5)!;
  const p99 = big.quantile(0.99)!;
  assert.ok(Math.abs(p50 - 5000) / 5000 < 0.01, String(p50));
  assert.ok(Math.abs(p99 - 9900) / 9900 < 0.01, String(p99));
  assert.equal(big.max, 10000);
  assert.equal(reasonKey('Connected to 10.1.2.3 but sender was rejected. Remote host said: 451 4.7.1 id A1B2C3D4E5'), 'Connected to IP but sender was rejected. Remote host said: 451 4.7.1 id #');
});
