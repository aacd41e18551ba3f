/**
 * eBPF engines side by side, measured in the same run: our interpreter, our Wasm JIT
 * (src/ebpf/jit, checked mode) and the kernel's JIT through BPF_PROG_TEST_RUN with `repeat`
 * (bench/ebpf-kernel.ts's loader; n/a without root/bpf(2)). Ratios are to the Wasm JIT:
 * interpreter/wasm is the JIT's speed-up (target ≥ 20x), kernel/wasm below 0.5 means the kernel
 * is more than 2x faster (target: within 2x on the compute programs).
 *
 * Programs: the shared ones (bench/programs/ebpf.ts: prime, 1000-iteration loop, IPv4/TCP
 * 5-tuple) and bench/programs/ebpf-jit.ts (trivial return, full Eth/IPv4/IPv6/TCP/UDP parser
 * on an IPv6/UDP frame, checksum over 1500 bytes, map-heavy). Every engine's r0 is checked
 * against the independently computed expectation before timing.
 */
import { assembleConformance } from '../src/ebpf/asm/conformance/index.js';
import { ldMapFd, lddw, type Insn } from '../src/ebpf/isa/index.js';
import { compileWasm } from '../src/ebpf/jit/index.js';
import { createMap, createVm, standardHelpers, type BpfMap } from '../src/ebpf/runtime/index.js';
import type { Benchmark, BenchCase, BenchSuite, Measure } from './bench-api.js';
import { kernelAsm, kernelVariants } from './ebpf-kernel.js';
import { ebpfBenchPrograms } from './programs/ebpf.js';
import {
  CHECKSUM, END_PROLOGUE, KERNEL_END, MAP_CHURN_EXPECTED, MAP_HEAVY_KEYS, MAP_HEAVY_MAPS, PARSE_FULL, TRIVIAL, checksumExpected, frame1500, ipv6UdpFrame,
  mapChurn, mapHeavy, parseFullExpected,
} from './programs/ebpf-jit.js';

interface Program {
  name: string; insns: Insn[]; kernelInsns?: Insn[]; data: Uint8Array; expected: bigint; maps?: () => BpfMap[]; kernelSkip?: string;
  /** Map programs: the program with map i loaded by `ref` (an index for us, a kernel fd there). */
  build?: (ref: (dst: 1, i: number) => Insn) => Insn[];
}

function programs(): Program[] {
  const shared = ebpfBenchPrograms().map((p) => ({
    name: p.name, insns: assembleConformance(p.asm), kernelInsns: assembleConformance(kernelAsm(p.asm).asm), data: p.data, expected: p.expected,
  }));
  const v6 = ipv6UdpFrame(), big = frame1500();
  const forKernel = (asm: string) => assembleConformance(asm.replace(END_PROLOGUE, KERNEL_END));
  return [
    { name: 'trivial return', insns: assembleConformance(TRIVIAL), kernelInsns: assembleConformance(TRIVIAL), data: new Uint8Array(64), expected: 2n },
    shared[0]!, shared[1]!, shared[2]!,
    { name: 'parse Eth/IPv6/UDP 5-tuple (full parser)', insns: assembleConformance(PARSE_FULL), kernelInsns: forKernel(PARSE_FULL), data: v6, expected: parseFullExpected(v6) },
    { name: 'checksum 1500 bytes', insns: assembleConformance(CHECKSUM), kernelInsns: forKernel(CHECKSUM), data: big, expected: checksumExpected(big) },
    {
      name: 'map-heavy (8 array + 8 hash lookups, updates)', insns: mapHeavy((d, i) => lddw(d, i, 5)), data: new Uint8Array(64), expected: BigInt(MAP_HEAVY_KEYS),
      maps: () => MAP_HEAVY_MAPS.map((s) => createMap(s)), build: mapHeavy,
    },
    {
      name: 'map churn (8 hash inserts, lookups, deletes)', insns: mapChurn((d, i) => lddw(d, i, 5)), data: new Uint8Array(64), expected: MAP_CHURN_EXPECTED,
      maps: () => MAP_HEAVY_MAPS.map((s) => createMap(s)), build: mapChurn,
    },
  ];
}

/**
 * Each timed run's r0 is compared with the expected value: no BigInt arithmetic in the loop (a
 * `& 0xffn` and Number() cost ~10 ns per run, as much as a parser's whole wasm execution).
 */
const loop = (run: () => bigint, expected: bigint): Measure => ({
  run: (rounds: number) => {
    let s = 0;
    for (let i = 0; i < rounds; i++) if (run() === expected) s++;
    if (s !== rounds) throw new Error(`r0 differed from ${expected} in ${rounds - s} of ${rounds} timed runs`);
    return s;
  },
});

export const ebpfEngines: Benchmark = {
  name: 'ebpf-engines',
  async setup(): Promise<BenchSuite> {
    const kernel = await kernelVariants();
    let kernelMaps: ((spec: (typeof MAP_HEAVY_MAPS)[number]) => { fd: number }) | undefined;
    const notes: string[] = [];
    try {
      if (process.platform === 'linux' && process.getuid?.() === 0) {
        const k = await import('../src/node/kernel/index.js');
        if ((await k.kernelAvailable()).ok) { const kk = await k.openKernel(); kernelMaps = (s) => kk.createMap({ ...s, name: 'tsbpf_bench' }); }
      }
    } catch (err) { notes.push(`kernel maps unavailable: ${(err as Error).message}`); }
    const cases: BenchCase[] = programs().map((p) => {
      const helpers = standardHelpers();
      const vm = createVm(p.insns, { helpers, ...(p.maps ? { maps: p.maps() } : {}) });
      const jit = compileWasm(p.insns, { helpers, ...(p.maps ? { maps: p.maps() } : {}) });
      // The mode reserved for verifier-proven programs: no bounds compare, no instruction count.
      const proven = compileWasm(p.insns, { helpers, checked: false, budget: false, ...(p.maps ? { maps: p.maps() } : {}) });
      const input = { data: p.data };
      if (proven.run(input).r0 !== p.expected) throw new Error(`${p.name}: unchecked JIT r0 differs`);
      // Checked, with the packet left in linear memory between runs (its own result view passed
      // back: no copy), as the kernel's repeat loop reuses one buffer. No program here writes it.
      const inPlace = compileWasm(p.insns, { helpers, ...(p.maps ? { maps: p.maps() } : {}) });
      const inPlaceInput = { data: inPlace.run(input).data! };
      if (inPlace.run(inPlaceInput).r0 !== p.expected) throw new Error(`${p.name}: in-place JIT r0 differs`);
      const first = vm.run(input), firstJit = jit.run(input);
      if (first.r0 !== p.expected) throw new Error(`${p.name}: interpreter r0 0x${first.r0.toString(16)}, expected 0x${p.expected.toString(16)}`);
      if (firstJit.r0 !== p.expected) throw new Error(`${p.name}: JIT r0 0x${firstJit.r0.toString(16)}, expected 0x${p.expected.toString(16)}`);
      if (firstJit.instructions !== first.instructions) throw new Error(`${p.name}: JIT counted ${firstJit.instructions} instructions, interpreter ${first.instructions}`);
      let kernelMeasure: Measure;
      try {
      if (p.maps) {
        if (kernelMaps) {
          const fds = MAP_HEAVY_MAPS.map((s) => kernelMaps!(s).fd);
          kernelMeasure = kernel.make(p.build!((d, i) => ldMapFd(d, fds[i]!)), p.data, p.expected, p.name);
        } else kernelMeasure = { skip: 'kernel unavailable' };
      } else kernelMeasure = kernel.make(p.kernelInsns ?? p.insns, p.data, p.expected, p.name);
      } catch (err) {
        const e = err as Error & { log?: string };
        notes.push(`${p.name}: the kernel refused it: ${e.message}${e.log ? ` (${e.log.trim().split('\n').slice(-2, -1)[0]})` : ''}`);
        kernelMeasure = { skip: 'kernel refused the program (see notes)' };
      }
      return {
        name: p.name,
        info: { executed: first.instructions, wasm: `${jit.wasm.length} B` },
        opsPerRound: 1,
        variants: {
          interpreter: loop(() => vm.run(input).r0, p.expected),
          'wasm JIT': loop(() => jit.run(input).r0, p.expected),
          'wasm unchecked': loop(() => proven.run(input).r0, p.expected),
          'wasm in place': loop(() => inPlace.run(inPlaceInput).r0, p.expected),
          'kernel JIT': kernelMeasure,
        },
      };
    });
    return {
      title: 'eBPF engines: ns per program run (interpreter, Wasm JIT checked, kernel JIT via BPF_PROG_TEST_RUN)',
      unit: 'run',
      peer: 'wasm JIT',
      cases,
      notes: [
        'ratios are to the Wasm JIT: interpreter/wasm = JIT speed-up; kernel/wasm < 1 = the kernel is faster',
        'wasm JIT: checked mode with the exact instruction budget (the default); wasm unchecked: no bounds compare, no budget (reserved for verifier-proven programs)',
        'wasm in place: checked, the packet not copied in per run (the previous result\'s view passed back), as the kernel\'s repeat loop reuses its buffer',
        'programs: bench/programs/ebpf.ts and bench/programs/ebpf-jit.ts; r0 and the instruction count of each engine checked before timing, r0 of every timed run too',
        'kernel copies of packet programs check reads against data_end (the verifier cannot follow r2), otherwise identical',
        ...kernel.notes, ...notes,
      ],
    };
  },
};
