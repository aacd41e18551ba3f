/**
 * `tsbpf disasm [--raw] [-r] [--mcpu=CPU] [--big-endian] FILE`: eBPF disassembly in the LLVM syntax,
 * exactly as `llvm-objdump-19 -d` prints it. FILE is a BPF ELF object (every executable section,
 * like llvm-objdump -d), raw instruction bytes (.bin) or base16 text (.hex).
 */
import { DecodeError } from '../../core/errors.js';
import { disassembleLlvm, type LlvmCpu } from '../../ebpf/asm/llvm-disasm.js';
import { objdumpLlvm } from '../../ebpf/asm/llvm-objdump.js';
import { parseElf } from '../../ebpf/object/elf.js';
import type { CliIO, Command } from '../command.js';
import { UsageError } from '../run-cli.js';

const CPUS: readonly LlvmCpu[] = ['generic', 'v1', 'v2', 'v3', 'v4'];

/** Base16 text (whitespace and a 0x prefix allowed) to bytes; undefined when it is not base16. */
export function parseHexText(text: string): Uint8Array | undefined {
  const digits = text.replace(/0x/gi, '').replace(/[\s,]+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(digits)) return undefined;
  return Uint8Array.from(digits.match(/../g) ?? [], (h) => parseInt(h, 16));
}

export const ebpfDisasmCommand: Command = {
  name: 'disasm',
  summary: 'disassemble eBPF (ELF object, .bin or .hex) as llvm-objdump -d prints it',
  usage: [
    'usage: tsbpf disasm [--raw] [-r] [--mcpu=CPU] [--big-endian] FILE',
    '',
    'Prints eBPF instructions in the LLVM/kernel syntax, line for line as llvm-objdump-19 -d:',
    '  ELF object      every executable section, with symbols and jump targets',
    '  .hex            base16 text of raw instructions',
    '  other files     raw instruction bytes',
    '  --raw           show instruction bytes (llvm-objdump without --no-show-raw-insn)',
    '  -r, --reloc     show relocations under their instructions (llvm-objdump -dr)',
    '  --mcpu=CPU      generic (default, as llvm-objdump without --mcpu), v1, v2, v3 or v4;',
    '                  v3 and later print 32-bit loads, stores and atomics with w registers',
    '  --big-endian    raw input is big-endian (ELF objects say their own byte order)',
  ].join('\n'),
  async run(args: readonly string[], io: CliIO): Promise<number> {
    let raw = false, big = false, relocs = false, cpu: LlvmCpu = 'generic';
    const files: string[] = [];
    for (const a of args) {
      if (a === '--raw') raw = true;
      else if (a === '-r' || a === '--reloc') relocs = true;
      else if (a === '--big-endian') big = true;
      else if (a.startsWith('--mcpu=')) {
        const c = a.slice(7) as LlvmCpu;
        if (!CPUS.includes(c)) throw new UsageError(`unknown cpu '${c}' (generic, v1, v2, v3, v4)`);
        cpu = c;
      } else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option '${a}'`);
      else files.push(a);
    }
    if (files.length !== 1) throw new UsageError('expected one FILE');
    const file = files[0]!;
    const bytes = await io.readInput(file);
    if (bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46) {
      const name = file === '-' ? '<stdin>' : file;
      io.stdout(objdumpLlvm(parseElf(bytes), name, { cpu, rawInsn: raw, relocations: relocs }));
      return 0;
    }
    let code = bytes;
    if (file.endsWith('.hex')) {
      const parsed = parseHexText(new TextDecoder().decode(bytes));
      if (!parsed) throw new UsageError(`${file} is not base16 text`);
      code = parsed;
    }
    if (code.length % 8 !== 0) throw new DecodeError(`${file}: ${code.length} bytes is not a whole number of 8-byte instructions`, code.length - (code.length % 8));
    const lines = disassembleLlvm(code, { cpu, littleEndian: !big, listing: true, rawInsn: raw });
    io.stdout(lines.length ? `${lines.join('\n')}\n` : '');
    return 0;
  },
};
