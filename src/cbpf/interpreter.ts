/**
 * The classic interpreter: the reference semantics of a socket filter, as the Linux kernel
 * runs it (net/core/filter.c converts classic programs to eBPF; we follow what that code does).
 *
 * - A, X and M[0..15] are 32-bit unsigned; A = X = 0 at entry, M[] starts at 0 (the checker
 *   guarantees no cell is read before it is written, so the initial value is never seen).
 * - Loads are big-endian. A load outside the packet returns 0 from the filter, and so does
 *   division or modulo by X = 0.
 * - Shifts by X use the low 5 bits of X (the kernel runs the shift as a 32-bit eBPF shift, which
 *   x86-64 and arm64 mask to 5 bits). libpcap's bpf_filter() instead gives 0 for X >= 32; see
 *   test/cbpf/interpreter-libpcap.test.ts. Shifts by a constant >= 32 are rejected by the checker.
 * - `ld [x + k]` adds X and k in 32 bits and uses the result as the kernel's signed int offset
 *   (so X = 0xffffffff, k = 6 reads byte 5); libpcap treats the overflow as out of bounds.
 *   Both facts are checked against the kernel in test/cbpf/interpreter-kernel.test.ts.
 * - Ancillary loads (`ld [SKF_AD_OFF + n]`) read PacketMeta; negative offsets SKF_LL_OFF and
 *   SKF_NET_OFF address the link-layer and network headers (see metadata.ts). libpcap has
 *   neither: it treats those offsets as out of bounds.
 * - The result is the filter's return value, unsigned: the number of bytes to keep (0 drops).
 *
 * The program is checked (kernel rules) on first use; an invalid program throws
 * ClassicCheckError.
 */
import { BpfError } from '../core/errors.js';
import type { ClassicInsn } from './insn.js';
import type { ClassicProgram } from './program.js';
import type { PacketMeta } from './metadata.js';
import { assertClassicCached } from './checker.js';
import { isAncillaryOffset, loadAncillary, loadPacket } from './packet-access.js';
import {
  BPF_A, BPF_ABS, BPF_ADD, BPF_ALU, BPF_AND, BPF_B, BPF_DIV, BPF_H, BPF_IMM, BPF_IND, BPF_JA, BPF_JEQ, BPF_JGE,
  BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_LDX, BPF_LEN, BPF_LSH, BPF_MEM, BPF_MISC, BPF_MOD, BPF_MSH, BPF_MUL,
  BPF_NEG, BPF_OR, BPF_RET, BPF_RSH, BPF_ST, BPF_STX, BPF_SUB, BPF_TAX, BPF_TXA, BPF_W, BPF_X, BPF_XOR,
} from './opcodes.js';

/*
 * Dense operation numbers: the program is decoded once into typed arrays (cached per program
 * object), and the run loop switches over small consecutive integers, which V8 compiles to a
 * jump table. Each entry folds the load size into the operation.
 */
const enum Op {
  RetK, RetA, LdAbsW, LdAbsH, LdAbsB, LdAnc, LdIndW, LdIndH, LdIndB, Msh, LdLen, LdxLen, LdImm, LdxImm, LdMem, LdxMem,
  St, Stx, AddK, AddX, SubK, SubX, MulK, MulX, DivK, DivX, ModK, ModX, AndK, AndX, OrK, OrX, XorK, XorX, LshK, LshX,
  RshK, RshX, Neg, Tax, Txa, Ja, JeqK, JeqX, JgtK, JgtX, JgeK, JgeX, JsetK, JsetX,
}

const OPS = new Map<number, Op>([
  [BPF_RET | BPF_K, Op.RetK], [BPF_RET | BPF_A, Op.RetA],
  [BPF_LD | BPF_W | BPF_ABS, Op.LdAbsW], [BPF_LD | BPF_H | BPF_ABS, Op.LdAbsH], [BPF_LD | BPF_B | BPF_ABS, Op.LdAbsB],
  [BPF_LD | BPF_W | BPF_IND, Op.LdIndW], [BPF_LD | BPF_H | BPF_IND, Op.LdIndH], [BPF_LD | BPF_B | BPF_IND, Op.LdIndB],
  [BPF_LDX | BPF_B | BPF_MSH, Op.Msh], [BPF_LD | BPF_W | BPF_LEN, Op.LdLen], [BPF_LDX | BPF_W | BPF_LEN, Op.LdxLen],
  [BPF_LD | BPF_IMM, Op.LdImm], [BPF_LDX | BPF_IMM, Op.LdxImm], [BPF_LD | BPF_MEM, Op.LdMem], [BPF_LDX | BPF_MEM, Op.LdxMem],
  [BPF_ST, Op.St], [BPF_STX, Op.Stx],
  [BPF_ALU | BPF_ADD | BPF_K, Op.AddK], [BPF_ALU | BPF_ADD | BPF_X, Op.AddX],
  [BPF_ALU | BPF_SUB | BPF_K, Op.SubK], [BPF_ALU | BPF_SUB | BPF_X, Op.SubX],
  [BPF_ALU | BPF_MUL | BPF_K, Op.MulK], [BPF_ALU | BPF_MUL | BPF_X, Op.MulX],
  [BPF_ALU | BPF_DIV | BPF_K, Op.DivK], [BPF_ALU | BPF_DIV | BPF_X, Op.DivX],
  [BPF_ALU | BPF_MOD | BPF_K, Op.ModK], [BPF_ALU | BPF_MOD | BPF_X, Op.ModX],
  [BPF_ALU | BPF_AND | BPF_K, Op.AndK], [BPF_ALU | BPF_AND | BPF_X, Op.AndX],
  [BPF_ALU | BPF_OR | BPF_K, Op.OrK], [BPF_ALU | BPF_OR | BPF_X, Op.OrX],
  [BPF_ALU | BPF_XOR | BPF_K, Op.XorK], [BPF_ALU | BPF_XOR | BPF_X, Op.XorX],
  [BPF_ALU | BPF_LSH | BPF_K, Op.LshK], [BPF_ALU | BPF_LSH | BPF_X, Op.LshX],
  [BPF_ALU | BPF_RSH | BPF_K, Op.RshK], [BPF_ALU | BPF_RSH | BPF_X, Op.RshX],
  [BPF_ALU | BPF_NEG, Op.Neg], [BPF_MISC | BPF_TAX, Op.Tax], [BPF_MISC | BPF_TXA, Op.Txa],
  [BPF_JMP | BPF_JA, Op.Ja],
  [BPF_JMP | BPF_JEQ | BPF_K, Op.JeqK], [BPF_JMP | BPF_JEQ | BPF_X, Op.JeqX],
  [BPF_JMP | BPF_JGT | BPF_K, Op.JgtK], [BPF_JMP | BPF_JGT | BPF_X, Op.JgtX],
  [BPF_JMP | BPF_JGE | BPF_K, Op.JgeK], [BPF_JMP | BPF_JGE | BPF_X, Op.JgeX],
  [BPF_JMP | BPF_JSET | BPF_K, Op.JsetK], [BPF_JMP | BPF_JSET | BPF_X, Op.JsetX],
]);

interface Decoded {
  readonly op: Uint8Array;
  readonly jt: Uint8Array;
  readonly jf: Uint8Array;
  readonly k: Uint32Array;
  readonly usesScratch: boolean;
}

const decodedCache = new WeakMap<object, Decoded>();

function decode(program: ClassicProgram | readonly ClassicInsn[]): Decoded {
  let d = decodedCache.get(program);
  if (d !== undefined) return d;
  const insns = assertClassicCached(program);
  const n = insns.length;
  d = { op: new Uint8Array(n), jt: new Uint8Array(n), jf: new Uint8Array(n), k: new Uint32Array(n), usesScratch: false };
  let scratch = false;
  for (let i = 0; i < n; i++) {
    const { code, jt, jf, k } = insns[i]!;
    let op = OPS.get(code);
    if (op === undefined) throw new BpfError('VM_FAULT', `classic interpreter: unchecked opcode 0x${code.toString(16)} at ${i}`);
    if ((op === Op.LdAbsW || op === Op.LdAbsH || op === Op.LdAbsB) && isAncillaryOffset(k)) op = Op.LdAnc;
    if (op === Op.St || op === Op.Stx || op === Op.LdMem || op === Op.LdxMem) scratch = true;
    d.op[i] = op; d.jt[i] = jt; d.jf[i] = jf; d.k[i] = k;
  }
  d = { ...d, usesScratch: scratch };
  decodedCache.set(program, d);
  return d;
}

/** Runs a classic filter over one packet; returns the filter's unsigned 32-bit result. */
export function interpret(program: ClassicProgram | readonly ClassicInsn[], packet: Uint8Array, meta?: PacketMeta): number {
  const { op: ops, jt: jts, jf: jfs, k: ks, usesScratch } = decode(program);
  // The checker guarantees every cell is written before it is read, so a fresh zeroed array
  // is only needed by programs that use scratch memory at all.
  const mem = usesScratch ? new Uint32Array(16) : EMPTY;
  const n = packet.length;
  let a = 0;
  let x = 0;
  let pc = 0;
  let v = 0;
  for (;;) {
    const k = ks[pc]!;
    switch (ops[pc++]) {
      case Op.RetK: return k;
      case Op.RetA: return a;
      case Op.LdAbsW:
        if (k <= n - 4) { a = ((packet[k]! << 24) | (packet[k + 1]! << 16) | (packet[k + 2]! << 8) | packet[k + 3]!) >>> 0; break; }
        if ((v = loadPacket(packet, meta, k, 4)) < 0) return 0;
        a = v; break;
      case Op.LdAbsH:
        if (k <= n - 2) { a = (packet[k]! << 8) | packet[k + 1]!; break; }
        if ((v = loadPacket(packet, meta, k, 2)) < 0) return 0;
        a = v; break;
      case Op.LdAbsB:
        if (k < n) { a = packet[k]!; break; }
        if ((v = loadPacket(packet, meta, k, 1)) < 0) return 0;
        a = v; break;
      case Op.LdAnc: a = loadAncillary(k, packet, meta, a, x); break;
      case Op.LdIndW: if ((v = loadPacket(packet, meta, (x + k) | 0, 4)) < 0) return 0; a = v; break;
      case Op.LdIndH: if ((v = loadPacket(packet, meta, (x + k) | 0, 2)) < 0) return 0; a = v; break;
      case Op.LdIndB: if ((v = loadPacket(packet, meta, (x + k) | 0, 1)) < 0) return 0; a = v; break;
      case Op.Msh: if ((v = loadPacket(packet, meta, k, 1)) < 0) return 0; x = (v & 0xf) << 2; break;
      case Op.LdLen: a = (meta?.wireLength ?? n) >>> 0; break;
      case Op.LdxLen: x = (meta?.wireLength ?? n) >>> 0; break;
      case Op.LdImm: a = k; break;
      case Op.LdxImm: x = k; break;
      case Op.LdMem: a = mem[k]!; break;
      case Op.LdxMem: x = mem[k]!; break;
      case Op.St: mem[k] = a; break;
      case Op.Stx: mem[k] = x; break;
      case Op.AddK: a = (a + k) >>> 0; break;
      case Op.AddX: a = (a + x) >>> 0; break;
      case Op.SubK: a = (a - k) >>> 0; break;
      case Op.SubX: a = (a - x) >>> 0; break;
      case Op.MulK: a = Math.imul(a, k) >>> 0; break;
      case Op.MulX: a = Math.imul(a, x) >>> 0; break;
      case Op.DivK: a = Math.floor(a / k) >>> 0; break;
      case Op.DivX: if (x === 0) return 0; a = Math.floor(a / x) >>> 0; break;
      case Op.ModK: a = a % k; break;
      case Op.ModX: if (x === 0) return 0; a = a % x; break;
      case Op.AndK: a = (a & k) >>> 0; break;
      case Op.AndX: a = (a & x) >>> 0; break;
      case Op.OrK: a = (a | k) >>> 0; break;
      case Op.OrX: a = (a | x) >>> 0; break;
      case Op.XorK: a = (a ^ k) >>> 0; break;
      case Op.XorX: a = (a ^ x) >>> 0; break;
      case Op.LshK: a = (a << k) >>> 0; break;
      case Op.LshX: a = (a << (x & 31)) >>> 0; break;
      case Op.RshK: a = a >>> k; break;
      case Op.RshX: a = a >>> (x & 31); break;
      case Op.Neg: a = (0 - a) >>> 0; break;
      case Op.Tax: x = a; break;
      case Op.Txa: a = x; break;
      case Op.Ja: pc += k; break;
      case Op.JeqK: pc += a === k ? jts[pc - 1]! : jfs[pc - 1]!; break;
      case Op.JeqX: pc += a === x ? jts[pc - 1]! : jfs[pc - 1]!; break;
      case Op.JgtK: pc += a > k ? jts[pc - 1]! : jfs[pc - 1]!; break;
      case Op.JgtX: pc += a > x ? jts[pc - 1]! : jfs[pc - 1]!; break;
      case Op.JgeK: pc += a >= k ? jts[pc - 1]! : jfs[pc - 1]!; break;
      case Op.JgeX: pc += a >= x ? jts[pc - 1]! : jfs[pc - 1]!; break;
      case Op.JsetK: pc += (a & k) !== 0 ? jts[pc - 1]! : jfs[pc - 1]!; break;
      case Op.JsetX: pc += (a & x) !== 0 ? jts[pc - 1]! : jfs[pc - 1]!; break;
      default: return 0; // unreachable: every decoded op is handled above
    }
  }
}

const EMPTY = new Uint32Array(0);
