/**
 * One interface for every engine (GUIDE: "one corpus, every backend"): the interpreter here,
 * the Wasm JIT (issue 6) and the kernel (src/node/kernel) implement `Backend`, so conformance,
 * differential and benchmark code is written once. Asynchronous because loading into the
 * kernel or compiling Wasm may be; the interpreter resolves immediately.
 */
import type { Insn } from '../isa/insn.js';
import type { Env } from './env.js';
import { createVm, type RunInput, type RunResult, type VmOptions } from './interpreter.js';

export type BackendName = 'interpreter' | 'wasm' | 'kernel';

/** What to load: instruction values or raw little-endian bytes. */
export interface LoadSpec {
  readonly insns: readonly Insn[] | Uint8Array;
  /** Run-time options of the userspace engines (budget, trace hook). */
  readonly options?: Omit<VmOptions, 'env'>;
}

export interface Loaded {
  run(input?: RunInput): Promise<RunResult>;
  close(): void;
}

export interface Backend {
  readonly name: BackendName;
  load(spec: LoadSpec, env?: Env): Promise<Loaded>;
}

export const interpreterBackend: Backend = {
  name: 'interpreter',
  async load(spec: LoadSpec, env?: Env): Promise<Loaded> {
    const vm = createVm(spec.insns, env ? { ...spec.options, env } : { ...spec.options });
    return { run: async (input: RunInput = {}) => vm.run(input), close: () => vm.close() };
  },
};
