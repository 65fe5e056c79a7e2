import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatTai64n, isoTime, localTime, parseSploggerStamp, parseTai64n } from '../../source/log/tai64n.js';
import { multilog, multilogFiles, tai64nlocal } from '../helpers/multilog.js';

function withTz<T>(tz: string, f: () => T): T {
  const old = process.env.TZ;
  process.env.TZ = tz;
  try {
    return f();
  } finally {
    if (old === undefined) delete process.env.TZ;
    else process.env.TZ = old;
  }
}

test("real multilog's stamps read as tai64nlocal reads them, in several time zones", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qlens-tai-'));
  try {
    multilog(path.join(dir, 'log'), Array.from({ length: 120 }, (_, i) => `status: local ${i % 10}/10 remote 0/20`));
    const files = multilogFiles(path.join(dir, 'log'));
    assert.ok(files.length >= 2, 'multilog rotated at least once');
    const text = files.map((f) => f.text).join('');
    const lines = text.split('\n').filter(Boolean);
    // n3: multilog removed the oldest files; what is left is read.
    assert.ok(lines.length >= 40 && lines.length < 120);
    for (const tz of ['UTC', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham']) {
      const oracle = tai64nlocal(text, tz).split('\n').filter(Boolean);
      withTz(tz, () => {
        lines.forEach((l, i) => {
          const t = parseTai64n(l.slice(0, 25));
          assert.ok(t, `a label in ${l}`);
          assert.equal(localTime(t!) + l.slice(25), oracle[i], `${tz}: ${l}`);
        });
      });
    }
    // ISO in UTC is tai64nlocal's UTC output with the fraction's trailing zeros dropped.
    const utc = tai64nlocal(text, 'UTC').split('\n').filter(Boolean);
    lines.forEach((l, i) => {
      const t = parseTai64n(l.slice(0, 25))!;
      const [date, clock] = utc[i].split(' ');
      const want = `${date}T${clock.replace(/\.?0+$/, '')}Z`;
      assert.equal(isoTime(t), want);
      // And back: the label multilog wrote is the label formatTai64n writes.
      assert.equal(formatTai64n(t), l.slice(0, 25));
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('labels: the example of tai64nlocal(8), bad hex and pre-1970 labels refused', () => {
  // The man page's example, computed as daemontools does (TAI = UTC + 10 s, no leap table).
  const t = parseTai64n('@4000000037c219bf2ef02e94')!;
  assert.deepEqual(t, { s: 0x37c219bf - 10, ns: 0x2ef02e94 });
  assert.equal(withTz('US/Pacific', () => localTime(t)), tai64nlocal('@4000000037c219bf2ef02e94 mark\n', 'US/Pacific').slice(0, 29));
  assert.equal(parseTai64n('@4000000037c219bf2ef02eZZ'), null);
  assert.equal(parseTai64n('@3fffffffffffffff00000000'), null);
  assert.equal(parseTai64n('@4000000037c219bf3ef02e94'), null, 'more than 999999999 ns');
  assert.equal(parseTai64n('@4000000037c219bf'), null);
});

test("splogger's SECONDS.MICRO stamp", () => {
  const b = Buffer.from('1796643574.806239');
  assert.deepEqual(parseSploggerStamp(b, 0, b.length), { s: 1796643574, ns: 806239000 });
  const c = Buffer.from('17x.5');
  assert.equal(parseSploggerStamp(c, 0, c.length), null);
  assert.equal(parseSploggerStamp(Buffer.from('12.'), 0, 3), null);
  assert.equal(isoTime({ s: 1796643574, ns: 806239000 }), '2026-12-07T11:39:34.806239Z');
  assert.equal(isoTime({ s: 1796643574, ns: 0 }), '2026-12-07T11:39:34Z');
});

test("a demo copy's log moves in time: multilog labels, splogger stamps and syslog dates alike", async () => {
  const { shiftLogText } = await import('../../source/log/shift.js');
  const day = 86400_000;
  assert.equal(shiftLogText('@400000006ab14ddc2a087634 new msg 5\nno label\n', 'multilog', day), `${formatTai64n({ s: 0x6ab14ddc - 10 + 86400, ns: 0x2a087634 })} new msg 5\nno label\n`);
  assert.equal(
    shiftLogText('Nov 24 09:00:00 mail qmail: 1795510800.250000 end msg 7\nNov 24 09:00:01 mail tcpserver: ok 1\n', 'syslog', day),
    'Nov 25 09:00:00 mail qmail: 1795597200.250000 end msg 7\nNov 24 09:00:01 mail tcpserver: ok 1\n',
  );
});
