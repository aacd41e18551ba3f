/**
 * The eBPF interpreter: exact RFC 9669 semantics over the checked memory model (memory.ts).
 *
 * - 32-bit ALU results are zero-extended; shift amounts are masked to 5/6 bits.
 * - Division by zero gives 0; modulo by zero leaves dst unchanged (32-bit: upper half zeroed).
 * - Signed INT_MIN / -1 gives INT_MIN and INT_MIN % -1 gives 0, as the kernel defines them.
 * - Up to 8 call frames, each with its own 512-byte stack region; r6–r9 and r10 are restored on return; r10 is
 *   read-only (the codec allows it as a destination, the interpreter refuses it at load).
 * - Legacy ldabs/ldind read the packet big-endian; out of bounds ends the program with r0 = 0,
 *   as the kernel's skb loads do.
 * - A budget of executed instructions; exceeding it is a VmFault.
 *
 * The API speaks bigints (unsigned 64-bit register values); the inner loop
 * (interpreter-core.ts) works on 32-bit halves to avoid allocating. Load-time checks (jump
 * targets, lddw pseudo sources, writes to r10) are done once in `createVm`, so `run` only checks
 * what depends on data. A run either returns a result or throws VmFault (tryRun returns the
 * fault as a value).
 */
import { decode } from '../isa/codec.js';
import type { Insn, Reg } from '../isa/insn.js';
import { slotsOf } from '../isa/insn.js';
import { Env, type EnvOptions } from './env.js';
import { VmFault, type Region } from './memory.js';
import { compile, runCore, type Code, type CoreContext } from './interpreter-core.js';

export const STACK_SIZE = 512;
export const MAX_CALL_FRAMES = 8;
export const DEFAULT_MAX_INSTRUCTIONS = 1_000_000;

export interface TraceEvent {
  readonly pc: number;
  readonly index: number;
  readonly insn: Insn;
  /** Registers whose value this instruction changed, with their new values. */
  readonly changed: readonly (readonly [Reg, bigint])[];
}

export interface VmOptions extends EnvOptions {
  /** Run in an existing environment (shared maps and address space); otherwise one is made from the options. */
  readonly env?: Env;
  readonly maxInstructions?: number;
  readonly traceHook?: (event: TraceEvent) => void;
}

export interface RunInput {
  /** Packet data: copied into a packet region; r1 points to it and r2 holds its length (unless ctx is given). */
  readonly data?: Uint8Array;
  /** Context: copied into a ctx region; r1 points to it. */
  readonly ctx?: Uint8Array;
  /** Explicit r1..r5 values, applied after the defaults above. */
  readonly args?: readonly bigint[];
}

export interface RunResult {
  readonly r0: bigint;
  /** The packet after the run (a copy the program may have changed). */
  readonly data: Uint8Array | undefined;
  readonly ctx: Uint8Array | undefined;
  /** Instructions executed. */
  readonly instructions: number;
}

const M32 = 0xffffffffn;
const EMPTY = new Uint8Array(0);
const u64 = (x: bigint) => BigInt.asUintN(64, x);

/** What the load-time checks learn about one instruction, for the core's pre-decoding. */
interface Slot {
  readonly insn: Insn;
  readonly index: number;
  /** Absolute target slot of a jump or local call. */
  readonly target: number;
  /** Resolved lddw value (map pointers resolved). */
  readonly value: bigint;
}

function loadFault(message: string, pc: number, index: number): VmFault {
  return new VmFault(`instruction ${index} (pc ${pc}): ${message}`, { pc, index });
}

export class Vm {
  readonly env: Env;
  readonly insns: readonly Insn[];
  readonly maxInstructions: number;
  private readonly slots: (Slot | undefined)[];
  private readonly code: Code;
  private readonly lo = new Uint32Array(11);
  private readonly hi = new Uint32Array(11);
  private readonly traceHook: ((event: TraceEvent) => void) | undefined;
  /** One 512-byte region per call frame, so a frame cannot run into its neighbour's stack. */
  private readonly stacks: Region[];
  private readonly ctxId: number;
  private readonly packetId: number;
  /** The core's per-VM context, reused by every run (only packet and hook change). */
  private readonly core: CoreContext;

  constructor(program: readonly Insn[] | Uint8Array, options: VmOptions = {}) {
    this.insns = program instanceof Uint8Array ? decode(program) : program;
    this.env = options.env ?? new Env(options);
    this.maxInstructions = options.maxInstructions ?? DEFAULT_MAX_INSTRUCTIONS;
    this.traceHook = options.traceHook;
    if (this.insns.length === 0) throw new VmFault('empty program');
    this.slots = this.prepare();
    this.code = compile(this.insns, (_insn, pc) => this.slots[pc]!.value, (pc) => this.slots[pc]!.target);
    const mem = this.env.memory;
    this.stacks = Array.from({ length: MAX_CALL_FRAMES }, () => mem.map(new Uint8Array(STACK_SIZE), 'stack'));
    this.ctxId = mem.map(new Uint8Array(0), 'ctx').id;
    this.packetId = mem.map(new Uint8Array(0), 'packet').id;
    this.core = {
      env: this.env, regions: mem.table, stacks: this.stacks, stackSize: STACK_SIZE, maxFrames: MAX_CALL_FRAMES,
      budget: this.maxInstructions, packet: mem.region(this.packetId)!, hook: undefined,
    };
  }

  private prepare(): (Slot | undefined)[] {
    const total = this.insns.reduce((n, i) => n + slotsOf(i), 0);
    const slots: (Slot | undefined)[] = new Array(total).fill(undefined);
    const starts = new Set<number>();
    let pc = 0;
    this.insns.forEach((insn) => { starts.add(pc); pc += slotsOf(insn); });
    pc = 0;
    this.insns.forEach((insn, index) => {
      const next = pc + slotsOf(insn);
      let target = -1, value = 0n;
      if ('dst' in insn && insn.dst === 10 && (insn.kind === 'alu' || insn.kind === 'end' || insn.kind === 'ldx' || insn.kind === 'lddw')) {
        throw loadFault('r10 is read-only', pc, index);
      }
      if (insn.kind === 'atomic' && insn.src === 10) throw loadFault('r10 is read-only', pc, index);
      if (insn.kind === 'kfunc') throw loadFault('kfunc calls are not supported by the userspace VM', pc, index);
      if (insn.kind === 'lddw') value = this.resolveLddw(insn, pc, index);
      if (insn.kind === 'ja' || insn.kind === 'jmp' || insn.kind === 'call-local') {
        if (typeof insn.off === 'string') throw loadFault(`unresolved label '${insn.off}'`, pc, index);
        target = next + insn.off;
        if (!starts.has(target)) throw loadFault(`jump to ${target} out of range or into the middle of lddw`, pc, index);
      }
      slots[pc] = { insn, index, target, value };
      pc = next;
    });
    return slots;
  }

  private resolveLddw(insn: Extract<Insn, { kind: 'lddw' }>, pc: number, index: number): bigint {
    const lo = Number(insn.value & M32), hi = Number(insn.value >> 32n);
    switch (insn.pseudo) {
      case 0: return insn.value;
      case 1: case 5: { // BPF_PSEUDO_MAP_FD, BPF_PSEUDO_MAP_IDX
        if (hi !== 0) throw loadFault('map reference with a non-zero upper immediate', pc, index);
        return this.env.mapPointer(lo) ?? (() => { throw loadFault(`no map ${lo} in the environment`, pc, index); })();
      }
      case 2: case 6: { // BPF_PSEUDO_MAP_VALUE, BPF_PSEUDO_MAP_IDX_VALUE: direct value access
        const map = this.env.maps[lo];
        if (!map) throw loadFault(`no map ${lo} in the environment`, pc, index);
        const ref = map.spec.type === 'array' ? map.lookup(new Uint8Array(4)) : undefined;
        if (!ref) throw loadFault(`map ${lo} has no direct value access`, pc, index);
        if (hi >= map.spec.valueSize) throw loadFault(`value offset ${hi} beyond value size ${map.spec.valueSize}`, pc, index);
        return this.env.memory.addressOf(ref.buffer, ref.offset + hi);
      }
      default:
        throw loadFault(`lddw pseudo source ${insn.pseudo} is not supported by the userspace VM`, pc, index);
    }
  }

  /**
   * Unmaps this VM's stack, ctx and packet regions from the environment's address space (for
   * long-lived environments that load many programs). The VM must not run afterwards.
   */
  close(): void {
    const mem = this.env.memory;
    for (const st of this.stacks) mem.unmap(st.id);
    mem.unmap(this.ctxId);
    mem.unmap(this.packetId);
  }

  /** Runs, returning the fault as a value instead of throwing it. */
  tryRun(input: RunInput = {}): RunResult | { readonly fault: VmFault } {
    try { return this.run(input); } catch (err) { if (err instanceof VmFault) return { fault: err }; throw err; }
  }

  /**
   * Runs the program once. The returned `data`/`ctx` are this VM's own buffers: valid until
   * its next run (copy them to keep them). Reusing them keeps a run free of allocations when
   * the input sizes repeat, which matters: allocating a small ArrayBuffer costs about as much
   * as interpreting ten instructions.
   */
  run(input: RunInput = {}): RunResult {
    // Clear only the frames the previous run used (a fresh VM's stacks are already zero).
    for (let i = 0; i < this.dirtyFrames; i++) this.stacks[i]!.bytes.fill(0);
    this.dirtyFrames = 1;
    const data = input.data === undefined ? undefined : this.stage(this.packetId, input.data, 'packet');
    const ctx = input.ctx === undefined ? undefined : this.stage(this.ctxId, input.ctx, 'ctx');
    if (data === undefined) this.stage(this.packetId, EMPTY, 'packet');
    if (ctx === undefined) this.stage(this.ctxId, EMPTY, 'ctx');
    // Registers as 32-bit halves: an address is `regionId << 32 | offset` (memory.ts).
    const lo = this.lo, hi = this.hi;
    lo.fill(0); hi.fill(0);
    lo[10] = STACK_SIZE; hi[10] = this.stacks[0]!.id;
    if (ctx) hi[1] = this.ctxId;
    else if (data) { hi[1] = this.packetId; lo[2] = data.length; }
    if (input.args) {
      input.args.forEach((v, i) => { if (i < 5) { const u = u64(v); lo[i + 1] = Number(u & M32); hi[i + 1] = Number(u >> 32n); } });
    }
    const r0 = this.execute();
    return { r0, data, ctx, instructions: this.executed };
  }

  /** Copies `src` into the region `id`, reusing its buffer when the size is unchanged. */
  private stage(id: number, src: Uint8Array, kind: 'packet' | 'ctx'): Uint8Array {
    const mem = this.env.memory;
    const region = mem.region(id)!;
    if (region.bytes.length === src.length && region.bytes !== src) {
      if (src.length !== 0) region.bytes.set(src);
      return region.bytes;
    }
    return mem.remap(id, src.length === 0 ? new Uint8Array(0) : src.slice(), kind).bytes;
  }

  private executed = 0;
  private dirtyFrames = 0;
  private execute(): bigint {
    const lo = this.lo, hi = this.hi;
    const hook = this.traceHook;
    let coreHook: CoreContext['hook'];
    if (hook) {
      const prevLo = lo.slice(), prevHi = hi.slice();
      const code = this.code;
      coreHook = (pc, l, h) => {
        const changed: (readonly [Reg, bigint])[] = [];
        for (let r = 0; r <= 10; r++) {
          if (l[r] !== prevLo[r] || h[r] !== prevHi[r]) changed.push([r as Reg, (BigInt(h[r]!) << 32n) | BigInt(l[r]!)]);
        }
        prevLo.set(l); prevHi.set(h);
        hook({ pc, index: code.index[pc]!, insn: code.insns[pc]!, changed });
      };
    }
    const ctx = this.core;
    ctx.packet = this.env.memory.region(this.packetId)!;
    ctx.hook = coreHook;
    try {
      const r = runCore(this.code, ctx, lo, hi);
      this.executed = r.count;
      if (r.framesUsed > this.dirtyFrames) this.dirtyFrames = r.framesUsed;
      return (BigInt(r.r0hi) << 32n) | BigInt(r.r0lo);
    } catch (err) {
      // A fault may have happened in any frame: clear them all next run.
      this.dirtyFrames = MAX_CALL_FRAMES;
      this.executed = (err as { count?: number }).count ?? 0;
      throw err;
    }
  }
}

/** Prepares a program (instruction values or raw little-endian bytes) for running. */
export function createVm(program: readonly Insn[] | Uint8Array, options: VmOptions = {}): Vm {
  return new Vm(program, options);
}
