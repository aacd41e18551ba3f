/**
 * The block IR the code generator builds, in libpcap's shape: a block is a list of straight-line
 * statements ended by one conditional jump (or a return). While an expression is being built,
 * the unresolved exits of a sub-expression form a chain threaded through the jt/jf fields of its
 * blocks (`sense` says which field is the chain link), exactly as libpcap's gen_and / gen_or /
 * backpatch / merge do. Keeping that shape is what makes the unoptimized output of this compiler
 * identical to libpcap's.
 */
import { BPF_JMP, BPF_JEQ, BPF_K, BPF_LD, BPF_IMM, BPF_RET } from '../../cbpf/opcodes.js';

export interface Stmt {
  code: number;
  k: number;
  /** Jumps inside a statement list (only the 802.11 prologue has them): relative offsets. */
  jt?: number;
  jf?: number;
}

export class Block {
  stmts: Stmt[] = [];
  /** The ending jump (or return) opcode and constant. */
  code: number;
  k: number;
  jt: Block | null = null;
  jf: Block | null = null;
  /** Which successor is the pending exit: false → jt is the chain link, true → jf. */
  sense = false;
  /** The entry block of the sub-expression this block ends. */
  head: Block;
  readonly id: number;
  constructor(id: number, code: number, k = 0) {
    this.id = id;
    this.code = code;
    this.k = k;
    this.head = this;
  }
  get isReturn(): boolean { return (this.code & 0x07) === BPF_RET; }
}

/** Allocates blocks with increasing ids; one per compilation, never shared. */
export class BlockFactory {
  private n = 0;
  block(code: number, k = 0): Block { return new Block(this.n++, code, k); }
  jump(op: number, k = 0, stmts: Stmt[] = []): Block {
    const b = this.block(BPF_JMP | op | BPF_K, k);
    b.stmts = stmts;
    return b;
  }
  ret(k: number): Block { return this.block(BPF_RET | BPF_K, k); }
  /** libpcap's gen_uncond: `ld #!sense; jeq #0`. */
  uncond(sense: boolean): Block {
    return this.jump(BPF_JEQ, 0, [stmt(BPF_LD | BPF_IMM, sense ? 0 : 1)]);
  }
}

export const stmt = (code: number, k = 0): Stmt => ({ code, k });

/** Points every pending exit on `list`'s chain at `target`. */
export function backpatch(list: Block | null, target: Block): void {
  while (list) {
    let next: Block | null;
    if (!list.sense) { next = list.jt; list.jt = target; }
    else { next = list.jf; list.jf = target; }
    list = next;
  }
}

/** Appends chain `b1` to the end of chain `b0`. */
export function merge(b0: Block, b1: Block): void {
  let p = b0;
  for (;;) {
    const link = !p.sense ? p.jt : p.jf;
    if (!link) break;
    p = link;
  }
  if (!p.sense) p.jt = b1; else p.jf = b1;
}

export function genAnd(b0: Block, b1: Block): void {
  backpatch(b0, b1.head);
  b0.sense = !b0.sense;
  b1.sense = !b1.sense;
  merge(b1, b0);
  b1.sense = !b1.sense;
  b1.head = b0.head;
}

export function genOr(b0: Block, b1: Block): void {
  b0.sense = !b0.sense;
  backpatch(b0, b1.head);
  b0.sense = !b0.sense;
  merge(b1, b0);
  b1.head = b0.head;
}

export function genNot(b: Block): void {
  b.sense = !b.sense;
}
