/**
 * `tsbpf run`: runs an eBPF program once on some data, like `bpftool prog run` on a loaded
 * program: r1 points to the data, r2 holds its length; prints r0, the data when the program
 * changed it, and with --repeat N the mean duration per run in nanoseconds.
 */
import type { CliIO, Command } from '../command.js';
import { UsageError } from '../run-cli.js';
import { reportLocated } from './bpf-asm.js';
import { formatInsnLlvm } from '../../ebpf/asm/llvm-disasm.js';
import type { TraceEvent } from '../../ebpf/runtime/index.js';
import { engineOption, loadProgram, parseHex, prepare, toHex } from './ebpf-engine.js';

export const runCommand: Command = {
  name: 'run',
  summary: 'run an eBPF program (.bin, .hex, .s/.asm) on data and print r0',
  usage: [
    'usage: tsbpf run [--engine interpreter|jit] [--repeat N] [--trace] [--data FILE | --data-hex HEX] PROGRAM',
    '',
    'PROGRAM is raw instruction bytes (.bin), base16 text (.hex) or assembly (.s, .asm) in the',
    'LLVM syntax or the conformance suite\'s syntax (recognised by %rN registers). The program',
    'runs with r1 pointing to the data and r2 holding its length. Prints r0, the data when the',
    'program changed it, and with --repeat N the mean duration per run in nanoseconds.',
    'Lines the program prints with bpf_trace_printk (helper 6) are shown as bpf_trace_printk: MSG.',
    '--trace prints every executed instruction (pc, LLVM syntax) and the registers it changed.',
  ].join('\n'),
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const opts = new Map<string, string>();
    const rest: string[] = [];
    const valued = ['--engine', '--repeat', '--data', '--data-hex'];
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(0, eq) : a;
      if (valued.includes(name)) {
        const v = eq > 0 ? a.slice(eq + 1) : args[++i];
        if (v === undefined) throw new UsageError(`${name} needs a value`);
        opts.set(name, v);
      } else if (a === '--trace') opts.set('--trace', '');
      else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option '${a}'`);
      else rest.push(a);
    }
    if (rest.length !== 1) throw new UsageError('expected one PROGRAM');
    if (opts.has('--data') && opts.has('--data-hex')) throw new UsageError('--data and --data-hex exclude each other');
    const repeatText = opts.get('--repeat');
    const repeat = repeatText === undefined ? 1 : Number(repeatText);
    if (!Number.isInteger(repeat) || repeat < 1) throw new UsageError(`--repeat needs a positive integer, got '${repeatText}'`);
    const engine = engineOption(opts.get('--engine'));
    const path = rest[0]!;
    const source = await io.readInput(path);
    let insns;
    try {
      insns = await loadProgram(path, source);
    } catch (err) {
      return reportLocated(err, path, io);
    }
    const dataFile = opts.get('--data');
    const data = dataFile !== undefined ? await io.readInput(dataFile)
      : opts.has('--data-hex') ? parseHex(opts.get('--data-hex')!, '--data-hex') : new Uint8Array(0);
    const trace = opts.has('--trace')
      ? (e: TraceEvent) => {
        const regs = e.changed.map(([r, v]) => `r${r}=0x${v.toString(16)}`).join(' ');
        io.stdout(`${String(e.pc).padStart(5)}: ${formatInsnLlvm(e.insn, { pc: e.pc, cpu: 'v4' })}${regs ? `    ; ${regs}` : ''}\n`);
      }
      : undefined;
    // trace_printk lines of the first run are printed as the trace pipe shows the message part.
    let firstRun = true;
    const printk = (line: string) => { if (firstRun) io.stdout(`bpf_trace_printk: ${line}\n`); };
    const runner = prepare(insns, engine, trace ? { traceHook: trace, printk } : { printk });
    if (trace && repeatText !== undefined) throw new UsageError('--trace and --repeat exclude each other');
    const result = runner.run({ data });
    firstRun = false;
    io.stdout(`r0 = 0x${result.r0.toString(16)} (${BigInt.asIntN(64, result.r0)})\n`);
    if (result.data && toHex(result.data) !== toHex(data)) io.stdout(`data = ${toHex(result.data)}\n`);
    if (repeatText !== undefined) {
      const start = performance.now();
      for (let i = 0; i < repeat; i++) runner.run({ data });
      const ns = Math.round(((performance.now() - start) * 1e6) / repeat);
      io.stdout(`duration (average): ${ns}ns, repeat ${repeat}\n`);
    }
    return 0;
  },
};
