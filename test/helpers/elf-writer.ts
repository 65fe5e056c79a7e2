// Writes small ELF files laid out as a qmail build lays out a program's
// strings: the literals in .rodata, `char auto_qmail[] = "..."` in .data
// next to the other initialised variables, optionally the symbol table a
// program keeps until it is stripped. There is no code: the files are
// stand-ins to be read, and cannot be run (no loadable code segment, entry 0).
// Used by the tests and by scripts/make-demo-multi.ts.

export interface StandInOptions {
  /** conf-qmail's first line, written as auto_qmail into .data (omit for a program without it). */
  home?: string | null;
  /** String literals of the program (.rodata), each NUL-terminated. */
  rodata?: string[];
  /** More NUL-terminated strings in .data besides auto_qmail (a patched program's writable paths). */
  moreData?: string[];
  /** The ELF interpreter named in .interp (a dynamically linked program). */
  interp?: string | null;
  /** Keep .symtab with auto_qmail (an unstripped build); default false (stripped). */
  symbols?: boolean;
  /** Keep the section table; false is what sstrip leaves (only program headers). Default true. */
  sectionTable?: boolean;
  bits?: 32 | 64;
  little?: boolean;
}

const BASE = 0x400000;

/** Field writers for one buffer in one byte order; a word is 4 or 8 bytes as the file's class says. */
function writers(b: Buffer, little: boolean, bits: 32 | 64) {
  const u16 = (v: number, at: number) => (little ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
  const u32 = (v: number, at: number) => (little ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
  const word = (v: number, at: number) =>
    bits === 64 ? (little ? b.writeBigUInt64LE(BigInt(v), at) : b.writeBigUInt64BE(BigInt(v), at)) : u32(v, at);
  return { u16, u32, word };
}

export function elfStandIn(o: StandInOptions = {}): Buffer {
  const bits = o.bits ?? 64;
  const little = o.little ?? true;
  const w = bits === 64 ? 8 : 4;
  const ehsize = bits === 64 ? 64 : 52;
  const phentsize = bits === 64 ? 56 : 32;
  const shentsize = bits === 64 ? 64 : 40;
  const strs = (xs: string[]): Buffer => Buffer.concat(xs.map((x) => Buffer.from(x + '\0', 'latin1')));
  const align = (n: number, a: number): number => Math.ceil(n / a) * a;

  // .data: argument vectors and ints around the strings, as qmail's .data holds them.
  const pointer = Buffer.alloc(w);
  const parts: Buffer[] = [pointer, pointer];
  let homeAt = -1;
  let homeLen = 0;
  if (o.home != null) {
    homeAt = parts.reduce((n, b) => n + b.length, 0);
    const h = Buffer.from(o.home + '\0', 'latin1');
    homeLen = h.length;
    parts.push(h);
  }
  for (const s of o.moreData ?? []) parts.push(Buffer.from(s + '\0', 'latin1'));
  const split = Buffer.alloc(4);
  if (little) split.writeUInt32LE(23);
  else split.writeUInt32BE(23);
  parts.push(Buffer.alloc(align(parts.reduce((n, b) => n + b.length, 0), 4) - parts.reduce((n, b) => n + b.length, 0)), split);
  const data = Buffer.concat(parts);
  const rodata = strs(o.rodata ?? []);
  const interp = o.interp ? strs([o.interp]) : null;

  const sections: Array<{ name: string; type: number; flags: number; body: Buffer; link?: number; entsize?: number; info?: number }> = [];
  if (interp) sections.push({ name: '.interp', type: 1, flags: 2, body: interp });
  sections.push({ name: '.rodata', type: 1, flags: 2, body: rodata });
  const dataIndex = sections.push({ name: '.data', type: 1, flags: 3, body: data });
  const symbols = o.symbols === true && o.home != null;
  if (symbols) {
    const strtab = strs(['', 'auto_split', 'auto_qmail']);
    sections.push({ name: '.symtab', type: 2, flags: 0, body: Buffer.alloc(0), entsize: bits === 64 ? 24 : 16 });
    sections.push({ name: '.strtab', type: 3, flags: 0, body: strtab });
  }
  sections.push({ name: '.shstrtab', type: 3, flags: 0, body: Buffer.alloc(0) });
  const shstr = strs(['', ...sections.map((s) => s.name)]);
  sections[sections.length - 1].body = shstr;
  const nameOffset = (name: string): number => shstr.indexOf(Buffer.from('\0' + name + '\0', 'latin1')) + 1;

  const phnum = 1;
  let off = ehsize + phnum * phentsize;
  const placed = sections.map((s) => {
    off = align(off, 16);
    const at = off;
    off += s.body.length || (s.type === 2 ? (bits === 64 ? 24 : 16) * 3 : 0);
    return at;
  });
  const dataOff = placed[dataIndex - 1];
  const addrOf = (k: number): number => (sections[k].flags & 2 ? BASE + placed[k] : 0);
  if (symbols) {
    const k = sections.findIndex((s) => s.name === '.symtab');
    const entries: Buffer[] = [Buffer.alloc(bits === 64 ? 24 : 16)];
    const sym = (name: number, value: number, size: number): Buffer => {
      const b = Buffer.alloc(bits === 64 ? 24 : 16);
      const { u16, u32, word } = writers(b, little, bits);
      if (bits === 64) {
        u32(name, 0);
        b[4] = 0x11; // GLOBAL OBJECT
        u16(dataIndex, 6);
        word(value, 8);
        word(size, 16);
      } else {
        u32(name, 0);
        u32(value, 4);
        u32(size, 8);
        b[12] = 0x11;
        u16(dataIndex, 14);
      }
      return b;
    };
    entries.push(sym(1, addrOf(dataIndex - 1) + data.length - 4, 4));
    entries.push(sym(12, addrOf(dataIndex - 1) + homeAt, homeLen));
    sections[k].body = Buffer.concat(entries);
    sections[k].link = k + 2; // .strtab follows .symtab; +1 for the null section
    sections[k].info = 1;
  }
  const shoff = align(off, 8);
  const total = shoff + (sections.length + 1) * shentsize;
  const b = Buffer.alloc(o.sectionTable === false ? shoff : total);
  const { u16, u32, word } = writers(b, little, bits);

  b.write('\x7fELF', 0, 'latin1');
  b[4] = bits === 64 ? 2 : 1;
  b[5] = little ? 1 : 2;
  b[6] = 1;
  u16(2, 16); // ET_EXEC
  u16(bits === 64 ? 62 : 3, 18);
  u32(1, 20);
  word(0, 24); // no entry point: nothing to run
  word(ehsize, 24 + w);
  word(o.sectionTable === false ? 0 : shoff, 24 + 2 * w);
  const at = 24 + 3 * w + 4;
  u16(ehsize, at);
  u16(phentsize, at + 2);
  u16(phnum, at + 4);
  u16(shentsize, at + 6);
  u16(o.sectionTable === false ? 0 : sections.length + 1, at + 8);
  u16(o.sectionTable === false ? 0 : sections.length, at + 10);

  // One PT_LOAD, writable, for .data (a real program has a read-only one for its code too).
  const ph = ehsize;
  if (bits === 64) {
    u32(1, ph);
    u32(6, ph + 4); // PF_R | PF_W
    word(dataOff, ph + 8);
    word(BASE + dataOff, ph + 16);
    word(BASE + dataOff, ph + 24);
    word(data.length, ph + 32);
    word(data.length, ph + 40);
    word(0x1000, ph + 48);
  } else {
    u32(1, ph);
    u32(dataOff, ph + 4);
    u32(BASE + dataOff, ph + 8);
    u32(BASE + dataOff, ph + 12);
    u32(data.length, ph + 16);
    u32(data.length, ph + 20);
    u32(6, ph + 24);
    u32(0x1000, ph + 28);
  }
  sections.forEach((s, k) => s.body.copy(b, placed[k]));
  if (o.sectionTable !== false) {
    sections.forEach((s, k) => {
      const sh = shoff + (k + 1) * shentsize;
      u32(nameOffset(s.name), sh);
      u32(s.type, sh + 4);
      word(s.flags, sh + 8);
      word(addrOf(k), sh + 8 + w);
      word(placed[k], sh + 8 + 2 * w);
      word(s.body.length, sh + 8 + 3 * w);
      u32(s.link ?? 0, sh + 8 + 4 * w);
      u32(s.info ?? 0, sh + 12 + 4 * w);
      word(1, sh + 16 + 4 * w);
      word(s.entsize ?? 0, sh + 16 + 5 * w);
    });
  }
  return b;
}
