/**
 * The interpreter against the Linux kernel running the same filters on real datagrams
 * (test/harness/run-filter.c: SO_ATTACH_FILTER on an AF_UNIX datagram socket, then send and
 * receive). The kernel trims each datagram to the filter's return value or drops it on 0, so
 * we compare 0 ↔ dropped and min(result, length) ↔ received length.
 *
 * This covers what libpcap cannot judge: shifts by X >= 32, X + k overflowing in indirect
 * loads, and the ancillary fields that are deterministic on a unix socket (no device, no VLAN,
 * mark 0, ...), including `#nla`/`#nlan` over netlink-shaped payloads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interpret } from '../../src/cbpf/interpreter.js';
import { insn, type ClassicInsn } from '../../src/cbpf/insn.js';
import { Prng, testSeed } from '../helpers/prng.js';
import { buildHarness, runHarness } from '../helpers/c-harness.js';
import { hexOf, randomNlaPacket, randomPacket, randomValidProgram, toDdd } from './classic-gen.js';

const linuxSkip = process.platform !== 'linux' ? 'needs Linux' : false;
const harness = linuxSkip ? { skip: linuxSkip } : buildHarness('test/harness/run-filter.c');
const skip = 'skip' in harness ? harness.skip : false;

/*
 * Ancillary fields with a fixed value for a datagram on an AF_UNIX socket: protocol 0,
 * pkttype 0 (PACKET_HOST), nla, nlan, mark 0, queue 0, A ^= X, VLAN tci/present/tpid 0.
 * Not ifindex/hatype (no device: the kernel's filter returns 0), rxhash, cpu, poff or rand.
 */
const UNIX_FIELDS = [0, 4, 12, 16, 20, 24, 40, 44, 48, 60];

function run(cases: readonly { program: readonly ClassicInsn[]; packets: readonly Uint8Array[] }[], seed: number | string): void {
  if (!('path' in harness)) throw new Error('no harness');
  const input: string[] = [];
  for (const c of cases) {
    input.push(`p ${toDdd(c.program)}`);
    for (const pkt of c.packets) input.push(`k ${hexOf(pkt)}\n`);
  }
  const lines = runHarness(harness.path, input.join(''));
  let at = 0;
  const failures: string[] = [];
  for (const c of cases) {
    assert.equal(lines[at++], 'ok', `kernel rejected a program our checker accepts:\n${toDdd(c.program)}`);
    for (const pkt of c.packets) {
      const r = interpret(c.program, pkt);
      const expected = r === 0 ? 'drop' : String(Math.min(r, pkt.length));
      const got = lines[at++];
      if (got !== expected && failures.length < 3) {
        failures.push(`seed ${seed}: kernel ${got}, interpreter ${r} (expects ${expected})\npacket ${hexOf(pkt)}\n${toDdd(c.program)}`);
      }
    }
  }
  assert.deepEqual(failures, []);
}

test('interpreter = kernel on 20k seeded random program/datagram pairs', { skip }, () => {
  const seed = testSeed(0x6e7);
  const rng = new Prng(seed);
  const cases = [];
  for (let n = 0; n < 4000; n++) {
    const program = randomValidProgram(rng, { ancillary: rng.bool(0.5), ancillaryFields: UNIX_FIELDS, negativeOffsets: false, wideShiftX: true, maxLength: 30 });
    const packets = [];
    for (let j = 0; j < 5; j++) packets.push(rng.bool(0.3) ? randomNlaPacket(rng) : randomPacket(rng));
    cases.push({ program, packets });
  }
  run(cases, seed);
});

test('kernel: shift by X uses X & 31; ld [x + k] wraps at 2^32', { skip }, () => {
  const ret = insn(0x16, 0, 0, 0);
  const data = Uint8Array.from({ length: 200 }, (_, i) => i);
  run([
    // ld #1; ldx #(33); lsh x; ret a  → 2 (kept bytes), not 0 (dropped) as in libpcap
    { program: [insn(0x00, 0, 0, 1), insn(0x01, 0, 0, 33), insn(0x6c, 0, 0, 0), ret], packets: [data] },
    // ld #0x80000000; ldx #63; rsh x; ret a → 1
    { program: [insn(0x00, 0, 0, 0x80000000), insn(0x01, 0, 0, 63), insn(0x7c, 0, 0, 0), ret], packets: [data] },
    // ldx #0xffffff00; ldb [x + 0x150]; ret a → byte 0x50
    { program: [insn(0x01, 0, 0, 0xffffff00), insn(0x50, 0, 0, 0x150), ret], packets: [data] },
  ], 'fixed');
  assert.equal(interpret([insn(0x00, 0, 0, 1), insn(0x01, 0, 0, 33), insn(0x6c, 0, 0, 0), ret], data), 2);
  assert.equal(interpret([insn(0x01, 0, 0, 0xffffff00), insn(0x50, 0, 0, 0x150), ret], data), 0x50);
});

test('kernel: #nla and #nlan over netlink-shaped datagrams', { skip }, (t) => {
  const seed = testSeed(0x41a);
  const rng = new Prng(seed);
  const cases = [];
  let found = 0;
  for (let n = 0; n < 3000; n++) {
    const field = rng.pick([12, 16]);
    const a = rng.pick([0, 0, 4, 8, 12, 16, rng.int(40)]);
    const x = rng.int(8);
    // ld #a; ldx #x; ld #nla|#nlan; add #1; ret a (the +1 keeps "not found" apart from a drop)
    const program = [insn(0x00, 0, 0, a), insn(0x01, 0, 0, x), insn(0x20, 0, 0, (-0x1000 + field) >>> 0), insn(0x04, 0, 0, 1), insn(0x16, 0, 0, 0)];
    const packet = randomNlaPacket(rng);
    if (interpret(program, packet) > 1) found++;
    cases.push({ program, packets: [packet] });
  }
  t.diagnostic(`${found} of ${cases.length} searches find an attribute`);
  assert.ok(found > 100);
  run(cases, seed);
});
