/** `tsbpf/ebpf`: the extended BPF platform. */
export * from './isa/index.js';
