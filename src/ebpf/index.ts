/** `tsbpf/ebpf`: the extended BPF platform. */
export * from './isa/index.js';
export * from './asm/conformance/index.js';
export * from './runtime/index.js';
