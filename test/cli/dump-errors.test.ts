/**
 * `tsbpf dump` on damaged captures: every prefix of a pcap and a pcapng file, and seeded
 * mutations of their length, version, magic, interface and option fields. Standard output,
 * exit status and standard error must be tcpdump's (libpcap's messages, with `tsbpf:` for
 * `tcpdump:`), the packets before the damage included.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { corpus, writeCapture } from '../helpers/capture-corpus.js';
import { dump } from '../helpers/cli.js';
import { needsTool } from '../helpers/oracles.js';
import { Prng, testSeed } from '../helpers/prng.js';
import { tcpdumpText } from '../helpers/tcpdump-print.js';

process.env.TZ = 'UTC';
const SEED = testSeed(4242);
const dir = mkdtempSync(join(tmpdir(), 'tsbpf-dump-errors-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function same(name: string, bytes: Uint8Array): Promise<void> {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  const t = tcpdumpText(file, ['-nn']);
  const o = await dump(['-nn', '-r', file]);
  const what = `${name} (${bytes.length} bytes, seed ${SEED})`;
  assert.equal(o.stderr, t.stderr.replace(/^tcpdump: /gm, 'tsbpf: '), what);
  assert.equal(o.status, t.status, what);
  assert.equal(o.stdout, t.stdout, what);
}

const u32 = (b: Uint8Array, at: number, v: number): void => { new DataView(b.buffer, b.byteOffset).setUint32(at, v, true); };
const u16 = (b: Uint8Array, at: number, v: number): void => { new DataView(b.buffer, b.byteOffset).setUint16(at, v, true); };

describe(`damaged captures: libpcap's messages (seed ${SEED})`, needsTool('tcpdump'), () => {
  const frames = corpus(SEED, 4, { truncate: false });
  const pcap = writeCapture('pcap', 1, frames);
  const pcapng = writeCapture('pcapng', 1, frames);
  it('every prefix of a pcap file', async () => {
    for (let n = 0; n < pcap.length; n += n < 60 ? 1 : 7) await same(`cut-${n}.pcap`, pcap.subarray(0, n));
  });
  it('every prefix of a pcapng file', async () => {
    for (let n = 0; n < pcapng.length; n += n < 120 ? 1 : 5) await same(`cut-${n}.pcapng`, pcapng.subarray(0, n));
  });
  it('mutated header, record and block fields', async () => {
    const rng = new Prng(SEED);
    const values = [0, 1, 2, 3, 7, 11, 12, 13, 16, 27, 28, 29, 64, 1500, 0xffff, 0x10000, 262144, 262145, 1 << 20, (1 << 20) + 4, 1 << 24, (1 << 24) + 4, 0x7fffffff, 0xffffffff];
    // pcap: version, snaplen, caplen/len of the first records.
    for (let i = 0; i < 40; i++) {
      const b = pcap.slice();
      const field = rng.pick([4, 6, 16, 32, 36]);
      if (field < 8) u16(b, field, rng.pick([0, 1, 2, 3, 4, 5, 543, 0xffff]));
      else u32(b, field, rng.pick(values));
      await same(`mut-${i}.pcap`, b);
    }
    // pcapng: block lengths, byte-order magic, version, interface id, captured length.
    const shb = new DataView(pcapng.buffer, pcapng.byteOffset).getUint32(4, true);
    const idb = new DataView(pcapng.buffer, pcapng.byteOffset).getUint32(shb + 4, true);
    const epb = shb + idb;
    for (let i = 0; i < 60; i++) {
      const b = pcapng.slice();
      const field = rng.pick(['shblen', 'bom', 'major', 'minor', 'idblen', 'epblen', 'ifid', 'caplen', 'trailer']);
      switch (field) {
        case 'shblen': u32(b, 4, rng.pick(values)); break;
        case 'bom': u32(b, 8, rng.pick([0x4d3c2b1a, 0x11223344, 0])); break;
        case 'major': u16(b, 12, rng.pick([0, 1, 2])); break;
        case 'minor': u16(b, 14, rng.pick([0, 1, 2, 3])); break;
        case 'idblen': u32(b, shb + 4, rng.pick(values)); break;
        case 'epblen': u32(b, epb + 4, rng.pick(values)); break;
        case 'ifid': u32(b, epb + 8, rng.pick([1, 2, 5])); break;
        case 'caplen': u32(b, epb + 20, rng.pick(values)); break;
        default: u32(b, epb - 4, rng.pick(values)); break;
      }
      await same(`mut-${i}-${field}.pcapng`, b);
    }
  });
});
