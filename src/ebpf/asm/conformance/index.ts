/** The bpf_conformance suite's assembler syntax and its `.data` test file format. */
export * from './assembler.js';
export * from './data-file.js';
