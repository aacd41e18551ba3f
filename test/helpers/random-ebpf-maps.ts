/**
 * A seeded generator of map-heavy eBPF programs for interpreter ≡ JIT tests: lookups, updates
 * with every flag value (valid, BPF_F_LOCK, unknown bits, high bits), deletes, small key
 * ranges so hash maps fill up (-E2BIG) and keys share buckets, keys of odd sizes, writes and
 * atomics through looked-up pointers (kept across later updates and deletes), keys and values
 * taken from map values and from the packet, value copies onto themselves, raw pointer values
 * folded into r0, loops, and rare bad pointers (faults). Not verifier-valid on purpose.
 *
 * Registers: r6 = packet, r7 = a kept lookup result (0 or a value pointer), r8 = loop counter,
 * r9 = accumulator (returned). Stack: key at r10-40 (8 bytes), value at r10-72 (24 bytes).
 */
import {
  R0, R1, R2, R3, R4, R6, R7, R8, R9, R10, alu64, atomic, call, exit, jmp, label, lddw, ldx, link, st, stx,
  type Insn, type ProgramItem, type Size,
} from '../../src/ebpf/isa/index.js';
import type { MapSpec } from '../../src/ebpf/runtime/maps/map.js';
import type { Prng } from './prng.js';

export const MAP_SPECS: readonly MapSpec[] = [
  { type: 'array', keySize: 4, valueSize: 12, maxEntries: 5 },
  { type: 'hash', keySize: 8, valueSize: 8, maxEntries: 4 },
  { type: 'hash', keySize: 5, valueSize: 20, maxEntries: 6 },
  { type: 'hash', keySize: 4, valueSize: 4, maxEntries: 1 },
  { type: 'hash', keySize: 13, valueSize: 16, maxEntries: 12 },
];
export const MAPS_PACKET_BYTES = 48;

const FLAGS: readonly bigint[] = [0n, 0n, 0n, 1n, 1n, 2n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 1n << 32n, (1n << 64n) - 1n];
const SIZES: readonly Size[] = [1, 2, 4, 8];

class Gen {
  private n = 0;
  constructor(private readonly r: Prng) {}
  private fresh(): string { return `M${this.n++}`; }
  /** Map 1 (4 entries) most often, so it is often full. */
  private map(): number { return this.r.bool(0.35) ? 1 : this.r.int(MAP_SPECS.length); }

  /** Writes a key for map `m` at r10-40: a few small values, so keys repeat and collide. */
  key(m: number): ProgramItem[] {
    const ks = MAP_SPECS[m]!.keySize;
    const out: ProgramItem[] = [st(8, R10, -40, 0), st(8, R10, -32, 0)];
    const range = m === 0 ? 7 : 6;
    out.push(st(4, R10, -40, this.r.int(range)));
    if (ks > 4 && this.r.bool(0.3)) out.push(st(1, R10, -40 + ks - 1, this.r.int(3)));
    return out;
  }

  /** r2 = a key pointer: the stack mostly, sometimes the kept value or the packet. */
  keyPointer(): ProgramItem[] {
    const c = this.r.int(300);
    if (c < 6) return [alu64.mov.reg(R2, R6), alu64.add.imm(R2, this.r.int(MAPS_PACKET_BYTES))];
    const stack: ProgramItem[] = [alu64.mov.reg(R2, R10), alu64.add.imm(R2, -40)];
    if (c === 6) return [alu64.mov.reg(R2, R7)]; // may be NULL: a fault, as in the interpreter
    if (c < 40) { const l = this.fresh(); return [...stack, jmp.eq.imm(R7, 0, l), alu64.mov.reg(R2, R7), label(l)]; } // a key inside a map value
    return stack;
  }

  lookup(): ProgramItem[] {
    const m = this.map(), miss = this.fresh();
    const size = this.r.pick(SIZES);
    const vs = MAP_SPECS[m]!.valueSize;
    const off = this.r.bool(0.02) ? vs + this.r.int(8) - 4 : this.r.int(Math.max(1, vs - size + 1));
    const use: ProgramItem[] = [];
    switch (this.r.int(5)) {
      case 0: use.push(ldx(size, R1, R0, off), alu64.add.reg(R9, R1)); break;
      case 1: use.push(stx(size, R0, this.r.pick([R9, R8, R6]), off)); break;
      case 2: use.push(atomic('add', vs >= 8 ? this.r.pick([4, 8] as const) : 4, R0, R9, 0)); break;
      case 3: use.push(alu64.add.reg(R9, R0)); break; // the raw pointer value
      default: use.push(alu64.mov.reg(R7, R0)); break; // kept for later
    }
    return [...this.key(m), lddw(R1, m, 1), ...this.keyPointer(), call(1), jmp.eq.imm(R0, 0, miss), ...use, label(miss), alu64.xor.reg(R9, R0)];
  }

  update(): ProgramItem[] {
    const m = this.map();
    const out: ProgramItem[] = [...this.key(m)];
    for (let o = -72; o < -48; o += 8) if (this.r.bool(0.5)) out.push(stx(8, R10, this.r.pick([R9, R8, R6]), o));
    out.push(lddw(R1, m, 1), ...this.keyPointer());
    const v = this.r.int(12);
    if (v === 0 && this.r.bool(0.2)) out.push(alu64.mov.reg(R3, R7)); // maybe NULL
    else if (v === 0) { const l = this.fresh(); out.push(alu64.mov.reg(R3, R10), alu64.add.imm(R3, -72), jmp.eq.imm(R7, 0, l), alu64.mov.reg(R3, R7), label(l)); } // a map value, maybe the same element
    else if (v === 1) out.push(alu64.mov.reg(R3, R6), alu64.add.imm(R3, this.r.int(MAPS_PACKET_BYTES - 16)));
    else out.push(alu64.mov.reg(R3, R10), alu64.add.imm(R3, -72));
    const flags = this.r.pick(FLAGS);
    out.push(flags > 0x7fffffffn ? lddw(R4, flags) : alu64.mov.imm(R4, Number(flags)), call(2), alu64.lsh.imm(R9, 3), alu64.add.reg(R9, R0));
    return out;
  }

  delete(): ProgramItem[] {
    const m = this.map();
    return [...this.key(m), lddw(R1, m, 1), ...this.keyPointer(), call(3), alu64.lsh.imm(R9, 2), alu64.add.reg(R9, R0)];
  }

  /** Through the kept pointer (after later updates/deletes of its key: still the slot's bytes). */
  kept(): ProgramItem[] {
    const skip = this.fresh(), size = this.r.pick([1, 2, 4] as const);
    return [jmp.eq.imm(R7, 0, skip), this.r.bool() ? ldx(size, R3, R7, 0) : stx(size, R7, R9, 0), alu64.add.reg(R9, R3), label(skip)];
  }

  simple(): ProgramItem[] {
    const c = this.r.int(100);
    if (c < 35) return this.lookup();
    if (c < 70) return this.update();
    if (c < 85) return this.delete();
    if (c < 97) return this.kept();
    if (c < 99 || this.r.bool(0.7)) return [alu64.mov.imm(R3, 7)]; // filler
    return [lddw(R1, (BigInt(this.r.int(40)) << 32n) | BigInt(this.r.int(3))), alu64.mov.reg(R2, R10), alu64.add.imm(R2, -40), call(1), alu64.xor.reg(R9, R0)]; // not a map: fault
  }

  loop(): ProgramItem[] {
    const head = this.fresh();
    const body: ProgramItem[] = [];
    for (let k = 1 + this.r.int(3); k > 0; k--) body.push(...this.simple());
    return [alu64.mov.imm(R8, 1 + this.r.int(6)), label(head), ...body, alu64.sub.imm(R8, 1), jmp.ne.imm(R8, 0, head)];
  }

  program(): Insn[] {
    const items: ProgramItem[] = [alu64.mov.reg(R6, R1), alu64.mov.imm(R7, 0), alu64.mov.imm(R8, 0), alu64.mov.imm(R9, this.r.int(1000))];
    for (let o = -8; o >= -96; o -= 8) items.push(st(8, R10, o, this.r.u32() | 0));
    for (let k = 6 + this.r.int(20); k > 0; k--) items.push(...(this.r.bool(0.15) ? this.loop() : this.simple()));
    items.push(alu64.mov.reg(R0, R9), exit());
    return link(items);
  }
}

export function randomMapProgram(prng: Prng): Insn[] { return new Gen(prng).program(); }

