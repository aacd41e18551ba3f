/**
 * The production interpreter (32-bit halves, src/ebpf/runtime/interpreter-core.ts) against the
 * independent bigint reference (test/helpers/reference-vm.ts) on seeded random programs:
 * well-formed ones from test/helpers/random-ebpf.ts (the kernel differential's generator), and
 * random instruction slots that decode (faults included: bad addresses, budget, bad helpers).
 * r0, the data after the run, the instruction count and every fault's text, pc, address and
 * size must be identical. The kernel itself is the oracle in test/kernel/ebpf-differential.
 * Reproduce with TSBPF_SEED; sizes with TSBPF_PROP_PROGRAMS.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode } from '../../src/ebpf/isa/index.js';
import type { Insn } from '../../src/ebpf/isa/index.js';
import { createVm, standardHelpers, VmFault, type RunInput } from '../../src/ebpf/runtime/index.js';
import { Prng, testSeed } from '../helpers/prng.js';
import { randomInput, randomProgram } from '../helpers/random-ebpf.js';
import { createReferenceVm } from '../helpers/reference-vm.js';

const SEED = testSeed(0x1e7e1e7e);
const PROGRAMS = Number(process.env.TSBPF_PROP_PROGRAMS ?? 4000);

type Outcome = string;
function outcome(run: () => { r0: bigint; data: Uint8Array | undefined; instructions: number }): Outcome {
  try {
    const r = run();
    return `r0=${r.r0.toString(16)} data=${r.data ? Array.from(r.data, (b) => b.toString(16)).join(',') : '-'} n=${r.instructions}`;
  } catch (e) {
    if (!(e instanceof VmFault)) throw e;
    const f = e;
    return `fault ${f.message} pc=${f.pc} addr=${f.address} size=${f.size}`;
  }
}

function compare(insns: readonly Insn[], inputs: readonly RunInput[], maxInstructions: number): [Outcome, Outcome][] {
  const opts = { helpers: standardHelpers(), maxInstructions };
  let fast, ref;
  try {
    fast = createVm(insns, opts);
  } catch (e) {
    assert.ok(e instanceof VmFault, `load error is a VmFault: ${(e as Error).message}`);
    assert.throws(() => createReferenceVm(insns, opts), { message: (e as Error).message });
    return [];
  }
  ref = createReferenceVm(insns, opts);
  return inputs.map((input) => [outcome(() => fast.run(input)), outcome(() => ref.run(input))]);
}

test(`well-formed random programs: fast core ≡ bigint reference (${PROGRAMS} programs, seed ${SEED})`, () => {
  let runs = 0;
  for (let i = 0; i < PROGRAMS; i++) {
    const prng = new Prng(SEED + i);
    const { body } = randomProgram(prng);
    const inputs = [{ data: randomInput(prng) }, { data: randomInput(prng) }];
    for (const [a, b] of compare(body, inputs, 100_000)) { runs++; assert.equal(a, b, `program seed ${SEED + i}`); }
  }
  console.log(`well-formed: ${runs} runs agree`);
});

/** Every opcode byte that decodes with some field values. */
function validOpcodes(): number[] {
  const ops: number[] = [];
  for (let c = 0; c < 256; c++) {
    for (const [regs, imm] of [[0x01, 0], [0x21, 0], [0x01, 16], [0x01, 1]] as const) {
      const b = new Uint8Array(16); b[0] = c; b[1] = regs; new DataView(b.buffer).setInt32(4, imm, true);
      try { decode(b.subarray(0, c === 0x18 ? 16 : 8)); ops.push(c); break; } catch { /* not with these fields */ }
    }
  }
  return ops;
}

test(`random instruction slots (faults included): fast core ≡ bigint reference (seed ${SEED})`, () => {
  const ops = validOpcodes();
  const edge = [0, 1, -1, 2, 31, 32, 63, 64, -0x80000000, 0x7fffffff, 8, 16, 0xff, -8, -512, -4];
  const atomicOps = [0, 1, 0x40, 0x41, 0x50, 0x51, 0xa0, 0xa1, 0xe1, 0xf1];
  let programs = 0, faults = 0;
  for (let seed = SEED; programs < PROGRAMS * 5 && seed < SEED + PROGRAMS * 100; seed++) {
    const rng = new Prng(seed);
    const len = 2 + rng.int(10);
    const bytes = new Uint8Array(len * 8 + 8);
    const v = new DataView(bytes.buffer);
    for (let i = 0; i < len; i++) {
      const at = i * 8, op = rng.pick(ops), cls = op & 7;
      const usesSrc = (op & 8) !== 0 || cls === 1 || cls === 3;
      const mem = cls === 1 || cls === 2 || cls === 3;
      const dst = mem ? rng.pick([1, 10, 10, 6]) : rng.int(10);
      const src = usesSrc ? (rng.bool(0.5) ? rng.pick([1, 10, 10]) : rng.int(11)) : 0;
      v.setUint8(at, op);
      v.setUint8(at + 1, (src << 4) | dst);
      v.setInt16(at + 2, cls === 5 || cls === 6 ? rng.int(len - i) : mem ? rng.pick([0, -8, -16, -4, -512, 2, 4, 30, -520]) : rng.bool(0.8) ? 0 : rng.pick([1, 8, 16, 32]), true);
      const end = (op & 0xf0) === 0xd0 && (cls === 4 || cls === 7);
      v.setInt32(at + 4, op === 0xc3 || op === 0xdb ? rng.pick(atomicOps) : end ? rng.pick([16, 32, 64]) : usesSrc && cls !== 2 ? 0 : rng.bool(0.6) ? rng.pick(edge) : rng.u32() | 0, true);
    }
    v.setUint8(len * 8, 0x95);
    let insns: Insn[];
    try { insns = decode(bytes); } catch { continue; }
    const args = [(BigInt(rng.u32()) << 32n) | BigInt(rng.u32()), BigInt(rng.pick(edge)), 0n, 5n];
    const results = compare(insns, [{ data: rng.bytes(32), args }], 500);
    for (const [a, b] of results) {
      programs++;
      if (a.startsWith('fault')) faults++;
      assert.equal(a, b, `slot program seed ${seed}`);
    }
  }
  console.log(`random slots: ${programs} programs agree (${faults} fault)`);
  assert.ok(programs >= PROGRAMS, `only ${programs} random programs decoded and loaded`);
});
