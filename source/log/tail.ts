// The newest lines of a log, read first so a screen has something true to
// show at once however big the log: the last few hundred kilobytes of the
// file being written (and of the one before it when that is short), matched
// up on their own. An attempt whose start is older than the tail shows its
// result without a recipient until the whole log is read.
import type { Sysroot } from '../sysroot/sysroot.js';
import { openPositional } from '../sysroot/positional.js';
import type { LogSource } from './find.js';
import { decoderFor } from './decode.js';
import { Matchup, type LoggedDelivery, type LoggedMessage, type UnmatchedResult } from './matchup.js';

export interface TailAttempt {
  m: LoggedMessage | null;
  d: LoggedDelivery | null;
  /** A result whose start is before the tail. */
  u: UnmatchedResult | null;
}

const ROTATED = /^@[0-9a-f]{24}\.[su]$/;

function tailBytes(sysroot: Sysroot, path: string, want: number): Buffer | null {
  let f;
  try {
    f = openPositional(sysroot, path);
  } catch {
    return null;
  }
  if (!f) return null;
  try {
    const size = f.identity().size;
    const from = Math.max(0, size - want);
    const buf = Buffer.allocUnsafe(size - from);
    let n = 0;
    while (n < buf.length) {
      const k = f.read(buf, n, buf.length - n, from + n);
      if (k === 0) break;
      n += k;
    }
    const got = buf.subarray(0, n);
    // A cut first line is not a line.
    if (from === 0) return got;
    const nl = got.indexOf(10);
    return nl < 0 ? Buffer.alloc(0) : got.subarray(nl + 1);
  } finally {
    f.close();
  }
}

/** The files holding the newest lines, oldest first. */
function newestFiles(sysroot: Sysroot, src: LogSource): string[] {
  if (src.format === 'syslog') return [src.path];
  let names: string[] = [];
  try {
    if (sysroot.stat(src.path)?.kind === 'file') return [src.path];
    names = (sysroot.readdir(src.path) ?? []).filter((n) => ROTATED.test(n)).sort();
  } catch {
    names = [];
  }
  const out = names.slice(-1).map((n) => `${src.path}/${n}`);
  out.push(`${src.path}/current`);
  return out;
}

/** Attempts in the newest `bytes` of the log, oldest first. Synchronous: a few hundred kilobytes. */
export function readTail(sysroot: Sysroot, src: LogSource, log: number, bytes = 256 * 1024): TailAttempt[] {
  const out: TailAttempt[] = [];
  const m = new Matchup(log, { result: (msg, d) => out.push({ m: msg, d, u: null }), unmatched: (u) => out.push({ m: null, d: null, u }) }, { ordered: false });
  const dec = decoderFor(src.format, src.tag, { target: m, skip: () => {} });
  const files = newestFiles(sysroot, src);
  const parts: Buffer[] = [];
  let left = bytes;
  for (const p of [...files].reverse()) {
    if (left <= 0) break;
    const b = tailBytes(sysroot, p, left);
    if (!b) continue;
    parts.unshift(b);
    left -= b.length;
  }
  for (const b of parts) {
    let s = 0;
    for (;;) {
      const nl = b.indexOf(10, s);
      if (nl < 0) break;
      dec.handler(b, s, nl, -1, 0, 0, false);
      s = nl + 1;
    }
  }
  dec.flush();
  for (const { m: msg, d } of m.pending()) out.push({ m: msg, d, u: null });
  return out;
}
