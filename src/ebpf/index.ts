/** `tsbpf/ebpf`: the extended BPF platform. */
export * from './isa/index.js';
export * from './asm/conformance/index.js';
export * from './runtime/index.js';
export * from './asm/llvm-disasm.js';
export * from './asm/llvm-asm.js';
export * from './asm/llvm-objdump.js';
export * from './object/elf.js';
export * from './jit/index.js';
