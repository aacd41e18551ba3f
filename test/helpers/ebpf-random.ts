/**
 * Seeded random eBPF instruction values covering every kind, with edge-case operands
 * (0, ±1, extremes of the 16- and 32-bit fields), for the differential tests against LLVM.
 */
import type { AluOp, AtomicOp, Insn, JmpCond, Reg, Size } from '../../src/ebpf/isa/insn.js';
import { Prng } from './prng.js';

const ALU_OPS: readonly AluOp[] = ['add', 'sub', 'mul', 'div', 'sdiv', 'or', 'and', 'lsh', 'rsh', 'neg', 'mod', 'smod', 'xor', 'mov', 'arsh', 'movsx8', 'movsx16', 'movsx32'];
const CONDS: readonly JmpCond[] = ['eq', 'gt', 'ge', 'set', 'ne', 'sgt', 'sge', 'lt', 'le', 'slt', 'sle'];
const ATOMICS: readonly AtomicOp[] = ['add', 'or', 'and', 'xor', 'xchg', 'cmpxchg'];
const SIZES: readonly Size[] = [1, 2, 4, 8];

export function randomImm(rng: Prng): number {
  switch (rng.int(6)) {
    case 0: return rng.pick([0, 1, -1, 0x7fffffff, -0x80000000, 2, -2, 0xffff, 0x10000]);
    case 1: return rng.int(256);
    case 2: return -rng.int(256);
    default: return rng.u32() | 0;
  }
}
export function randomOff(rng: Prng): number {
  switch (rng.int(4)) {
    case 0: return rng.pick([0, 1, -1, 0x7fff, -0x8000, 8, -8]);
    case 1: return rng.int(64) - 32;
    default: return (rng.u32() & 0xffff) << 16 >> 16;
  }
}
const reg = (rng: Prng): Reg => rng.int(11) as Reg;

/** One random valid instruction value (jump offsets are plain numbers). */
export function randomInsn(rng: Prng): Insn {
  switch (rng.int(15)) {
    case 0: case 1: case 2: {
      const op = rng.pick(ALU_OPS);
      const wide = rng.bool();
      if (op === 'neg') return { kind: 'alu', op, wide, dst: reg(rng), src: { imm: 0 } };
      if (op.startsWith('movsx')) {
        const o = op === 'movsx32' && !wide ? 'movsx16' : op;
        return { kind: 'alu', op: o, wide, dst: reg(rng), src: { reg: reg(rng) } };
      }
      return { kind: 'alu', op, wide, dst: reg(rng), src: rng.bool() ? { reg: reg(rng) } : { imm: randomImm(rng) } };
    }
    case 3: {
      const order = rng.pick(['le', 'be', 'swap'] as const);
      return { kind: 'end', order, bits: rng.pick([16, 32, 64] as const), dst: reg(rng) };
    }
    case 4: {
      const signed = rng.bool(0.3);
      return { kind: 'ldx', size: signed ? rng.pick([1, 2, 4] as const) : rng.pick(SIZES), signed, dst: reg(rng), src: reg(rng), off: randomOff(rng) };
    }
    case 5: return { kind: 'st', size: rng.pick(SIZES), dst: reg(rng), off: randomOff(rng), imm: randomImm(rng) };
    case 6: return { kind: 'stx', size: rng.pick(SIZES), dst: reg(rng), src: reg(rng), off: randomOff(rng) };
    case 7: {
      const op = rng.pick(ATOMICS);
      return { kind: 'atomic', op, fetch: op === 'xchg' || op === 'cmpxchg' ? true : rng.bool(), size: rng.pick([4, 8] as const), dst: reg(rng), src: reg(rng), off: randomOff(rng) };
    }
    case 8: return rng.bool()
      ? { kind: 'ldabs', size: rng.pick([1, 2, 4] as const), imm: randomImm(rng) }
      : { kind: 'ldind', size: rng.pick([1, 2, 4] as const), src: reg(rng), imm: randomImm(rng) };
    case 9: {
      const value = (BigInt(rng.u32()) << 32n) | BigInt(rng.u32());
      const v = rng.pick([value, 0n, 1n, (1n << 64n) - 1n, 1n << 63n, value & 0xffffffffn]);
      return { kind: 'lddw', dst: reg(rng), pseudo: rng.bool(0.8) ? 0 : rng.int(7), value: v };
    }
    case 10: return rng.bool(0.7) ? { kind: 'ja', long: false, off: randomOff(rng) } : { kind: 'ja', long: true, off: randomImm(rng) };
    case 11: case 12:
      return { kind: 'jmp', cond: rng.pick(CONDS), wide: rng.bool(), dst: reg(rng), src: rng.bool() ? { reg: reg(rng) } : { imm: randomImm(rng) }, off: randomOff(rng) };
    case 13: {
      const k = rng.int(3);
      if (k === 0) return { kind: 'call', helper: randomImm(rng) };
      if (k === 1) return { kind: 'call-local', off: randomImm(rng) };
      return { kind: 'kfunc', btfId: randomImm(rng), module: randomOff(rng) };
    }
    default: return { kind: 'exit' };
  }
}

export function randomProgram(seed: number, count: number): Insn[] {
  const rng = new Prng(seed);
  return Array.from({ length: count }, () => randomInsn(rng));
}
