/**
 * A loaded JIT program: the wasm instance, its linear memory, and the JavaScript side of the
 * imports (helpers, the slow path of memory accesses, faults).
 *
 * Load-time checks are the interpreter's own: a Vm is built on a scratch environment (same
 * helpers and maps) only to validate the program, so both engines refuse the same programs
 * with the same VmFault. The real environment then gets the regions in the interpreter's
 * order (lddw map values, 8 stacks, ctx, packet), so every pointer value is the interpreter's.
 *
 * Stack, ctx and packet live in linear memory, and their regions in the environment's address
 * space are remapped onto views of it: helpers see the same bytes without copying. Any other
 * region (map values, ...) is "attached" on first access: copied into the heap area and
 * entered in the region table; attached regions are written back and detached before every
 * helper call that may touch memory and at the end of the run, so between those points the
 * linear copy is the only one in use and at those points the environment's buffers are
 * current.
 */
import { BpfError } from '../../core/errors.js';
import type { Insn } from '../isa/insn.js';
import { Env } from '../runtime/env.js';
import { getPrandomU32, getSmpProcessorId, ktimeGetNs, mapDeleteElem, mapLookupElem, mapUpdateElem } from '../runtime/helpers/index.js';
import { ArrayMap, HashMap } from '../runtime/maps/map.js';
import { isArenaMap, type ArenaMap } from '../runtime/maps/arena.js';
import type { ArenaMapSpec } from './wasm-maps.js';
import { createVm, DEFAULT_MAX_INSTRUCTIONS, MAX_CALL_FRAMES, STACK_SIZE, type RunInput, type RunResult, type VmOptions } from '../runtime/interpreter.js';
import { MemoryFault, VmFault, type Region } from '../runtime/memory.js';
import { compile, FAULT_DEPTH, type Compiled, type LookupMap } from './compile.js';
import {
  CELL_ABORT, CELL_ARGS, CELL_COUNT, CELL_MAPS, CELL_PLEN, CELL_PLIM, CELL_PTR, CELL_R0, MAX_INLINE_MAPS, CTX, CTX_MAX, ENTRY_SIZE, FRAME, FRAMES, HEAP, INITIAL_PAGES, PACKET, PACKET_MAX, PAGE, STACKS, TABLE, TABLE_ENTRIES,
} from './layout.js';
import { wasmApi, type WasmMemory } from './wasm/api.js';

export interface JitOptions extends VmOptions {
  /**
   * Bounds-check every memory access against its region (default true). `false` is reserved
   * for programs a verifier has proven safe: accesses then only translate the address.
   */
  readonly checked?: boolean;
  /**
   * Count executed instructions and enforce `maxInstructions` (default true), per basic block,
   * exactly as the interpreter. `false` is for programs proven to terminate (a verifier's
   * job): no counting at all, and `instructions` in the result is 0.
   */
  readonly budget?: boolean;
}

const M32 = 0xffffffffn;
const HEAP_RESET = 64 << 20;
const EMPTY = new Uint8Array(0);
/** Common small results without allocating a bigint per run. */
const SMALL: readonly bigint[] = Array.from({ length: 256 }, (_, i) => BigInt(i));

type MainFn = (r1hi: number, r2lo: number, plen: number, zeroStack: number, useArgs: number) => number;

/** Everything a program needs before instantiation (shared by the sync and async paths). */
interface Prepared {
  readonly env: Env;
  readonly insns: readonly Insn[];
  readonly compiled: Compiled;
  readonly stacks: readonly Region[];
  readonly ctxId: number;
  readonly packetId: number;
  readonly maxInstructions: number;
  readonly lookupMaps: readonly LookupMap[];
  /** Maps stored in linear memory (arenas), in address order from HEAP, and each map's CELL_MAPS slot. */
  readonly arenas: readonly { readonly map: ArenaMap; readonly at: number }[];
  readonly cellOf: readonly (number | undefined)[];
}

function prepare(program: readonly Insn[] | Uint8Array, options: JitOptions): Prepared {
  if (options.traceHook) throw new BpfError('UNSUPPORTED', 'the Wasm JIT has no per-instruction trace hook; trace with the interpreter');
  const env = options.env ?? new Env(options);
  const maxInstructions = options.maxInstructions ?? DEFAULT_MAX_INSTRUCTIONS;
  if (!Number.isInteger(maxInstructions) || maxInstructions < 0 || maxInstructions > 0x7fff0000) {
    throw new BpfError('UNSUPPORTED', `the JIT's instruction budget must be below 2^31, got ${maxInstructions}`);
  }
  // The interpreter's load checks, on a scratch environment so its regions do not shift ours.
  const checker = createVm(program, { env: new Env({ helpers: env.helpers, maps: env.maps }), maxInstructions });
  const insns = checker.insns;
  // lddw values in the real environment, in the interpreter's order (before the stacks).
  const lddw = new Map<number, bigint>();
  insns.forEach((insn, i) => {
    if (insn.kind !== 'lddw') return;
    const lo = Number(insn.value & M32), hi = Number(insn.value >> 32n);
    if (insn.pseudo === 1 || insn.pseudo === 5) lddw.set(i, env.mapPointer(lo)!);
    else if (insn.pseudo === 2 || insn.pseudo === 6) {
      const ref = env.maps[lo]!.lookup(new Uint8Array(4))!;
      lddw.set(i, env.memory.addressOf(ref.buffer, ref.offset + hi));
    } else lddw.set(i, insn.value);
  });
  const mem = env.memory;
  const stacks = Array.from({ length: MAX_CALL_FRAMES }, () => mem.map(new Uint8Array(STACK_SIZE), 'stack'));
  const ctxId = mem.map(new Uint8Array(0), 'ctx').id;
  const packetId = mem.map(new Uint8Array(0), 'packet').id;
  if (packetId >= TABLE_ENTRIES - 1) throw new BpfError('UNSUPPORTED', `the JIT's region table holds ${TABLE_ENTRIES} regions`);
  // Fast map_lookup_elem when it is the standard helper: keys read in place, arrays inline.
  let cells = 0;
  const cellOf = env.maps.slice(0, MAX_INLINE_MAPS).map((map) => (map instanceof ArrayMap || map instanceof HashMap ? cells++ : undefined));
  const lookupMaps: LookupMap[] = env.maps.slice(0, MAX_INLINE_MAPS).map((map, index) => ({
    handle: env.mapPointer(index)!, index, keySize: map.spec.keySize,
    ...(map instanceof ArrayMap ? { array: { maxEntries: map.spec.maxEntries, elemSize: map.elemSize, cell: cellOf[index]! } } : {}),
  }));
  const lookup = env.helpers.get(1) === mapLookupElem ? { maps: lookupMaps } : undefined;
  // Map arenas go to linear memory above the fixed areas (the heap of attached regions starts
  // after them); the first MAX_INLINE_MAPS get wasm operations (wasm-maps.ts).
  const arenas: { map: ArenaMap; at: number }[] = [];
  const arenaSpecs: ArenaMapSpec[] = [];
  let top = HEAP;
  env.maps.forEach((map, index) => {
    if (!isArenaMap(map)) return;
    const at = (top + 7) & ~7;
    arenas.push({ map, at });
    top = at + map.arenaSize;
    const cell = cellOf[index];
    if (cell === undefined) return;
    const base = { index, handle: env.mapPointer(index)!, keySize: map.spec.keySize, valueSize: map.spec.valueSize, base: at, cellAt: CELL_MAPS + 4 * cell };
    if (map instanceof ArrayMap) arenaSpecs.push({ ...base, array: { maxEntries: map.spec.maxEntries, elemSize: map.elemSize } });
    else if (map instanceof HashMap) arenaSpecs.push({ ...base, hash: map.layout });
  });
  // wasm32 linear memory ends at 4 GiB; V8 grants at most 2^16 pages and less on many hosts.
  if (top > 0x80000000) throw new BpfError('UNSUPPORTED', `the maps need ${top - HEAP} bytes of linear memory; the JIT places at most 2 GiB`);
  const helpers = new Set([2, 3].filter((n) => env.helpers.get(n) === (n === 2 ? mapUpdateElem : mapDeleteElem)));
  const compiled = compile(insns, {
    checked: options.checked ?? true, budget: options.budget ?? true, maxInstructions, stack0: stacks[0]!.id, packetId, lddw, ...(lookup ? { lookup } : {}),
    ...(arenaSpecs.length ? { arenas: { maps: arenaSpecs, helpers } } : {}),
    fastHelpers: {
      ...(env.helpers.get(8) === getSmpProcessorId ? { cpu: env.cpu >>> 0 } : {}), random: env.helpers.get(7) === getPrandomU32, ktime: env.helpers.get(5) === ktimeGetNs,
    },
  });
  return { env, insns, compiled, stacks, ctxId, packetId, maxInstructions, lookupMaps, arenas, cellOf };
}

/** Compiles and instantiates synchronously (fine in Node and workers; browsers limit sync compiles on the main thread). */
export function compileWasm(program: readonly Insn[] | Uint8Array, options: JitOptions = {}): WasmProgram {
  const p = prepare(program, options);
  return new WasmProgram(p, new (wasmApi().Module)(p.compiled.bytes));
}

/** Compiles asynchronously (the browser-friendly path). */
export async function loadWasm(program: readonly Insn[] | Uint8Array, options: JitOptions = {}): Promise<WasmProgram> {
  const p = prepare(program, options);
  return new WasmProgram(p, await wasmApi().compile(p.compiled.bytes));
}


/**
 * How many bytes below the top of frame 0 the program can touch, when only r10 with constant
 * offsets can reach the stack: no local calls, no helper calls (a helper may be handed a forged
 * pointer), and r10 only ever a memory base (never copied, compared, stored or used as an
 * offset). Undefined otherwise: then the whole frame is zeroed per run.
 */
function stackSpan(insns: readonly Insn[]): number | undefined {
  let span = 0;
  for (const i of insns) {
    if (i.kind === 'call' || i.kind === 'call-local' || i.kind === 'kfunc') return undefined;
    if ('src' in i && typeof i.src === 'object' && 'reg' in i.src && i.src.reg === 10) return undefined;
    if (i.kind === 'jmp' && i.dst === 10) return undefined;
    if ((i.kind === 'stx' || i.kind === 'atomic' || i.kind === 'ldind') && i.src === 10) return undefined;
    const base = i.kind === 'ldx' ? i.src : i.kind === 'st' || i.kind === 'stx' || i.kind === 'atomic' ? i.dst : undefined;
    if (base === 10 && 'off' in i && 'size' in i && i.off >= -FRAME && i.off + i.size <= 0) span = Math.max(span, -i.off);
  }
  return span;
}

export class WasmProgram {
  readonly env: Env;
  readonly insns: readonly Insn[];
  readonly maxInstructions: number;
  /** The module's bytes (for inspection: `wasm-objdump`, size reports). */
  readonly wasm: Uint8Array;
  /** Functions compiled as structured code and through the dispatcher (irreducible). */
  readonly structured: number;
  readonly dispatched: number;
  private readonly memory: WasmMemory;
  private u8!: Uint8Array;
  private dv!: DataView;
  private u32!: Uint32Array;
  private u64!: BigUint64Array;
  /**
   * The last large r0 and its halves: a BigInt costs an allocation, and repeated runs (a filter's
   * verdict, a benchmark) mostly return the value of the run before. BigInts are immutable
   * values, so handing out the same one is unobservable.
   */
  private lastLo = 0;
  private lastHi = 0;
  private lastR0 = 0n;
  /** memory.buffer is a host getter: cached, refreshed when the memory grows. */
  private buffer!: ArrayBuffer;
  private readonly main: MainFn;
  private readonly stacks: readonly Region[];
  private readonly ctxId: number;
  private readonly packetId: number;
  private readonly compiled: Compiled;
  private readonly hasCalls: boolean;
  /**
   * Bytes of stack zeroed (in wasm) at the start of a run, ending at the top of frame 0 (all 8
   * frames with local calls): the interpreter clears the frames a run used, so a read before any
   * write sees zeros. See stackSpan for when fewer than 512 bytes are enough.
   */
  private zeroStack: number;
  /**
   * Frame 0 is zeroed only where r10 reaches (stackSpan): its table entry stays empty, so an
   * access through any other pointer (a forged one) takes the slow path, which enters the frame
   * and zeroes all of it from then on. Until then nothing but r10 ever wrote the rest of it.
   */
  private stackWatch: boolean;
  /** Regions attached in this run and their linear addresses (parallel arrays, reused). */
  private readonly attached: Region[] = [];
  private readonly attachedAts: number[] = [];
  /** Linear address of attached regions beyond the region table (they have no entry). */
  private readonly attachedAt = new Map<number, number>();
  /** Per inlined-lookup map: a view of the last key address (keys usually sit at one stack slot). */
  private readonly keyViews: (Uint8Array | undefined)[] = [];
  private readonly keyAts: number[] = [];
  /** Heap placement of regions attached before, reused when they come back. */
  private readonly placed = new Map<number, { at: number; cap: number }>();
  private heapTop = HEAP;
  /** Start of the heap of attached regions: after the map arenas. */
  private readonly heapBase: number;
  private readonly arenas: Prepared['arenas'];
  /** Per arena: its view of linear memory (the map is ours while its arena is this very view). */
  private readonly arenaViews: Uint8Array[] = [];
  private readonly cellOf: Prepared['cellOf'];
  private readonly pure: ReadonlySet<number>;
  private readonly lookupMaps: Prepared['lookupMaps'];

  constructor(p: Prepared, module: object) {
    this.env = p.env;
    this.insns = p.insns;
    this.maxInstructions = p.maxInstructions;
    this.compiled = p.compiled;
    this.wasm = p.compiled.bytes;
    this.structured = p.compiled.structured;
    this.dispatched = p.compiled.dispatched;
    this.stacks = p.stacks;
    this.ctxId = p.ctxId;
    this.packetId = p.packetId;
    this.lookupMaps = p.lookupMaps;
    this.arenas = p.arenas;
    this.cellOf = p.cellOf;
    const last = p.arenas[p.arenas.length - 1];
    this.heapBase = this.heapTop = last ? (last.at + last.map.arenaSize + 7) & ~7 : HEAP;
    this.hasCalls = p.insns.some((i) => i.kind === 'call-local');
    const span = this.hasCalls ? undefined : stackSpan(p.insns);
    this.zeroStack = this.hasCalls ? FRAME * FRAMES : span ?? FRAME;
    this.stackWatch = span !== undefined && span < FRAME;
    // Helpers that touch no memory need no write-back of attached regions around them.
    const standard = new Map<number, unknown>([[5, ktimeGetNs], [7, getPrandomU32], [8, getSmpProcessorId]]);
    this.pure = new Set([...standard].filter(([n, f]) => this.env.helpers.get(n) === f).map(([n]) => n));
    const api = wasmApi();
    this.memory = new api.Memory({ initial: Math.max(INITIAL_PAGES, Math.ceil(this.heapBase / PAGE) + 4) });
    this.views();
    for (let k = 0; k < this.arenas.length; k++) this.claim(k);
    for (let d = this.stackWatch ? 1 : 0; d < FRAMES; d++) this.setEntry(this.stacks[d]!.id, STACKS + d * FRAME, FRAME, true);
    this.remapRunRegions(0, 0);
    const instance = new api.Instance(module, {
      env: {
        memory: this.memory,
        helper: (id: number, pc: number, r1: bigint, r2: bigint, r3: bigint, r4: bigint, r5: bigint) => this.helper(id, pc, r1, r2, r3, r4, r5),
        slow: (pc: number, hi: number, lo: number, size: number, write: number) => this.slow(pc, hi >>> 0, lo >>> 0, size, write !== 0),
        lookupAt: (pc: number, index: number, at: number) => this.lookupAt(pc, index, at),
        random: () => this.env.random() | 0,
        ktime: () => this.env.clock(),
        fault: (kind: number, pc: number) => { throw this.fault(pc, kind === FAULT_DEPTH ? `call depth exceeds ${MAX_CALL_FRAMES} frames` : 'fell off the end of the program'); },
        lookup: (pc: number, r1: bigint, r2: bigint) => this.lookup(pc, BigInt.asUintN(64, r1), BigInt.asUintN(64, r2)),
        budget: (pc: number) => { throw this.fault(pc, `instruction budget of ${this.maxInstructions} exceeded`); },
      },
    });
    this.main = instance.exports['main'] as MainFn;
  }

  private views(): void {
    this.buffer = this.memory.buffer;
    this.u8 = new Uint8Array(this.buffer);
    this.dv = new DataView(this.buffer);
    this.u32 = new Uint32Array(this.buffer);
    this.u64 = new BigUint64Array(this.buffer, 0, CELL_R0 / 8 + 1);
    this.keyViews.length = 0; // views of the old buffer are detached
    // Arenas still here are seen through the new buffer (same bytes, nothing copied).
    for (let k = 0; k < this.arenaViews.length; k++) {
      const { map, at } = this.arenas[k]!, old = this.arenaViews[k]!;
      this.arenaViews[k] = this.u8.subarray(at, at + map.arenaSize);
      if (map.arena === old) this.env.memory.rebind(map.relocate(this.arenaViews[k]!, false), map.valueBytes);
    }
  }

  /**
   * Moves arena `k` into this program's linear memory (its contents copied from wherever the map
   * is now: its own buffer at load, another program's memory when that one ran last). The
   * environment's region of the values follows it, so pointers keep their values.
   */
  private claim(k: number): void {
    const { map, at } = this.arenas[k]!;
    const view = this.arenaViews[k] ??= this.u8.subarray(at, at + map.arenaSize);
    this.env.memory.rebind(map.relocate(view), map.valueBytes);
  }

  private setEntry(id: number, at: number, size: number, writable: boolean): void {
    const e = (TABLE + id * ENTRY_SIZE) >> 2, u32 = this.u32; // wasm memory is little-endian, as the hosts that run it
    u32[e] = at;
    u32[e + 1] = size;
    u32[e + 2] = writable ? size : 0;
  }

  /** Whether region `id` is attached in this run (a table entry's base is never 0 when set). */
  private isAttached(id: number): boolean {
    return id < TABLE_ENTRIES - 1 ? this.u32[(TABLE + id * ENTRY_SIZE) >> 2] !== 0 : this.attachedAt.has(id);
  }

  /** Points the environment's stack/ctx/packet regions at the current views of linear memory. */
  private remapRunRegions(ctxLen: number, packetLen: number): void {
    const mem = this.env.memory;
    for (let d = 0; d < FRAMES; d++) mem.remap(this.stacks[d]!.id, this.u8.subarray(STACKS + d * FRAME, STACKS + (d + 1) * FRAME), 'stack');
    this.viewCache = [new Map(), new Map()];
    this.packetView = this.u8.subarray(PACKET, PACKET + packetLen);
    this.ctxView = this.u8.subarray(CTX, CTX + ctxLen);
    mem.remap(this.packetId, this.packetView, 'packet');
    mem.remap(this.ctxId, this.ctxView, 'ctx');
    this.setEntry(this.ctxId, CTX, ctxLen, true);
    this.setEntry(this.packetId, PACKET, packetLen, true);
  }

  /** The views the packet and ctx regions currently map (reused while the sizes repeat). */
  private packetView: Uint8Array = EMPTY;
  private ctxView: Uint8Array = EMPTY;
  private envStale = false;
  /** Views of the packet and ctx areas by length (packets of a few recurring sizes). */
  private viewCache: Map<number, Uint8Array>[] = [new Map(), new Map()];

  syncEnv(): void {
    this.envStale = false;
    this.env.memory.remap(this.packetId, this.packetView, 'packet');
    this.env.memory.remap(this.ctxId, this.ctxView, 'ctx');
  }

  // The run's packet and ctx are copied into linear memory, except when the caller hands back
  // the previous result's own view (in place, as the kernel's BPF_PROG_TEST_RUN repeats over
  // one buffer): the bytes are already there. One small method each, so that the common run
  // (same sizes as the last one) is a compare and one copy, inlined into `run`.

  private stagePacket(src: Uint8Array): Uint8Array {
    let view = this.packetView;
    if (src === view) return view;
    if (src.length !== view.length) view = this.resize(0, src.length);
    if (src.length !== 0) view.set(src);
    return view;
  }

  private stageCtx(src: Uint8Array): Uint8Array {
    let view = this.ctxView;
    if (src === view) return view;
    if (src.length !== view.length) view = this.resize(1, src.length);
    if (src.length !== 0) view.set(src);
    return view;
  }

  /** A new size of the packet (slot 0) or ctx (slot 1): its view, table entry and packet bounds. */
  private resize(slot: 0 | 1, n: number): Uint8Array {
    const kind = slot === 0 ? 'packet' : 'ctx', max = slot === 0 ? PACKET_MAX : CTX_MAX, at = slot === 0 ? PACKET : CTX;
    if (n > max) throw new VmFault(`${kind} of ${n} bytes exceeds the JIT's ${max}-byte ${kind} area`);
    const cache = this.viewCache[slot]!;
    const view = cache.get(n) ?? this.u8.subarray(at, at + n);
    if (cache.size < 64) cache.set(n, view);
    // The environment's region is remapped lazily (before a helper or a slow path needs it):
    // packets of varying sizes would otherwise allocate a region per run.
    this.envStale = true;
    this.setEntry(slot === 0 ? this.packetId : this.ctxId, at, n, true);
    if (slot === 0) {
      for (let k = 0; k < 4; k++) this.dv.setUint32(CELL_PLIM + 8 * k, Math.max(0, n - (1 << k) + 1), true);
      this.packetView = view;
    } else this.ctxView = view;
    return view;
  }

  /** Explicit r1..r5 (rare: bigint stores into CELL_ARGS, read by `main` instead of its parameters). */
  private stageArgs(args: readonly bigint[], r1hi: number, r2: number): number {
    const dv = this.dv;
    for (let i = 0; i < 40; i += 4) dv.setUint32(CELL_ARGS + i, 0, true);
    dv.setUint32(CELL_ARGS + 4, r1hi, true);
    dv.setUint32(CELL_ARGS + 8, r2, true);
    for (let i = 0; i < 5 && i < args.length; i++) dv.setBigUint64(CELL_ARGS + 8 * i, BigInt.asUintN(64, args[i]!), true);
    return 1;
  }

  /**
   * Unmaps this program's stack, ctx and packet regions from the environment's address space
   * (as Vm.close does). The program must not run afterwards.
   */
  close(): void {
    this.detachAll();
    // The maps outlive the program: their arenas move out of its memory.
    for (let k = 0; k < this.arenas.length; k++) {
      const { map } = this.arenas[k]!;
      if (map.arena === this.arenaViews[k]) this.env.memory.rebind(map.relocate(new Uint8Array(map.arenaSize)), map.valueBytes);
    }
    const mem = this.env.memory;
    for (const st of this.stacks) mem.unmap(st.id);
    mem.unmap(this.ctxId);
    mem.unmap(this.packetId);
  }

  /**
   * Runs once; `data`/`ctx` of the result are views of linear memory, valid until the next
   * run. Passing such a view back as the next run's input skips the copy (the packet as the
   * last run left it). The environment's packet and ctx regions are brought up to date lazily (before a
   * helper or a slow-path access); `syncEnv` does it on demand.
   */
  run(input: RunInput = {}): RunResult {
    // A map another program (another linear memory) used since our last run comes back.
    const arenas = this.arenas;
    for (let k = 0; k < arenas.length; k++) if (arenas[k]!.map.arena !== this.arenaViews[k]) this.claim(k);
    // r1/r2 cross as i32 halves: r1 = ctx (or packet) pointer, r2 = packet length without ctx.
    const data = input.data, ctx = input.ctx;
    let r1hi = 0, r2 = 0, plen = 0;
    if (data !== undefined) { plen = this.stagePacket(data).length; r1hi = this.packetId; r2 = plen; }
    else if (this.packetView.length !== 0) this.stagePacket(EMPTY);
    if (ctx !== undefined) { this.stageCtx(ctx); r1hi = this.ctxId; r2 = 0; }
    else if (this.ctxView.length !== 0) this.stageCtx(EMPTY);
    const args = input.args, useArgs = args === undefined ? 0 : this.stageArgs(args, r1hi, r2);
    let lo: number;
    try {
      lo = this.main(r1hi, r2, plen, this.zeroStack, useArgs) >>> 0;
    } finally {
      if (this.attached.length !== 0) this.detachAll();
      // Nothing is attached between runs: placements of many short-lived regions (hash map
      // values come and go) are forgotten once they take more than HEAP_RESET bytes.
      if (this.heapTop > this.heapBase + HEAP_RESET) { this.placed.clear(); this.heapTop = this.heapBase; }
    }
    const u32 = this.u32; // linear memory may have grown during the run
    const hi = u32[(CELL_R0 >> 2) + 1]!;
    let r0: bigint;
    if (hi === 0 && lo < SMALL.length) r0 = SMALL[lo]!;
    else if (lo === this.lastLo && hi === this.lastHi) r0 = this.lastR0;
    else { r0 = this.lastR0 = this.u64[CELL_R0 / 8]!; this.lastLo = lo; this.lastHi = hi; }
    return {
      r0,
      // The current views, not what staging returned: linear memory may have grown during the run.
      data: data !== undefined ? this.packetView : undefined,
      ctx: ctx !== undefined ? this.ctxView : undefined,
      instructions: u32[CELL_COUNT >> 2]!,
    };
  }

  private fault(pc: number, message: string, extra: { address?: bigint; size?: number } = {}): VmFault {
    const p = this.compiled.program;
    const index = p.pcOf.indexOf(pc);
    const i = index >= 0 && index < p.insns.length ? index : -1;
    return new VmFault(`instruction ${i} (pc ${pc}): ${message}`, { pc, index: i, ...extra });
  }

  private helper(id: number, pc: number, r1: bigint, r2: bigint, r3: bigint, r4: bigint, r5: bigint): bigint {
    if (this.envStale) this.syncEnv();
    const h = this.env.helpers.get(id);
    if (!h) throw this.fault(pc, `unknown helper ${id}`);
    if (!this.pure.has(id)) this.detachAll();
    const u = (x: bigint) => BigInt.asUintN(64, x);
    try {
      return BigInt.asIntN(64, h(this.env, u(r1), u(r2), u(r3), u(r4), u(r5)));
    } catch (err) {
      if (err instanceof MemoryFault) throw this.fault(pc, err.message, { address: err.address, size: err.size });
      throw err;
    }
  }

  /**
   * map_lookup_elem without the write-back of every attached region: it only reads the key,
   * so only the key's region is written back if attached. A hit in an inlined array map
   * records the storage's region id so later lookups stay in wasm.
   */
  private lookup(pc: number, r1: bigint, r2: bigint): bigint {
    if (this.envStale) this.syncEnv();
    const keyRegion = Number(r2 >> 32n);
    for (let k = 0; k < this.attached.length; k++) if (this.attached[k]!.id === keyRegion) this.copyOut(this.attached[k]!, this.attachedAts[k]!);
    let r0: bigint;
    try {
      r0 = mapLookupElem(this.env, r1, r2, 0n, 0n, 0n);
    } catch (err) {
      if (err instanceof MemoryFault) throw this.fault(pc, err.message, { address: err.address, size: err.size });
      throw err;
    }
    return BigInt.asIntN(64, r0);
  }

  /**
   * map_lookup_elem for map `index` with the key at linear address `at` (translated and
   * checked by the caller): leaves the value's address in CELL_PTR and returns 1, or 0.
   */
  private lookupAt(pc: number, index: number, at: number): number {
    const m = this.lookupMaps[index]!;
    let key = this.keyViews[index];
    if (key === undefined || this.keyAts[index] !== at) { this.keyViews[index] = key = this.u8.subarray(at, at + m.keySize); this.keyAts[index] = at; }
    const ref = this.env.maps[index]!.lookup(key);
    if (ref === undefined) return 0;
    const region = this.env.memory.regionOf(ref.buffer, 'map-value');
    // Attached now rather than by the slow path of the first access that follows (one trip
    // out of wasm less per value); a value left untouched is written back unchanged.
    if (!this.isAttached(region.id)) this.attach(region);
    this.u32[CELL_PTR >> 2] = ref.offset;
    this.u32[(CELL_PTR >> 2) + 1] = region.id;
    const cell = this.cellOf[index];
    if (cell !== undefined) this.u32[(CELL_MAPS >> 2) + cell] = region.id;
    void pc;
    return 1;
  }

  /** The slow path of an access: a fault (the interpreter's message), or attaching a region. */
  private slow(pc: number, id: number, offset: number, size: number, write: boolean): number {
    if (this.envStale) this.syncEnv();
    if (this.stackWatch && id === this.stacks[0]!.id) {
      // Frame 0 reached without r10: zeroed whole from the next run on (this run's bytes beyond
      // r10's reach are still the zeros nothing else wrote).
      this.stackWatch = false;
      this.zeroStack = FRAME;
      this.setEntry(id, STACKS, FRAME, true);
    }
    const region = this.env.memory.region(id);
    if (region === undefined || offset + size > region.bytes.length || (write && !region.writable)) {
      // The interpreter's fault, message and all, from the address space itself.
      const addr = (BigInt(id) << 32n) | BigInt(offset);
      try {
        this.env.memory.resolve(addr, size, write);
      } catch (err) {
        if (err instanceof MemoryFault) throw this.fault(pc, err.message, { address: err.address, size: err.size });
        throw err;
      }
    }
    // Regions beyond the table have no entry: every access comes here, and finds the copy
    // attached earlier in this run (slow, but the same behaviour).
    const at = id < TABLE_ENTRIES - 1 ? undefined : this.attachedAt.get(id);
    if (at !== undefined) return at + offset;
    void pc;
    return this.attach(region!) + offset;
  }

  private attach(region: Region): number {
    // A map arena already lives in linear memory: its entry points at it for good (nothing to
    // copy in or back; the entry stays valid while the arena is ours, i.e. during every run).
    if (region.bytes.buffer === this.buffer) {
      const at = region.bytes.byteOffset;
      if (region.id < TABLE_ENTRIES - 1) this.setEntry(region.id, at, region.bytes.length, region.writable);
      return at;
    }
    const size = region.bytes.length;
    let place = this.placed.get(region.id);
    if (!place || place.cap < size) {
      const at = (this.heapTop + 7) & ~7;
      this.heapTop = at + size;
      if (this.heapTop > this.memory.buffer.byteLength) {
        const ctxLen = this.ctxView.length, packetLen = this.packetView.length;
        this.memory.grow(Math.ceil((this.heapTop - this.memory.buffer.byteLength) / PAGE));
        this.views();
        this.remapRunRegions(ctxLen, packetLen);
      }
      place = { at, cap: size };
      this.placed.set(region.id, place);
    }
    const u8 = this.u8, src = region.bytes, at = place.at;
    if (size <= 16) for (let i = 0; i < size; i++) u8[at + i] = src[i]!; // small values: no builtin call
    else u8.set(src, at);
    if (region.id < TABLE_ENTRIES - 1) this.setEntry(region.id, at, size, region.writable);
    else this.attachedAt.set(region.id, at);
    this.attached.push(region);
    this.attachedAts.push(at);
    return at;
  }

  /** Copies an attached region's linear copy back to its buffer. */
  private copyOut(region: Region, at: number): void {
    const dst = region.bytes, size = dst.length, u8 = this.u8;
    if (size <= 16) for (let i = 0; i < size; i++) dst[i] = u8[at + i]!;
    else dst.set(u8.subarray(at, at + size));
  }

  /** Writes attached regions back to their buffers and detaches them. */
  private detachAll(): void {
    const n = this.attached.length;
    if (n === 0) return;
    for (let k = 0; k < n; k++) {
      const region = this.attached[k]!;
      if (region.writable) this.copyOut(region, this.attachedAts[k]!);
      if (region.id < TABLE_ENTRIES - 1) this.setEntry(region.id, 0, 0, false);
    }
    this.attached.length = 0;
    this.attachedAts.length = 0;
    if (this.attachedAt.size !== 0) this.attachedAt.clear();
  }
}
