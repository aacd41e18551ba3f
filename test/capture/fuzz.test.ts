/**
 * Seeded corruption of valid captures (bit flips, overwritten runs, truncation, inserted and
 * deleted bytes), read as a stream of random-sized chunks: the reader either finishes or throws
 * a CaptureError, never anything else, always terminates, and every packet stored wholly
 * before the first damaged byte is delivered unchanged.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CaptureError, CaptureReader, readAllPackets, type CapturePacket } from '../../src/capture/index.js';
import { corpus, writeCapture } from '../helpers/capture-corpus.js';
import { Prng, testSeed } from '../helpers/prng.js';

const SEED = testSeed(4242);

function readChunked(bytes: Uint8Array, rng: Prng): { packets: CapturePacket[]; error?: unknown } {
  const packets: CapturePacket[] = [];
  const reader = new CaptureReader();
  try {
    for (let at = 0; at < bytes.length;) {
      const n = 1 + rng.int(rng.bool(0.2) ? 8 : 3000);
      reader.push(bytes.slice(at, at + n), (p) => packets.push(p));
      at += n;
    }
    reader.end();
    return { packets };
  } catch (error) {
    return { packets, error };
  }
}

/** End offset (exclusive) of each packet's record in the original file. */
function recordEnds(packets: readonly CapturePacket[], fileLength: number): number[] {
  return packets.map((p, i) => (i + 1 < packets.length ? packets[i + 1]!.offset : fileLength));
}

describe(`capture fuzz (seed ${SEED})`, () => {
  for (const format of ['pcap', 'pcapng'] as const) {
    it(`${format}: 600 damaged files`, { timeout: 120_000 }, () => {
      const rng = new Prng(SEED + (format === 'pcap' ? 0 : 1));
      const valid = writeCapture(format, 1, corpus(SEED, 60), 1700000000, format === 'pcapng');
      const original = readAllPackets(valid).packets;
      const ends = recordEnds(original, valid.length);
      let errors = 0;
      for (let round = 0; round < 600; round++) {
        const bytes = valid.slice();
        let damagedAt: number;
        let mutated: Uint8Array = bytes;
        switch (rng.int(5)) {
          case 0: damagedAt = rng.int(bytes.length); bytes[damagedAt]! ^= 1 << rng.int(8); break;
          case 1: { damagedAt = rng.int(bytes.length); const n = 1 + rng.int(16); for (let i = 0; i < n && damagedAt + i < bytes.length; i++) bytes[damagedAt + i] = rng.int(256); break; }
          case 2: damagedAt = rng.int(bytes.length); mutated = bytes.subarray(0, damagedAt); break;
          case 3: { damagedAt = rng.int(bytes.length); const ins = rng.bytes(1 + rng.int(8)); mutated = new Uint8Array([...bytes.subarray(0, damagedAt), ...ins, ...bytes.subarray(damagedAt)]); break; }
          default: { damagedAt = rng.int(bytes.length); mutated = new Uint8Array([...bytes.subarray(0, damagedAt), ...bytes.subarray(damagedAt + 1 + rng.int(8))]); break; }
        }
        const { packets, error } = readChunked(mutated, rng);
        if (error !== undefined) {
          errors++;
          assert.ok(error instanceof CaptureError, `round ${round}: ${String(error)}`);
          assert.equal(error.code, 'CAPTURE');
          assert.ok(Number.isInteger(error.offset) && error.offset >= 0 && error.offset <= mutated.length, `round ${round}: offset ${error.offset}`);
        }
        const intact = ends.filter((end) => end <= damagedAt).length;
        for (let i = 0; i < intact; i++) {
          assert.ok(packets[i], `round ${round}: packet ${i + 1} of ${intact} intact packets missing (damage at ${damagedAt})`);
          assert.equal(Buffer.from(packets[i]!.data).toString('hex'), Buffer.from(original[i]!.data).toString('hex'));
          assert.equal(packets[i]!.seconds, original[i]!.seconds);
          assert.equal(packets[i]!.nanos, original[i]!.nanos);
        }
      }
      assert.ok(errors > 50, `only ${errors} of 600 damaged files were rejected`);
    });
  }
});
