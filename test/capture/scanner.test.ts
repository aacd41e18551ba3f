/**
 * The fast reading path (CaptureScanner over one reused buffer, driven by scanFrom, packets as a
 * reused PacketRef; CaptureWriter.writeRef copying verbatim runs) against the packet-object
 * path (CaptureReader, CaptureWriter.write): same packets with every field, same errors at the
 * same offsets after the same packets on damaged files, same bytes written (also when runs are
 * compacted inside the read buffer), whatever the read sizes and buffer size. Also the allocation-free pcapng timestamp split against BigInt.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CaptureError, CaptureReader, CaptureScanner, CaptureWriter, readAllPackets, type CaptureFormat, type CapturePacket, type PacketRef } from '../../src/capture/index.js';
import { timestampInto } from '../../src/capture/pcapng-reader.js';
import { scanFrom } from '../../src/node/io/capture-files.js';
import { corpus, type CorpusFrame } from '../helpers/capture-corpus.js';
import { Prng, testSeed } from '../helpers/prng.js';
import { samplesDir } from '../helpers/tcpdump-print.js';

const SEED = testSeed(0x5ca7);

interface Options { littleEndian?: boolean; nanosecond?: boolean; interfaces?: number }

function capture(format: CaptureFormat, frames: readonly CorpusFrame[], o: Options = {}, linkType = 1): Uint8Array {
  const chunks: Uint8Array[] = [];
  const w = new CaptureWriter({ format, linkType, littleEndian: o.littleEndian, nanosecond: o.nanosecond, bufferSize: 4096 }, (b) => chunks.push(b));
  frames.forEach((f, i) => w.write({
    data: f.data, origLength: f.origLength ?? f.data.length, seconds: 1700000000 + Math.floor(i / 3),
    nanos: ((i * 7919) % 1000000) * 1000 + (o.nanosecond ? (i * 13) % 1000 : 0), interfaceId: i % (o.interfaces ?? 1),
  }));
  w.flush();
  return Buffer.concat(chunks);
}

/** Reads `bytes` through scanFrom with random read sizes; the packets are copied out of the ref. */
async function scanAll(bytes: Uint8Array, rng: Prng, stopAfter = Infinity): Promise<{ packets: CapturePacket[]; error?: unknown }> {
  const packets: CapturePacket[] = [];
  const sink = (r: PacketRef): boolean => {
    const p = r.toPacket();
    packets.push({ ...p, data: p.data.slice() });
    return packets.length < stopAfter;
  };
  const scanner = new CaptureScanner(sink);
  let at = 0;
  const read = (buf: Uint8Array, to: number, max: number): number => {
    const n = Math.min(max, bytes.length - at, 1 + rng.int(rng.bool(0.3) ? 16 : 5000));
    buf.set(bytes.subarray(at, at + n), to);
    at += n;
    return n;
  };
  try {
    await scanFrom(read, scanner, {}, 64 << rng.int(8));
    return { packets };
  } catch (error) {
    return { packets, error };
  }
}

function readWhole(bytes: Uint8Array): { packets: CapturePacket[]; error?: unknown } {
  const packets: CapturePacket[] = [];
  const reader = new CaptureReader();
  try {
    reader.push(bytes, (p) => packets.push(p));
    reader.end();
    return { packets };
  } catch (error) {
    return { packets, error };
  }
}

function samePackets(got: readonly CapturePacket[], want: readonly CapturePacket[], what: string): void {
  assert.equal(got.length, want.length, `${what}: packet count`);
  got.forEach((p, i) => {
    const w = want[i]!;
    assert.deepEqual({ ...p, data: Buffer.from(p.data).toString('hex') }, { ...w, data: Buffer.from(w.data).toString('hex') }, `${what}: packet ${i + 1}`);
  });
}

const VARIANTS: [string, CaptureFormat, Options][] = [
  ['pcap le us', 'pcap', {}], ['pcap be us', 'pcap', { littleEndian: false }], ['pcap le ns', 'pcap', { nanosecond: true }],
  ['pcap be ns', 'pcap', { littleEndian: false, nanosecond: true }], ['pcapng le us', 'pcapng', {}],
  ['pcapng be ns', 'pcapng', { littleEndian: false, nanosecond: true }], ['pcapng 3 interfaces', 'pcapng', { interfaces: 3 }],
];

describe(`capture scanner (seed ${SEED})`, () => {
  const frames = corpus(SEED, 500);
  const inputs: [string, Uint8Array][] = readdirSync(samplesDir()).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => [f, readFileSync(join(samplesDir(), f))]);
  for (const [name, format, o] of VARIANTS) inputs.push([name, capture(format, frames, o)]);

  it('reads every packet as CaptureReader does, for any read size and buffer size', async () => {
    const rng = new Prng(SEED);
    for (const [name, bytes] of inputs) {
      const want = readAllPackets(bytes).packets;
      for (let round = 0; round < 8; round++) {
        const got = await scanAll(bytes, rng);
        assert.equal(got.error, undefined, `${name}: ${String(got.error)}`);
        samePackets(got.packets, want, `${name} round ${round}`);
      }
    }
  });

  it('stops after the packet whose sink returned false', async () => {
    const rng = new Prng(SEED + 1);
    for (const [name, bytes] of inputs) {
      const want = readAllPackets(bytes).packets;
      const n = 1 + rng.int(want.length);
      const got = await scanAll(bytes, rng, n);
      samePackets(got.packets, want.slice(0, n), `${name} stop after ${n}`);
    }
  });

  for (const format of ['pcap', 'pcapng'] as const) {
    it(`${format}: 500 damaged files give CaptureReader's packets and the same CaptureError`, async () => {
      const rng = new Prng(SEED + (format === 'pcap' ? 2 : 3));
      const valid = capture(format, frames.slice(0, 60), { nanosecond: format === 'pcapng' });
      let errors = 0;
      for (let round = 0; round < 500; round++) {
        const bytes = valid.slice();
        let mutated: Uint8Array = bytes;
        const at = rng.int(bytes.length);
        switch (rng.int(4)) {
          case 0: bytes[at]! ^= 1 << rng.int(8); break;
          case 1: for (let i = 0; i < 1 + rng.int(16) && at + i < bytes.length; i++) bytes[at + i] = rng.int(256); break;
          case 2: mutated = bytes.subarray(0, at); break;
          default: mutated = Buffer.concat([bytes.subarray(0, at), rng.bytes(1 + rng.int(8)), bytes.subarray(at)]); break;
        }
        const want = readWhole(mutated);
        const got = await scanAll(mutated, rng);
        samePackets(got.packets, want.packets, `round ${round}`);
        if (want.error === undefined) { assert.equal(got.error, undefined, `round ${round}: ${String(got.error)}`); continue; }
        errors++;
        assert.ok(got.error instanceof CaptureError, `round ${round}: ${String(got.error)}`);
        const w = want.error as CaptureError;
        assert.deepEqual([got.error.message, got.error.offset, got.error.record], [w.message, w.offset, w.record], `round ${round}`);
      }
      assert.ok(errors > 50, `only ${errors} damaged files rejected`);
    });
  }

  it('writeRef writes the bytes write() writes, for every input variant and output format', async () => {
    const rng = new Prng(SEED + 4);
    for (const [name, bytes] of inputs) {
      const { header, packets } = readAllPackets(bytes);
      for (const out of [{ format: 'pcap' as const }, { format: 'pcap' as const, nanosecond: true }, { format: 'pcap' as const, littleEndian: false }, { format: 'pcapng' as const }]) {
        if (out.format === 'pcap' && packets.some((p) => p.linkType !== header!.linkType)) continue;
        for (const [syncSink, compactInput] of [[false, false], [true, false], [true, true]]) {
          const keep = packets.map(() => rng.bool(rng.bool() ? 0.5 : 0.95));
          const options = { ...out, linkType: header!.linkType, snaplen: header!.snaplen, bufferSize: 256 << rng.int(6), syncSink, compactInput };
          const slow: Uint8Array[] = [];
          const ws = new CaptureWriter(options, (b) => slow.push(b.slice()));
          ws.start();
          packets.forEach((p, i) => { if (keep[i]) ws.write(p); });
          ws.flush();
          const fast: Uint8Array[] = [];
          const wf = new CaptureWriter(options, (b) => fast.push(b.slice()));
          wf.start();
          let i = 0;
          const scanner = new CaptureScanner((r) => { if (keep[i++]) wf.writeRef(r); return true; });
          let at = 0;
          await scanFrom((buf, to, max) => {
            const n = Math.min(max, bytes.length - at, 1 + rng.int(3000));
            buf.set(bytes.subarray(at, at + n), to);
            at += n;
            return n;
          }, scanner, { beforeReuse: () => wf.settle() }, 512);
          wf.flush();
          assert.ok(Buffer.concat(fast).equals(Buffer.concat(slow)), `${name} -> ${JSON.stringify(options)}`);
        }
      }
    }
  });

  it('pcapng timestamps split without BigInt exactly as with BigInt', () => {
    const rng = new Prng(SEED + 5);
    const got = { seconds: 0, nanos: 0 };
    for (let round = 0; round < 20000; round++) {
      const exp = rng.int(10);
      const unitsPerSecond = 10 ** exp;
      const tsOffset = rng.bool(0.2) ? rng.int(1000000) - 500000 : 0;
      const hi = rng.pick([0, 1, 0xffffffff, rng.u32(), rng.int(0x400000), 0x17a0000 + rng.int(0x100000)]);
      const lo = rng.pick([0, 0xffffffff, rng.u32()]);
      timestampInto(got, hi, lo, { linkType: 1, snaplen: 0, unitsPerSecond, tsOffset });
      const big = (BigInt(hi) << 32n) | BigInt(lo);
      const u = BigInt(unitsPerSecond);
      assert.deepEqual([got.seconds, got.nanos], [Number(big / u) + tsOffset, Number(((big % u) * 1000000000n) / u)], `hi ${hi} lo ${lo} 10^${exp}`);
    }
  });
});
