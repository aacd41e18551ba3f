/**
 * Classic → eBPF translation checked against the kernel: translated random classic programs
 * must pass the kernel's verifier as socket filters and return, under BPF_PROG_TEST_RUN, what
 * our classic interpreter returns for the same packet and metadata.
 *
 * What the kernel's test_run gives a socket filter (net/bpf/test_run.c): the Ethernet header is
 * pulled (eth_type_trans), so the program sees the packet from the network header on, skb->len
 * is the length without those 14 bytes, skb->protocol is the frame's EtherType, pkt_type is
 * PACKET_HOST for a frame addressed to the loopback device's all-zero MAC, the device is the
 * loopback (ifindex 1), and `mark` comes from the context passed in. The ancillary fields the
 * test cannot know (cpu, random, rxhash) or that call kernel-internal functions (hatype, poff,
 * nla, nlan) are left out of these programs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interpret } from '../../src/cbpf/interpreter.js';
import { classicToEbpf } from '../../src/convert/index.js';
import { SK_BUFF } from '../../src/convert/sk-buff.js';
import { KernelVerifierError, type KernelProgram } from '../../src/node/kernel/index.js';
import { Prng, testSeed } from '../helpers/prng.js';
import { hexOf, randomPacket, randomValidProgram, toDdd } from '../cbpf/classic-gen.js';
import { k, openFds, skip } from './kernel-env.js';
import { goldenFiles, goldenProgram } from '../cbpf/listing-golden-files.js';
import { checkClassic } from '../../src/cbpf/checker.js';

// SKF_AD_* fields whose value test_run fixes: protocol, pkttype, ifindex, mark, queue, alu_xor_x, vlan tag/present/tpid.
const KNOWN_FIELDS = [0, 4, 8, 20, 24, 40, 44, 48, 60];

test('translated classic programs load as socket filters and agree with the classic interpreter', { skip }, () => {
  const seed = testSeed(0xc0de4);
  const rng = new Prng(seed);
  const before = openFds();
  let programs = 0, runs = 0;
  for (let n = 0; n < 1500; n++) {
    const classic = randomValidProgram(rng, { ancillary: true, ancillaryFields: KNOWN_FIELDS, negativeOffsets: false, wideShiftX: true, maxLength: 32 });
    let prog: KernelProgram;
    try {
      prog = k().loadProgram({ type: 'socket-filter', insns: classicToEbpf(classic) });
    } catch (err) {
      if (err instanceof KernelVerifierError) assert.fail(`seed ${seed} program #${n}: the verifier rejects the translation: ${err.message}\n${toDdd(classic)}\n${err.log}`);
      throw err;
    }
    programs++;
    try {
      for (let j = 0; j < 10; j++) {
        const l3 = randomPacket(rng);
        // With a context passed in, test_run refuses (EINVAL, seen on 6.18) an IPv4 or IPv6
        // frame too short for its IP header; short packets travel as ARP instead.
        const wanted = rng.pick([0x0800, 0x86dd, 0x0806, 0x8100]);
        const etherType = (wanted === 0x0800 && l3.length < 20) || (wanted === 0x86dd && l3.length < 40) ? 0x0806 : wanted;
        const frame = new Uint8Array(14 + l3.length);
        frame[6] = 2; // a source MAC; the destination stays 00:00:00:00:00:00, the loopback's
        frame[12] = etherType >> 8; frame[13] = etherType & 0xff;
        frame.set(l3, 14);
        const mark = rng.u32();
        const ctx = new Uint8Array(256); // at least sizeof(struct __sk_buff); the kernel wants what it does not take to be zero
        new DataView(ctx.buffer).setUint32(SK_BUFF.mark, mark, true);
        const want = interpret(classic, l3, { protocol: etherType, pktType: 0, ifindex: 1, mark, wireLength: l3.length });
        const got = prog.testRun({ data: frame, ctx }).retval >>> 0;
        if (got !== want) {
          assert.fail(`seed ${seed} program #${n} packet #${j}: classic interpreter ${want}, kernel ${got}\n` +
            `frame ${hexOf(frame)} mark ${mark}\n${toDdd(classic)}`);
        }
        runs++;
      }
    } finally {
      prog.close();
    }
  }
  assert.equal(programs, 1500);
  assert.equal(runs, 15_000);
  assert.equal(openFds(), before);
});

test('tcpdump\'s own programs, translated, load as socket filters and agree with the classic interpreter', { skip }, () => {
  const rng = new Prng(testSeed(0xc0de5));
  const before = openFds();
  let programs = 0;
  for (const file of goldenFiles()) {
    const classic = goldenProgram(file);
    if (!checkClassic(classic).ok) continue; // goldens include deliberately odd programs
    const prog = k().loadProgram({ type: 'socket-filter', insns: classicToEbpf(classic) });
    programs++;
    try {
      for (let j = 0; j < 50; j++) {
        const frame = new Uint8Array(14 + 40 + rng.int(80));
        frame.set(rng.bytes(frame.length));
        frame.fill(0, 0, 6); // addressed to the loopback device
        const etherType = (frame[12]! << 8) | frame[13]!;
        const ctx = new Uint8Array(256);
        const want = interpret(classic, frame.subarray(14), { protocol: etherType, pktType: 0, ifindex: 1, wireLength: frame.length - 14 });
        // test_run's socket filter sees the frame from the network header; tcpdump's programs
        // expect the link header, so both sides get the L3 view and the comparison stays fair.
        const got = prog.testRun({ data: frame, ctx }).retval >>> 0;
        assert.equal(got, want, `${file} packet ${hexOf(frame)}`);
      }
    } finally {
      prog.close();
    }
  }
  assert.ok(programs >= 30, `only ${programs} golden programs checked`);
  assert.equal(openFds(), before);
});
