/**
 * eBPF → WebAssembly code generation. One wasm function per eBPF function (the entry and every
 * local-call target): registers are i64 locals, r0–r9 are passed in and r0–r5 returned (the
 * interpreter leaves a callee's r0–r5 visible to the caller and restores r6–r9 and r10), and
 * each function gets its frame depth, from which its r10 value and stack are derived.
 *
 * Control flow is rebuilt as structured wasm by the dominator-tree algorithm of Ramsey's
 * "Beyond Relooper" (ICFP 2022): merge nodes become the continuations of `block`s, loop
 * headers get `loop`s, every other edge is inlined; an irreducible function falls back to a
 * dispatcher (a `loop` around a `br_table` over its blocks).
 *
 * Semantics follow the interpreter exactly: division by zero gives 0, modulo by zero leaves
 * dst, INT_MIN / -1 gives INT_MIN (wasm would trap: -1 is handled as negation), shift counts
 * are masked (wasm masks them the same way), 32-bit results are zero-extended. Instructions are
 * counted per basic block (blocks end after calls and legacy packet loads so the count is the
 * interpreter's); a block that would exceed the budget reports the exact faulting instruction.
 */
import type { Insn, Reg } from '../isa/insn.js';
import { buildFunction, buildProgram, END, type Block, type FunctionGraph, type Program } from './cfg.js';
import { Code, I32, I64, ModuleBuilder, OP, type ValType } from './wasm/encoder.js';
import { emitArenaFns, type ArenaFns, type ArenaMapSpec } from './wasm-maps.js';
import { CELL_ABORT, CELL_ARGS, CELL_COUNT, CELL_MAPS, CELL_PLEN, CELL_PLIM, CELL_PTR, CELL_R0, ENTRY_SIZE, FRAME, FRAMES, PACKET, STACKS, TABLE, TABLE_ENTRIES } from './layout.js';

export interface CompileOptions {
  /** Bounds-check every access against its region (the default); false only for verifier-proven programs. */
  readonly checked: boolean;
  readonly maxInstructions: number;
  /** Count instructions and enforce the budget (default); false only for programs proven to terminate. */
  readonly budget?: boolean;
  /** Region id of frame 0's stack (frames are consecutive regions). */
  readonly stack0: number;
  /**
   * Region id of the packet: its accesses take a fast path (no region table load) bounded by
   * the run's packet length, which does not change during a run.
   */
  readonly packetId?: number;
  /** Resolved lddw values by instruction index. */
  readonly lddw: ReadonlyMap<number, bigint>;
  /**
   * map_lookup_elem (helper 1) is the standard one: calls go to the `lookup` import (which
   * skips the write-back of attached regions: a lookup only reads its key), and lookups in the
   * array maps listed here are done inline once their storage is mapped.
   */
  readonly lookup?: { readonly maps: readonly LookupMap[] };
  /**
   * Maps whose arenas sit in linear memory (wasm-maps.ts): map_update_elem and map_delete_elem
   * on them (when `helpers` lists them as the standard ones) and lookups in their hash maps run
   * as wasm functions over the arena.
   */
  readonly arenas?: { readonly maps: readonly ArenaMapSpec[]; readonly helpers: ReadonlySet<number> };
  /**
   * Standard helpers called without the BigInt `helper` import: get_smp_processor_id (the
   * environment's constant CPU) inline, get_prandom_u32 and ktime_get_ns through argument-less
   * imports (`random` → i32, `ktime` → i64). Only r0 changes, as with any helper.
   */
  readonly fastHelpers?: { readonly cpu?: number; readonly random?: boolean; readonly ktime?: boolean };
}

/** A map whose lookups skip the bigint helper path: the key is translated in wasm and read in place. */
export interface LookupMap {
  readonly handle: bigint;
  /** Index in the environment's maps (argument of the lookupAt import). */
  readonly index: number;
  readonly keySize: number;
  /** For array maps: compiled inline once the storage is mapped. */
  readonly array?: InlineArray;
}

/** An array map whose lookups are compiled inline: pointer = storage region | index * elemSize. */
export interface InlineArray {
  readonly maxEntries: number;
  readonly elemSize: number;
  /** Slot in CELL_MAPS (the storage's region id, 0 until the first lookup maps it). */
  readonly cell: number;
}

/** Kinds of the `fault` import. */
export const FAULT_FELL_OFF = 0, FAULT_DEPTH = 1;

export interface Compiled {
  readonly bytes: Uint8Array;
  readonly program: Program;
  /** Number of wasm functions by strategy, for reports. */
  readonly structured: number;
  readonly dispatched: number;
}


const I64_RESULTS6: readonly ValType[] = [I64, I64, I64, I64, I64, I64];
/**
 * main(r1 high half, r2 low half, packet length, stack bytes to zero, args in CELL_ARGS) → r0's
 * low half (all of r0 in CELL_R0): the common run crosses the boundary as five i32 and one i32
 * back, with no stores from JavaScript and no bigint.
 */
const MAIN_PARAMS: readonly ValType[] = [I32, I32, I32, I32, I32];
/** The general copy of main: (resume case, r0..r9, instruction count) → as main. */
const GENERAL_PARAMS: readonly ValType[] = [I32, I64, I64, I64, I64, I64, I64, I64, I64, I64, I64, I32];

/**
 * Slow paths out of the hot code. A call inside a loop makes the register allocator keep
 * every value live across it in memory (V8 spills at the definition), so the loop pays a store
 * and a reload per register per iteration even though the call never happens. Main (when the
 * program has no local calls) is therefore compiled twice: the fast copy, whose memory slow
 * paths (an access the packet test and the region table do not resolve: a region to attach, or
 * a fault) hand the run over to the general copy — `return general(case, r0..r9, count)`, after
 * which nothing is live — and the general copy, a dispatcher over the blocks plus one case per
 * instruction that can take a slow path, which re-runs that instruction from its start (nothing
 * before the address of an access has an effect) with the ordinary inline slow path.
 */
interface Resume {
  /** Dispatcher case of each resumable instruction (after the cases of the blocks). */
  readonly caseOf: ReadonlyMap<number, number>;
  /** Index of the general copy's wasm function. */
  readonly index: number;
  /** This compiler emits the general copy. */
  readonly general: boolean;
}

/** Instructions of `g` that may take a memory slow path, numbered after its blocks. */
function resumePoints(p: Program, g: FunctionGraph): { caseOf: Map<number, number> } {
  const caseOf = new Map<number, number>();
  let next = g.order.length;
  for (const b of g.order) {
    if (b.id === END) continue;
    for (let i = b.start; i < b.end; i++) {
      const k = p.insns[i]!.kind;
      if (k === 'ldx' || k === 'st' || k === 'stx' || k === 'atomic' || k === 'call') caseOf.set(i, next++);
    }
  }
  return { caseOf };
}

/**
 * A range [start, end) of a block whose packet accesses through registers not written earlier
 * in the range (`fast`) are checked together: per base register, the span [lo, hi) of offsets
 * their bytes cover. One unsigned compare per base replaces one per access.
 */
interface MergePlan {
  readonly start: number;
  readonly end: number;
  readonly bases: ReadonlyMap<Reg, { lo: number; hi: number }>;
  readonly fast: ReadonlySet<number>;
}

/** Registers an instruction writes (of those a range may contain: calls end ranges). */
function writes(insn: Insn): readonly Reg[] {
  switch (insn.kind) {
    case 'alu': case 'end': case 'lddw': case 'ldx': return [insn.dst];
    case 'atomic': return insn.op === 'cmpxchg' ? [0] : insn.fetch || insn.op === 'xchg' ? [insn.src] : [];
    case 'ldabs': case 'ldind': return [0];
    default: return [];
  }
}

/** Ranges of block `b` with at least two packet accesses that can be checked at once. */
function mergePlans(p: Program, b: Block): MergePlan[] {
  const plans: MergePlan[] = [];
  let i = b.start;
  while (i < b.end) {
    let start = -1, end = -1;
    const written = new Set<Reg>(), bases = new Map<Reg, { lo: number; hi: number }>(), fast = new Set<number>();
    let j = i;
    for (; j < b.end; j++) {
      const insn = p.insns[j]!;
      if (insn.kind === 'call' || insn.kind === 'call-local' || insn.kind === 'kfunc' || insn.kind === 'exit' || insn.kind === 'ja' || insn.kind === 'jmp') break;
      const base = insn.kind === 'ldx' ? insn.src : insn.kind === 'st' || insn.kind === 'stx' ? insn.dst : undefined;
      if (base !== undefined && base !== 10 && !written.has(base)) {
        const size = (insn as { size: number }).size, off = (insn as { off: number }).off;
        const span = bases.get(base);
        if (span) { span.lo = Math.min(span.lo, off); span.hi = Math.max(span.hi, off + size); } else bases.set(base, { lo: off, hi: off + size });
        fast.add(j);
        if (start < 0) start = j;
        end = j + 1;
      }
      if (start >= 0) for (const r of writes(insn)) written.add(r);
    }
    if (fast.size >= 2) plans.push({ start, end, bases, fast });
    i = j + 1;
  }
  return plans;
}

export function compile(insns: readonly Insn[], options: CompileOptions): Compiled {
  const p = buildProgram(insns);
  const endBlock: Block = { id: END, start: insns.length, end: insns.length, succs: [] };
  // Discover functions: main is entry 0; every call target (0 included, if called) is a
  // local function with the call signature.
  const graphs = new Map<number, FunctionGraph>();
  const called = new Set<number>();
  const work = [0];
  while (work.length) {
    const e = work.pop()!;
    if (graphs.has(e)) continue;
    const g = buildFunction(p, e, endBlock);
    graphs.set(e, g);
    for (const t of g.callees) { called.add(t); work.push(t); }
  }
  const m = new ModuleBuilder();
  const imp = {
    helper: m.importFunc('env', 'helper', [I32, I32, I64, I64, I64, I64, I64], [I64]),
    slow: m.importFunc('env', 'slow', [I32, I32, I32, I32, I32], [I32]),
    fault: m.importFunc('env', 'fault', [I32, I32], []),
    budget: m.importFunc('env', 'budget', [I32], []),
    lookup: m.importFunc('env', 'lookup', [I32, I64, I64], [I64]),
    lookupAt: m.importFunc('env', 'lookupAt', [I32, I32, I32], [I32]),
    random: m.importFunc('env', 'random', [], [I32]),
    ktime: m.importFunc('env', 'ktime', [], [I64]),
  };
  m.importMemory('env', 'memory', 1);
  const mainIndex = m.declare(MAIN_PARAMS, [I32]);
  // Without local calls, main's slow paths leave for a second copy of main (see Resume).
  const main0 = graphs.get(0)!;
  const points = called.size === 0 && main0.reducible ? resumePoints(p, main0) : undefined;
  const resume = points && points.caseOf.size > 0 ? points : undefined;
  const generalIndex = resume ? m.declare(GENERAL_PARAMS, [I32]) : undefined;
  const fnIndex = new Map<number, number>();
  for (const e of called) fnIndex.set(e, m.declare([I64, I64, I64, I64, I64, I64, I64, I64, I64, I64, I32], I64_RESULTS6));
  const bswap32 = m.declare([I32], [I32]);
  const bswap64 = m.declare([I64], [I64]);
  const results6 = m.type([], I64_RESULTS6);
  const arena = options.arenas ? emitArenaFns(m, options.arenas.maps) : new Map<number, ArenaFns>();
  {
    const c = new Code([I32]);
    c.get(0).i32(8).op(OP.i32_rotl).i32(0x00ff00ff).op(OP.i32_and).get(0).i32(8).op(OP.i32_rotr).i32(0xff00ff00 | 0).op(OP.i32_and).op(OP.i32_or);
    m.define(bswap32, c);
    const d = new Code([I64]);
    d.get(0).op(OP.i32_wrap_i64).call(bswap32).op(OP.i64_extend_i32_u).i64(32n).op(OP.i64_shl)
      .get(0).i64(32n).op(OP.i64_shr_u).op(OP.i32_wrap_i64).call(bswap32).op(OP.i64_extend_i32_u).op(OP.i64_or);
    m.define(bswap64, d);
  }
  let structured = 0, dispatched = 0;
  const define = (index: number, g: FunctionGraph, main: boolean, r?: Resume) => {
    m.define(index, new FunctionCompiler(p, g, main, options, imp, fnIndex, { bswap32, bswap64, results6, arena }, r).compile());
    if (r?.general) return; // a second copy of main, not another function
    if (g.reducible) structured++; else dispatched++;
  };
  define(mainIndex, main0, true, resume && { ...resume, general: false, index: generalIndex! });
  if (resume) define(generalIndex!, main0, true, { ...resume, general: true, index: generalIndex! });
  for (const e of called) define(fnIndex.get(e)!, graphs.get(e)!, false);
  m.export('main', mainIndex);
  return { bytes: m.encode(), program: p, structured, dispatched };
}

class FunctionCompiler {
  private readonly c: Code;
  private readonly R: number[] = [];
  private readonly depth: number;
  private readonly sb: number;
  private readonly cnt: number;
  private readonly a: number;
  private readonly b: number;
  private readonly t: number;
  private readonly e: number;
  /** Unchecked mode's region cache (cid -1: empty; helpers and calls empty it). */
  private readonly cid: number;
  private readonly cbase: number;
  private readonly x: number;
  private readonly y: number;
  private readonly byId = new Map<number, Block>();
  /** Per access size s: packet length - s + 1 (0 when shorter), as i64, loaded at function entry. */
  private readonly plim = new Map<number, number>();
  /**
   * Blocks that skip their budget check: register-only code (no memory, call, exit or packet
   * load: nothing observable) whose every successor checks and has it as its only such
   * predecessor. A budget running out inside one is found by the successor's check, whose
   * replay then names the exact instruction of this block; the instructions it ran past the
   * budget touched only registers, which a fault discards.
   */
  private readonly deferred = new Set<number>();
  /** Successor → the deferred block before it. */
  private readonly deferredPred = new Map<number, Block>();
  /** Instructions the budget still allows in the current block (declared on first use). */
  private allowed: number | undefined;

  constructor(
    private readonly p: Program,
    private readonly g: FunctionGraph,
    private readonly main: boolean,
    private readonly o: CompileOptions,
    private readonly imp: { helper: number; slow: number; fault: number; budget: number; lookup: number; lookupAt: number; random: number; ktime: number },
    private readonly fns: ReadonlyMap<number, number>,
    private readonly aux: { bswap32: number; bswap64: number; results6: number; arena: ReadonlyMap<number, ArenaFns> },
    private readonly resume?: Resume,
  ) {
    if (resume?.general) {
      this.c = new Code(GENERAL_PARAMS);
      for (let r = 0; r <= 9; r++) this.R[r] = 1 + r;
      this.R[10] = this.c.local(I64);
      this.depth = this.c.local(I32); // 0: main's frame
    } else if (main) {
      this.c = new Code(MAIN_PARAMS);
      for (let r = 0; r <= 10; r++) this.R[r] = this.c.local(I64);
      this.depth = this.c.local(I32);
    } else {
      // r0 too: the interpreter does not clear registers at a call, so a callee sees r0–r9.
      this.c = new Code([I64, I64, I64, I64, I64, I64, I64, I64, I64, I64, I32]);
      for (let r = 0; r <= 9; r++) this.R[r] = r;
      this.depth = 10;
      this.R[10] = this.c.local(I64);
    }
    this.sb = this.c.local(I32);
    this.cnt = this.c.local(I32);
    this.a = this.c.local(I64);
    this.b = this.c.local(I64);
    this.t = this.c.local(I64);
    this.e = this.c.local(I32);
    this.cid = this.c.local(I64);
    this.cbase = this.c.local(I32);
    this.x = this.c.local(I32);
    this.y = this.c.local(I32);
    for (const b of g.order) this.byId.set(b.id, b);
    // The general copy checks every block (it may be entered in the middle of one).
    if (o.budget !== false && !resume?.general) {
      const locked = new Set<number>();
      // Later blocks first: loop bodies come after the code that enters them, which runs once.
      for (const b of [...g.order].reverse()) {
        if (b.id === END || locked.has(b.id) || !b.succs.every((s) => s !== END && s !== b.id && !this.deferred.has(s) && !this.deferredPred.has(s))) continue;
        let pure = true;
        for (let i = b.start; i < b.end && pure; i++) {
          const k = p.insns[i]!.kind;
          pure = k === 'alu' || k === 'end' || k === 'lddw' || k === 'ja' || k === 'jmp';
        }
        if (!pure) continue;
        this.deferred.add(b.id);
        for (const s of b.succs) { locked.add(s); this.deferredPred.set(s, b); }
      }
    }
    if (o.packetId !== undefined) {
      for (const b of g.order) {
        for (let i = b.start; i < b.end; i++) {
          const insn = p.insns[i]!;
          const base = insn.kind === 'ldx' ? insn.src : insn.kind === 'st' || insn.kind === 'stx' || insn.kind === 'atomic' ? insn.dst : undefined;
          if (base !== undefined && base !== 10 && 'size' in insn && !this.plim.has(insn.size)) this.plim.set(insn.size, this.c.local(I64));
        }
      }
      if (!resume?.general) {
        for (const b of g.order) {
          if (b.id === END) continue;
          const plans = mergePlans(p, b);
          if (plans.length === 0) continue;
          this.plans.set(b.id, plans);
          for (const pl of plans) for (const [, span] of pl.bases) if (!this.wlim.has(span.hi - span.lo)) this.wlim.set(span.hi - span.lo, this.c.local(I64));
        }
      }
    }
  }

  /** Per block: its ranges of packet accesses checked at once (see mergePlans). */
  private readonly plans = new Map<number, readonly MergePlan[]>();
  /** Per span w of a merged check: packet length - w + 1 (0 when shorter), as i64, set at function entry. */
  private readonly wlim = new Map<number, number>();
  /** Accesses of the current merged range whose check is done: their address is the packet's. */
  private merged: MergePlan | undefined;

  compile(): Code {
    const c = this.c;
    // r10 = (stack0 + depth) << 32 | 512; stack bottom = STACKS + 512 depth.
    c.get(this.depth).op(OP.i64_extend_i32_u).i64(BigInt(this.o.stack0)).op(OP.i64_add).i64(32n).op(OP.i64_shl).i64(BigInt(FRAME)).op(OP.i64_or).set(this.R[10]!);
    c.get(this.depth).i32(9).op(OP.i32_shl).i32(STACKS).op(OP.i32_add).set(this.sb);
    this.dropCache();
    if (this.resume?.general) c.get(11).set(this.cnt);
    else if (this.main) {
      // The run's entry state (see MAIN_PARAMS): the count starts at 0, the stacks are zeroed here.
      c.i32(0).set(this.cnt);
      c.i32(0).get(2).mem(OP.i32_store, 2, CELL_PLEN);
      c.i32(0).i32(0).mem(OP.i32_store, 2, CELL_ABORT);
      // [top of frame 0 - n, top of frame 0), or all the frames when n is larger than one.
      c.get(3).if().i32(STACKS + FRAME).get(3).op(OP.i32_sub).i32(STACKS).get(3).i32(FRAME).op(OP.i32_le_u).op(OP.select)
        .i32(0).get(3).memoryFill().end();
      c.get(4).if();
      for (let r = 1; r <= 5; r++) c.i32(0).mem(OP.i64_load, 3, CELL_ARGS + 8 * (r - 1)).set(this.R[r]!);
      c.else();
      c.get(0).op(OP.i64_extend_i32_u).i64(32n).op(OP.i64_shl).set(this.R[1]!);
      c.get(1).op(OP.i64_extend_i32_u).set(this.R[2]!);
      c.end();
    } else c.i32(CELL_COUNT).mem(OP.i32_load, 2).set(this.cnt);
    for (const [size, l] of this.plim) c.i32(0).mem(OP.i64_load, 3, CELL_PLIM + 8 * Math.log2(size)).set(l);
    for (const [w, l] of this.wlim) {
      c.i32(0).mem(OP.i32_load, 2, CELL_PLEN).op(OP.i64_extend_i32_u).tee(this.b).i64(BigInt(w - 1)).op(OP.i64_sub).i64(0n)
        .get(this.b).i64(BigInt(w)).op(OP.i64_ge_u).op(OP.select).set(l);
    }
    if (this.resume?.general) this.dispatcher(this.resume.caseOf);
    else if (this.g.reducible) this.structured();
    else this.dispatcher();
    c.op(OP.unreachable);
    return c;
  }

  // --- structured control flow (Ramsey, "Beyond Relooper") ---
  //
  // doTree / nodeWithin / doBranch of the paper, run from an explicit task stack (a chain of
  // blocks with single predecessors nests as deep as the program is long: recursion would
  // overflow the JavaScript stack). `d` is the number of enclosing wasm labels; each loop
  // header and merge node has exactly one label in the whole function, at a recorded depth.

  private rpo(id: number): number { return this.g.rpo.get(id)!; }

  private structured(): void {
    const c = this.c, g = this.g;
    const loopAt = new Map<number, number>(), blockAt = new Map<number, number>();
    type Task =
      | { t: 'tree'; x: number; d: number }
      | { t: 'within'; x: number; ys: readonly number[]; i: number; d: number }
      | { t: 'branch'; x: number; y: number; d: number }
      | { t: 'end' } | { t: 'else' };
    const stack: Task[] = [{ t: 'tree', x: g.order[0]!.id, d: 0 }];
    while (stack.length > 0) {
      const task = stack.pop()!;
      switch (task.t) {
        case 'end': c.end(); break;
        case 'else': c.else(); break;
        case 'tree': {
          const { x, d } = task;
          const ys = g.domChildren.get(x)!.filter((y) => g.merges.has(y)).sort((a, b) => this.rpo(b) - this.rpo(a));
          if (g.loopHeaders.has(x)) {
            c.loop();
            loopAt.set(x, d);
            stack.push({ t: 'end' }, { t: 'within', x, ys, i: 0, d: d + 1 });
          } else stack.push({ t: 'within', x, ys, i: 0, d });
          break;
        }
        case 'within': {
          const { x, ys, i, d } = task;
          if (i < ys.length) {
            const y = ys[i]!;
            c.block();
            blockAt.set(y, d);
            stack.push({ t: 'tree', x: y, d }, { t: 'end' }, { t: 'within', x, ys, i: i + 1, d: d + 1 });
            break;
          }
          const blk = this.byId.get(x)!;
          this.blockBody(blk);
          if (blk.id === END) break;
          const last = this.p.insns[blk.end - 1]!;
          if (last.kind === 'exit') this.emitReturn();
          else if (last.kind === 'jmp') {
            this.condition(last);
            c.if();
            stack.push({ t: 'end' }, { t: 'branch', x, y: blk.succs[1]!, d: d + 1 }, { t: 'else' }, { t: 'branch', x, y: blk.succs[0]!, d: d + 1 });
          } else stack.push({ t: 'branch', x, y: blk.succs[0]!, d });
          break;
        }
        case 'branch': {
          const { x, y, d } = task;
          if (this.rpo(y) <= this.rpo(x)) c.br(d - 1 - loopAt.get(y)!);
          else if (g.merges.has(y)) c.br(d - 1 - blockAt.get(y)!);
          else stack.push({ t: 'tree', x: y, d });
          break;
        }
      }
    }
  }

  // --- dispatcher fallback for irreducible graphs ---

  private dispatcher(resumeAt?: ReadonlyMap<number, number>): void {
    const c = this.c, order = this.g.order;
    // Cases: the blocks, then (general copy) each resumable instruction. Blocks are cut at those
    // instructions (each piece counts its own instructions and goes on to the next piece's
    // case), so every instruction is emitted once however many resume points a block has.
    const cases: { blk: Block; from: number; to: number }[] = order.map((blk) => ({ blk, from: blk.start, to: blk.end }));
    if (resumeAt) {
      for (const [k, blk] of order.entries()) {
        let piece = cases[k]!;
        for (let i = blk.start; i < blk.end; i++) {
          const r = resumeAt.get(i);
          if (r === undefined) continue;
          piece.to = i;
          piece = cases[r] = { blk, from: i, to: blk.end };
        }
      }
    }
    const n = cases.length;
    const next = c.local(I32);
    const index = new Map(order.map((b, k) => [b.id, k]));
    if (resumeAt) c.get(0).set(next); else c.i32(0).set(next);
    c.loop();
    for (let k = 0; k < n; k++) c.block();
    c.get(next).brTable(cases.map((_, k) => k), 0);
    const pieceAt = new Map<number, number>();
    cases.forEach(({ from }, k) => { if (k >= order.length) pieceAt.set(from, k); });
    cases.forEach(({ blk, from, to }, k) => {
      c.end(); // block k closes: its code follows, inside n-1-k blocks and the loop
      const loopDepth = n - 1 - k;
      this.blockBody(blk, from, to);
      if (blk.id === END) return;
      if (to < blk.end) { c.i32(pieceAt.get(to)!).set(next).br(loopDepth); return; }
      const last = this.p.insns[blk.end - 1]!;
      const goTo = (target: number, inner: number) => { c.i32(index.get(target)!).set(next); c.br(loopDepth + inner); };
      if (last.kind === 'exit') this.emitReturn();
      else if (last.kind === 'jmp') {
        this.condition(last);
        c.if();
        goTo(blk.succs[0]!, 1);
        c.else();
        goTo(blk.succs[1]!, 1);
        c.end();
      } else goTo(blk.succs[0]!, 0);
    });
    c.end();
  }

  // --- blocks ---

  private emitReturn(): void {
    const c = this.c;
    c.i32(CELL_COUNT).get(this.cnt).mem(OP.i32_store, 2);
    if (this.main) c.i32(0).get(this.R[0]!).mem(OP.i64_store, 3, CELL_R0).get(this.R[0]!).op(OP.i32_wrap_i64);
    else for (let r = 0; r <= 5; r++) c.get(this.R[r]!);
    c.op(OP.return);
  }

  /** Ends the whole run with r0 = 0 (a legacy packet load out of bounds), from any frame. */
  private emitAbort(): void {
    const c = this.c;
    c.i32(CELL_COUNT).get(this.cnt).mem(OP.i32_store, 2);
    if (this.main) c.i32(0).i64(0n).mem(OP.i64_store, 3, CELL_R0).i32(0);
    else { c.i32(CELL_ABORT).i32(1).mem(OP.i32_store, 2); for (let r = 0; r <= 5; r++) c.i64(0n); }
    c.op(OP.return);
  }

  /** The instruction being compiled and the end of its block (for the count a slow path hands over). */
  private at = 0;
  private atEnd = 0;

  private blockBody(blk: Block, from = blk.start, to = blk.end): void {
    const c = this.c;
    if (blk.id === END) {
      c.i32(FAULT_FELL_OFF).i32(this.p.pcOf[this.p.insns.length]!).call(this.imp.fault).op(OP.unreachable);
      return;
    }
    this.atEnd = blk.end;
    const len = to - from;
    if (len === 0) return; // an empty piece of a block cut at its first instruction
    if (this.o.budget !== false && this.deferred.has(blk.id) && from === blk.start) c.get(this.cnt).i32(len).op(OP.i32_add).set(this.cnt);
    else if (this.o.budget !== false) {
      c.get(this.cnt).i32(len).op(OP.i32_add).tee(this.cnt).i32(this.o.maxInstructions).op(OP.i32_gt_u).if();
      // The budget runs out in this block: run it instruction by instruction up to the one that
      // exceeds it (an earlier fault in the block must win, as in the interpreter), then fault.
      const allowed = this.allowed ??= c.local(I32);
      c.i32(this.o.maxInstructions).get(this.cnt).i32(len).op(OP.i32_sub).op(OP.i32_sub).set(allowed);
      // Below 0: it ran out in the deferred block before this one, at its instruction len + allowed.
      const before = this.deferredPred.get(blk.id);
      if (before) {
        const n = before.end - before.start;
        for (let k = 0; k < n; k++) c.get(allowed).i32(k - n).op(OP.i32_eq).if().i32(this.p.pcOf[before.start + k]!).call(this.imp.budget).op(OP.unreachable).end();
      }
      for (let i = from; i < to - 1; i++) {
        c.get(allowed).i32(i - from).op(OP.i32_le_s).if().i32(this.p.pcOf[i]!).call(this.imp.budget).op(OP.unreachable).end();
        this.at = i;
        this.insn(i);
      }
      c.i32(this.p.pcOf[to - 1]!).call(this.imp.budget).op(OP.unreachable).end();
    }
    const plans = from === blk.start && to === blk.end ? this.plans.get(blk.id) : undefined;
    let i = from;
    for (const pl of plans ?? []) {
      for (; i < pl.start; i++) { this.at = i; this.insn(i); }
      // Every merged access of the range in bounds at once (their bases are not written before
      // them in the range): the range runs with those accesses unchecked. Otherwise the range
      // runs as usual, each access checked on its own (and faulting exactly where it should).
      let first = true;
      for (const [reg, span] of pl.bases) {
        c.get(this.reg(reg)).i64((BigInt(this.o.packetId!) << 32n) - BigInt(span.lo)).op(OP.i64_sub).get(this.wlim.get(span.hi - span.lo)!).op(OP.i64_lt_u);
        if (!first) c.op(OP.i32_and);
        first = false;
      }
      c.if();
      this.merged = pl;
      for (let j = pl.start; j < pl.end; j++) { this.at = j; this.insn(j); }
      this.merged = undefined;
      c.else();
      for (let j = pl.start; j < pl.end; j++) { this.at = j; this.insn(j); }
      c.end();
      i = pl.end;
    }
    for (; i < to; i++) { this.at = i; this.insn(i); }
  }

  private reg(r: Reg): number { return this.R[r]!; }

  // Byte swaps inline: a call to a wasm function (V8 does not inline them here) would make every
  // live register spill around it, as the memory slow paths did.
  private sw32: number | undefined;
  private sw64: number | undefined;

  /** The i32 on the stack, byte-reversed. */
  private bswap32(): void {
    const x = this.sw32 ??= this.c.local(I32);
    this.c.tee(x).i32(8).op(OP.i32_rotl).i32(0x00ff00ff).op(OP.i32_and).get(x).i32(8).op(OP.i32_rotr).i32(0xff00ff00 | 0).op(OP.i32_and).op(OP.i32_or);
  }

  /** The i64 on the stack, byte-reversed: swap bytes within halfwords, halfwords within words, then the words. */
  private bswap64(): void {
    const x = this.sw64 ??= this.c.local(I64), c = this.c;
    for (const [mask, n] of [[0x00ff00ff00ff00ffn, 8n], [0x0000ffff0000ffffn, 16n]] as const) {
      c.tee(x).i64(mask).op(OP.i64_and).i64(n).op(OP.i64_shl).get(x).i64(n).op(OP.i64_shr_u).i64(mask).op(OP.i64_and).op(OP.i64_or);
    }
    c.tee(x).i64(32n).op(OP.i64_shl).get(x).i64(32n).op(OP.i64_shr_u).op(OP.i64_or);
  }

  private insn(i: number): void {
    const insn = this.p.insns[i]!, c = this.c, pc = this.p.pcOf[i]!;
    switch (insn.kind) {
      case 'alu': return this.alu(insn);
      case 'end': {
        const d = this.reg(insn.dst);
        if (insn.order === 'le') {
          if (insn.bits === 64) return;
          c.get(d).i64(insn.bits === 16 ? 0xffffn : 0xffffffffn).op(OP.i64_and).set(d);
          return;
        }
        if (insn.bits === 16) {
          c.get(d).op(OP.i32_wrap_i64).tee(this.x).i32(8).op(OP.i32_shl).i32(0xff00).op(OP.i32_and)
            .get(this.x).i32(8).op(OP.i32_shr_u).i32(0xff).op(OP.i32_and).op(OP.i32_or).op(OP.i64_extend_i32_u).set(d);
        } else if (insn.bits === 32) { c.get(d).op(OP.i32_wrap_i64); this.bswap32(); c.op(OP.i64_extend_i32_u).set(d); }
        else { c.get(d); this.bswap64(); c.set(d); }
        return;
      }
      case 'ldx': {
        this.address(insn.src, insn.off, insn.size, false, pc);
        const op = insn.size === 8 ? OP.i64_load
          : insn.size === 4 ? (insn.signed ? OP.i64_load32_s : OP.i64_load32_u)
            : insn.size === 2 ? (insn.signed ? OP.i64_load16_s : OP.i64_load16_u)
              : (insn.signed ? OP.i64_load8_s : OP.i64_load8_u);
        c.mem(op, 0, this.lastOffset).set(this.reg(insn.dst));
        return;
      }
      case 'st': case 'stx': {
        this.address(insn.dst, insn.off, insn.size, true, pc);
        if (insn.kind === 'st') c.i64(BigInt(insn.imm)); else c.get(this.reg(insn.src));
        c.mem(storeOp(insn.size), 0, this.lastOffset);
        return;
      }
      case 'atomic': {
        const { size, src } = insn;
        this.address(insn.dst, insn.off, size, true, pc);
        if (this.lastOffset !== 0) c.i32(this.lastOffset).op(OP.i32_add);
        c.set(this.x);
        const load = size === 8 ? OP.i64_load : OP.i64_load32_u;
        c.get(this.x).mem(load, 0).set(this.t);
        const s = this.reg(src);
        switch (insn.op) {
          case 'add': case 'or': case 'and': case 'xor':
            c.get(this.x).get(this.t).get(s).op(insn.op === 'add' ? OP.i64_add : insn.op === 'or' ? OP.i64_or : insn.op === 'and' ? OP.i64_and : OP.i64_xor).mem(storeOp(size), 0);
            break;
          case 'xchg':
            c.get(this.x).get(s).mem(storeOp(size), 0);
            break;
          case 'cmpxchg':
            c.get(this.t).get(this.reg(0));
            if (size === 4) c.i64(0xffffffffn).op(OP.i64_and);
            c.op(OP.i64_eq).if().get(this.x).get(s).mem(storeOp(size), 0).end();
            c.get(this.t).set(this.reg(0));
            return;
        }
        if (insn.fetch) c.get(this.t).set(s);
        return;
      }
      case 'ldabs': case 'ldind': {
        if (insn.kind === 'ldind') c.get(this.reg(insn.src)).op(OP.i32_wrap_i64).op(OP.i64_extend_i32_s).i64(BigInt(insn.imm | 0)).op(OP.i64_add);
        else c.i64(BigInt(insn.imm | 0));
        c.tee(this.b).i64(0n).op(OP.i64_lt_s)
          .get(this.b).i64(BigInt(insn.size)).op(OP.i64_add).i32(CELL_PLEN).mem(OP.i32_load, 2).op(OP.i64_extend_i32_u).op(OP.i64_gt_s)
          .op(OP.i32_or).if();
        this.emitAbort();
        c.end();
        c.get(this.b).op(OP.i32_wrap_i64);
        if (insn.size === 1) c.mem(OP.i64_load8_u, 0, PACKET);
        else if (insn.size === 2) {
          c.mem(OP.i32_load16_u, 0, PACKET).tee(this.x).i32(8).op(OP.i32_shl).i32(0xff00).op(OP.i32_and)
            .get(this.x).i32(8).op(OP.i32_shr_u).op(OP.i32_or).op(OP.i64_extend_i32_u);
        } else { c.mem(OP.i32_load, 0, PACKET); this.bswap32(); c.op(OP.i64_extend_i32_u); }
        // Only r0 changes, as in the interpreter (the kernel's verifier makes r1–r5 unreadable after it).
        c.set(this.reg(0));
        return;
      }
      case 'lddw':
        c.i64(this.o.lddw.get(i) ?? insn.value).set(this.reg(insn.dst));
        return;
      case 'ja': case 'jmp': case 'exit':
        return; // terminators
      case 'call':
        if (insn.helper === 1 && this.o.lookup) { this.lookup(pc, this.o.lookup.maps); return; }
        if (insn.helper === 8 && this.o.fastHelpers?.cpu !== undefined) { c.i64(BigInt(this.o.fastHelpers.cpu)).set(this.reg(0)); return; }
        if (insn.helper === 7 && this.o.fastHelpers?.random) { c.call(this.imp.random).op(OP.i64_extend_i32_u).set(this.reg(0)); return; }
        if (insn.helper === 5 && this.o.fastHelpers?.ktime) { c.call(this.imp.ktime).set(this.reg(0)); return; }
        if ((insn.helper === 2 || insn.helper === 3) && this.o.arenas?.helpers.has(insn.helper)) { this.arenaCall(pc, insn.helper); return; }
        c.i32(insn.helper).i32(pc);
        for (let r = 1; r <= 5; r++) c.get(this.R[r]!);
        c.call(this.imp.helper).set(this.reg(0));
        this.dropCache(); // a helper may write back and detach regions
        return;
      case 'call-local': {
        c.get(this.depth).i32(1).op(OP.i32_add).i32(FRAMES).op(OP.i32_ge_u).if()
          .i32(FAULT_DEPTH).i32(pc).call(this.imp.fault).op(OP.unreachable).end();
        c.i32(CELL_COUNT).get(this.cnt).mem(OP.i32_store, 2);
        for (let r = 0; r <= 9; r++) c.get(this.R[r]!);
        c.get(this.depth).i32(1).op(OP.i32_add).call(this.fns.get(this.p.targetOf.get(i)!)!);
        this.dropCache();
        for (let r = 5; r >= 0; r--) c.set(this.R[r]!);
        c.i32(CELL_COUNT).mem(OP.i32_load, 2).set(this.cnt);
        c.i32(CELL_ABORT).mem(OP.i32_load, 2).if();
        if (this.main) c.i32(0).i64(0n).mem(OP.i64_store, 3, CELL_R0).i32(0); else for (let r = 0; r <= 5; r++) c.i64(0n);
        c.op(OP.return).end();
        return;
      }
      case 'kfunc':
        throw new Error('kfunc reached the JIT'); // refused at load by the interpreter's checks
    }
  }

  /**
   * r0 = map_lookup_elem(r1, r2). For a known map: the key is translated (and checked) here
   * and read in place by the `lookupAt` import, which leaves the pointer in CELL_PTR; array
   * maps whose storage is mapped are looked up inline. Anything else: the `lookup` import.
   */
  private lookup(pc: number, maps: readonly LookupMap[]): void {
    const c = this.c;
    const viaImport = (m: LookupMap) => {
      this.address(2, 0, m.keySize, false, pc);
      if (this.lastOffset !== 0) c.i32(this.lastOffset).op(OP.i32_add);
      c.set(this.y);
      c.i32(pc).i32(m.index).get(this.y).call(this.imp.lookupAt).if(I64).i32(0).mem(OP.i64_load, 3, CELL_PTR).else().i64(0n).end();
    };
    const emit = (k: number) => {
      if (k === maps.length) { c.i32(pc).get(this.R[1]!).get(this.R[2]!).call(this.imp.lookup); this.dropCache(); return; }
      const m = maps[k]!;
      c.get(this.R[1]!).i64(m.handle).op(OP.i64_eq).if(I64);
      const a = m.array;
      if (a) {
        c.i32(0).mem(OP.i32_load, 2, CELL_MAPS + 4 * a.cell).tee(this.x).op(OP.i32_eqz).if(I64);
        viaImport(m);
        c.else();
        this.address(2, 0, 4, false, pc);
        c.mem(OP.i32_load, 0, this.lastOffset).tee(this.y).i32(a.maxEntries).op(OP.i32_lt_u).if(I64)
          .get(this.x).op(OP.i64_extend_i32_u).i64(32n).op(OP.i64_shl)
          .get(this.y).op(OP.i64_extend_i32_u).i64(BigInt(a.elemSize)).op(OP.i64_mul).op(OP.i64_or)
          .else().i64(0n).end();
        c.end();
      } else if (this.aux.arena.get(m.index)?.lookup !== undefined) {
        // A hash map in linear memory: in wasm once JavaScript has mapped its values' region.
        const fns = this.aux.arena.get(m.index)!;
        c.i32(0).mem(OP.i32_load, 2, fns.cellAt).op(OP.i32_eqz).if(I64);
        viaImport(m);
        c.else();
        this.address(2, 0, m.keySize, false, pc);
        if (this.lastOffset !== 0) c.i32(this.lastOffset).op(OP.i32_add);
        c.call(fns.lookup!);
        c.end();
      } else viaImport(m);
      c.else();
      emit(k + 1);
      c.end();
    };
    emit(0);
    c.set(this.R[0]!);
  }

  /**
   * r0 = map_update_elem(r1, r2, r3, r4) or map_delete_elem(r1, r2): for a map in linear memory
   * the key (then the value) is translated and checked here, in the helper's order, and the
   * map's wasm function does the rest; any other map goes to the `helper` import.
   */
  private arenaCall(pc: number, helper: 2 | 3): void {
    const c = this.c, maps = this.o.arenas!.maps;
    const emit = (k: number) => {
      if (k === maps.length) {
        c.i32(helper).i32(pc);
        for (let r = 1; r <= 5; r++) c.get(this.R[r]!);
        c.call(this.imp.helper);
        this.dropCache();
        return;
      }
      const s = maps[k]!, fns = this.aux.arena.get(s.index)!;
      c.get(this.R[1]!).i64(s.handle).op(OP.i64_eq).if(I64);
      this.address(2, 0, s.keySize, false, pc);
      if (this.lastOffset !== 0) c.i32(this.lastOffset).op(OP.i32_add);
      if (helper === 2) {
        this.address(3, 0, s.valueSize, false, pc);
        if (this.lastOffset !== 0) c.i32(this.lastOffset).op(OP.i32_add);
        c.get(this.R[4]!).call(fns.update);
      } else if (fns.delete !== undefined) c.call(fns.delete);
      else c.op(OP.drop).i64(-22n); // array maps: -EINVAL once the key is readable
      c.else();
      emit(k + 1);
      c.end();
    };
    emit(0);
    c.set(this.R[0]!);
  }

  /** Memarg offset to use with the address `address` left on the stack. */
  private lastOffset = 0;

  /**
   * Leaves the linear address of [reg + off, +size) on the stack (with `lastOffset` to add as
   * the memarg offset). r10-relative accesses inside the frame need no check: r10 is constant
   * per frame and the offset is known here.
   */
  private address(base: Reg, off: number, size: number, write: boolean, pc: number): void {
    const c = this.c;
    this.lastOffset = 0;
    if (base === 10 && off >= -FRAME && off + size <= 0) {
      c.get(this.sb);
      this.lastOffset = off + FRAME;
      return;
    }
    const span = this.merged?.fast.has(this.at) ? this.merged.bases.get(base) : undefined;
    if (span !== undefined) {
      // Checked with its range: base - packet + lo is in [0, length - (hi - lo)], so the packet
      // offset base - packet + off is in bounds (computed in i32: it may pass through negative).
      c.get(this.reg(base)).op(OP.i32_wrap_i64);
      if (span.lo > 0 && off !== 0) c.i32(off).op(OP.i32_add); else this.lastOffset = off;
      this.lastOffset += PACKET;
      return;
    }
    const lim = this.plim.get(size);
    if (lim !== undefined) {
      // The packet first: x = address - packet's base pointer, in bounds iff x < length - size + 1
      // (unsigned: another region gives x >= 2^32 or a wrapped negative). No table load.
      c.get(this.reg(base)).i64((BigInt(this.o.packetId!) << 32n) - BigInt(off)).op(OP.i64_sub).tee(this.a).get(lim).op(OP.i64_lt_u)
        .if(I32).get(this.a).op(OP.i32_wrap_i64).i32(PACKET).op(OP.i32_add).else();
    }
    c.get(this.reg(base));
    if (off !== 0) c.i64(BigInt(off)).op(OP.i64_add);
    if (this.o.checked) {
      // id = a >> 32, clamped to the last table entry (never filled, so always the slow path):
      // one branch per access. (A region cache as in unchecked mode measured slower here: the
      // extra loop-carried locals cost more than the two table loads they save.)
      c.tee(this.a).i64(32n).op(OP.i64_shr_u).tee(this.t).i64(BigInt(TABLE_ENTRIES - 1))
        .get(this.t).i64(BigInt(TABLE_ENTRIES - 1)).op(OP.i64_lt_u).op(OP.select)
        .op(OP.i32_wrap_i64).i32(4).op(OP.i32_shl).tee(this.e)
        .mem(OP.i32_load, 2, TABLE + (write ? 8 : 4)).op(OP.i64_extend_i32_u)
        .get(this.a).i64(0xffffffffn).op(OP.i64_and).i64(BigInt(size)).op(OP.i64_add).op(OP.i64_ge_u)
        .if(I32).get(this.e).mem(OP.i32_load, 2, TABLE).get(this.a).op(OP.i32_wrap_i64).op(OP.i32_add);
      c.else();
      this.slow(pc, size, write);
      c.end();
      if (lim !== undefined) c.end();
      return;
    }
    // Unchecked: a one-region cache (id and base in locals) skips the table while a loop stays
    // in one region; a miss reads the table (base 0: not attached yet, the slow path).
    c.tee(this.a).i64(32n).op(OP.i64_shr_u).tee(this.t).get(this.cid).op(OP.i64_eq)
      .if(I32).get(this.cbase).get(this.a).op(OP.i32_wrap_i64).op(OP.i32_add);
    c.else();
    c.get(this.t).i64(BigInt(TABLE_ENTRIES - 1))
      .get(this.t).i64(BigInt(TABLE_ENTRIES - 1)).op(OP.i64_lt_u).op(OP.select)
      .op(OP.i32_wrap_i64).i32(4).op(OP.i32_shl).mem(OP.i32_load, 2, TABLE).tee(this.e)
      .if(I32).get(this.t).set(this.cid).get(this.e).tee(this.cbase).get(this.a).op(OP.i32_wrap_i64).op(OP.i32_add);
    c.else();
    this.slow(pc, size, write);
    c.end();
    c.end();
    if (lim !== undefined) c.end();
    void ENTRY_SIZE;
  }

  private dropCache(): void { if (!this.o.checked) this.c.i64(-1n).set(this.cid); }

  private slow(pc: number, size: number, write: boolean): void {
    const r = this.resume;
    if (r && !r.general) {
      // To the general copy, at this instruction, with the count of the block's instructions
      // before it (the block's whole length was added on entry).
      const c = this.c;
      c.i32(r.caseOf.get(this.at)!);
      for (let k = 0; k <= 9; k++) c.get(this.R[k]!);
      c.get(this.cnt).i32(this.atEnd - this.at).op(OP.i32_sub).call(r.index).op(OP.return);
      return;
    }
    this.c.i32(pc).get(this.t).op(OP.i32_wrap_i64).get(this.a).op(OP.i32_wrap_i64).i32(size).i32(write ? 1 : 0).call(this.imp.slow);
  }

  /** Leaves the i32 truth value of a conditional jump on the stack. */
  private condition(insn: Extract<Insn, { kind: 'jmp' }>): void {
    const c = this.c, d = this.reg(insn.dst);
    const imm = 'imm' in insn.src ? insn.src.imm : undefined;
    if (insn.wide) {
      c.get(d);
      if (imm !== undefined) c.i64(BigInt(imm)); else c.get(this.reg((insn.src as { reg: Reg }).reg));
      if (insn.cond === 'set') { c.op(OP.i64_and).op(OP.i64_eqz).op(OP.i32_eqz); return; }
      c.op(CMP64[insn.cond]);
    } else {
      c.get(d).op(OP.i32_wrap_i64);
      if (imm !== undefined) c.i32(imm); else c.get(this.reg((insn.src as { reg: Reg }).reg)).op(OP.i32_wrap_i64);
      if (insn.cond === 'set') { c.op(OP.i32_and).op(OP.i32_eqz).op(OP.i32_eqz); return; }
      c.op(CMP32[insn.cond]);
    }
  }

  private alu(insn: Extract<Insn, { kind: 'alu' }>): void {
    const c = this.c, d = this.reg(insn.dst);
    const imm = 'imm' in insn.src ? insn.src.imm : undefined;
    const srcReg = imm === undefined ? this.reg((insn.src as { reg: Reg }).reg) : -1;
    if (insn.wide) {
      const src = () => { if (imm !== undefined) c.i64(BigInt(imm)); else c.get(srcReg); };
      const bin = (op: number) => { c.get(d); src(); c.op(op).set(d); };
      switch (insn.op) {
        case 'add': return bin(OP.i64_add);
        case 'sub': return bin(OP.i64_sub);
        case 'mul': return bin(OP.i64_mul);
        case 'or': return bin(OP.i64_or);
        case 'and': return bin(OP.i64_and);
        case 'xor': return bin(OP.i64_xor);
        case 'lsh': return bin(OP.i64_shl);
        case 'rsh': return bin(OP.i64_shr_u);
        case 'arsh': return bin(OP.i64_shr_s);
        case 'neg': c.i64(0n).get(d).op(OP.i64_sub).set(d); return;
        case 'mov': src(); c.set(d); return;
        case 'movsx8': src(); c.op(OP.i64_extend8_s).set(d); return;
        case 'movsx16': src(); c.op(OP.i64_extend16_s).set(d); return;
        case 'movsx32': src(); c.op(OP.i64_extend32_s).set(d); return;
        case 'div': case 'mod': case 'sdiv': case 'smod': {
          const signed = insn.op === 'sdiv' || insn.op === 'smod', isDiv = insn.op === 'div' || insn.op === 'sdiv';
          const op = isDiv ? (signed ? OP.i64_div_s : OP.i64_div_u) : (signed ? OP.i64_rem_s : OP.i64_rem_u);
          if (imm !== undefined && imm !== 0 && !(imm === -1 && insn.op === 'sdiv')) { bin(op); return; }
          src(); c.tee(this.b).op(OP.i64_eqz).if(I64);
          if (isDiv) c.i64(0n); else c.get(d);
          c.else();
          if (insn.op === 'sdiv') {
            c.get(this.b).i64(-1n).op(OP.i64_eq).if(I64).i64(0n).get(d).op(OP.i64_sub).else().get(d).get(this.b).op(op).end();
          } else c.get(d).get(this.b).op(op);
          c.end().set(d);
          return;
        }
      }
    } else {
      const src = () => { if (imm !== undefined) c.i32(imm); else c.get(srcReg).op(OP.i32_wrap_i64); };
      const a = () => c.get(d).op(OP.i32_wrap_i64);
      const fin = () => c.op(OP.i64_extend_i32_u).set(d);
      const bin = (op: number) => { a(); src(); c.op(op); fin(); };
      switch (insn.op) {
        case 'add': return bin(OP.i32_add);
        case 'sub': return bin(OP.i32_sub);
        case 'mul': return bin(OP.i32_mul);
        case 'or': return bin(OP.i32_or);
        case 'and': return bin(OP.i32_and);
        case 'xor': return bin(OP.i32_xor);
        case 'lsh': return bin(OP.i32_shl);
        case 'rsh': return bin(OP.i32_shr_u);
        case 'arsh': return bin(OP.i32_shr_s);
        case 'neg': c.i32(0); a(); c.op(OP.i32_sub); fin(); return;
        case 'mov': src(); fin(); return;
        case 'movsx8': src(); c.op(OP.i32_extend8_s); fin(); return;
        case 'movsx16': src(); c.op(OP.i32_extend16_s); fin(); return;
        case 'movsx32': src(); fin(); return;
        case 'div': case 'mod': case 'sdiv': case 'smod': {
          const signed = insn.op === 'sdiv' || insn.op === 'smod', isDiv = insn.op === 'div' || insn.op === 'sdiv';
          const op = isDiv ? (signed ? OP.i32_div_s : OP.i32_div_u) : (signed ? OP.i32_rem_s : OP.i32_rem_u);
          if (imm !== undefined && imm !== 0 && !(imm === -1 && insn.op === 'sdiv')) { bin(op); return; }
          src(); c.tee(this.y).op(OP.i32_eqz).if(I32);
          if (isDiv) c.i32(0); else a();
          c.else();
          if (insn.op === 'sdiv') {
            c.get(this.y).i32(-1).op(OP.i32_eq).if(I32).i32(0); a(); c.op(OP.i32_sub).else(); a(); c.get(this.y).op(op).end();
          } else { a(); c.get(this.y).op(op); }
          c.end();
          fin();
          return;
        }
      }
    }
  }
}

const storeOp = (size: number): number => (size === 8 ? OP.i64_store : size === 4 ? OP.i64_store32 : size === 2 ? OP.i64_store16 : OP.i64_store8);

const CMP64: Record<string, number> = {
  eq: OP.i64_eq, ne: OP.i64_ne, gt: OP.i64_gt_u, ge: OP.i64_ge_u, lt: OP.i64_lt_u, le: OP.i64_le_u,
  sgt: OP.i64_gt_s, sge: OP.i64_ge_s, slt: OP.i64_lt_s, sle: OP.i64_le_s,
};
const CMP32: Record<string, number> = {
  eq: OP.i32_eq, ne: OP.i32_ne, gt: OP.i32_gt_u, ge: OP.i32_ge_u, lt: OP.i32_lt_u, le: OP.i32_le_u,
  sgt: OP.i32_gt_s, sge: OP.i32_ge_s, slt: OP.i32_lt_s, sle: OP.i32_le_s,
};
