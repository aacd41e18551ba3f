/**
 * `tsbpf bpf-asm [-c] [-d] [FILE]`: the Linux kernel's bpf_asm. Reads bpf_asm source from FILE
 * or standard input and prints the comma form (`4,32 0 0 4294963236,...,` as used by
 * `iptables -m bpf --bytecode`), or with -c the C form of `bpf_asm -c`. With -d (--listing) it
 * also prints the program as `tcpdump -d` would list it.
 */
import { AsmSyntaxError } from '../../core/errors.js';
import { assemble, formatCForm, formatCommaForm, AsmLabelError } from '../../cbpf/asm/index.js';
import { formatListing } from '../../cbpf/listing.js';
import type { CliIO, Command } from '../command.js';
import { UsageError } from '../run-cli.js';

/** Prints `tsbpf: FILE:LINE:COL: message` for an error with a source location; else rethrows. */
export function reportLocated(err: unknown, file: string, io: CliIO): number {
  if (err instanceof AsmSyntaxError || err instanceof AsmLabelError) {
    io.stderr(`tsbpf: ${file}:${err.line}:${err.column}: ${err.message}\n`);
    return 1;
  }
  throw err;
}

/** Splits `-cd` style flag clusters; returns the flags and the positional arguments. */
export function parseFlags(args: readonly string[], known: Readonly<Record<string, string>>): { flags: Set<string>; rest: string[] } {
  const flags = new Set<string>();
  const rest: string[] = [];
  let done = false;
  for (const a of args) {
    if (done || a === '-' || !a.startsWith('-')) { rest.push(a); continue; }
    if (a === '--') { done = true; continue; }
    if (a.startsWith('--')) {
      const f = known[a];
      if (!f) throw new UsageError(`unknown option '${a}'`);
      flags.add(f);
      continue;
    }
    for (const ch of a.slice(1)) {
      const f = known[`-${ch}`];
      if (!f) throw new UsageError(`unknown option '-${ch}'`);
      flags.add(f);
    }
  }
  return { flags, rest };
}

export const bpfAsmCommand: Command = {
  name: 'bpf-asm',
  summary: 'assemble bpf_asm source (Linux tools/bpf syntax) into classic BPF bytecode',
  usage: [
    'usage: tsbpf bpf-asm [-c] [-d] [FILE]',
    '',
    'Assembles classic BPF in the syntax of the Linux kernel\'s bpf_asm (tools/bpf) from FILE or',
    'standard input and prints it as bpf_asm does:',
    '  (default)       the comma form, e.g. 4,32 0 0 4294963236,21 0 1 3,6 0 0 262144,6 0 0 0,',
    '                  (for iptables -m bpf --bytecode, xt_bpf, tc, bpf_dbg)',
    '  -c              the C form, one { code, jt, jf, k } initialiser per line',
    '  -d, --listing   also print the program as tcpdump -d lists it',
  ].join('\n'),
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { flags, rest } = parseFlags(args, { '-c': 'c', '-d': 'd', '--listing': 'd', '--c-form': 'c' });
    if (rest.length > 1) throw new UsageError(`expected at most one FILE, got ${rest.length}`);
    const file = rest[0];
    const text = new TextDecoder('utf-8').decode(await io.readInput(file));
    let program;
    try {
      program = assemble(text);
    } catch (err) {
      return reportLocated(err, file === undefined || file === '-' ? '<stdin>' : file, io);
    }
    io.stdout(flags.has('c') ? formatCForm(program) : formatCommaForm(program));
    if (flags.has('d')) io.stdout(`\n${formatListing(program, 'd')}`);
    return 0;
  },
};
