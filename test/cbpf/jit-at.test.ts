/**
 * The in-buffer classic JIT (`compileClassicAt`: the packet at an offset inside a larger buffer)
 * ≡ the interpreter on the packet as its own array: seeded random (program, packet, metadata)
 * triples with every feature on (ancillary loads, SKF_LL_OFF/SKF_NET_OFF, #nla, faults), the
 * packet placed at a random offset between random bytes that must never be read, in both code
 * shapes (labeled blocks and the switch loop), plus the filters tcpdump users write.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interpret } from '../../src/cbpf/interpreter.js';
import { classicJitAtSource, compileClassicAt, compileClassicAtUncached } from '../../src/cbpf/jit-at.js';
import { compileFilter } from '../../src/filter/index.js';
import { Prng, testSeed } from '../helpers/prng.js';
import { corpus } from '../helpers/capture-corpus.js';
import { hexOf, randomMeta, randomTriples, toDdd } from './classic-gen.js';

function property(seed: number, programs: number, packetsPer: number, maxNesting?: number): number {
  return randomTriples(seed, programs, packetsPer, (prog) => (maxNesting === undefined ? compileClassicAt(prog) : compileClassicAtUncached(prog, { maxNesting })), (jit, prog, packet, rng, where) => {
    // The packet between random bytes: a read past its end (or before it) would see them.
    const before = rng.int(40);
    const buf = rng.bytes(before + packet.length + rng.int(40));
    buf.set(packet, before);
    const metaSeed = rng.u32();
    const meta = randomMeta(new Prng(metaSeed), packet);
    const wire = meta.wireLength ?? packet.length;
    const want = interpret(prog, packet, meta);
    const got = jit(buf, before, packet.length, wire, randomMeta(new Prng(metaSeed), packet));
    if (got !== want) {
      assert.fail(`${where} (meta seed ${metaSeed}, offset ${before}): interpreter ${want}, JIT-at ${got}\n` +
        `packet ${hexOf(packet)}\n${toDdd(prog)}\n${classicJitAtSource(prog, maxNesting === undefined ? {} : { maxNesting })}`);
    }
  });
}

test('JIT-at = interpreter on 60k seeded random triples, packet inside a larger buffer (labeled blocks)', (t) => {
  const seed = testSeed(0xa7a7);
  t.diagnostic(`seed ${seed}: ${property(seed, 6000, 10)} pairs`);
});

test('JIT-at = interpreter on 10k triples with the switch-loop code shape', (t) => {
  const seed = testSeed(0xa7a8) ^ 1;
  t.diagnostic(`seed ${seed}: ${property(seed, 1000, 10, 0)} pairs`);
});

test('JIT-at = interpreter for pcap filters on corpus frames, cut at every length', () => {
  const frames = corpus(99, 200);
  for (const expr of ['tcp or (udp and port 53) or icmp', 'vlan and udp', 'ip6 and tcp port 80', 'tcp[tcpflags] & tcp-syn != 0', 'len > 100', 'ip[2:2] > 60 or ip6 proto 58']) {
    const prog = compileFilter(expr, { linkType: 'EN10MB', snaplen: 262144, optimize: true });
    const jit = compileClassicAt(prog);
    const buf = new Uint8Array(4096);
    for (const f of frames) {
      for (let cut = 0; cut <= f.data.length; cut += 1 + (cut >> 3)) {
        const packet = f.data.subarray(0, cut);
        buf.fill(0xff);
        buf.set(packet, 100);
        const wire = f.origLength ?? f.data.length;
        assert.equal(jit(buf, 100, cut, wire), interpret(prog, packet, { wireLength: wire }), `${expr}: ${hexOf(packet)}`);
      }
    }
  }
});
