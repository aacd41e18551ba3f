/**
 * Which classic path is fastest per packet: the JavaScript JIT (src/cbpf/jit.ts) or classic →
 * eBPF → Wasm JIT (src/convert/classic-wasm.ts), on the tcpdump programs and packets of
 * cbpf-filters, measured in the same run. Both must give the classic interpreter's result on
 * every packet before timing. The winner is what `compileClassicFastest` returns.
 */
import { compileClassic, interpret } from '../src/cbpf/index.js';
import { compileClassicWasm } from '../src/convert/index.js';
import type { BenchCase, Benchmark, BenchSuite, Measure } from './bench-api.js';
import { loadFilters } from './cbpf-filters.js';
import { benchPackets } from './cbpf-packets.js';

export const cbpfEngines: Benchmark = {
  name: 'cbpf-engines',
  setup(): BenchSuite {
    const packets = benchPackets();
    const n = packets.length;
    const cases: BenchCase[] = loadFilters().map((f) => {
      const js = compileClassic(f.program), wasm = compileClassicWasm(f.program);
      packets.forEach((p, i) => {
        const want = interpret(f.program, p);
        if (js(p) !== want || wasm(p) !== want) throw new Error(`${f.name}: packet ${i}: interpreter ${want}, JS JIT ${js(p)}, wasm ${wasm(p)}`);
      });
      const loop = (fn: (p: Uint8Array) => number): Measure => ({ run: (rounds) => { let s = 0; for (let r = 0; r < rounds; r++) for (let i = 0; i < n; i++) s += fn(packets[i]!); return s; } });
      return { name: f.name, info: { insns: f.program.length }, opsPerRound: n, variants: { 'JS JIT': loop(js), 'classic→eBPF→wasm': loop(wasm) } };
    });
    return {
      title: 'classic filters: JavaScript JIT vs classic → eBPF → Wasm JIT, ns per packet',
      unit: 'packet',
      peer: 'JS JIT',
      cases,
      notes: [`${n} packets per round (bench/cbpf-packets.ts); results checked against the classic interpreter on every packet`],
    };
  },
};
