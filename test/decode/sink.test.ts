/**
 * The printers' byte output (Sink) and the per-printer tables that feed it, against the
 * JavaScript operations they replace: numbers against String/padStart/toString(16), strings
 * against TextEncoder (UTF-8, lone surrogates as U+FFFD), pre-encoded texts against the plain
 * concatenation (including their whole-word writes past the text, overwritten by what follows),
 * growth from a one-byte buffer, AddressText's encoded texts against its strings, the -e MAC
 * pair table and the TCP sequence table against Maps, and PacketPrinter.print into one shared
 * sink against format(). (What the printers write is compared with tcpdump by the corpus tests.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AddressText, Bytes, MacPairAscii } from '../../src/decode/bytes.js';
import { PacketPrinter } from '../../src/decode/printer.js';
import { ascii, Sink, type AsciiText } from '../../src/decode/sink.js';
import { TcpSeqTable } from '../../src/decode/tcp-seq.js';
import { corpus } from '../helpers/capture-corpus.js';
import { Prng, testSeed } from '../helpers/prng.js';

const SEED = testSeed(6151);
const text = (s: Sink): string => new TextDecoder().decode(s.buf.subarray(0, s.len));

/** Numbers of every digit count, the powers of ten and 2^31/2^32 boundaries among them. */
function numbers(rng: Prng, n: number): number[] {
  const out = [0, 9, 10, 99, 100, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1];
  for (let p = 1; p <= 1e10; p *= 10) out.push(p - 1, p, p + 1);
  for (let i = 0; i < n; i++) out.push(rng.u32() >>> rng.int(32));
  return out;
}

describe(`Sink (seed ${SEED})`, () => {
  it('u writes String(n) (digit by digit for integers below 2^32)', () => {
    const s = new Sink(1);
    for (const v of [...numbers(new Prng(SEED), 20000), -1, -0, 2.5, 1e21, NaN, -Infinity]) {
      s.len = 0;
      s.u(v);
      assert.equal(text(s), String(v));
    }
  });

  it('pad writes padStart of the decimal text, up to 9 digits', () => {
    const rng = new Prng(SEED + 1);
    const s = new Sink(1);
    for (let i = 0; i < 20000; i++) {
      const width = 1 + rng.int(9);
      const v = rng.int(10 ** width);
      s.len = 0;
      s.pad(v, width);
      assert.equal(text(s), String(v).padStart(width, '0'));
    }
    for (const v of [-5, 2.5, 1234567, NaN]) {
      s.len = 0;
      s.pad(v, 6);
      assert.equal(text(s), String(v).padStart(6, '0'));
    }
  });

  it('v writes what a template literal shows', () => {
    const s = new Sink(1);
    for (const v of [...numbers(new Prng(SEED + 2), 2000), -1, -0, 0.5, 1e21, NaN, Infinity, 'x', '', undefined, null, true]) {
      s.len = 0;
      s.v(v);
      assert.equal(text(s), `${v}`);
    }
  });

  it('hex and hex2 write toString(16) zero-padded', () => {
    const rng = new Prng(SEED + 3);
    const s = new Sink(1);
    for (let i = 0; i < 20000; i++) {
      const v = rng.u32() >>> rng.int(32), width = 1 + rng.int(10);
      s.len = 0;
      s.hex(v, width).c(0x20).hex2(v & 0xff);
      assert.equal(text(s), `${v.toString(16).padStart(width, '0')} ${(v & 0xff).toString(16).padStart(2, '0')}`);
    }
  });

  it('s writes UTF-8 as TextEncoder does (lone surrogates as U+FFFD)', () => {
    const rng = new Prng(SEED + 4);
    const pieces = ['a', 'é', '\u00ff', '\u0800', '€', '\uffff', '😀', '\ud800', '\udc00', 'host-1.example', '\u4e2d\u6587'];
    const enc = new TextEncoder();
    for (let i = 0; i < 2000; i++) {
      let str = '';
      for (let j = rng.int(12); j > 0; j--) str += pieces[rng.int(pieces.length)]!;
      const s = new Sink(1);
      s.s('x').s(str).s('y');
      assert.deepEqual(s.buf.subarray(0, s.len), enc.encode(`x${str}y`));
    }
  });

  it('t writes ascii() texts: the concatenation, whatever follows them', () => {
    const rng = new Prng(SEED + 5);
    const s = new Sink(1);
    let expected = '';
    for (let i = 0; i < 20000; i++) {
      let str = '';
      for (let j = rng.int(41); j > 0; j--) str += String.fromCharCode(0x20 + rng.int(95));
      s.t(ascii(str));
      expected += str;
      // Another write right after: the bytes t wrote past its text are overwritten.
      if (rng.bool()) { const v = rng.int(1000); s.u(v); expected += String(v); }
      if (rng.bool(0.1)) { s.c(0x2e); expected += '.'; }
    }
    assert.equal(text(s), expected);
  });

  it('bytes copies short and long runs', () => {
    const rng = new Prng(SEED + 6);
    const s = new Sink(1);
    let expected = '';
    for (let i = 0; i < 3000; i++) {
      const d = Uint8Array.from({ length: rng.int(100) }, () => 0x20 + rng.int(95));
      const a = rng.int(d.length + 1), z = a + rng.int(d.length - a + 1);
      s.bytes(d, a, z);
      expected += String.fromCharCode(...d.subarray(a, z));
    }
    assert.equal(text(s), expected);
  });

  it('ascii refuses non-ASCII text', () => {
    assert.throws(() => ascii('caf\u00e9'), RangeError);
  });
});

describe(`tables behind the sink (seed ${SEED})`, () => {
  it('AddressText.lastAscii is the encoded text of the address just returned', () => {
    const rng = new Prng(SEED + 7);
    const cache = new AddressText();
    const pool4 = Array.from({ length: 3000 }, () => rng.bytes(4));
    const pool6 = Array.from({ length: 3000 }, () => { const a = rng.bytes(16); if (rng.bool()) a.fill(0, 0, 2 * rng.int(8)); return a; });
    const s = new Sink(1);
    for (let i = 0; i < 20000; i++) {
      const six = rng.bool();
      const addr = six ? pool6[rng.bool(0.7) ? rng.int(16) : rng.int(3000)]! : pool4[rng.bool(0.7) ? rng.int(16) : rng.int(3000)]!;
      const str = six ? cache.ip6(new Bytes(addr), 0) : cache.ip4(addr, 0);
      s.len = 0;
      s.t(cache.lastAscii);
      assert.equal(text(s), str);
    }
  });

  it('MacPairAscii gives back only the text set for the same 12 bytes', () => {
    const rng = new Prng(SEED + 9);
    const pairs = new MacPairAscii();
    const model = new Map<string, AsciiText>();
    const macs = Array.from({ length: 60 }, () => rng.bytes(6));
    let hits = 0;
    for (let i = 0; i < 20000; i++) {
      const d = new Uint8Array(14);
      d.set(macs[rng.int(macs.length)]!, 0);
      d.set(macs[rng.int(macs.length)]!, 6);
      const key = [...d.subarray(0, 12)].join(',');
      const got = pairs.get(d);
      // A slot holds one pair: a hit must be this pair's text; a miss is allowed (evicted).
      if (got !== undefined) { assert.equal(got, model.get(key)); hits++; }
      if (got === undefined) { const text = ascii(key); pairs.set(d, text); model.set(key, text); }
    }
    // 3600 pairs in 1024 slots: most lookups miss, but a table that never hits is broken.
    assert.ok(hits > 2000, `${hits} hits`);
  });

  it('TcpSeqTable finds what was set, as a Map keyed by the same bytes does', () => {
    const rng = new Prng(SEED + 8);
    const table = new TcpSeqTable();
    const model = new Map<string, [number, number]>();
    const addrs = Array.from({ length: 40 }, () => rng.bytes(16));
    // Enough conversations to grow the table several times.
    for (let i = 0; i < 30000; i++) {
      const alen = rng.bool() ? 4 : 16;
      const lo = rng.int(addrs.length), hi = rng.int(addrs.length);
      const d = new Uint8Array(32);
      d.set(addrs[lo]!.subarray(0, alen), 0);
      d.set(addrs[hi]!.subarray(0, alen), 16);
      const ports = rng.int(8) * 65536 + rng.int(8);
      const key = `${alen}|${[...d.subarray(0, alen)]}|${[...d.subarray(16, 16 + alen)]}|${ports}`;
      const known = table.find(d, 0, 16, alen, ports);
      const want = model.get(key);
      assert.equal(known, want !== undefined);
      if (want !== undefined) assert.deepEqual([table.lowIsn, table.highIsn], want);
      if (!known || rng.bool(0.1)) {
        const isns: [number, number] = [rng.u32(), rng.u32()];
        table.set(d, 0, 16, alen, ports, isns[0], isns[1]);
        model.set(key, isns);
      }
    }
  });

  it('PacketPrinter.print into one sink gives the lines format() gives', () => {
    const frames = corpus(SEED, 2000);
    for (const opts of [{ numeric: 2 }, {}, { verbose: 1 }, { linkHeader: true }, { hex: 'X' as const }]) {
      const a = new PacketPrinter(opts), b = new PacketPrinter(opts);
      const sink = new Sink(1);
      let lines = '';
      frames.forEach((f, i) => {
        const p = { data: f.data, origLength: f.origLength ?? f.data.length, seconds: 1700000000 + i, nanos: i * 1000, linkType: 1 };
        a.print(p, sink);
        lines += b.format(p);
      });
      assert.equal(text(sink), lines);
    }
  });
});
