/**
 * ns per run of the eBPF interpreter on the shared benchmark programs (bench/programs/ebpf.ts):
 * the conformance suite's prime program, a 1000-iteration loop and a packet parser. The
 * kernel's BPF_PROG_TEST_RUN column is added by the kernel backend's benchmark. Each program's
 * r0 is checked against its independently computed expectation before timing.
 */
import { assembleConformance } from '../src/ebpf/asm/conformance/index.js';
import { createVm, standardHelpers } from '../src/ebpf/runtime/index.js';
import { slotsOf } from '../src/ebpf/isa/index.js';
import type { Benchmark, BenchSuite } from './bench-api.js';
import { ebpfBenchPrograms } from './programs/ebpf.js';

export const ebpfInterp: Benchmark = {
  name: 'ebpf-interp',
  setup(): BenchSuite {
    const cases = ebpfBenchPrograms().map((p) => {
      const insns = assembleConformance(p.asm);
      const vm = createVm(insns, { helpers: standardHelpers() });
      const first = vm.run({ data: p.data });
      if (first.r0 !== p.expected) throw new Error(`${p.name}: r0 0x${first.r0.toString(16)}, expected 0x${p.expected.toString(16)}`);
      const input = { data: p.data };
      return {
        name: p.name,
        info: { slots: insns.reduce((n, i) => n + slotsOf(i), 0), executed: first.instructions },
        opsPerRound: 1,
        variants: {
          interpreter: { run: (rounds: number) => { let s = 0; for (let i = 0; i < rounds; i++) s ^= Number(vm.run(input).r0 & 0xffn); return s; } },
        },
      };
    });
    return {
      title: 'eBPF interpreter: ns per program run (r1 = data, r2 = length)',
      unit: 'run',
      cases,
      notes: ['programs: bench/programs/ebpf.ts; r0 of each checked before timing', 'the kernel column for the same programs: the ebpf-kernel benchmark; the Wasm JIT: ebpf-engines'],
    };
  },
};
