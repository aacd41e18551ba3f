/**
 * LLVM-syntax disassembly of instruction values or raw bytes, one string per instruction,
 * optionally in llvm-objdump's listing layout. The instruction text is llvm-format.ts; raw
 * bytes are decoded as LLVM decodes them (llvm-decode.ts), so any byte stream lists as
 * llvm-objdump-19 lists it.
 */
import type { Insn } from '../isa/insn.js';
import { encodeInsn, rawToBytes } from '../isa/codec.js';
import { INSN_SIZE } from '../isa/opcodes.js';
import { formatInsnLlvm, type LlvmFormatOptions } from './llvm-format.js';
import { disassembleRegionLlvm } from './llvm-decode.js';

export * from './llvm-format.js';

export interface LlvmDisasmOptions extends Omit<LlvmFormatOptions, 'pc'> {
  /** Byte order of the input bytes, and of the bytes column for instruction input. Default true. */
  readonly littleEndian?: boolean;
  /** Prefix each line as llvm-objdump does: `     N:\t` (and the bytes with `rawInsn`). */
  readonly listing?: boolean;
  /** With `listing`, show the instruction bytes (llvm-objdump without `--no-show-raw-insn`). */
  readonly rawInsn?: boolean;
}

const hexBytes = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');

/** The listing row llvm-objdump prints for one instruction at byte `address`. */
export function listingRow(address: number, bytes: Uint8Array, text: string, rawInsn: boolean): string {
  const column = `${String(Math.floor(address / INSN_SIZE)).padStart(8)}:\t`;
  return rawInsn ? `${column}${hexBytes(bytes)}\t${text}` : `${column}${text}`;
}

/**
 * Disassembles instruction values or raw bytes, one string per instruction. Bytes are decoded
 * as LLVM decodes them: undecodable slots print `<unknown>`, a run of 8 or more zero bytes prints
 * `...` (the listing row is `\t\t...`), a trailing fragment prints byte by byte.
 */
export function disassembleLlvm(input: readonly Insn[] | Uint8Array, options: LlvmDisasmOptions = {}): string[] {
  const little = options.littleEndian ?? true;
  if (input instanceof Uint8Array) {
    return disassembleRegionLlvm(input, 0, input.length, { ...options, cpu: options.cpu ?? 'generic', littleEndian: little })
      .map((r) => (r.text === '...' ? (options.listing ? '\t\t...' : '...') : options.listing ? listingRow(r.address, input.subarray(r.address, r.address + r.size), r.text, options.rawInsn ?? false) : r.text));
  }
  const out: string[] = [];
  let pc = 0;
  for (const insn of input) {
    const bytes = rawToBytes(encodeInsn(insn), little);
    const text = formatInsnLlvm(insn, { ...options, pc });
    out.push(options.listing ? listingRow(pc * INSN_SIZE, bytes, text, options.rawInsn ?? false) : text);
    pc += bytes.length / INSN_SIZE;
  }
  return out;
}
