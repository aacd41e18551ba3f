/**
 * More generated frames for the tcpdump comparisons: neighbor discovery and MLD messages with
 * their options, 802.1Q/QinQ frames carrying every decoded type, and the tunnel and routing
 * protocols (GRE, ESP/AH, SCTP, mDNS/LLMNR, STP, OSPF, PIM, VRRP, DHCP options, VXLAN,
 * GENEVE, MPLS). Every frame is also offered cut at every length (`cutsOf`), since most
 * differences hide in the truncation paths. The expected text always comes from tcpdump.
 */
import * as F from './frames.js';
import type { CorpusFrame } from './capture-corpus.js';
import type { Prng } from './prng.js';

const M1 = '00:1c:42:0a:0b:0c', M2 = '52:54:00:12:34:56';
const V6 = ['2001:db8::1', 'fe80::1', 'fe80::21c:42ff:fe0a:b0c', 'ff02::1', '2001:db8::10'];
const V4 = ['10.0.0.1', '10.0.0.2', '192.168.1.10', '127.0.0.1', '224.0.0.5'];

/** An ND option: type, length in units of 8 bytes, body padded to fill it. */
function ndOpt(type: number, body: readonly number[], units = Math.ceil((body.length + 2) / 8)): number[] {
  const out = [type, units, ...body];
  while (out.length < units * 8) out.push(0);
  return out.slice(0, Math.max(units * 8, 2));
}

function ndOptions(rng: Prng): number[] {
  const opts: number[][] = [];
  const n = rng.int(4);
  for (let i = 0; i < n; i++) {
    opts.push(rng.pick([
      ndOpt(1, F.mac(M1)), ndOpt(2, F.mac(M2)), ndOpt(5, [0, 0, ...F.u32(1500)]),
      ndOpt(3, [64, rng.pick([0xc0, 0x80, 0x40, 0xe0, 0]), ...F.u32(rng.pick([2592000, 0xffffffff, 0])), ...F.u32(rng.pick([604800, 0xffffffff])), 0, 0, 0, 0, ...F.ip6('2001:db8:1::')]),
      ndOpt(25, [0, 0, ...F.u32(600), ...F.ip6('2001:db8::53')]), ndOpt(31, [0, 0, ...F.u32(600), 7, ...F.ascii('example'), 3, ...F.ascii('com'), 0]),
      ndOpt(24, [64, 0x08, ...F.u32(1800), ...F.ip6('2001:db8:2::').slice(0, 8)]), ndOpt(7, [0, 0, ...F.u32(5000)]), ndOpt(8, [0, 0, 0, 10, 0, 20]),
      ndOpt(rng.pick([14, 99, 200]), [...rng.bytes(6)]), ndOpt(1, F.mac(M1), 2), [1, 0, 0, 0, 0, 0, 0, 0], ndOpt(4, [0, 0, 0, 0, 0, 0, ...rng.bytes(40)]),
    ]));
  }
  return opts.flat();
}

/** Neighbor discovery, MLD and a few other ICMPv6 messages over IPv6. */
export function icmp6Frame(rng: Prng): Uint8Array {
  const src = rng.pick(V6), dst = rng.pick(V6);
  const l3 = { v: 6 as const, src, dst };
  const type = rng.pick([133, 134, 135, 136, 137, 130, 131, 132, 143, 128, 2, 4]);
  let body: Uint8Array;
  switch (type) {
    case 133: body = F.concat(F.u32(0), ndOptions(rng)); break;
    case 134: body = F.concat([rng.int(256), rng.pick([0, 0xc0, 0x08, 0x18, 0x24])], F.u16(rng.pick([1800, 0])), F.u32(rng.int(40000)), F.u32(rng.int(2000)), ndOptions(rng)); break;
    case 135: body = F.concat(F.u32(0), F.ip6(rng.pick(V6)), ndOptions(rng)); break;
    case 136: body = F.concat(F.u32(rng.pick([0xe0000000, 0x40000000, 0])), F.ip6(rng.pick(V6)), ndOptions(rng)); break;
    case 137: body = F.concat(F.u32(0), F.ip6(rng.pick(V6)), F.ip6(rng.pick(V6)), ndOptions(rng)); break;
    case 130: body = rng.bool() ? F.concat(F.u16(1000), F.u16(0), F.ip6(rng.pick(['::', 'ff02::fb']))) : F.concat(F.u16(1000), F.u16(0), F.ip6('::'), [2, 125], F.u16(1), F.ip6('2001:db8::9')); break;
    case 131: case 132: body = F.concat(F.u16(0), F.u16(0), F.ip6('ff02::1:3')); break;
    case 143: {
      const n = 1 + rng.int(2);
      const recs = Array.from({ length: n }, () => { const s = rng.int(3); return F.concat([1 + rng.int(6), 0], F.u16(s), F.ip6('ff05::1:3'), ...Array.from({ length: s }, () => F.ip6(rng.pick(V6)))); });
      body = F.concat(F.u16(0), F.u16(n), ...recs);
      break;
    }
    case 2: body = F.concat(F.u32(1280), F.ipv6({ src: dst, dst: src, nh: 17 }, F.udp({ v: 6, src: dst, dst: src }, 5000, 6000, new Uint8Array(8)))); break;
    case 4: body = F.concat(F.u32(rng.int(60)), F.ipv6({ src: dst, dst: src, nh: 59 }, new Uint8Array(0))); break;
    default: body = F.concat(F.u16(rng.int(65536)), F.u16(rng.int(65536)), rng.bytes(rng.int(16)));
  }
  const code = type === 4 ? rng.int(5) : 0;
  return F.ethernet(M2, M1, 0x86dd, F.ipv6({ src, dst, nh: 58, hlim: 255 }, F.icmp6(l3, type, code, body)));
}

/** 802.1Q and QinQ frames carrying IPv4, IPv6, ARP, LLC and unknown types. */
export function vlanFrame(rng: Prng): Uint8Array {
  const tags = 1 + rng.int(3);
  const tpids = [0x8100, 0x88a8, 0x9100];
  const inner = rng.int(5);
  let type: number;
  let payload: Uint8Array;
  const l3 = { v: 4 as const, src: rng.pick(V4), dst: rng.pick(V4) };
  if (inner === 0) { type = 0x0800; payload = F.ipv4({ ...l3, proto: 17 }, F.udp(l3, 40000, 53, F.dns({ id: 7, flags: 0x0100, qd: [{ name: 'example.com', type: 1 }] }))); }
  else if (inner === 1) { type = 0x86dd; payload = icmp6Frame(rng).subarray(14); }
  else if (inner === 2) { type = 0x0806; payload = F.arp(1, M1, '10.0.0.1', '00:00:00:00:00:00', '10.0.0.2'); }
  else if (inner === 3) { payload = F.concat([0xaa, 0xaa, 0x03, 0, 0, 0], F.u16(0x0800), F.ipv4({ ...l3, proto: 6 }, F.tcp(l3, { sport: 80, dport: 40000, seq: 1, flags: F.TH.SYN }))); type = payload.length; }
  else { type = rng.pick([0x1234, 0x7777]); payload = rng.bytes(20); }
  let head: number[] = [];
  for (let i = 0; i < tags; i++) {
    const tpid = i === 0 ? rng.pick(tpids) : 0x8100;
    head = [...head, ...F.u16(tpid), ...F.u16((rng.int(8) << 13) | (rng.bool(0.2) ? 0x1000 : 0) | rng.int(4096))];
  }
  // The first tag's TPID sits in the Ethernet type field.
  return F.concat(F.mac(M2), F.mac(M1), head, F.u16(type), payload);
}

/** The frame and every prefix of it at least `min` bytes long, as captures cut by a snaplen. */
export function cutsOf(frame: Uint8Array, min = 14): CorpusFrame[] {
  const out: CorpusFrame[] = [{ data: frame }];
  for (let n = min; n < frame.length; n++) out.push({ data: frame.subarray(0, n), origLength: frame.length });
  return out;
}

/** Addresses for the name-printing comparison: 127.0.0.1 is in /etc/hosts, the others in no zone. */
const NAMED_V4 = ['127.0.0.1', '192.0.2.1', '198.51.100.7', '127.0.0.1'];

/** Frames whose printed addresses tcpdump names without -n (IP, ARP, ICMP, IGMP, DHCP, IP options). */
export function namedFrame(rng: Prng): Uint8Array {
  const src = rng.pick(NAMED_V4), dst = rng.pick(NAMED_V4);
  const l3 = { v: 4 as const, src, dst };
  const ip = (proto: number, payload: Uint8Array, options: readonly number[] = []): Uint8Array => F.ethernet(M2, M1, 0x0800, F.ipv4({ src, dst, proto, options }, payload));
  switch (rng.int(9)) {
    case 0: return ip(6, F.tcp(l3, { sport: rng.pick([80, 22, 40000]), dport: rng.pick([443, 40001, 5000]), seq: rng.u32(), ack: rng.u32(), flags: rng.pick([F.TH.SYN, F.TH.ACK | F.TH.PSH]) }, rng.bytes(rng.int(10))));
    case 1: return ip(17, F.udp(l3, rng.pick([53, 40000, 123]), rng.pick([40001, 9, 7777]), rng.bytes(4 + rng.int(8))));
    case 2: return ip(1, F.icmp(rng.pick([0, 8]), 0, [0, 1, 0, rng.int(9)], rng.bytes(8)));
    case 3: {
      const inner = F.ipv4({ src: dst, dst: rng.pick(NAMED_V4), proto: 17, id: 7 }, F.udp({ v: 4, src: dst, dst: '127.0.0.1' }, 40000, 53, new Uint8Array(4)));
      const type = rng.pick([3, 5, 11]);
      return ip(1, F.icmp(type, type === 3 ? rng.pick([0, 1, 3]) : rng.int(2), type === 5 ? F.ip4(rng.pick(NAMED_V4)) : [0, 0, 0, 0], inner.subarray(0, 28)));
    }
    case 4: return F.ethernet(M2, M1, 0x0806, F.arp(rng.pick([1, 2]), M1, rng.pick(NAMED_V4), '00:00:00:00:00:00', rng.pick(NAMED_V4)));
    case 5: return ip(2, F.igmp(rng.pick([0x16, 0x17, 0x12]), 0, rng.pick(NAMED_V4)));
    case 6: {
      const bootp = F.concat([2, 1, 6, 0], F.u32(rng.u32()), [0, 0, 0, 0], F.ip4(rng.pick(NAMED_V4)), F.ip4(rng.pick(NAMED_V4)), F.ip4('0.0.0.0'), F.ip4(rng.pick(NAMED_V4)),
        F.mac(M1), new Uint8Array(10 + 64 + 128), [99, 130, 83, 99, 53, 1, 5, 54, 4, ...F.ip4(rng.pick(NAMED_V4)), 3, 8, ...F.ip4('127.0.0.1'), ...F.ip4('192.0.2.1'), 255]);
      return ip(17, F.udp(l3, 67, 68, bootp));
    }
    case 7: return ip(17, F.udp(l3, 40000, 40001, new Uint8Array(4)), [7, 11, 8, 127, 0, 0, 1, 192, 0, 2, 1, 0]);
    default: return F.ethernet(M2, M1, 0x86dd, F.ipv6({ src: rng.pick(['::1', '2001:db8::1']), dst: '::1', nh: 17 }, F.udp({ v: 6, src: '::1', dst: '::1' }, 40000, 53, F.dns({ id: 1, flags: 0x0100, qd: [{ name: 'localhost', type: 1 }] }))));
  }
}
