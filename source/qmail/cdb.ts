// djb's constant database, read and written byte for byte as cdbmake does
// (qmail-newu, qmail-newmrh, vpopmail's vpasswd.cdb, VMailMgr's passwd.cdb).
// All integers are 32-bit little-endian.

export function cdbHash(key: Uint8Array): number {
  let h = 5381;
  for (let i = 0; i < key.length; i++) {
    h = (((h << 5) + h) >>> 0) ^ key[i];
    h >>>= 0;
  }
  return h >>> 0;
}

export class CdbFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CdbFormatError';
  }
}

export interface CdbRecord {
  key: Buffer;
  value: Buffer;
}

/** A read-only view over cdb bytes. Lookups never throw on a short or corrupt file; they report it. */
export class CdbReader {
  readonly buf: Buffer;
  constructor(buf: Buffer) {
    this.buf = buf;
  }

  /** True when the header and tables fit in the file (a truncated cdb is not valid). */
  validate(): string | null {
    if (this.buf.length < 2048) return `file is ${this.buf.length} bytes, shorter than the 2048-byte header`;
    for (let b = 0; b < 256; b++) {
      const pos = this.buf.readUInt32LE(b * 8);
      const slots = this.buf.readUInt32LE(b * 8 + 4);
      if (pos < 2048 || pos + slots * 8 > this.buf.length) {
        return `hash table ${b} points past the end of the file (truncated or corrupt)`;
      }
    }
    return null;
  }

  /** Every value stored under key, in insertion order (qmail uses the first). */
  findAll(key: Uint8Array | string): Buffer[] {
    const k = typeof key === 'string' ? Buffer.from(key, 'latin1') : Buffer.from(key);
    const buf = this.buf;
    if (buf.length < 2048) throw new CdbFormatError('truncated cdb header');
    const h = cdbHash(k);
    const b = h & 255;
    const tpos = buf.readUInt32LE(b * 8);
    const tslots = buf.readUInt32LE(b * 8 + 4);
    if (tslots === 0) return [];
    if (tpos + tslots * 8 > buf.length) throw new CdbFormatError('hash table past end of file');
    const out: Buffer[] = [];
    let slot = (h >>> 8) % tslots;
    for (let n = 0; n < tslots; n++) {
      const sp = tpos + slot * 8;
      const sh = buf.readUInt32LE(sp);
      const rpos = buf.readUInt32LE(sp + 4);
      if (rpos === 0) break;
      if (sh === h) {
        if (rpos + 8 > buf.length) throw new CdbFormatError('record past end of file');
        const klen = buf.readUInt32LE(rpos);
        const dlen = buf.readUInt32LE(rpos + 4);
        if (rpos + 8 + klen + dlen > buf.length) throw new CdbFormatError('record past end of file');
        if (klen === k.length && buf.compare(k, 0, k.length, rpos + 8, rpos + 8 + klen) === 0) {
          out.push(buf.subarray(rpos + 8 + klen, rpos + 8 + klen + dlen));
        }
      }
      slot = (slot + 1) % tslots;
    }
    return out;
  }

  /** The first value stored under key, or null. */
  get(key: Uint8Array | string): Buffer | null {
    const all = this.findAll(key);
    return all.length ? all[0] : null;
  }

  /** All records in file order (records region runs from 2048 to the first table). */
  *records(): Generator<CdbRecord> {
    const buf = this.buf;
    if (buf.length < 2048) throw new CdbFormatError('truncated cdb header');
    let end = buf.length;
    for (let b = 0; b < 256; b++) end = Math.min(end, buf.readUInt32LE(b * 8));
    let p = 2048;
    while (p + 8 <= end) {
      const klen = buf.readUInt32LE(p);
      const dlen = buf.readUInt32LE(p + 4);
      if (p + 8 + klen + dlen > end) throw new CdbFormatError(`record at offset ${p} runs past the records region`);
      yield { key: buf.subarray(p + 8, p + 8 + klen), value: buf.subarray(p + 8 + klen, p + 8 + klen + dlen) };
      p += 8 + klen + dlen;
    }
  }
}

/** Build cdb bytes from records in order, exactly as cdbmake/cdbmss lay them out. */
export function makeCdb(records: Iterable<CdbRecord>): Buffer {
  const chunks: Buffer[] = [Buffer.alloc(2048)];
  let pos = 2048;
  const entries: Array<{ h: number; pos: number }> = [];
  for (const r of records) {
    const head = Buffer.alloc(8);
    head.writeUInt32LE(r.key.length, 0);
    head.writeUInt32LE(r.value.length, 4);
    chunks.push(head, r.key, r.value);
    entries.push({ h: cdbHash(r.key), pos });
    pos += 8 + r.key.length + r.value.length;
  }
  const buckets: Array<Array<{ h: number; pos: number }>> = Array.from({ length: 256 }, () => []);
  for (const e of entries) buckets[e.h & 255].push(e);
  const header = chunks[0];
  for (let b = 0; b < 256; b++) {
    const list = buckets[b];
    const slots = list.length * 2;
    header.writeUInt32LE(pos, b * 8);
    header.writeUInt32LE(slots, b * 8 + 4);
    if (slots === 0) continue;
    const table = Buffer.alloc(slots * 8);
    for (const e of list) {
      let s = (e.h >>> 8) % slots;
      while (table.readUInt32LE(s * 8 + 4) !== 0) s = (s + 1) % slots;
      table.writeUInt32LE(e.h, s * 8);
      table.writeUInt32LE(e.pos, s * 8 + 4);
    }
    chunks.push(table);
    pos += table.length;
  }
  return Buffer.concat(chunks);
}
