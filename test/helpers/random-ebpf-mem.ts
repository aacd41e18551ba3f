/**
 * A seeded generator of random eBPF programs that use memory, maps and helpers, for
 * interpreter ≡ JIT differential tests. Unlike random-ebpf.ts (kernel-verifiable programs),
 * these need not pass a verifier: they read and write the stack, the packet and map values at
 * offsets that are sometimes out of bounds, call map and clock/RNG helpers, use legacy packet
 * loads that may end the run, atomics, bounded loops and, sometimes, an irreducible loop (two
 * entries), so faults, early ends and every control-flow shape are compared too.
 *
 * Registers: r6 = packet pointer, r7 = packet length (kept), r8 = loop counter, the others
 * scratch. Maps (by index): 0 = array (4-byte keys, 16-byte values, 8 entries), 1 = hash
 * (8-byte keys, 16-byte values, 16 entries).
 */
import {
  R0, R1, R2, R3, R6, R7, R8, R9, R10, alu32, alu64, atomic, call, callLocal, exit, ja, jmp, jmp32, label, ldabs, ldind, lddw, ldx, link, st, stx,
  type AluOp, type Insn, type JmpCond, type ProgramItem, type Reg, type Size,
} from '../../src/ebpf/isa/index.js';
import type { MapSpec } from '../../src/ebpf/runtime/maps/map.js';
import type { Prng } from './prng.js';

export const MEM_MAPS: readonly MapSpec[] = [
  { type: 'array', keySize: 4, valueSize: 16, maxEntries: 8 },
  { type: 'hash', keySize: 8, valueSize: 16, maxEntries: 16 },
];
export const PACKET_BYTES = 64;

const SCRATCH: readonly Reg[] = [0, 1, 2, 3, 4, 5, 9];
const OPS: readonly Exclude<AluOp, 'neg' | 'movsx8' | 'movsx16' | 'movsx32'>[] = ['add', 'sub', 'mul', 'div', 'sdiv', 'or', 'and', 'lsh', 'rsh', 'mod', 'smod', 'xor', 'mov', 'arsh'];
const CONDS: readonly JmpCond[] = ['eq', 'gt', 'ge', 'set', 'ne', 'sgt', 'sge', 'lt', 'le', 'slt', 'sle'];
const SIZES: readonly Size[] = [1, 2, 4, 8];

class Gen {
  private n = 0;
  /** Local functions (by label) the program calls; their bodies follow main. */
  private readonly functions: string[] = [];
  constructor(private readonly r: Prng) {}
  private fresh(): string { return `L${this.n++}`; }
  private scratch(): Reg { return this.r.pick(SCRATCH); }
  private imm(): number { return this.r.bool(0.5) ? this.r.pick([0, 1, -1, 2, 7, 8, 31, 32, 63, 64, 0x7fffffff, -0x80000000]) : this.r.u32() | 0; }
  /** Mostly in-bounds offsets from a base whose region has `size` bytes starting at `lo`. */
  private off(lo: number, size: number, width: number): number {
    if (this.r.bool(0.04)) return lo + this.r.int(size + 32) - 16; // sometimes out of bounds
    return lo + this.r.int(Math.max(1, size - width + 1));
  }

  alu(): Insn {
    const op = this.r.pick(OPS);
    const fam = this.r.bool() ? alu64 : alu32;
    const d = this.scratch();
    if (this.r.bool()) return fam[op].reg(d, this.scratch());
    let imm = this.imm();
    if ((op === 'lsh' || op === 'rsh' || op === 'arsh') && this.r.bool(0.8)) imm &= 31;
    return fam[op].imm(d, imm);
  }

  stackAccess(): Insn[] {
    const size = this.r.pick(SIZES);
    const off = this.off(-64, 64, size);
    switch (this.r.int(4)) {
      case 0: return [ldx(size, this.scratch(), R10, off)];
      case 1: return [st(size, R10, off, this.imm())];
      case 2: return [stx(size, R10, this.scratch(), off)];
      default: {
        // Through a copy of r10 (the general, table-translated path).
        const p = this.scratch();
        return [alu64.mov.reg(p, R10), alu64.add.imm(p, off), this.r.bool() ? ldx(size, this.scratch(), p, 0) : stx(size, p, this.scratch(), 0)];
      }
    }
  }

  packetAccess(): Insn[] {
    const size = this.r.pick(SIZES);
    const off = this.off(0, PACKET_BYTES, size);
    return this.r.bool() ? [ldx(size, this.scratch(), R6, off)] : [stx(size, R6, this.scratch(), off)];
  }

  legacyLoad(): Insn[] {
    const size = this.r.pick([1, 2, 4] as const);
    if (this.r.bool()) return [ldabs(size, this.off(0, PACKET_BYTES, size))];
    const s = this.scratch();
    return [alu64.mov.imm(s, this.r.int(PACKET_BYTES)), ldind(size, s, this.r.int(16) - 4)];
  }

  atomicOp(): Insn[] {
    const size = this.r.pick([4, 8] as const);
    const op = this.r.pick(['add', 'or', 'and', 'xor', 'xchg', 'cmpxchg'] as const);
    return [atomic(op, size, R10, this.scratch(), -8 * (1 + this.r.int(8)), op === 'xchg' || op === 'cmpxchg' ? true : this.r.bool())];
  }

  /** Lookup in a map; on a hit, access the value (sometimes out of bounds). */
  mapLookup(): ProgramItem[] {
    const m = this.r.int(2);
    const miss = this.fresh();
    const size = this.r.pick(SIZES);
    const key: ProgramItem[] = m === 0
      ? [st(4, R10, -72, this.r.int(10))]
      : [st(8, R10, -72, this.r.int(6))];
    const access: Insn[] = [];
    const vo = this.off(0, 16, size);
    switch (this.r.int(3)) {
      case 0: access.push(ldx(size, R1, R0, vo), alu64.add.reg(R3, R1)); break;
      case 1: access.push(stx(size, R0, this.r.pick([R3, R7]), vo)); break;
      default: access.push(atomic('add', this.r.pick([4, 8] as const), R0, R7, 8)); break;
    }
    return [...key, lddw(R1, m, 1), alu64.mov.reg(R2, R10), alu64.add.imm(R2, -72), call(1), jmp.eq.imm(R0, 0, miss), ...access, label(miss)];
  }

  mapUpdate(): ProgramItem[] {
    const m = this.r.int(2);
    return [
      m === 0 ? st(4, R10, -72, this.r.int(10)) : st(8, R10, -72, this.r.int(6)),
      stx(8, R10, this.scratch(), -88), stx(8, R10, R7, -80),
      lddw(R1, m, 1), alu64.mov.reg(R2, R10), alu64.add.imm(R2, -72), alu64.mov.reg(R3, R10), alu64.add.imm(R3, -88),
      alu64.mov.imm(4 as Reg, this.r.int(4)), call(2),
    ];
  }

  mapDelete(): ProgramItem[] {
    return [st(8, R10, -72, this.r.int(6)), lddw(R1, 1, 1), alu64.mov.reg(R2, R10), alu64.add.imm(R2, -72), call(3)];
  }

  simple(): ProgramItem[] {
    switch (this.r.int(10)) {
      case 0: case 1: case 2: return [this.alu()];
      case 3: return this.stackAccess();
      case 4: return this.packetAccess();
      case 5: return this.r.bool(0.3) ? this.legacyLoad() : this.atomicOp();
      case 6: return this.mapLookup();
      case 7: return this.r.bool(0.7) ? this.mapUpdate() : this.mapDelete();
      case 8: return [call(this.r.pick([5, 7, 8])), alu64.xor.reg(this.scratch(), R0)];
      default: return this.stackAccess();
    }
  }

  /** A bounded loop on r8 around simple operations. */
  loop(): ProgramItem[] {
    const head = this.fresh();
    const body: ProgramItem[] = [];
    for (let k = 1 + this.r.int(3); k > 0; k--) body.push(...this.simple());
    return [alu64.mov.imm(R8, 1 + this.r.int(20)), label(head), ...body, alu64.sub.imm(R8, 1), jmp.ne.imm(R8, 0, head)];
  }

  /** Two entries into one loop: irreducible. */
  irreducible(): ProgramItem[] {
    const a = this.fresh(), b = this.fresh();
    return [
      alu64.mov.imm(R8, 1 + this.r.int(5)),
      jmp.set.imm(this.scratch(), 1, b),
      label(a), this.alu(), alu64.add.imm(R0, 3),
      label(b), this.alu(), alu64.sub.imm(R8, 1), jmp.sgt.imm(R8, 0, a),
    ];
  }

  forward(depth: number): ProgramItem[] {
    const skip = this.fresh();
    const inner = this.block(depth + 1, 1 + this.r.int(3));
    const cond = this.r.pick(CONDS);
    const j = this.r.bool() ? jmp[cond] : jmp32[cond];
    const head = this.r.bool() ? j.imm(this.scratch(), this.imm(), skip) : j.reg(this.scratch(), this.scratch(), skip);
    if (this.r.bool(0.3)) {
      const out = this.fresh();
      return [head, ...inner, ja(out), label(skip), ...this.block(depth + 1, 1 + this.r.int(2)), label(out)];
    }
    return [head, ...inner, label(skip)];
  }

  block(depth: number, count: number): ProgramItem[] {
    const out: ProgramItem[] = [];
    for (let k = 0; k < count; k++) {
      const c = this.r.int(12);
      if (c === 0 && depth < 3) out.push(...this.forward(depth));
      else if (c === 1 && depth < 2) out.push(...this.loop());
      else if (c === 2 && depth < 2 && this.r.bool(0.3)) out.push(...this.irreducible());
      else if (c === 3 && this.r.bool(0.4)) out.push(...this.localCall());
      else out.push(...this.simple());
    }
    return out;
  }

  /** A call of a new or an existing local function (which sees and may change r0–r5). */
  localCall(): ProgramItem[] {
    if (this.functions.length === 0 || (this.functions.length < 3 && this.r.bool(0.5))) this.functions.push(`fn${this.functions.length}`);
    return [callLocal(this.r.pick(this.functions))];
  }

  /**
   * A function body: simple operations on its own frame, sometimes calling itself while r9
   * (incremented per level) is below a bound that may exceed the 8-frame limit.
   */
  functionBody(name: string): ProgramItem[] {
    const out: ProgramItem[] = [label(name)];
    for (let k = 1 + this.r.int(4); k > 0; k--) out.push(...this.simple());
    if (this.r.bool(0.4)) {
      const skip = this.fresh();
      out.push(jmp.sge.imm(R9, this.r.int(10), skip), alu64.add.imm(R9, 1), callLocal(name), label(skip));
    }
    out.push(exit());
    return out;
  }

  program(): Insn[] {
    const items: ProgramItem[] = [alu64.mov.reg(R6, R1), alu64.mov.reg(R7, R2)];
    for (const r of [0, 3, 4, 5, 9] as Reg[]) items.push(alu64.mov.imm(r, this.imm()));
    for (let o = -8; o >= -96; o -= 8) items.push(st(8, R10, o, this.imm()));
    items.push(...this.block(0, 8 + this.r.int(25)));
    // Fold everything into r0.
    for (const r of [3, 4, 5, 9, 6, 7] as Reg[]) items.push(alu64.xor.reg(R0, r));
    items.push(exit());
    for (let i = 0; i < this.functions.length; i++) items.push(...this.functionBody(this.functions[i]!));
    return link(items);
  }
}

export function randomMemProgram(prng: Prng): Insn[] { return new Gen(prng).program(); }
