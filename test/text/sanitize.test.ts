import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sanitize, sanitizeBytes, toSafeJson } from '../../source/text/sanitize.js';

test('escape sequences become visible escapes', () => {
  assert.equal(sanitize('a\x1b]0;pwned\x07b'), 'a\\x1b]0;pwned\\x07b');
  assert.equal(sanitize('\x1b[2J'), '\\x1b[2J');
  assert.equal(sanitize('x\u202ey\u200bz'), 'x\\u202ey\\u200bz');
  assert.equal(sanitize('\x7f\x9b'), '\\x7f\\x9b');
  assert.equal(sanitize('tab\there'), 'tab\\there');
  assert.equal(sanitize('line\nnext', { keepNewlines: true }), 'line\nnext');
  assert.equal(sanitize('line\r\nnext', { keepNewlines: true }), 'line\\x0d\nnext');
});

test('plain text and non-ASCII letters pass unchanged', () => {
  assert.equal(sanitize('Grüße, 日本'), 'Grüße, 日本');
});

test('invalid UTF-8 bytes are shown as \\xNN, valid sequences kept', () => {
  assert.equal(sanitizeBytes(Buffer.from([0x41, 0xff, 0xc3, 0xbc, 0x1b, 0x42])), 'A\\xffü\\x1bB');
  assert.equal(sanitizeBytes(Buffer.from([0xc3])), '\\xc3');
  // An overlong encoding of '/' is not valid UTF-8.
  assert.equal(sanitizeBytes(Buffer.from([0xc0, 0xaf])), '\\xc0\\xaf');
});

test('toSafeJson escapes DEL, C1, bidi and zero-width controls and round-trips', () => {
  const v = { s: 'a\x7fb\x85c\u202ed\u2066e\x1b' };
  const j = toSafeJson(v);
  assert.equal(/[\x00-\x1f\x7f-\x9f\u202e\u2066]/.test(j), false);
  assert.deepEqual(JSON.parse(j), v);
});
