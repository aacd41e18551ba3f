/**
 * A minimal ELF64 reader for BPF objects (as clang -target bpf/bpfel/bpfeb writes them): the
 * section table, the symbol table and the relocation tables, in either byte order, and the
 * program sections (SHF_EXECINSTR) with their function symbols. It reads, it does not
 * interpret: maps, BTF and relocation semantics belong to the loader built on top of it.
 *
 * Every field read is bounds-checked; a malformed file is an ElfError naming the byte offset of
 * the field that is wrong, never an exception from DataView or a silently short array.
 */
import { BpfError } from '../../core/errors.js';

/** A structurally invalid ELF file; `offset` is the byte offset of the offending field. */
export class ElfError extends BpfError {
  readonly offset: number;
  constructor(message: string, offset: number, options?: ErrorOptions) {
    super('DECODE', `ELF: ${message} (at byte ${offset})`, options);
    this.offset = offset;
  }
}

export const SHT_NULL = 0, SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_RELA = 4, SHT_NOBITS = 8, SHT_REL = 9;
export const SHF_WRITE = 0x1, SHF_ALLOC = 0x2, SHF_EXECINSTR = 0x4;
export const STT_NOTYPE = 0, STT_OBJECT = 1, STT_FUNC = 2, STT_SECTION = 3, STT_FILE = 4;
export const STB_LOCAL = 0, STB_GLOBAL = 1, STB_WEAK = 2;
/** e_machine of BPF objects. */
export const EM_BPF = 247;

export interface ElfSection {
  readonly index: number;
  readonly name: string;
  readonly type: number;
  readonly flags: number;
  readonly offset: number;
  readonly size: number;
  readonly link: number;
  readonly info: number;
  readonly entsize: number;
  /** The section's bytes (empty for SHT_NOBITS); a view into the input. */
  readonly data: Uint8Array;
}

export interface ElfSymbol {
  readonly index: number;
  readonly name: string;
  readonly value: number;
  readonly size: number;
  readonly type: number;
  readonly bind: number;
  /** st_shndx: the section the symbol is defined in (0 = undefined, 0xfff1 = absolute, ...). */
  readonly section: number;
}

export interface ElfRelocation {
  /** The section the relocation applies to (sh_info of the relocation section). */
  readonly section: number;
  /** Byte offset inside that section. */
  readonly offset: number;
  readonly type: number;
  readonly symbol: number;
  readonly symbolName: string;
  readonly addend: bigint;
}

export interface ElfFile {
  readonly littleEndian: boolean;
  readonly machine: number;
  readonly type: number;
  readonly sections: readonly ElfSection[];
  readonly symbols: readonly ElfSymbol[];
  readonly relocations: readonly ElfRelocation[];
}

/** A program section: its instruction bytes and the function symbols defined in it. */
export interface ElfProgramSection {
  readonly section: ElfSection;
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly littleEndian: boolean;
  /** Symbols in the section (not section or file symbols), sorted by address. */
  readonly symbols: readonly ElfSymbol[];
  readonly relocations: readonly ElfRelocation[];
}

class Reader {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array, readonly little: boolean) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(at: number, n: number, what: string): void {
    if (at < 0 || at + n > this.bytes.length) throw new ElfError(`${what} lies outside the file (${this.bytes.length} bytes)`, at);
  }
  u8(at: number, what: string): number { this.need(at, 1, what); return this.view.getUint8(at); }
  u16(at: number, what: string): number { this.need(at, 2, what); return this.view.getUint16(at, this.little); }
  u32(at: number, what: string): number { this.need(at, 4, what); return this.view.getUint32(at, this.little); }
  u64(at: number, what: string): number {
    this.need(at, 8, what);
    const v = this.view.getBigUint64(at, this.little);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ElfError(`${what} ${v} is too large`, at);
    return Number(v);
  }
  i64(at: number, what: string): bigint { this.need(at, 8, what); return this.view.getBigInt64(at, this.little); }
}

function stringAt(table: ElfSection | undefined, index: number, at: number, what: string): string {
  if (!table) return '';
  if (index >= table.data.length) throw new ElfError(`${what} name offset ${index} is outside its string table`, at);
  const end = table.data.indexOf(0, index);
  if (end < 0) throw new ElfError(`${what} name is not NUL-terminated`, table.offset + index);
  let s = '';
  for (let i = index; i < end; i++) s += String.fromCharCode(table.data[i]!);
  return s;
}

/** Parses the section, symbol and relocation tables of an ELF64 file of either byte order. */
export function parseElf(bytes: Uint8Array): ElfFile {
  if (bytes.length < 64) throw new ElfError(`file too short for an ELF64 header (${bytes.length} bytes)`, 0);
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) throw new ElfError('not an ELF file (bad magic)', 0);
  if (bytes[4] !== 2) throw new ElfError(`unsupported ELF class ${bytes[4]} (only ELF64)`, 4);
  if (bytes[5] !== 1 && bytes[5] !== 2) throw new ElfError(`invalid data encoding ${bytes[5]}`, 5);
  const r = new Reader(bytes, bytes[5] === 1);
  const type = r.u16(16, 'e_type');
  const machine = r.u16(18, 'e_machine');
  const shoff = r.u64(40, 'e_shoff');
  const shentsize = r.u16(58, 'e_shentsize');
  const shnum = r.u16(60, 'e_shnum');
  const shstrndx = r.u16(62, 'e_shstrndx');
  if (shnum > 0 && shentsize !== 64) throw new ElfError(`e_shentsize is ${shentsize}, expected 64`, 58);
  if (shnum > 0) r.need(shoff, shnum * 64, 'section header table');
  if (shnum > 0 && shstrndx >= shnum) throw new ElfError(`e_shstrndx ${shstrndx} out of range (${shnum} sections)`, 62);

  const raw = [];
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * 64;
    const t = r.u32(at + 4, 'sh_type');
    const offset = r.u64(at + 24, 'sh_offset');
    const size = r.u64(at + 32, 'sh_size');
    if (t !== SHT_NOBITS && t !== SHT_NULL) r.need(offset, size, `section ${i} contents`);
    raw.push({
      at, nameIndex: r.u32(at, 'sh_name'), type: t, flags: r.u64(at + 8, 'sh_flags'), offset, size,
      link: r.u32(at + 40, 'sh_link'), info: r.u32(at + 44, 'sh_info'), entsize: r.u64(at + 56, 'sh_entsize'),
      data: t === SHT_NOBITS || t === SHT_NULL ? new Uint8Array(0) : bytes.subarray(offset, offset + size),
    });
  }
  const shstr = raw[shstrndx];
  const shstrSection = shstr ? ({ offset: shstr.offset, data: shstr.data } as ElfSection) : undefined;
  const sections: ElfSection[] = raw.map((s, index) => Object.freeze({
    index, name: stringAt(shstrSection, s.nameIndex, s.at, 'section'), type: s.type, flags: s.flags, offset: s.offset,
    size: s.size, link: s.link, info: s.info, entsize: s.entsize, data: s.data,
  }));

  const symbols: ElfSymbol[] = [];
  const symtab = sections.find((s) => s.type === SHT_SYMTAB);
  if (symtab) {
    if (symtab.entsize !== 24) throw new ElfError(`symbol table entry size ${symtab.entsize}, expected 24`, raw[symtab.index]!.at + 56);
    const strtab = sections[symtab.link];
    if (!strtab || strtab.type !== SHT_STRTAB) throw new ElfError(`symbol table links to section ${symtab.link}, not a string table`, raw[symtab.index]!.at + 40);
    for (let i = 0; i < Math.floor(symtab.size / 24); i++) {
      const at = symtab.offset + i * 24;
      const info = r.u8(at + 4, 'st_info');
      symbols.push(Object.freeze({
        index: i, name: stringAt(strtab, r.u32(at, 'st_name'), at, 'symbol'), value: r.u64(at + 8, 'st_value'),
        size: r.u64(at + 16, 'st_size'), type: info & 0xf, bind: info >> 4, section: r.u16(at + 6, 'st_shndx'),
      }));
    }
  }

  const relocations: ElfRelocation[] = [];
  for (const s of sections) {
    if (s.type !== SHT_REL && s.type !== SHT_RELA) continue;
    const entry = s.type === SHT_REL ? 16 : 24;
    if (s.entsize !== entry) throw new ElfError(`relocation entry size ${s.entsize}, expected ${entry}`, raw[s.index]!.at + 56);
    if (s.info >= sections.length) throw new ElfError(`relocation section ${s.name} applies to missing section ${s.info}`, raw[s.index]!.at + 44);
    for (let i = 0; i < Math.floor(s.size / entry); i++) {
      const at = s.offset + i * entry;
      const offset = r.u64(at, 'r_offset');
      const symbol = r.u32(r.little ? at + 12 : at + 8, 'r_info symbol');
      const relType = r.u32(r.little ? at + 8 : at + 12, 'r_info type');
      if (symbol >= symbols.length && symbol !== 0) throw new ElfError(`relocation names symbol ${symbol}, the table has ${symbols.length}`, at + 8);
      relocations.push(Object.freeze({
        section: s.info, offset, type: relType, symbol, symbolName: symbols[symbol]?.name ?? '',
        addend: s.type === SHT_RELA ? r.i64(at + 16, 'r_addend') : 0n,
      }));
    }
  }
  return Object.freeze({ littleEndian: r.little, machine, type, sections, symbols, relocations });
}

/** The non-empty executable sections, with their symbols and relocations, in file order. */
export function programSections(elf: ElfFile): ElfProgramSection[] {
  return elf.sections
    .filter((s) => (s.flags & SHF_EXECINSTR) !== 0 && s.type === SHT_PROGBITS && s.size > 0)
    .map((section) => Object.freeze({
      section,
      name: section.name,
      bytes: section.data,
      littleEndian: elf.littleEndian,
      symbols: elf.symbols
        .filter((y) => y.section === section.index && y.type !== STT_SECTION && y.type !== STT_FILE && y.name !== '')
        .sort((a, b) => a.value - b.value),
      relocations: elf.relocations.filter((x) => x.section === section.index),
    }));
}
