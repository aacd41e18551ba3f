/**
 * The kernel column for the shared eBPF benchmark programs (bench/programs/ebpf.ts): each is
 * loaded into the kernel as an XDP program and run by BPF_PROG_TEST_RUN with `repeat`; the
 * figure is the kernel's own mean duration per run (JIT-compiled code when bpf_jit_enable is 1,
 * plus the test_run loop's per-iteration overhead of a few ns). The interpreter is measured
 * again in the same table so the ratio compares figures taken in one run.
 *
 * The bodies run with r1 = data and r2 = length, as in the interpreter; an XDP prologue sets
 * them from xdp_md after checking that KERNEL_MIN_BYTES are present, because the verifier only
 * accepts packet reads it can prove in bounds against data_end (the parser reads at a variable
 * offset up to byte 78). The kernel's packet is the benchmark's data zero-padded to that size
 * when shorter; every program's r0 is checked against its expectation in the kernel too.
 */
import { assembleConformance } from '../src/ebpf/asm/conformance/index.js';
import { R0, R1, R2, R3, R4, R10, alu64, exit, jmp, label, ldx, link, stx, type Insn } from '../src/ebpf/isa/index.js';
import { createVm, standardHelpers } from '../src/ebpf/runtime/index.js';
import type { Benchmark, BenchCase, BenchSuite, Measure } from './bench-api.js';
import { ebpfBenchPrograms } from './programs/ebpf.js';

const KERNEL_MIN_BYTES = 80;

export function xdpWrapper(body: readonly Insn[]): Insn[] {
  return link([
    ldx(4, R2, R1, 0), // xdp_md->data
    ldx(4, R3, R1, 4), // xdp_md->data_end
    alu64.mov.reg(R4, R2),
    alu64.add.imm(R4, KERNEL_MIN_BYTES),
    jmp.le.reg(R4, R3, 'body'),
    alu64.mov.imm(R0, 0),
    exit(),
    label('body'),
    stx(8, R10, R3, -8), // data_end, for bounds checks a kernel copy of a program adds
    alu64.mov.reg(R1, R2),
    alu64.mov.reg(R2, R3),
    alu64.sub.reg(R2, R1), // r2 = length
    ...body,
  ]);
}

/**
 * The verifier cannot follow a bounds check against the length in r2, only against data_end,
 * and a pointer moved by a variable offset (the IPv4 header length) needs a check of its own.
 * The kernel's copy of the parser gets one before the TCP header read: data_end is reloaded
 * into r8 (dead at that point; r3 is overwritten by the next load). Four instructions added.
 */
const TCP_HEADER_ANCHOR = 'add %r9, %r4              # TCP header\n';
const TCP_HEADER_CHECK = 'ldxdw %r8, [%r10-8]\nmov %r3, %r9\nadd %r3, 4\njgt %r3, %r8, out\n';

export function kernelAsm(asm: string): { asm: string; adapted: boolean } {
  if (!asm.includes(TCP_HEADER_ANCHOR)) return { asm, adapted: false };
  return { asm: asm.replace(TCP_HEADER_ANCHOR, TCP_HEADER_ANCHOR + TCP_HEADER_CHECK), adapted: true };
}

export function padded(data: Uint8Array): Uint8Array {
  if (data.length >= KERNEL_MIN_BYTES) return data;
  const out = new Uint8Array(KERNEL_MIN_BYTES);
  out.set(data);
  return out;
}

export async function kernelVariants(): Promise<{ make: (body: readonly Insn[], data: Uint8Array, expected: bigint, name: string) => Measure; notes: string[] }> {
  const skipAll = (reason: string) => ({ make: (): Measure => ({ skip: reason }), notes: [] });
  if (process.platform !== 'linux') return skipAll('the kernel column needs Linux');
  if (process.getuid?.() !== 0) return skipAll('the kernel column needs root (bpf(2))');
  const kernelModule = await import('../src/node/kernel/index.js');
  const avail = await kernelModule.kernelAvailable();
  if (!avail.ok) return skipAll(`kernel unavailable: ${avail.reason}`);
  const kernel = await kernelModule.openKernel();
  const { readFileSync } = await import('node:fs');
  let jit = 'unknown';
  try { jit = readFileSync('/proc/sys/net/core/bpf_jit_enable', 'utf8').trim(); } catch { /* not readable */ }
  return {
    notes: [
      `kernel: BPF_PROG_TEST_RUN duration per run as the kernel reports it, XDP, bpf_jit_enable=${jit}; repeat sized for ~100 ms per measurement`,
      `kernel packet: the data zero-padded to ${KERNEL_MIN_BYTES} bytes (bounds the verifier can prove); r0 checked in the kernel too`,
    ],
    make(body, data, expected, name) {
      // Loaded once per case and kept for the whole run: the benchmark process exits after it.
      const prog = kernel.loadProgram({ type: 'xdp', insns: xdpWrapper(body), name: 'tsbpf_bench' });
      const input = padded(data);
      const got = prog.testRun({ data: input }).retval;
      if (BigInt(got) !== (expected & 0xffffffffn)) throw new Error(`${name}: kernel r0 0x${got.toString(16)}, expected 0x${(expected & 0xffffffffn).toString(16)}`);
      const probe = prog.testRun({ data: input, repeat: 1000 }).duration;
      const repeat = Math.min(10_000_000, Math.max(1000, Math.round(100e6 / Math.max(probe, 1))));
      return { measure: () => prog.testRun({ data: input, repeat }).duration };
    },
  };
}

export const ebpfKernel: Benchmark = {
  name: 'ebpf-kernel',
  async setup(): Promise<BenchSuite> {
    const kernel = await kernelVariants();
    const adapted: string[] = [];
    const cases: BenchCase[] = ebpfBenchPrograms().map((p) => {
      const insns = assembleConformance(p.asm);
      const vm = createVm(insns, { helpers: standardHelpers() });
      const first = vm.run({ data: p.data });
      if (first.r0 !== p.expected) throw new Error(`${p.name}: r0 0x${first.r0.toString(16)}, expected 0x${p.expected.toString(16)}`);
      const input = { data: p.data };
      if (kernelAsm(p.asm).adapted) adapted.push(p.name);
      return {
        name: p.name,
        info: { executed: first.instructions },
        opsPerRound: 1,
        variants: {
          interpreter: { run: (rounds: number) => { let s = 0; for (let i = 0; i < rounds; i++) s ^= Number(vm.run(input).r0 & 0xffn); return s; } },
          'kernel JIT': kernel.make(assembleConformance(kernelAsm(p.asm).asm), p.data, p.expected, p.name),
        },
      };
    });
    return {
      title: 'eBPF: interpreter next to the kernel (BPF_PROG_TEST_RUN), ns per program run',
      unit: 'run',
      peer: 'kernel JIT',
      cases,
      notes: [
        'programs: bench/programs/ebpf.ts (the same as ebpf-interp)',
        ...kernel.notes,
        ...adapted.map((n) => `${n}: the kernel's copy has a data_end check (4 instructions) before the variable-offset TCP header read, which the verifier requires`),
      ],
    };
  },
};
