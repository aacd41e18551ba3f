/**
 * The interpreter's packet model and ancillary fields against the Linux kernel running the same
 * filters on real loopback frames (test/harness/run-packet.c: AF_PACKET socket in a private
 * network namespace). The frame starts at the Ethernet header, the network header is at 14, so
 * SKF_LL_OFF/SKF_NET_OFF loads are checked too, and the socket-buffer fields have known values:
 *   protocol 0x0800 / 0x86dd (as the kernel hands it to the filter), pkttype 0 (PACKET_HOST),
 *   ifindex of lo, hatype 772 (ARPHRD_LOOPBACK), mark 0, queue 0, no VLAN,
 *   payload offset 14 + 20 + 8 = 42 (UDP/IPv4) or 14 + 40 + 8 = 62 (UDP/IPv6).
 * Not compared: rxhash, cpu and rand, which the test cannot know.
 * The kernel trims the frame to the result (or drops it on 0): we compare min(result, length).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interpret } from '../../src/cbpf/interpreter.js';
import { insn, type ClassicInsn } from '../../src/cbpf/insn.js';
import type { PacketMeta } from '../../src/cbpf/metadata.js';
import { Prng, testSeed } from '../helpers/prng.js';
import { isRootOnLinux } from '../helpers/oracles.js';
import { buildHarness, runHarness } from '../helpers/c-harness.js';
import { hexOf, randomValidProgram, toDdd } from './classic-gen.js';

const harness = isRootOnLinux() ? buildHarness('test/harness/run-packet.c') : { skip: 'needs root on Linux (network namespace, AF_PACKET)' };
const skip = 'skip' in harness ? harness.skip : false;

const KNOWN_FIELDS = [0, 4, 8, 12, 16, 20, 24, 28, 40, 44, 48, 52, 60];

interface Case { readonly program: readonly ClassicInsn[]; readonly payloads: readonly { v6: boolean; bytes: Uint8Array }[] }

function run(cases: readonly Case[], seed: number | string): number {
  if (!('path' in harness)) throw new Error('no harness');
  const input: string[] = [];
  for (const c of cases) {
    input.push(`p ${toDdd(c.program)}`);
    for (const p of c.payloads) input.push(`k${p.v6 ? 6 : 4} ${hexOf(p.bytes)}\n`);
  }
  const lines = runHarness(harness.path, input.join(''));
  const ifindex = Number(/^ifindex (\d+)$/.exec(lines[0] ?? '')?.[1]);
  assert.ok(ifindex > 0, `harness said ${lines[0]}`);
  let at = 1;
  let kept = 0;
  const failures: string[] = [];
  for (const c of cases) {
    assert.equal(lines[at++], 'ok', `kernel rejected a program our checker accepts:\n${toDdd(c.program)}`);
    for (const p of c.payloads) {
      const [frameHex = '', verdict] = lines[at++]!.split(' ');
      const frame = Uint8Array.from(Buffer.from(frameHex, 'hex'));
      const meta: PacketMeta = {
        protocol: p.v6 ? 0x86dd : 0x0800, pktType: 0, ifindex, hatype: 772, mark: 0, queue: 0,
        vlanTci: 0, vlanPresent: false, vlanTpid: 0, payOffset: p.v6 ? 62 : 42, networkOffset: 14,
      };
      const r = interpret(c.program, frame, meta);
      const expected = r === 0 ? 'drop' : String(Math.min(r, frame.length));
      if (expected !== 'drop') kept++;
      if (verdict !== expected && failures.length < 3) {
        failures.push(`seed ${seed}: kernel ${verdict}, interpreter ${r} (expects ${expected})\nframe ${frameHex}\n${toDdd(c.program)}`);
      }
    }
  }
  assert.deepEqual(failures, []);
  return kept;
}

test('interpreter = kernel on real loopback frames: fixed ancillary and offset probes', { skip }, () => {
  const ret = insn(0x16, 0, 0, 0);
  const cases: Case[] = [];
  const payload = (v6: boolean) => ({ v6, bytes: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) });
  // The kernel only shows min(result, frame length), and frames are >= 42 bytes, so each probe
  // returns one 5-bit slice of the loaded value plus 1 (1..32): seven probes give all 32 bits.
  const slices = (load: ClassicInsn[]): ClassicInsn[][] => [0, 5, 10, 15, 20, 25, 30].map((sh) =>
    [...load, insn(0x74, 0, 0, sh), insn(0x54, 0, 0, 31), insn(0x04, 0, 0, 1), ret]);
  // ld [SKF_AD_OFF + n] in each size
  for (const n of KNOWN_FIELDS) for (const size of [0x00, 0x08, 0x10]) {
    for (const program of slices([insn(0x20 | size, 0, 0, (-0x1000 + n) >>> 0)])) cases.push({ program, payloads: [payload(false), payload(true)] });
  }
  // link-layer and network-header relative loads: absolute, indirect, and ldx 4*([k]&0xf)
  for (const base of [-0x200000, -0x100000]) for (const off of [0, 1, 12, 14, 20, 40, 60, 61, 62, 63, 80]) {
    for (const program of slices([insn(0x20, 0, 0, (base + off) >>> 0)])) cases.push({ program, payloads: [payload(false), payload(true)] });
    cases.push({ program: [insn(0x01, 0, 0, (base + off) >>> 0), insn(0x50, 0, 0, 0), insn(0x54, 0, 0, 31), insn(0x04, 0, 0, 1), ret], payloads: [payload(false)] });
    cases.push({ program: [insn(0xb1, 0, 0, (base + off) >>> 0), insn(0x87, 0, 0, 0), insn(0x74, 0, 0, 2), insn(0x04, 0, 0, 1), ret], payloads: [payload(false)] });
  }
  run(cases, 'fixed');
});

test('interpreter = kernel on 12k seeded random programs over real loopback frames', { skip }, (t) => {
  const seed = testSeed(0xa5e7);
  const rng = new Prng(seed);
  const cases: Case[] = [];
  for (let n = 0; n < 3000; n++) {
    const program = randomValidProgram(rng, { ancillary: true, ancillaryFields: KNOWN_FIELDS, negativeOffsets: true, wideShiftX: true, maxLength: 30 });
    const payloads = [];
    for (let j = 0; j < 4; j++) payloads.push({ v6: rng.bool(0.4), bytes: rng.bytes(rng.int(60)) });
    cases.push({ program, payloads });
  }
  const kept = run(cases, seed);
  t.diagnostic(`seed ${seed}: ${cases.length * 4} frames, ${kept} kept by the filter`);
});
