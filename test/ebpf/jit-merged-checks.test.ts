/**
 * The JIT's merged packet checks (compile.ts, mergePlans): a block's packet accesses through
 * registers not written earlier in the range are checked with one compare per base register,
 * and the range falls back to one check per access when that compare fails. Seeded random
 * blocks of loads and stores whose bytes straddle both ends of the packet, through bases moved
 * before and inside the range (ALU, loads into the base), bases that point at the stack or the
 * ctx instead, over packets of every length 0..40: r0, count, packet and fault (message, index,
 * address) must be the interpreter's, checked and (where the interpreter succeeds) unchecked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileWasm } from '../../src/ebpf/jit/index.js';
import { createVm, standardHelpers, type RunInput } from '../../src/ebpf/runtime/index.js';
import { R0, R1, R3, R6, R7, R10, alu64, exit, jmp, label, ldx, link, st, stx, type Insn, type ProgramItem, type Reg, type Size } from '../../src/ebpf/isa/index.js';
import { Prng, testSeed } from '../helpers/prng.js';
import { runOutcome, type Engine } from '../helpers/ebpf-outcome.js';

const outcome = (e: Engine, input: RunInput): string => runOutcome(e, input, (f) => `fault ${f.code} index=${f.index} ${f.message} addr=${f.address}`);

const SIZES: readonly Size[] = [1, 2, 4, 8];

/** r6 and r7: the packet (moved), sometimes the stack or the ctx; blocks of accesses around their ends. */
function randomProgram(r: Prng, withCtx: boolean): Insn[] {
  const items: ProgramItem[] = [alu64.mov.reg(R6, R1), alu64.mov.reg(R7, R1), alu64.mov.imm(R0, 0)];
  const elsewhere = (reg: Reg) => { if (r.bool(0.1)) items.push(alu64.mov.reg(reg, R10), alu64.add.imm(reg, -16)); };
  void withCtx; // with a ctx, r1 (so r6 and r7) point at the ctx: the merged compare fails, each access is checked
  elsewhere(R6);
  elsewhere(R7);
  items.push(alu64.add.imm(R6, r.int(8) - 1), alu64.add.imm(R7, r.int(16) - 2));
  const blocks = 1 + r.int(3);
  for (let b = 0; b < blocks; b++) {
    const n = 2 + r.int(5);
    for (let k = 0; k < n; k++) {
      const base = r.pick([R6, R7] as Reg[]);
      const size = r.pick(SIZES);
      const off = r.bool(0.85) ? r.int(12) : r.int(28) - 6; // mostly inside longer packets
      switch (r.int(7)) {
        case 0: case 1: case 2: items.push(ldx(size, R3, base, off), alu64.xor.reg(R0, R3)); break;
        case 3: items.push(stx(size, base, R0, off)); break;
        case 4: items.push(st(size, base, off, r.int(1 << 16))); break;
        case 5: items.push(alu64.add.imm(base, r.int(9) - 4)); break; // the base moves inside the range
        default: items.push(ldx(1, base === R6 ? R7 : R6, base, r.int(8))); // a load into the other base
      }
    }
    if (r.bool(0.5)) items.push(jmp.set.imm(R0, 1 << r.int(8), `b${b}`), alu64.add.imm(R0, 1), label(`b${b}`));
  }
  items.push(exit());
  return link(items);
}

test('merged packet checks: random accesses straddling the packet (and other regions) at every length', () => {
  const seed = testSeed(0x3e6);
  const r = new Prng(seed);
  const N = 300;
  let runs = 0, faults = 0;
  for (let i = 0; i < N; i++) {
    const withCtx = r.bool(0.3);
    const insns = randomProgram(r, withCtx);
    const vm = createVm(insns, { helpers: standardHelpers() });
    const checked = compileWasm(insns, { helpers: standardHelpers() });
    const unchecked = compileWasm(insns, { helpers: standardHelpers(), checked: false });
    // One compiled program over packets of every length: the merged bounds follow each run's length.
    for (let len = 0; len <= 40; len += 1 + (i % 3)) {
      const data = () => Uint8Array.from({ length: len }, (_, k) => (k * 37 + i) & 0xff);
      const input = (): RunInput => (withCtx ? { data: data(), ctx: Uint8Array.from({ length: 24 }, (_, k) => k) } : { data: data() });
      const want = outcome(vm, input());
      assert.equal(outcome(checked, input()), want, `seed ${seed}, program ${i}, length ${len}`);
      if (want.startsWith('ok')) assert.equal(outcome(unchecked, input()), want, `seed ${seed}, program ${i}, length ${len} unchecked`);
      else faults++;
      runs++;
    }
  }
  assert.ok(faults > runs / 10 && faults < runs * 0.9, `${faults} of ${runs} runs fault`);
  console.log(`merged checks: ${runs} runs of ${N} programs identical (seed ${seed}, ${faults} faulting)`);
});
