// qmail-qread's date text and the JSON's ISO seconds are made by calendar
// arithmetic for years 1970-9999 (a Date per call was a measurable part of a
// listing): they must say exactly what a Date says, at every edge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoSeconds, qreadDate } from '../../source/qmail/queue-records.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => (n < 10 ? '0' + n : String(n));

function byDate(ms: number): string {
  const d = new Date(Math.floor(ms / 1000) * 1000);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} GMT`;
}

function isoByDate(ms: number): string {
  try {
    return new Date(ms).toISOString().slice(0, 19) + 'Z';
  } catch (e) {
    return `throws ${(e as Error).name}`;
  }
}

function isoOf(ms: number): string {
  try {
    return isoSeconds(ms);
  } catch (e) {
    return `throws ${(e as Error).name}`;
  }
}

const EDGES = [
  0, 1, 999, 1000, 59_999, 86_399_999, 86_400_000,
  Date.UTC(2000, 1, 28, 23, 59, 59), Date.UTC(2000, 1, 29), Date.UTC(2000, 2, 1), Date.UTC(1900 + 200, 1, 28, 12),
  Date.UTC(2024, 11, 31, 23, 59, 59, 999), Date.UTC(2025, 0, 1), Date.UTC(2100, 1, 28), Date.UTC(2100, 2, 1),
  Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(10000, 0, 1), -1, -1000, -86_400_001, 1.5, 999.9, 8.64e15, -8.64e15,
];

test('qreadDate and isoSeconds: the same text as a Date, at the calendar edges', () => {
  for (const ms of EDGES) {
    assert.equal(qreadDate(ms), byDate(ms), `qreadDate(${ms})`);
    assert.equal(isoOf(ms), isoByDate(ms), `isoSeconds(${ms})`);
  }
});

test('qreadDate and isoSeconds: the same text as a Date over 200,000 times from 1960 to 10100', () => {
  // A fixed linear congruential sequence: the same times on every run.
  let x = 20261125;
  const next = (): number => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (let i = 0; i < 200_000; i++) {
    const ms = Math.floor((next() * 8150 - 10) * 365.2425 * 86_400_000 + next() * 1000);
    assert.equal(qreadDate(ms), byDate(ms), `qreadDate(${ms})`);
    assert.equal(isoOf(ms), isoByDate(ms), `isoSeconds(${ms})`);
  }
});
