/**
 * A classic program owns a frozen array of instructions. It is the value that flows from the
 * filter compiler and the assembler into listings, the checker, the interpreter, the JIT and
 * the classic → eBPF translator.
 */
import { type ClassicInsn, encodeClassic, decodeClassic } from './insn.js';

export class ClassicProgram {
  readonly instructions: readonly ClassicInsn[];

  constructor(instructions: readonly ClassicInsn[]) {
    this.instructions = Object.freeze([...instructions]);
  }

  get length(): number {
    return this.instructions.length;
  }

  /** The `struct sock_filter[]` bytes, host (little-endian) order by default. */
  encode(littleEndian = true): Uint8Array {
    return encodeClassic(this.instructions, littleEndian);
  }

  static decode(bytes: Uint8Array, littleEndian = true): ClassicProgram {
    return new ClassicProgram(decodeClassic(bytes, littleEndian));
  }
}
