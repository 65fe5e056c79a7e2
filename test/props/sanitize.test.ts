// Whatever bytes or code points arrive, what reaches the terminal holds no
// control byte, no escape, no bidi override and no zero-width character.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sanitize, sanitizeBytes, toSafeJson } from '../../source/text/sanitize.js';
import { params, bytesArb } from './arbitraries.js';

// C0 (ESC included), DEL, C1, and the bidi/zero-width controls contract.md names
// (U+200B–U+200F, U+202A–U+202E, U+2066–U+2069), plus U+061C (ARABIC LETTER
// MARK, a bidi control), U+180E, U+2028/2029, U+2060–U+2064 and the BOM.
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

/** Code points with extra weight on the dangerous ones. */
const hostileChar = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.integer({ min: 0, max: 0x9f }).map((c) => String.fromCharCode(c)),
  fc.constantFrom('\u061c', '\u180e', '\u200b', '\u200d', '\u200e', '\u200f', '\u202a', '\u202e', '\u2066', '\u2069', '\u2028', '\u2029', '\ufeff', '\u2060', '\x1b[2J', '\x1b]0;pwned\x07', '\ud800', '\udfff'),
);
const hostileString = fc.array(hostileChar, { maxLength: 60 }).map((a) => a.join(''));

test('sanitize: no control, escape, bidi or zero-width code point survives', () => {
  fc.assert(
    fc.property(hostileString, (s) => {
      const out = sanitize(s);
      assert.ok(!FORBIDDEN.test(out), `raw dangerous code point in ${JSON.stringify(out)}`);
    }),
    params,
  );
});

test('sanitize: keepNewlines keeps only LF; every other control is still escaped', () => {
  fc.assert(
    fc.property(hostileString, (s) => {
      const out = sanitize(s, { keepNewlines: true });
      assert.ok(!FORBIDDEN.test(out.replace(/\n/g, '')));
      assert.equal(out.split('\n').length, s.split('\n').length);
    }),
    params,
  );
});

test('sanitize: printable text passes unchanged, and sanitizing twice changes nothing', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme-ascii' }), hostileString, (plain, any) => {
      const printable = plain.replace(/[\x00-\x1f\x7f]/g, '');
      assert.equal(sanitize(printable), printable);
      assert.equal(sanitize(sanitize(any)), sanitize(any));
    }),
    params,
  );
});

test('sanitize: the escapes are visible and name the code point', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0x1f }), (c) => {
      if (c === 9) return; // tab shows as \t
      assert.equal(sanitize(String.fromCharCode(c)), '\\x' + c.toString(16).padStart(2, '0'));
    }),
    params,
  );
  assert.equal(sanitize('\u202e'), '\\u202e');
});

test('sanitizeBytes: any bytes give safe text, and no replacement character appears from nowhere', () => {
  fc.assert(
    fc.property(bytesArb(300), (buf) => {
      const out = sanitizeBytes(buf);
      assert.ok(!FORBIDDEN.test(out), `raw dangerous code point in ${JSON.stringify(out)}`);
      if (!buf.includes(Buffer.from('\uFFFD', 'utf8'))) assert.ok(!out.includes('\uFFFD'));
    }),
    params,
  );
});

test('sanitizeBytes: valid UTF-8 of safe text comes back as the text', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme' }), (s) => {
      const safe = s.replace(new RegExp(FORBIDDEN.source, 'g'), '');
      assert.equal(sanitizeBytes(Buffer.from(safe, 'utf8')), safe);
    }),
    params,
  );
});

test('sanitizeBytes: each byte of an invalid sequence is shown as \\xNN', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0x80, max: 0xff }), (b) => {
      // A lone continuation or lead byte followed by ASCII is never valid UTF-8.
      assert.equal(sanitizeBytes(Buffer.from([b, 0x41])), '\\x' + b.toString(16) + 'A');
    }),
    params,
  );
});

test('toSafeJson: parses back to the same value and holds no dangerous code point raw', () => {
  fc.assert(
    fc.property(fc.jsonValue({ stringUnit: fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), hostileChar) }), (v) => {
      const text = toSafeJson(v);
      assert.ok(!FORBIDDEN.test(text), `raw dangerous code point in ${text}`);
      // JSON has no -0; compare with what plain JSON round-trips to.
      assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(v)));
      const spaced = toSafeJson(v, 2);
      assert.ok(!FORBIDDEN.test(spaced.replace(/\n/g, '')));
      assert.deepEqual(JSON.parse(spaced), JSON.parse(JSON.stringify(v)));
    }),
    params,
  );
});

test('toSafeJson: strings with any code point round-trip exactly', () => {
  fc.assert(
    fc.property(hostileString, (s) => {
      const text = toSafeJson({ s });
      assert.ok(!FORBIDDEN.test(text));
      assert.equal(JSON.parse(text).s, s);
    }),
    params,
  );
});

test('sanitize: U+061C ARABIC LETTER MARK (a bidi control) and U+180E are escaped', () => {
  assert.equal(sanitize('a\u061cb'), 'a\\u061cb');
  assert.equal(sanitize('a\u180eb'), 'a\\u180eb');
});
