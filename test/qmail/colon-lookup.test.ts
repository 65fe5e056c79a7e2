// colonLookup must give, for the keys asked, what colonMap(readListLines())
// gives: last duplicate wins, first colon splits, keys ASCII case-insensitive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { colonLookup, colonMap, readListLines } from '../../source/qmail/control-readers.js';

const text = [
  'example.com:alice',
  '# comment:x',
  '',
  '  .Example.COM:wild  \t',
  'EXAMPLE.com:bob',
  'no colon here',
  ':catchall',
  'joe@example.com:j:with:colons',
  '.com:',
  'last.example:end',
  'a:b@c.example:colon',
  'x\ry.example:cr',
  '#hidden.example:no',
  'y.example:plain',
  'dup.example:one',
  'DUP.example:two   ',
].join('\n');
const keys = ['a', 'a:b@c.example', 'y.example', 'x\ry.example', '#hidden.example', 'dup.example', 'example.com', '.example.com', '', 'joe@example.com', '.com', 'last.example', 'missing.example', '  .example.com'];

test('colonLookup agrees with colonMap on the keys asked', () => {
  for (const t of [text, text + '\n', text + '\r\n']) {
    const buf = Buffer.from(t);
    const full = colonMap(readListLines(buf)!).map;
    const some = colonLookup(buf, keys)!;
    for (const k of keys) assert.deepEqual(some.get(k), full.get(k), k);
    assert.equal(some.has('missing.example'), false);
  }
});

test('colonLookup leaves non-ASCII or NUL bytes to the full reader', () => {
  assert.equal(colonLookup(Buffer.from('café.example:x\n'), ['café.example']), null);
  assert.equal(colonLookup(Buffer.from('a.example:x\0y\n'), ['a.example']), null);
});

test('colonLookup agrees with colonMap on generated lists (first line, comments, case, blanks, duplicates)', async () => {
  const fc = (await import('fast-check')).default;
  const part = fc.constantFrom('a', 'A', 'b', '.', '#', ' ', '\t', '\r', '@', '-', '');
  const word = fc.array(part, { maxLength: 4 }).map((a) => a.join(''));
  const line = fc.oneof(fc.tuple(word, word).map(([k, v]) => `${k}:${v}`), word);
  const list = fc.tuple(fc.array(line, { maxLength: 8 }), fc.constantFrom('', '\n', '\r\n')).map(([ls, end]) => ls.join('\n') + end);
  fc.assert(
    fc.property(list, fc.array(word, { maxLength: 5 }), (t, asked) => {
      const keys = asked.map((k) => k.toLowerCase());
      const buf = Buffer.from(t);
      const full = colonMap(readListLines(buf) ?? []).map;
      const some = colonLookup(buf, keys)!;
      for (const k of keys) assert.deepEqual(some.get(k), full.get(k), `${JSON.stringify(k)} in ${JSON.stringify(t)}`);
    }),
    { numRuns: 3000, seed: 5 },
  );
});
