/** The Wasm JIT behind the engine-neutral `Backend` interface (src/ebpf/runtime/backend.ts). */
import type { Backend, Loaded, LoadSpec } from '../runtime/backend.js';
import type { Env } from '../runtime/env.js';
import type { RunInput } from '../runtime/interpreter.js';
import { loadWasm } from './program.js';

export const wasmBackend: Backend = {
  name: 'wasm',
  async load(spec: LoadSpec, env?: Env): Promise<Loaded> {
    const p = await loadWasm(spec.insns, env ? { ...spec.options, env } : { ...spec.options });
    return { run: async (input: RunInput = {}) => p.run(input), close: () => p.close() };
  },
};
