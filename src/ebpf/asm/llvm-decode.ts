/**
 * Decoding raw bytes the way LLVM 19's BPF disassembler does, for llvm-objdump-identical
 * listings of arbitrary bytes. LLVM is more lenient than the kernel (and than isa/codec.ts):
 * fields an instruction does not use are ignored rather than required to be zero, r11 is a
 * register, and it knows three instructions the ISA module does not model (`callx rN`,
 * `may_goto`, `addr_space_cast`). The rules below were established by feeding every opcode with
 * each field varied through llvm-objdump-19 (see test/ebpf/llvm-disasm.test.ts, which checks
 * random byte streams against the tool); kernel-valid instructions decode exactly as codec.ts
 * decodes them.
 *
 * Text comes from formatInsnLlvm so both paths print identically.
 */
import type { AluOp, AtomicOp, Insn, JmpCond, Reg, Size } from '../isa/insn.js';
import * as op from '../isa/opcodes.js';
import { formatInsnLlvm, type LlvmCpu, type LlvmSymbol } from './llvm-format.js';

export interface LlvmDecoded {
  /** Bytes consumed: 16 for lddw, 8 for other slots, 1 for a trailing fragment. */
  readonly size: number;
  /** The instruction text, or `<unknown>`. */
  readonly text: string;
}

const ALU: Record<number, AluOp> = {
  [op.BPF_ADD]: 'add', [op.BPF_SUB]: 'sub', [op.BPF_MUL]: 'mul', [op.BPF_DIV]: 'div', [op.BPF_OR]: 'or', [op.BPF_AND]: 'and',
  [op.BPF_LSH]: 'lsh', [op.BPF_RSH]: 'rsh', [op.BPF_MOD]: 'mod', [op.BPF_XOR]: 'xor', [op.BPF_MOV]: 'mov', [op.BPF_ARSH]: 'arsh',
};
const JMP: Record<number, JmpCond> = {
  [op.BPF_JEQ]: 'eq', [op.BPF_JGT]: 'gt', [op.BPF_JGE]: 'ge', [op.BPF_JSET]: 'set', [op.BPF_JNE]: 'ne', [op.BPF_JSGT]: 'sgt',
  [op.BPF_JSGE]: 'sge', [op.BPF_JLT]: 'lt', [op.BPF_JLE]: 'le', [op.BPF_JSLT]: 'slt', [op.BPF_JSLE]: 'sle',
};
const SIZE: Record<number, Size> = { [op.BPF_W]: 4, [op.BPF_H]: 2, [op.BPF_B]: 1, [op.BPF_DW]: 8 };
const FETCH_EXACT: Record<number, [AtomicOp, boolean]> = {
  0x01: ['add', true], 0x41: ['or', true], 0x51: ['and', true], 0xa1: ['xor', true], 0xe1: ['xchg', true], 0xf1: ['cmpxchg', true],
};
const LOCK_OPS: Record<number, AtomicOp> = { 0x00: 'add', 0x40: 'or', 0x50: 'and', 0xa0: 'xor' };

const UNKNOWN = '<unknown>';
const hex = (n: number): string => (n < 0 ? `-0x${(-n).toString(16)}` : `0x${n.toString(16)}`);
const jump = (n: number): string => (n < 0 ? `-0x${(-n).toString(16)}` : `+0x${n.toString(16)}`);

/**
 * Decodes the instruction at byte `at` of `bytes` (which must hold at least 8 bytes from `at`)
 * and formats it; `address` is its byte address for jump targets.
 */
export function decodeLlvmText(
  bytes: Uint8Array, at: number, little: boolean, cpu: LlvmCpu, address: number, symbols?: readonly LlvmSymbol[],
): LlvmDecoded {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const code = bytes[at]!;
  const regs = bytes[at + 1]!;
  const dstN = little ? regs & 0x0f : regs >> 4;
  const srcN = little ? regs >> 4 : regs & 0x0f;
  const off = view.getInt16(at + 2, little);
  const imm = view.getInt32(at + 4, little);
  // LLVM's register class has r0–r11; 12–15 do not decode where the field is an operand.
  const dst = dstN as Reg, src = srcN as Reg;
  const dstOk = dstN <= 11, srcOk = srcN <= 11;
  const alu32 = cpu === 'v3' || cpu === 'v4';
  const fmt = (insn: Insn): string => formatInsnLlvm(insn, { cpu, address, symbols });
  const one = (text: string): LlvmDecoded => ({ size: 8, text });
  const unknown = one(UNKNOWN);
  const cls = code & 0x07, opc = code & 0xf0, isX = (code & 0x08) !== 0;

  switch (cls) {
    case op.BPF_ALU:
    case op.BPF_ALU64: {
      const wide = cls === op.BPF_ALU64;
      if (!dstOk) return unknown;
      if (opc === op.BPF_END) {
        if (imm !== 16 && imm !== 32 && imm !== 64) return unknown;
        if (wide && isX) return unknown;
        return one(fmt({ kind: 'end', order: wide ? 'swap' : isX ? 'be' : 'le', bits: imm, dst }));
      }
      if (opc === op.BPF_NEG) return isX ? unknown : one(fmt({ kind: 'alu', op: 'neg', wide, dst, src: { imm: 0 } }));
      let name = ALU[opc];
      if (name === undefined) return unknown;
      if (isX && !srcOk) return unknown;
      if (off !== 0) {
        if ((name === 'div' || name === 'mod') && off === 1) name = name === 'div' ? 'sdiv' : 'smod';
        else if (name === 'mov' && isX && wide && off === 1) {
          return one(`r${dst} = addr_space_cast(r${src}, ${hex(imm >>> 16)}, ${hex(imm & 0xffff)})`);
        } else if (name === 'mov' && isX && (off === 8 || off === 16 || (off === 32 && wide))) name = `movsx${off}` as AluOp;
        else return unknown;
      }
      return one(fmt({ kind: 'alu', op: name, wide, dst, src: isX ? { reg: src } : { imm } }));
    }
    case op.BPF_JMP:
    case op.BPF_JMP32: {
      const wide = cls === op.BPF_JMP;
      if (opc === op.BPF_JA) {
        if (isX) return unknown;
        return one(fmt(wide ? { kind: 'ja', long: false, off } : { kind: 'ja', long: true, off: imm }));
      }
      if (opc === op.BPF_CALL) {
        if (!wide) return unknown;
        if (isX) return dstOk ? one(`callx r${dst}`) : unknown;
        return one(fmt({ kind: 'call', helper: imm }));
      }
      if (opc === op.BPF_EXIT) return wide && !isX && imm === 0 ? one('exit') : unknown;
      if (opc === 0xe0) return wide && !isX ? one(`may_goto ${jump(off)}${fmt({ kind: 'ja', long: false, off }).slice(`goto ${jump(off)}`.length)}`) : unknown;
      const cond = JMP[opc];
      if (cond === undefined || !dstOk || (isX && !srcOk)) return unknown;
      return one(fmt({ kind: 'jmp', cond, wide, dst, src: isX ? { reg: src } : { imm }, off }));
    }
    case op.BPF_LD: {
      const mode = code & 0xe0, size = SIZE[code & 0x18]!;
      if (code === (op.BPF_LD | op.BPF_IMM | op.BPF_DW)) {
        if (!dstOk || off !== 0) return unknown;
        // The second slot contributes only its immediate.
        const hi = view.getUint32(at + 12, little);
        const value = (BigInt(hi) << 32n) | BigInt(imm >>> 0);
        return { size: 16, text: fmt({ kind: 'lddw', dst, pseudo: srcN, value }) };
      }
      if (size === 8) return unknown;
      if (mode === op.BPF_ABS) return one(fmt({ kind: 'ldabs', size, imm }));
      if (mode === op.BPF_IND) return srcOk ? one(fmt({ kind: 'ldind', size, src, imm: 0 })) : unknown;
      return unknown;
    }
    case op.BPF_LDX: {
      const mode = code & 0xe0, size = SIZE[code & 0x18]!;
      if (!dstOk || !srcOk) return unknown;
      if (mode === op.BPF_MEM) return one(fmt({ kind: 'ldx', size, signed: false, dst, src, off }));
      if (mode === op.BPF_MEMSX && size !== 8) return one(fmt({ kind: 'ldx', size, signed: true, dst, src, off }));
      return unknown;
    }
    case op.BPF_ST: {
      if ((code & 0xe0) !== op.BPF_MEM || !dstOk) return unknown;
      return one(fmt({ kind: 'st', size: SIZE[code & 0x18]!, dst, off, imm }));
    }
    case op.BPF_STX: {
      const mode = code & 0xe0, size = SIZE[code & 0x18]!;
      if (!dstOk || !srcOk) return unknown;
      if (mode === op.BPF_MEM) return one(fmt({ kind: 'stx', size, dst, src, off }));
      if (mode !== op.BPF_ATOMIC || (size !== 4 && size !== 8)) return unknown;
      const low = imm & 0xff;
      if (size === 4 && !alu32) {
        // Only the legacy XADDW pattern (operation bits zero) exists without alu32.
        return (low & 0xf0) === 0 ? one(`lock *(u32 *)(r${dst} ${off < 0 ? '-' : '+'} 0x${Math.abs(off).toString(16)}) += r${src}`) : unknown;
      }
      const exact = FETCH_EXACT[low];
      if (exact) return one(fmt({ kind: 'atomic', op: exact[0], fetch: exact[1], size, dst, src, off }));
      const lock = LOCK_OPS[low & 0xf0];
      return lock ? one(fmt({ kind: 'atomic', op: lock, fetch: false, size, dst, src, off })) : unknown;
    }
  }
  return unknown;
}

export interface LlvmRow { readonly address: number; readonly size: number; readonly text: string }

/**
 * llvm-objdump's loop over the bytes [begin, end) of one symbol: a run of 8 or more zero bytes
 * is skipped (rounded down to a multiple of 4) and shown as `...`; fewer than 8 bytes left, or a
 * lddw without its second slot, are shown one byte at a time as `<unknown>`.
 */
export function disassembleRegionLlvm(
  bytes: Uint8Array, begin: number, end: number,
  options: { readonly cpu: LlvmCpu; readonly littleEndian: boolean; readonly symbols?: readonly LlvmSymbol[] },
): LlvmRow[] {
  const rows: LlvmRow[] = [];
  for (let at = begin; at < end;) {
    let zeros = 0;
    while (at + zeros < end && bytes[at + zeros] === 0) zeros++;
    if (zeros >= 8) {
      rows.push({ address: at, size: zeros & ~3, text: '...' });
      at += zeros & ~3;
      continue;
    }
    const needs = bytes[at] === (op.BPF_LD | op.BPF_IMM | op.BPF_DW) ? 16 : 8;
    if (end - at < needs) {
      rows.push({ address: at, size: 1, text: UNKNOWN });
      at += 1;
      continue;
    }
    const d = decodeLlvmText(bytes, at, options.littleEndian, options.cpu, at, options.symbols);
    rows.push({ address: at, size: d.size, text: d.text });
    at += d.size;
  }
  return rows;
}
