// Just enough of the ELF format to say where a program keeps its strings:
// the section table (names, flags, file ranges), the writable segments of
// the program headers for a binary whose section table is gone, and one
// symbol's place. Pure, over the bytes read; every offset is checked against
// them (a bounded read may have cut the file), and anything that does not
// fit is left out rather than guessed.

export interface ElfSection {
  name: string;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  entsize: number;
}

export interface ElfFile {
  bits: 32 | 64;
  little: boolean;
  /** ET_REL (1) for an object file, ET_EXEC (2) or ET_DYN (3) for a program. */
  type: number;
  /** Null when the file has no section table, or it lies past the bytes read. */
  sections: ElfSection[] | null;
  /** File ranges of the loadable writable segments (PT_LOAD with PF_W): where .data lives. */
  writable: Array<{ offset: number; size: number }>;
}

export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_NOBITS = 8;
export const SHT_DYNSYM = 11;
export const SHF_WRITE = 1;
export const SHF_ALLOC = 2;
const PT_LOAD = 1;
const PF_W = 2;
const SHN_LORESERVE = 0xff00;

/** A reader of fixed-width fields that answers null past the end instead of throwing. */
function fields(b: Buffer, little: boolean, bits: 32 | 64) {
  const u8 = (o: number): number | null => (o >= 0 && o + 1 <= b.length ? b[o] : null);
  const u16 = (o: number): number | null => (o >= 0 && o + 2 <= b.length ? (little ? b.readUInt16LE(o) : b.readUInt16BE(o)) : null);
  const u32 = (o: number): number | null => (o >= 0 && o + 4 <= b.length ? (little ? b.readUInt32LE(o) : b.readUInt32BE(o)) : null);
  const u64 = (o: number): number | null => {
    if (o < 0 || o + 8 > b.length) return null;
    const v = little ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(v);
  };
  /** A word: 4 bytes in a 32-bit file, 8 in a 64-bit one. */
  const word = (o: number): number | null => (bits === 64 ? u64(o) : u32(o));
  return { u8, u16, u32, word };
}

/** The file's ELF structure, or null when it is not ELF. */
export function parseElf(b: Buffer): ElfFile | null {
  if (b.length < 52 || b[0] !== 0x7f || b[1] !== 0x45 || b[2] !== 0x4c || b[3] !== 0x46) return null;
  const bits = b[4] === 2 ? 64 : b[4] === 1 ? 32 : null;
  const little = b[5] === 1 ? true : b[5] === 2 ? false : null;
  if (bits === null || little === null) return null;
  const f = fields(b, little, bits);
  const w = bits === 64 ? 8 : 4;
  const type = f.u16(16) ?? 0;
  // After e_entry: e_phoff, e_shoff (words), e_flags, e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx.
  const phoff = f.word(24 + w) ?? 0;
  const shoff = f.word(24 + 2 * w) ?? 0;
  const at = 24 + 3 * w + 4;
  const phentsize = f.u16(at + 2) ?? 0;
  const phnum = f.u16(at + 4) ?? 0;
  const shentsize = f.u16(at + 6) ?? 0;
  let shnum = f.u16(at + 8) ?? 0;
  let shstrndx = f.u16(at + 10) ?? 0;

  const writable: ElfFile['writable'] = [];
  if (phoff > 0 && phentsize >= (bits === 64 ? 56 : 32)) {
    for (let i = 0; i < phnum; i++) {
      const p = phoff + i * phentsize;
      const ptype = f.u32(p);
      const flags = bits === 64 ? f.u32(p + 4) : f.u32(p + 24);
      const offset = bits === 64 ? f.word(p + 8) : f.word(p + 4);
      const filesz = bits === 64 ? f.word(p + 32) : f.word(p + 16);
      if (ptype === null || flags === null || offset === null || filesz === null) break;
      if (ptype === PT_LOAD && (flags & PF_W) !== 0 && filesz > 0) writable.push({ offset, size: filesz });
    }
  }

  let sections: ElfSection[] | null = null;
  const shsize = bits === 64 ? 64 : 40;
  const section = (k: number): Omit<ElfSection, 'name'> & { nameAt: number } | null => {
    const s = shoff + k * shentsize;
    const nameAt = f.u32(s);
    const stype = f.u32(s + 4);
    const flags = f.word(s + 8);
    const addr = f.word(s + 8 + w);
    const offset = f.word(s + 8 + 2 * w);
    const size = f.word(s + 8 + 3 * w);
    const link = f.u32(s + 8 + 4 * w);
    const entsize = f.word(s + 16 + 5 * w);
    if (nameAt === null || stype === null || flags === null || addr === null || offset === null || size === null || link === null || entsize === null) return null;
    return { nameAt, type: stype, flags, addr, offset, size, link, entsize };
  };
  if (shoff > 0 && shentsize >= shsize) {
    // Extended numbering: more than 0xff00 sections keep their count (and the names' index) in section 0.
    const zero = section(0);
    if (zero && shnum === 0) shnum = zero.size;
    if (zero && shstrndx === 0xffff) shstrndx = zero.link;
    const raw: Array<NonNullable<ReturnType<typeof section>>> = [];
    for (let k = 0; k < shnum; k++) {
      const s = section(k);
      if (!s) break;
      raw.push(s);
    }
    if (raw.length === shnum && shnum > 0) {
      const names = raw[shstrndx];
      sections = raw.map((s) => ({
        name: names ? cString(b, names.offset + s.nameAt, names.offset + names.size) ?? '' : '',
        type: s.type,
        flags: s.flags,
        addr: s.addr,
        offset: s.offset,
        size: s.size,
        link: s.link,
        entsize: s.entsize,
      }));
    }
  }
  return { bits, little, type, sections, writable };
}

/** The NUL-terminated string at `at`, read no further than `end`; null when no NUL comes first. */
export function cString(b: Buffer, at: number, end = b.length): string | null {
  if (at < 0 || at >= b.length) return null;
  const stop = Math.min(end, b.length);
  const nul = b.indexOf(0, at);
  if (nul < 0 || nul >= stop) return null;
  return b.toString('latin1', at, nul);
}

/**
 * Where a symbol's object lies in the file: its byte offset and size, from
 * the symbol table (a program that was not stripped keeps one). Null when
 * there is no such symbol, it has no bytes in the file, or they lie past
 * the bytes read.
 */
export function symbolBytes(elf: ElfFile, b: Buffer, name: string): { offset: number; size: number } | null {
  if (!elf.sections) return null;
  const f = fields(b, elf.little, elf.bits);
  const entsize = elf.bits === 64 ? 24 : 16;
  for (const tab of elf.sections) {
    if (tab.type !== SHT_SYMTAB && tab.type !== SHT_DYNSYM) continue;
    const strtab = elf.sections[tab.link];
    if (!strtab) continue;
    const step = tab.entsize >= entsize ? tab.entsize : entsize;
    const count = Math.floor(tab.size / step);
    for (let i = 1; i < count; i++) {
      const s = tab.offset + i * step;
      const nameAt = f.u32(s);
      if (nameAt === null) break;
      const shndx = elf.bits === 64 ? f.u16(s + 6) : f.u16(s + 14);
      const value = elf.bits === 64 ? f.word(s + 8) : f.word(s + 4);
      const size = elf.bits === 64 ? f.word(s + 16) : f.word(s + 8);
      if (shndx === null || value === null || size === null) break;
      if (shndx === 0 || shndx >= SHN_LORESERVE) continue;
      // Compare the name's bytes in place: a static program has thousands of symbols.
      const at = strtab.offset + nameAt;
      if (at + name.length >= b.length || b[at + name.length] !== 0 || b.toString('latin1', at, at + name.length) !== name) continue;
      const sec = elf.sections[shndx];
      if (!sec || sec.type === SHT_NOBITS) return null;
      // In an object file a symbol's value is its offset in the section; in a program, its address.
      const offset = elf.type === 1 ? sec.offset + value : sec.offset + (value - sec.addr);
      if (offset < sec.offset || offset >= sec.offset + sec.size || offset >= b.length) return null;
      return { offset, size };
    }
  }
  return null;
}

/** File ranges that hold a program's writable initialised data (.data and its kin). */
export function writableData(elf: ElfFile): Array<{ offset: number; size: number; name: string }> {
  if (elf.sections) {
    return elf.sections
      .filter((s) => s.type === SHT_PROGBITS && (s.flags & SHF_WRITE) !== 0 && (s.flags & SHF_ALLOC) !== 0 && s.size > 0)
      .map((s) => ({ offset: s.offset, size: s.size, name: s.name }));
  }
  return elf.writable.map((r) => ({ ...r, name: '(writable segment)' }));
}
