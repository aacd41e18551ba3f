/**
 * The JIT zeroes only the part of frame 0 that r10 can reach when nothing else can (program.ts,
 * stackSpan): every run must still start from the interpreter's all-zero frame — reads before
 * writes through r10, and reads and writes through forged pointers to the stack region (which
 * turn the partial zeroing off), over several runs that write different bytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileWasm } from '../../src/ebpf/jit/index.js';
import { createVm, standardHelpers, type RunInput } from '../../src/ebpf/runtime/index.js';
import { R0, R1, R2, R3, R6, R10, alu64, exit, ja, jmp, label, lddw, ldx, link, st, stx, type ProgramItem, type Size } from '../../src/ebpf/isa/index.js';
import { assembleConformance } from '../../src/ebpf/asm/conformance/index.js';
import { Prng, testSeed } from '../helpers/prng.js';

interface Engine { run(input?: RunInput): { r0: bigint; instructions: number } }

function outcome(e: Engine, input: RunInput): string {
  try {
    const r = e.run(input);
    return `ok r0=${r.r0.toString(16)} n=${r.instructions}`;
  } catch (err) {
    const f = err as { index?: number; message: string };
    return `fault index=${f.index} ${f.message}`;
  }
}

/** Frame 0's region id: the same in every fresh environment (the JIT maps regions in the interpreter's order). */
const STACK0 = createVm(assembleConformance('mov %r0, %r10\nexit\n')).run().r0 >> 32n;
const SIZES: readonly Size[] = [1, 2, 4, 8];

/**
 * Per run, bit k of the packet's first byte decides whether step k runs: r10 stores and loads
 * in a small window below the top, and (some programs) loads and stores through a pointer to
 * frame 0 forged with lddw, anywhere in the frame. r0 folds every value loaded.
 */
function randomProgram(r: Prng, forged: boolean): ProgramItem[] {
  const items: ProgramItem[] = [ldx(1, R6, R1, 0), alu64.mov.imm(R0, 0)];
  if (forged) items.push(lddw(R2, STACK0 << 32n));
  const steps = 3 + r.int(6);
  for (let k = 0; k < steps; k++) {
    const size = r.pick(SIZES);
    items.push(jmp.set.imm(R6, 1 << (k % 8), `s${k}`), ja(`e${k}`), label(`s${k}`));
    const viaForged = forged && r.bool(0.4);
    const off = viaForged ? r.int(512 - size + 1) : -size - r.int(24);
    const base = viaForged ? R2 : R10;
    if (r.bool()) items.push(ldx(size, R3, base, off), alu64.xor.reg(R0, R3), alu64.lsh.imm(R0, 1));
    else if (r.bool()) items.push(st(size, base, off, r.int(1 << 30) + 1));
    else items.push(stx(size, base, R6, off));
    items.push(label(`e${k}`));
  }
  items.push(exit());
  return items;
}

test('partial stack zeroing: runs start from an all-zero frame 0, with and without forged stack pointers', () => {
  const seed = testSeed(0x57a);
  const r = new Prng(seed);
  const N = 300;
  let runs = 0;
  for (let i = 0; i < N; i++) {
    const insns = link(randomProgram(r, i % 2 === 1));
    const vm = createVm(insns, { helpers: standardHelpers() });
    const jit = compileWasm(insns, { helpers: standardHelpers() });
    for (let k = 0; k < 8; k++) {
      const data = Uint8Array.of(r.u32() & 0xff, 0, 0, 0);
      assert.equal(outcome(jit, { data }), outcome(vm, { data }), `seed ${seed}, program ${i}, run ${k}`);
      runs++;
    }
  }
  console.log(`stack zeroing: ${runs} runs of ${N} programs identical (seed ${seed})`);
});

test('a program that never uses r10 still sees a zeroed frame 0 through a forged pointer', () => {
  // Run 1 writes frame 0 through the forged pointer; run 2 only reads it: the interpreter zeroed it in between.
  const insns = link([
    lddw(R2, STACK0 << 32n), ldx(1, R6, R1, 0), alu64.mov.imm(R0, 0),
    jmp.eq.imm(R6, 0, 'read'), st(8, R2, 200, 0x1234567),
    label('read'), ldx(8, R0, R2, 200), exit(),
  ]);
  const vm = createVm(insns, { helpers: standardHelpers() });
  const jit = compileWasm(insns, { helpers: standardHelpers() });
  for (const first of [1, 0, 1, 1, 0, 0]) {
    const data = Uint8Array.of(first);
    assert.equal(outcome(jit, { data }), outcome(vm, { data }), `first byte ${first}`);
  }
});
