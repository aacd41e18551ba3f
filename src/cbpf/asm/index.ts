/** The Linux kernel's bpf_asm language (tools/bpf): assembler, disassembler, output forms. */
export { tokenize, MNEMONICS, EXTENSIONS, type Token, type Mnemonic } from './lexer.js';
export { parseAsm, type AsmStatement, type LabelRef } from './parser.js';
export { assemble, resolveLabels } from './encoder.js';
export { formatCommaForm, formatCForm, parseBytecode } from './bytecode.js';
export { disassemble, canonicalInsn, isAsmOpcode, type DisassembleOptions } from './disassembler.js';
export { AsmLabelError, DisasmError } from './errors.js';
