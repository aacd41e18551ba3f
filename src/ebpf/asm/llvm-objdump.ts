/**
 * `llvm-objdump -d` of a BPF ELF object, whole: the file header, one block per executable
 * section, one sub-block per symbol, jump targets named after the section's symbols. Relocations
 * are not applied (llvm-objdump -d without -r shows the unrelocated bytes, e.g. `r1 = 0x0 ll`
 * for a map reference).
 */
import type { ElfFile, ElfSymbol } from '../object/elf.js';
import { programSections } from '../object/elf.js';
import { disassembleLlvm, type LlvmCpu, type LlvmSymbol } from './llvm-disasm.js';
import { INSN_SIZE } from '../isa/opcodes.js';

export interface LlvmObjdumpOptions {
  readonly cpu?: LlvmCpu;
  /** Show instruction bytes (the default of llvm-objdump; false = `--no-show-raw-insn`). */
  readonly rawInsn?: boolean;
}

/** The full text llvm-objdump-19 -d prints for `fileName`, ending with a newline. */
export function objdumpLlvm(elf: ElfFile, fileName: string, options: LlvmObjdumpOptions = {}): string {
  const out = ['', `${fileName}:\tfile format elf64-bpf`];
  for (const prog of programSections(elf)) {
    out.push('', `Disassembly of section ${prog.name}:`);
    const symbols: LlvmSymbol[] = prog.symbols.map((s: ElfSymbol) => ({ name: s.name, address: s.value }));
    const lines = disassembleLlvm(prog.bytes, {
      cpu: options.cpu, symbols, littleEndian: prog.littleEndian, listing: true, rawInsn: options.rawInsn ?? true,
    });
    // Block starts: every distinct symbol address, and the section start when no symbol is there.
    const starts = new Map<number, string>();
    if (!symbols.some((s) => s.address === 0)) starts.set(0, prog.name);
    for (const s of symbols) if (!starts.has(s.address)) starts.set(s.address, s.name);
    for (const line of lines) {
      const pc = Number(line.slice(0, line.indexOf(':')));
      const name = starts.get(pc * INSN_SIZE);
      if (name !== undefined) out.push('', `${(pc * INSN_SIZE).toString(16).padStart(16, '0')} <${name}>:`);
      out.push(line);
    }
  }
  return `${out.join('\n')}\n`;
}
