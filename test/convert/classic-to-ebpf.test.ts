/**
 * Classic → eBPF translation ≡ the classic interpreter: seeded random checked classic programs
 * (ancillary loads with random metadata, shifts by X >= 32, division by X = 0, faults) run as
 * the translated eBPF program in the eBPF interpreter, with the packet as packet data and a
 * `__sk_buff` context built from the same metadata. r0 must equal the classic return value.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interpret } from '../../src/cbpf/interpreter.js';
import { classicToEbpf, skBuffContext, socketFilterHelpers } from '../../src/convert/index.js';
import { createVm } from '../../src/ebpf/runtime/interpreter.js';
import { Env } from '../../src/ebpf/runtime/env.js';
import { encode, decode } from '../../src/ebpf/isa/index.js';
import { insn } from '../../src/cbpf/insn.js';
import { Prng, testSeed } from '../helpers/prng.js';
import { hexOf, randomMeta, randomNlaPacket, randomPacket, randomValidProgram, toDdd } from '../cbpf/classic-gen.js';

function runTranslated(prog: ReturnType<typeof randomValidProgram>, packet: Uint8Array, meta: ReturnType<typeof randomMeta>): number {
  const env = new Env({ helpers: socketFilterHelpers(packet, meta), cpu: meta.cpu ?? 0, random: meta.random ?? (() => 0) });
  const vm = createVm(classicToEbpf(prog), { env });
  return Number(vm.run({ data: packet, ctx: skBuffContext(packet, meta) }).r0 & 0xffffffffn);
}

test('translated programs give the classic interpreter\'s result (random programs and packets)', () => {
  const seed = testSeed(0xc0de2);
  const rng = new Prng(seed);
  let pairs = 0;
  for (let n = 0; n < 3000; n++) {
    // Negative (SKF_LL_OFF/SKF_NET_OFF) offsets are left out: see the next test.
    const prog = randomValidProgram(rng, { ancillary: true, negativeOffsets: false, wideShiftX: true, maxLength: 32 });
    for (let j = 0; j < 8; j++) {
      const packet = rng.bool(0.1) ? randomNlaPacket(rng) : randomPacket(rng);
      const metaSeed = rng.u32();
      const want = interpret(prog, packet, randomMeta(new Prng(metaSeed), packet));
      const got = runTranslated(prog, packet, randomMeta(new Prng(metaSeed), packet));
      if (got !== want) {
        assert.fail(`seed ${seed} program #${n} packet #${j} (meta seed ${metaSeed}): classic ${want}, translated ${got}\n` +
          `packet ${hexOf(packet)}\n${toDdd(prog)}`);
      }
      pairs++;
    }
  }
  assert.equal(pairs, 24_000);
});

test('the translation encodes and decodes (every instruction is a valid eBPF slot)', () => {
  const rng = new Prng(testSeed(0xc0de3));
  for (let n = 0; n < 500; n++) {
    const insns = classicToEbpf(randomValidProgram(rng, { ancillary: true, negativeOffsets: true, wideShiftX: true }));
    assert.deepEqual(decode(encode(insns)), insns);
  }
});

test('shape of the kernel translation: prologue, ret #k, and a K that needs zero extension', () => {
  // jeq #0xffffffff: eBPF immediates are sign-extended, so K goes through r2 first.
  const insns = classicToEbpf([insn(0x20, 0, 0, 12), insn(0x15, 0, 1, 0xffffffff), insn(0x06, 0, 0, 1), insn(0x06, 0, 0, 0)]);
  assert.deepEqual(insns.slice(0, 3).map((i) => i.kind), ['alu', 'alu', 'alu']);
  assert.equal(interpret([insn(0x20, 0, 0, 2), insn(0x15, 0, 1, 0xffffffff), insn(0x06, 0, 0, 1), insn(0x06, 0, 0, 0)], new Uint8Array([0, 0, 255, 255, 255, 255])), 1);
  const packet = new Uint8Array([0, 0, 255, 255, 255, 255]);
  const vm = createVm(classicToEbpf([insn(0x20, 0, 0, 2), insn(0x15, 0, 1, 0xffffffff), insn(0x06, 0, 0, 1), insn(0x06, 0, 0, 0)]));
  assert.equal(vm.run({ data: packet, ctx: skBuffContext(packet) }).r0, 1n);
});
