/**
 * Seeded random classic instructions for the listing and bpf_asm tests: every opcode libpcap
 * and the Linux kernel name, plus random (mostly invalid) opcodes, with `k` drawn from the
 * interesting places (small, negative, ancillary offsets SKF_AD_OFF + n, anything).
 */
import { insn, type ClassicInsn } from '../../src/cbpf/insn.js';
import type { Prng } from '../helpers/prng.js';

/** Every opcode with a meaning in libpcap's or the Linux kernel's classic BPF. */
export const KNOWN_OPCODES: readonly number[] = [
  0x00, 0x20, 0x28, 0x30, 0x40, 0x48, 0x50, 0x60, 0x80, // ld
  0x01, 0x61, 0x81, 0xb1, // ldx
  0x02, 0x03, // st, stx
  0x04, 0x14, 0x24, 0x34, 0x44, 0x54, 0x64, 0x74, 0x84, 0x94, 0xa4, // alu k + neg
  0x0c, 0x1c, 0x2c, 0x3c, 0x4c, 0x5c, 0x6c, 0x7c, 0x9c, 0xac, // alu x
  0x05, 0x15, 0x25, 0x35, 0x45, 0x1d, 0x2d, 0x3d, 0x4d, // jumps
  0x06, 0x0e, 0x16, // ret k, x, a
  0x07, 0x87, // tax, txa
];

export function randomK(rng: Prng): number {
  switch (rng.int(6)) {
    case 0: return rng.int(64);
    case 1: return (-0x1000 + rng.int(68)) >>> 0;          // Linux ancillary offsets, some unnamed
    case 2: return (-1 - rng.int(100)) >>> 0;              // negative as int32
    case 3: return rng.int(0x10000);
    case 4: return rng.pick([0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 262144]);
    default: return rng.u32();
  }
}

/** One random instruction: a known opcode most of the time, else any 8- or 16-bit code. */
export function randomInsn(rng: Prng): ClassicInsn {
  const r = rng.int(10);
  const code = r < 7 ? rng.pick(KNOWN_OPCODES) : r < 9 ? rng.int(0x100) : rng.int(0x10000);
  return insn(code, rng.int(256), rng.int(256), randomK(rng));
}
