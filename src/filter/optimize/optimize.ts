/**
 * The filter optimizer: pure passes over its own CFG (cfg.ts), iterated to a fixed point.
 * - value numbering with constant folding and propagation along paths (A, X and M[] hold value
 *   numbers; a jump's outcome on an edge becomes a fact on that edge), which removes reloads
 *   and folds decided comparisons (decided by a known equality, by bounds and known-zero bits,
 *   by the bytes of overlapping loads, or through `and #m`);
 * - an edge on which every path from its target rejects goes to `ret #0`, and a jump to `ret #0`
 *   whose other successor rejects anyway on that edge goes (the whole optimizer runs with and
 *   without this last rule and keeps the shorter program);
 * - jump threading: an edge into a block whose comparison is decided on that edge goes straight
 *   to the decided successor when the skipped block changes nothing the successor needs;
 * - dead-store elimination; a packet load whose value is unused goes only when its failure on a
 *   short packet cannot change the result (a load at least as far, or a `ld #pktlen; jge #k`
 *   at least as far, runs on every accepting path after it, or one already ran on every path
 *   to it; an `[x + k]` load after `ldxb 4*([n]&0xf)` counts as one ending 60 further), so the
 *   optimized program stays equivalent to the unoptimized one on truncated packets too;
 * - libpcap's or/and pull-ups, where they skip or advance no load that could fail;
 * - loads kept only for their faults moved into their predecessor (no jump of their own);
 * - removal of jumps with equal successors and merging of equal blocks;
 * - once the rest is done, an absolute-offset subgraph equal to an `[x + k]` one up to a
 *   constant becomes `ldx #c` and a jump into the latter.
 * Every skip, removal or move is checked against what is proved about the packet length
 * (`Have`) and what later paths need (`Need`), so no fault is lost or added.
 */
import {
  BPF_ALU, BPF_ADD, BPF_SUB, BPF_MUL, BPF_AND, BPF_OR, BPF_XOR, BPF_LSH, BPF_RSH, BPF_NEG,
  BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET, BPF_JMP, BPF_LD, BPF_LDX, BPF_ST, BPF_STX, BPF_MISC, BPF_RET,
  BPF_IMM, BPF_ABS, BPF_IND, BPF_MEM, BPF_LEN, BPF_MSH, BPF_X, BPF_K, BPF_A, BPF_TAX,
} from '../../cbpf/opcodes.js';
import type { ClassicInsn } from '../../cbpf/insn.js';
import { lowerBlocks } from '../ir/lower.js';
import { buildCfg, reachable, isRet, BlockMap, type OBlock, type OStmt } from './cfg.js';
import { foldAlu } from '../ir/alu-fold.js';

// ---- value numbers -------------------------------------------------------------------------

class Values {
  private readonly byKey = new Map<string, number>();
  readonly consts: (number | undefined)[] = [];
  vn(key: string, constant?: number): number {
    let v = this.byKey.get(key);
    if (v === undefined) { v = this.consts.length; this.byKey.set(key, v); this.consts.push(constant); }
    return v;
  }
  // The most frequent values, constants and absolute loads, are keyed by number.
  private readonly byNumber = new Map<number, number>();
  private numbered(key: number, constant?: number): number {
    let v = this.byNumber.get(key);
    if (v === undefined) { v = this.consts.length; this.byNumber.set(key, v); this.consts.push(constant); }
    return v;
  }
  konst(k: number): number { return this.numbered(k >>> 0, k >>> 0); }
  /** The value an absolute load reads (keys above 2^32: code and offset). */
  load(code: number, k: number): number {
    const v = this.numbered((code + 1) * 0x1_0000_0000 + (k >>> 0));
    const size = [4, 2, 1, 0][(code >> 3) & 3]!;
    if ((code & 0x07) === BPF_LD && (k >>> 0) < 0x80000000 && size > 0) this.packetBytes.set(v, { k: k >>> 0, size });
    return v;
  }
  /** The values that are another value `and` a constant. */
  readonly masked = new Map<number, { readonly src: number; readonly mask: number }>();
  /** The packet bytes an absolute load's value is (ancillary loads excluded). */
  readonly packetBytes = new Map<number, { readonly k: number; readonly size: number }>();
  /** A value equal to no other (an unknown input, or one a rewrite invalidated). */
  fresh(): number { this.consts.push(undefined); return this.consts.length - 1; }
  constOf(v: number | undefined): number | undefined { return v === undefined ? undefined : this.consts[v]; }
}

/**
 * What a jump's outcome taught on a path: value `vn` compared by `op` with `k` gave `val`.
 * Facts form persistent lists (a path's list extends its predecessor's), so states share them
 * instead of copying; the first fact for a comparison is the one that holds.
 */
interface Fact { readonly vn: number; readonly op: number; readonly k: number; readonly val: boolean; readonly next: Fact | null; readonly len: number }

/** Abstract machine state: value numbers of A, X, M[0..15] (-1 unknown), and path facts. */
interface State {
  regs: number[]; // [A, X, M0..M15]
  facts: Fact | null;
}
const A = 0, X = 1, M = 2;
const UNKNOWN = -1;

function lookup(f: Fact | null, vn: number, op: number, k: number): boolean | undefined {
  for (; f; f = f.next) if (f.vn === vn && f.k === k && f.op === op) return f.val;
  return undefined;
}

/** The k of the `jeq #k` known true for `vn` on this path. */
function knownEq(f: Fact | null, vn: number): number | undefined {
  for (; f; f = f.next) if (f.vn === vn && f.op === BPF_JEQ && f.val) return f.k;
  return undefined;
}

function addFact(f: Fact | null, vn: number, op: number, k: number, val: boolean): Fact {
  return { vn, op, k, val, next: f, len: f ? f.len + 1 : 1 };
}

/** The longest list both end with. */
function commonTail(a: Fact | null, b: Fact | null): Fact | null {
  let la = a ? a.len : 0, lb = b ? b.len : 0;
  for (; la > lb; la--) a = a!.next;
  for (; lb > la; lb--) b = b!.next;
  while (a !== b) { a = a!.next; b = b!.next; }
  return a;
}

/** The facts that hold on every one of the lists (each list's first fact per comparison). */
function meetFacts(lists: readonly (Fact | null)[]): Fact | null {
  const first: Fact | null = lists[0] ?? null;
  let tail = first;
  for (const l of lists) if (l !== tail) tail = commonTail(tail, l);
  if (tail === first && lists.every((l) => l === first)) return first;
  // A fact of the shared tail holds everywhere unless a newer one overrides it somewhere
  // (it does not in practice: a decided jump adds no fact); then rebuild from scratch.
  const overridden = lists.some((l) => {
    for (let f = l; f !== tail; f = f!.next) { const t = lookup(tail, f!.vn, f!.op, f!.k); if (t !== undefined && t !== f!.val) return true; }
    return false;
  });
  const keep: Fact[] = [];
  const stop = overridden ? null : tail;
  for (let f = first; f !== stop; f = f!.next) {
    if (lookup(first, f!.vn, f!.op, f!.k) !== f!.val) continue; // an older, overridden fact
    if (keep.some((g) => g.vn === f!.vn && g.op === f!.op && g.k === f!.k)) continue;
    if (lists.every((l) => l === first || lookup(l, f!.vn, f!.op, f!.k) === f!.val)) keep.push(f!);
  }
  let out: Fact | null = stop;
  for (let i = keep.length - 1; i >= 0; i--) out = addFact(out, keep[i]!.vn, keep[i]!.op, keep[i]!.k, keep[i]!.val);
  return out;
}

function meet(states: State[]): State {
  const regs = states[0]!.regs.slice();
  for (let j = 1; j < states.length; j++) {
    const r = states[j]!.regs;
    for (let i = 0; i < regs.length; i++) if (regs[i] !== r[i]) regs[i] = UNKNOWN;
  }
  return { regs, facts: states.length === 1 ? states[0]!.facts : meetFacts(states.map((s) => s.facts)) };
}

function jumpOutcome(op: number, a: number, k: number): boolean {
  switch (op) {
    case BPF_JEQ: return a === k;
    case BPF_JGT: return a > k;
    case BPF_JGE: return a >= k;
    case BPF_JSET: return (a & k) !== 0;
  }
  return false;
}

/** Sets a register; null (the statement is redundant) when rewriting and it holds `v` already. */
function setReg(r: number[], rewrite: boolean, reg: number, v: number, out: OStmt): OStmt | null {
  if (rewrite && r[reg] === v) return null;
  r[reg] = v;
  return out;
}

/**
 * Interprets one statement on the abstract state. Returns the rewritten statement, or null
 * when it is redundant (its destination already holds the value).
 */
function step(V: Values, s: State, st: OStmt, rewrite: boolean): OStmt | null {
  const cls = st.code & 0x07;
  const r = s.regs;
  const set = (reg: number, v: number, out: OStmt): OStmt | null => setReg(r, rewrite, reg, v, out);
  switch (cls) {
    case BPF_LD: {
      const mode = st.code & 0xe0;
      if (mode === BPF_IMM) return set(A, V.konst(st.k), st);
      if (mode === BPF_LEN) return set(A, V.vn('len'), st);
      if (mode === BPF_MEM) {
        const v = r[M + st.k]!;
        if (v === UNKNOWN) { r[A] = V.fresh(); return st; }
        const c = V.constOf(v);
        return set(A, v, c !== undefined && rewrite ? { code: BPF_LD | BPF_IMM, k: c } : st);
      }
      if (mode === BPF_ABS) return set(A, V.load(st.code, st.k), st);
      if (mode === BPF_IND) {
        const xc = V.constOf(r[X]!);
        if (xc !== undefined && rewrite) {
          const abs = { code: (st.code & ~0xe0) | BPF_ABS, k: (st.k + xc) >>> 0 };
          return set(A, V.load(abs.code, abs.k), abs);
        }
        return set(A, r[X] === UNKNOWN ? V.fresh() : V.vn(`ldi${st.code}:${st.k}:${r[X]}`), st);
      }
      return set(A, V.fresh(), st);
    }
    case BPF_LDX: {
      const mode = st.code & 0xe0;
      if (mode === BPF_IMM) return set(X, V.konst(st.k), st);
      if (mode === BPF_LEN) return set(X, V.vn('len'), st);
      if (mode === BPF_MEM) {
        const v = r[M + st.k]!;
        if (v === UNKNOWN) { r[X] = V.fresh(); return st; }
        const c = V.constOf(v);
        return set(X, v, c !== undefined && rewrite ? { code: BPF_LDX | BPF_IMM, k: c } : st);
      }
      if (mode === BPF_MSH) return set(X, V.vn(`msh:${st.k}`), st);
      return set(X, V.fresh(), st);
    }
    case BPF_ST: return set(M + st.k, r[A] === UNKNOWN ? (r[A] = V.fresh()) : r[A]!, st);
    case BPF_STX: return set(M + st.k, r[X] === UNKNOWN ? (r[X] = V.fresh()) : r[X]!, st);
    case BPF_ALU: {
      const op = st.code & 0xf0;
      if (r[A] === UNKNOWN) r[A] = V.fresh();
      const a = r[A]!;
      const ac = V.constOf(a);
      if (op === BPF_NEG) {
        if (ac !== undefined) { const c = foldAlu(op, ac, 0)!; return set(A, V.konst(c), rewrite ? { code: BPF_LD | BPF_IMM, k: c } : st); }
        return set(A, V.vn(`neg:${a}`), st);
      }
      let src = st.code & BPF_X;
      let kv: number | undefined = src === BPF_X ? V.constOf(r[X]!) : st.k;
      let out = st;
      if (src === BPF_X && kv !== undefined && rewrite) { out = { code: BPF_ALU | op | BPF_K, k: kv }; src = BPF_K; }
      if (ac !== undefined && kv !== undefined) {
        const c = foldAlu(op, ac, kv);
        if (c !== undefined) return set(A, V.konst(c), rewrite ? { code: BPF_LD | BPF_IMM, k: c } : out);
      }
      if (kv === 0 && src === BPF_K) {
        if (op === BPF_ADD || op === BPF_SUB || op === BPF_OR || op === BPF_XOR || op === BPF_LSH || op === BPF_RSH) return rewrite ? null : st;
        if (op === BPF_MUL || op === BPF_AND) return set(A, V.konst(0), rewrite ? { code: BPF_LD | BPF_IMM, k: 0 } : out);
      }
      if (r[X] === UNKNOWN && src === BPF_X) r[X] = V.fresh();
      // 0 + X, 0 | X, 0 ^ X are X itself (`tcp[k]` index arithmetic starts from `ld #0`).
      if (ac === 0 && src === BPF_X && (op === BPF_ADD || op === BPF_OR || op === BPF_XOR)) return set(A, r[X]!, out);
      const operand = src === BPF_X ? r[X]! : V.konst(kv!);
      const v = V.vn(`alu${op}:${a}:${operand}`);
      if (op === BPF_AND && kv !== undefined) V.masked.set(v, { src: a, mask: kv >>> 0 });
      return set(A, v, out);
    }
    case BPF_MISC: {
      if ((st.code & 0xf8) === BPF_TAX) { if (r[A] === UNKNOWN) r[A] = V.fresh(); return set(X, r[A]!, st); }
      if (r[X] === UNKNOWN) r[X] = V.fresh();
      return set(A, r[X]!, st);
    }
  }
  return st;
}

/** The outcome of block b's jump in state s (after its statements), if known. */
function decide(V: Values, s: State, b: OBlock): boolean | undefined {
  if (isRet(b) || !b.jt || !b.jf) return undefined;
  if (b.jt === b.jf) return true;
  const op = b.code & 0xf0;
  const a = s.regs[A]!;
  if (a === UNKNOWN) return undefined;
  let k: number | undefined = b.k;
  if (b.code & BPF_X) { k = V.constOf(s.regs[X]!); if (k === undefined) return undefined; }
  const ac = V.constOf(a);
  if (ac !== undefined) return jumpOutcome(op, ac, k);
  const f = lookup(s.facts, a, op, k);
  if (f !== undefined) return f;
  // A value known equal to a constant on the path decides every comparison of it (libpcap's
  // fold_edge decides only other equalities; loads this prunes go only where the need
  // analysis proves their faults do not matter).
  const known = knownEq(s.facts, a);
  if (known !== undefined) return jumpOutcome(op, known, k);
  return decideByRange(s.facts, a, op, k >>> 0) ?? decideByBytes(V, s.facts, a, op, k >>> 0) ?? decideByMasks(V, s.facts, a, op, k >>> 0);
}

/**
 * Comparisons decided through `and #m`: a value known equal to c decides its masked value
 * (c & m), and a masked value known (not) equal to c decides `jeq #k` of the value when
 * k & m is not (is) c.
 */
function decideByMasks(V: Values, facts: Fact | null, vn: number, op: number, k: number): boolean | undefined {
  const m = V.masked.get(vn);
  if (m) {
    const c = knownEq(facts, m.src);
    if (c !== undefined) return jumpOutcome(op, (c & m.mask) >>> 0, k);
  }
  if (op !== BPF_JEQ) return undefined;
  for (let f = facts; f; f = f.next) {
    if (f.op !== BPF_JEQ) continue;
    const g = V.masked.get(f.vn);
    if (!g || g.src !== vn) continue;
    if (((k & g.mask) >>> 0) === (f.k >>> 0) !== f.val) return false;
  }
  return undefined;
}

/**
 * A comparison of a packet load decided by the bytes that loads overlapping it are known to
 * hold on the path (`ldb [20] = 0x11` fixes the high byte of `ldh [20]`).
 */
function decideByBytes(V: Values, facts: Fact | null, vn: number, op: number, k: number): boolean | undefined {
  const t = V.packetBytes.get(vn);
  if (!t) return undefined;
  let mask = 0, val = 0;
  for (let f = facts; f; f = f.next) {
    if (f.op !== BPF_JEQ || !f.val || f.vn === vn) continue;
    const o = V.packetBytes.get(f.vn);
    if (!o || o.k >= t.k + t.size || t.k >= o.k + o.size) continue;
    for (let p = Math.max(t.k, o.k); p < Math.min(t.k + t.size, o.k + o.size); p++) {
      const shift = 8 * (t.k + t.size - 1 - p);
      const bit = (0xff << shift) >>> 0;
      if (mask & bit) continue; // the first fact for a byte holds
      mask = (mask | bit) >>> 0;
      val = (val | ((((f.k >>> 0) >>> (8 * (o.k + o.size - 1 - p))) & 0xff) << shift)) >>> 0;
    }
  }
  if (mask === 0) return undefined;
  const full = t.size === 4 ? 0xffffffff : (1 << (8 * t.size)) - 1;
  const lo = val, hi = (val | (full & ~mask)) >>> 0;
  switch (op) {
    case BPF_JEQ: return ((k & mask) >>> 0) !== val || k > full ? false : mask === full ? true : undefined;
    case BPF_JGT: return lo > k ? true : hi <= k ? false : undefined;
    case BPF_JGE: return lo >= k ? true : hi < k ? false : undefined;
    case BPF_JSET: return (k & val) !== 0 ? true : ((k & ~(mask & ~val)) >>> 0) === 0 ? false : undefined;
  }
  return undefined;
}

/**
 * A comparison decided by the bounds and the bits known zero that the path's facts give the
 * value (`jgt`/`jge` outcomes bound it, a false `jset #m` clears the bits of m): `jeq #k`
 * outside them is false, `jgt`/`jge` beyond them decided, `jset` on known-zero bits false.
 */
function decideByRange(facts: Fact | null, vn: number, op: number, k: number): boolean | undefined {
  let lo = 0, hi = 0xffffffff, zero = 0, any = false;
  for (let f = facts; f; f = f.next) {
    if (f.vn !== vn) continue;
    const fk = f.k >>> 0;
    if (f.op === BPF_JGT) { any = true; if (f.val) lo = Math.max(lo, fk + 1); else hi = Math.min(hi, fk); }
    else if (f.op === BPF_JGE) { any = true; if (f.val) lo = Math.max(lo, fk); else hi = Math.min(hi, fk - 1); }
    else if (f.op === BPF_JSET && !f.val) { any = true; zero = (zero | fk) >>> 0; }
  }
  if (!any) return undefined;
  switch (op) {
    case BPF_JEQ: return k < lo || k > hi || (k & zero) !== 0 ? false : undefined;
    case BPF_JGT: return lo > k ? true : hi <= k ? false : undefined;
    case BPF_JGE: return lo >= k ? true : hi < k ? false : undefined;
    case BPF_JSET: return (k & ~zero) === 0 ? false : undefined;
  }
  return undefined;
}

function edgeState(V: Values, s: State, b: OBlock, taken: boolean): State {
  // (Edge states are never written: `meet` and the threading copy registers before stepping.)
  const e: State = { regs: s.regs, facts: s.facts };
  const a = s.regs[A]!;
  if (a !== UNKNOWN && !isRet(b) && b.jt !== b.jf) {
    let k: number | undefined = b.k;
    if (b.code & BPF_X) k = V.constOf(s.regs[X]!);
    if (k !== undefined) e.facts = addFact(e.facts, a, b.code & 0xf0, k, taken);
  }
  return e;
}

// ---- liveness ------------------------------------------------------------------------------

/** Registers as bits: A = 1, X = 2, M[k] = 4 << k. */
type Live = number;
const bit = (r: number): number => r < 0 ? 0 : 1 << r;
/** Whether register `r` is live at the entry of `b` (unknown blocks: yes). */
const isLive = (live: BlockMap<Live>, b: OBlock | null, r: number): boolean => {
  const m = b ? live.get(b) : undefined;
  return m === undefined || (m & bit(r)) !== 0;
};

function usesMask(st: OStmt): Live {
  switch (st.code & 0x07) {
    case BPF_LD: return (st.code & 0xe0) === BPF_IND ? 1 << X : (st.code & 0xe0) === BPF_MEM ? 1 << (M + st.k) : 0;
    case BPF_LDX: return (st.code & 0xe0) === BPF_MEM ? 1 << (M + st.k) : 0;
    case BPF_ST: return 1 << A;
    case BPF_STX: return 1 << X;
    case BPF_ALU: return (st.code & 0xf0) === BPF_NEG ? 1 << A : (st.code & BPF_X) ? (1 << A) | (1 << X) : 1 << A;
    case BPF_MISC: return (st.code & 0xf8) === BPF_TAX ? 1 << A : 1 << X;
  }
  return 0;
}
function termMask(b: OBlock): Live {
  if (isRet(b)) return (b.code & 0x18) === BPF_A ? 1 << A : 0;
  if (b.jt === b.jf) return 0;
  return (b.code & BPF_X) ? (1 << A) | (1 << X) : 1 << A;
}
/** Live at the exit of `b`'s statements. */
function liveOut(b: OBlock, live: BlockMap<Live>): Live {
  return (b.jt ? live.get(b.jt) ?? 0 : 0) | (b.jf ? live.get(b.jf) ?? 0 : 0) | termMask(b);
}

function uses(st: OStmt): number[] {
  const cls = st.code & 0x07;
  switch (cls) {
    case BPF_LD: return (st.code & 0xe0) === BPF_IND ? [X] : (st.code & 0xe0) === BPF_MEM ? [M + st.k] : [];
    case BPF_LDX: return (st.code & 0xe0) === BPF_MEM ? [M + st.k] : [];
    case BPF_ST: return [A];
    case BPF_STX: return [X];
    case BPF_ALU: return (st.code & 0xf0) === BPF_NEG ? [A] : (st.code & BPF_X) ? [A, X] : [A];
    case BPF_MISC: return (st.code & 0xf8) === BPF_TAX ? [A] : [X];
  }
  return [];
}
function def(st: OStmt): number {
  const cls = st.code & 0x07;
  switch (cls) {
    case BPF_LD: case BPF_ALU: return A;
    case BPF_LDX: return X;
    case BPF_ST: case BPF_STX: return M + st.k;
    case BPF_MISC: return (st.code & 0xf8) === BPF_TAX ? X : A;
  }
  return -1;
}
function termUses(b: OBlock): number[] {
  if (isRet(b)) return (b.code & 0x18) === BPF_A ? [A] : [];
  if (b.jt === b.jf) return [];
  return (b.code & BPF_X) ? [A, X] : [A];
}

function liveIn(blocks: OBlock[]): BlockMap<Live> {
  const live = new BlockMap<Live>();
  for (let j = blocks.length - 1; j >= 0; j--) {
    const b = blocks[j]!;
    let l = liveOut(b, live);
    for (let i = b.stmts.length - 1; i >= 0; i--) {
      const st = b.stmts[i]!;
      l = (l & ~bit(def(st))) | usesMask(st);
    }
    live.set(b, l);
  }
  return live;
}

// ---- packet-length needs (which loads may fail observably) -------------------------------

/**
 * A packet load that runs past the end of the packet ends the filter with 0, so a load whose
 * value is unused still matters unless every path from it to a non-zero return executes a load
 * that fails whenever it does. `Need` is, at a program point, the minimum over those paths of
 * the largest end offset they load: `abs` for absolute loads (and `ldxb 4*([k]&0xf)`), `ind`
 * for `[x + k]` loads made before X changes. Paths that can only reject need Infinity.
 */
interface Need { abs: number; ind: number }
const ACCEPTING: Need = { abs: 0, ind: 0 };
const REJECTING: Need = { abs: Infinity, ind: Infinity };
/** No later load to rely on (only the length already proved covers). */
const REJECTING_NOTHING: Need = ACCEPTING;

const SIZES = [4, 2, 1, 0];
const NONE = 0, ABS = 1, IND = 2, AUX = 3;
/**
 * Whether `st` is a fallible packet load: ABS (absolute, and `ldxb 4*([k]&0xf)`), IND, AUX, or
 * NONE. AUX is a load at an offset of 2^31 or more: the kernel's ancillary data (SKF_AD_OFF,
 * e.g. `ifindex`, `inbound`) or its negative offsets (SKF_NET_OFF, SKF_LL_OFF). Such a load says
 * nothing about the packet's length (an ancillary load succeeds on a 1-byte packet), so it
 * proves nothing, is needed by nothing, and is never skipped.
 */
function loadKind(st: OStmt): number {
  const cls = st.code & 0x07;
  const mode = st.code & 0xe0;
  if (cls === BPF_LD) {
    if (mode !== BPF_ABS && mode !== BPF_IND) return NONE;
    if ((st.k >>> 0) >= 0x80000000) return AUX;
    return mode === BPF_ABS ? ABS : IND;
  }
  return cls === BPF_LDX && mode === BPF_MSH ? ABS : NONE;
}
/** The end offset of a packet load (`k` plus its size). */
function loadEnd(st: OStmt): number {
  return (st.code & 0x07) === BPF_LDX ? st.k + 1 : st.k + (SIZES[(st.code >> 3) & 3] ?? 0);
}

/** The need before `st`, given the need after it (statements walked backwards). */
function needBefore(st: OStmt, n: Need): Need {
  const kind = loadKind(st);
  let { abs, ind } = n;
  if (def(st) === X) ind = 0; // ind loads after this see another X
  if (kind === ABS) abs = Math.max(abs, loadEnd(st));
  else if (kind === IND) ind = Math.max(ind, loadEnd(st));
  return abs === n.abs && ind === n.ind ? n : { abs, ind };
}

const meetNeed = (a: Need, b: Need): Need => ({ abs: Math.min(a.abs, b.abs), ind: Math.min(a.ind, b.ind) });

/** The need at the exit of a block's statements (before its jump or return). */
function needOut(b: OBlock, needIn: BlockMap<Need>): Need {
  if (isRet(b)) return (b.code & 0x18) === BPF_K && b.k === 0 ? REJECTING : ACCEPTING;
  let t = needIn.get(b.jt!) ?? ACCEPTING;
  if (b.jt === b.jf) return t;
  // The true edge of `ld #pktlen; jge #k` is taken only by packets at least k long: a load
  // ending within k fails only where every path through that edge is rejected anyway.
  const len = provedLength(b);
  if (len > t.abs) t = { abs: len, ind: t.ind };
  return meetNeed(t, needIn.get(b.jf!) ?? ACCEPTING);
}

function needsIn(blocks: OBlock[]): BlockMap<Need> {
  const needIn = new BlockMap<Need>();
  for (let j = blocks.length - 1; j >= 0; j--) {
    const b = blocks[j]!;
    let n = needOut(b, needIn);
    for (let i = b.stmts.length - 1; i >= 0; i--) n = needBefore(b.stmts[i]!, n);
    needIn.set(b, n);
  }
  return needIn;
}

/**
 * The packet length every path from the entry to a point has already proved: `abs`, the
 * smallest over those paths of the largest end offset of the absolute loads they made; `ind`,
 * likewise for `[x + k]` loads made with the X the point sees (since X was last set on each
 * path). A load that ends within it cannot fail.
 */
interface Have { abs: number; ind: number }
const NOTHING: Have = { abs: 0, ind: 0 };

/** What is proved after `st`, given what is proved before it. */
function haveAfter(h: Have, st: OStmt): Have {
  const kind = loadKind(st);
  let { abs, ind } = h;
  if (kind === ABS) abs = Math.max(abs, loadEnd(st));
  else if (kind === IND) ind = Math.max(ind, loadEnd(st));
  if (def(st) === X) ind = 0;
  return abs === h.abs && ind === h.ind ? h : { abs, ind };
}

/** What is proved after all statements of `b`, given what is proved at its entry. */
function haveOut(b: OBlock, h: Have): Have {
  for (const st of b.stmts) h = haveAfter(h, st);
  return h;
}

/**
 * What an edge adds to what its block proved: `ld #pktlen` compared by `jgt`/`jge`/`jeq #k`
 * proves the packet at least that long on the true edge (`greater`, `less`, `len`), so a load
 * ending within it cannot fail.
 */
function edgeHave(b: OBlock, h: Have, taken: boolean): Have {
  if (!taken || b.jt === b.jf) return h;
  const len = provedLength(b);
  return len > h.abs ? { abs: len, ind: h.ind } : h;
}

/** The packet length the true edge of `b`'s jump proves (`ld #pktlen; jgt/jge/jeq #k`), else 0. */
function provedLength(b: OBlock): number {
  if (isRet(b) || (b.code & BPF_X)) return 0;
  let lenInA = false;
  for (let i = b.stmts.length - 1; i >= 0; i--) {
    const st = b.stmts[i]!;
    if (def(st) === A) { lenInA = st.code === (BPF_LD | BPF_LEN | 0x00); break; }
  }
  if (!lenInA) return 0;
  const op = b.code & 0xf0;
  return op === BPF_JGT ? (b.k >>> 0) + 1 : op === BPF_JGE || op === BPF_JEQ ? b.k >>> 0 : 0;
}

const minHave = (a: Have | undefined, b: Have): Have => a === undefined ? b : { abs: Math.min(a.abs, b.abs), ind: Math.min(a.ind, b.ind) };

function lengthsIn(blocks: OBlock[]): BlockMap<Have> {
  const have = new BlockMap<Have>();
  if (blocks.length > 0) have.set(blocks[0]!, NOTHING);
  for (const b of blocks) { // topological order
    const h = haveOut(b, have.get(b) ?? NOTHING);
    if (b.jt) have.set(b.jt, minHave(have.get(b.jt), edgeHave(b, h, true)));
    if (b.jf && b.jf !== b.jt) have.set(b.jf, minHave(have.get(b.jf), edgeHave(b, h, false)));
  }
  return have;
}

/**
 * Whether skipping `st` where `n` is needed afterwards (X unchanged) and `have` is proved
 * before it cannot change the result.
 */
function covered(st: OStmt, n: Need, have: Have, xMax = Infinity): boolean {
  const kind = loadKind(st);
  if (kind === NONE) return true;
  if (kind === AUX) return false;
  const end = loadEnd(st);
  // An `[x + k]` load with X at most xMax fails only on packets shorter than end + xMax.
  return kind === ABS ? end <= have.abs || n.abs >= end : end <= have.ind || n.ind >= end || n.abs >= end + xMax || have.abs >= end + xMax;
}

/**
 * An upper bound of X before each statement of `b` and at its exit, given the bound at its
 * entry: `ldxb 4*([k]&0xf)` sets at most 60, `ldx #k` sets k.
 */
function xBounds(b: OBlock, x: number): number[] {
  const out: number[] = [];
  for (const st of b.stmts) {
    out.push(x);
    if (def(st) !== X) continue;
    x = st.code === (BPF_LDX | BPF_MSH | 0x10) ? 60 : st.code === (BPF_LDX | BPF_IMM) ? st.k >>> 0 : Infinity;
  }
  out.push(x);
  return out;
}

/** The packet length proved before each statement of `b`, given the length proved at its entry. */
function lengthsAt(b: OBlock, h: Have): Have[] {
  const out: Have[] = [];
  for (const st of b.stmts) { out.push(h); h = haveAfter(h, st); }
  return out;
}

function deadStores(blocks: OBlock[]): boolean {
  const live = liveIn(blocks);
  let needIn: BlockMap<Need> | undefined;
  // What is proved at each block's entry by the loads that stay (filled in topological order as
  // blocks are done): a load removed because a later one covers it must not in turn cover that
  // later one. (Needs may count a later load that goes too, but only because something still
  // later, or a load that stays before it, covers it.)
  const haveIn = new BlockMap<Have>();
  if (blocks.length > 0) haveIn.set(blocks[0]!, NOTHING);
  // An upper bound of X at each block's entry (the largest over its predecessors).
  const xIn = new BlockMap<number>();
  let changed = false;
  for (const b of blocks) {
    const h = haveIn.get(b) ?? NOTHING;
    const xs = xBounds(b, xIn.get(b) ?? Infinity);
    const xOut = xs[xs.length - 1]!;
    for (const t of b.jt === b.jf ? [b.jt] : [b.jt, b.jf]) if (t) xIn.set(t, Math.max(xIn.get(t) ?? 0, xOut));
    // Most blocks have no dead statement: find one before computing anything else.
    let l = liveOut(b, live);
    let dead = false;
    for (let i = b.stmts.length - 1; i >= 0 && !dead; i--) {
      const st = b.stmts[i]!;
      const d = bit(def(st));
      dead = !(l & d);
      l = (l & ~d) | usesMask(st);
    }
    if (dead) {
      needIn ??= needsIn(blocks);
      const hs = lengthsAt(b, h);
      l = liveOut(b, live);
      let n = needOut(b, needIn);
      const kept: OStmt[] = [];
      for (let i = b.stmts.length - 1; i >= 0; i--) {
        const st = b.stmts[i]!;
        const d = def(st);
        // A dead load that may fail where nothing later fails in its place stays, for its fault.
        if (!(l & bit(d)) && covered(st, n, hs[i]!, xs[i])) { changed = true; continue; }
        l = (l & ~bit(d)) | usesMask(st);
        n = needBefore(st, n);
        kept.push(st);
      }
      b.stmts = kept.reverse();
    }
    const out = haveOut(b, h);
    if (b.jt) haveIn.set(b.jt, minHave(haveIn.get(b.jt), edgeHave(b, out, true)));
    if (b.jf && b.jf !== b.jt) haveIn.set(b.jf, minHave(haveIn.get(b.jf), edgeHave(b, out, false)));
  }
  return changed;
}

// ---- the forward pass ----------------------------------------------------------------------

function forward(root: OBlock, exitA: BlockMap<number>, dropRejectTests: DropRejectTests | undefined): boolean {
  const V = new Values();
  let changed = false;
  const blocks = reachable(root);
  const live = liveIn(blocks);
  const needIn = needsIn(blocks);
  // What is proved at each block's entry over the edges as this pass leaves them (threaded
  // edges included: the blocks they skip prove nothing), filled in as edges are settled.
  const haveIn = new BlockMap<Have>([[root, NOTHING]]);
  const incoming = new BlockMap<State[]>();
  const entry = (): State => ({ regs: new Array(M + 16).fill(UNKNOWN), facts: null });
  incoming.set(root, [entry()]);
  // The last `ret #0` (an edge every path of which rejects goes there, after its source).
  let reject: OBlock | undefined;
  let rejectAt = -1;
  blocks.forEach((b, i) => { if (isRet(b) && (b.code & 0x18) === BPF_K && b.k === 0) { reject = b; rejectAt = i; } });
  for (const [bi, b] of blocks.entries()) {
    const ins = incoming.get(b);
    if (!ins) continue; // no longer reachable
    const s = meet(ins);
    // Proved at the exit, from the statements before this pass rewrites them (a statement it
    // removes is redundant: a load of the same address already ran on every path here).
    const hOut = haveOut(b, haveIn.get(b) ?? NOTHING);
    let stmts: OStmt[] | undefined; // a copy once a statement changes
    for (let i = 0; i < b.stmts.length; i++) {
      const st = b.stmts[i]!;
      const out = step(V, s, st, true);
      if (out !== st && !stmts) stmts = b.stmts.slice(0, i);
      if (out === null) { changed = true; continue; }
      if (out !== st) changed = true;
      stmts?.push(out);
    }
    if (stmts) b.stmts = stmts;
    exitA.set(b, s.regs[A]!);
    if (isRet(b)) continue;
    // A comparison against X when X is a known constant becomes a comparison against the constant.
    if (b.code & BPF_X) {
      const xc = V.constOf(s.regs[X]!);
      if (xc !== undefined) { b.code &= ~BPF_X; b.k = xc; changed = true; }
    }
    if (peephole(V, s, b, live)) changed = true;
    const d = decide(V, s, b);
    if (d !== undefined && b.jt !== b.jf) {
      const t = d ? b.jt! : b.jf!;
      b.jt = t; b.jf = t;
      changed = true;
    }
    // A jump to `ret #0` whose other successor rejects anyway when entered on that edge (what
    // the failed comparison teaches decides it) is no jump: both edges go to the other one.
    if (dropRejectTests && b.jt !== b.jf) {
      const rej = (t: OBlock): boolean => isRet(t) && (t.code & 0x18) === BPF_K && t.k === 0;
      const toReject = rej(b.jf!) ? false : rej(b.jt!) ? true : undefined;
      if (toReject !== undefined) {
        const other = (toReject ? b.jf : b.jt)!;
        if (!isRet(other) && onlyRejects(V, edgeState(V, s, b, toReject), other, { n: 24 })) { b.jt = other; b.jf = other; changed = true; dropRejectTests.dropped = true; }
      }
    }
    for (const taken of b.jt === b.jf ? [true] : [true, false]) {
      let es = edgeState(V, s, b, taken);
      let target = (taken ? b.jt : b.jf)!;
      // Thread through blocks whose jump is decided on this edge and whose effects are not needed.
      let xSkipped = false;
      for (let guard = 0; guard < 64 && !isRet(target); guard++) {
        const sim: State = { regs: es.regs.slice(), facts: es.facts };
        // Whether every X the skipped block sets is the X of the edge (a recomputed header length).
        let xKept = true;
        for (const st of target.stmts) {
          step(V, sim, st, false);
          if (def(st) === X && (sim.regs[X] === UNKNOWN || sim.regs[X] !== es.regs[X])) xKept = false;
        }
        const td = decide(V, sim, target);
        if (td === undefined) break;
        const next = (td ? target.jt : target.jf)!;
        const needed = live.get(next) ?? 0;
        let conflict = false;
        for (const st of target.stmts) {
          const r = def(st);
          if ((needed & bit(r)) && sim.regs[r] !== es.regs[r]) { conflict = true; break; }
        }
        if (conflict) break;
        // Nor may it skip a load that could fail where no later load fails in its place.
        const xc = skippable(target, next, needIn, edgeHave(b, hOut, taken), xSkipped, xKept);
        if (xc === undefined) break;
        xSkipped = xc;
        // The skipped block does not run: registers keep their values on this edge; what was
        // learnt about packet values (facts) stays true.
        es = { regs: es.regs, facts: edgeState(V, sim, target, td).facts };
        target = next;
        changed = true;
      }
      // An edge on which every path from its target rejects (or faults, which rejects too)
      // goes to `ret #0`: nothing skipped can change that result.
      if (reject && bi < rejectAt && !isRet(target) && onlyRejects(V, es, target, { n: 24 })) { target = reject; changed = true; }
      if (b.jt === b.jf) { b.jt = target; b.jf = target; } else if (taken) b.jt = target; else b.jf = target;
      haveIn.set(target, minHave(haveIn.get(target), edgeHave(b, hOut, taken)));
      const list = incoming.get(target) ?? [];
      list.push(es);
      incoming.set(target, list);
    }
  }
  return changed;
}

/**
 * Whether every path from `b`, entered in state `s`, ends in `ret #0` (comparisons decided by
 * what the path knows; at most `budget.n` blocks looked at).
 */
function onlyRejects(V: Values, s: State, b: OBlock, budget: { n: number }): boolean {
  if (isRet(b)) return (b.code & 0x18) === BPF_K && b.k === 0;
  if (--budget.n < 0) return false;
  const sim: State = { regs: s.regs.slice(), facts: s.facts };
  for (const st of b.stmts) step(V, sim, st, false);
  const d = decide(V, sim, b);
  if (d !== false && !onlyRejects(V, edgeState(V, sim, b, true), b.jt!, budget)) return false;
  return d === true || onlyRejects(V, edgeState(V, sim, b, false), b.jf!, budget);
}

/** Whether the statements of `target` may be skipped on an edge that goes on to `next`. */
/**
 * `have` is what is proved where the threaded edge leaves; `xChanged`, whether a block already
 * skipped on this edge sets X (an `[x + k]` load after that used another X than the one `have`
 * and the new path see); `xKept`, whether every X `target` sets is the edge's X (the same value
 * recomputed, which changes no `[x + k]` address). Returns undefined when not, else whether X
 * is then changed.
 */
function skippable(target: OBlock, next: OBlock, needIn: BlockMap<Need>, have: Have, xChanged: boolean, xKept: boolean): boolean | undefined {
  const n = needIn.get(next) ?? ACCEPTING;
  for (const st of target.stmts) {
    if (loadKind(st) === IND && xChanged || !covered(st, n, have)) return undefined;
    if (def(st) === X && !xKept) xChanged = true;
  }
  return xChanged;
}

/**
 * Folds the last ALU statement of a block into its `jeq` when A is not used afterwards
 * (`sub #k; jeq #0` → `jeq #k`, `sub x; jeq #0` → `jeq x`, `and #k; jeq #0` → `jset #k`
 * with the branches swapped), and settles `jset #0`.
 */
function peephole(V: Values, s: State, b: OBlock, live: BlockMap<Live>): boolean {
  if (!b.jt || !b.jf) return false;
  // `ld #k; ldxb 4*([n]&0xf); add x; tax; ld [x + j]` → `ldxb 4*([n]&0xf); ld [x + j + k]`
  // (a constant index into a transport header), when X is not needed afterwards.
  const xOut = isLive(live, b.jt, X) || isLive(live, b.jf, X);
  const st = b.stmts;
  // (`ld #k; add x; tax; ld [x + j]` → `ld [x + j + k]` likewise.)
  for (let i = 0; i + 3 < st.length; i++) {
    if (st[i]!.code !== (BPF_LD | BPF_IMM)) continue;
    const msh = st[i + 1]!.code === (BPF_LDX | BPF_MSH | 0x10) ? 1 : 0;
    if (i + 3 + msh >= st.length) continue;
    if (st[i + 1 + msh]!.code !== (BPF_ALU | BPF_ADD | BPF_X) || st[i + 2 + msh]!.code !== (BPF_MISC | BPF_TAX)) continue;
    const ild = st[i + 3 + msh]!;
    if ((ild.code & 0x07) !== BPF_LD || (ild.code & 0xe0) !== BPF_IND) continue;
    let xUsedLater = xOut || termUses(b).includes(X);
    for (const later of st.slice(i + 4 + msh)) {
      if (uses(later).includes(X)) { xUsedLater = true; break; }
      if (def(later) === X) { xUsedLater = false; break; }
    }
    if (xUsedLater) continue;
    b.stmts = [...st.slice(0, i), ...(msh ? [st[i + 1]!] : []), { code: ild.code, k: (ild.k + st[i]!.k) >>> 0 }, ...st.slice(i + 4 + msh)];
    // X now leaves the block with a different value: forget it, so no successor trusts it.
    s.regs[X] = V.fresh();
    return true;
  }
  // `st M[k]; ldx M[k]` → `st M[k]; tax` (the store may then die).
  for (let i = 0; i + 1 < st.length; i++) {
    if (st[i]!.code === BPF_ST && st[i + 1]!.code === (BPF_LDX | BPF_MEM) && st[i]!.k === st[i + 1]!.k) {
      b.stmts = [...st.slice(0, i + 1), { code: BPF_MISC | BPF_TAX, k: 0 }, ...st.slice(i + 2)];
      return true;
    }
  }
  if (b.jt === b.jf) return false;
  const aLive = isLive(live, b.jt, A) || isLive(live, b.jf, A);
  const last = b.stmts[b.stmts.length - 1];
  if (b.code === (BPF_JMP | BPF_JEQ | BPF_K) && !aLive && last && [BPF_ALU | BPF_SUB | BPF_X, BPF_ALU | BPF_SUB | BPF_K, BPF_ALU | BPF_AND | BPF_K].includes(last.code)) {
    // A leaves the block with a different value after these folds: forget it.
    if (foldJeq(V, s, b, last)) { s.regs[A] = V.fresh(); return true; }
  }
  // `jset #0` never jumps.
  if (b.code === (BPF_JMP | BPF_JSET | BPF_K) && b.k === 0) { b.jt = b.jf; return true; }
  return false;
}

function foldJeq(V: Values, s: State, b: OBlock, last: OStmt): boolean {
  {
    if (last.code === (BPF_ALU | BPF_SUB | BPF_X)) {
      const xc = V.constOf(s.regs[X]!);
      if (xc !== undefined) { b.k = (b.k + xc) >>> 0; b.stmts = b.stmts.slice(0, -1); return true; }
      if (b.k === 0) { b.code = BPF_JMP | BPF_JEQ | BPF_X; b.stmts = b.stmts.slice(0, -1); return true; }
    } else if (last.code === (BPF_ALU | BPF_SUB | BPF_K)) {
      b.k = (b.k + last.k) >>> 0; b.stmts = b.stmts.slice(0, -1); return true;
    } else if (last.code === (BPF_ALU | BPF_AND | BPF_K) && b.k === 0) {
      b.code = BPF_JMP | BPF_JSET | BPF_K; b.k = last.k; b.stmts = b.stmts.slice(0, -1);
      [b.jt, b.jf] = [b.jf, b.jt];
      return true;
    }
  }
  return false;
}

// ---- or/and pull-up (libpcap's or_pullup / and_pullup) ----------------------------------

/**
 * In a chain of blocks that share their true (or: false) successor, a block testing the same
 * A value as the chain's predecessor is moved up to the top of the chain, so that comparisons
 * on one loaded value are grouped, as libpcap's optimizer does, but only where no load that
 * could fail is skipped or made earlier: a chain `src1 dst1 src2 dst2 ...` becomes
 * `src1 dst1 dst2 ... src2 ...` (the destination load then covers the source reloads), where
 * libpcap's `src1 src2 ... dst1 dst2 ...` accepts a packet that ends inside the destination.
 */
function pullups(root: OBlock, exitA: BlockMap<number>): boolean {
  const order = reachable(root);
  const preds = new BlockMap<OBlock[]>();
  for (const b of order) for (const s of b.jt === b.jf ? [b.jt] : [b.jt, b.jf]) if (s) { const l = preds.get(s) ?? []; l.push(b); preds.set(s, l); }
  // Immediate dominators over the topological order (the CFG is acyclic: a block's
  // predecessors come before it), as Cooper, Harvey and Kennedy intersect them.
  const idx = new BlockMap<number>();
  order.forEach((b, i) => idx.set(b, i));
  const idom = new BlockMap<OBlock>([[root, root]]);
  for (const b of order) {
    if (b === root) continue;
    let d: OBlock | undefined;
    for (const p of preds.get(b) ?? []) {
      if (d === undefined) { d = p; continue; }
      let x: OBlock = p;
      while (x !== d) {
        while (idx.get(x)! > idx.get(d)!) x = idom.get(x)!;
        while (idx.get(d)! > idx.get(x)!) d = idom.get(d)!;
      }
    }
    idom.set(b, d ?? b);
  }
  /** Whether `a` dominates `b` (both reachable). */
  const dominates = (a: OBlock, b: OBlock): boolean => {
    const ia = idx.get(a);
    if (ia === undefined || !idx.has(b)) return false;
    let x = b;
    while (idx.get(x)! > ia) { const up = idom.get(x)!; if (up === x) return false; x = up; }
    return x === a;
  };
  const level = new BlockMap<number>();
  for (const b of [...order].reverse()) level.set(b, isRet(b) ? 0 : 1 + Math.max(level.get(b.jt!) ?? 0, level.get(b.jf!) ?? 0));
  const byLevel = [...order].filter((b) => !isRet(b)).sort((a, b) => level.get(a)! - level.get(b)!);
  let changed = false;
  type Side = 'jt' | 'jf';
  const tryPull = (b: OBlock, same: Side, down: Side): boolean => {
    const ps = preds.get(b);
    if (!ps || ps.length === 0) return false;
    const val = exitA.get(ps[0]!);
    if (val === undefined || val === UNKNOWN) return false;
    if (ps.some((p) => exitA.get(p) !== val)) return false;
    const first = ps[ps.length - 1]!;
    // A reference to a pointer: [block, side].
    let diff: [OBlock, Side] = [first, first.jt === b ? 'jt' : 'jf'];
    let atTop = true;
    for (;;) {
      const d = diff[0][diff[1]];
      if (!d || isRet(d)) return false;
      if (d[same] !== b[same]) return false;
      if (!dominates(b, d)) return false;
      if (exitA.get(d) !== val) break;
      diff = [d, down];
      atTop = false;
    }
    const dnode = diff[0][diff[1]]!;
    let samep: [OBlock, Side] = [dnode, down];
    for (;;) {
      const s = samep[0][samep[1]];
      if (!s || isRet(s)) return false;
      if (s[same] !== b[same]) return false;
      if (!dominates(b, s)) return false;
      if (exitA.get(s) === val) break;
      samep = [s, down];
    }
    const pull = samep[0][samep[1]]!;
    // On its `same` side the pulled block now skips the blocks from dnode down to it: that must
    // not skip a load that could fail (the optimized program stays equivalent on short
    // packets; libpcap's own pull-up does not check this), and its own loads, now made
    // earlier, must be ones that cannot fail there.
    // (At the top, every predecessor of b is redirected: what is proved at b's entry holds.)
    const { needIn, have, live } = info();
    let proved = have.get(atTop ? b : diff[0]) ?? NOTHING;
    if (!atTop) proved = haveOut(diff[0], proved);
    const after = needIn.get(b[same]!) ?? ACCEPTING;
    // Only A may change: the pulled block's statements now run before the skipped ones (and on
    // the `down` side, the blocks after it now see the A of the last skipped block, on the
    // `same` side the successor sees the pulled block's A), so A must be dead at both
    // successors, and nothing else may be set by the blocks involved.
    if (isLive(live, pull[down], A) || isLive(live, b[same], A)) return false;
    for (const st of pull.stmts) {
      if (def(st) !== A || loadKind(st) !== NONE && !covered(st, REJECTING_NOTHING, proved)) return false;
    }
    for (let blk: OBlock = dnode; blk !== pull; blk = blk[down]!) {
      for (const st of blk.stmts) if (def(st) !== A || !covered(st, after, proved)) return false;
    }
    samep[0][samep[1]] = pull[down];
    pull[down] = dnode;
    if (atTop) {
      for (const p of ps) {
        if (p.jt === b) p.jt = pull;
        if (p.jf === b) p.jf = pull;
      }
    } else diff[0][diff[1]] = pull;
    return true;
  };
  // Needs, proved lengths and liveness, computed when a candidate gets that far (most do not),
  // and again after each change.
  let cached: { needIn: BlockMap<Need>; have: BlockMap<Have>; live: BlockMap<Live> } | undefined;
  const info = (): NonNullable<typeof cached> => {
    if (!cached) { const o = cached === undefined && !changed ? order : reachable(root); cached = { needIn: needsIn(o), have: lengthsIn(o), live: liveIn(o) }; }
    return cached;
  };
  const refresh = (): void => { cached = undefined; };
  for (const b of byLevel) {
    if (tryPull(b, 'jt', 'jf')) { changed = true; refresh(); }
    if (tryPull(b, 'jf', 'jt')) { changed = true; refresh(); }
  }
  return changed;
}

// ---- hoisting loads kept for their faults ----------------------------------------------------

/**
 * A block that only keeps absolute loads for their faults (A dead after them, both edges to the
 * same successor) costs a jump when its successor is shared. Its loads move into its only
 * predecessor, where A is dead (before that block's last `ld`), when on the predecessor's other
 * edge every accepting path loads at least as far: there the earlier fault changes nothing, and
 * on the block's own path the load only runs sooner (nothing returns in between). The emptied
 * block is then bypassed.
 */
function hoistFaultLoads(root: OBlock): boolean {
  const order = reachable(root);
  const candidate = (t: OBlock): boolean => !isRet(t) && t.jt === t.jf && t.stmts.length > 0 &&
    t.stmts.every((st) => (st.code & 0x07) === BPF_LD && loadKind(st) === ABS);
  if (!order.some(candidate)) return false;
  const preds = new BlockMap<OBlock[]>();
  for (const b of order) for (const t of b.jt === b.jf ? [b.jt] : [b.jt, b.jf]) if (t) { const l = preds.get(t) ?? []; l.push(b); preds.set(t, l); }
  const live = liveIn(order);
  const needIn = needsIn(order);
  let changed = false;
  for (const t of order) {
    if (!candidate(t) || isLive(live, t.jt, A)) continue;
    const ps = preds.get(t);
    if (ps?.length !== 1) continue;
    const p = ps[0]!;
    if (isRet(p) || p.jt === p.jf) continue;
    const other = p.jt === t ? p.jf! : p.jt!;
    const end = Math.max(...t.stmts.map(loadEnd));
    if ((needIn.get(other) ?? ACCEPTING).abs < end) continue;
    let at = -1;
    for (let i = 0; i < p.stmts.length; i++) if ((p.stmts[i]!.code & 0x07) === BPF_LD) at = i;
    if (at < 0) continue;
    p.stmts = [...p.stmts.slice(0, at), ...t.stmts, ...p.stmts.slice(at)];
    t.stmts = [];
    changed = true;
  }
  return changed;
}

// ---- sharing code between absolute and X-indexed loads ------------------------------------

/**
 * Two subgraphs that differ only in that one loads `[k + c]` where the other loads `[x + k]`
 * (the transport header of IPv6 at a fixed offset, of IPv4 after `ldxb 4*([14]&0xf)`) are one
 * program once X holds c: the absolute one is replaced by `ldx #c` and a jump into the indexed
 * one. Same loads at the same addresses, so the same faults; X must be dead where the two
 * meet again, and the indexed side must not otherwise read or set X.
 */
function shareIndexed(root: OBlock): boolean {
  const order = reachable(root);
  let live: BlockMap<Live> | undefined; // when a candidate pair gets that far
  const touchesX = (st: OStmt): boolean => def(st) === X || uses(st).includes(X);
  const isAbs = (st: OStmt): boolean => (st.code & 0x07) === BPF_LD && (st.code & 0xe0) === BPF_ABS;
  const isInd = (st: OStmt): boolean => (st.code & 0x07) === BPF_LD && (st.code & 0xe0) === BPF_IND;
  /** Matches `a` (absolute side) with `b` (indexed side); c[0] is the offset, once fixed. */
  let top: OBlock = root;
  const match = (a: OBlock, b: OBlock, c: [number | undefined], seen: BlockMap<OBlock>, count: [number]): boolean => {
    if (a === b) return !isLive(live ??= liveIn(order), a, X);
    if (b === top) return false; // the indexed side reaches the absolute one: no cycle
    const prev = seen.get(a);
    if (prev) return prev === b;
    if (a.code !== b.code || a.k !== b.k || a.stmts.length !== b.stmts.length) return false;
    if (isRet(a)) { if (a.stmts.length > 0 || (a.code & 0x18) !== BPF_K) return false; }
    else if ((a.code & BPF_X) || (a.jt === a.jf) !== (b.jt === b.jf)) return false;
    for (let i = 0; i < a.stmts.length; i++) {
      const x = a.stmts[i]!, y = b.stmts[i]!;
      if (isAbs(x) && isInd(y) && (x.code & 0x18) === (y.code & 0x18)) {
        const d = x.k - y.k;
        if (x.k >= 0x80000000 || d < 0 || (c[0] !== undefined && c[0] !== d)) return false;
        c[0] = d;
      } else if (x.code !== y.code || x.k !== y.k || touchesX(x)) return false;
    }
    seen.set(a, b);
    count[0] += a.stmts.length + 1;
    if (isRet(a)) return true;
    return match(a.jt!, b.jt!, c, seen, count) && (a.jt === a.jf || match(a.jf!, b.jf!, c, seen, count));
  };
  // Candidates on the indexed side, by the shape of their first statement and jump.
  const shape = (b: OBlock): string | undefined => {
    const st = b.stmts[0];
    if (!st || isRet(b) || !(isAbs(st) || isInd(st))) return undefined;
    return `${st.code & 0x18}|${b.stmts.length}|${b.code}|${b.k}`;
  };
  const indexed = new Map<string, OBlock[]>();
  for (const b of order) {
    const k = shape(b);
    if (k !== undefined && isInd(b.stmts[0]!) && !b.stmts.some((st) => def(st) === X)) (indexed.get(k) ?? indexed.set(k, []).get(k)!).push(b);
  }
  if (indexed.size === 0) return false;
  const preds = new BlockMap<OBlock[]>();
  for (const b of order) for (const t of b.jt === b.jf ? [b.jt] : [b.jt, b.jf]) if (t) { const l = preds.get(t) ?? []; l.push(b); preds.set(t, l); }
  for (const a of order) {
    const k = shape(a);
    if (k === undefined || !isAbs(a.stmts[0]!) || a === root) continue;
    for (const b of indexed.get(k) ?? []) {
      const c: [number | undefined] = [undefined];
      const count: [number] = [0];
      top = a;
      if (!match(a, b, c, new BlockMap(), count) || c[0] === undefined) continue;
      // The replacement costs `ldx #c` and a jump (or only the `ldx` at the end of a sole
      // predecessor whose other edge does not need X): worth it for more than that.
      const ps = preds.get(a) ?? [];
      const p = ps.length === 1 ? ps[0]! : undefined;
      const inPred = p !== undefined && !isRet(p) && !(p.code & BPF_X) && (p.jt === p.jf || !isLive(live ??= liveIn(order), p.jt === a ? p.jf : p.jt, X));
      if (count[0] <= (inPred ? 1 : 2)) continue;
      const ldx: OStmt = { code: BPF_LDX | BPF_IMM, k: c[0] };
      if (inPred) {
        p.stmts = [...p.stmts, ldx];
        if (p.jt === a) p.jt = b;
        if (p.jf === a) p.jf = b;
      } else {
        // `a` itself becomes the trampoline (its other predecessors keep it).
        a.stmts = [ldx];
        a.code = BPF_JMP | BPF_JEQ | BPF_K; a.k = 0;
        a.jt = b; a.jf = b;
      }
      return true;
    }
  }
  return false;
}

// ---- CFG simplification --------------------------------------------------------------------

function simplify(root: OBlock): [OBlock, boolean] {
  let changed = false;
  // Bypass blocks with no statements whose both edges agree.
  const skip = (b: OBlock): OBlock => {
    while (!isRet(b) && b.jt === b.jf && b.stmts.length === 0) b = b.jt!;
    return b;
  };
  const blocks = reachable(root);
  for (const b of blocks) {
    if (b.jt) { const t = skip(b.jt); if (t !== b.jt) { b.jt = t; changed = true; } }
    if (b.jf) { const t = skip(b.jf); if (t !== b.jf) { b.jf = t; changed = true; } }
  }
  root = skip(root);
  // A block that only keeps loads for their faults (both edges agree) absorbs its successor
  // when it is that successor's only predecessor: the jump disappears.
  const preds = new BlockMap<number>();
  const now = reachable(root);
  for (const b of now) for (const t of b.jt === b.jf ? [b.jt] : [b.jt, b.jf]) if (t) preds.set(t, (preds.get(t) ?? 0) + 1);
  for (const b of now) {
    while (!isRet(b) && b.jt === b.jf && b.jt && preds.get(b.jt) === 1) {
      const t = b.jt;
      b.stmts = [...b.stmts, ...t.stmts];
      b.code = t.code; b.k = t.k; b.jt = t.jt; b.jf = t.jf;
      changed = true;
    }
  }
  // Merge equal blocks (same statements, jump and successors), bottom-up.
  // (Bucketed by jump and successors, then statements compared.)
  const canon = new Map<string, OBlock[]>();
  const repl = new BlockMap<OBlock>();
  const merged = reachable(root);
  const sameStmts = (x: OStmt[], y: OStmt[]): boolean => x.length === y.length && x.every((st, i) => st.code === y[i]!.code && st.k === y[i]!.k);
  for (let i = merged.length - 1; i >= 0; i--) {
    const b = merged[i]!;
    if (b.jt) b.jt = repl.get(b.jt) ?? b.jt;
    if (b.jf) b.jf = repl.get(b.jf) ?? b.jf;
    const key = `${b.code},${b.k},${b.jt?.id ?? -1},${b.jf?.id ?? -1},${b.stmts.length}`;
    const bucket = canon.get(key);
    const c = bucket?.find((o) => sameStmts(o.stmts, b.stmts));
    if (c && c !== b) { repl.set(b, c); changed = true; } else if (bucket) bucket.push(b); else canon.set(key, [b]);
  }
  for (const b of merged) {
    if (b.jt) b.jt = repl.get(b.jt) ?? b.jt;
    if (b.jf) b.jf = repl.get(b.jf) ?? b.jf;
  }
  root = repl.get(root) ?? root;
  return [root, changed];
}

/** Optimizes a lowered program; the result is equivalent under libpcap's optimized semantics. */
export function optimizeProgram(insns: readonly ClassicInsn[], trace?: (stage: string, insns: ClassicInsn[]) => void): ClassicInsn[] {
  // Removing a test whose failure rejects anyway (see forward) sometimes keeps two copies of a
  // later test from merging: the optimizer runs with and without it and keeps the shorter.
  // When no test was removed, the second run would make the same decisions: it is skipped.
  const drops: DropRejectTests = { dropped: false };
  const a = optimizeWith(insns, drops, trace);
  if (!drops.dropped) return a;
  const b = optimizeWith(insns, undefined);
  return b.length < a.length ? b : a;
}

/** Enables removing tests whose failure rejects anyway; records whether one was removed. */
interface DropRejectTests { dropped: boolean }

function optimizeWith(insns: readonly ClassicInsn[], dropRejectTests: DropRejectTests | undefined, trace?: (stage: string, insns: ClassicInsn[]) => void): ClassicInsn[] {
  let root = buildCfg(insns);
  for (let round = 0; round < 100; round++) {
    const exitA = new BlockMap<number>();
    let changed = forward(root, exitA, dropRejectTests);
    trace?.(`forward ${round}`, lowerBlocks(root));
    if (!changed) { changed = pullups(root, exitA); trace?.(`pullups ${round}`, lowerBlocks(root)); }
    changed = deadStores(reachable(root)) || changed;
    changed = hoistFaultLoads(root) || changed;
    trace?.(`dead ${round}`, lowerBlocks(root));
    let c2: boolean;
    [root, c2] = simplify(root);
    trace?.(`simplify ${round}`, lowerBlocks(root));
    if (!changed && !c2) {
      if (!shareIndexed(root)) break;
      trace?.(`share ${round}`, lowerBlocks(root));
    }
  }
  return lowerBlocks(root);
}

