/**
 * A second, independent eBPF interpreter for property tests: the project's first interpreter,
 * written directly on bigints (one register = one bigint, one switch over instruction kinds),
 * kept as a reference for the production core (src/ebpf/runtime/interpreter-core.ts), which
 * works on 32-bit halves. Same memory model and environment; slow and simple on purpose.
 */
import { BpfError } from '../../src/core/errors.js';
import { decode } from '../../src/ebpf/isa/codec.js';
import type { Insn, Reg } from '../../src/ebpf/isa/insn.js';
import { slotsOf } from '../../src/ebpf/isa/insn.js';
import { Env } from '../../src/ebpf/runtime/env.js';
import {
  DEFAULT_MAX_INSTRUCTIONS, MAX_CALL_FRAMES, STACK_SIZE, type RunInput, type RunResult, type TraceEvent, type VmOptions,
} from '../../src/ebpf/runtime/interpreter.js';
import { MemoryFault, VmFault, type Region } from '../../src/ebpf/runtime/memory.js';

// The interface (options, input, result, trace events, limits) is the production
// interpreter's; only the execution below is written independently.
const M32 = 0xffffffffn;
const EMPTY = new Uint8Array(0);
const u64 = (x: bigint) => BigInt.asUintN(64, x);
const s64 = (x: bigint) => BigInt.asIntN(64, x);
const s32 = (x: bigint) => BigInt.asIntN(32, x);

function bswap(x: bigint, bits: 16 | 32 | 64): bigint {
  if (bits === 16) return ((x & 0xffn) << 8n) | ((x >> 8n) & 0xffn);
  if (bits === 32) {
    const n = Number(x & M32);
    return BigInt((((n & 0xff) << 24) | ((n & 0xff00) << 8) | ((n >>> 8) & 0xff00) | (n >>> 24)) >>> 0);
  }
  return (bswap(x & M32, 32) << 32n) | bswap(x >> 32n, 32);
}

/** One pre-processed instruction: operands normalised once at load time. */
interface Slot {
  readonly insn: Insn;
  readonly index: number;
  /** Immediate as the 64-bit value (sign-extended) and as the 32-bit value (for 32-bit ops). */
  readonly imm64: bigint;
  readonly imm32: bigint;
  /** Absolute target slot of a jump or local call. */
  readonly target: number;
  /** Resolved lddw value (map pointers resolved). */
  readonly value: bigint;
}

function loadFault(message: string, pc: number, index: number): VmFault {
  return new VmFault(`instruction ${index} (pc ${pc}): ${message}`, { pc, index });
}

export class ReferenceVm {
  readonly env: Env;
  readonly insns: readonly Insn[];
  readonly maxInstructions: number;
  private readonly slots: (Slot | undefined)[];
  private readonly traceHook: ((event: TraceEvent) => void) | undefined;
  /** One 512-byte region per call frame, so a frame cannot run into its neighbour's stack. */
  private readonly stacks: Region[];
  private readonly ctxId: number;
  private readonly packetId: number;
  private readonly stackTop: bigint;
  private readonly ctxBase: bigint;
  private readonly packetBase: bigint;

  constructor(program: readonly Insn[] | Uint8Array, options: VmOptions = {}) {
    this.insns = program instanceof Uint8Array ? decode(program) : program;
    this.env = options.env ?? new Env(options);
    this.maxInstructions = options.maxInstructions ?? DEFAULT_MAX_INSTRUCTIONS;
    this.traceHook = options.traceHook;
    if (this.insns.length === 0) throw new VmFault('empty program');
    this.slots = this.prepare();
    const mem = this.env.memory;
    this.stacks = Array.from({ length: MAX_CALL_FRAMES }, () => mem.map(new Uint8Array(STACK_SIZE), 'stack'));
    this.ctxId = mem.map(new Uint8Array(0), 'ctx').id;
    this.packetId = mem.map(new Uint8Array(0), 'packet').id;
    this.stackTop = this.stacks[0]!.base + BigInt(STACK_SIZE);
    this.ctxBase = BigInt(this.ctxId) << 32n;
    this.packetBase = BigInt(this.packetId) << 32n;
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
      let imm = 0, target = -1, value = 0n;
      if ('dst' in insn && insn.dst === 10 && (insn.kind === 'alu' || insn.kind === 'end' || insn.kind === 'ldx' || insn.kind === 'lddw')) {
        throw loadFault('r10 is read-only', pc, index);
      }
      if (insn.kind === 'atomic' && insn.src === 10) throw loadFault('r10 is read-only', pc, index);
      switch (insn.kind) {
        case 'alu': case 'jmp': imm = 'imm' in insn.src ? insn.src.imm : 0; break;
        case 'st': case 'ldabs': case 'ldind': imm = insn.imm; break;
        case 'kfunc': throw loadFault('kfunc calls are not supported by the userspace VM', pc, index);
        case 'lddw': value = this.resolveLddw(insn, pc, index); break;
      }
      if (insn.kind === 'ja' || insn.kind === 'jmp' || insn.kind === 'call-local') {
        if (typeof insn.off === 'string') throw loadFault(`unresolved label '${insn.off}'`, pc, index);
        target = next + insn.off;
        if (!starts.has(target)) throw loadFault(`jump to ${target} out of range or into the middle of lddw`, pc, index);
      }
      slots[pc] = { insn, index, imm64: u64(BigInt(imm)), imm32: BigInt(imm >>> 0), target, value };
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
    const R: bigint[] = [0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, this.stackTop];
    if (ctx) R[1] = this.ctxBase;
    else if (data) { R[1] = this.packetBase; R[2] = BigInt(data.length); }
    if (input.args) input.args.forEach((v, i) => { if (i < 5) R[i + 1] = u64(v); });
    const r0 = this.execute(R);
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

  private execute(R: bigint[]): bigint {
    const slots = this.slots, mem = this.env.memory, env = this.env;
    const budget = this.maxInstructions, hook = this.traceHook;
    const frames: { ret: number; saved: bigint[] }[] = [];
    let pc = 0, count = 0;
    let before: bigint[] | undefined;
    const fault = (message: string, extra: { address?: bigint; size?: number } = {}) =>
      new VmFault(`instruction ${slots[pc]?.index ?? -1} (pc ${pc}): ${message}`, { pc, index: slots[pc]?.index ?? -1, ...extra });
    try {
      for (;;) {
        const s = slots[pc];
        if (s === undefined) throw fault(pc >= slots.length ? 'fell off the end of the program' : 'jump into the middle of lddw');
        if (++count > budget) { count--; throw fault(`instruction budget of ${budget} exceeded`); }
        if (hook) before = R.slice();
        const insn = s.insn;
        let next = pc + 1;
        switch (insn.kind) {
          case 'alu': {
            const d = insn.dst;
            const a = R[d]!;
            const isReg = 'reg' in insn.src;
            if (insn.wide) {
              const b = isReg ? R[(insn.src as { reg: Reg }).reg]! : s.imm64;
              let r: bigint;
              switch (insn.op) {
                case 'add': r = u64(a + b); break;
                case 'sub': r = u64(a - b); break;
                case 'mul': r = u64(a * b); break;
                case 'div': r = b === 0n ? 0n : a / b; break;
                case 'sdiv': r = b === 0n ? 0n : u64(s64(a) / s64(b)); break;
                case 'mod': r = b === 0n ? a : a % b; break;
                case 'smod': r = b === 0n ? a : u64(s64(a) % s64(b)); break;
                case 'or': r = a | b; break;
                case 'and': r = a & b; break;
                case 'xor': r = a ^ b; break;
                case 'lsh': r = u64(a << (b & 63n)); break;
                case 'rsh': r = a >> (b & 63n); break;
                case 'arsh': r = u64(s64(a) >> (b & 63n)); break;
                case 'neg': r = u64(-a); break;
                case 'mov': r = b; break;
                case 'movsx8': r = u64(BigInt.asIntN(8, b)); break;
                case 'movsx16': r = u64(BigInt.asIntN(16, b)); break;
                case 'movsx32': r = u64(BigInt.asIntN(32, b)); break;
              }
              R[d] = r;
            } else {
              const x = a & M32;
              const b = isReg ? R[(insn.src as { reg: Reg }).reg]! & M32 : s.imm32;
              let r: bigint;
              switch (insn.op) {
                case 'add': r = x + b; break;
                case 'sub': r = x - b; break;
                case 'mul': r = x * b; break;
                case 'div': r = b === 0n ? 0n : x / b; break;
                case 'sdiv': r = b === 0n ? 0n : s32(x) / s32(b); break;
                case 'mod': r = b === 0n ? x : x % b; break;
                case 'smod': r = b === 0n ? x : s32(x) % s32(b); break;
                case 'or': r = x | b; break;
                case 'and': r = x & b; break;
                case 'xor': r = x ^ b; break;
                case 'lsh': r = x << (b & 31n); break;
                case 'rsh': r = x >> (b & 31n); break;
                case 'arsh': r = s32(x) >> (b & 31n); break;
                case 'neg': r = -x; break;
                case 'mov': r = b; break;
                case 'movsx8': r = BigInt.asIntN(8, b); break;
                case 'movsx16': r = BigInt.asIntN(16, b); break;
                case 'movsx32': r = s32(b); break;
              }
              R[d] = r & M32;
            }
            break;
          }
          case 'end': {
            const a = R[insn.dst]!;
            const mask = insn.bits === 64 ? 0xffffffffffffffffn : (1n << BigInt(insn.bits)) - 1n;
            // The host of this VM is little-endian by definition (RFC 9669 le/be are relative to it).
            R[insn.dst] = insn.order === 'le' ? a & mask : bswap(a & mask, insn.bits);
            break;
          }
          case 'ldx': {
            const v = mem.load(u64(R[insn.src]! + BigInt(insn.off)), insn.size);
            R[insn.dst] = insn.signed ? u64(BigInt.asIntN(insn.size * 8, v)) : v;
            break;
          }
          case 'st':
            mem.store(u64(R[insn.dst]! + BigInt(insn.off)), insn.size, s.imm64);
            break;
          case 'stx':
            mem.store(u64(R[insn.dst]! + BigInt(insn.off)), insn.size, R[insn.src]!);
            break;
          case 'atomic': {
            const addr = u64(R[insn.dst]! + BigInt(insn.off));
            const size = insn.size;
            mem.resolve(addr, size, true); // check before reading so a fault touches nothing
            const mask = size === 8 ? 0xffffffffffffffffn : M32;
            const old = mem.load(addr, size);
            const v = R[insn.src]! & mask;
            switch (insn.op) {
              case 'add': mem.store(addr, size, old + v); break;
              case 'or': mem.store(addr, size, old | v); break;
              case 'and': mem.store(addr, size, old & v); break;
              case 'xor': mem.store(addr, size, old ^ v); break;
              case 'xchg': mem.store(addr, size, v); break;
              case 'cmpxchg':
                if (old === (R[0]! & mask)) mem.store(addr, size, v);
                R[0] = old;
                break;
            }
            if (insn.fetch && insn.op !== 'cmpxchg') R[insn.src] = old;
            break;
          }
          case 'ldabs': case 'ldind': {
            const packet = mem.region(this.packetId)!;
            const off = (insn.kind === 'ldind' ? Number(BigInt.asIntN(32, R[insn.src]!)) : 0) + Number(BigInt.asIntN(32, s.imm64));
            if (off < 0 || off + insn.size > packet.bytes.length) { R[0] = 0n; return this.finish(count, 0n); }
            const v = packet.view;
            R[0] = BigInt(insn.size === 1 ? v.getUint8(off) : insn.size === 2 ? v.getUint16(off, false) : v.getUint32(off, false));
            break;
          }
          case 'lddw':
            R[insn.dst] = s.value;
            next = pc + 2;
            break;
          case 'ja':
            next = s.target;
            break;
          case 'jmp': {
            let a = R[insn.dst]!;
            let b = 'reg' in insn.src ? R[insn.src.reg]! : insn.wide ? s.imm64 : s.imm32;
            let taken: boolean;
            if (!insn.wide) { a &= M32; b &= M32; }
            const sg = insn.wide ? s64 : s32;
            switch (insn.cond) {
              case 'eq': taken = a === b; break;
              case 'ne': taken = a !== b; break;
              case 'gt': taken = a > b; break;
              case 'ge': taken = a >= b; break;
              case 'lt': taken = a < b; break;
              case 'le': taken = a <= b; break;
              case 'set': taken = (a & b) !== 0n; break;
              case 'sgt': taken = sg(a) > sg(b); break;
              case 'sge': taken = sg(a) >= sg(b); break;
              case 'slt': taken = sg(a) < sg(b); break;
              case 'sle': taken = sg(a) <= sg(b); break;
            }
            if (taken) next = s.target;
            break;
          }
          case 'call': {
            const helper = env.helpers.get(insn.helper);
            if (!helper) throw fault(`unknown helper ${insn.helper}`);
            R[0] = u64(helper(env, R[1]!, R[2]!, R[3]!, R[4]!, R[5]!));
            break;
          }
          case 'call-local': {
            if (frames.length + 1 >= MAX_CALL_FRAMES) throw fault(`call depth exceeds ${MAX_CALL_FRAMES} frames`);
            frames.push({ ret: next, saved: [R[6]!, R[7]!, R[8]!, R[9]!, R[10]!] });
            R[10] = this.stacks[frames.length]!.base + BigInt(STACK_SIZE);
            if (frames.length >= this.dirtyFrames) this.dirtyFrames = frames.length + 1;
            next = s.target;
            break;
          }
          case 'exit': {
            const frame = frames.pop();
            if (!frame) {
              if (hook) this.emit(hook, pc, s, before!, R);
              return this.finish(count, R[0]!);
            }
            [R[6], R[7], R[8], R[9], R[10]] = frame.saved;
            next = frame.ret;
            break;
          }
          case 'kfunc':
            throw fault('kfunc calls are not supported by the userspace VM');
        }
        if (hook) this.emit(hook, pc, s, before!, R);
        pc = next;
      }
    } catch (err) {
      this.executed = count;
      if (err instanceof MemoryFault) throw fault(err.message, { address: err.address, size: err.size });
      if (err instanceof VmFault) throw err;
      if (err instanceof BpfError) throw err;
      throw err;
    }
  }

  private finish(count: number, r0: bigint): bigint { this.executed = count; return r0; }

  private emit(hook: (e: TraceEvent) => void, pc: number, s: Slot, before: bigint[], R: bigint[]): void {
    const changed: (readonly [Reg, bigint])[] = [];
    for (let r = 0; r <= 10; r++) if (before[r] !== R[r]) changed.push([r as Reg, R[r]!]);
    hook({ pc, index: s.index, insn: s.insn, changed });
  }
}

/** Prepares a program (instruction values or raw little-endian bytes) for running. */
export function createReferenceVm(program: readonly Insn[] | Uint8Array, options: VmOptions = {}): ReferenceVm {
  return new ReferenceVm(program, options);
}
