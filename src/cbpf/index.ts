/** `tsbpf/cbpf`: the classic BPF machine. */
export * from './opcodes.js';
export * from './insn.js';
export * from './program.js';
export * from './listing.js';
export * from './asm/index.js';
