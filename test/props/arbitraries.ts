// Shared pieces for the property tests: how many runs, and the hostile
// inputs every parser must survive (random bytes, valid files with bytes
// flipped, cut short or spliced, and garbage lines around a good one).
import fc from 'fast-check';

/** Bounded for CI; `npm run test:props` sets QLENS_FC_RUNS=5000. */
export const RUNS = (() => {
  const n = Number(process.env.QLENS_FC_RUNS);
  return Number.isInteger(n) && n > 0 ? n : 200;
})();

/** Properties that build a sysroot on disk per run get a fifth of the runs. */
export const DISK_RUNS = Math.max(20, Math.floor(RUNS / 5));

export const params = { numRuns: RUNS };
export const diskParams = { numRuns: DISK_RUNS };

/** Bytes with a bias towards the ones parsers care about: NUL, LF, CR, ':', '#', '.', high bytes. */
export const byteArb = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 255 }) },
  { weight: 2, arbitrary: fc.constantFrom(0, 10, 13, 9, 32, 0x3a, 0x23, 0x2e, 0x2b, 0x3d, 0x7c, 0x26, 0x2f, 0x1b, 0x7f, 0x80, 0xc3, 0xe2, 0xff) },
  { weight: 4, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
);

export const bytesArb = (maxLength = 400): fc.Arbitrary<Buffer> =>
  fc.array(byteArb, { maxLength }).map((a) => Buffer.from(a));

/** One mutation of a valid file: flip bytes, cut it short, splice random bytes in, or duplicate a slice. */
export function mutated(valid: Buffer): fc.Arbitrary<Buffer> {
  const len = Math.max(1, valid.length);
  return fc.oneof(
    fc.array(fc.tuple(fc.nat(len - 1), byteArb), { minLength: 1, maxLength: 8 }).map((flips) => {
      const b = Buffer.from(valid);
      for (const [i, v] of flips) if (i < b.length) b[i] = v;
      return b;
    }),
    fc.nat(len).map((n) => valid.subarray(0, n)),
    fc.tuple(fc.nat(len), bytesArb(40)).map(([i, ins]) => Buffer.concat([valid.subarray(0, i), ins, valid.subarray(i)])),
    fc.tuple(fc.nat(len), fc.nat(len)).map(([a, b]) => Buffer.concat([valid, valid.subarray(Math.min(a, b), Math.max(a, b))])),
  );
}

/** A garbage line: any bytes but LF. */
export const garbageLineArb = (maxLength = 60): fc.Arbitrary<string> =>
  fc.array(byteArb.filter((b) => b !== 10), { maxLength }).map((a) => Buffer.from(a).toString('latin1'));

/** Printable ASCII words for fields of valid lines. */
export const wordArb = (minLength = 1, maxLength = 12): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_.'.split('')), minLength, maxLength });

/** Lines joined with LF, then read back as bytes (latin1: one byte per char). */
export function linesToBuffer(lines: string[], finalNewline = true): Buffer {
  return Buffer.from(lines.join('\n') + (finalNewline && lines.length ? '\n' : ''), 'latin1');
}

/** Count of lines as split on LF, a final line without LF counting. */
export function lineCount(buf: Buffer): number {
  if (buf.length === 0) return 0;
  let n = 0;
  for (const b of buf) if (b === 10) n++;
  return buf[buf.length - 1] === 10 ? n : n + 1;
}

/**
 * Lengths far beyond normal, for every field: mostly 10^3-10^4, now and then
 * 10^5 or 10^6 (what found the regular expressions that grew with input).
 * `npm run test:props` sees the big ones often; `npm test` a few.
 */
export const hugeLengthArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1_000, max: 10_000 }) },
  { weight: 2, arbitrary: fc.integer({ min: 10_000, max: 100_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(100_000, 1_000_000) },
);

/** A string of that length from a small alphabet (the characters a field could hold, regular-expression ones included). */
export const hugeStringArb = (alphabet = 'abcxyz0123456789.-_+*?()[]{}|^$\\'): fc.Arbitrary<string> =>
  fc.tuple(hugeLengthArb, fc.string({ unit: fc.constantFrom(...alphabet.split('')), minLength: 1, maxLength: 8 })).map(([n, seed]) => seed.repeat(Math.ceil(n / seed.length)).slice(0, n));

/** Decimal numbers beyond an int (2^31), a uid_t (2^32), 2^53, 2^64, and very long ones, as strings: what a file can say. */
export const bigNumberArb: fc.Arbitrary<string> = fc.oneof(
  fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n + 10n }).map(String),
  fc.bigInt({ min: 2n ** 64n, max: 10n ** 40n }).map(String),
  fc.integer({ min: 21, max: 5_000 }).map((n) => '9'.repeat(n)),
  fc.constantFrom('2147483648', '4294967296', '18446744073709551616', '99999999999999999999', '9007199254740993'),
);

/** Runs for properties whose cases are huge: few in `npm test`, more in `npm run test:props`. */
export const hugeParams = { numRuns: Math.max(10, Math.floor(RUNS / 20)) };
