/**
 * Classic BPF through the Wasm JIT (classic → eBPF → wasm) gives the classic interpreter's
 * result, on the same seeded random programs, packets and metadata as the translation's own
 * property test (test/convert/classic-to-ebpf.test.ts), ancillary loads included.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interpret } from '../../src/cbpf/index.js';
import { compileClassicFastest, compileClassicWasm } from '../../src/convert/index.js';
import { Prng, testSeed } from '../helpers/prng.js';
import { hexOf, randomMeta, randomNlaPacket, randomPacket, randomValidProgram, toDdd } from '../cbpf/classic-gen.js';

test('classic → eBPF → wasm ≡ the classic interpreter (random programs, packets, metadata)', () => {
  const seed = testSeed(0xc1a5);
  const rng = new Prng(seed);
  const N = 600, P = 6;
  for (let n = 0; n < N; n++) {
    const prog = randomValidProgram(rng, { ancillary: true, negativeOffsets: false, wideShiftX: true, maxLength: 32 });
    const filter = compileClassicWasm(prog);
    for (let j = 0; j < P; j++) {
      const packet = rng.bool(0.1) ? randomNlaPacket(rng) : randomPacket(rng);
      const metaSeed = rng.u32();
      const want = interpret(prog, packet, randomMeta(new Prng(metaSeed), packet));
      const got = filter(packet, randomMeta(new Prng(metaSeed), packet));
      if (got !== want) assert.fail(`seed ${seed} program #${n} packet #${j}: classic ${want}, wasm ${got}\npacket ${hexOf(packet)}\n${toDdd(prog)}`);
      assert.equal(filter(packet), interpret(prog, packet), `seed ${seed} program #${n} packet #${j} without metadata`);
    }
  }
  console.log(`classic via wasm: ${N} programs x ${P} packets agree with the interpreter (seed ${seed})`);
});

test('compileClassicFastest gives the interpreter\'s result', () => {
  const rng = new Prng(testSeed(0xfa57));
  for (let n = 0; n < 100; n++) {
    const prog = randomValidProgram(rng, { ancillary: false, negativeOffsets: false, wideShiftX: true, maxLength: 32 });
    const f = compileClassicFastest(prog);
    const packet = randomPacket(rng);
    assert.equal(f(packet), interpret(prog, packet));
  }
});
