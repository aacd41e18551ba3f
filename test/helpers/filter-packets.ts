/**
 * Packets for the pcap-filter differential test: real frames of each protocol for a link type,
 * then the same frames mutated with the constants and offsets the programs under test compare
 * (read from the programs themselves, ours and libpcap's), random bytes, and truncations.
 * Deterministic for a seed.
 */
import type { ClassicInsn } from '../../src/cbpf/insn.js';
import type { PacketMeta } from '../../src/cbpf/metadata.js';
import { Prng } from './prng.js';
import {
  concat, u8, u16, u32, mac, ipv4, ipv6, ip6frag, ip6ext, tcp, udp, icmp, icmp6, igmp, arp, TH, type Bytes, type L3,
} from './frames.js';

export interface TestPacket { readonly bytes: Uint8Array; readonly meta: PacketMeta }

const A4 = ['10.0.0.1', '192.168.1.1', '1.2.3.4', '127.0.0.1', '255.255.255.255', '224.0.0.1'];
const A6 = ['2001:db8::1', 'fe80::1', '::1', 'ff02::1'];

/** Network-layer packets: [ethertype, bytes]. */
function networkPackets(r: Prng): [number, Bytes][] {
  const out: [number, Bytes][] = [];
  const v4 = (): L3 => ({ v: 4, src: r.pick(A4), dst: r.pick(A4) });
  const v6 = (): L3 => ({ v: 6, src: r.pick(A6), dst: r.pick(A6) });
  const ports = [22, 53, 80, 443, 21, 20, 1000, 2000, 8080, 5000];
  for (let i = 0; i < 3; i++) {
    const l3 = v4();
    const ip = (proto: number, p: Bytes, extra: object = {}): void => { out.push([0x0800, ipv4({ src: l3.src, dst: l3.dst, proto, ...extra }, p)]); };
    ip(6, tcp(l3, { sport: r.pick(ports), dport: r.pick(ports), seq: r.u32(), flags: r.pick([TH.SYN, TH.ACK, TH.SYN | TH.ACK, TH.FIN, TH.RST | TH.ACK, TH.PSH | TH.ACK]) }, r.bytes(r.int(8))));
    ip(17, udp(l3, r.pick(ports), r.pick(ports), r.bytes(8)));
    ip(1, icmp(r.pick([0, 3, 8, 11]), 0, [0, 1, 0, 1], r.bytes(8)));
    ip(2, igmp(0x16, 0, '224.0.0.1'));
    ip(132, concat(u16(r.pick(ports)), u16(r.pick(ports)), u32(0), u32(0), r.bytes(16)));
    ip(r.pick([103, 112, 50, 51, 47, 9, 4, 41]), r.bytes(24));
    ip(6, tcp(l3, { sport: r.pick(ports), dport: r.pick(ports), seq: 1, flags: TH.ACK }), { options: [1, 1, 1, 1] });
    ip(17, udp(l3, r.pick(ports), r.pick(ports), r.bytes(4)), { mf: true });
    ip(6, r.bytes(20), { fragOffset: 8 * (1 + r.int(10)) });
    const l6 = v6();
    out.push([0x86dd, ipv6({ src: l6.src, dst: l6.dst, nh: 6 }, tcp(l6, { sport: r.pick(ports), dport: r.pick(ports), seq: 7, flags: TH.SYN }))]);
    out.push([0x86dd, ipv6({ src: l6.src, dst: l6.dst, nh: 17 }, udp(l6, r.pick(ports), r.pick(ports), r.bytes(6)))]);
    out.push([0x86dd, ipv6({ src: l6.src, dst: l6.dst, nh: 58 }, icmp6(l6, r.pick([128, 129, 135, 136]), 0, r.bytes(8)))]);
    out.push([0x86dd, ipv6({ src: l6.src, dst: l6.dst, nh: 44 }, concat(ip6frag(6, 0, true, 5), r.bytes(20)))]);
    out.push([0x86dd, ipv6({ src: l6.src, dst: l6.dst, nh: 0 }, concat(ip6ext(17, [0, 0, 0, 0]), udp(l6, 53, 53, r.bytes(4))))]);
    out.push([0x86dd, ipv6({ src: l6.src, dst: l6.dst, nh: 132 }, r.bytes(24))]);
    // Geneve (UDP 6081): version 0, options, VNI 5 or random; inner Ethernet (0x6558) or IPv4.
    const inner = ipv4({ src: r.pick(A4), dst: r.pick(A4), proto: 6 }, tcp({ v: 4, src: '10.0.0.1', dst: '10.0.0.2' }, { sport: 80, dport: r.pick(ports), seq: 1, flags: TH.SYN }));
    const optWords = r.int(3);
    const gen = (ptype: number, body: Bytes): Bytes => concat([optWords], [0], u16(ptype), u32(((r.bool() ? 5 : r.int(1 << 24)) << 8) >>> 0), r.bytes(4 * optWords), body);
    const innerEth = concat(mac(r.pick(MACS)), mac(r.pick(MACS)), u16(0x0800), inner);
    out.push([0x0800, ipv4({ src: l3.src, dst: l3.dst, proto: 17 }, udp(l3, 5555, 6081, gen(r.bool() ? 0x6558 : 0x0800, r.bool() ? innerEth : inner)))]);
    out.push([0x86dd, ipv6({ src: l6.src, dst: l6.dst, nh: 17 }, udp(l6, 5555, 6081, gen(0x6558, innerEth)))]);
    // Geneve carrying a VLAN-tagged (once or twice) or MPLS inner Ethernet frame, bare MPLS
    // (0x8847) and an inner IPv6 packet: `geneve and vlan`, `geneve and mpls` shift the inner offsets.
    const innerTag = concat(mac(r.pick(MACS)), mac(r.pick(MACS)), u16(r.pick([0x8100, 0x88a8])), u16(i === 0 ? 5 : r.int(4096)),
      i === 2 ? concat(u16(0x8100), u16(r.int(4096))) : [], u16(0x0800), inner);
    // One label (bottom of stack) or two.
    const labels = i % 2 === 0 ? u32(((3 << 12) | 0x100 | 64) >>> 0) : concat(u32((r.pick([3, r.int(1 << 20)]) << 12 | 64) >>> 0), u32(((r.pick([3, 7]) << 12) | 0x100 | 64) >>> 0));
    const innerMpls = concat(mac(r.pick(MACS)), mac(r.pick(MACS)), u16(0x8847), labels, inner);
    const inner6 = ipv6({ src: r.pick(A6), dst: r.pick(A6), nh: 6 }, tcp({ v: 6, src: '::1', dst: '::1' }, { sport: 80, dport: r.pick(ports), seq: 1, flags: TH.SYN }));
    const innerArp = concat(mac(r.pick(MACS)), mac(r.pick(MACS)), u16(0x0806), arp(1, '00:11:22:33:44:55', r.pick(A4), '00:00:00:00:00:00', r.pick(A4)));
    const innerStp = concat(mac(r.pick(MACS)), mac(r.pick(MACS)), u16(38), [0x42, 0x42, 0x03], r.bytes(35));
    for (const body of [innerTag, innerMpls, innerArp, innerStp]) out.push([0x0800, ipv4({ src: l3.src, dst: l3.dst, proto: 17 }, udp(l3, 5555, 6081, gen(0x6558, body)))]);
    out.push([0x0800, ipv4({ src: l3.src, dst: l3.dst, proto: 17 }, udp(l3, 5555, 6081, gen(r.pick([0x8847, 0x86dd]), r.bool() ? concat(labels, inner) : inner6)))]);
    out.push([0x86dd, ipv6({ src: l6.src, dst: l6.dst, nh: 17 }, udp(l6, 5555, 6081, gen(0x6558, r.bool() ? innerTag : innerMpls)))]);
    // PPPoE session (PPP IPv4/IPv6), 802.1Q and MPLS as the link's payload type, so that `pppoes`,
    // `vlan` and `mpls` match on 802.11 (SNAP) and cooked links too.
    const ip4 = ipv4({ src: l3.src, dst: l3.dst, proto: 6 }, tcp(l3, { sport: 80, dport: r.pick([22, 80, 443]), seq: 3, flags: TH.SYN }));
    const pppoe = concat([0x11, 0x00], u16(i < 2 ? 5 : r.int(0x10000)), u16(ip4.length + 2), u16(0x21), ip4);
    out.push([0x8864, pppoe]);
    out.push([0x8100, concat(u16(r.pick([5, r.int(4096)])), i === 1 ? concat(u16(0x8864), pppoe) : concat(u16(0x0800), ip4))]);
    out.push([0x8847, concat(labels, ip4)]);
    out.push([0x0806, arp(r.pick([1, 2]), '00:11:22:33:44:55', r.pick(A4), '00:00:00:00:00:00', r.pick(A4))]);
    out.push([0x8035, arp(3, '00:11:22:33:44:55', r.pick(A4), '00:00:00:00:00:00', r.pick(A4))]);
  }
  return out;
}

const MACS = ['00:11:22:33:44:55', 'ff:ff:ff:ff:ff:ff', '01:00:5e:00:00:01', '33:33:00:00:00:01', '01:02:03:04:05:06'];

function ethernetFrames(r: Prng, net: [number, Bytes][]): Bytes[] {
  const out: Bytes[] = [];
  const eth = (type: number, p: Bytes): Bytes => concat(mac(r.pick(MACS)), mac(r.pick(MACS)), u16(type), p);
  for (const [type, p] of net) {
    out.push(eth(type, p));
    if (r.bool(0.3)) out.push(eth(r.pick([0x8100, 0x88a8, 0x9100]), concat(u16(r.int(4096)), u16(type), p)));
    if (r.bool(0.15) || type === 0x0800) out.push(eth(0x8100, concat(u16(r.pick([1, r.int(4096)])), u16(0x8100), u16(r.pick([2, r.int(4096)])), u16(type), p)));
    if ((type === 0x0800 || type === 0x86dd) && r.bool(0.3)) {
      out.push(eth(0x8847, concat(u32((r.int(1 << 20) << 12) | 0x100 | 64), p)));
      out.push(eth(0x8847, concat(u32((r.pick([1, r.int(1 << 20)]) << 12) | 64), u32((r.pick([2, 5]) << 12) | 0x100 | 64), p)));
    }
    if ((type === 0x0800 || type === 0x86dd) && r.bool(0.3)) {
      out.push(eth(0x8864, concat([0x11, 0x00], u16(r.int(0x10000)), u16(p.length + 2), u16(type === 0x0800 ? 0x21 : 0x57), p)));
    }
  }
  out.push(eth(0x8863, concat([0x11, 0x09, 0, 0, 0, 0])));
  // 802.3 / LLC frames: STP, ISO (CLNP/ES-IS/IS-IS), NetBEUI, IPX (raw, LLC, SNAP), AppleTalk/AARP SNAP.
  const llc = (body: Bytes): Bytes => eth(body.length, body);
  out.push(llc(concat([0x42, 0x42, 0x03], r.bytes(35))));
  for (const nlpid of [0x81, 0x82, 0x83]) out.push(llc(concat([0xfe, 0xfe, 0x03, nlpid], r.bytes(20))));
  out.push(llc(concat([0xf0, 0xf0, 0x03], r.bytes(20))));
  out.push(llc(concat([0xe0, 0xe0, 0x03], r.bytes(30))));
  out.push(llc(concat([0xff, 0xff], r.bytes(30))));
  out.push(llc(concat([0xaa, 0xaa, 0x03, 0, 0, 0], u16(0x8137), r.bytes(30))));
  out.push(llc(concat([0xaa, 0xaa, 0x03, 0x08, 0x00, 0x07], u16(0x809b), r.bytes(30))));
  out.push(llc(concat([0xaa, 0xaa, 0x03, 0, 0, 0], u16(0x80f3), r.bytes(28))));
  out.push(llc(concat([0x06, 0x06, 0x03], r.bytes(30))));
  for (const t of [0x809b, 0x80f3, 0x8137, 0x6003, 0x6004, 0x6007, 0x6001, 0x6002, 0x9000]) out.push(eth(t, r.bytes(40)));
  return out;
}

/** 802.11 frames: data (with DS bit variants, QoS), management and control frames. */
function wlanFrames(r: Prng, net: [number, Bytes][]): Bytes[] {
  const out: Bytes[] = [];
  const addr = (): number[] => mac(r.pick(MACS));
  for (const [type, p] of net) {
    const qos = r.bool(0.3);
    const fc0 = qos ? 0x88 : 0x08;
    const fc1 = r.int(4);
    const hdr = concat([fc0, fc1], u16(0), addr(), addr(), addr(), u16(r.int(0x10000)), fc1 === 3 ? addr() : [], qos ? [r.int(8), 0] : []);
    out.push(concat(hdr, [0xaa, 0xaa, 0x03, 0, 0, 0], u16(type), p));
  }
  for (const fc0 of [0x80, 0x40, 0x50, 0xb0, 0xc0]) out.push(concat([fc0, 0], u16(0), addr(), addr(), addr(), u16(0), r.bytes(24)));
  for (const fc0 of [0xb4, 0xa4]) out.push(concat([fc0, 0], u16(0), addr(), addr(), r.bytes(8)));
  for (const fc0 of [0xc4, 0xd4]) out.push(concat([fc0, 0], u16(0), addr(), r.bytes(4)));
  out.push(concat([0x08, 0x01], u16(0), addr(), addr(), addr(), u16(0), [0xe0, 0xe0, 0x03], r.bytes(30)));
  out.push(concat([0x08, 0x02], u16(0), addr(), addr(), addr(), u16(0), [0x42, 0x42, 0x03], r.bytes(30)));
  return out;
}

/**
 * A radiotap header (its length is a little-endian field at offset 2, read at run time): no
 * fields; Flags (maybe with the data-pad bit); TSFT + Flags; an extended presence bitmap;
 * TSFT + Flags + Rate + Channel + antenna signal (26 bytes); a length over 255 (the high byte
 * counts); a length running past the frame.
 */
function radiotap(r: Prng): Bytes {
  switch (r.int(7)) {
    case 0: return concat([0, 0], [8, 0], [0, 0, 0, 0]);
    case 1: return concat([0, 0], [10, 0], [0x02, 0, 0, 0], [r.pick([0, 0x20, 0x10]), 0]);
    case 2: return concat([0, 0], [18, 0], [0x03, 0, 0, 0], r.bytes(8), [r.pick([0, 0x20]), 0]);
    case 3: return concat([0, 0], [12, 0], [0x02, 0, 0, 0x80], [0, 0, 0, 0]);
    case 4: return concat([0, 0], [26, 0], [0x2f, 0, 0, 0], r.bytes(8), [r.pick([0, 0x20]), 0x02], u16(0x6c09), u16(0xa000), [0xd0, 0]);
    case 5: return concat([0, 0], [0x0c, 0x01], [0x02, 0, 0, 0], [r.pick([0, 0x20]), 0], r.bytes(0x10c - 10));
    default: return concat([0, 0], [0xff, 0x00], [0x02, 0, 0, 0], [0x20, 0]);
  }
}

/** Frames of one link type built around the network-layer packets. */
export function baseFrames(linkType: string, r: Prng): Bytes[] {
  const net = networkPackets(r);
  const family = (t: number): number => (t === 0x0800 ? 2 : t === 0x86dd ? 10 : r.pick([2, 10, 24, 28, 30, 7]));
  switch (linkType) {
    case 'EN10MB': return ethernetFrames(r, net);
    case 'RAW': case 'IPV4': case 'IPV6': return net.map(([, p]) => p);
    case 'NULL': return net.map(([t, p]) => concat([family(t), 0, 0, 0], p));
    case 'LOOP': return net.map(([t, p]) => concat(u32(family(t)), p));
    case 'PPP': return net.map(([t, p]) => concat([0xff, 0x03], u16(t === 0x0800 ? 0x21 : t === 0x86dd ? 0x57 : t === 0x8847 ? 0x281 : t), p));
    case 'LINUX_SLL': {
      const out = net.map(([t, p]) => concat(u16(r.int(5)), u16(1), u16(6), mac(r.pick(MACS)), [0, 0], u16(t), p));
      out.push(concat(u16(0), u16(1), u16(6), mac(MACS[0]!), [0, 0], u16(4), [0x42, 0x42, 0x03], r.bytes(30)));
      out.push(concat(u16(0), u16(1), u16(6), mac(MACS[0]!), [0, 0], u16(4), [0xe0, 0xe0, 0x03], r.bytes(30)));
      out.push(concat(u16(0), u16(1), u16(6), mac(MACS[0]!), [0, 0], u16(1), r.bytes(30)));
      return out;
    }
    case 'IEEE802_11': return wlanFrames(r, net);
    case 'IEEE802_11_RADIO': return wlanFrames(r, net).map((f) => concat(radiotap(r), f));
    case 'LINUX_SLL2': return net.map(([t, p]) => concat(u16(t), u16(0), u32(r.int(4)), u16(1), u8(r.int(5)), u8(6), mac(r.pick(MACS)), [0, 0], p));
    // ARCnet: source and destination station (0 = broadcast), [Linux: 2-byte offset], RFC 1201 type, flag, sequence.
    case 'ARCNET': case 'ARCNET_LINUX': return net.map(([t, p]) => {
      const type = t === 0x0800 ? r.pick([0xd4, 0xf0]) : t === 0x86dd ? 0xc4 : t === 0x0806 ? r.pick([0xd5, 0xf1]) : t === 0x8035 ? 0xd6 : r.int(256);
      return concat([r.int(256), r.pick([0, r.int(256)])], linkType === 'ARCNET_LINUX' ? [0, 0] : [], [type, 0], u16(r.int(65536)), p);
    });
    default: return net.map(([, p]) => p);
  }
}

interface Probe { readonly offset: number; readonly size: number; readonly value: number }

/** Offsets and constants the program compares: each load followed by the next jump's constant. */
export function probes(insns: readonly ClassicInsn[]): Probe[] {
  const out: Probe[] = [];
  let load: { offset: number; size: number; ind: boolean } | undefined;
  let mask = 0xffffffff;
  for (const ins of insns) {
    const cls = ins.code & 0x07;
    const mode = ins.code & 0xe0;
    const size = [4, 2, 1, 0][(ins.code & 0x18) >> 3]!;
    if (cls === 0x00 && (mode === 0x20 || mode === 0x40)) { load = { offset: ins.k | 0, size, ind: mode === 0x40 }; mask = 0xffffffff; continue; }
    if (cls === 0x04 && (ins.code & 0xf0) === 0x50 && (ins.code & 0x08) === 0) { mask = ins.k; continue; }
    if (cls === 0x05 && (ins.code & 0xf0) !== 0 && load && (ins.code & 0x08) === 0) {
      const v = ins.k & mask;
      const bases = load.ind ? [20, 24, 0] : [0];
      for (const b of bases) {
        const offset = load.offset + b;
        if (offset < 0 || offset > 200) continue;
        for (const value of [v, (v + 1) >>> 0, (v - 1) >>> 0, ins.k]) out.push({ offset, size: load.size, value });
      }
    }
  }
  return out;
}

function write(p: Uint8Array, { offset, size, value }: Probe): void {
  for (let i = 0; i < size; i++) {
    const at = offset + i;
    if (at < p.length) p[at] = (value >>> (8 * (size - 1 - i))) & 0xff;
  }
}

/**
 * The packet set for one expression: base frames, mutations by 1–5 probes, random packets,
 * truncations; `count` packets in all.
 */
export function packetSet(linkType: string, programs: readonly (readonly ClassicInsn[])[], seed: number, count: number): TestPacket[] {
  const r = new Prng(seed);
  const base = baseFrames(linkType, r);
  const ps = programs.flatMap(probes);
  const out: TestPacket[] = [];
  const meta = (): PacketMeta => ({ pktType: r.int(5), ifindex: r.int(4) });
  for (const b of base) out.push({ bytes: b, meta: meta() });
  while (out.length < count) {
    const roll = r.int(10);
    if (roll < 7 && ps.length > 0) {
      const p = Uint8Array.from(r.pick(base));
      const n = 1 + r.int(5);
      for (let i = 0; i < n; i++) write(p, r.pick(ps));
      out.push({ bytes: r.bool(0.1) ? p.subarray(0, r.int(p.length + 1)) : p, meta: meta() });
    } else if (roll < 8) {
      const b = r.pick(base);
      out.push({ bytes: b.subarray(0, r.int(b.length + 1)), meta: meta() });
    } else {
      const p = Uint8Array.from(r.pick(base));
      for (let i = 0, n = 1 + r.int(4); i < n; i++) p[r.int(p.length)] = r.u32() & 0xff;
      out.push({ bytes: r.bool(0.5) ? p : r.bytes(r.int(120)), meta: meta() });
    }
  }
  return out;
}
