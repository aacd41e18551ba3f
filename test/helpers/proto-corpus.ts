/**
 * Generated frames for the protocols tcpdump decodes beyond the core set: GRE (carrying IPv4,
 * IPv6, Ethernet), ESP, AH, SCTP, mDNS/LLMNR, STP/RSTP, OSPFv2, PIM, VRRP, DHCP options,
 * VXLAN, GENEVE and MPLS. Seeded; the expected text always comes from tcpdump.
 */
import * as F from './frames.js';
import type { Prng } from './prng.js';

const M1 = '00:1c:42:0a:0b:0c', M2 = '52:54:00:12:34:56';
const V4 = ['10.0.0.1', '10.0.0.2', '192.0.2.7', '224.0.0.5', '224.0.0.18', '224.0.0.13'];
const V6 = ['2001:db8::1', 'fe80::1', 'ff02::fb', 'ff02::1:3'];

function eth4(rng: Prng, proto: number, payload: Uint8Array, dst = rng.pick(V4)): Uint8Array {
  return F.ethernet(M2, M1, 0x0800, F.ipv4({ src: rng.pick(V4), dst, proto, ttl: rng.pick([1, 64, 255]) }, payload));
}

/** A small inner IPv4/UDP or IPv6/ICMPv6 packet for tunnels. */
function innerIp(rng: Prng): [number, Uint8Array] {
  if (rng.bool()) {
    const l3 = { v: 4 as const, src: '172.16.0.1', dst: '172.16.0.2' };
    return [0x0800, F.ipv4({ ...l3, proto: 17 }, F.udp(l3, 1234, 5678, rng.bytes(rng.int(8))))];
  }
  const l3 = { v: 6 as const, src: '2001:db8::a', dst: '2001:db8::b' };
  return [0x86dd, F.ipv6({ ...l3, nh: 58 }, F.icmp6(l3, 128, 0, F.concat(F.u16(1), F.u16(2))))];
}

export function greFrame(rng: Prng): Uint8Array {
  const key = rng.bool(), seq = rng.bool(), csum = rng.bool(0.3);
  const kind = rng.int(3);
  let type: number, inner: Uint8Array;
  if (kind === 2) { type = 0x6558; inner = F.ethernet(M1, M2, 0x0800, innerIp(rng)[1]); }
  else [type, inner] = innerIp(rng);
  if (rng.int(8) === 0) { type = rng.pick([0x880b, 0x1234]); inner = rng.bytes(12); }
  const flags = (csum ? 0x8000 : 0) | (key ? 0x2000 : 0) | (seq ? 0x1000 : 0) | rng.pick([0, 0, 0, 1]);
  const hdr = F.concat(F.u16(flags), F.u16(type), csum ? [0, 0, 0, 0] : [], key ? F.u32(rng.u32()) : [], seq ? F.u32(rng.int(1000)) : []);
  return eth4(rng, 47, F.concat(hdr, inner));
}

export function espAhFrame(rng: Prng): Uint8Array {
  if (rng.bool()) return eth4(rng, 50, F.concat(F.u32(rng.u32()), F.u32(rng.int(100000)), rng.bytes(8 + rng.int(24))));
  // AH: next header, payload length (32-bit words - 2), reserved, SPI, sequence, ICV; then UDP.
  const l3 = { v: 4 as const, src: '10.0.0.1', dst: '10.0.0.2' };
  const icv = rng.pick([12, 16]);
  const ah = F.concat([17, (12 + icv) / 4 - 2, 0, 0], F.u32(rng.u32()), F.u32(rng.int(1000)), rng.bytes(icv));
  return eth4(rng, 51, F.concat(ah, F.udp(l3, 4000, 4001, rng.bytes(4))));
}

function sctpChunk(rng: Prng): Uint8Array {
  const type = rng.pick([0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 14, 99]);
  let body: Uint8Array;
  switch (type) {
    case 0: body = F.concat(F.u32(rng.u32()), F.u16(rng.int(5)), F.u16(rng.int(100)), F.u32(rng.pick([0, 46, 51])), rng.bytes(rng.int(9))); break;
    case 1: case 2: body = F.concat(F.u32(rng.u32()), F.u32(65535), F.u16(10), F.u16(10), F.u32(rng.u32())); break;
    case 3: body = F.concat(F.u32(rng.u32()), F.u32(65535), F.u16(0), F.u16(0)); break;
    case 6: body = rng.bool() ? new Uint8Array(0) : F.concat(F.u16(1), F.u16(8), F.u16(3), F.u16(0)); break;
    case 7: body = F.concat(F.u32(rng.u32())); break;
    case 10: body = rng.bytes(8); break;
    default: body = new Uint8Array(0);
  }
  const flags = type === 0 ? rng.pick([3, 1, 2, 0, 7]) : 0;
  const len = 4 + body.length;
  return F.concat([type, flags], F.u16(len), body, new Array((4 - (len % 4)) % 4).fill(0));
}

export function sctpFrame(rng: Prng): Uint8Array {
  const chunks = Array.from({ length: 1 + rng.int(3) }, () => sctpChunk(rng));
  const sctp = F.concat(F.u16(rng.pick([5060, 2905, 40000, 36412])), F.u16(rng.pick([5060, 9899, 40001])), F.u32(rng.u32()), F.u32(0), ...chunks);
  if (rng.int(4) === 0) {
    return F.ethernet(M2, M1, 0x86dd, F.ipv6({ src: '2001:db8::1', dst: '2001:db8::2', nh: 132 }, sctp));
  }
  return eth4(rng, 132, sctp);
}

export function mdnsFrame(rng: Prng): Uint8Array {
  const llmnr = rng.bool(0.3);
  const port = llmnr ? 5355 : 5353;
  const q = rng.pick(['printer.local', '_ipp._tcp.local', 'host']);
  const resp = rng.bool();
  const an: F.DnsRR[] = resp ? [{ name: q, type: rng.pick([1, 12, 16, 33]), cls: rng.pick([1, 0x8001]), rdata: [10, 0, 0, 9] }] : [];
  const msg = F.dns({ id: llmnr ? rng.int(65536) : 0, flags: resp ? 0x8400 : 0, qd: [{ name: q, type: rng.pick([1, 12, 28, 255]), cls: rng.pick([1, 0x8001]) }], an });
  if (rng.bool(0.3)) {
    const l3 = { v: 6 as const, src: 'fe80::1', dst: llmnr ? 'ff02::1:3' : 'ff02::fb' };
    return F.ethernet(M2, M1, 0x86dd, F.ipv6({ ...l3, nh: 17 }, F.udp(l3, resp ? port : rng.pick([port, 49153]), port, msg)));
  }
  const l3 = { v: 4 as const, src: '10.0.0.1', dst: llmnr ? '224.0.0.252' : '224.0.0.251' };
  return F.ethernet(M2, M1, 0x0800, F.ipv4({ ...l3, proto: 17 }, F.udp(l3, resp ? port : rng.pick([port, 49153]), port, msg)));
}

export function stpFrame(rng: Prng): Uint8Array {
  // (802.1s/802.1aq MST BPDUs are not generated: only 802.1D and 802.1w are printed here.)
  const version = rng.pick([0, 2]);
  const bpduType = version === 0 ? rng.pick([0, 0x80]) : 2;
  const root = F.concat(F.u16(rng.pick([0x8000, 0x1000, 0x7001])), F.mac(M1));
  const bridge = F.concat(F.u16(0x8000), F.mac(M2));
  let bpdu = bpduType === 0x80 ? F.concat(F.u16(0), [version, bpduType])
    : F.concat(F.u16(0), [version, bpduType, rng.pick([0x00, 0x01, 0x3c, 0x7e, 0x80, 0x81])], root, F.u32(rng.int(20000)), bridge, F.u16(0x8001), F.u16(rng.int(512)), F.u16(20 * 256), F.u16(2 * 256), F.u16(15 * 256));
  if (version >= 2 && bpduType === 2) bpdu = F.concat(bpdu, [0]);
  const llc = F.concat([0x42, 0x42, 0x03], bpdu);
  return F.concat(F.mac('01:80:c2:00:00:00'), F.mac(M1), F.u16(llc.length), llc, new Uint8Array(Math.max(0, 46 - llc.length)));
}

export function ospfFrame(rng: Prng, helloOnly = false): Uint8Array {
  const type = helloOnly ? 1 : rng.pick([1, 1, 2, 3, 4, 5]);
  let body: Uint8Array;
  if (type === 1) {
    const nbrs = Array.from({ length: rng.int(3) }, () => F.ip4(rng.pick(['10.0.0.2', '10.0.0.3'])));
    body = F.concat(F.ip4('255.255.255.0'), F.u16(10), [rng.pick([0x02, 0x12, 0x42]), rng.int(3)], F.u32(40), F.ip4(rng.pick(['10.0.0.1', '0.0.0.0'])), F.ip4('0.0.0.0'), ...nbrs);
  } else body = rng.bytes(rng.pick([0, 8, 20]));
  const len = 24 + body.length;
  const hdr = F.concat([2, type], F.u16(len), F.ip4(rng.pick(['1.1.1.1', '10.0.0.1'])), F.ip4(rng.pick(['0.0.0.0', '0.0.0.1'])), F.u16(0), F.u16(rng.pick([0, 1, 2])), new Uint8Array(8));
  return eth4(rng, 89, F.concat(hdr, body), '224.0.0.5');
}

export function pimFrame(rng: Prng, helloRegister = false): Uint8Array {
  const type = helloRegister ? rng.pick([0, 1]) : rng.pick([0, 0, 1, 2, 3, 4, 8]);
  const version = helloRegister ? 2 : rng.pick([2, 2, 2, 1]);
  let body: Uint8Array;
  if (type === 0) {
    const opts = [F.concat(F.u16(1), F.u16(2), F.u16(rng.pick([105, 0, 3600]))), F.concat(F.u16(20), F.u16(rng.pick([4, 2])), F.u32(rng.u32()).slice(0, 4)),
      F.concat(F.u16(19), F.u16(4), F.u32(1)), F.concat(F.u16(2), F.u16(4), F.u16(0x8000 | 500), F.u16(2500)), F.concat(F.u16(21), F.u16(4), [1, 60, 0, 0]),
      F.concat(F.u16(22), F.u16(0)), F.concat(F.u16(99), F.u16(4), F.u32(0xabcdef01))];
    body = F.concat(...opts.filter((o, i) => i === 0 || rng.bool(0.5)));
    // (A short Generation ID stops the list; keep its 4 bytes of value only when it says 4.)
  } else if (type === 1) {
    const inner = F.ipv4({ src: '10.9.9.9', dst: '239.1.1.1', proto: 17 }, F.udp({ v: 4, src: '10.9.9.9', dst: '239.1.1.1' }, 1000, 2000, rng.bytes(4)));
    body = F.concat(F.u32(rng.pick([0, 0x80000000, 0x40000000, 0xc0000000])), rng.pick([inner, new Uint8Array([0x55, 1, 2, 3])]));
  } else body = rng.bytes(rng.pick([0, 8, 12]));
  const msg = F.concat([(version << 4) | type, 0], F.u16(0), body);
  if (rng.bool()) {
    // A correct checksum (a Register's over its 8-byte header) or a wrong one, else left zero.
    let sum = 0;
    const span = type === 1 ? msg.subarray(0, 8) : msg;
    for (let i = 0; i < span.length; i += 2) sum += (span[i]! << 8) | (span[i + 1] ?? 0);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    const c = rng.bool(0.3) ? 0x1234 : ~sum & 0xffff;
    msg[2] = c >> 8; msg[3] = c & 0xff;
  }
  return eth4(rng, 103, msg, '224.0.0.13');
}

export function vrrpFrame(rng: Prng): Uint8Array {
  const version = rng.pick([2, 2, 3]);
  const naddr = 1 + rng.int(2);
  const addrs = Array.from({ length: naddr }, () => F.ip4(rng.pick(['10.0.0.254', '10.0.0.253'])));
  const auth = version === 2 ? rng.pick([0, 1]) : 0;
  const v = F.concat([(version << 4) | 1, 1 + rng.int(254), rng.pick([100, 255, 0]), naddr], version === 2 ? [auth, 1] : F.u16(100), F.u16(0), ...addrs, version === 2 ? (auth === 1 ? F.ascii('secret12') : new Uint8Array(8)) : []);
  return eth4(rng, 112, v, '224.0.0.18');
}

export function dhcpFrame(rng: Prng): Uint8Array {
  const op = rng.pick([1, 2]);
  const opt = (t: number, d: readonly number[]): number[] => [t, d.length, ...d];
  const options = [
    opt(53, [rng.pick([1, 2, 3, 5, 6, 7, 8])]), opt(1, F.ip4('255.255.255.0')), opt(3, [...F.ip4('10.0.0.1'), ...F.ip4('10.0.0.2')]), opt(6, F.ip4('10.0.0.53')),
    opt(51, F.u32(86400)), opt(54, F.ip4('10.0.0.1')), opt(12, [...F.ascii('myhost')]), opt(15, [...F.ascii('example.com')]), opt(50, F.ip4('10.0.0.9')),
    opt(55, [1, 3, 6, 15, 28, 51, 58, 59]), opt(57, F.u16(1500)), opt(58, F.u32(43200)), opt(59, F.u32(75600)), opt(61, [1, ...F.mac(M1)]), opt(60, [...F.ascii('MSFT 5.0')]),
    opt(28, F.ip4('10.0.0.255')), opt(26, F.u16(1400)), opt(42, F.ip4('10.0.0.123')), opt(81, [0, 0, 0, ...F.ascii('host')]), opt(119, [7, ...F.ascii('example'), 0]), opt(2, F.u32(3600)),
  ];
  const chosen = options.filter((_, i) => i === 0 || rng.bool(0.4));
  const bootp = F.concat([op, 1, 6, 0], F.u32(rng.u32()), F.u16(rng.int(5)), F.u16(rng.pick([0, 0x8000])), F.ip4('0.0.0.0'), F.ip4(op === 2 ? '10.0.0.9' : '0.0.0.0'), F.ip4('0.0.0.0'), F.ip4('0.0.0.0'),
    F.mac(M1), new Uint8Array(10 + 64 + 128), [99, 130, 83, 99], ...chosen, [255]);
  const l3 = { v: 4 as const, src: op === 1 ? '0.0.0.0' : '10.0.0.1', dst: '255.255.255.255' };
  return F.ethernet('ff:ff:ff:ff:ff:ff', M1, 0x0800, F.ipv4({ ...l3, proto: 17 }, F.udp(l3, op === 1 ? 68 : 67, op === 1 ? 67 : 68, bootp)));
}

export function overlayFrame(rng: Prng): Uint8Array {
  const innerEth = F.ethernet(M1, M2, 0x0800, innerIp(rng)[0] === 0x0800 ? F.ipv4({ src: '172.16.0.1', dst: '172.16.0.2', proto: 17 }, F.udp({ v: 4, src: '172.16.0.1', dst: '172.16.0.2' }, 1, 2, new Uint8Array(2))) : F.ipv4({ src: '172.16.0.3', dst: '172.16.0.4', proto: 1 }, F.icmp(8, 0, [0, 1, 0, 1])));
  const l3 = { v: 4 as const, src: '10.0.0.1', dst: '10.0.0.2' };
  if (rng.bool()) {
    const vx = F.concat([rng.pick([0x08, 0x00, 0x0c]), 0, 0, 0], F.u32((rng.int(1 << 24) << 8) >>> 0), innerEth);
    return F.ethernet(M2, M1, 0x0800, F.ipv4({ ...l3, proto: 17 }, F.udp(l3, rng.int(65536), 4789, vx)));
  }
  const optLen = rng.pick([0, 0, 8]);
  const opts = optLen ? F.concat(F.u16(0x0103), [0x80, 1], F.u32(0xdeadbeef)) : new Uint8Array(0);
  const proto = rng.pick([0x6558, 0x0800]);
  const inner = proto === 0x6558 ? innerEth : innerEth.subarray(14);
  const gv = F.concat([optLen / 4, rng.pick([0, 0x80, 0x40])], F.u16(proto), F.u32((rng.int(1 << 24) << 8) >>> 0), opts, inner);
  return F.ethernet(M2, M1, 0x0800, F.ipv4({ ...l3, proto: 17 }, F.udp(l3, rng.int(65536), 6081, gv)));
}

export function mplsFrame(rng: Prng): Uint8Array {
  const depth = 1 + rng.int(3);
  const [, inner] = innerIp(rng);
  const labels: number[] = [];
  for (let i = 0; i < depth; i++) {
    const label = rng.pick([16, 100, 1048575, 3, 0, 2]);
    labels.push(...F.u32(((label << 12) | (rng.int(8) << 9) | (i === depth - 1 ? 0x100 : 0) | rng.int(256)) >>> 0));
  }
  return F.ethernet(M2, M1, rng.pick([0x8847, 0x8848]), F.concat(labels, inner));
}

export const PROTOCOL_GENERATORS: Readonly<Record<string, (rng: Prng) => Uint8Array>> = {
  gre: greFrame, espah: espAhFrame, ospfHello: (rng) => ospfFrame(rng, true), pimHello: (rng) => pimFrame(rng, true), sctp: sctpFrame, mdns: mdnsFrame, stp: stpFrame, ospf: ospfFrame, pim: pimFrame,
  vrrp: vrrpFrame, dhcp: dhcpFrame, overlay: overlayFrame, mpls: mplsFrame,
};
