/** The eBPF instruction set: values, builders, opcodes, encoding and linking. */
export * from './insn.js';
export * from './build.js';
export * from './codec.js';
export * from './link.js';
export * as opcodes from './opcodes.js';
