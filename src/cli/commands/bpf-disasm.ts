/**
 * `tsbpf bpf-disasm [FILE]`: classic BPF bytecode back to bpf_asm source. Reads bpf_asm's comma
 * form, its C form (`bpf_asm -c`, also `tcpdump -dd`), or `tcpdump -ddd` output from FILE or
 * standard input, and prints source that `tsbpf bpf-asm` (and bpf_asm) assemble to the same
 * instructions.
 */
import { disassemble, parseBytecode, DisasmError } from '../../cbpf/asm/index.js';
import type { CliIO, Command } from '../command.js';
import { UsageError } from '../run-cli.js';
import { parseFlags, reportLocated } from './bpf-asm.js';

export const bpfDisasmCommand: Command = {
  name: 'bpf-disasm',
  summary: 'classic BPF bytecode (bpf_asm comma/C form, tcpdump -dd/-ddd) back to bpf_asm source',
  usage: [
    'usage: tsbpf bpf-disasm [FILE]',
    '',
    'Reads classic BPF bytecode from FILE or standard input in any of these forms:',
    '  4,32 0 0 4294963236,21 0 1 3,6 0 0 262144,6 0 0 0,     bpf_asm, iptables --bytecode',
    '  { 0x20,  0,  0, 0xfffff024 },  ...                       bpf_asm -c, tcpdump -dd',
    '  4\\n32 0 0 4294963236\\n...                                 tcpdump -ddd',
    'and prints it as bpf_asm source (labels l<N> for jump targets).',
  ].join('\n'),
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { rest } = parseFlags(args, {});
    if (rest.length > 1) throw new UsageError(`expected at most one FILE, got ${rest.length}`);
    const file = rest[0];
    const name = file === undefined || file === '-' ? '<stdin>' : file;
    const text = new TextDecoder('utf-8').decode(await io.readInput(file));
    let insns;
    try {
      insns = parseBytecode(text);
    } catch (err) {
      return reportLocated(err, name, io);
    }
    try {
      io.stdout(disassemble(insns));
    } catch (err) {
      if (err instanceof DisasmError) {
        io.stderr(`tsbpf: ${name}: ${err.message}\n`);
        return 1;
      }
      throw err;
    }
    return 0;
  },
};
