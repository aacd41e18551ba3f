/** `tsbpf/cbpf`: the classic BPF machine. */
export * from './opcodes.js';
export * from './insn.js';
export * from './program.js';
export * from './listing.js';
export * from './metadata.js';
export * from './checker.js';
export * from './interpreter.js';
export * from './jit.js';
export * from './asm/index.js';
