/**
 * The JIT's hand-over from main's hot code to its general copy (compile.ts, `Resume`): a memory
 * access that neither the packet test nor the region table resolves (a region to attach, or a
 * fault) continues the run in a second copy of main, at that very instruction, re-run from its
 * start, with the count of the block so far. Seeded random programs whose accesses straddle the
 * ends of the packet, the stack and a region the program reaches through a forged pointer (so it
 * must be attached mid-run, mid-block, mid-loop) must give the interpreter's r0, instruction
 * count, packet, fault (message, index) and the region's bytes — at every budget for some of them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileWasm } from '../../src/ebpf/jit/index.js';
import { Env, createVm, standardHelpers, type RunInput } from '../../src/ebpf/runtime/index.js';
import { R0, R3, R4, R6, R7, R8, R10, alu32, alu64, exit, jmp, label, lddw, ldx, link, st, stx, type Insn, type ProgramItem, type Reg, type Size } from '../../src/ebpf/isa/index.js';
import { Prng, testSeed } from '../helpers/prng.js';

interface Engine { run(input?: RunInput): { r0: bigint; instructions: number; data?: Uint8Array | undefined } }

const EXT_BYTES = 24;

/** An environment whose first region is EXT_BYTES bytes no program maps: reached only by a forged pointer. */
function envWithExternal(): { env: Env; ext: Uint8Array; id: number } {
  const env = new Env({ helpers: standardHelpers() });
  const ext = Uint8Array.from({ length: EXT_BYTES }, (_, i) => 0x40 + i);
  return { env, ext, id: env.memory.map(ext, 'map-value').id };
}

function outcome(e: Engine, input: RunInput, ext: Uint8Array): string {
  try {
    const r = e.run(input);
    return `ok r0=${r.r0} n=${r.instructions} data=${r.data ? [...r.data].join(',') : '-'} ext=${ext.join(',')}`;
  } catch (err) {
    const f = err as { code?: string; index?: number; message: string; address?: bigint };
    return `fault ${f.code} index=${f.index} ${f.message} addr=${f.address} ext=${ext.join(',')}`;
  }
}

const SIZES: readonly Size[] = [1, 2, 4, 8];

/**
 * r6 walks the packet, r7 the external region (a forged pointer), r10 is the stack; a bounded
 * loop of blocks mixing loads and stores through all three at offsets around their ends, with
 * ALU work between them, so slow paths happen mid-block and in later iterations.
 */
function randomProgram(r: Prng, extId: number): Insn[] {
  const body: ProgramItem[] = [];
  const base = (): { reg: Reg; lo: number; size: number } => r.pick([
    { reg: R6 as Reg, lo: 0, size: 16 }, { reg: R7 as Reg, lo: 0, size: EXT_BYTES }, { reg: R10 as Reg, lo: -32, size: 32 },
  ]);
  const nBlocks = 1 + r.int(4);
  for (let b = 0; b < nBlocks; b++) {
    const n = 1 + r.int(5);
    for (let k = 0; k < n; k++) {
      const { reg, lo, size: span } = base();
      const size = r.pick(SIZES);
      // Mostly inside, sometimes across either end.
      const off = r.bool(0.85) ? lo + r.int(Math.max(1, span - size + 1)) : lo + r.int(span + 2 * size) - size;
      const kind = r.int(3);
      if (kind === 0) { body.push(ldx(size, R3, reg, off), alu64.add.reg(R0, R3)); continue; }
      if (kind === 1) { body.push(stx(size, reg, R0, off)); continue; }
      body.push(st(size, reg, off, r.int(256)), alu32.xor.imm(R0, r.int(1 << 16)));
    }
    if (r.bool(0.5)) body.push(jmp.set.imm(R0, 1 << r.int(8), `skip${b}`), alu64.add.imm(R0, 3), label(`skip${b}`));
  }
  return link([
    alu64.mov.reg(R6, 1),
    lddw(R7, BigInt(extId) << 32n),
    alu64.mov.imm(R0, 0),
    alu64.mov.imm(R8, 0),
    label('loop'),
    ...body,
    alu64.add.imm(R6, r.int(3)),
    alu64.add.imm(R7, r.int(3)),
    alu64.add.imm(R8, 1),
    jmp.lt.imm(R8, 1 + r.int(6), 'loop'),
    alu64.mov.reg(R4, R0),
    exit(),
  ]);
}

function compare(insns: Insn[], data: Uint8Array, maxInstructions: number, what: string): string {
  const a = envWithExternal(), b = envWithExternal();
  assert.equal(a.id, b.id);
  const vm = createVm(insns, { env: a.env, maxInstructions });
  const jit = compileWasm(insns, { env: b.env, maxInstructions });
  const want = outcome(vm, { data: data.slice() }, a.ext);
  assert.equal(outcome(jit, { data: data.slice() }, b.ext), want, what);
  // A second run: the region attached again, the packet staged again.
  assert.equal(outcome(jit, { data: data.slice() }, b.ext), outcome(vm, { data: data.slice() }, a.ext), `${what}, second run`);
  return want;
}

test('slow paths resume in the general copy: random accesses across packet, stack and attached-region ends', () => {
  const seed = testSeed(0x5e5);
  const r = new Prng(seed);
  const N = 400;
  let faults = 0;
  for (let i = 0; i < N; i++) {
    const { id } = envWithExternal();
    const insns = randomProgram(r, id);
    const data = r.bytes(8 + r.int(24));
    if (compare(insns, data, 100_000, `seed ${seed}, program ${i}`).startsWith('fault')) faults++;
  }
  // Both kinds of outcome must be common, or the test would not exercise what it claims.
  assert.ok(faults > N / 10 && faults < N * 0.9, `${faults} of ${N} programs fault`);
  console.log(`resume: ${N} programs identical (seed ${seed}, ${faults} faulting)`);
});

test('slow paths resume in the general copy: every budget on some programs', () => {
  const seed = testSeed(0xb0d);
  const r = new Prng(seed);
  let runs = 0;
  for (let i = 0; i < 12; i++) {
    const { id } = envWithExternal();
    const insns = randomProgram(r, id);
    const data = r.bytes(24);
    const full = compare(insns, data, 100_000, `seed ${seed}, program ${i}`);
    const n = Number(/ n=(\d+)/.exec(full)?.[1] ?? 60);
    for (let max = 0; max <= n + 1; max++) { compare(insns, data, max, `seed ${seed}, program ${i}, budget ${max}`); runs++; }
  }
  console.log(`resume budgets: ${runs} runs identical (seed ${seed})`);
});
