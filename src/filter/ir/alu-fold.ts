/**
 * Constant folding of a classic ALU operation as libpcap's optimizer folds it (fold_op): 32-bit
 * unsigned results, no folding of a division or modulo by zero (left for run time), shifts by 32
 * or more give 0. Shared by the optimizer and the replay of libpcap's reject-all decision.
 */
import { BPF_ADD, BPF_AND, BPF_DIV, BPF_LSH, BPF_MOD, BPF_MUL, BPF_NEG, BPF_OR, BPF_RSH, BPF_SUB, BPF_XOR } from '../../cbpf/opcodes.js';

/** `a op b` for the ALU operation `op` (`code & 0xf0`); undefined where it must not fold. */
export function foldAlu(op: number, a: number, b: number): number | undefined {
  switch (op) {
    case BPF_ADD: return (a + b) >>> 0;
    case BPF_SUB: return (a - b) >>> 0;
    case BPF_MUL: return Math.imul(a, b) >>> 0;
    case BPF_DIV: return b === 0 ? undefined : Math.floor(a / b) >>> 0;
    case BPF_MOD: return b === 0 ? undefined : (a % b) >>> 0;
    case BPF_AND: return (a & b) >>> 0;
    case BPF_OR: return (a | b) >>> 0;
    case BPF_XOR: return (a ^ b) >>> 0;
    case BPF_LSH: return b >= 32 ? 0 : (a << b) >>> 0;
    case BPF_RSH: return b >= 32 ? 0 : a >>> b;
    case BPF_NEG: return (-a) >>> 0;
  }
  return undefined;
}
