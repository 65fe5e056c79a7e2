// A bundled demo opened at another date: its .fsmeta times all move by the
// same amount, each in the form it was written in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFsmeta, shiftFsmetaTimes } from '../../source/sysroot/fsmeta.js';

const TEXT = '# mode uid gid path [mtime]\n0644 0 0 /var/qmail/control/me\n0600 89 89 /a 2026-11-01T10:00:00Z\n0644 7791 2107 /var/qmail/queue/mess/3/918201 1795467600\n\n';

test('every time moves by the delta (whole seconds); lines without a time and comments stay as they were', () => {
  const day = 86_400_000;
  const out = shiftFsmetaTimes(TEXT, 13 * day + 400);
  const before = parseFsmeta(TEXT).entries;
  const after = parseFsmeta(out).entries;
  assert.deepEqual(parseFsmeta(out).diagnostics, []);
  assert.equal(after.length, before.length);
  for (let i = 0; i < before.length; i++) {
    assert.equal(after[i].path, before[i].path);
    assert.equal(after[i].mtimeMs === undefined ? undefined : after[i].mtimeMs! - before[i].mtimeMs!, before[i].mtimeMs === undefined ? undefined : 13 * day);
  }
  const lines = out.split('\n');
  assert.equal(lines[0], '# mode uid gid path [mtime]');
  assert.equal(lines[1], '0644 0 0 /var/qmail/control/me');
  assert.equal(lines[2], '0600 89 89 /a 2026-11-14T10:00:00Z');
  assert.equal(lines[3], '0644 7791 2107 /var/qmail/queue/mess/3/918201 ' + (1795467600 + 13 * 86400));
  assert.ok(out.endsWith('\n\n'));
  assert.equal(shiftFsmetaTimes(TEXT, 0), TEXT);
  assert.equal(shiftFsmetaTimes('0644 0 0 /x not-a-time\n', day), '0644 0 0 /x not-a-time\n', 'a bad time is left for the parser to report');
});
