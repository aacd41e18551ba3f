/**
 * The classic checker: the Linux kernel's rules for socket filters (net/core/filter.c:
 * bpf_check_basics_ok, bpf_check_classic with its opcode whitelist chk_code_allowed, the
 * ancillary table of bpf_anc_helper, and check_load_and_stores), applied in the kernel's order
 * so that the first rule we report is the one the kernel trips over. The kernel only answers
 * EINVAL; we name the instruction index and the rule.
 *
 * Kernel facts worth knowing (all confirmed by test/cbpf/checker-kernel.test.ts, which
 * attaches thousands of random programs with SO_ATTACH_FILTER):
 * - the opcode whitelist is exact: `ld #k` is 0x00 but 0x08 (same mode, size H) is rejected,
 *   `ret x` (0x0e) is rejected, `neg` is only 0x84;
 * - `ja k` must land inside the program (k < len - pc - 1); conditional jumps too, for both
 *   jt and jf, even when jt == jf;
 * - division and modulo by the constant 0 are rejected, as are `lsh`/`rsh` by a constant >= 32;
 * - absolute loads at k >= SKF_AD_OFF (as unsigned) must name a known ancillary field, in any
 *   size (b/h/w); indirect loads and `ldx 4*([k]&0xf)` are not restricted;
 * - only the last instruction must be a return: unreachable code is allowed;
 * - scratch reads are checked by one forward pass: a cell is valid at an instruction when it
 *   was written on the fall-through path and on every jump into it. After a `ret` the pass does
 *   not reset its state, so code after a return that no jump reaches sees the cells written
 *   before the return (the kernel accepts `st M[0]; ret #0; ld M[0]; ret a`). That code can
 *   never run, so this leniency is harmless; we keep it to match the kernel exactly.
 */
import { BpfError } from '../core/errors.js';
import type { ClassicInsn } from './insn.js';
import { ClassicProgram } from './program.js';
import {
  BPF_ABS, BPF_ADD, BPF_ALU, BPF_AND, BPF_B, BPF_DIV, BPF_H, BPF_IMM, BPF_IND, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JGT,
  BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_LDX, BPF_LEN, BPF_LSH, BPF_MAXINSNS, BPF_MEM, BPF_MEMWORDS, BPF_MISC,
  BPF_MOD, BPF_MSH, BPF_MUL, BPF_NEG, BPF_OR, BPF_RET, BPF_RSH, BPF_ST, BPF_STX, BPF_SUB, BPF_TAX, BPF_TXA, BPF_W,
  BPF_X, BPF_XOR, BPF_A, SKF_AD_OFF, SKF_AD_MAX,
} from './opcodes.js';

/** The rule a rejected program breaks; stable names for callers and tests. */
export type ClassicCheckRule =
  | 'length'          // 1..BPF_MAXINSNS instructions
  | 'opcode'          // not in the kernel's whitelist
  | 'div-by-zero'     // div/mod by constant 0
  | 'shift-range'     // lsh/rsh by constant >= 32
  | 'scratch-index'   // M[k] with k >= 16
  | 'jump-range'      // a jump leaves the program
  | 'ancillary'       // ld [k] with k >= SKF_AD_OFF that is not a known ancillary field
  | 'last-return'     // the last instruction is not a return
  | 'scratch-uninit'; // M[k] read where it is not written on every path

export type ClassicCheckResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly index: number; readonly rule: ClassicCheckRule; readonly message: string };

export class ClassicCheckError extends BpfError {
  readonly index: number;
  readonly rule: ClassicCheckRule;
  constructor(message: string, index: number, rule: ClassicCheckRule, options?: ErrorOptions) {
    super('CHECK', message, options);
    this.index = index;
    this.rule = rule;
  }
}

/** The kernel's whitelist (chk_code_allowed), as exact 16-bit opcodes. */
const ALLOWED: ReadonlySet<number> = new Set<number>([
  ...[BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_MOD, BPF_AND, BPF_OR, BPF_XOR, BPF_LSH, BPF_RSH]
    .flatMap((op) => [BPF_ALU | op | BPF_K, BPF_ALU | op | BPF_X]),
  BPF_ALU | BPF_NEG,
  BPF_LD | BPF_W | BPF_ABS, BPF_LD | BPF_H | BPF_ABS, BPF_LD | BPF_B | BPF_ABS,
  BPF_LD | BPF_W | BPF_LEN,
  BPF_LD | BPF_W | BPF_IND, BPF_LD | BPF_H | BPF_IND, BPF_LD | BPF_B | BPF_IND,
  BPF_LD | BPF_IMM, BPF_LD | BPF_MEM,
  BPF_LDX | BPF_W | BPF_LEN, BPF_LDX | BPF_B | BPF_MSH, BPF_LDX | BPF_IMM, BPF_LDX | BPF_MEM,
  BPF_ST, BPF_STX,
  BPF_MISC | BPF_TAX, BPF_MISC | BPF_TXA,
  BPF_RET | BPF_K, BPF_RET | BPF_A,
  BPF_JMP | BPF_JA,
  ...[BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET].flatMap((op) => [BPF_JMP | op | BPF_K, BPF_JMP | op | BPF_X]),
]);

/** True for the 8 conditional jump opcodes. */
export function isConditionalJump(code: number): boolean {
  return (code & 0x07) === BPF_JMP && code !== (BPF_JMP | BPF_JA) && ALLOWED.has(code);
}

/** True when `code` is in the kernel's classic opcode whitelist. */
export function isAllowedClassicOpcode(code: number): boolean {
  return ALLOWED.has(code);
}

/** True when `k` (unsigned) names an ancillary field the kernel knows (SKF_AD_OFF + 0, 4, ..., 60). */
export function isKnownAncillary(k: number): boolean {
  const n = (k >>> 0) - (SKF_AD_OFF >>> 0);
  return n >= 0 && n < SKF_AD_MAX && n % 4 === 0;
}

function instructionsOf(program: ClassicProgram | readonly ClassicInsn[]): readonly ClassicInsn[] {
  return program instanceof ClassicProgram ? program.instructions : program;
}

const hex = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`;

/** Checks a classic program with the kernel's rules; never throws for a bad program. */
export function checkClassic(program: ClassicProgram | readonly ClassicInsn[]): ClassicCheckResult {
  const insns = instructionsOf(program);
  const len = insns.length;
  const fail = (index: number, rule: ClassicCheckRule, what: string): ClassicCheckResult =>
    ({ ok: false, index, rule, message: `instruction ${index}: ${what} (rule: ${rule})` });

  if (len === 0 || len > BPF_MAXINSNS) {
    return { ok: false, index: len === 0 ? 0 : BPF_MAXINSNS, rule: 'length',
      message: `program has ${len} instructions; a classic filter needs 1 to ${BPF_MAXINSNS} (rule: length)` };
  }

  for (let pc = 0; pc < len; pc++) {
    const { code, jt, jf, k } = insns[pc]!;
    if (!ALLOWED.has(code)) return fail(pc, 'opcode', `opcode ${hex(code)} is not a valid classic instruction`);
    switch (code) {
      case BPF_ALU | BPF_DIV | BPF_K:
      case BPF_ALU | BPF_MOD | BPF_K:
        if (k === 0) return fail(pc, 'div-by-zero', `${code === (BPF_ALU | BPF_DIV | BPF_K) ? 'division' : 'modulo'} by constant 0`);
        break;
      case BPF_ALU | BPF_LSH | BPF_K:
      case BPF_ALU | BPF_RSH | BPF_K:
        if (k >= 32) return fail(pc, 'shift-range', `shift by constant ${k} (must be below 32)`);
        break;
      case BPF_LD | BPF_MEM:
      case BPF_LDX | BPF_MEM:
      case BPF_ST:
      case BPF_STX:
        if (k >= BPF_MEMWORDS) return fail(pc, 'scratch-index', `scratch cell M[${k}] does not exist (M[0] to M[${BPF_MEMWORDS - 1}])`);
        break;
      case BPF_JMP | BPF_JA:
        if (k >= len - pc - 1) return fail(pc, 'jump-range', `ja ${k} lands at ${pc + 1 + k}, past the last instruction ${len - 1}`);
        break;
      case BPF_JMP | BPF_JEQ | BPF_K: case BPF_JMP | BPF_JEQ | BPF_X:
      case BPF_JMP | BPF_JGT | BPF_K: case BPF_JMP | BPF_JGT | BPF_X:
      case BPF_JMP | BPF_JGE | BPF_K: case BPF_JMP | BPF_JGE | BPF_X:
      case BPF_JMP | BPF_JSET | BPF_K: case BPF_JMP | BPF_JSET | BPF_X:
        if (pc + jt + 1 >= len) return fail(pc, 'jump-range', `jt ${jt} lands at ${pc + 1 + jt}, past the last instruction ${len - 1}`);
        if (pc + jf + 1 >= len) return fail(pc, 'jump-range', `jf ${jf} lands at ${pc + 1 + jf}, past the last instruction ${len - 1}`);
        break;
      case BPF_LD | BPF_W | BPF_ABS:
      case BPF_LD | BPF_H | BPF_ABS:
      case BPF_LD | BPF_B | BPF_ABS:
        if (k >= (SKF_AD_OFF >>> 0) && !isKnownAncillary(k)) {
          return fail(pc, 'ancillary', `load at SKF_AD_OFF+${k - (SKF_AD_OFF >>> 0)} is not a known ancillary field`);
        }
        break;
    }
  }

  const last = insns[len - 1]!.code;
  if (last !== (BPF_RET | BPF_K) && last !== (BPF_RET | BPF_A)) {
    return fail(len - 1, 'last-return', 'the last instruction must be a return (ret #k or ret a)');
  }
  return checkLoadsAndStores(insns, fail);
}

/** check_load_and_stores: one forward pass with a 16-bit "written" mask per instruction. */
function checkLoadsAndStores(
  insns: readonly ClassicInsn[],
  fail: (index: number, rule: ClassicCheckRule, what: string) => ClassicCheckResult,
): ClassicCheckResult {
  const masks = new Uint16Array(insns.length).fill(0xffff);
  let valid = 0;
  for (let pc = 0; pc < insns.length; pc++) {
    valid &= masks[pc]!;
    const { code, jt, jf, k } = insns[pc]!;
    switch (code) {
      case BPF_ST:
      case BPF_STX:
        valid |= 1 << k;
        break;
      case BPF_LD | BPF_MEM:
      case BPF_LDX | BPF_MEM:
        if (!(valid & (1 << k))) return fail(pc, 'scratch-uninit', `M[${k}] is read but not written on every path to here`);
        break;
      case BPF_JMP | BPF_JA:
        masks[pc + 1 + k] = masks[pc + 1 + k]! & valid;
        valid = 0xffff;
        break;
      default:
        if (isConditionalJump(code)) {
          masks[pc + 1 + jt] = masks[pc + 1 + jt]! & valid;
          masks[pc + 1 + jf] = masks[pc + 1 + jf]! & valid;
          valid = 0xffff;
        }
    }
  }
  return { ok: true };
}

/** Throws ClassicCheckError when the kernel would reject the program. */
export function assertClassic(program: ClassicProgram | readonly ClassicInsn[]): void {
  const r = checkClassic(program);
  if (!r.ok) throw new ClassicCheckError(r.message, r.index, r.rule);
}

/*
 * Used by the interpreter and the JIT so that a program is checked once, not once per packet.
 * A WeakMap keyed by the caller's object is not module-level mutable state in the sense that
 * matters: it only caches a pure function of an immutable key and is invisible to callers.
 */
const checked = new WeakSet<object>();
export function assertClassicCached(program: ClassicProgram | readonly ClassicInsn[]): readonly ClassicInsn[] {
  const insns = instructionsOf(program);
  if (!checked.has(program)) {
    assertClassic(insns);
    checked.add(program);
  }
  return insns;
}
