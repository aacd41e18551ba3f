/**
 * The text of IPv6 addresses (RFC 5952 compression, IPv4-mapped and IPv4-compatible forms in
 * dotted quad) against tcpdump -n printing the same addresses. Random addresses are drawn
 * word by word with many zero words, so every length and position of the zero run occurs, and
 * with the ::ffff:0:0/96, ::/96 and 64:ff9b::/96 prefixes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { writeCapture } from '../helpers/capture-corpus.js';
import * as F from '../helpers/frames.js';
import { needsTool } from '../helpers/oracles.js';
import { Prng, testSeed } from '../helpers/prng.js';
import { firstDifference, ourText, tcpdumpText } from '../helpers/tcpdump-print.js';

const SEED = testSeed(9152);
const dir = mkdtempSync(join(tmpdir(), 'tsbpf-ip6-text-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** One random address as eight 16-bit words, written in full (no compression) for frames.ts. */
function randomAddress(rng: Prng): string {
  const w = Array.from({ length: 8 }, () => (rng.int(3) === 0 ? rng.int(0x10000) : rng.int(4) === 0 ? 1 : 0));
  switch (rng.int(6)) {
    case 0: w.fill(0, 0, 5); w[5] = 0xffff; break; // IPv4-mapped
    case 1: w.fill(0, 0, 6); break; // IPv4-compatible (or ::, ::1, ::x when the tail is small)
    case 2: w[0] = 0x64; w[1] = 0xff9b; w.fill(0, 2, 6); break; // NAT64 well-known prefix
    default: break;
  }
  return w.map((x) => x.toString(16)).join(':');
}

describe(`IPv6 address text as tcpdump -n prints it (seed ${SEED})`, needsTool('tcpdump'), () => {
  it('3,000 random addresses in UDP packets', () => {
    const rng = new Prng(SEED);
    const M1 = '00:1c:42:0a:0b:0c', M2 = '52:54:00:12:34:56';
    const frames = Array.from({ length: 1500 }, () => {
      const src = randomAddress(rng), dst = randomAddress(rng);
      return { data: F.ethernet(M2, M1, 0x86dd, F.ipv6({ src, dst, nh: 17 }, F.udp({ v: 6, src, dst }, 40000, 40001, new Uint8Array(4)))) };
    });
    const file = join(dir, 'ip6.pcap');
    writeFileSync(file, writeCapture('pcap', 1, frames));
    const expected = tcpdumpText(file, ['-n']);
    assert.equal(expected.status, 0, expected.stderr);
    // Not vacuous: the draw produced the dotted-quad forms and compressed runs.
    assert.match(expected.stdout, /::ffff:\d+\.\d+\.\d+\.\d+\./);
    assert.match(expected.stdout, / ::\d+\.\d+\.\d+\.\d+\./);
    assert.equal(firstDifference(expected.stdout, ourText(file, ['-n'])), undefined, `seed ${SEED}`);
  });
});
