/**
 * The byte boundary: instruction values ⇄ raw 8-byte slots ⇄ bytes, in either byte order.
 * Decoding is strict, as the kernel is: every field an instruction does not use must be zero,
 * and a malformed slot is a DecodeError naming its byte offset.
 */
import { BpfError, DecodeError } from '../../core/errors.js';
import type { AluOp, AtomicOp, Insn, JmpCond, Operand, Reg, Size, Target } from './insn.js';
import * as op from './opcodes.js';

/** One 8-byte slot, fields as in `struct bpf_insn` (imm signed 32-bit, off signed 16-bit). */
export interface RawInsn { readonly code: number; readonly dst: number; readonly src: number; readonly off: number; readonly imm: number }

const ALU_CODES: Record<Exclude<AluOp, 'sdiv' | 'smod' | 'movsx8' | 'movsx16' | 'movsx32'>, number> = {
  add: op.BPF_ADD, sub: op.BPF_SUB, mul: op.BPF_MUL, div: op.BPF_DIV, or: op.BPF_OR, and: op.BPF_AND,
  lsh: op.BPF_LSH, rsh: op.BPF_RSH, neg: op.BPF_NEG, mod: op.BPF_MOD, xor: op.BPF_XOR, mov: op.BPF_MOV, arsh: op.BPF_ARSH,
};
const JMP_CODES: Record<JmpCond, number> = {
  eq: op.BPF_JEQ, gt: op.BPF_JGT, ge: op.BPF_JGE, set: op.BPF_JSET, ne: op.BPF_JNE, sgt: op.BPF_JSGT,
  sge: op.BPF_JSGE, lt: op.BPF_JLT, le: op.BPF_JLE, slt: op.BPF_JSLT, sle: op.BPF_JSLE,
};
const ATOMIC_CODES: Record<AtomicOp, number> = {
  add: op.BPF_ADD, or: op.BPF_OR, and: op.BPF_AND, xor: op.BPF_XOR, xchg: op.BPF_XCHG, cmpxchg: op.BPF_CMPXCHG,
};
const SIZE_CODES: Record<Size, number> = { 1: op.BPF_B, 2: op.BPF_H, 4: op.BPF_W, 8: op.BPF_DW };
const SIZE_OF: Record<number, Size> = { [op.BPF_B]: 1, [op.BPF_H]: 2, [op.BPF_W]: 4, [op.BPF_DW]: 8 };
const invert = <K extends string>(table: Record<K, number>): Map<number, K> =>
  new Map(Object.entries(table).map(([k, v]) => [v as number, k as K]));
const ALU_BY_CODE = invert(ALU_CODES);
const JMP_BY_CODE = invert(JMP_CODES);
const ATOMIC_BY_CODE = invert(ATOMIC_CODES);

function offsetOf(target: Target): number {
  if (typeof target === 'string') throw new BpfError('ENCODE', `unresolved label '${target}': link the program first`);
  return target;
}

function checkField(value: number, lo: number, hi: number, what: string): number {
  if (!Number.isInteger(value) || value < lo || value > hi) throw new BpfError('ENCODE', `${what} ${value} out of range ${lo}..${hi}`);
  return value;
}
const off16 = (n: number) => checkField(n, -0x8000, 0x7fff, 'offset');
const imm32 = (n: number) => checkField(n, -0x80000000, 0xffffffff, 'immediate') | 0;

function raw(code: number, dst: number, src: number, off: number, imm: number): RawInsn {
  return { code, dst, src, off: off16(off), imm: imm32(imm) };
}
const srcFields = (src: Operand): { bit: number; reg: number; imm: number } =>
  'reg' in src ? { bit: op.BPF_X, reg: src.reg, imm: 0 } : { bit: op.BPF_K, reg: 0, imm: src.imm };

/** Encodes one instruction value into one slot (two for lddw). */
export function encodeInsn(insn: Insn): RawInsn[] {
  switch (insn.kind) {
    case 'alu': {
      const cls = insn.wide ? op.BPF_ALU64 : op.BPF_ALU;
      const s = srcFields(insn.src);
      let base: number, off = 0;
      switch (insn.op) {
        case 'sdiv': base = op.BPF_DIV; off = 1; break;
        case 'smod': base = op.BPF_MOD; off = 1; break;
        case 'movsx8': base = op.BPF_MOV; off = 8; break;
        case 'movsx16': base = op.BPF_MOV; off = 16; break;
        case 'movsx32': base = op.BPF_MOV; off = 32; break;
        default: base = ALU_CODES[insn.op];
      }
      return [raw(cls | base | s.bit, insn.dst, s.reg, off, s.imm)];
    }
    case 'end':
      return insn.order === 'swap'
        ? [raw(op.BPF_ALU64 | op.BPF_END | op.BPF_TO_LE, insn.dst, 0, 0, insn.bits)]
        : [raw(op.BPF_ALU | op.BPF_END | (insn.order === 'be' ? op.BPF_TO_BE : op.BPF_TO_LE), insn.dst, 0, 0, insn.bits)];
    case 'ldx':
      return [raw(op.BPF_LDX | (insn.signed ? op.BPF_MEMSX : op.BPF_MEM) | SIZE_CODES[insn.size], insn.dst, insn.src, insn.off, 0)];
    case 'st':
      return [raw(op.BPF_ST | op.BPF_MEM | SIZE_CODES[insn.size], insn.dst, 0, insn.off, insn.imm)];
    case 'stx':
      return [raw(op.BPF_STX | op.BPF_MEM | SIZE_CODES[insn.size], insn.dst, insn.src, insn.off, 0)];
    case 'atomic': {
      const fetch = insn.op === 'xchg' || insn.op === 'cmpxchg' ? 0 : insn.fetch ? op.BPF_FETCH : 0;
      return [raw(op.BPF_STX | op.BPF_ATOMIC | SIZE_CODES[insn.size], insn.dst, insn.src, insn.off, ATOMIC_CODES[insn.op] | fetch)];
    }
    case 'ldabs':
      return [raw(op.BPF_LD | op.BPF_ABS | SIZE_CODES[insn.size], 0, 0, 0, insn.imm)];
    case 'ldind':
      return [raw(op.BPF_LD | op.BPF_IND | SIZE_CODES[insn.size], 0, insn.src, 0, insn.imm)];
    case 'lddw': {
      const v = BigInt.asUintN(64, insn.value);
      return [
        raw(op.BPF_LD | op.BPF_IMM | op.BPF_DW, insn.dst, insn.pseudo, 0, Number(v & 0xffffffffn) | 0),
        raw(0, 0, 0, 0, Number(v >> 32n) | 0),
      ];
    }
    case 'ja':
      return insn.long
        ? [raw(op.BPF_JMP32 | op.BPF_JA, 0, 0, 0, offsetOf(insn.off))]
        : [raw(op.BPF_JMP | op.BPF_JA, 0, 0, offsetOf(insn.off), 0)];
    case 'jmp': {
      const s = srcFields(insn.src);
      return [raw((insn.wide ? op.BPF_JMP : op.BPF_JMP32) | JMP_CODES[insn.cond] | s.bit, insn.dst, s.reg, offsetOf(insn.off), s.imm)];
    }
    case 'call':
      return [raw(op.BPF_JMP | op.BPF_CALL, 0, 0, 0, insn.helper)];
    case 'call-local':
      return [raw(op.BPF_JMP | op.BPF_CALL, 0, op.BPF_PSEUDO_CALL, 0, offsetOf(insn.off))];
    case 'kfunc':
      return [raw(op.BPF_JMP | op.BPF_CALL, 0, op.BPF_PSEUDO_KFUNC_CALL, insn.module, insn.btfId)];
    case 'exit':
      return [raw(op.BPF_JMP | op.BPF_EXIT, 0, 0, 0, 0)];
  }
}

/** Thrown by decodeRaw; the caller turns the slot index into a byte offset. */
class Malformed extends Error {}
const bad = (message: string): never => { throw new Malformed(message); };
const reg = (n: number, what: string): Reg => (n <= 10 ? (n as Reg) : bad(`invalid ${what} register r${n}`));
const zero = (value: number, what: string): void => { if (value !== 0) bad(`${what} field must be zero (is ${value})`); };
const hex = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;

function decodeOne(s: RawInsn, next: RawInsn | undefined): Insn {
  const cls = op.BPF_CLASS(s.code);
  switch (cls) {
    case op.BPF_ALU:
    case op.BPF_ALU64: {
      const wide = cls === op.BPF_ALU64;
      const code = op.BPF_OP(s.code);
      const isX = op.BPF_SRC(s.code) === op.BPF_X;
      const dst = reg(s.dst, 'destination');
      if (code === op.BPF_END) {
        zero(s.src, 'source register'); zero(s.off, 'offset');
        if (s.imm !== 16 && s.imm !== 32 && s.imm !== 64) bad(`invalid byte swap width ${s.imm}`);
        const bits = s.imm as 16 | 32 | 64;
        if (wide) return isX ? bad(`invalid opcode ${hex(s.code)}`) : { kind: 'end', order: 'swap', bits, dst };
        return { kind: 'end', order: isX ? 'be' : 'le', bits, dst };
      }
      let name: AluOp = ALU_BY_CODE.get(code) ?? bad(`invalid opcode ${hex(s.code)}`);
      if (name === 'neg') {
        if (isX) bad(`invalid opcode ${hex(s.code)}`);
        zero(s.src, 'source register'); zero(s.off, 'offset'); zero(s.imm, 'immediate');
        return { kind: 'alu', op: 'neg', wide, dst, src: { imm: 0 } };
      }
      if (s.off !== 0) {
        if ((name === 'div' || name === 'mod') && s.off === 1) name = name === 'div' ? 'sdiv' : 'smod';
        else if (name === 'mov' && isX && (s.off === 8 || s.off === 16 || (s.off === 32 && wide))) name = `movsx${s.off}` as AluOp;
        else bad(`offset field must be zero (is ${s.off})`);
      }
      if (isX) { zero(s.imm, 'immediate'); return { kind: 'alu', op: name, wide, dst, src: { reg: reg(s.src, 'source') } }; }
      zero(s.src, 'source register');
      return { kind: 'alu', op: name, wide, dst, src: { imm: s.imm } };
    }
    case op.BPF_LDX: {
      const mode = op.BPF_MODE(s.code);
      const size = SIZE_OF[op.BPF_SIZE(s.code)]!;
      zero(s.imm, 'immediate');
      if (mode === op.BPF_MEM) return { kind: 'ldx', size, signed: false, dst: reg(s.dst, 'destination'), src: reg(s.src, 'source'), off: s.off };
      if (mode === op.BPF_MEMSX && size !== 8) return { kind: 'ldx', size, signed: true, dst: reg(s.dst, 'destination'), src: reg(s.src, 'source'), off: s.off };
      return bad(`invalid opcode ${hex(s.code)}`);
    }
    case op.BPF_ST: {
      if (op.BPF_MODE(s.code) !== op.BPF_MEM) bad(`invalid opcode ${hex(s.code)}`);
      zero(s.src, 'source register');
      return { kind: 'st', size: SIZE_OF[op.BPF_SIZE(s.code)]!, dst: reg(s.dst, 'destination'), off: s.off, imm: s.imm };
    }
    case op.BPF_STX: {
      const mode = op.BPF_MODE(s.code);
      const size = SIZE_OF[op.BPF_SIZE(s.code)]!;
      const dst = reg(s.dst, 'destination'), src = reg(s.src, 'source');
      if (mode === op.BPF_MEM) { zero(s.imm, 'immediate'); return { kind: 'stx', size, dst, src, off: s.off }; }
      if (mode !== op.BPF_ATOMIC || (size !== 4 && size !== 8)) return bad(`invalid opcode ${hex(s.code)}`);
      const exact = ATOMIC_BY_CODE.get(s.imm);
      if (exact === 'xchg' || exact === 'cmpxchg') return { kind: 'atomic', op: exact, fetch: true, size, dst, src, off: s.off };
      const plain = ATOMIC_BY_CODE.get(s.imm & ~op.BPF_FETCH);
      if (plain === undefined || plain === 'xchg' || plain === 'cmpxchg') return bad(`invalid atomic operation ${hex(s.imm)}`);
      return { kind: 'atomic', op: plain, fetch: (s.imm & op.BPF_FETCH) !== 0, size, dst, src, off: s.off };
    }
    case op.BPF_LD: {
      const mode = op.BPF_MODE(s.code);
      const size = SIZE_OF[op.BPF_SIZE(s.code)]!;
      if (mode === op.BPF_IMM && size === 8) {
        zero(s.off, 'offset');
        if (s.src > op.BPF_PSEUDO_MAP_IDX_VALUE) bad(`invalid lddw source ${s.src}`);
        if (!next) return bad('lddw is missing its second slot');
        if (next.code !== 0 || next.dst !== 0 || next.src !== 0 || next.off !== 0) bad('the second slot of lddw must have only an immediate');
        const value = (BigInt(next.imm >>> 0) << 32n) | BigInt(s.imm >>> 0);
        return { kind: 'lddw', dst: reg(s.dst, 'destination'), pseudo: s.src, value };
      }
      if ((mode === op.BPF_ABS || mode === op.BPF_IND) && size !== 8) {
        zero(s.dst, 'destination register'); zero(s.off, 'offset');
        if (mode === op.BPF_ABS) { zero(s.src, 'source register'); return { kind: 'ldabs', size, imm: s.imm }; }
        return { kind: 'ldind', size, src: reg(s.src, 'source'), imm: s.imm };
      }
      return bad(`invalid opcode ${hex(s.code)}`);
    }
    case op.BPF_JMP:
    case op.BPF_JMP32: {
      const wide = cls === op.BPF_JMP;
      const code = op.BPF_OP(s.code);
      const isX = op.BPF_SRC(s.code) === op.BPF_X;
      if (code === op.BPF_JA) {
        if (isX) bad(`invalid opcode ${hex(s.code)}`);
        zero(s.dst, 'destination register'); zero(s.src, 'source register');
        if (wide) { zero(s.imm, 'immediate'); return { kind: 'ja', long: false, off: s.off }; }
        zero(s.off, 'offset');
        return { kind: 'ja', long: true, off: s.imm };
      }
      if (code === op.BPF_CALL && wide && !isX) {
        zero(s.dst, 'destination register');
        if (s.src === 0) { zero(s.off, 'offset'); return { kind: 'call', helper: s.imm }; }
        if (s.src === op.BPF_PSEUDO_CALL) { zero(s.off, 'offset'); return { kind: 'call-local', off: s.imm }; }
        if (s.src === op.BPF_PSEUDO_KFUNC_CALL) return { kind: 'kfunc', btfId: s.imm, module: s.off };
        return bad(`invalid call source ${s.src}`);
      }
      if (code === op.BPF_EXIT && wide && !isX) {
        zero(s.dst, 'destination register'); zero(s.src, 'source register'); zero(s.off, 'offset'); zero(s.imm, 'immediate');
        return { kind: 'exit' };
      }
      const cond = JMP_BY_CODE.get(code) ?? bad(`invalid opcode ${hex(s.code)}`);
      const dst = reg(s.dst, 'destination');
      if (isX) { zero(s.imm, 'immediate'); return { kind: 'jmp', cond, wide, dst, src: { reg: reg(s.src, 'source') }, off: s.off }; }
      zero(s.src, 'source register');
      return { kind: 'jmp', cond, wide, dst, src: { imm: s.imm }, off: s.off };
    }
  }
  return bad(`invalid opcode ${hex(s.code)}`);
}

/** Decodes raw slots into instruction values (lddw consumes two slots). */
export function decodeRaw(slots: readonly RawInsn[]): Insn[] {
  const out: Insn[] = [];
  for (let pc = 0; pc < slots.length; pc++) {
    try {
      const insn = decodeOne(slots[pc]!, slots[pc + 1]);
      out.push(Object.freeze(insn));
      if (insn.kind === 'lddw') pc++;
    } catch (err) {
      if (err instanceof Malformed) throw new DecodeError(`instruction ${pc}: ${err.message}`, pc * op.INSN_SIZE);
      throw err;
    }
  }
  return out;
}

/**
 * Decodes the one instruction starting at slot `pc` (lddw reads `pc + 1` too), for tools such as
 * disassemblers that keep going past a malformed slot.
 */
export function decodeAt(slots: readonly RawInsn[], pc: number): Insn {
  try {
    return Object.freeze(decodeOne(slots[pc]!, slots[pc + 1]));
  } catch (err) {
    if (err instanceof Malformed) throw new DecodeError(`instruction ${pc}: ${err.message}`, pc * op.INSN_SIZE);
    throw err;
  }
}

/** Splits bytes into raw slots. The byte order also decides which nibble holds dst (RFC 9669 §3). */
export function bytesToRaw(bytes: Uint8Array, littleEndian = true): RawInsn[] {
  if (bytes.length % op.INSN_SIZE !== 0) {
    const whole = bytes.length - (bytes.length % op.INSN_SIZE);
    throw new DecodeError(`trailing ${bytes.length - whole} bytes: eBPF instructions are 8 bytes each`, whole);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: RawInsn[] = [];
  for (let at = 0; at < bytes.length; at += op.INSN_SIZE) {
    const regs = view.getUint8(at + 1);
    out.push({
      code: view.getUint8(at),
      dst: littleEndian ? regs & 0x0f : regs >> 4,
      src: littleEndian ? regs >> 4 : regs & 0x0f,
      off: view.getInt16(at + 2, littleEndian),
      imm: view.getInt32(at + 4, littleEndian),
    });
  }
  return out;
}

export function rawToBytes(slots: readonly RawInsn[], littleEndian = true): Uint8Array {
  const bytes = new Uint8Array(slots.length * op.INSN_SIZE);
  const view = new DataView(bytes.buffer);
  slots.forEach((s, i) => {
    const at = i * op.INSN_SIZE;
    view.setUint8(at, s.code);
    view.setUint8(at + 1, littleEndian ? (s.src << 4) | s.dst : (s.dst << 4) | s.src);
    view.setInt16(at + 2, s.off, littleEndian);
    view.setInt32(at + 4, s.imm, littleEndian);
  });
  return bytes;
}

export const encodeRaw = (insns: readonly Insn[]): RawInsn[] => insns.flatMap(encodeInsn);
/** Instruction values → bytes (labels must already be linked). */
export const encode = (insns: readonly Insn[], littleEndian = true): Uint8Array => rawToBytes(encodeRaw(insns), littleEndian);
/** Bytes → instruction values; throws DecodeError with the byte offset of a malformed slot. */
export const decode = (bytes: Uint8Array, littleEndian = true): Insn[] => decodeRaw(bytesToRaw(bytes, littleEndian));
