/**
 * When libpcap says "expression rejects all packets": pcap_compile raises it only when its own
 * optimizer reduces the program to `ret #0`. Our optimizer proves more (it threads jumps with
 * facts about indirect loads whose index is a constant, and along every path), so deciding
 * with it would reject expressions libpcap compiles into a program that rejects every packet.
 *
 * libpcap's optimizer (optimize.c, bpf_optimize) runs in two phases: opt_loop(…, 0) moves
 * branches (opt_j: an edge into a block whose test is decided by an edge that dominates it goes
 * to the decided successor) but does not rewrite statements, so `ld [x + 0]` with X known to
 * be 9 keeps a value number of its own, different from `ld [9]`; then opt_loop(…, 1) rewrites
 * statements (that load becomes `ld [9]`) but never moves branches again. So the test of
 * `ip[9] = 6` (an indirect load) never decides the one of `ip proto 17` (an absolute load),
 * while `ip[9] = 6 and ip[9] = 17` and `tcp and udp` are decided.
 *
 * This module replays the first phase on the unoptimized block graph: value numbers as
 * libpcap's (merged over predecessors, no statement rewriting), the peephole rewrites of the
 * final comparison that phase does (`sub x`/`sub #k`/`and #k` before `jeq`), edge-dominator
 * facts with fold_edge's rule (same test → same outcome; a `jeq` taken → another `jeq` of the
 * same value on a different constant fails), edges past blocks whose branches agree, and tests
 * on a known constant. It answers whether
 * no accepting return stays reachable. It does not replay libpcap's or/and pull-ups.
 */
import { BPF_ALU, BPF_AND, BPF_IMM, BPF_IND, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_LDX, BPF_LEN, BPF_MEM, BPF_MISC, BPF_MSH, BPF_NEG, BPF_RET, BPF_ST, BPF_STX, BPF_SUB, BPF_TXA, BPF_X } from '../../cbpf/opcodes.js';
import type { Block } from '../ir/block.js';
import { foldAlu } from '../ir/alu-fold.js';

interface Node {
  stmts: { code: number; k: number }[];
  code: number;
  k: number;
  jt: Node | null;
  jf: Node | null;
  /** Exit values: A, X, M[0..15] (value numbers; 0 = unknown). */
  val: number[];
  oval: number;
}

const A = 0, X = 1, M = 2;

class ValueNumbers {
  private readonly map = new Map<string, number>();
  readonly consts = new Map<number, number>();
  private next = 1;
  of(key: string): number {
    let v = this.map.get(key);
    if (v === undefined) { v = this.next++; this.map.set(key, v); }
    return v;
  }
  k(c: number): number {
    const v = this.of(`#${c >>> 0}`);
    this.consts.set(v, c >>> 0);
    return v;
  }
}

function copyGraph(root: Block): Node {
  const map = new Map<Block, Node>();
  const visit = (b: Block): Node => {
    let n = map.get(b);
    if (n) return n;
    n = { stmts: b.stmts.map((s) => ({ code: s.code, k: s.k })), code: b.code, k: b.k, jt: null, jf: null, val: [], oval: 0 };
    map.set(b, n);
    if (b.jt) n.jt = visit(b.jt);
    if (b.jf) n.jf = visit(b.jf);
    return n;
  };
  return visit(root);
}

/** Blocks in topological order (the graph is a DAG: only forward jumps). */
function topo(root: Node): Node[] {
  const out: Node[] = [];
  const seen = new Set<Node>();
  const visit = (n: Node): void => {
    if (seen.has(n)) return;
    seen.add(n);
    if (n.jt) visit(n.jt);
    if (n.jf) visit(n.jf);
    out.push(n);
  };
  visit(root);
  return out.reverse();
}

const isJump = (n: Node): boolean => (n.code & 0x07) === BPF_JMP;

/** opt_stmt with alter = 0: value numbers only, constants folded only where libpcap's F() does. */
function evalStmts(V: ValueNumbers, n: Node, entry: number[]): void {
  const val = [...entry];
  for (const s of n.stmts) {
    const cls = s.code & 0x07;
    const mode = s.code & 0xe0;
    switch (cls) {
      case BPF_LD: case BPF_LDX: {
        const dst = cls === BPF_LD ? A : X;
        if (mode === BPF_IMM) val[dst] = V.k(s.k);
        else if (mode === BPF_MEM) val[dst] = val[M + s.k]!;
        else if (mode === BPF_LEN) val[dst] = V.of('len');
        else if (mode === BPF_MSH) val[dst] = V.of(`msh:${s.k}`);
        else if (mode === BPF_IND) val[dst] = V.of(`ind:${s.code}:${s.k}:${val[X]}`);
        else val[dst] = V.of(`abs:${s.code}:${s.k}`);
        break;
      }
      case BPF_ST: val[M + s.k] = val[A]!; break;
      case BPF_STX: val[M + s.k] = val[X]!; break;
      case BPF_ALU: {
        const op = s.code & 0xf0;
        if (op === BPF_NEG) {
          const c = V.consts.get(val[A]!);
          val[A] = c !== undefined ? V.k(-c) : V.of(`neg:${val[A]}`);
          break;
        }
        const srcX = (s.code & BPF_X) !== 0;
        const a = V.consts.get(val[A]!);
        const b = srcX ? V.consts.get(val[X]!) : s.k >>> 0;
        // With alter = 0, libpcap folds `op #k` on a constant A but leaves `op x` alone.
        if (!srcX && a !== undefined && b !== undefined) {
          const r = foldAlu(op, a, b);
          if (r !== undefined) { val[A] = V.k(r); break; }
        }
        val[A] = V.of(`alu:${s.code}:${val[A]}:${srcX ? val[X] : V.k(s.k)}`);
        break;
      }
      case BPF_MISC: if ((s.code & 0xf8) === BPF_TXA) val[A] = val[X]!; else val[X] = val[A]!; break;
    }
  }
  n.val = val;
  n.oval = (n.code & BPF_X) !== 0 ? val[X]! : V.k(n.k);
}

/** opt_peep's rewrites of the final comparison (the A it leaves is never used afterwards here). */
function peep(V: ValueNumbers, n: Node): boolean {
  if (!isJump(n) || (n.code & 0xf0) === 0) return false;
  if (n.code === (BPF_JMP | BPF_JEQ | BPF_K) && n.stmts.length > 0) {
    const last = n.stmts[n.stmts.length - 1]!;
    if (last.code === (BPF_ALU | BPF_SUB | BPF_X)) {
      const c = V.consts.get(n.val[X]!);
      if (c !== undefined) { n.k = (n.k + c) >>> 0; n.stmts.pop(); return true; }
      if (n.k === 0) { n.stmts.pop(); n.code = BPF_JMP | BPF_JEQ | BPF_X; return true; }
    } else if (last.code === (BPF_ALU | BPF_SUB | BPF_K)) {
      n.k = (n.k + last.k) >>> 0; n.stmts.pop(); return true;
    } else if (last.code === (BPF_ALU | BPF_AND | BPF_K) && n.k === 0) {
      n.k = last.k; n.code = BPF_JMP | BPF_JSET | BPF_K; n.stmts.pop();
      [n.jt, n.jf] = [n.jf, n.jt];
      return true;
    }
  }
  // A known constant decides the test.
  const a = V.consts.get(n.val[A]!);
  if (a !== undefined && (n.code & BPF_X) === 0 && n.jt !== n.jf) {
    const op = n.code & 0xf0;
    const t = op === BPF_JEQ ? a === n.k : op === BPF_JGT ? a > n.k : op === BPF_JGE ? a >= n.k : op === BPF_JSET ? (a & n.k) !== 0 : undefined;
    if (t !== undefined) { if (t) n.jf = n.jt; else n.jt = n.jf; return true; }
  }
  return false;
}

interface Fact { code: number; aval: number; oval: number; sense: boolean }

/** fold_edge: the successor the fact decides for `child`'s test, if any. */
function foldEdge(child: Node, f: Fact): Node | null | undefined {
  if (!isJump(child) || child.code !== f.code || child.val[A] === 0 || child.val[A] !== f.aval) return undefined;
  if (child.oval === f.oval) return f.sense ? child.jt : child.jf;
  if (f.sense && child.code === (BPF_JMP | BPF_JEQ | BPF_K)) return child.jf;
  return undefined;
}

const factOf = (n: Node, sense: boolean): Fact => ({ code: n.code, aval: n.val[A]!, oval: n.oval, sense });
const keyOf = (f: Fact): string => `${f.code}:${f.aval}:${f.oval}:${f.sense}`;

/** True when libpcap's branch-moving phase leaves no path from the root to an accepting return. */
export function libpcapRejectsAll(root: Block): boolean {
  const r = copyGraph(root);
  const V = new ValueNumbers();
  for (let round = 0; round < 200; round++) {
    const order = topo(r);
    // Value numbers, merged over predecessors (0 where they differ), then the peephole rewrites.
    const preds = new Map<Node, Node[]>();
    for (const n of order) for (const s of [n.jt, n.jf]) if (s) { const l = preds.get(s) ?? []; if (!l.includes(n)) l.push(n); preds.set(s, l); }
    let changed = false;
    for (const n of order) {
      const ps = preds.get(n) ?? [];
      const entry = ps.length === 0 ? new Array<number>(M + 16).fill(0) : [...ps[0]!.val];
      for (const p of ps.slice(1)) for (let i = 0; i < entry.length; i++) if (entry[i] !== p.val[i]) entry[i] = 0;
      evalStmts(V, n, entry);
      if (peep(V, n)) changed = true;
    }
    if (changed) continue;
    // Edge dominators as facts: dom(n) = ∩ over in-edges (dom(pred) ∪ {edge}).
    const dom = new Map<Node, Map<string, Fact>>();
    const edgeFacts = (p: Node, sense: boolean): Map<string, Fact> => {
      const m = new Map(dom.get(p)!);
      if (isJump(p) && p.jt !== p.jf) { const f = factOf(p, sense); m.set(keyOf(f), f); }
      return m;
    };
    for (const n of order) {
      const ps = preds.get(n) ?? [];
      let acc: Map<string, Fact> | undefined;
      for (const p of ps) {
        for (const sense of [true, false]) {
          if ((sense ? p.jt : p.jf) !== n) continue;
          const m = edgeFacts(p, sense);
          if (!acc) acc = m;
          else for (const k of [...acc.keys()]) if (!m.has(k)) acc.delete(k);
        }
      }
      dom.set(n, acc ?? new Map());
    }
    // opt_j: move each edge past successors its dominating facts decide.
    for (const n of order) {
      if (!isJump(n)) continue;
      for (const sense of [true, false]) {
        const facts = [...edgeFacts(n, sense).values()];
        let target = sense ? n.jt : n.jf;
        for (let hops = 0; target && hops < 1000; hops++) {
          let next: Node | null | undefined;
          // A block whose two branches agree is skipped; else a dominating fact may decide it.
          if (isJump(target) && target.jt === target.jf) next = target.jt;
          else for (const f of facts) { next = foldEdge(target, f); if (next !== undefined) break; }
          if (next === undefined || next === null) break;
          target = next;
          changed = true;
        }
        if (sense) n.jt = target; else n.jf = target;
      }
    }
    if (!changed) break;
  }
  // Any accepting return left reachable?
  return !topo(r).some((n) => (n.code & 0x07) === BPF_RET && n.k !== 0);
}

