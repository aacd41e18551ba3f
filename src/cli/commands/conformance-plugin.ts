/**
 * `tsbpf conformance-plugin`: the bpf_conformance suite's plugin protocol, so the suite's own
 * runner can drive tsbpf (`bpf_conformance_runner --plugin_path tsbpf --plugin_options
 * conformance-plugin ...`). The program arrives as base16 on standard input (or --program),
 * the memory as an optional base16 argument; r0 is printed in hex (no prefix, as the suite's
 * plugins print it); any rejection or fault is a message and a non-zero exit.
 */
import { decode } from '../../ebpf/isa/codec.js';
import type { CliIO, Command } from '../command.js';
import { UsageError } from '../run-cli.js';
import { engineOption, parseHex, prepare } from './ebpf-engine.js';

export const conformancePluginCommand: Command = {
  name: 'conformance-plugin',
  summary: 'run one program for the bpf_conformance suite (its plugin protocol)',
  usage: [
    'usage: tsbpf conformance-plugin [--engine interpreter|jit] [--program HEX] [MEMHEX]',
    '',
    'Reads the program as base16 from standard input (or --program HEX), runs it with r1',
    'pointing to MEMHEX (r2 its length) and prints r0 in hex. Exits 1 with a message when the',
    'program is rejected or faults.',
  ].join('\n'),
  async run(args: readonly string[], io: CliIO): Promise<number> {
    let engine: string | undefined, programHex: string | undefined;
    const rest: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--engine' || a === '--program') {
        const v = args[++i];
        if (v === undefined) throw new UsageError(`${a} needs a value`);
        if (a === '--engine') engine = v; else programHex = v;
      } else if (a.startsWith('--engine=')) engine = a.slice(9);
      else if (a.startsWith('--program=')) programHex = a.slice(10);
      else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option '${a}'`);
      else rest.push(a);
    }
    if (rest.length > 1) throw new UsageError(`expected at most one MEMHEX argument, got ${rest.length}`);
    const which = engineOption(engine);
    const text = programHex ?? new TextDecoder().decode(await io.readInput());
    const program = parseHex(text, 'the program');
    if (program.length === 0) throw new UsageError('empty program');
    const mem = rest[0] === undefined ? new Uint8Array(0) : parseHex(rest[0], 'MEMHEX');
    const result = prepare(decode(program), which).run({ data: mem });
    io.stdout(`${result.r0.toString(16)}\n`);
    return 0;
  },
};
