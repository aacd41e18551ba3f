/**
 * Control-flow graphs of an eBPF program for the JIT: basic blocks, the functions reachable by
 * local calls, reverse postorder, dominators (Cooper–Harvey–Kennedy), loop headers, merge
 * nodes and a reducibility test, which is what the structured emitter (structure.ts) needs.
 *
 * A function is the code reachable from its entry without following local calls: eBPF has no
 * function boundaries, only call targets, so a block reachable from two entries is compiled
 * once per function (as the interpreter would run it in either frame).
 */
import type { Insn } from '../isa/insn.js';
import { slotsOf } from '../isa/insn.js';

/** A basic block: instructions [start, end) by index; `succs` are block ids (END is -1: fell off the end). */
export interface Block {
  readonly id: number;
  readonly start: number;
  readonly end: number;
  readonly succs: readonly number[];
}

export const END = -1;

export interface Program {
  readonly insns: readonly Insn[];
  /** Slot (pc) of every instruction, plus the total slot count at the end. */
  readonly pcOf: readonly number[];
  /** Block starting at an instruction index. */
  readonly blockAt: ReadonlyMap<number, Block>;
  /** Instruction index of a jump/call target, by instruction index of the jump. */
  readonly targetOf: ReadonlyMap<number, number>;
}

/** Splits into blocks. Jump targets were validated by the interpreter's load checks. */
export function buildProgram(insns: readonly Insn[]): Program {
  const pcOf: number[] = [];
  const indexOfPc = new Map<number, number>();
  let pc = 0;
  insns.forEach((insn, i) => { pcOf.push(pc); indexOfPc.set(pc, i); pc += slotsOf(insn); });
  pcOf.push(pc);
  indexOfPc.set(pc, insns.length);
  const targetOf = new Map<number, number>();
  const leaders = new Set<number>([0]);
  insns.forEach((insn, i) => {
    if (insn.kind === 'ja' || insn.kind === 'jmp' || insn.kind === 'call-local') {
      const t = indexOfPc.get(pcOf[i + 1]! + (insn.off as number));
      if (t === undefined) throw new Error(`jump target out of range at ${i}`);
      targetOf.set(i, t);
      leaders.add(t);
    }
    // Blocks end after control transfers, and after instructions that may end the run or switch
    // frames (local calls, legacy packet loads), so per-block instruction counts stay exact.
    if (insn.kind === 'ja' || insn.kind === 'jmp' || insn.kind === 'exit' || insn.kind === 'call-local'
      || insn.kind === 'ldabs' || insn.kind === 'ldind') leaders.add(i + 1);
  });
  const starts = [...leaders].filter((i) => i < insns.length).sort((a, b) => a - b);
  const blockAt = new Map<number, Block>();
  const startIds = new Map<number, number>(starts.map((s, k) => [s, k]));
  const idOf = (i: number) => (i >= insns.length ? END : startIds.get(i)!);
  starts.forEach((start, id) => {
    const end = starts[id + 1] ?? insns.length;
    const last = insns[end - 1]!;
    let succs: number[];
    switch (last.kind) {
      case 'exit': succs = []; break;
      case 'ja': succs = [idOf(targetOf.get(end - 1)!)]; break;
      case 'jmp': succs = [idOf(targetOf.get(end - 1)!), idOf(end)]; break;
      default: succs = [idOf(end)];
    }
    blockAt.set(start, { id, start, end, succs });
  });
  return { insns, pcOf, blockAt, targetOf };
}

export interface FunctionGraph {
  readonly entry: number;
  /** Blocks in reverse postorder (rpo[0] is the entry); END, when reachable, is a block with id END. */
  readonly order: readonly Block[];
  readonly rpo: ReadonlyMap<number, number>;
  readonly preds: ReadonlyMap<number, readonly number[]>;
  readonly idom: ReadonlyMap<number, number>;
  readonly domChildren: ReadonlyMap<number, readonly number[]>;
  readonly loopHeaders: ReadonlySet<number>;
  readonly merges: ReadonlySet<number>;
  readonly reducible: boolean;
  /** Entries (instruction indices) of the functions this one calls. */
  readonly callees: readonly number[];
}

export function buildFunction(p: Program, entry: number, endBlock: Block): FunctionGraph {
  const byId = new Map<number, Block>();
  for (const b of p.blockAt.values()) byId.set(b.id, b);
  byId.set(END, endBlock);
  const entryBlock = p.blockAt.get(entry)!;
  // Iterative DFS for postorder.
  const post: number[] = [];
  const seen = new Set<number>([entryBlock.id]);
  const stack: [number, number][] = [[entryBlock.id, 0]];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const succs = byId.get(top[0])!.succs;
    if (top[1] < succs.length) {
      const s = succs[top[1]++]!;
      if (!seen.has(s)) { seen.add(s); stack.push([s, 0]); }
    } else { post.push(top[0]); stack.pop(); }
  }
  const orderIds = post.reverse();
  const rpo = new Map<number, number>(orderIds.map((id, k) => [id, k]));
  const preds = new Map<number, number[]>(orderIds.map((id) => [id, []]));
  for (const id of orderIds) for (const s of byId.get(id)!.succs) preds.get(s)!.push(id);
  // Dominators (Cooper, Harvey, Kennedy: "A Simple, Fast Dominance Algorithm").
  const idom = new Map<number, number>([[orderIds[0]!, orderIds[0]!]]);
  const intersect = (a: number, b: number) => {
    while (a !== b) {
      while (rpo.get(a)! > rpo.get(b)!) a = idom.get(a)!;
      while (rpo.get(b)! > rpo.get(a)!) b = idom.get(b)!;
    }
    return a;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (const id of orderIds.slice(1)) {
      let d: number | undefined;
      for (const q of preds.get(id)!) if (idom.has(q)) d = d === undefined ? q : intersect(q, d);
      if (d !== undefined && idom.get(id) !== d) { idom.set(id, d); changed = true; }
    }
  }
  const dominates = (a: number, b: number) => {
    for (let x = b; ; x = idom.get(x)!) { if (x === a) return true; if (x === idom.get(x)) return false; }
  };
  const domChildren = new Map<number, number[]>(orderIds.map((id) => [id, []]));
  for (const id of orderIds.slice(1)) domChildren.get(idom.get(id)!)!.push(id);
  const loopHeaders = new Set<number>();
  const merges = new Set<number>();
  let reducible = true;
  for (const id of orderIds) {
    let forward = 0;
    for (const q of preds.get(id)!) {
      if (rpo.get(q)! >= rpo.get(id)!) { loopHeaders.add(id); if (!dominates(id, q)) reducible = false; } else forward++;
    }
    if (forward >= 2) merges.add(id);
  }
  const callees: number[] = [];
  for (const id of orderIds) {
    const b = byId.get(id)!;
    if (id !== END && p.insns[b.end - 1]!.kind === 'call-local') callees.push(p.targetOf.get(b.end - 1)!);
  }
  return {
    entry, order: orderIds.map((id) => byId.get(id)!), rpo, preds, idom, domChildren, loopHeaders, merges, reducible, callees,
  };
}
