/**
 * IPv4 / IPv6 generators: hosts and networks, `proto`, ports and port ranges, the
 * first-fragment test, protocol abbreviations (`tcp`, `icmp6`, ...), IP broadcast/multicast.
 */
import { BPF_B, BPF_H, BPF_W, BPF_JSET } from '../../cbpf/opcodes.js';
import { genAnd, genNot, genOr, type Block } from '../ir/block.js';
import type { Gen } from './context.js';
import { ETHERTYPE, LLCSAP, genLinktype } from './link.js';
import type { AddrQual, DirQual, ProtoQual } from '../syntax/ast.js';

export const IPPROTO = { ICMP: 1, IGMP: 2, TCP: 6, UDP: 17, IGRP: 9, PIM: 103, VRRP: 112, CARP: 112, ICMPV6: 58, AH: 51, ESP: 50, SCTP: 132, FRAGMENT: 44 } as const;
/** libpcap's PROTO_UNDEF: any of TCP, UDP, SCTP. */
export const PROTO_UNDEF = -1;
const ISO = { ESIS: 0x82, ISIS: 0x83, CLNP: 0x81 } as const;

function dirError(g: Gen, dir: DirQual, what: string): never {
  if (dir === 'ra' || dir === 'ta') g.error(`'${dir}' is not a valid qualifier for ${what}`);
  g.error(`'${dir}' and 'address${dir.slice(4)}' are not valid qualifiers for ${what}`);
}

/** gen_hostop: IPv4 (or ARP) address at src_off/dst_off of the network header. */
function hostop(g: Gen, addr: number, mask: number, dir: DirQual, llProto: number, srcOff: number, dstOff: number): Block {
  let b0: Block;
  let b1: Block;
  let offset: number;
  switch (dir) {
    case 'src': offset = srcOff; break;
    case 'dst': offset = dstOff; break;
    case 'and': b0 = hostop(g, addr, mask, 'src', llProto, srcOff, dstOff); b1 = hostop(g, addr, mask, 'dst', llProto, srcOff, dstOff); genAnd(b0, b1); return b1;
    case 'default': case 'or': b0 = hostop(g, addr, mask, 'src', llProto, srcOff, dstOff); b1 = hostop(g, addr, mask, 'dst', llProto, srcOff, dstOff); genOr(b0, b1); return b1;
    default: dirError(g, dir, 'addresses other than 802.11 MAC addresses');
  }
  b0 = genLinktype(g, llProto);
  b1 = g.mcmp('linkpl', offset, BPF_W, addr, mask);
  genAnd(b0, b1);
  return b1;
}

/**
 * gen_dnhostop: a DECnet Phase IV routing header address (little-endian 16 bits), after the
 * 2-byte length, with or without one pad byte (flags 0x81) and in the long or short format.
 */
function dnhostop(g: Gen, addr: number, dir: DirQual): Block {
  let b0: Block;
  let b1: Block;
  let offSh: number; // short header: after flags (dst), after flags and dst node (src)
  let offLh: number; // long header: flags, d-area, d-subarea, HIORD (dst); then d-id, s-area, s-subarea, HIORD (src)
  switch (dir) {
    case 'dst': offSh = 1; offLh = 7; break;
    case 'src': offSh = 3; offLh = 15; break;
    case 'and': b0 = dnhostop(g, addr, 'src'); b1 = dnhostop(g, addr, 'dst'); genAnd(b0, b1); return b1;
    case 'default': case 'or': b0 = dnhostop(g, addr, 'src'); b1 = dnhostop(g, addr, 'dst'); genOr(b0, b1); return b1;
    default: dirError(g, dir, 'addresses other than 802.11 MAC addresses');
  }
  const le = ((addr & 0xff) << 8) | ((addr >> 8) & 0xff);
  b0 = genLinktype(g, ETHERTYPE.DN);
  // pad = 1, long header
  let tmp = g.mcmp('linkpl', 2, BPF_H, 0x8106, 0xff07);
  b1 = g.cmp('linkpl', 2 + 1 + offLh, BPF_H, le);
  genAnd(tmp, b1);
  // pad = 0, long header
  tmp = g.mcmp('linkpl', 2, BPF_B, 0x06, 0x07);
  let b2 = g.cmp('linkpl', 2 + offLh, BPF_H, le);
  genAnd(tmp, b2);
  genOr(b2, b1);
  // pad = 1, short header
  tmp = g.mcmp('linkpl', 2, BPF_H, 0x8102, 0xff07);
  b2 = g.cmp('linkpl', 2 + 1 + offSh, BPF_H, le);
  genAnd(tmp, b2);
  genOr(b2, b1);
  // pad = 0, short header
  tmp = g.mcmp('linkpl', 2, BPF_B, 0x02, 0x07);
  b2 = g.cmp('linkpl', 2 + offSh, BPF_H, le);
  genAnd(tmp, b2);
  genOr(b2, b1);
  genAnd(b0, b1);
  return b1;
}

function hostop6(g: Gen, addr: Uint8Array, mask: Uint8Array, dir: DirQual, srcOff: number, dstOff: number): Block {
  let b0: Block;
  let b1: Block;
  let offset: number;
  switch (dir) {
    case 'src': offset = srcOff; break;
    case 'dst': offset = dstOff; break;
    case 'and': b0 = hostop6(g, addr, mask, 'src', srcOff, dstOff); b1 = hostop6(g, addr, mask, 'dst', srcOff, dstOff); genAnd(b0, b1); return b1;
    case 'default': case 'or': b0 = hostop6(g, addr, mask, 'src', srcOff, dstOff); b1 = hostop6(g, addr, mask, 'dst', srcOff, dstOff); genOr(b0, b1); return b1;
    default: dirError(g, dir, 'addresses other than 802.11 MAC addresses');
  }
  const word = (b: Uint8Array, i: number): number => ((b[4 * i]! << 24) | (b[4 * i + 1]! << 16) | (b[4 * i + 2]! << 8) | b[4 * i + 3]!) >>> 0;
  b1 = g.mcmp('linkpl', offset + 12, BPF_W, word(addr, 3), word(mask, 3));
  for (const i of [2, 1, 0]) {
    b0 = g.mcmp('linkpl', offset + 4 * i, BPF_W, word(addr, i), word(mask, i));
    genAnd(b0, b1);
  }
  b0 = genLinktype(g, ETHERTYPE.IPV6);
  genAnd(b0, b1);
  return b1;
}

const PROTO_NAMES: Partial<Record<ProtoQual, string>> = { sctp: 'sctp', tcp: 'tcp', udp: 'udp', icmp: 'icmp', igmp: 'igmp', igrp: 'igrp', icmp6: 'icmp6', ah: 'ah', esp: 'esp', pim: 'pim', vrrp: 'vrrp', carp: 'carp', esis: 'esis', isis: 'isis', clnp: 'clnp', stp: 'stp', ipx: 'ipx', netbeui: 'netbeui', radio: 'radio', l1: 'l1', l2: 'l2', iih: 'iih', snp: 'snp', csnp: 'csnp', psnp: 'psnp', lsp: 'lsp' };

/** gen_host: an IPv4 host or network for a protocol qualifier. */
export function genHost(g: Gen, addr: number, mask: number, proto: ProtoQual, dir: DirQual, type: AddrQual): Block {
  const typestr = type === 'net' ? 'net' : 'host';
  switch (proto) {
    case 'default': {
      const b0 = genHost(g, addr, mask, 'ip', dir, type);
      if (g.labelStackDepth === 0) {
        const b1 = genHost(g, addr, mask, 'arp', dir, type);
        genOr(b0, b1);
        const b2 = genHost(g, addr, mask, 'rarp', dir, type);
        genOr(b1, b2);
        return b2;
      }
      return b0;
    }
    case 'link': g.error(`link-layer modifier applied to ${typestr}`);
    case 'ip': return hostop(g, addr, mask, dir, ETHERTYPE.IP, 12, 16);
    case 'rarp': return hostop(g, addr, mask, dir, ETHERTYPE.REVARP, 14, 24);
    case 'arp': return hostop(g, addr, mask, dir, ETHERTYPE.ARP, 14, 24);
    case 'atalk': g.error('AppleTalk host filtering not implemented');
    case 'decnet': return dnhostop(g, addr, dir);
    case 'lat': g.error('LAT host filtering not implemented');
    case 'sca': g.error('SCA host filtering not implemented');
    case 'moprc': g.error('MOPRC host filtering not implemented');
    case 'mopdl': g.error('MOPDL host filtering not implemented');
    case 'ip6': g.error("'ip6' modifier applied to ip host"); // libpcap says "host" for nets too
    case 'iso': g.error('ISO host filtering not implemented');
    case 'aarp': g.error('AARP host filtering not implemented');
    default: g.error(`'${PROTO_NAMES[proto] ?? proto}' modifier applied to ${typestr}`);
  }
}

/** gen_host6: an IPv6 host or network. */
export function genHost6(g: Gen, addr: Uint8Array, mask: Uint8Array, proto: ProtoQual, dir: DirQual, type: AddrQual): Block {
  const typestr = type === 'net' ? 'net' : 'host';
  switch (proto) {
    case 'default': case 'ip6': return hostop6(g, addr, mask, dir, 8, 24);
    case 'link': g.error(`link-layer modifier applied to ip6 ${typestr}`);
    case 'ip': g.error(`'ip' modifier applied to ip6 ${typestr}`);
    case 'rarp': g.error(`'rarp' modifier applied to ip6 ${typestr}`);
    case 'arp': g.error(`'arp' modifier applied to ip6 ${typestr}`);
    case 'atalk': g.error('AppleTalk host filtering not implemented');
    case 'decnet': g.error(`'decnet' modifier applied to ip6 ${typestr}`);
    case 'lat': g.error('LAT host filtering not implemented');
    case 'sca': g.error('SCA host filtering not implemented');
    case 'moprc': g.error('MOPRC host filtering not implemented');
    case 'mopdl': g.error('MOPDL host filtering not implemented');
    case 'iso': g.error('ISO host filtering not implemented');
    case 'aarp': g.error('AARP host filtering not implemented');
    default: g.error(`'${PROTO_NAMES[proto] ?? proto}' modifier applied to ip6 ${typestr}`);
  }
}

/** gen_ipfrag: not a fragment other than the first. */
export function genIpfrag(g: Gen): Block {
  const b = g.f.jump(BPF_JSET, 0x1fff, g.loadA('linkpl', 6, BPF_H));
  genNot(b);
  return b;
}

function portatom(g: Gen, off: number, v: number): Block { return g.cmp('tran-ipv4', off, BPF_H, v); }
function portatom6(g: Gen, off: number, v: number): Block { return g.cmp('tran-ipv6', off, BPF_H, v); }
function portrangeatom(g: Gen, off: number, v1: number, v2: number, v6: boolean): Block {
  if (v1 > v2) [v1, v2] = [v2, v1];
  const rel = v6 ? 'tran-ipv6' : 'tran-ipv4';
  const b1 = g.cmpGe(rel, off, BPF_H, v1);
  const b2 = g.cmpLe(rel, off, BPF_H, v2);
  genAnd(b1, b2);
  return b2;
}

type Atom = (off: number) => Block;

function dirAtoms(g: Gen, dir: DirQual, atom: Atom): Block {
  let tmp: Block;
  let b1: Block;
  switch (dir) {
    case 'src': return atom(0);
    case 'dst': return atom(2);
    case 'and': tmp = atom(0); b1 = atom(2); genAnd(tmp, b1); return b1;
    case 'default': case 'or': tmp = atom(0); b1 = atom(2); genOr(tmp, b1); return b1;
    default: dirError(g, dir, 'ports');
  }
}

function portop(g: Gen, proto: number, dir: DirQual, atom: Atom): Block {
  const tmp = g.cmp('linkpl', 9, BPF_B, proto);
  const b0 = genIpfrag(g);
  genAnd(tmp, b0);
  const b1 = dirAtoms(g, dir, atom);
  genAnd(b0, b1);
  return b1;
}

function portop6(g: Gen, proto: number, dir: DirQual, atom: Atom): Block {
  const tmp = g.cmp('linkpl', 6, BPF_B, proto);
  const b1 = dirAtoms(g, dir, atom);
  genAnd(tmp, b1);
  return b1;
}

function anyProto(g: Gen, ipProto: number, one: (p: number) => Block): Block {
  if (ipProto !== PROTO_UNDEF) return one(ipProto);
  let tmp = one(IPPROTO.TCP);
  const b1 = one(IPPROTO.UDP);
  genOr(tmp, b1);
  tmp = one(IPPROTO.SCTP);
  genOr(tmp, b1);
  return b1;
}

/** gen_port / gen_port6 (and the portrange forms): one IP version. */
export function genPortOnly(g: Gen, lo: number, ipProto: number, dir: DirQual, v6: boolean, hi?: number): Block {
  const b0 = genLinktype(g, v6 ? ETHERTYPE.IPV6 : ETHERTYPE.IP);
  const b1 = v6
    ? anyProto(g, ipProto, (p) => portop6(g, p, dir, (off) => hi === undefined ? portatom6(g, off, lo) : portrangeatom(g, off, lo, hi, true)))
    : anyProto(g, ipProto, (p) => portop(g, p, dir, (off) => hi === undefined ? portatom(g, off, lo) : portrangeatom(g, off, lo, hi, false)));
  genAnd(b0, b1);
  return b1;
}

/** `port N` / `portrange A-B`: IPv6 first, then IPv4 (libpcap's order). */
export function genPortBoth(g: Gen, lo: number, hi: number | undefined, ipProto: number, dir: DirQual): Block {
  const b = genPortOnly(g, lo, ipProto, dir, false, hi);
  const b6 = genPortOnly(g, lo, ipProto, dir, true, hi);
  genOr(b6, b);
  return b;
}

/** gen_proto: `[ip|ip6|ether|...] proto N`. */
export function genProto(g: Gen, v: number, proto: ProtoQual, dir: DirQual): Block {
  if (dir !== 'default') g.error("direction applied to 'proto'");
  let b0: Block;
  let b1: Block;
  let b2: Block;
  switch (proto) {
    case 'default':
      b0 = genProto(g, v, 'ip', dir);
      b1 = genProto(g, v, 'ip6', dir);
      genOr(b0, b1);
      return b1;
    case 'link': return genLinktype(g, v);
    case 'ip':
      b0 = genLinktype(g, ETHERTYPE.IP);
      b1 = g.cmp('linkpl', 9, BPF_B, v);
      genAnd(b0, b1);
      return b1;
    case 'ip6':
      b0 = genLinktype(g, ETHERTYPE.IPV6);
      b2 = g.cmp('linkpl', 6, BPF_B, IPPROTO.FRAGMENT);
      b1 = g.cmp('linkpl', 40, BPF_B, v);
      genAnd(b2, b1);
      b2 = g.cmp('linkpl', 6, BPF_B, v);
      genOr(b2, b1);
      genAnd(b0, b1);
      return b1;
    case 'iso':
      return genIsoProto(g, v);
    case 'isis':
      b0 = genProto(g, ISO.ISIS, 'iso', 'default');
      g.error("'isis proto' is not supported by this compiler");
    case 'arp': g.error('arp does not encapsulate another protocol');
    case 'rarp': g.error('rarp does not encapsulate another protocol');
    case 'atalk': g.error('AppleTalk encapsulation is not specifiable');
    case 'decnet': g.error('DECNET encapsulation is not specifiable');
    case 'lat': g.error('LAT does not encapsulate another protocol');
    case 'sca': g.error('SCA does not encapsulate another protocol');
    case 'moprc': g.error('MOPRC does not encapsulate another protocol');
    case 'mopdl': g.error('MOPDL does not encapsulate another protocol');
    case 'aarp': g.error('AARP does not encapsulate another protocol');
    case 'clnp': g.error("'clnp proto' is not supported");
    default: g.error(`'${PROTO_NAMES[proto] ?? proto} proto' is bogus`);
  }
}

/** ISO over 802.2: the NLPID after the LLC header. */
function genIsoProto(g: Gen, v: number): Block {
  switch (g.curLink) {
    case 'EN10MB': {
      const b0 = genLinktype(g, LLCSAP.ISONS);
      const b1 = g.cmp('linkpl-nosnap', 0, BPF_B, v);
      genAnd(b0, b1);
      return b1;
    }
    default: {
      const b0 = genLinktype(g, LLCSAP.ISONS);
      const b1 = g.cmp('linkpl-nosnap', 0, BPF_B, v);
      genAnd(b0, b1);
      return b1;
    }
  }
}

/** gen_proto_abbrev: the bare protocol names. */
export function genProtoAbbrev(g: Gen, proto: ProtoQual): Block {
  switch (proto) {
    case 'sctp': return genProto(g, IPPROTO.SCTP, 'default', 'default');
    case 'tcp': return genProto(g, IPPROTO.TCP, 'default', 'default');
    case 'udp': return genProto(g, IPPROTO.UDP, 'default', 'default');
    case 'icmp': return genProto(g, IPPROTO.ICMP, 'ip', 'default');
    case 'igmp': return genProto(g, IPPROTO.IGMP, 'ip', 'default');
    case 'igrp': return genProto(g, IPPROTO.IGRP, 'ip', 'default');
    case 'pim': return genProto(g, IPPROTO.PIM, 'default', 'default');
    case 'vrrp': return genProto(g, IPPROTO.VRRP, 'ip', 'default');
    case 'carp': return genProto(g, IPPROTO.CARP, 'ip', 'default');
    case 'ip': return genLinktype(g, ETHERTYPE.IP);
    case 'arp': return genLinktype(g, ETHERTYPE.ARP);
    case 'rarp': return genLinktype(g, ETHERTYPE.REVARP);
    case 'link': g.error('link layer applied in wrong context');
    case 'atalk': return genLinktype(g, ETHERTYPE.ATALK);
    case 'aarp': return genLinktype(g, ETHERTYPE.AARP);
    case 'decnet': return genLinktype(g, ETHERTYPE.DN);
    case 'sca': return genLinktype(g, ETHERTYPE.SCA);
    case 'lat': return genLinktype(g, ETHERTYPE.LAT);
    case 'mopdl': return genLinktype(g, ETHERTYPE.MOPDL);
    case 'moprc': return genLinktype(g, ETHERTYPE.MOPRC);
    case 'ip6': return genLinktype(g, ETHERTYPE.IPV6);
    case 'icmp6': return genProto(g, IPPROTO.ICMPV6, 'ip6', 'default');
    case 'ah': return genProto(g, IPPROTO.AH, 'default', 'default');
    case 'esp': return genProto(g, IPPROTO.ESP, 'default', 'default');
    case 'iso': return genLinktype(g, LLCSAP.ISONS);
    case 'esis': return genProto(g, ISO.ESIS, 'iso', 'default');
    case 'isis': return genProto(g, ISO.ISIS, 'iso', 'default');
    case 'clnp': return genProto(g, ISO.CLNP, 'iso', 'default');
    case 'stp': return genLinktype(g, LLCSAP.STP);
    case 'ipx': return genLinktype(g, LLCSAP.IPX);
    case 'netbeui': return genLinktype(g, LLCSAP.NETBEUI);
    case 'radio': g.error("'radio' is not a valid protocol type");
    default: g.error(`'${proto}' is not supported by this compiler`);
  }
}

export function genIpBroadcast(g: Gen): Block {
  if (g.netmask >>> 0 === 0xffffffff) g.error("netmask not known, so 'ip broadcast' not supported");
  const b0 = genLinktype(g, ETHERTYPE.IP);
  const hostmask = ~g.netmask >>> 0;
  const b1 = g.mcmp('linkpl', 16, BPF_W, 0, hostmask);
  const b2 = g.mcmp('linkpl', 16, BPF_W, hostmask, hostmask);
  genOr(b1, b2);
  genAnd(b0, b2);
  return b2;
}

export function genIpMulticast(g: Gen, v6: boolean): Block {
  const b0 = genLinktype(g, v6 ? ETHERTYPE.IPV6 : ETHERTYPE.IP);
  const b1 = v6 ? g.cmp('linkpl', 24, BPF_B, 255) : g.cmpGe('linkpl', 16, BPF_B, 224);
  genAnd(b0, b1);
  return b1;
}
