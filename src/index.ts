/** The browser-safe public API of tsbpf. */
export * from './core/errors.js';
export * as cbpf from './cbpf/index.js';
export * as ebpf from './ebpf/index.js';
export { ClassicProgram } from './cbpf/program.js';
export type { ClassicInsn } from './cbpf/insn.js';
export { compileFilter, FilterError, type CompileFilterOptions } from './filter/index.js';
export * as filter from './filter/index.js';
export * as capture from './capture/index.js';
export * as decode from './decode/index.js';
