/**
 * Writing: pcap → pcapng → pcap keeps every packet, length and timestamp (µs and ns), and
 * tcpdump reads each file we write with the same text as the original.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CaptureWriter, readAllPackets, type CaptureFormat, type CapturePacket } from '../../src/capture/index.js';
import { corpus, writeCapture } from '../helpers/capture-corpus.js';
import { needsTool } from '../helpers/oracles.js';
import { samplesDir, tcpdumpText } from '../helpers/tcpdump-print.js';

const dir = mkdtempSync(join(tmpdir(), 'tsbpf-roundtrip-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function rewrite(packets: readonly CapturePacket[], format: CaptureFormat, linkType: number, nanosecond: boolean, littleEndian = true): Uint8Array {
  const chunks: Uint8Array[] = [];
  const w = new CaptureWriter({ format, linkType, nanosecond, littleEndian, bufferSize: 4096 }, (b) => chunks.push(b));
  for (const p of packets) w.write(p);
  w.flush();
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

const key = (p: CapturePacket): string => `${p.seconds}.${p.nanos} ${p.origLength} ${p.linkType}/${p.interfaceId} ${Buffer.from(p.data).toString('hex')}`;

describe('round trips', () => {
  for (const nanosecond of [false, true]) {
    it(`pcap → pcapng → pcap, ${nanosecond ? 'ns' : 'µs'} (both byte orders)`, () => {
      const original = readAllPackets(writeCapture('pcap', 1, corpus(77, 400), 1700000000, nanosecond)).packets;
      for (const le of [true, false]) {
        const ng = rewrite(original, 'pcapng', 1, nanosecond, le);
        const viaNg = readAllPackets(ng).packets;
        assert.deepEqual(viaNg.map(key), original.map(key));
        const back = readAllPackets(rewrite(viaNg, 'pcap', 1, nanosecond, le)).packets;
        assert.deepEqual(back.map(key), original.map(key));
      }
    });
  }
  it('multi-interface pcapng keeps interfaces and link types', () => {
    const packets = readAllPackets(readFileSync(join(samplesDir(), 'multi.pcapng'))).packets;
    assert.deepEqual(new Set(packets.map((p) => p.interfaceId)), new Set([0, 1]));
    const again = readAllPackets(rewrite(packets, 'pcapng', 1, true)).packets;
    assert.deepEqual(again.map(key), packets.map(key));
  });
  it('pcap output refuses a second link type', () => {
    assert.throws(() => rewrite([{ data: new Uint8Array(4), origLength: 4, seconds: 0, nanos: 0, linkType: 101, interfaceId: 0, index: 1, offset: 0 }], 'pcap', 1, false));
  });
});

describe('tcpdump reads what we write', needsTool('tcpdump'), () => {
  const sources = ['http.pcap', 'dns.pcap', 'ipv6.pcap', 'multi.pcapng'];
  for (const name of sources) {
    for (const [format, nanosecond] of [['pcap', false], ['pcap', true], ['pcapng', false], ['pcapng', true]] as const) {
      it(`${name} → ${format}${nanosecond ? ' (ns)' : ''}`, () => {
        const src = join(samplesDir(), name);
        const packets = readAllPackets(readFileSync(src)).packets;
        const out = join(dir, `${name}.${nanosecond ? 'ns' : 'us'}.${format}`);
        writeFileSync(out, rewrite(packets, format, 1, nanosecond));
        const args = ['-nn', '-tt', ...(nanosecond ? ['--nano'] : [])];
        const expected = tcpdumpText(src, args);
        const actual = tcpdumpText(out, args);
        assert.equal(actual.status, 0, actual.stderr);
        assert.equal(actual.stdout, expected.stdout);
      });
    }
  }
});
