/**
 * The optimizer's own control-flow graph: basic blocks decoded from a lowered classic program
 * (straight-line statements, then one conditional jump or a return). Blocks only jump forward,
 * so `pos` (the index of the first instruction in the input) is a topological order.
 */
import { BPF_JA, BPF_JMP, BPF_RET } from '../../cbpf/opcodes.js';
import type { ClassicInsn } from '../../cbpf/insn.js';

export interface OStmt { readonly code: number; readonly k: number }

export interface OBlock {
  readonly id: number;
  /** Topological position (first instruction index in the input program). */
  readonly pos: number;
  stmts: OStmt[];
  /** Terminal opcode and constant: a conditional jump or a return. */
  code: number;
  k: number;
  jt: OBlock | null;
  jf: OBlock | null;
  /** The token of the last walk that reached this block (see `reachable`). */
  visit?: object;
}

export const isRet = (b: OBlock): boolean => (b.code & 0x07) === BPF_RET;

/** Splits a program into blocks; `ja` blocks (long-jump trampolines) are resolved away. */
export function buildCfg(insns: readonly ClassicInsn[]): OBlock {
  const n = insns.length;
  // Leaders, blocks and `ja` targets by instruction index (arrays: programs are small and dense).
  const leader = new Uint8Array(n + 1);
  leader[0] = 1;
  const mark = (pc: number): void => { if (pc >= 0 && pc <= n) leader[pc] = 1; };
  for (let i = 0; i < n; i++) {
    const ins = insns[i]!;
    const cls = ins.code & 0x07;
    if (cls === BPF_JMP) {
      if ((ins.code & 0xf0) === BPF_JA) mark(i + 1 + ins.k);
      else { mark(i + 1 + ins.jt); mark(i + 1 + ins.jf); }
      mark(i + 1);
    } else if (cls === BPF_RET) mark(i + 1);
  }
  const blocks: (OBlock | undefined)[] = new Array(n);
  const targets: [OBlock, number, number][] = [];
  const jas = new Int32Array(n).fill(-1);
  let id = 0;
  for (let start = 0; start < n; start++) {
    if (!leader[start]) continue;
    const stmts: OStmt[] = [];
    let i = start;
    for (; i < n; i++) {
      const ins = insns[i]!;
      const cls = ins.code & 0x07;
      if (cls === BPF_JMP || cls === BPF_RET) break;
      stmts.push({ code: ins.code, k: ins.k });
      if (leader[i + 1]) { i++; break; }
    }
    const term = insns[i];
    const b: OBlock = { id: id++, pos: start, stmts, code: 0, k: 0, jt: null, jf: null, visit: undefined };
    blocks[start] = b;
    if (!term || i >= n || !((term.code & 0x07) === BPF_JMP || (term.code & 0x07) === BPF_RET)) {
      // Falls through into the next leader: model as an always-true jump.
      b.code = BPF_JMP | BPF_JA;
      jas[start] = i;
      continue;
    }
    b.code = term.code;
    b.k = term.k;
    if ((term.code & 0x07) === BPF_JMP) {
      if ((term.code & 0xf0) === BPF_JA) jas[start] = i + 1 + term.k;
      else targets.push([b, i + 1 + term.jt, i + 1 + term.jf]);
    }
  }
  const resolve = (pc: number): OBlock => {
    let b = blocks[pc]!;
    while (b.code === (BPF_JMP | BPF_JA) && b.stmts.length === 0) b = blocks[jas[b.pos]!]!;
    return b;
  };
  for (const [b, t, f] of targets) { b.jt = resolve(t); b.jf = resolve(f); }
  for (let pos = 0; pos < n; pos++) {
    const to = jas[pos]!;
    if (to < 0) continue;
    const b = blocks[pos]!;
    if (b.stmts.length > 0) {
      // A block that falls or jumps unconditionally: an always-true comparison keeps the shape.
      b.code = BPF_JMP | 0x10; // jeq #0 on ... replaced below by making both edges equal
      b.k = 0;
      b.jt = resolve(to);
      b.jf = b.jt;
    }
  }
  return resolve(0);
}

/**
 * Every block reachable from `root`, in topological order (a block before its successors):
 * ir/walk.ts's post-order reversed (false subtree first), iterative. Blocks are marked with a
 * token fresh to each walk instead of collected in a Set (the optimizer walks its CFG a few
 * dozen times per filter). A block is pushed only when it is visited next, so marking it on
 * push gives the same order as marking it on visit.
 */
export function reachable(root: OBlock): OBlock[] {
  const token = {};
  const out: OBlock[] = [];
  const stack: OBlock[] = [root];
  const state: number[] = [0];
  root.visit = token;
  while (stack.length > 0) {
    const i = stack.length - 1;
    const b = stack[i]!;
    const s = state[i]!;
    if (s < 2) {
      state[i] = s + 1;
      const next = s === 0 ? b.jf : b.jt;
      if (next && next.visit !== token) { next.visit = token; stack.push(next); state.push(0); }
    } else {
      stack.pop(); state.pop();
      out.push(b);
    }
  }
  return out.reverse();
}

/**
 * A map keyed by block, over an array indexed by block id (ids are small and dense: the
 * optimizer never creates blocks), several times faster than a Map with object keys.
 */
export class BlockMap<V> {
  private readonly a: (V | undefined)[] = [];
  constructor(entries?: readonly (readonly [OBlock, V])[]) { if (entries) for (const [b, v] of entries) this.set(b, v); }
  get(b: OBlock): V | undefined { return this.a[b.id]; }
  set(b: OBlock, v: V): this {
    // Filled up to the index first: a write far past the end would turn the array into a
    // slow dictionary.
    const a = this.a;
    while (a.length < b.id) a.push(undefined);
    a[b.id] = v;
    return this;
  }
  has(b: OBlock): boolean { return this.a[b.id] !== undefined; }
}
