/**
 * Lowering a block graph to classic instructions, laid out as libpcap's icode_to_fcode does: a
 * block is emitted before its true successor, which is emitted before its false successor
 * (depth-first, false branch placed last), and a jump that does not fit in 8 bits goes through
 * an extra `ja` placed right after the conditional jump.
 */
import { BPF_JA, BPF_JMP } from '../../cbpf/opcodes.js';
import { insn, type ClassicInsn } from '../../cbpf/insn.js';
import { FilterError } from '../errors.js';

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
  // Count the reachable instructions.
  const seen = new Set<LowerBlock>();
  let count = 0;
  const countR = (b: LowerBlock | null): void => {
    if (!b || seen.has(b)) return;
    seen.add(b);
    countR(b.jt);
    countR(b.jf);
    count += b.stmts.length + 1 + (longjt.get(b) ?? 0) + (longjf.get(b) ?? 0);
  };
  countR(root);
  const out: Slot[] = Array.from({ length: count }, () => ({ code: 0, jt: 0, jf: 0, k: 0 }));
  const offset = new Map<LowerBlock, number>();
  let tail = count;
  const done = new Set<LowerBlock>();
  const conv = (b: LowerBlock | null): boolean => {
    if (!b || done.has(b)) return true;
    done.add(b);
    if (!conv(b.jf)) return false;
    if (!conv(b.jt)) return false;
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
        if (lt === 0) { longjt.set(b, 1); return false; }
        out[j]!.jt = extra;
        extra++;
        out[j + extra] = { code: BPF_JMP | BPF_JA, jt: 0, jf: 0, k: off - extra };
      } else out[j]!.jt = off;
      off = offset.get(b.jf)! - j - 1;
      if (off >= 256) {
        if (lf === 0) { longjf.set(b, 1); return false; }
        out[j]!.jf = extra;
        extra++;
        out[j + extra] = { code: BPF_JMP | BPF_JA, jt: 0, jf: 0, k: off - extra };
      } else out[j]!.jf = off;
    }
    return true;
  };
  return conv(root) ? out : undefined;
}
