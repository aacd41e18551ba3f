/**
 * pcap and pcapng readers: every format variant, checked against tcpdump's reading of the same
 * bytes (the pcapng files are assembled by hand, not by our writer), plus the cases libpcap
 * refuses (byte-order change between sections, interfaces of different link types), whose
 * expected values follow from how the bytes were built.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CaptureError, CaptureReader, forEachPacket, readAllPackets, readPackets, type CapturePacket } from '../../src/capture/index.js';
import { PacketPrinter } from '../../src/decode/index.js';
import * as F from '../helpers/frames.js';
import { needsTool } from '../helpers/oracles.js';
import { BlockWriter } from '../helpers/pcapng-blocks.js';
import { tcpdumpText } from '../helpers/tcpdump-print.js';

const dir = mkdtempSync(join(tmpdir(), 'tsbpf-readers-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const frame = (i: number): number[] => [...F.ethernet('52:54:00:12:34:56', '00:1c:42:0a:0b:0c', 0x0800,
  F.ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 17, id: i }, F.udp({ v: 4, src: '10.0.0.1', dst: '10.0.0.2' }, 40000 + i, 50000, new Uint8Array(i))))];

/** A pcap file assembled by hand: header fields in the chosen byte order, µs or ns magic. */
function handPcap(le: boolean, nano: boolean, records: readonly { sec: number; sub: number; data: number[]; orig?: number }[], snaplen = 65535): Uint8Array {
  const out: number[] = [];
  const u32 = (v: number) => { v >>>= 0; out.push(...(le ? [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24] : [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff])); };
  const u16 = (v: number) => { out.push(...(le ? [v & 0xff, v >> 8] : [v >> 8, v & 0xff])); };
  u32(nano ? 0xa1b23c4d : 0xa1b2c3d4); u16(2); u16(4); u32(0); u32(0); u32(snaplen); u32(1);
  for (const r of records) { u32(r.sec); u32(r.sub); u32(r.data.length); u32(r.orig ?? r.data.length); out.push(...r.data); }
  return new Uint8Array(out);
}

/** Our epoch-nanosecond text for a file, to compare with `tcpdump -tt --nano -nn`. */
function ourEpochText(bytes: Uint8Array): string {
  const printer = new PacketPrinter({ numeric: 2, timestamp: 'epoch', nano: true });
  return readAllPackets(bytes).packets.map((p) => printer.format(p)).join('');
}

function compareWithTcpdump(name: string, bytes: Uint8Array): void {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  const t = tcpdumpText(path, ['-nn', '-tt', '--nano']);
  assert.equal(t.status, 0, t.stderr);
  assert.equal(ourEpochText(bytes), t.stdout);
}

describe('pcap variants, as tcpdump reads them', needsTool('tcpdump'), () => {
  const records = [
    { sec: 1700000000, sub: 1, data: frame(1) },
    { sec: 1700000001, sub: 999999, data: frame(2).slice(0, 30), orig: frame(2).length },
    { sec: 2100000000, sub: 500000, data: frame(3) },
    { sec: 4000000000, sub: 0, data: frame(4) },
  ];
  for (const le of [true, false]) {
    for (const nano of [false, true]) {
      it(`${le ? 'little' : 'big'}-endian, ${nano ? 'nanosecond' : 'microsecond'} magic`, () => {
        const recs = nano ? records.map((r) => ({ ...r, sub: r.sub * 1000 + 7 })) : records;
        compareWithTcpdump(`v-${le}-${nano}.pcap`, handPcap(le, nano, recs));
      });
    }
  }
  it('the header reports link type, snaplen and precision', () => {
    const { header, packets } = readAllPackets(handPcap(false, true, records, 96));
    assert.deepEqual(header, { format: 'pcap', littleEndian: false, nanosecond: true, versionMajor: 2, versionMinor: 4, linkType: 1, snaplen: 96 });
    assert.equal(packets[1]!.data.length, 30);
    assert.equal(packets[1]!.origLength, frame(2).length);
  });
});

describe('pcapng blocks, as tcpdump reads them', needsTool('tcpdump'), () => {
  for (const le of [true, false]) {
    it(`SHB/IDB options/EPB/SPB/OPB/NRB/ISB/custom/unknown, ${le ? 'little' : 'big'}-endian`, () => {
      const w = new BlockWriter(le);
      w.shb().idb(1, 65535, [...w.ifName('eth0'), ...w.tsresol(9)]).idb(1, 65535, [...w.tsresol(0x80 | 20), ...w.tsoffset(1000)])
        .nrb().custom().epb(0, 395812, 1234567891, frame(1)).epb(1, 0, 1700000005, frame(2)).isb(0).spb(frame(3))
        .opb(1, 0, 123456789, frame(4)).block(0x12345, [1, 2, 3, 4]).epb(0, 395812, 1234567999, frame(5).slice(0, 40), frame(5).length);
      compareWithTcpdump(`b-${le}.pcapng`, w.bytes());
      const seen: string[] = [];
      const { packets } = readAllPackets(w.bytes());
      assert.deepEqual(packets.map((p) => p.interfaceId), [0, 1, 0, 1, 0]);
      const reader = new CaptureReader({ onInterface: (i, id) => seen.push(`${id}:${i.name ?? '-'}:${i.unitsPerSecond}:${i.tsOffset}`) });
      reader.push(w.bytes(), () => {});
      reader.end();
      assert.deepEqual(seen, ['0:eth0:1000000000:0', '1:-:1048576:1000']);
    });
  }
});

describe('pcapng beyond libpcap', () => {
  it('sections of both byte orders, each with its own interfaces', () => {
    const a = new BlockWriter(true).shb().idb(1, 0).epb(0, 0, 1_000_001, frame(1));
    const b = new BlockWriter(false).shb().idb(101, 0, [...new BlockWriter(false).tsresol(3)]).epb(0, 0, 2_500, frame(2).slice(14));
    const { packets } = readAllPackets(new Uint8Array([...a.bytes(), ...b.bytes()]));
    assert.deepEqual(packets.map((p) => [p.linkType, p.seconds, p.nanos, p.data.length]), [[1, 1, 1000, frame(1).length], [101, 2, 500_000_000, frame(2).length - 14]]);
  });
  it('interfaces of different link types in one section', () => {
    const w = new BlockWriter(true);
    w.shb().idb(1, 0).idb(101, 0).idb(113, 0).epb(0, 0, 1, frame(1)).epb(1, 0, 2, frame(2).slice(14)).epb(2, 0, 3, [0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 8, 0]);
    const { packets } = readAllPackets(w.bytes());
    assert.deepEqual(packets.map((p) => [p.interfaceId, p.linkType]), [[0, 1], [1, 101], [2, 113]]);
  });
  it('a packet for an undeclared interface is a CaptureError at that block', () => {
    const w = new BlockWriter(true).shb().idb(1, 0).epb(0, 0, 1, frame(1)).epb(3, 0, 2, frame(2));
    const got: CapturePacket[] = [];
    assert.throws(() => { const r = new CaptureReader(); r.push(w.bytes(), (p) => got.push(p)); r.end(); },
      (e: unknown) => e instanceof CaptureError && e.record === 4 && e.offset > 0);
    assert.equal(got.length, 1);
  });
});

describe('streaming', () => {
  const whole = handPcap(true, false, Array.from({ length: 50 }, (_, i) => ({ sec: 1700000000 + i, sub: i, data: frame(i % 30) })));
  const expected = readAllPackets(whole).packets.map((p) => [p.seconds, p.nanos, [...p.data].join(',')]);
  for (const size of [1, 3, 17, 4096]) {
    it(`chunks of ${size} bytes give the same packets`, async () => {
      const chunks = (async function* () { for (let i = 0; i < whole.length; i += size) yield whole.slice(i, i + size); })();
      const got: (string | number)[][] = [];
      for await (const p of readPackets(chunks)) got.push([p.seconds, p.nanos, [...p.data].join(',')]);
      assert.deepEqual(got, expected);
    });
  }
  it('forEachPacket stops early when the callback returns false', async () => {
    let n = 0;
    await forEachPacket([whole.slice(0, 100), whole.slice(100)], () => ++n < 3);
    assert.equal(n, 3);
  });
  it('empty and unknown inputs are CaptureErrors', () => {
    assert.throws(() => readAllPackets(new Uint8Array(0)), CaptureError);
    assert.throws(() => readAllPackets(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])), (e: unknown) => e instanceof CaptureError && e.record === 0 && e.offset === 0);
  });
});
