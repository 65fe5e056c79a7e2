import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { makeFixture } from '../helpers/fixture.js';
import { multilog, multilogFiles } from '../helpers/multilog.js';
import { LogReader, type LineHandler } from '../../source/log/reader.js';
import { LogSession } from '../../source/log/session.js';
import type { LoggedMessage } from '../../source/log/matchup.js';
import type { LogSource } from '../../source/log/find.js';

const seq = (from: number, n: number) => Array.from({ length: n }, (_, i) => `new msg ${from + i}`);

function collect(): { handler: LineHandler; lines: string[]; cut: string[]; pos: number[] } {
  const lines: string[] = [];
  const cut: string[] = [];
  const pos: number[] = [];
  const handler: LineHandler = (buf, start, end, p, _line, _seg, truncated) => {
    (truncated ? cut : lines).push(buf.toString('latin1', start, end));
    pos.push(p);
  };
  return { handler, lines, cut, pos };
}

const numbers = (lines: string[]) => lines.map((l) => Number(/new msg (\d+)$/.exec(l)?.[1]));

test("multilog rotates current while it is read: it is finished through its descriptor, then the newer files, each line once and in order", async () => {
  const fx = makeFixture({});
  const dir = fx.host('/var/log/qmail');
  multilog(dir, seq(1, 150));
  const firstPresent = numbers(multilogFiles(dir).flatMap((f) => f.text.split('\n').filter(Boolean)))[0];
  let rotated = false;
  const reader = new LogReader(fx.sysroot(), '/var/log/qmail', 'multilog', {
    chunkBytes: 256,
    onChunk: (p) => {
      if (!rotated && p.endsWith('/current')) {
        rotated = true;
        // multilog runs again: the current we hold is renamed to @....s, the oldest file removed, a new current begun.
        multilog(dir, seq(151, 150));
      }
    },
  });
  const c = collect();
  await reader.readAll(c.handler);
  reader.close();
  assert.ok(rotated);
  const got = numbers(c.lines);
  assert.equal(got[0], firstPresent);
  assert.deepEqual(got, Array.from({ length: 300 - firstPresent + 1 }, (_, i) => firstPresent + i));
  // The renamed current kept its segment and took its new name.
  assert.ok(reader.segments.every((s) => s.path === '/var/log/qmail/current' || /\/@[0-9a-f]{24}\.s$/.test(s.path)));
  assert.equal(new Set(reader.segments.map((s) => s.path)).size, reader.segments.length);
});

test('a file truncated while it is read is read again from its start, with a note', async () => {
  const fx = makeFixture({ '/var/log/qmail.log': seq(1, 60).map((l) => `@400000006b169b003004f9f4 ${l}\n`).join('') });
  let done = false;
  const reader = new LogReader(fx.sysroot(), '/var/log/qmail.log', 'multilog', {
    chunkBytes: 512,
    onChunk: () => {
      if (done) return;
      done = true;
      // copytruncate: the file is emptied in place and written again.
      fs.writeFileSync(fx.host('/var/log/qmail.log'), seq(1000, 3).map((l) => `@400000006b169b003004f9f4 ${l}\n`).join(''));
    },
  });
  const c = collect();
  await reader.readAll(c.handler);
  reader.close();
  const got = numbers(c.lines);
  assert.deepEqual(got.slice(-3), [1000, 1001, 1002]);
  assert.ok(got.length > 3 && got.length < 63, 'the lines before the truncation, then the new ones');
  assert.match(reader.notes[0].message, /truncated while read/);
});

function splog(stamp: string, text: string, tag = 'qmail:'): string {
  return `Dec  7 11:39:34 mail ${tag} ${stamp} ${text}`;
}

test("syslog through splogger: gzip rotations oldest first, other programs passed over, a text continued after 799 bytes, the tag with a pid", async () => {
  const long = 'x'.repeat(900);
  const logsafe = `Sorry,_${long}_(#4.4.1)/`;
  const first = `1796643574.000001 delivery 2: deferral: ${logsafe.slice(0, 799 - 'delivery 2: deferral: '.length)}`;
  const cont = `1796643574.000001+${logsafe.slice(799 - 'delivery 2: deferral: '.length)}`;
  const fx = makeFixture({
    '/var/log/mail.log.2': [splog('1796643570.000001', 'new msg 10'), splog('1796643570.000002', 'info msg 10: bytes 5 from <a@b> qp 1 uid 0'), ''].join('\n'),
    '/var/log/mail.log.1': [
      'Dec  7 11:39:33 mail postfix/smtpd[99]: connect from nowhere',
      splog('1796643572.5', 'starting delivery 2: msg 10 to remote far@x.example'),
      `Dec  7 11:39:34 mail qmail: ${first}`,
      `Dec  7 11:39:34 mail qmail: ${cont}`,
      '',
    ].join('\n'),
    '/var/log/mail.log': [splog('1796643580.25', 'end msg 10', 'qmail[4242]:'), splog('1796643580.3', 'new msg 11', 'smtpd:'), 'Dec  7 11:40:00 mail qmail: no stamp here', ''].join('\n'),
  });
  execFileSync('gzip', [fx.host('/var/log/mail.log.2')]);
  const src: LogSource = { instance: '/var/qmail', path: '/var/log/mail.log', format: 'syslog', tag: 'qmail', foundBy: 'test', sharedWith: [], notes: [] };
  const messages: LoggedMessage[] = [];
  const skipped: string[] = [];
  const s = new LogSession(fx.sysroot(), [src], { message: (m) => messages.push(m), skip: (sk) => skipped.push(`${sk.path}:${sk.line}: ${sk.reason}`) });
  await s.readAll();
  s.end();
  assert.deepEqual(
    s.logs[0].reader.segments.map((x) => [x.path, x.gzip]),
    [
      ['/var/log/mail.log.2.gz', true],
      ['/var/log/mail.log.1', false],
      ['/var/log/mail.log', false],
    ],
  );
  assert.equal(messages.length, 1);
  const m = messages[0];
  assert.deepEqual([m.id, m.sender, m.received, m.ended], [10, 'a@b', { s: 1796643570, ns: 1000 }, { s: 1796643580, ns: 250000000 }]);
  assert.equal(m.deliveries[0].result, 'deferral');
  assert.equal(m.deliveries[0].text, `Sorry, ${long} (#4.4.1)`);
  assert.deepEqual(skipped, ['/var/log/mail.log:3: tagged "qmail" but without splogger\'s SECONDS.MICRO stamp']);
  // A line read again by its position, from the gzip file too.
  const r = s.logs[0].reader;
  const again = r.lineAtSync(m.newPos);
  assert.equal(again?.toString('latin1'), splog('1796643570.000001', 'new msg 10'));
  assert.equal(r.lineAtSync(m.endPos)?.toString('latin1'), splog('1796643580.25', 'end msg 10', 'qmail[4242]:'));
});

test('following: lines appended by multilog are read at the next look, a half-written line waits for its end', async () => {
  const fx = makeFixture({});
  const dir = fx.host('/var/log/qmail');
  multilog(dir, seq(1, 5));
  const reader = new LogReader(fx.sysroot(), '/var/log/qmail', 'multilog', { holdPartial: true });
  const c = collect();
  await reader.readAll(c.handler);
  assert.deepEqual(numbers(c.lines), [1, 2, 3, 4, 5]);
  assert.equal(await reader.pass(c.handler), false);
  fs.appendFileSync(`${dir}/current`, '@400000006b169b003004f9f4 new msg 6\n@400000006b169b003004f9f4 new ms');
  assert.equal(await reader.pass(c.handler), true);
  assert.deepEqual(numbers(c.lines), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(c.cut, []);
  fs.appendFileSync(`${dir}/current`, 'g 7\n');
  await reader.pass(c.handler);
  // Through a rotation as well.
  multilog(dir, seq(8, 120));
  await reader.readAll(c.handler);
  reader.close();
  const got = numbers(c.lines);
  assert.deepEqual(got, Array.from({ length: 127 }, (_, i) => i + 1));
});
