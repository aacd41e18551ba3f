/**
 * JIT ≡ interpreter: 120k seeded random (program, packet, metadata) triples, with every
 * feature on (ancillary loads with random metadata, SKF_LL_OFF/SKF_NET_OFF loads, shifts by
 * X >= 32, X + k overflow, faults). Both code shapes of the JIT are exercised: nested labeled
 * blocks (the default) and the switch loop used for programs with very many jump targets.
 * A failure prints the seed (rerun with TSBPF_SEED=...) and the program in -ddd form.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interpret } from '../../src/cbpf/interpreter.js';
import { compileClassic, compileUncached, classicJitSource } from '../../src/cbpf/jit.js';
import { insn } from '../../src/cbpf/insn.js';
import { ClassicProgram } from '../../src/cbpf/program.js';
import { ClassicCheckError } from '../../src/cbpf/checker.js';
import { Prng, testSeed } from '../helpers/prng.js';
import { hexOf, randomMeta, randomTriples, toDdd } from './classic-gen.js';

function property(seed: number, programs: number, packetsPer: number, maxNesting?: number): number {
  return randomTriples(seed, programs, packetsPer, (prog) => (maxNesting === undefined ? compileClassic(prog) : compileUncached(prog, { maxNesting })), (jit, prog, packet, rng, where) => {
    const metaSeed = rng.u32();
    // Two identical metadata objects, so that `random` yields the same sequence for both.
    const want = interpret(prog, packet, randomMeta(new Prng(metaSeed), packet));
    const got = jit(packet, randomMeta(new Prng(metaSeed), packet));
    if (got !== want) {
      assert.fail(`${where} (meta seed ${metaSeed}): interpreter ${want}, JIT ${got}\n` +
        `packet ${hexOf(packet)}\n${toDdd(prog)}\n${classicJitSource(prog, maxNesting === undefined ? {} : { maxNesting })}`);
    }
  });
}

test('JIT = interpreter on 100k seeded random program/packet/metadata triples (labeled blocks)', (t) => {
  const seed = testSeed(0x717);
  t.diagnostic(`seed ${seed}: ${property(seed, 10000, 10)} pairs`);
});

test('JIT = interpreter on 20k triples with the switch-loop code shape', (t) => {
  const seed = testSeed(0x5317c4) ^ 1;
  t.diagnostic(`seed ${seed}: ${property(seed, 2000, 10, 0)} pairs`);
});

test('JIT caches per program object and checks before compiling', () => {
  const prog = new ClassicProgram([insn(0x28, 0, 0, 12), insn(0x15, 0, 1, 0x800), insn(0x06, 0, 0, 0xffff), insn(0x06, 0, 0, 0)]);
  assert.equal(compileClassic(prog), compileClassic(prog));
  const ip = Uint8Array.from([...Array(12).fill(0), 8, 0]);
  assert.equal(compileClassic(prog)(ip), 0xffff);
  assert.equal(compileClassic(prog)(ip.subarray(0, 13)), 0); // out of bounds → 0
  assert.throws(() => compileClassic([insn(0x34, 0, 0, 0), insn(0x16, 0, 0, 0)]), ClassicCheckError);
});

test('JIT handles 4096-instruction programs with thousands of jump targets', () => {
  // each jeq jumps two ahead: 4094 distinct targets → the switch shape; and a chain of long jumps
  const n = 4096;
  const prog = [];
  for (let i = 0; i < n - 2; i++) prog.push(insn(0x15, 1, 0, i + 1)); // jeq #i+1 → skip one
  prog.push(insn(0x00, 0, 0, 7), insn(0x16, 0, 0, 0));
  const chain = [];
  for (let i = 0; i < n - 1; i++) chain.push(insn(0x15, Math.min(255, n - 2 - i), 0, i + 1000));
  chain.push(insn(0x16, 0, 0, 0));
  const pkt = new Uint8Array(0);
  assert.equal(compileClassic(prog)(pkt), 7);
  assert.equal(interpret(chain, pkt), compileClassic(chain)(pkt));
});
