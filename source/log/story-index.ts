// Where each message's lines are in the log, kept as offsets, not lines: a
// message's whole story is read back from disk on demand (a handful of
// positional reads), however big the log. Typed arrays, so a gigabyte of log
// (two million messages) costs tens of megabytes, not a copy of the text.
//
// Messages are added as they end; each gets a slot number. Its id finds its
// latest incarnation (ids are reused): the search runs from the newest.
import type { LoggedMessage } from './matchup.js';

class F64 {
  a = new Float64Array(1024);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}

class U32 {
  a = new Uint32Array(1024);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Uint32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}

/** The positions of every line of one message, in log order. */
export function messagePositions(m: LoggedMessage): number[] {
  const out: number[] = [];
  for (const p of [m.newPos, m.infoPos, m.bouncePos, m.endPos]) if (p >= 0) out.push(p);
  for (const d of m.deliveries) {
    if (d.startPos >= 0) out.push(d.startPos);
    if (d.resultPos >= 0) out.push(d.resultPos);
  }
  return out.sort((a, b) => a - b);
}

export class StoryIndex {
  private readonly ids = new U32();
  /** Start of each message's positions in `pos` (one more entry than messages). */
  private readonly start = new U32();
  private readonly pos = new F64();

  constructor() {
    this.start.push(0);
  }

  get size(): number {
    return this.ids.n;
  }

  /** Positions kept (the index's memory is about 8 bytes each, plus 8 per message). */
  get positions(): number {
    return this.pos.n;
  }

  /** Keep a message's line positions; returns its slot. */
  add(m: LoggedMessage): number {
    this.ids.push(m.id >>> 0);
    for (const p of messagePositions(m)) this.pos.push(p);
    this.start.push(this.pos.n);
    return this.ids.n - 1;
  }

  /** The positions of the message in a slot, in log order. */
  find(slot: number): number[] | null {
    if (slot < 0 || slot >= this.ids.n) return null;
    return Array.from(this.pos.a.subarray(this.start.a[slot], this.start.a[slot + 1]));
  }

  /** The slot of the message with this id that ended last, or null. */
  latest(id: number): number | null {
    const want = id >>> 0;
    for (let i = this.ids.n - 1; i >= 0; i--) if (this.ids.a[i] === want) return i;
    return null;
  }
}
