/**
 * The LLVM/kernel text syntax, printed exactly as `llvm-objdump-19 -d` prints it (BPFInstPrinter
 * and the BPF instruction definitions of LLVM 19), quirks included, so that a whole section dump
 * compares line for line with the real tool:
 *
 * - every number is hexadecimal; immediates, offsets and jump distances carry their sign
 *   (`r1 += -0x20`, `(r10 - 0x8)`, `goto +0x3`), and jumps name their target `<sym+0xoff>`;
 * - without the alu32 feature (llvm-objdump's default cpu, and v1/v2) 32-bit loads and stores
 *   print `r` registers, and 32-bit atomics other than add are `<unknown>` (and a 32-bit fetch-add
 *   prints as the legacy `lock ... += r`), because LLVM only decodes them in the alu32 tables;
 * - byte swaps always print `r` registers; a lddw with a pseudo source prints `ld_pseudo`;
 *   ld_ind prints only its register, never its immediate; local and kfunc calls print `call imm`.
 *
 * The kernel's own printer (`bpftool prog dump xlated`, verifier logs; kernel/bpf/disasm.c) is a
 * different dialect, not produced here yet: an `N: (op)` prefix, decimal ALU immediates
 * (`r1 += 14`, `r0 = 1`) but hex jump immediates (`if r4 != 0x8`), offsets as `(r1 +8)` /
 * `(r10 -4)`, jump targets as `goto pc+44`, local calls as `call pc+N`, and map loads resolved
 * to `r1 = map[id:N]`.
 */
import type { Insn, JmpCond, AluOp, AtomicInsn, Size } from '../isa/insn.js';
import { INSN_SIZE } from '../isa/opcodes.js';

/** The `--mcpu` llvm-objdump decodes for; only the alu32 feature (v3 and later) changes the text. */
export type LlvmCpu = 'generic' | 'v1' | 'v2' | 'v3' | 'v4';

/** A symbol used to name jump targets and to head listing blocks; `address` is in bytes. */
export interface LlvmSymbol { readonly name: string; readonly address: number }

export interface LlvmFormatOptions {
  /** Default 'generic', as `llvm-objdump -d` without `--mcpu`. */
  readonly cpu?: LlvmCpu;
  /** The slot index of the instruction, needed to name jump targets. */
  readonly pc?: number;
  /** Or its byte address (takes precedence over `pc`; llvm-objdump can be misaligned after `...`). */
  readonly address?: number;
  /** Symbols of the section, for `<sym+0xoff>` after jumps; no annotation without them. */
  readonly symbols?: readonly LlvmSymbol[];
}

const hasAlu32 = (cpu: LlvmCpu | undefined): boolean => cpu === 'v3' || cpu === 'v4';

/** Signed hexadecimal as LLVM prints immediates: `0x7`, `-0x7`. */
export function llvmHex(n: number | bigint): string {
  const v = BigInt(n);
  return v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
}
/** A jump distance: always signed, `+0x3` / `-0x5`. */
const jumpHex = (n: number): string => (n < 0 ? `-0x${(-n).toString(16)}` : `+0x${n.toString(16)}`);
const address = (base: number, off: number): string => `r${base} ${off < 0 ? '-' : '+'} 0x${Math.abs(off).toString(16)}`;
const memRef = (base: number, off: number): string => `(${address(base, off)})`;

const ALU_SYMBOL: Record<Exclude<AluOp, 'neg' | 'mov' | 'movsx8' | 'movsx16' | 'movsx32'>, string> = {
  add: '+=', sub: '-=', mul: '*=', div: '/=', sdiv: 's/=', or: '|=', and: '&=', lsh: '<<=', rsh: '>>=',
  mod: '%=', smod: 's%=', xor: '^=', arsh: 's>>=',
};
const JMP_SYMBOL: Record<JmpCond, string> = {
  eq: '==', gt: '>', ge: '>=', set: '&', ne: '!=', sgt: 's>', sge: 's>=', lt: '<', le: '<=', slt: 's<', sle: 's<=',
};
const ATOMIC_SYMBOL = { add: '+=', or: '|=', and: '&=', xor: '^=' } as const;
const bitsOf = (size: Size): number => size * 8;

/** `<sym+0xoff>` for a byte address, choosing the last symbol at or below it (unsigned 64-bit, as llvm-objdump). */
function targetName(symbols: readonly LlvmSymbol[] | undefined, address: bigint): string {
  if (!symbols || symbols.length === 0) return '';
  const target = BigInt.asUintN(64, address);
  let best: LlvmSymbol | undefined;
  for (const s of symbols) {
    const at = BigInt(s.address);
    if (at <= target && (!best || at >= BigInt(best.address))) best = s;
  }
  if (!best) return '';
  const delta = target - BigInt(best.address);
  return delta === 0n ? ` <${best.name}>` : ` <${best.name}+0x${delta.toString(16)}>`;
}

function formatAtomic(insn: AtomicInsn, alu32: boolean): string {
  const mem = memRef(insn.dst, insn.off);
  if (insn.size === 4 && !alu32) {
    // Only the legacy XADDW pattern exists outside the alu32 decoder table; it ignores the fetch bit.
    return insn.op === 'add' ? `lock *(u32 *)${mem} += r${insn.src}` : '<unknown>';
  }
  const r = insn.size === 8 ? 'r' : 'w';
  const bits = insn.size * 8;
  switch (insn.op) {
    case 'xchg': {
      const fn = insn.size === 8 ? 'xchg_64' : 'xchg32_32';
      return `${r}${insn.src} = ${fn}(${address(insn.dst, insn.off)}, ${r}${insn.src})`;
    }
    case 'cmpxchg': {
      const fn = insn.size === 8 ? 'cmpxchg_64' : 'cmpxchg32_32';
      return `${r}0 = ${fn}(${address(insn.dst, insn.off)}, ${r}0, ${r}${insn.src})`;
    }
    default:
      return insn.fetch
        ? `${r}${insn.src} = atomic_fetch_${insn.op}((u${bits} *)${mem}, ${r}${insn.src})`
        : `lock *(u${bits} *)${mem} ${ATOMIC_SYMBOL[insn.op]} ${r}${insn.src}`;
  }
}

/** One instruction in llvm-objdump-19's text (without the address and bytes columns). */
export function formatInsnLlvm(insn: Insn, options: LlvmFormatOptions = {}): string {
  const alu32 = hasAlu32(options.cpu);
  const target = (off: number | string): string => {
    if (typeof off === 'string') return off;
    const at = options.address ?? (options.pc === undefined ? undefined : options.pc * INSN_SIZE);
    const suffix = at === undefined ? '' : targetName(options.symbols, BigInt(at) + (1n + BigInt(off)) * BigInt(INSN_SIZE));
    return `${jumpHex(off)}${suffix}`;
  };
  switch (insn.kind) {
    case 'alu': {
      const r = insn.wide ? 'r' : 'w';
      const d = `${r}${insn.dst}`;
      const src = 'reg' in insn.src ? `${r}${insn.src.reg}` : llvmHex(insn.src.imm);
      switch (insn.op) {
        case 'neg': return `${d} = -${d}`;
        case 'mov': return `${d} = ${src}`;
        case 'movsx8': return `${d} = (s8)${src}`;
        case 'movsx16': return `${d} = (s16)${src}`;
        case 'movsx32': return `${d} = (s32)${src}`;
        default: return `${d} ${ALU_SYMBOL[insn.op]} ${src}`;
      }
    }
    case 'end': {
      const name = insn.order === 'swap' ? 'bswap' : insn.order;
      return `r${insn.dst} = ${name}${insn.bits} r${insn.dst}`;
    }
    case 'ldx': {
      const r = alu32 && !insn.signed && insn.size < 8 ? 'w' : 'r';
      return `${r}${insn.dst} = *(${insn.signed ? 's' : 'u'}${bitsOf(insn.size)} *)${memRef(insn.src, insn.off)}`;
    }
    case 'st': return `*(u${bitsOf(insn.size)} *)${memRef(insn.dst, insn.off)} = ${llvmHex(insn.imm)}`;
    case 'stx': {
      const r = alu32 && insn.size < 8 ? 'w' : 'r';
      return `*(u${bitsOf(insn.size)} *)${memRef(insn.dst, insn.off)} = ${r}${insn.src}`;
    }
    case 'atomic': return formatAtomic(insn, alu32);
    case 'ldabs': return `r0 = *(u${bitsOf(insn.size)} *)skb[${llvmHex(insn.imm)}]`;
    case 'ldind': return `r0 = *(u${bitsOf(insn.size)} *)skb[r${insn.src}]`;
    case 'lddw':
      if (insn.pseudo === 0) return `r${insn.dst} = ${llvmHex(BigInt.asIntN(64, insn.value))} ll`;
      return `ld_pseudo\tr${insn.dst}, ${llvmHex(insn.pseudo)}, 0x${(insn.value & 0xffffffffn).toString(16)}`;
    case 'ja': return `${insn.long ? 'gotol' : 'goto'} ${target(insn.off)}`;
    case 'jmp': {
      const r = insn.wide ? 'r' : 'w';
      const src = 'reg' in insn.src ? `${r}${insn.src.reg}` : llvmHex(insn.src.imm);
      return `if ${r}${insn.dst} ${JMP_SYMBOL[insn.cond]} ${src} goto ${target(insn.off)}`;
    }
    case 'call': return `call ${llvmHex(insn.helper)}`;
    case 'call-local': return typeof insn.off === 'string' ? `call ${insn.off}` : `call ${llvmHex(insn.off)}`;
    case 'kfunc': return `call ${llvmHex(insn.btfId)}`;
    case 'exit': return 'exit';
  }
}

