/**
 * A seeded generator of random eBPF programs that the Linux verifier accepts, for differential
 * tests against the kernel (and, later, between our interpreter and JIT).
 *
 * Shape of a program (the "body"; r1 points to INPUT_BYTES of data when it starts):
 *   - main loads r0, r2..r9 and finally r1 from the data (or sets some from immediates, so the
 *     verifier sees both unknown and constant values), and initialises 64 bytes of stack;
 *   - then random blocks: ALU/ALU32 (every operation, edge-case immediates), byte swaps,
 *     sign-extending moves, stack loads/stores of every size (sign-extending loads too), atomics
 *     on the stack, forward conditional jumps (JMP/JMP32, every condition) around nested
 *     blocks, if/else diamonds closed by `ja` or `gotol`, and calls of local functions;
 *   - finally every register and stack slot is folded into r0 and r0's halves are xored, so the
 *     32-bit return value that BPF_PROG_TEST_RUN reports depends on all 64 bits of everything.
 * Local functions get r1..r5 as arguments, initialise their own registers and stack, run
 * random blocks (calling only functions after them: no recursion) and return a fold too.
 *
 * The rules the verifier imposes, and how the generator keeps them:
 *   - no read of an uninitialised register: every register is initialised at the start of a
 *     function and a call is followed by re-initialising r1..r5 (which it clobbers);
 *   - no read of uninitialised stack: the 8 slots used are written first;
 *   - aligned stack accesses; immediate shifts below the operand width; no division by an
 *     immediate zero (division by a zero register is run-time defined and is generated);
 *   - jumps only forward, to block boundaries, so every path ends and every instruction is
 *     reachable (an unconditional `ja` only closes the then-branch of a diamond);
 *   - r10 and pointers never enter arithmetic, so results are the same in every engine.
 * `kernelXdp` wraps a body into an XDP program: bounds-check the packet, then r1 = data.
 */
import {
  R0, R1, R2, R3, R4, R10, alu32, alu64, atomic, callLocal, end, exit, ja, gotol, jmp, jmp32, label, ldx, ldxs,
  lddw, link, st, stx,
  type AluOp, type AtomicOp, type Insn, type JmpCond, type ProgramItem, type Reg, type Size,
} from '../../src/ebpf/isa/index.js';
import type { Prng } from './prng.js';

/** Bytes of input data a body reads (ten 64-bit values). */
export const INPUT_BYTES = 80;
/** Conditional jumps and call sites per function. */
const MAX_BRANCHES = 6;
const MAX_CALLS = 2;
/** Stack bytes each function initialises and uses (r10 - 64 .. r10 - 1). */
const STACK_BYTES = 64;

export interface GeneratorOptions {
  /** Random blocks in main (default 12..40). */
  readonly blocks?: number;
  /** Local functions besides main (default 0..3). */
  readonly functions?: number;
}

export interface RandomProgram {
  /** The body, linked; runs with r1 = pointer to `data`. */
  readonly body: Insn[];
  /** The same body wrapped as an XDP program for the kernel. */
  readonly xdp: Insn[];
  /** The items before linking (labels kept), for minimising. */
  readonly items: ProgramItem[];
  /** Items a minimiser must keep so the program stays valid (initialisation, folds, exits). */
  readonly essential: ReadonlySet<ProgramItem>;
}

const DATA_REGS: readonly Reg[] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/** 64-bit values that break arithmetic: zero, ±1, the signed extremes of every width, ... */
const EDGE64: readonly bigint[] = [
  0n, 1n, 2n, 0xffffffffffffffffn, 0xfffffffffffffffen, 0x7fffffffffffffffn, 0x8000000000000000n,
  0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0xffffffff80000000n, 0xffffffff7fffffffn,
  0x7fn, 0x80n, 0xffn, 0xff80n, 0x7fffn, 0x8000n, 0xffffn, 0xffff8000n, 0x1_0000_0001n, 31n, 32n, 63n, 64n, 65n,
];
const EDGE32: readonly number[] = [0, 1, -1, 2, -2, 0x7fffffff, -0x80000000, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 31, 32, 63, 64];

export function randomValue(prng: Prng): bigint {
  switch (prng.int(4)) {
    case 0: return prng.pick(EDGE64);
    case 1: return BigInt(prng.int(70));
    case 2: return BigInt.asUintN(64, BigInt(prng.u32() | 0)); // a sign-extended 32-bit value
    default: return (BigInt(prng.u32()) << 32n) | BigInt(prng.u32());
  }
}

function randomImm(prng: Prng): number {
  return prng.bool(0.6) ? prng.pick(EDGE32) : prng.u32() | 0;
}

/** Input data for a body: INPUT_BYTES of random and edge-case 64-bit values. */
export function randomInput(prng: Prng): Uint8Array {
  const data = new Uint8Array(INPUT_BYTES);
  const view = new DataView(data.buffer);
  for (let i = 0; i < INPUT_BYTES / 8; i++) view.setBigUint64(i * 8, randomValue(prng), true);
  return data;
}

const ALU_BINARY: readonly AluOp[] = ['add', 'sub', 'mul', 'div', 'sdiv', 'or', 'and', 'lsh', 'rsh', 'mod', 'smod', 'xor', 'mov', 'arsh'];
const CONDS: readonly JmpCond[] = ['eq', 'gt', 'ge', 'set', 'ne', 'sgt', 'sge', 'lt', 'le', 'slt', 'sle'];
const ATOMIC_OPS: readonly AtomicOp[] = ['add', 'or', 'and', 'xor', 'xchg', 'cmpxchg'];
const SIZES: readonly Size[] = [1, 2, 4, 8];

class Generator {
  private labels = 0;
  private readonly called = new Set<number>();
  /**
   * Conditional jumps and calls left in the function being generated. The verifier walks every
   * path (a callee once per call site and path), so these bound its work well below its limit
   * of a million instructions.
   */
  private branchBudget = 0;
  private callBudget = 0;
  /** Items that keep the verifier's rules (initialisation, folds, exits): a minimiser keeps them. */
  readonly essential = new Set<ProgramItem>();
  private keep<T extends ProgramItem>(items: T[]): T[] { for (const i of items) this.essential.add(i); return items; }
  private readonly functionCount: number;
  private readonly mainBlocks: number;

  constructor(private readonly prng: Prng, options: GeneratorOptions) {
    this.functionCount = options.functions ?? prng.int(4);
    this.mainBlocks = options.blocks ?? 12 + prng.int(29);
  }

  private fresh(prefix: string): string { return `${prefix}${this.labels++}`; }
  private reg(): Reg { return this.prng.pick(DATA_REGS); }
  private stackOff(size: number): number { return -STACK_BYTES + size * this.prng.int(STACK_BYTES / size); }

  program(): ProgramItem[] {
    const items: ProgramItem[] = [];
    // main: registers from the data (r1 last, it is the data pointer) or from immediates.
    for (const r of [0, 2, 3, 4, 5, 6, 7, 8, 9, 1] as Reg[]) {
      if (this.prng.bool(0.8)) items.push(ldx(8, r, R1, r * 8));
      else items.push(this.prng.bool() ? lddw(r, randomValue(this.prng)) : alu64.mov.imm(r, randomImm(this.prng)));
    }
    this.keep(items);
    items.push(...this.initStack());
    // Functions first, so that main can call those nobody calls: the verifier refuses
    // unreachable code, and a function without a call site is unreachable.
    const functions: ProgramItem[] = [];
    for (let f = 0; f < this.functionCount; f++) functions.push(label(`f${f}`), ...this.func(f));
    this.branchBudget = MAX_BRANCHES;
    this.callBudget = MAX_CALLS;
    items.push(...this.blocks(this.mainBlocks, 0, 2));
    for (let f = 0; f < this.functionCount; f++) if (!this.called.has(f)) items.push(...this.callTo(f));
    items.push(...this.fold(), ...this.keep([exit()]), ...functions);
    return items;
  }

  private func(index: number): ProgramItem[] {
    const p = this.prng;
    const items: ProgramItem[] = [];
    // r1..r5 are the arguments; r0 and r6..r9 start uninitialised in a callee.
    for (const r of [0, 6, 7, 8, 9] as Reg[]) {
      items.push(this.keep([alu64.mov.reg(r, (1 + p.int(5)) as Reg)])[0]!);
      if (p.bool()) items.push(alu64.xor.imm(r, randomImm(p)));
    }
    items.push(...this.initStack());
    this.branchBudget = MAX_BRANCHES;
    this.callBudget = MAX_CALLS;
    items.push(...this.blocks(4 + p.int(12), index + 1, 2));
    items.push(...this.fold(), ...this.keep([exit()]));
    return items;
  }

  private initStack(): ProgramItem[] {
    const items: ProgramItem[] = [];
    for (let off = -STACK_BYTES; off < 0; off += 8) {
      items.push(this.prng.bool(0.75) ? stx(8, R10, this.reg(), off) : st(8, R10, off, randomImm(this.prng)));
    }
    return this.keep(items);
  }

  /** r0 = a mix of every register and stack slot, then r0 ^= r0 >> 32 so 32 bits carry all 64. */
  private fold(): ProgramItem[] {
    const items: ProgramItem[] = [];
    for (const r of [1, 2, 3, 4, 5, 6, 7, 8, 9] as Reg[]) items.push(alu64.mul.imm(R0, 0x1000193), alu64.xor.reg(R0, r));
    for (let off = -STACK_BYTES; off < 0; off += 8) {
      items.push(ldx(8, R1, R10, off), alu64.mul.imm(R0, 0x1000193), alu64.xor.reg(R0, R1));
    }
    items.push(alu64.mov.reg(R1, R0), alu64.rsh.imm(R1, 32), alu64.xor.reg(R0, R1));
    return items;
  }

  /** `count` random blocks; local calls may go to functions numbered `firstCallee` and up. */
  private blocks(count: number, firstCallee: number, depth: number): ProgramItem[] {
    const items: ProgramItem[] = [];
    for (let i = 0; i < count; i++) items.push(...this.block(firstCallee, depth));
    return items;
  }

  private block(firstCallee: number, depth: number): ProgramItem[] {
    const p = this.prng;
    const roll = p.int(100);
    if (roll < 3) return this.signedOverflow();
    if (roll < 40) return [this.alu()];
    if (roll < 47) return [this.endian()];
    if (roll < 52) return [this.movsx()];
    if (roll < 62) return [this.load()];
    if (roll < 70) return [this.store()];
    if (roll < 77) return [this.atomic()];
    if (roll < 83 && firstCallee < this.functionCount && this.callBudget > 0) { this.callBudget--; return this.call(firstCallee); }
    if (depth > 0 && roll >= 83 && this.branchBudget > 0) {
      this.branchBudget--;
      return roll < 93 ? this.branch(firstCallee, depth - 1) : this.diamond(firstCallee, depth - 1);
    }
    return [this.alu()];
  }

  private alu(): Insn {
    const p = this.prng;
    const f = p.bool() ? alu64 : alu32;
    const width = f === alu64 ? 64 : 32;
    const dst = this.reg();
    if (p.int(20) === 0) return f.neg(dst);
    const op = p.pick(ALU_BINARY) as Exclude<AluOp, 'neg' | 'movsx8' | 'movsx16' | 'movsx32'>;
    if (p.bool(0.55)) return f[op].reg(dst, this.reg());
    let imm = randomImm(p);
    if (op === 'lsh' || op === 'rsh' || op === 'arsh') imm = p.int(width); // the verifier refuses imm >= width
    if ((op === 'div' || op === 'mod' || op === 'sdiv' || op === 'smod') && imm === 0) imm = p.bool() ? -1 : 3;
    return f[op].imm(dst, imm);
  }

  /** INT_MIN / -1 and INT_MIN % -1 (64- and 32-bit), which random operands almost never meet. */
  private signedOverflow(): Insn[] {
    const p = this.prng;
    const dst = this.reg();
    let src = this.reg();
    if (src === dst) src = ((dst + 1) % 10) as Reg;
    const f = p.bool() ? alu64 : alu32;
    const op = p.bool() ? 'sdiv' : 'smod';
    const min = p.pick([0x8000000000000000n, 0xffffffff80000000n, 0x80000000n]);
    if (p.bool()) return [lddw(dst, min), f[op].imm(dst, -1)];
    return [lddw(dst, min), p.bool() ? alu64.mov.imm(src, -1) : alu32.mov.imm(src, -1), f[op].reg(dst, src)];
  }

  private endian(): Insn {
    const p = this.prng;
    return end(p.pick(['le', 'be', 'swap'] as const), p.pick([16, 32, 64] as const), this.reg());
  }

  private movsx(): Insn {
    const p = this.prng;
    return p.bool() ? alu64.movsx(p.pick([8, 16, 32] as const), this.reg(), this.reg()) : alu32.movsx(p.pick([8, 16] as const), this.reg(), this.reg());
  }

  private load(): Insn {
    const p = this.prng;
    const size = p.pick(SIZES);
    return size !== 8 && p.bool() ? ldxs(size, this.reg(), R10, this.stackOff(size)) : ldx(size, this.reg(), R10, this.stackOff(size));
  }

  private store(): Insn {
    const p = this.prng;
    const size = p.pick(SIZES);
    return p.bool() ? stx(size, R10, this.reg(), this.stackOff(size)) : st(size, R10, this.stackOff(size), randomImm(p));
  }

  private atomic(): Insn {
    const p = this.prng;
    const op = p.pick(ATOMIC_OPS);
    const size = p.pick([4, 8] as const);
    return atomic(op, size, R10, this.reg(), this.stackOff(size), op === 'xchg' || op === 'cmpxchg' || p.bool());
  }

  private cond(target: string): Insn {
    const p = this.prng;
    const f = p.bool() ? jmp : jmp32;
    const c = f[p.pick(CONDS)];
    return p.bool() ? c.reg(this.reg(), this.reg(), target) : c.imm(this.reg(), randomImm(p), target);
  }

  /** if (cond) skip the next blocks. */
  private branch(firstCallee: number, depth: number): ProgramItem[] {
    const skip = this.fresh('L');
    return [this.cond(skip), ...this.blocks(1 + this.prng.int(4), firstCallee, depth), label(skip)];
  }

  /** if (cond) { else-blocks } else { then-blocks }: the then-branch jumps over the else. */
  private diamond(firstCallee: number, depth: number): ProgramItem[] {
    const other = this.fresh('E'), join = this.fresh('J');
    return [
      this.cond(other),
      ...this.blocks(1 + this.prng.int(3), firstCallee, depth),
      this.prng.bool(0.7) ? ja(join) : gotol(join),
      label(other),
      ...this.blocks(1 + this.prng.int(3), firstCallee, depth),
      label(join),
    ];
  }

  /** Call a later function, then re-initialise r1..r5, which the call clobbered. */
  private call(firstCallee: number): ProgramItem[] {
    return this.callTo(firstCallee + this.prng.int(this.functionCount - firstCallee));
  }

  private callTo(callee: number): ProgramItem[] {
    const p = this.prng;
    this.called.add(callee);
    const items: ProgramItem[] = [callLocal(`f${callee}`)];
    for (let r = 1; r <= 5; r++) {
      items.push(p.bool(0.7) ? alu64.mov.reg(r as Reg, p.pick([0, 6, 7, 8, 9] as Reg[])) : alu64.mov.imm(r as Reg, randomImm(p)));
    }
    this.keep(items.slice(1)); // the call itself may go, the re-initialisation stays
    return items;
  }
}

/** The body's instructions before linking. */
export function randomItems(prng: Prng, options: GeneratorOptions = {}): { items: ProgramItem[]; essential: ReadonlySet<ProgramItem> } {
  const g = new Generator(prng, options);
  return { items: g.program(), essential: g.essential };
}

/** Wraps body items as XDP: r1 = ctx->data after checking that INPUT_BYTES are there (else return 0). */
export function kernelXdp(items: readonly ProgramItem[]): Insn[] {
  return link([
    ldx(4, R2, R1, 0), // xdp_md->data
    ldx(4, R3, R1, 4), // xdp_md->data_end
    alu64.mov.reg(R4, R2),
    alu64.add.imm(R4, INPUT_BYTES),
    jmp.le.reg(R4, R3, '__body'),
    alu64.mov.imm(R0, 0),
    exit(),
    label('__body'),
    alu64.mov.reg(R1, R2),
    ...items,
  ]);
}

export function randomProgram(prng: Prng, options: GeneratorOptions = {}): RandomProgram {
  const { items, essential } = randomItems(prng, options);
  return { items, essential, body: link(items), xdp: kernelXdp(items) };
}

/**
 * The same program with every atomic *fetch* on the stack replaced by a plain load of the old
 * value plus a non-fetching atomic (or a store): RFC 9669 gives both the same meaning, and the
 * kernel's verifier tracks a plain load's precision where it loses a fetch's (see
 * test/kernel/ebpf-kernel-findings.test.ts). A temporary register is saved at r10 - 72, below the
 * 64 bytes the generator uses.
 */
export function withoutAtomicFetches(items: readonly ProgramItem[]): ProgramItem[] {
  const out: ProgramItem[] = [];
  let n = 0;
  for (const item of items) {
    if (item.kind !== 'atomic' || (!item.fetch && item.op !== 'xchg' && item.op !== 'cmpxchg') || item.dst !== R10) {
      out.push(item);
      continue;
    }
    const { op, size, src, off } = item;
    const tmp: Reg = src === 9 ? 8 : 9;
    out.push(stx(8, R10, tmp, -72), ldx(size, tmp, R10, off));
    switch (op) {
      case 'xchg':
        out.push(stx(size, R10, src, off), alu64.mov.reg(src, tmp));
        break;
      case 'cmpxchg': {
        const skip = `__cmpxchg${n++}`;
        out.push((size === 8 ? jmp : jmp32).ne.reg(tmp, R0, skip), stx(size, R10, src, off), label(skip), alu64.mov.reg(R0, tmp));
        break;
      }
      default:
        out.push(atomic(op, size, R10, src, off, false), alu64.mov.reg(src, tmp));
    }
    out.push(ldx(8, tmp, R10, -72));
  }
  return out;
}
