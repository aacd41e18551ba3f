/**
 * The printer's address text cache (AddressText) against the direct formatters it stands in
 * for: seeded streams of IPv4, IPv6 and MAC addresses drawn from pools larger than the cache
 * tables, so slots are reused and collide, must give the same text as ip4String, ip6String
 * and macString for every address, every time. (The formatters themselves are compared with
 * tcpdump by the corpus tests.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AddressText, Bytes, ip4String, ip6String, macString } from '../../src/decode/bytes.js';
import { Prng, testSeed } from '../helpers/prng.js';

const SEED = testSeed(4242);

/** IPv6 addresses with the shapes RFC 5952 treats specially: zero runs, v4-mapped/compatible. */
function ip6(rng: Prng): Uint8Array {
  const a = rng.bytes(16);
  switch (rng.int(5)) {
    case 0: a.fill(0, 2 * rng.int(8), 2 * rng.int(8) + 2 * rng.int(4)); break;
    case 1: a.fill(0, 0, 10); a[10] = 0xff; a[11] = 0xff; break;
    case 2: a.fill(0, 0, 12); break;
    case 3: a.fill(0); a[15] = rng.int(3); break;
    default: break;
  }
  return a;
}

function check(name: string, make: (rng: Prng) => Uint8Array, size: number, cached: (t: AddressText, b: Bytes, off: number) => string, direct: (b: Bytes, off: number) => string): void {
  it(`${name}: same text as the direct formatter over 20000 lookups`, () => {
    const rng = new Prng(SEED + size);
    const pool = Array.from({ length: 3000 }, () => make(rng));
    const cache = new AddressText();
    // Each address sits at a varying offset inside a larger buffer, as in a packet.
    const buf = new Uint8Array(64);
    for (let i = 0; i < 20000; i++) {
      // Mostly a few hot addresses, sometimes any of the pool (evictions and collisions).
      const addr = rng.bool(0.7) ? pool[rng.int(16)]! : pool[rng.int(pool.length)]!;
      const off = rng.int(64 - size);
      buf.fill(0xaa);
      buf.set(addr, off);
      const b = new Bytes(buf);
      assert.equal(cached(cache, b, off), direct(b, off), `lookup ${i} (seed ${SEED})`);
    }
  });
}

describe(`AddressText cache (seed ${SEED})`, () => {
  check('IPv4', (rng) => rng.bytes(4), 4, (t, b, off) => t.ip4(b.data, off), (b, off) => ip4String(b, off));
  check('IPv6', ip6, 16, (t, b, off) => t.ip6(b, off), (b, off) => ip6String(b, off));
  check('MAC', (rng) => rng.bytes(6), 6, (t, b, off) => t.mac(b.data, off), (b, off) => macString(b, off));
});
