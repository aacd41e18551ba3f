/**
 * Lowering a block graph to classic instructions, laid out as libpcap's icode_to_fcode does: a
 * block is emitted before its true successor, which is emitted before its false successor
 * (depth-first, false branch placed last), and a jump that does not fit in 8 bits goes through
 * an extra `ja` placed right after the conditional jump.
 */
import { BPF_JA, BPF_JMP } from '../../cbpf/opcodes.js';
import { insn, type ClassicInsn } from '../../cbpf/insn.js';
import { FilterError } from '../errors.js';
import { postOrder } from './walk.js';

/** The minimal block shape lowering needs (shared by the generator's IR and the optimizer's). */
export interface LowerBlock {
  readonly stmts: readonly { readonly code: number; readonly k: number; readonly jt?: number; readonly jf?: number }[];
  readonly code: number;
  readonly k: number;
  readonly jt: LowerBlock | null;
  readonly jf: LowerBlock | null;
}

interface Slot { code: number; jt: number; jf: number; k: number }

export function lowerBlocks(root: LowerBlock): ClassicInsn[] {
  const longjt = new Map<LowerBlock, number>();
  const longjf = new Map<LowerBlock, number>();
  for (let attempt = 0; attempt < 10000; attempt++) {
    const result = tryLower(root, longjt, longjf);
    if (result) return result.map((s) => insn(s.code, s.jt, s.jf, s.k));
  }
  throw new FilterError('too many extra jumps');
}

function tryLower(root: LowerBlock, longjt: Map<LowerBlock, number>, longjf: Map<LowerBlock, number>): Slot[] | undefined {
  // Count the reachable instructions (iteratively: programs can be thousands of blocks deep).
  const seen = new Set<LowerBlock>();
  let count = 0;
  const todo: LowerBlock[] = [root];
  while (todo.length > 0) {
    const b = todo.pop()!;
    if (seen.has(b)) continue;
    seen.add(b);
    if (b.jt) todo.push(b.jt);
    if (b.jf) todo.push(b.jf);
    count += b.stmts.length + 1 + (longjt.get(b) ?? 0) + (longjf.get(b) ?? 0);
  }
  const out: Slot[] = Array.from({ length: count }, () => ({ code: 0, jt: 0, jf: 0, k: 0 }));
  const offset = new Map<LowerBlock, number>();
  let tail = count;
  let failed = false;
  const emit = (b: LowerBlock): boolean => {
    const slen = b.stmts.length;
    const lt = longjt.get(b) ?? 0;
    const lf = longjf.get(b) ?? 0;
    tail -= slen + 1 + lt + lf;
    const at = tail;
    offset.set(b, at);
    b.stmts.forEach((s, i) => { out[at + i] = { code: s.code, jt: s.jt ?? 0, jf: s.jf ?? 0, k: s.k }; });
    const j = at + slen;
    out[j] = { code: b.code, jt: 0, jf: 0, k: b.k };
    if (b.jt && b.jf) {
      let extra = 0;
      let off = offset.get(b.jt)! - j - 1;
      if (off >= 256) {
        if (lt === 0) { longjt.set(b, 1); failed = true; }
        out[j]!.jt = extra;
        extra++;
        out[j + extra] = { code: BPF_JMP | BPF_JA, jt: 0, jf: 0, k: off - extra };
      } else out[j]!.jt = off;
      off = offset.get(b.jf)! - j - 1;
      if (off >= 256) {
        if (lf === 0) { longjf.set(b, 1); failed = true; }
        out[j]!.jf = extra;
        extra++;
        out[j + extra] = { code: BPF_JMP | BPF_JA, jt: 0, jf: 0, k: off - extra };
      } else out[j]!.jf = off;
    }
    return true;
  };
  // Post-order: the false subtree, then the true subtree, then the block, each placed at the
  // tail, so a block precedes its true successor, which precedes its false successor.
  for (const b of postOrder(root)) emit(b);
  // Every jump found too long in this pass gets its `ja` at once (each stays too long when
  // more are added, so this reaches libpcap's one-at-a-time fixed point in fewer passes).
  return failed ? undefined : out;
}
