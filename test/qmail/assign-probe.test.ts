// probeAssign must agree with parseAssign on everything a look-up reads:
// the format errors, the wildcard bytes, and the entries it can land on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAssign, probeAssign } from '../../source/qmail/assign.js';

const files: Array<[string, Buffer]> = [
  ['plain', Buffer.from('=joe:joe:1001:100:/home/joe:::\n+joe-:joe:1001:100:/home/joe:-::\n+:alias:7790:2108:/var/qmail/alias:-::\n=Ann:ann:1002:100:/home/ann:::\n.\n')],
  ['errors', Buffer.from('=joe:joe:1:1:/h:::\nno colon\n\n:x\n=a\0b:a:1:1:/h:::\n+bob:bob:1:1:/h:\n=joe:dup:2:2:/d:::\n')],
  ['latin1', Buffer.concat([Buffer.from('+caf'), Buffer.from([0xe9]), Buffer.from(':u:1:1:/h:-::\n=r'), Buffer.from([0xe9]), Buffer.from('n:u:1:1:/h:::\n.\n')])],
  ['utf8', Buffer.from('+café:u:1:1:/hé:-::\n=rén:u:1:1:/h:::\n.\n')],
  ['no terminator', Buffer.from('=joe:joe:1:1:/h:::\n=x:y:1:1:/h:::')],
  ['empty', Buffer.alloc(0)],
  ['carriage returns', Buffer.from('=x\r+y:a:1:1:/h:::\n+Jo\re-:jo:1:1:/h:-::\n=joe:joe:1:1:/h:a:b:c:\n.rest\n=after:a:1:1:/h:::\n')],
  ['terminator without newline', Buffer.from('+:alias:7:7:/a:-::\n=joe:joe:1:1:/h:::\n.')],
  ['regex characters', Buffer.from('=a.b*c:u:1:1:/h:::\n+a.:u:1:1:/h:-::\n+a(:u:1:1:/h:-::\n.\n')],
];
const locals = ['a.b*c', 'a(x', 'axb', 'jo\re-x', 'y', 'joe:x', 'joe', 'JOE', 'joe-list', 'ann', 'nobody', '', 'café-x', 'rén', 'bob'];

for (const [name, buf] of files) {
  test(`probeAssign agrees with parseAssign: ${name}`, () => {
    const full = parseAssign(buf, '/var/qmail/users/assign');
    for (const local of locals) {
      const lowerBin = Buffer.from(local, 'utf8').toString('latin1').replace(/[A-Z]/g, (c) => c.toLowerCase());
      const p = probeAssign(buf, lowerBin, '/var/qmail/users/assign');
      assert.equal(p.partial, true);
      assert.deepEqual(p.errors, full.errors);
      assert.equal(p.terminatorLine, full.terminatorLine);
      assert.equal(p.wildChars, full.wildChars);
      assert.equal(p.wildBytes, full.wildBytes);
      const can = full.entries.filter((e) => {
        const k = e.key.slice(1).replace(/\0$/, '');
        return lowerBin.startsWith(k);
      });
      assert.deepEqual(p.entries, can, local);
    }
  });
}

test('probeAssign of an absent file', () => {
  const p = probeAssign(null, 'joe');
  assert.equal(p.present, false);
  assert.deepEqual(p.entries, []);
});

test('probeAssign agrees with parseAssign on generated files (good lines, errors, terminators, case, bytes)', async () => {
  const fc = (await import('fast-check')).default;
  const chars = ['a', 'A', 'b', 'B', '-', '.', '+', '=', 'x', '\r', '\xe9', '\xc3', '\xa9', '*', '(', '?', '\\'];
  const word = fc.array(fc.constantFrom(...chars), { maxLength: 4 }).map((a) => a.join(''));
  const goodLine = fc
    .tuple(fc.constantFrom('+', '=', 'x', '-', 'A', '\xe9'), word, fc.array(word, { minLength: 6, maxLength: 6 }), fc.constantFrom('', 'rest', ':more:', '\r'))
    .map(([lead, local, f, rest]) => `${lead}${local}:${f.join(':')}:${rest}\n`);
  const badLine = fc.constantFrom('\n', 'no colon\n', ':x:1:1:/h:::\n', '=a\0b:a:1:1:/h:::\n', '+bob:bob:1:1:/h:\n', '=x:y:1:1:/h:::');
  const file = fc
    .tuple(fc.array(fc.oneof({ arbitrary: goodLine, weight: 8 }, { arbitrary: badLine, weight: 1 }), { maxLength: 12 }), fc.constantFrom('', '.\n', '.', '.x\n=after:a:1:1:/h:::\n', '.\n\0junk\n'))
    .map(([ls, end]) => Buffer.from(ls.join('') + end, 'latin1'));
  const local = fc.array(fc.constantFrom('a', 'b', '-', '.', 'x', '\r', '\xe9', '*', '(', '?', '\\', ':'), { maxLength: 5 }).map((a) => a.join(''));
  fc.assert(
    fc.property(file, local, (buf, lowerBin) => {
      const full = parseAssign(buf, '/var/qmail/users/assign');
      const p = probeAssign(buf, lowerBin, '/var/qmail/users/assign');
      assert.deepEqual(p.errors, full.errors);
      assert.equal(p.terminatorLine, full.terminatorLine);
      assert.equal(p.wildChars, full.wildChars);
      assert.equal(p.wildBytes, full.wildBytes);
      const can = full.entries.filter((e) => lowerBin.startsWith(e.key.slice(1).replace(/\0$/, '')));
      assert.deepEqual(p.entries, can);
    }),
    { numRuns: 3000, seed: 7 },
  );
});
