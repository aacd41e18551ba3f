/**
 * `llvm-objdump -d` of a BPF ELF object, whole: the file header, one block per executable
 * section, one sub-block per symbol, jump targets named after the section's symbols. Relocations
 * are not applied (llvm-objdump -d without -r shows the unrelocated bytes, e.g. `r1 = 0x0 ll`
 * for a map reference).
 */
import type { ElfFile, ElfRelocation, ElfSymbol } from '../object/elf.js';
import { programSections, STT_SECTION } from '../object/elf.js';
import { listingRow, type LlvmCpu, type LlvmSymbol } from './llvm-disasm.js';
import { disassembleRegionLlvm } from './llvm-decode.js';

export interface LlvmObjdumpOptions {
  readonly cpu?: LlvmCpu;
  /** Show instruction bytes (the default of llvm-objdump; false = `--no-show-raw-insn`). */
  readonly rawInsn?: boolean;
  /** Print each relocation under its instruction, as `llvm-objdump -dr`. */
  readonly relocations?: boolean;
}

/** ELF relocation type names of the BPF target (llvm/BinaryFormat/ELFRelocs/BPF.def). */
const BPF_RELOC_NAMES: Record<number, string> = {
  0: 'R_BPF_NONE', 1: 'R_BPF_64_64', 2: 'R_BPF_64_ABS64', 3: 'R_BPF_64_ABS32', 4: 'R_BPF_64_NODYLD32', 10: 'R_BPF_64_32',
};

function relocationLine(elf: ElfFile, r: ElfRelocation): string {
  const sym = elf.symbols[r.symbol];
  const name = sym && sym.type === STT_SECTION ? (elf.sections[sym.section]?.name ?? '') : r.symbolName;
  const type = BPF_RELOC_NAMES[r.type] ?? 'Unknown';
  const addend = r.addend === 0n ? '' : r.addend > 0n ? `+0x${r.addend.toString(16)}` : `-0x${(-r.addend).toString(16)}`;
  return `\t\t${r.offset.toString(16).padStart(16, '0')}:  ${type}\t${name}${addend}`;
}

/** The full text llvm-objdump-19 -d prints for `fileName`, ending with a newline. */
export function objdumpLlvm(elf: ElfFile, fileName: string, options: LlvmObjdumpOptions = {}): string {
  const out = ['', `${fileName}:\tfile format elf64-bpf`];
  for (const prog of programSections(elf)) {
    out.push('', `Disassembly of section ${prog.name}:`);
    const symbols: LlvmSymbol[] = prog.symbols.map((s: ElfSymbol) => ({ name: s.name, address: s.value }));
    // llvm-objdump disassembles symbol by symbol: each region runs to the next symbol's start.
    const starts = new Map<number, string>();
    if (!symbols.some((s) => s.address === 0)) starts.set(0, prog.name);
    for (const s of symbols) if (!starts.has(s.address) && s.address < prog.bytes.length) starts.set(s.address, s.name);
    const bounds = [...starts.keys()].sort((a, b) => a - b);
    bounds.forEach((begin, k) => {
      const end = bounds[k + 1] ?? prog.bytes.length;
      out.push('', `${begin.toString(16).padStart(16, '0')} <${starts.get(begin)}>:`);
      const rows = disassembleRegionLlvm(prog.bytes, begin, end, { cpu: options.cpu ?? 'generic', littleEndian: prog.littleEndian, symbols });
      for (const row of rows) {
        if (row.text === '...') { out.push('\t\t...'); continue; }
        out.push(listingRow(row.address, prog.bytes.subarray(row.address, row.address + row.size), row.text, options.rawInsn ?? true));
        if (!options.relocations) continue;
        for (const r of prog.relocations) if (r.offset >= row.address && r.offset < row.address + row.size) out.push(relocationLine(elf, r));
      }
    });
  }
  return `${out.join('\n')}\n`;
}
