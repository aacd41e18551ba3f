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

const sizeOf = (code: number): number => (code & 0x18) === BPF_W ? 4 : (code & 0x18) === BPF_H ? 2 : 1;

/** Runs a classic filter over one packet; returns the filter's unsigned 32-bit result. */
export function interpret(program: ClassicProgram | readonly ClassicInsn[], packet: Uint8Array, meta?: PacketMeta): number {
  const insns = assertClassicCached(program);
  const mem = new Uint32Array(16);
  let a = 0;
  let x = 0;
  let pc = 0;
  for (;;) {
    const ins = insns[pc++]!;
    const k = ins.k;
    const code = ins.code;
    switch (code) {
      case BPF_RET | BPF_K: return k;
      case BPF_RET | BPF_A: return a;

      case BPF_LD | BPF_W | BPF_ABS:
      case BPF_LD | BPF_H | BPF_ABS:
      case BPF_LD | BPF_B | BPF_ABS: {
        if (isAncillaryOffset(k)) { a = loadAncillary(k, packet, meta, a, x); break; }
        const v = loadPacket(packet, meta, k, sizeOf(code));
        if (v < 0) return 0;
        a = v;
        break;
      }
      case BPF_LD | BPF_W | BPF_IND:
      case BPF_LD | BPF_H | BPF_IND:
      case BPF_LD | BPF_B | BPF_IND: {
        const v = loadPacket(packet, meta, (x + k) | 0, sizeOf(code));
        if (v < 0) return 0;
        a = v;
        break;
      }
      case BPF_LDX | BPF_B | BPF_MSH: {
        const v = loadPacket(packet, meta, k, 1);
        if (v < 0) return 0;
        x = (v & 0xf) << 2;
        break;
      }
      case BPF_LD | BPF_W | BPF_LEN: a = (meta?.wireLength ?? packet.length) >>> 0; break;
      case BPF_LDX | BPF_W | BPF_LEN: x = (meta?.wireLength ?? packet.length) >>> 0; break;
      case BPF_LD | BPF_IMM: a = k; break;
      case BPF_LDX | BPF_IMM: x = k; break;
      case BPF_LD | BPF_MEM: a = mem[k]!; break;
      case BPF_LDX | BPF_MEM: x = mem[k]!; break;
      case BPF_ST: mem[k] = a; break;
      case BPF_STX: mem[k] = x; break;

      case BPF_ALU | BPF_ADD | BPF_K: a = (a + k) >>> 0; break;
      case BPF_ALU | BPF_ADD | BPF_X: a = (a + x) >>> 0; break;
      case BPF_ALU | BPF_SUB | BPF_K: a = (a - k) >>> 0; break;
      case BPF_ALU | BPF_SUB | BPF_X: a = (a - x) >>> 0; break;
      case BPF_ALU | BPF_MUL | BPF_K: a = Math.imul(a, k) >>> 0; break;
      case BPF_ALU | BPF_MUL | BPF_X: a = Math.imul(a, x) >>> 0; break;
      case BPF_ALU | BPF_DIV | BPF_K: a = Math.floor(a / k) >>> 0; break;
      case BPF_ALU | BPF_DIV | BPF_X: if (x === 0) return 0; a = Math.floor(a / x) >>> 0; break;
      case BPF_ALU | BPF_MOD | BPF_K: a = a % k; break;
      case BPF_ALU | BPF_MOD | BPF_X: if (x === 0) return 0; a = a % x; break;
      case BPF_ALU | BPF_AND | BPF_K: a = (a & k) >>> 0; break;
      case BPF_ALU | BPF_AND | BPF_X: a = (a & x) >>> 0; break;
      case BPF_ALU | BPF_OR | BPF_K: a = (a | k) >>> 0; break;
      case BPF_ALU | BPF_OR | BPF_X: a = (a | x) >>> 0; break;
      case BPF_ALU | BPF_XOR | BPF_K: a = (a ^ k) >>> 0; break;
      case BPF_ALU | BPF_XOR | BPF_X: a = (a ^ x) >>> 0; break;
      case BPF_ALU | BPF_LSH | BPF_K: a = (a << k) >>> 0; break;
      case BPF_ALU | BPF_LSH | BPF_X: a = (a << (x & 31)) >>> 0; break;
      case BPF_ALU | BPF_RSH | BPF_K: a = a >>> k; break;
      case BPF_ALU | BPF_RSH | BPF_X: a = a >>> (x & 31); break;
      case BPF_ALU | BPF_NEG: a = (0 - a) >>> 0; break;

      case BPF_MISC | BPF_TAX: x = a; break;
      case BPF_MISC | BPF_TXA: a = x; break;

      case BPF_JMP | BPF_JA: pc += k; break;
      case BPF_JMP | BPF_JEQ | BPF_K: pc += a === k ? ins.jt : ins.jf; break;
      case BPF_JMP | BPF_JEQ | BPF_X: pc += a === x ? ins.jt : ins.jf; break;
      case BPF_JMP | BPF_JGT | BPF_K: pc += a > k ? ins.jt : ins.jf; break;
      case BPF_JMP | BPF_JGT | BPF_X: pc += a > x ? ins.jt : ins.jf; break;
      case BPF_JMP | BPF_JGE | BPF_K: pc += a >= k ? ins.jt : ins.jf; break;
      case BPF_JMP | BPF_JGE | BPF_X: pc += a >= x ? ins.jt : ins.jf; break;
      case BPF_JMP | BPF_JSET | BPF_K: pc += (a & k) !== 0 ? ins.jt : ins.jf; break;
      case BPF_JMP | BPF_JSET | BPF_X: pc += (a & x) !== 0 ? ins.jt : ins.jf; break;

      default:
        // Unreachable: the checker admits only the opcodes above.
        throw new BpfError('VM_FAULT', `classic interpreter: unchecked opcode 0x${code.toString(16)} at ${pc - 1}`);
    }
  }
}
