/** Every benchmark `npm run bench` runs, in order. Add yours here. */
import type { Benchmark } from './bench-api.js';
import { cbpfEngines } from './cbpf-engines.js';
import { cbpfFilters } from './cbpf-filters.js';
import { dumpBench, dumpStartupBench } from './dump.js';
import { ebpfInterp } from './ebpf-interp.js';
import { ebpfEngines } from './ebpf-engines.js';
import { ebpfKernel } from './ebpf-kernel.js';
import { filterCompile } from './filter-compile.js';

export const benchmarks: readonly Benchmark[] = [cbpfFilters, cbpfEngines, ebpfInterp, ebpfKernel, ebpfEngines, filterCompile, dumpBench, dumpStartupBench];
