/**
 * Classic BPF instruction values: the four fields of `struct sock_filter` and nothing else.
 * Values are frozen; transforms build new arrays. Named constructors mirror the kernel's
 * BPF_STMT / BPF_JUMP macros so that hand-written programs read like C.
 */
import { DecodeError, BpfError } from '../core/errors.js';

export interface ClassicInsn {
  /** 16-bit opcode. */
  readonly code: number;
  /** Jump offset when true (8-bit, relative to the next instruction). */
  readonly jt: number;
  /** Jump offset when false (8-bit, relative to the next instruction). */
  readonly jf: number;
  /** 32-bit constant, stored unsigned (0..2^32-1). */
  readonly k: number;
}

/** Size in bytes of one encoded `struct sock_filter`. */
export const CLASSIC_INSN_SIZE = 8;

/** Builds an instruction value; fields are range-checked and `k` normalised to unsigned. */
export function insn(code: number, jt: number, jf: number, k: number): ClassicInsn {
  if (!Number.isInteger(code) || code < 0 || code > 0xffff) throw new BpfError('ENCODE', `opcode ${code} does not fit in 16 bits`);
  if (!Number.isInteger(jt) || jt < 0 || jt > 0xff) throw new BpfError('ENCODE', `jt ${jt} does not fit in 8 bits`);
  if (!Number.isInteger(jf) || jf < 0 || jf > 0xff) throw new BpfError('ENCODE', `jf ${jf} does not fit in 8 bits`);
  if (!Number.isInteger(k) || k < -0x80000000 || k > 0xffffffff) throw new BpfError('ENCODE', `k ${k} does not fit in 32 bits`);
  return Object.freeze({ code, jt, jf, k: k >>> 0 });
}

/** BPF_STMT(code, k): a non-jump instruction. */
export const stmt = (code: number, k = 0): ClassicInsn => insn(code, 0, 0, k);

/** BPF_JUMP(code, k, jt, jf): a jump instruction. */
export const jump = (code: number, k: number, jt: number, jf: number): ClassicInsn => insn(code, jt, jf, k);

/**
 * Encodes instructions as consecutive `struct sock_filter` records
 * (u16 code, u8 jt, u8 jf, u32 k) in the given byte order (host order on Linux: little).
 */
export function encodeClassic(insns: readonly ClassicInsn[], littleEndian = true): Uint8Array {
  const bytes = new Uint8Array(insns.length * CLASSIC_INSN_SIZE);
  const view = new DataView(bytes.buffer);
  insns.forEach((ins, i) => {
    const at = i * CLASSIC_INSN_SIZE;
    view.setUint16(at, ins.code, littleEndian);
    view.setUint8(at + 2, ins.jt);
    view.setUint8(at + 3, ins.jf);
    view.setUint32(at + 4, ins.k, littleEndian);
  });
  return bytes;
}

/** Decodes `struct sock_filter` records; the length must be a multiple of 8. */
export function decodeClassic(bytes: Uint8Array, littleEndian = true): ClassicInsn[] {
  if (bytes.length % CLASSIC_INSN_SIZE !== 0) {
    const whole = bytes.length - (bytes.length % CLASSIC_INSN_SIZE);
    throw new DecodeError(`trailing ${bytes.length - whole} bytes: classic instructions are 8 bytes each`, whole);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: ClassicInsn[] = [];
  for (let at = 0; at < bytes.length; at += CLASSIC_INSN_SIZE) {
    out.push(insn(view.getUint16(at, littleEndian), view.getUint8(at + 2), view.getUint8(at + 3), view.getUint32(at + 4, littleEndian)));
  }
  return out;
}
