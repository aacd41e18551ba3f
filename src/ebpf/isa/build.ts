/**
 * Value-returning constructors in the spirit of cilium/ebpf's asm package:
 * `alu64.add.imm(R1, 22)`, `jmp.eq.reg(R1, R2, 'out')`, `ldx(4, R0, R1, 0)`, `exit()`.
 * Every constructor returns a frozen value; immediates are normalised to signed 32-bit.
 */
import type {
  AluInsn, AluOp, AtomicOp, AtomicInsn, ByteOrder, CallInsn, CallLocalInsn, EndInsn, ExitInsn, JaInsn, JmpCond,
  JmpInsn, Label, Lddw, LoadAbsInsn, LoadIndInsn, LoadInsn, Reg, Size, StoreImmInsn, StoreRegInsn, Target,
} from './insn.js';

const freeze = <T>(v: T): T => Object.freeze(v);
/** Wraps a number to the signed 32-bit range (0xffffffff → -1), as the imm field stores it. */
export const s32 = (n: number): number => n | 0;

type AluBuilder = { imm(dst: Reg, imm: number): AluInsn; reg(dst: Reg, src: Reg): AluInsn };
const aluOps: readonly AluOp[] = ['add', 'sub', 'mul', 'div', 'sdiv', 'or', 'and', 'lsh', 'rsh', 'mod', 'smod', 'xor', 'mov', 'arsh'];

function aluFamily(wide: boolean): Record<Exclude<AluOp, 'neg' | 'movsx8' | 'movsx16' | 'movsx32'>, AluBuilder> & {
  neg(dst: Reg): AluInsn; movsx(bits: 8 | 16 | 32, dst: Reg, src: Reg): AluInsn;
} {
  const out: Record<string, unknown> = {};
  for (const op of aluOps) {
    out[op] = {
      imm: (dst: Reg, imm: number): AluInsn => freeze({ kind: 'alu', op, wide, dst, src: freeze({ imm: s32(imm) }) }),
      reg: (dst: Reg, src: Reg): AluInsn => freeze({ kind: 'alu', op, wide, dst, src: freeze({ reg: src }) }),
    };
  }
  out.neg = (dst: Reg): AluInsn => freeze({ kind: 'alu', op: 'neg', wide, dst, src: freeze({ imm: 0 }) });
  out.movsx = (bits: 8 | 16 | 32, dst: Reg, src: Reg): AluInsn =>
    freeze({ kind: 'alu', op: `movsx${bits}` as AluOp, wide, dst, src: freeze({ reg: src }) });
  return out as ReturnType<typeof aluFamily>;
}

/** 64-bit ALU operations. */
export const alu64 = aluFamily(true);
/** 32-bit ALU operations (results zero-extended). */
export const alu32 = aluFamily(false);

export const end = (order: ByteOrder, bits: 16 | 32 | 64, dst: Reg): EndInsn => freeze({ kind: 'end', order, bits, dst });

type JmpBuilder = { imm(dst: Reg, imm: number, off: Target): JmpInsn; reg(dst: Reg, src: Reg, off: Target): JmpInsn };
const conds: readonly JmpCond[] = ['eq', 'gt', 'ge', 'set', 'ne', 'sgt', 'sge', 'lt', 'le', 'slt', 'sle'];
function jmpFamily(wide: boolean): Record<JmpCond, JmpBuilder> {
  const out: Record<string, JmpBuilder> = {};
  for (const cond of conds) {
    out[cond] = {
      imm: (dst, imm, off) => freeze({ kind: 'jmp', cond, wide, dst, src: freeze({ imm: s32(imm) }), off }),
      reg: (dst, src, off) => freeze({ kind: 'jmp', cond, wide, dst, src: freeze({ reg: src }), off }),
    };
  }
  return out as Record<JmpCond, JmpBuilder>;
}
/** 64-bit conditional jumps. */
export const jmp = jmpFamily(true);
/** 32-bit conditional jumps (compare the low halves). */
export const jmp32 = jmpFamily(false);

export const ja = (off: Target): JaInsn => freeze({ kind: 'ja', long: false, off });
export const gotol = (off: Target): JaInsn => freeze({ kind: 'ja', long: true, off });
export const ldx = (size: Size, dst: Reg, src: Reg, off: number): LoadInsn => freeze({ kind: 'ldx', size, signed: false, dst, src, off });
export const ldxs = (size: 1 | 2 | 4, dst: Reg, src: Reg, off: number): LoadInsn => freeze({ kind: 'ldx', size, signed: true, dst, src, off });
export const st = (size: Size, dst: Reg, off: number, imm: number): StoreImmInsn => freeze({ kind: 'st', size, dst, off, imm: s32(imm) });
export const stx = (size: Size, dst: Reg, src: Reg, off: number): StoreRegInsn => freeze({ kind: 'stx', size, dst, src, off });
export const atomic = (op: AtomicOp, size: 4 | 8, dst: Reg, src: Reg, off: number, fetch = op === 'xchg' || op === 'cmpxchg'): AtomicInsn =>
  freeze({ kind: 'atomic', op, fetch, size, dst, src, off });
export const ldabs = (size: Size, imm: number): LoadAbsInsn => freeze({ kind: 'ldabs', size, imm: s32(imm) });
export const ldind = (size: Size, src: Reg, imm: number): LoadIndInsn => freeze({ kind: 'ldind', size, src, imm: s32(imm) });
/** r = 64-bit constant (`lddw`, `r = 0x... ll`). Accepts signed or unsigned input. */
export const lddw = (dst: Reg, value: bigint | number, pseudo = 0): Lddw =>
  freeze({ kind: 'lddw', dst, pseudo, value: BigInt.asUintN(64, BigInt(value)) });
/** r = map fd (BPF_PSEUDO_MAP_FD), for loading into the kernel. */
export const ldMapFd = (dst: Reg, fd: number): Lddw => lddw(dst, BigInt(fd >>> 0), 1);
export const call = (helper: number): CallInsn => freeze({ kind: 'call', helper });
export const callLocal = (off: Target): CallLocalInsn => freeze({ kind: 'call-local', off });
export const exit = (): ExitInsn => freeze({ kind: 'exit' });
export const label = (name: string): Label => freeze({ kind: 'label', name });
