/**
 * Interpreter ≡ Wasm JIT on seeded random programs (TSBPF_SEED overrides the seeds):
 *   - the kernel-differential generator's programs (test/helpers/random-ebpf.ts): every ALU
 *     operation, byte swaps, stack accesses, atomics, branches and local calls;
 *   - programs using memory, maps and helpers (test/helpers/random-ebpf-mem.ts), with
 *     out-of-bounds accesses, legacy packet loads that end the run, bounded and irreducible
 *     loops: r0, the packet after the run, the instruction count, the fault (message, index,
 *     address) and the maps' contents must all be identical, over two runs sharing the maps;
 *   - random instruction values of every kind (test/helpers/ebpf-random.ts), where load-time
 *     refusals must be identical too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createVm, createMap, standardHelpers, type BpfMap } from '../../src/ebpf/runtime/index.js';
import { compileWasm } from '../../src/ebpf/jit/index.js';
import type { Insn } from '../../src/ebpf/isa/index.js';
import { Prng, testSeed } from '../helpers/prng.js';
import { hexOutcome as outcome, type DataEngine as Engine } from '../helpers/ebpf-outcome.js';
import { randomInput, randomProgram } from '../helpers/random-ebpf.js';
import { MEM_MAPS, PACKET_BYTES, randomMemProgram } from '../helpers/random-ebpf-mem.js';
import { randomInsn } from '../helpers/ebpf-random.js';

function mapState(maps: readonly BpfMap[]): string {
  return maps.map((m) => {
    const parts: string[] = [];
    let k: Uint8Array | undefined;
    const keys: string[] = [];
    while ((k = m.nextKey(k)) !== undefined) {
      const ref = m.lookup(k)!;
      keys.push(`${Buffer.from(k).toString('hex')}:${Buffer.from(ref.buffer.subarray(ref.offset, ref.offset + m.spec.valueSize)).toString('hex')}`);
    }
    parts.push(keys.sort().join(','));
    return parts.join(';');
  }).join(' | ');
}

const describe = (insns: readonly Insn[]) => insns.length;

test('interpreter ≡ JIT on the kernel-differential random programs', () => {
  const seed = testSeed(0x6a17);
  const prng = new Prng(seed);
  const N = 300;
  let faults = 0;
  for (let i = 0; i < N; i++) {
    const p = randomProgram(prng);
    const data = randomInput(prng);
    const vm = createVm(p.body, { helpers: standardHelpers() });
    const jit = compileWasm(p.body, { helpers: standardHelpers() });
    const a = outcome(vm, data), b = outcome(jit, data);
    if (a.startsWith('fault')) faults++;
    assert.equal(b, a, `seed ${seed}, program ${i} (${describe(p.body)} insns)`);
    // These programs pass the kernel's verifier: the mode reserved for such programs (no bounds
    // compare, region cache, no budget) must give the same r0 and data.
    const proven = compileWasm(p.body, { helpers: standardHelpers(), checked: false, budget: false });
    assert.equal(outcome(proven, data).replace(/ n=\d+/, ''), a.replace(/ n=\d+/, ''), `seed ${seed}, program ${i} unchecked`);
  }
  console.log(`kernel-differential programs: ${N}/${N} identical, checked and unchecked (seed ${seed}, ${faults} faulting)`);
});

test('interpreter ≡ JIT on random programs using memory, maps and helpers (faults, early ends, loops)', () => {
  const seed = testSeed(0x3e3);
  const prng = new Prng(seed);
  const N = 600;
  let faults = 0, dispatched = 0;
  for (let i = 0; i < N; i++) {
    const insns = randomMemProgram(prng);
    const packets = [prng.bytes(PACKET_BYTES - 16 + prng.int(32)), prng.bytes(PACKET_BYTES - 16 + prng.int(32))];
    const mk = () => MEM_MAPS.map((s) => createMap(s));
    const mapsA = mk(), mapsB = mk();
    const vm = createVm(insns, { helpers: standardHelpers(), maps: mapsA, maxInstructions: 5000 });
    const jit = compileWasm(insns, { helpers: standardHelpers(), maps: mapsB, maxInstructions: 5000 });
    if (jit.dispatched > 0) dispatched++;
    for (const data of packets) {
      const a = outcome(vm, data.slice()), b = outcome(jit, data.slice());
      if (a.startsWith('fault')) faults++;
      assert.equal(b, a, `seed ${seed}, program ${i}`);
      assert.equal(mapState(mapsB), mapState(mapsA), `seed ${seed}, program ${i}: maps`);
      assert.deepEqual(jit.env.traceLines, vm.env.traceLines);
    }
  }
  console.log(`memory/maps/helpers programs: ${N} programs x 2 runs identical (seed ${seed}; ${faults} runs faulted, ${dispatched} programs had an irreducible loop)`);
});

test('interpreter ≡ JIT when the instruction budget runs out (same faulting instruction)', () => {
  const seed = testSeed(0xb0d6e7);
  const prng = new Prng(seed);
  const N = 200;
  let exhausted = 0;
  for (let i = 0; i < N; i++) {
    const insns = randomMemProgram(prng);
    const data = prng.bytes(PACKET_BYTES);
    const budget = 5 + prng.int(300);
    const vm = createVm(insns, { helpers: standardHelpers(), maps: MEM_MAPS.map((s) => createMap(s)), maxInstructions: budget });
    const jit = compileWasm(insns, { helpers: standardHelpers(), maps: MEM_MAPS.map((s) => createMap(s)), maxInstructions: budget });
    const a = outcome(vm, data.slice()), b = outcome(jit, data.slice());
    if (a.includes('budget')) exhausted++;
    assert.equal(b, a, `seed ${seed}, program ${i}, budget ${budget}`);
  }
  console.log(`budget runs: ${N}/${N} identical (seed ${seed}; ${exhausted} exhausted the budget)`);
});

test('interpreter ≡ JIT on random instruction values (every kind, edge-case operands, load-time and run-time faults)', () => {
  const seed = testSeed(0x51075);
  const rng = new Prng(seed);
  const N = 3000;
  let loaded = 0, faults = 0;
  for (let i = 0; i < N; i++) {
    const len = 2 + rng.int(12);
    const insns: Insn[] = [];
    for (let k = 0; k < len; k++) {
      let insn = randomInsn(rng);
      // Jumps and calls mostly within the program (forward and backward), so most programs load.
      if ((insn.kind === 'jmp' || insn.kind === 'ja' || insn.kind === 'call-local') && rng.bool(0.9)) insn = { ...insn, off: rng.int(len + 1) - k - 1 + (rng.bool(0.8) ? 0 : -rng.int(3)) } as Insn;
      if (insn.kind === 'lddw' && insn.pseudo !== 0 && rng.bool(0.7)) insn = { ...insn, pseudo: 0 };
      insns.push(insn);
    }
    insns.push({ kind: 'exit' });
    const data = rng.bytes(32);
    const args = [(BigInt(rng.u32()) << 32n) | BigInt(rng.u32()), BigInt(rng.int(64)), 0n, 5n];
    const run = (make: () => { run(i: { data: Uint8Array; args: bigint[] }): { r0: bigint; instructions: number; data: Uint8Array | undefined } }) => {
      let engine;
      try { engine = make(); } catch (err) { return `load ${(err as Error).name}: ${(err as Error).message}`; }
      return outcome({ run: () => engine.run({ data: data.slice(), args }) } as unknown as Engine, data);
    };
    const helpers = standardHelpers();
    const a = run(() => createVm(insns, { helpers, maxInstructions: 300 }));
    const b = run(() => compileWasm(insns, { helpers: standardHelpers(), maxInstructions: 300 }));
    if (!a.startsWith('load')) loaded++;
    if (a.startsWith('fault')) faults++;
    assert.equal(b, a, `seed ${seed}, program ${i}: ${JSON.stringify(insns, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}`);
  }
  console.log(`random instruction values: ${N}/${N} identical (seed ${seed}; ${loaded} loaded, ${faults} faulted at run time)`);
});
