/**
 * A seeded generator of frames for every protocol `tsbpf dump` prints, written as captures
 * that tcpdump then reads: the expected text always comes from tcpdump, never from us.
 */
import { CaptureWriter, type CaptureFormat } from '../../src/capture/index.js';
import * as F from './frames.js';
import { Prng } from './prng.js';

export interface CorpusFrame { readonly data: Uint8Array; readonly origLength?: number }

const MACS = ['00:1c:42:0a:0b:0c', '52:54:00:12:34:56', 'ff:ff:ff:ff:ff:ff', '01:00:5e:00:00:01', '33:33:00:00:00:01', 'de:ad:be:ef:00:01'];
const V4 = ['10.0.0.1', '10.0.0.2', '192.168.1.10', '172.16.5.4', '8.8.8.8', '224.0.0.1', '255.255.255.255', '0.0.0.0'];
const V6 = ['2001:db8::1', '2001:db8::10', 'fe80::1', 'fe80::21c:42ff:fe0a:b0c', 'ff02::1', '::1', '2001:db8:0:1:2:3:4:5', '::ffff:10.1.2.3', '2001:0:0:1::1'];
/** Ports tcpdump prints without an application decoder, plus the ones we decode. */
const PLAIN_PORTS = [40000, 41234, 45678, 49999, 50001, 60000, 1025, 12345];

function text(rng: Prng, n: number): Uint8Array {
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789 /.-=&?\r\n';
  return F.ascii(Array.from({ length: n }, () => rng.pick([...chars])).join(''));
}

function transport(rng: Prng, l3: F.L3, options: CorpusOptions): [number, Uint8Array] {
  const kind = rng.int(10);
  const sport = rng.pick(PLAIN_PORTS), dport = rng.pick(PLAIN_PORTS);
  if (kind < 4) {
    const flagsets = [F.TH.SYN, F.TH.SYN | F.TH.ACK, F.TH.ACK, F.TH.PSH | F.TH.ACK, F.TH.FIN | F.TH.ACK, F.TH.RST, F.TH.RST | F.TH.ACK, F.TH.URG | F.TH.ACK, F.TH.ECE | F.TH.CWR | F.TH.SYN, 0];
    const opts = rng.pick([[], F.tcpopt.mss(1460), [...F.tcpopt.nop(), ...F.tcpopt.nop(), ...F.tcpopt.ts(rng.u32(), rng.u32())],
      [...F.tcpopt.mss(536), ...F.tcpopt.sackOk(), ...F.tcpopt.ts(1, 0), ...F.tcpopt.nop(), ...F.tcpopt.wscale(rng.int(15))],
      [...F.tcpopt.nop(), ...F.tcpopt.nop(), ...F.tcpopt.sack(rng.u32(), rng.u32())], [0], [99, 4, 1, 2], [19, 18, ...rng.bytes(16)], [34, 2, 1, 1],
      [34, 10, ...rng.bytes(8)], [254, 4, 0x12, 0x34], [254, 4, 0xf9, 0x89], [28, 4, rng.int(256), rng.int(256)], [6, 6, ...F.u32(rng.u32())], [11, 6, ...F.u32(7)]]);
    const web = rng.bool(0.3);
    const payload = web ? rng.pick([F.ascii('GET /a/b?c=d HTTP/1.1\r\nHost: x\r\n\r\n'), F.ascii('HTTP/1.1 200 OK\r\n\r\n'), F.ascii('POST /x HTTP/1.0\r\n'), F.ascii('GET /partial'), text(rng, 30)])
      : rng.bool(0.5) ? rng.bytes(rng.int(60)) : new Uint8Array(0);
    return [6, F.tcp(l3, { sport: web && rng.bool() ? 80 : sport, dport: web ? 80 : dport, seq: rng.u32(), ack: rng.u32(), flags: rng.pick(flagsets), win: rng.int(65536), urp: rng.int(100), options: opts }, payload)];
  }
  if (kind < 7) {
    const app = rng.int(5);
    if (app === 0) {
      const q = rng.pick(['example.com', 'a.b.c.example.org', 'x.', '_sip._tcp.example.net']);
      const type = rng.pick([1, 28, 15, 16, 33, 12, 2, 6, 255, 65]);
      const resp = rng.bool();
      const an: F.DnsRR[] = resp ? [
        { name: q, type: 1, rdata: [10, 1, 2, 3] }, { name: q, type: 28, rdata: F.ip6('2001:db8::53') },
        { name: q, type: 5, rdata: F.dnsName('alias.example.com') }, { name: q, type: 15, rdata: [0, 5, ...F.dnsName('mx.example.com')] },
        { name: q, type: 16, rdata: [5, ...F.ascii('hello'), 3, ...F.ascii('a b')] }, { name: q, type: 33, rdata: [0, 1, 0, 2, 0x13, 0xc4, ...F.dnsName('sip.example.com')] },
      ].slice(0, rng.int(4)) : [];
      const flags = resp ? rng.pick([0x8180, 0x8183, 0x8580, 0x8182, 0x8100, 0x8380]) : rng.pick([0x0100, 0x0000, 0x0110]);
      const msg = F.dns({ id: rng.int(65536), flags, qd: [{ name: q, type }], an });
      return [17, F.udp(l3, resp ? 53 : sport, resp ? dport : 53, msg)];
    }
    if (app === 1 && options.verboseApps !== false) {
      const ntp = F.concat([(rng.pick([3, 4]) << 3) | rng.pick([1, 2, 3, 4, 5]), 2, 6, 0xec], rng.bytes(44));
      return [17, F.udp(l3, 123, rng.pick([123, sport]), ntp)];
    }
    if (app === 2 && l3.v === 4 && options.verboseApps !== false) {
      const op = rng.pick([1, 2]);
      const bootp = F.concat([op, 1, 6, 0], F.u32(rng.u32()), [0, 0, 0, 0], new Uint8Array(16), F.mac(MACS[0]!), new Uint8Array(10 + 64 + 128), [99, 130, 83, 99, 53, 1, 1, 255]);
      return [17, F.udp(l3, op === 1 ? 68 : 67, op === 1 ? 67 : 68, bootp)];
    }
    return [17, F.udp(l3, sport, dport, rng.bytes(rng.int(40)))];
  }
  if (l3.v === 6) {
    const kind6 = rng.int(7);
    if (kind6 === 0) return [58, F.icmp6(l3, 128 + rng.int(2), 0, F.concat(F.u16(rng.int(65536)), F.u16(rng.int(65536)), rng.bytes(rng.int(20))))];
    if (kind6 === 1) return [58, F.icmp6(l3, 135, 0, F.concat(F.u32(0), F.ip6(rng.pick(V6)), [1, 1, ...F.mac(MACS[0]!)]))];
    if (kind6 === 2) return [58, F.icmp6(l3, 136, 0, F.concat(F.u32(0xe0000000), F.ip6(rng.pick(V6))))];
    if (kind6 === 3) {
      const inner = F.ipv6({ src: l3.dst, dst: rng.pick(V6), nh: 17 }, F.udp({ v: 6, src: l3.dst, dst: rng.pick(V6) }, 5000, rng.pick(PLAIN_PORTS), new Uint8Array(4)));
      return [58, F.icmp6(l3, 1, rng.int(5), F.concat(F.u32(0), inner))];
    }
    if (kind6 === 4) return [58, F.icmp6(l3, 2, 0, F.concat(F.u32(1280), F.ipv6({ src: l3.dst, dst: l3.src, nh: 59 }, new Uint8Array(8))))];
    if (kind6 === 5) return [58, F.icmp6(l3, 3, rng.int(2), F.concat(F.u32(0), F.ipv6({ src: l3.dst, dst: rng.pick(V6), nh: 59 }, new Uint8Array(0))))];
    return [58, F.icmp6(l3, rng.pick([133, 131, 132]), 0, F.concat(F.u16(0), F.u16(0), F.ip6('ff02::1:2'), new Uint8Array(0)))];
  }
  const kind4 = rng.int(8);
  if (kind4 === 0) return [1, F.icmp(rng.pick([0, 8]), 0, [...F.u16(rng.int(65536)), ...F.u16(rng.int(65536))], rng.bytes(rng.int(32)))];
  if (kind4 <= 2) {
    const innerProto = rng.pick([6, 17, 1]);
    const idst = rng.pick(V4);
    const inner = F.ipv4({ src: l3.dst, dst: idst, proto: innerProto, id: 7 }, innerProto === 1 ? F.icmp(8, 0, [0, 0, 0, 0]) : F.concat(F.u16(40000), F.u16(rng.pick(PLAIN_PORTS)), new Uint8Array(4)));
    const type = rng.pick([3, 3, 3, 11, 5, 12, 4]);
    const code = type === 3 ? rng.int(16) : type === 11 ? rng.int(2) : type === 5 ? rng.int(4) : 0;
    return [1, F.icmp(type, code, type === 5 ? F.ip4(rng.pick(V4)) : type === 3 && code === 4 ? [0, 0, 5, 0xdc] : [rng.int(20), 0, 0, 0], inner.subarray(0, 28))];
  }
  if (kind4 === 3) return [1, F.icmp(rng.pick([13, 14, 15, 16, 17, 4, 10, 99]), 0, [0, 1, 0, 2], rng.bytes(12))];
  if (kind4 === 4) {
    const v3 = rng.int(3);
    // IGMPv3 messages share ICMP's checksum layout, so the ICMP builder makes them.
    if (v3 === 0) {
      const n = rng.int(3);
      const records = Array.from({ length: n }, () => { const srcs = rng.int(3); return F.concat([1 + rng.int(6), 0], F.u16(srcs), F.ip4(rng.pick(['239.1.1.1', '239.2.3.4'])), ...Array.from({ length: srcs }, () => F.ip4(rng.pick(V4)))); });
      return [2, F.icmp(0x22, 0, [0, 0, ...F.u16(n)], F.concat(...records))];
    }
    if (v3 === 1) {
      const srcs = rng.int(3);
      return [2, F.icmp(0x11, rng.pick([100, 10, 200, 127, 128]), F.ip4(rng.pick(['0.0.0.0', '239.1.2.3'])), F.concat([2, 125], F.u16(srcs), ...Array.from({ length: srcs }, () => F.ip4(rng.pick(V4)))))];
    }
    const t = rng.pick([0x11, 0x12, 0x16, 0x17, 0x30]);
    return [2, F.igmp(t, rng.pick([0, 100, 10]), rng.pick(['0.0.0.0', '239.1.2.3']))];
  }
  return [rng.pick([250, 251, 252]), rng.bytes(rng.int(24))];
}

export interface CorpusOptions {
  /** Cut some frames short (caplen < len). Default true. */
  readonly truncate?: boolean;
  /** Include IPv6 frames. Default true. */
  readonly ipv6?: boolean;
  /** Include NTP and DHCP. Default true. */
  readonly verboseApps?: boolean;
}

export function corpusFrame(rng: Prng, options: CorpusOptions = {}): CorpusFrame {
  const kind = options.ipv6 === false ? rng.int(12) : rng.int(20);
  const [m1, m2] = [rng.pick(MACS), rng.pick(MACS)];
  if (kind < 2) {
    const op = rng.pick([1, 2, 3, 4]);
    const a = F.arp(op, rng.pick(MACS), rng.pick(V4), rng.pick(['00:00:00:00:00:00', ...MACS]), rng.pick(V4));
    return { data: F.ethernet(m1, m2, op > 2 ? 0x8035 : 0x0806, F.concat(a, new Uint8Array(rng.int(19)))) };
  }
  if (kind === 2) {
    if (rng.bool()) return { data: F.ethernet(m1, m2, rng.pick([0x1234, 0x88b5, 0x7777]), rng.bytes(20 + rng.int(30))) };
    // 802.3 + LLC: SAPs without a dedicated printer, and SNAP carrying IPv4 or ARP.
    const snap = rng.bool();
    const body = snap
      ? F.concat([0xaa, 0xaa, 0x03, 0, 0, 0], rng.bool() ? F.concat(F.u16(0x0800), F.ipv4({ src: rng.pick(V4), dst: rng.pick(V4), proto: 17 }, F.udp({ v: 4, src: '10.0.0.1', dst: '10.0.0.2' }, 40000, 40001, rng.bytes(4))))
        : F.concat(F.u16(0x0806), F.arp(1, MACS[0]!, rng.pick(V4), '00:00:00:00:00:00', rng.pick(V4))))
      : F.concat([rng.pick([0xf0, 0x04, 0x80, 0x00]), rng.pick([0xf0, 0x04, 0x81]), rng.pick([0x03, 0x13, 0xe3])], rng.bytes(rng.int(30)));
    const frame = F.concat(F.mac(m1), F.mac(m2), F.u16(body.length - (rng.int(4) === 0 ? 4 : 0)), body);
    return { data: frame.length < 60 ? F.concat(frame, new Uint8Array(60 - frame.length)) : frame };
  }
  let l3frame: Uint8Array;
  let type: number;
  if (kind < 12) {
    const l3 = { v: 4 as const, src: rng.pick(V4), dst: rng.pick(V4) };
    const [proto, seg] = transport(rng, l3, options);
    const frag = rng.int(12);
    const ipOptions = rng.int(8) === 0 ? rng.pick([[148, 4, 0, 0], [1, 1, 1, 0], [148, 4, 0, 5], [7, 11, 4 + 4 * rng.int(3), 10, 0, 0, 1, 10, 0, 0, 2, 0],
      [131, 7, 4, 1, 2, 3, 4, 0], [137, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 1], [68, 12, 5, 0, 0, 0, 0, 1, 0, 0, 0, 2], [68, 12, 9, 0x21, 1, 2, 3, 4, 0, 0, 0, 7],
      [68, 20, 13, 3, 1, 2, 3, 4, 0, 0, 0, 7, 5, 6, 7, 8, 0, 0, 0, 9]]) : [];
    l3frame = F.ipv4({ src: l3.src, dst: l3.dst, proto, id: rng.int(65536), ttl: rng.int(256), tos: rng.pick([0, 0, 0x10, 0xb8, 0x03]), df: rng.bool(), mf: frag === 0, fragOffset: frag === 1 ? 1480 : 0, options: ipOptions }, seg);
    type = 0x0800;
  } else {
    const l3 = { v: 6 as const, src: rng.pick(V6), dst: rng.pick(V6) };
    const [proto, seg] = transport(rng, l3, options);
    const ext = rng.int(6);
    let nh = proto;
    let body = seg;
    if (ext === 0) { body = F.concat(F.ip6ext(nh, []), body); nh = 0; }
    if (ext === 1) { body = F.concat(F.ip6ext(nh, []), body); nh = 60; }
    if (ext === 2) { body = F.concat(F.ip6frag(nh, rng.pick([0, 1232]), rng.bool(), rng.u32()), body); nh = 44; }
    if (ext === 3) {
      const n = 1 + rng.int(2);
      const type = rng.pick([0, 2, 4]);
      const addrs = Array.from({ length: n }, () => F.ip6(rng.pick(V6)));
      const head = type === 4 ? [nh, n * 2, 4, rng.int(n + 1), n - 1, 0, 0, rng.int(4)] : [nh, n * 2, type, rng.int(n + 1), 0, 0, 0, 0];
      body = F.concat(head, ...addrs, body);
      nh = 43;
    }
    l3frame = F.ipv6({ src: l3.src, dst: l3.dst, nh, hlim: rng.int(256), tclass: rng.pick([0, 0, 0xb8]), flow: rng.pick([0, 0x12345]) }, body);
    type = 0x86dd;
  }
  let frame = rng.int(6) === 0 ? F.vlan(m1, m2, rng.int(4095), rng.int(8), type, l3frame) : F.ethernet(m1, m2, type, l3frame);
  if (frame.length < 60 && rng.bool()) frame = F.concat(frame, new Uint8Array(60 - frame.length));
  // Some frames are cut short, like a capture with a small snaplen.
  if (rng.int(10) === 0 && options.truncate !== false) return { data: frame.subarray(0, 14 + rng.int(frame.length - 14)), origLength: frame.length };
  return { data: frame };
}

export function writeCapture(format: CaptureFormat, linkType: number, frames: readonly CorpusFrame[], start = 1700000000, nanosecond = false): Uint8Array {
  const chunks: Uint8Array[] = [];
  const w = new CaptureWriter({ format, linkType, nanosecond }, (b) => chunks.push(b));
  frames.forEach((f, i) => w.write({ data: f.data, origLength: f.origLength ?? f.data.length, seconds: start + Math.floor(i / 7), nanos: ((i * 7919) % 1000000) * 1000 + (nanosecond ? i % 1000 : 0) }));
  w.flush();
  return F.concat(...chunks);
}

export function corpus(seed: number, n: number, options: CorpusOptions = {}): CorpusFrame[] {
  const rng = new Prng(seed);
  return Array.from({ length: n }, () => corpusFrame(rng, options));
}

/** Re-frames Ethernet IPv4/IPv6 frames of a corpus for the other link types tcpdump prints. */
export function reframe(frames: readonly CorpusFrame[], linkType: number, rng: Prng): CorpusFrame[] {
  const out: CorpusFrame[] = [];
  for (const f of frames) {
    const d = f.data;
    if (d.length < 14) continue;
    const type = (d[12]! << 8) | d[13]!;
    if (type <= 1500 || type === 0x8100 || (type !== 0x0800 && type !== 0x86dd && !(linkType === 113 || linkType === 276))) continue;
    const payload = d.subarray(14);
    const cut = (f.origLength ?? d.length) - d.length;
    let framed: Uint8Array;
    switch (linkType) {
      case 0: framed = F.concat(F.nullHeader(type === 0x0800 ? 2 : rng.pick([24, 28, 30])), payload); break;
      case 108: framed = F.concat(F.nullHeader(type === 0x0800 ? 2 : 24, true), payload); break;
      case 101: case 228: case 229:
        if ((linkType === 228 && type !== 0x0800) || (linkType === 229 && type !== 0x86dd)) continue;
        framed = payload; break;
      case 9: framed = F.concat(rng.bool() ? [0xff, 0x03] : [], F.u16(type === 0x0800 ? 0x21 : 0x57), payload); break;
      case 113: framed = F.sll(rng.pick([0, 1, 2, 3, 4]), rng.pick(MACS), type, payload); break;
      case 276: framed = F.sll2(type, 1000 + rng.int(100), rng.pick([0, 1, 2, 3, 4]), rng.pick(MACS), payload); break;
      default: continue;
    }
    out.push(cut > 0 ? { data: framed, origLength: framed.length + cut } : { data: framed });
  }
  return out;
}
