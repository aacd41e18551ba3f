/**
 * `tsbpf asm [-o OUT] [--hex] [--big-endian] [--section NAME] FILE.s`: assembles eBPF in the LLVM/kernel syntax
 * (as llvm-mc accepts and llvm-objdump prints it) into raw instruction bytes or base16 text.
 */
import { writeFile } from 'node:fs/promises';
import { AsmSyntaxError, LinkError } from '../../core/errors.js';
import { assembleLlvm } from '../../ebpf/asm/llvm-asm.js';
import { encode } from '../../ebpf/isa/index.js';
import type { CliIO, Command } from '../command.js';
import { UsageError } from '../run-cli.js';

const toHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

export const ebpfAsmCommand: Command = {
  name: 'asm',
  summary: 'assemble eBPF in the LLVM syntax (llvm-mc / llvm-objdump text) into bytes',
  usage: [
    'usage: tsbpf asm [-o OUT] [--hex] [--big-endian] [--section NAME] [FILE.s]',
    '',
    'Assembles eBPF written in the LLVM/kernel syntax (r0 = *(u32 *)(r1 + 4), if w1 s< w2 goto L,',
    'r1 = map ll, labels, ; // # comments, llvm-objdump listings) from FILE or standard input.',
    '  -o OUT          write the raw instruction bytes to OUT (base16 text with --hex)',
    '  --hex           base16 text, one instruction (8 bytes, 16 for lddw) per line; the default',
    '                  on standard output',
    '  --big-endian    encode for bpfeb',
    '  --section NAME  only that executable section (.text, xdp, ... as in clang -S output)',
    'Symbols that are not labels (map references, external calls) are left as relocations and',
    'listed on standard error.',
  ].join('\n'),
  async run(args: readonly string[], io: CliIO): Promise<number> {
    let out: string | undefined, section: string | undefined, hex = false, big = false;
    const files: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-o') { out = args[++i]; if (out === undefined) throw new UsageError('-o needs a file name'); }
      else if (a === '--section') { section = args[++i]; if (section === undefined) throw new UsageError('--section needs a name'); }
      else if (a === '--hex') hex = true;
      else if (a === '--big-endian') big = true;
      else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option '${a}'`);
      else files.push(a);
    }
    if (files.length > 1) throw new UsageError(`expected at most one FILE, got ${files.length}`);
    const file = files[0];
    const name = file === undefined || file === '-' ? '<stdin>' : file;
    let result;
    try {
      result = assembleLlvm(new TextDecoder('utf-8').decode(await io.readInput(file)));
    } catch (err) {
      if (err instanceof AsmSyntaxError) { io.stderr(`tsbpf: ${name}:${err.line}:${err.column}: ${err.message}\n`); return 1; }
      if (err instanceof LinkError) { io.stderr(`tsbpf: ${name}: ${err.message}\n`); return 1; }
      throw err;
    }
    let { insns, relocations } = result;
    if (section !== undefined) {
      const found = result.sections.find((s) => s.name === section);
      if (!found) throw new UsageError(`no executable section '${section}' (have: ${result.sections.map((s) => s.name || '(none)').join(', ')})`);
      ({ insns, relocations } = found);
    } else if (result.sections.length > 1) {
      io.stderr(`tsbpf: ${name}: ${result.sections.length} executable sections assembled as one program (choose one with --section)\n`);
    }
    for (const r of relocations) io.stderr(`tsbpf: ${name}:${r.line}: unresolved ${r.kind === 'map' ? 'map reference' : 'call'} '${r.symbol}' (instruction ${r.index})\n`);
    const lines = insns.map((insn) => toHex(encode([insn], !big)));
    if (out === undefined) { io.stdout(lines.length ? `${lines.join('\n')}\n` : ''); return 0; }
    const bytes = encode(insns, !big);
    await writeFile(out, hex ? (lines.length ? `${lines.join('\n')}\n` : '') : bytes);
    return 0;
  },
};
