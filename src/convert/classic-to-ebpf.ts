/**
 * Classic → extended translation, following the kernel's bpf_convert_filter() (the way Linux
 * runs every classic socket filter): A lives in r0, X in r7, the context (an `__sk_buff`) in r6,
 * r2 is scratch, M[0..15] are 4-byte stack slots below r10. Packet loads become the legacy
 * eBPF packet loads (`ldabs`/`ldind`), which keep the classic rule that an out-of-bounds load
 * ends the program with 0. Ancillary loads become context reads or helper calls.
 *
 * Every classic instruction becomes a labelled group of eBPF instructions, so classic jump
 * offsets translate to labels and the ISA linker computes the new offsets.
 */
import { BpfError } from '../core/errors.js';
import type { ClassicInsn } from '../cbpf/insn.js';
import type { ClassicProgram } from '../cbpf/program.js';
import * as c from '../cbpf/opcodes.js';
import {
  R0, R1, R2, R3, R6, R7, R10, alu32, alu64, call, end, exit, ja, jmp, label, ldabs, ldind, ldx, link, stx,
  type Insn, type JmpCond, type ProgramItem, type Reg, type Size,
} from '../ebpf/isa/index.js';
import * as skb from './sk-buff.js';

const A: Reg = R0;
const X: Reg = R7;
const TMP: Reg = R2;
const CTX: Reg = R6;

const at = (index: number): string => `c${index}`;
/** M[k] lives at r10 - (16 - k) * 4, as in the kernel. */
const scratch = (k: number): number => -(c.BPF_MEMWORDS - k) * 4;
const SIZE: Record<number, Size> = { [c.BPF_W]: 4, [c.BPF_H]: 2, [c.BPF_B]: 1 };

const ALU: Record<number, 'add' | 'sub' | 'mul' | 'div' | 'or' | 'and' | 'lsh' | 'rsh' | 'mod' | 'xor'> = {
  [c.BPF_ADD]: 'add', [c.BPF_SUB]: 'sub', [c.BPF_MUL]: 'mul', [c.BPF_DIV]: 'div', [c.BPF_OR]: 'or',
  [c.BPF_AND]: 'and', [c.BPF_LSH]: 'lsh', [c.BPF_RSH]: 'rsh', [c.BPF_MOD]: 'mod', [c.BPF_XOR]: 'xor',
};
const JMP: Record<number, JmpCond> = { [c.BPF_JEQ]: 'eq', [c.BPF_JGT]: 'gt', [c.BPF_JGE]: 'ge', [c.BPF_JSET]: 'set' };
/** When the true branch falls through, these conditions invert into one jump to the false target. */
const INVERSE: Partial<Record<JmpCond, JmpCond>> = { eq: 'ne', gt: 'le', ge: 'lt' };

/** Calls a helper with the kernel's ancillary-call arguments (ctx, A, X); the result lands in A. */
function ancillaryCall(helper: number): Insn[] {
  return [alu64.mov.reg(R1, CTX), alu64.mov.reg(R2, A), alu64.mov.reg(R3, X), call(helper)];
}

/** The translation of an ancillary load (`ld #proto`, ...), or undefined for a packet load. */
function ancillary(k: number): Insn[] | undefined {
  const offset = (k | 0) - c.SKF_AD_OFF;
  if ((k | 0) < c.SKF_AD_OFF || offset >= c.SKF_AD_MAX) return undefined;
  const field = (name: keyof typeof skb.SK_BUFF): Insn => ldx(4, A, CTX, skb.SK_BUFF[name]);
  switch (offset) {
    case c.SKF_AD_PROTOCOL: return [field('protocol'), end('be', 16, A)];
    case c.SKF_AD_PKTTYPE: return [field('pkt_type')];
    case c.SKF_AD_IFINDEX: return [field('ifindex')];
    case c.SKF_AD_MARK: return [field('mark')];
    case c.SKF_AD_QUEUE: return [field('queue_mapping')];
    case c.SKF_AD_RXHASH: return [field('hash')];
    case c.SKF_AD_VLAN_TAG: return [field('vlan_tci')];
    case c.SKF_AD_VLAN_TAG_PRESENT: return [field('vlan_present')];
    case c.SKF_AD_VLAN_TPID: return [field('vlan_proto'), end('be', 16, A)];
    case c.SKF_AD_ALU_XOR_X: return [alu32.xor.reg(A, X)];
    case c.SKF_AD_CPU: return ancillaryCall(skb.HELPER_GET_SMP_PROCESSOR_ID);
    case c.SKF_AD_RANDOM: return ancillaryCall(skb.HELPER_GET_PRANDOM_U32);
    case c.SKF_AD_HATYPE: return ancillaryCall(skb.HELPER_SKB_HATYPE);
    case c.SKF_AD_PAY_OFFSET: return ancillaryCall(skb.HELPER_SKB_PAY_OFFSET);
    case c.SKF_AD_NLATTR: return ancillaryCall(skb.HELPER_SKB_NLATTR);
    case c.SKF_AD_NLATTR_NEST: return ancillaryCall(skb.HELPER_SKB_NLATTR_NEST);
    default: return undefined; // the checker rejects unknown ancillary offsets
  }
}

function translateOne(ins: ClassicInsn, index: number): ProgramItem[] {
  const code = ins.code;
  const k = ins.k | 0;
  const fromX = c.BPF_SRC(code) === c.BPF_X;
  switch (c.BPF_CLASS(code)) {
    case c.BPF_ALU: {
      const opCode = c.BPF_OP(code);
      if (opCode === c.BPF_NEG) return [alu32.neg(A)];
      const name = ALU[opCode];
      if (!name) break;
      if (!fromX) return [alu32[name].imm(A, k)];
      if (name === 'div' || name === 'mod') {
        // Classic semantics: division by X == 0 ends the filter with 0.
        return [jmp.ne.imm(X, 0, 2), alu32.xor.reg(A, A), exit(), alu32[name].reg(A, X)];
      }
      return [alu32[name].reg(A, X)];
    }
    case c.BPF_LD:
    case c.BPF_LDX: {
      const dst = c.BPF_CLASS(code) === c.BPF_LD ? A : X;
      const mode = c.BPF_MODE(code);
      const size = SIZE[c.BPF_SIZE(code)];
      if (mode === c.BPF_IMM) return [alu32.mov.imm(dst, k)];
      if (mode === c.BPF_MEM) return [ldx(4, dst, R10, scratch(ins.k))];
      if (mode === c.BPF_LEN) return [ldx(4, dst, CTX, skb.SK_BUFF.len)];
      if (dst === A && mode === c.BPF_ABS && size) return ancillary(ins.k) ?? [ldabs(size, k)];
      if (dst === A && mode === c.BPF_IND && size) return [ldind(size, X, k)];
      if (dst === X && mode === c.BPF_MSH) {
        // X = 4 * (P[k] & 0xf) without losing A: park A in X, load into A, then swap through TMP.
        return [alu64.mov.reg(X, A), ldabs(1, k), alu32.and.imm(A, 0xf), alu32.lsh.imm(A, 2),
          alu64.mov.reg(TMP, X), alu64.mov.reg(X, A), alu64.mov.reg(A, TMP)];
      }
      break;
    }
    case c.BPF_ST: return [stx(4, R10, A, scratch(ins.k))];
    case c.BPF_STX: return [stx(4, R10, X, scratch(ins.k))];
    case c.BPF_JMP: {
      const opCode = c.BPF_OP(code);
      if (opCode === c.BPF_JA) return [ja(at(index + 1 + ins.k))];
      const cond = JMP[opCode];
      if (!cond) break;
      const items: ProgramItem[] = [];
      let src: Reg | undefined = fromX ? X : undefined;
      if (!fromX && k < 0) {
        // eBPF immediates are sign-extended; compare a zero-extended copy of K instead.
        items.push(alu32.mov.imm(TMP, k));
        src = TMP;
      }
      const emit = (cc: JmpCond, target: string): Insn =>
        src === undefined ? jmp[cc].imm(A, k, target) : jmp[cc].reg(A, src, target);
      const ifTrue = at(index + 1 + ins.jt), ifFalse = at(index + 1 + ins.jf);
      const inverse = INVERSE[cond];
      if (ins.jf === 0) items.push(emit(cond, ifTrue));
      else if (ins.jt === 0 && inverse) items.push(emit(inverse, ifFalse));
      else items.push(emit(cond, ifTrue), ja(ifFalse));
      return items;
    }
    case c.BPF_RET:
      if (c.BPF_RVAL(code) === c.BPF_A) return [exit()];
      if (c.BPF_RVAL(code) === c.BPF_K) return [alu32.mov.imm(R0, k), exit()];
      break;
    case c.BPF_MISC:
      if (c.BPF_MISCOP(code) === c.BPF_TAX) return [alu64.mov.reg(X, A)];
      if (c.BPF_MISCOP(code) === c.BPF_TXA) return [alu64.mov.reg(A, X)];
      break;
  }
  throw new BpfError('UNSUPPORTED', `instruction ${index}: opcode 0x${code.toString(16)} has no eBPF translation (run the classic checker first)`);
}

/**
 * Translates a classic program (which should have passed the classic checker) into eBPF
 * instruction values for a socket-filter context (`r1` = `struct __sk_buff *`).
 */
export function classicToEbpf(program: ClassicProgram | readonly ClassicInsn[]): Insn[] {
  const insns = 'instructions' in program ? program.instructions : program;
  const items: ProgramItem[] = [
    // Classic BPF starts with A = X = 0 and keeps the context in a callee-saved register.
    // The kernel writes `A ^= A` here because its translation never meets the verifier; the
    // verifier rejects reading an unset register (`R0 !read_ok`), so we move zero instead.
    alu32.mov.imm(A, 0), alu32.mov.imm(X, 0), alu64.mov.reg(CTX, R1),
  ];
  const live = reachable(insns);
  insns.forEach((ins, i) => { if (live[i]) items.push(label(at(i)), ...translateOne(ins, i)); });
  return link(items);
}

/**
 * Which classic instructions some path reaches. Classic filters may carry dead code (the
 * classic checker allows it), but the eBPF verifier rejects an unreachable instruction, so
 * the translation leaves dead code out; nothing jumps to it, so behaviour is unchanged.
 */
function reachable(insns: readonly ClassicInsn[]): boolean[] {
  const live = new Array<boolean>(insns.length).fill(false);
  const work = [0];
  while (work.length > 0) {
    const i = work.pop()!;
    if (i >= insns.length || live[i]) continue;
    live[i] = true;
    const ins = insns[i]!;
    const cls = c.BPF_CLASS(ins.code);
    if (cls === c.BPF_RET) continue;
    if (cls === c.BPF_JMP) {
      if (c.BPF_OP(ins.code) === c.BPF_JA) work.push(i + 1 + ins.k);
      else work.push(i + 1 + ins.jt, i + 1 + ins.jf);
    } else work.push(i + 1);
  }
  return live;
}
