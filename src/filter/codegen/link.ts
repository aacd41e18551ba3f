/**
 * Link-layer generators: the link-type test for an EtherType / LLC SAP on each DLT
 * (gen_linktype), Ethernet addresses, link broadcast/multicast, direction and interface
 * metadata, and the encapsulations that shift later offsets (vlan, mpls, pppoes).
 */
import { BPF_B, BPF_H, BPF_W, BPF_LD, BPF_LDX, BPF_MEM, BPF_JMP, BPF_X, BPF_ABS, BPF_JEQ, SKF_AD_OFF, SKF_AD_PKTTYPE, SKF_AD_IFINDEX } from '../../cbpf/opcodes.js';
import { genAnd, genNot, genOr, stmt, type Block } from '../ir/block.js';
import type { Gen } from './context.js';
import { LINK_DESCRIPTIONS } from './link-types.js';
import { wlanHostop, wlanLinktype, wlanMulticast } from './wlan.js';
import type { DirQual } from '../syntax/ast.js';

export const ETHERTYPE = {
  IP: 0x0800, ARP: 0x0806, REVARP: 0x8035, IPV6: 0x86dd, ATALK: 0x809b, AARP: 0x80f3, IPX: 0x8137,
  DN: 0x6003, LAT: 0x6004, SCA: 0x6007, MOPDL: 0x6001, MOPRC: 0x6002, VLAN: 0x8100, QINQ_AD: 0x88a8,
  QINQ: 0x9100, MPLS: 0x8847, PPPOED: 0x8863, PPPOES: 0x8864,
} as const;
export const LLCSAP = { ISONS: 0xfe, IP: 0x06, NETBEUI: 0xf0, IPX: 0xe0, SNAP: 0xaa, STP: 0x42 } as const;
const ETHERMTU = 1500;

export function describeLink(g: Gen): string {
  return LINK_DESCRIPTIONS[g.curLink] ?? g.curLink;
}

/** gen_snap: an 802.2 SNAP header with the given OUI and type. */
function snap(g: Gen, orgcode: number, ptype: number): Block {
  const b = Uint8Array.of(LLCSAP.SNAP, LLCSAP.SNAP, 0x03, (orgcode >> 16) & 0xff, (orgcode >> 8) & 0xff, orgcode & 0xff, ptype >> 8, ptype & 0xff);
  return g.bcmp('llc', 0, b);
}

function etherLinktype(g: Gen, p: number): Block {
  let b0: Block;
  let b1: Block;
  switch (p) {
    case LLCSAP.ISONS: case LLCSAP.IP: case LLCSAP.NETBEUI:
      b0 = g.cmpGt('linktype', 0, BPF_H, ETHERMTU); genNot(b0);
      b1 = g.cmp('llc', 0, BPF_H, (p << 8) | p);
      genAnd(b0, b1);
      return b1;
    case LLCSAP.IPX:
      b0 = g.cmp('llc', 0, BPF_B, LLCSAP.IPX);
      b1 = g.cmp('llc', 0, BPF_H, 0xffff);
      genOr(b0, b1);
      b0 = snap(g, 0, ETHERTYPE.IPX);
      genOr(b0, b1);
      b0 = g.cmpGt('linktype', 0, BPF_H, ETHERMTU); genNot(b0);
      genAnd(b0, b1);
      b0 = g.cmp('linktype', 0, BPF_H, ETHERTYPE.IPX);
      genOr(b0, b1);
      return b1;
    case ETHERTYPE.ATALK: case ETHERTYPE.AARP:
      b0 = g.cmpGt('linktype', 0, BPF_H, ETHERMTU); genNot(b0);
      b1 = p === ETHERTYPE.ATALK ? snap(g, 0x080007, ETHERTYPE.ATALK) : snap(g, 0, ETHERTYPE.AARP);
      genAnd(b0, b1);
      b0 = g.cmp('linktype', 0, BPF_H, p);
      genOr(b0, b1);
      return b1;
    default:
      if (p <= ETHERMTU) {
        b0 = g.cmpGt('linktype', 0, BPF_H, ETHERMTU); genNot(b0);
        b1 = g.cmp('linktype', 2, BPF_B, p);
        genAnd(b0, b1);
        return b1;
      }
      return g.cmp('linktype', 0, BPF_H, p);
  }
}

function sllLinktype(g: Gen, p: number): Block {
  const P_802_2 = 0x0004;
  let b0: Block;
  let b1: Block;
  switch (p) {
    case LLCSAP.ISONS: case LLCSAP.IP: case LLCSAP.NETBEUI:
      b0 = g.cmp('linktype', 0, BPF_H, P_802_2);
      b1 = g.cmp('linkpl', 0, BPF_H, (p << 8) | p);
      genAnd(b0, b1);
      return b1;
    case LLCSAP.IPX:
      b0 = g.cmp('llc', 0, BPF_B, LLCSAP.IPX);
      b1 = snap(g, 0, ETHERTYPE.IPX);
      genOr(b0, b1);
      b0 = g.cmp('linktype', 0, BPF_H, P_802_2);
      genAnd(b0, b1);
      b0 = g.cmp('linktype', 0, BPF_H, 0x0001); // LINUX_SLL_P_802_3: Novell raw 802.3
      genOr(b0, b1);
      b0 = g.cmp('linktype', 0, BPF_H, ETHERTYPE.IPX);
      genOr(b0, b1);
      return b1;
    case ETHERTYPE.ATALK: case ETHERTYPE.AARP:
      b0 = g.cmp('linktype', 0, BPF_H, P_802_2);
      b1 = p === ETHERTYPE.ATALK ? snap(g, 0x080007, ETHERTYPE.ATALK) : snap(g, 0, ETHERTYPE.AARP);
      genAnd(b0, b1);
      b0 = g.cmp('linktype', 0, BPF_H, p);
      genOr(b0, b1);
      return b1;
    default:
      if (p <= ETHERMTU) {
        b0 = g.cmp('linktype', 0, BPF_H, P_802_2);
        b1 = g.cmp('linkhdr', g.offLinkpl.constant, BPF_B, p);
        genAnd(b0, b1);
        return b1;
      }
      return g.cmp('linktype', 0, BPF_H, p);
  }
}

const ARCTYPES: Readonly<Record<number, readonly number[]>> = {
  [ETHERTYPE.IPV6]: [0xc4], [ETHERTYPE.IP]: [0xd4, 0xf0], [ETHERTYPE.ARP]: [0xd5, 0xf1],
  [ETHERTYPE.REVARP]: [0xd6], [ETHERTYPE.ATALK]: [0xdd],
};

/** gen_ahostop: an ARCnet station byte as source (first), destination or either. */
export function genAhostop(g: Gen, addr: number, dir: DirQual): Block {
  switch (dir) {
    case 'src': return g.cmp('linkhdr', 0, BPF_B, addr);
    case 'dst': return g.cmp('linkhdr', 1, BPF_B, addr);
    case 'and': { const b0 = genAhostop(g, addr, 'src'); const b1 = genAhostop(g, addr, 'dst'); genAnd(b0, b1); return b1; }
    case 'default': case 'or': { const b0 = genAhostop(g, addr, 'src'); const b1 = genAhostop(g, addr, 'dst'); genOr(b0, b1); return b1; }
    case 'ra': case 'ta': g.error(`'${dir}' is only supported on 802.11`);
    default: g.error(`'${dir}' and 'address${dir.slice(4)}' are only supported on 802.11`);
  }
}

const PPP_TYPES: Readonly<Record<number, number>> = {
  [ETHERTYPE.IP]: 0x21, [ETHERTYPE.IPV6]: 0x57, [ETHERTYPE.DN]: 0x27, [ETHERTYPE.ATALK]: 0x29,
  [LLCSAP.ISONS]: 0x23, [LLCSAP.IPX]: 0x2b, [LLCSAP.STP]: 0x31, [ETHERTYPE.MPLS]: 0x281,
};

/** gen_mpls_linktype: inside MPLS only IPv4/IPv6 can be recognised (by version nibble). */
function mplsLinktype(g: Gen, p: number): Block {
  if (p !== ETHERTYPE.IP && p !== ETHERTYPE.IPV6) g.error('unsupported protocol over mpls');
  const b0 = g.mcmp('prevmplshdr', 2, BPF_B, 0x01, 0x01);
  const b1 = g.mcmp('linkpl', 0, BPF_B, p === ETHERTYPE.IP ? 0x40 : 0x60, 0xf0);
  genAnd(b0, b1);
  return b1;
}

/** gen_linktype: "the link layer carries protocol `p`" (an EtherType or an LLC SAP). */
export function genLinktype(g: Gen, p: number): Block {
  if (g.labelStackDepth > 0) return mplsLinktype(g, p);
  switch (g.curLink) {
    case 'EN10MB': return etherLinktype(g, p);
    case 'LINUX_SLL': return sllLinktype(g, p);
    case 'LINUX_SLL2': return g.cmp('linktype', 0, BPF_H, p);
    case 'PPP': return g.cmp('linktype', 0, BPF_H, PPP_TYPES[p] ?? p);
    case 'NULL': case 'LOOP': {
      const af = p === ETHERTYPE.IP ? 2 : p === ETHERTYPE.IPV6 ? 10 : undefined;
      if (af === undefined) return g.genFalse();
      // DLT_NULL holds the AF_ value in host byte order (little-endian here); DLT_LOOP in network order.
      const v = g.curLink === 'NULL' ? (((af & 0xff) << 24) | ((af >> 8) & 0xff) << 16) >>> 0 : af;
      return g.cmp('linkhdr', 0, BPF_W, v);
    }
    case 'RAW':
      if (p === ETHERTYPE.IP) return g.mcmp('linkhdr', 0, BPF_B, 0x40, 0xf0);
      if (p === ETHERTYPE.IPV6) return g.mcmp('linkhdr', 0, BPF_B, 0x60, 0xf0);
      return g.genFalse();
    case 'IPV4': return p === ETHERTYPE.IP ? g.genTrue() : g.genFalse();
    case 'IEEE802_11': case 'IEEE802_11_RADIO': return wlanLinktype(g, p);
    case 'IPV6': return p === ETHERTYPE.IPV6 ? g.genTrue() : g.genFalse();
    case 'ARCNET': case 'ARCNET_LINUX': {
      // ARCnet type bytes (RFC 1201 and the older RFC 1051 values).
      const types = ARCTYPES[p];
      if (!types) return g.genFalse();
      let b = g.cmp('linktype', 0, BPF_B, types[0]!);
      for (const t of types.slice(1)) { const b1 = g.cmp('linktype', 0, BPF_B, t); genOr(b, b1); b = b1; }
      return b;
    }
  }
  g.error(`link type ${g.curLink} is not supported`);
}

/** gen_ehostop: an Ethernet address as source, destination or either. */
export function genEhostop(g: Gen, mac: Uint8Array, dir: DirQual): Block {
  let b0: Block;
  let b1: Block;
  switch (dir) {
    case 'src': return g.bcmp('linkhdr', 6, mac);
    case 'dst': return g.bcmp('linkhdr', 0, mac);
    case 'and': b0 = genEhostop(g, mac, 'src'); b1 = genEhostop(g, mac, 'dst'); genAnd(b0, b1); return b1;
    case 'default': case 'or': b0 = genEhostop(g, mac, 'src'); b1 = genEhostop(g, mac, 'dst'); genOr(b0, b1); return b1;
    case 'addr1': case 'addr2': case 'addr3': case 'addr4':
      g.error(`'${dir}' and 'address${dir.slice(4)}' are only supported on 802.11 with 802.11 headers`);
    case 'ra': case 'ta': g.error(`'${dir}' is only supported on 802.11 with 802.11 headers`);
  }
  g.error('invalid direction');
}

/**
 * gen_prevlinkhdr_check: inside `geneve`, a link-layer test needs an inner Ethernet header
 * (the inner link header and payload offsets differ).
 */
function withGeneveLl(g: Gen, gen: () => Block): Block {
  if (!g.isGeneve) return gen();
  const tmp = g.f.block(BPF_JMP | BPF_JEQ | BPF_X, 0);
  tmp.stmts = [stmt(BPF_LD | BPF_MEM, g.offLinkhdr.reg), stmt(BPF_LDX | BPF_MEM, g.offLinkpl.reg)];
  genNot(tmp);
  const b = gen();
  genAnd(tmp, b);
  return b;
}

/** A link-level host (`ether host X`). */
export function genEtherHost(g: Gen, mac: Uint8Array, dir: DirQual): Block {
  if (g.curLink === 'EN10MB') return withGeneveLl(g, () => genEhostop(g, mac, dir));
  if (g.isWlan) return wlanHostop(g, mac, dir);
  g.error('ethernet addresses supported only on ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel');
}

export function genLinkBroadcast(g: Gen): Block {
  if (g.curLink === 'ARCNET' || g.curLink === 'ARCNET_LINUX') return genAhostop(g, 0, 'dst');
  if (g.curLink === 'EN10MB') return withGeneveLl(g, () => genEhostop(g, new Uint8Array(6).fill(0xff), 'dst'));
  if (g.isWlan) return wlanHostop(g, new Uint8Array(6).fill(0xff), 'dst');
  g.error('not a broadcast link');
}

export function genLinkMulticast(g: Gen): Block {
  // All ARCnet multicasts use the broadcast station.
  if (g.curLink === 'ARCNET' || g.curLink === 'ARCNET_LINUX') return genAhostop(g, 0, 'dst');
  if (g.curLink === 'EN10MB') return withGeneveLl(g, () => g.jset(g.loadA('linkhdr', 0, BPF_B), 1));
  if (g.isWlan) return wlanMulticast(g);
  g.error('link-layer multicast filters supported only on ethernet/FDDI/token ring/ARCNET/802.11/ATM LANE/Fibre Channel');
}

/**
 * inbound / outbound: the SLL packet type, else the kernel's packet-type metadata. libpcap
 * addresses the metadata relative to the link header (OR_LINKHDR), so after `pppoes` or
 * `geneve`, or behind radiotap, the offset is shifted (into other metadata fields): kept, as
 * the program must return what libpcap's does.
 */
export function genInbound(g: Gen, outbound: boolean): Block {
  let b: Block;
  if (g.curLink === 'LINUX_SLL') b = g.cmp('linkhdr', 0, BPF_H, 4);
  else if (g.curLink === 'LINUX_SLL2') b = g.cmp('linkhdr', 10, BPF_B, 4);
  else b = g.cmp('linkhdr', SKF_AD_OFF + SKF_AD_PKTTYPE, BPF_H, 4);
  if (!outbound) genNot(b);
  return b;
}

export function genIfindex(g: Gen, ifindex: number): Block {
  if (g.curLink === 'LINUX_SLL2') return g.cmp('linkhdr', 4, BPF_W, ifindex);
  return g.cmp('linkhdr', SKF_AD_OFF + SKF_AD_IFINDEX, BPF_W, ifindex);
}

export function genVlan(g: Gen, vid: number | undefined): Block {
  if (g.labelStackDepth > 0) g.error('no VLAN match after MPLS');
  if (g.curLink !== 'EN10MB' && !g.isWlan) g.error(`no VLAN support for ${describeLink(g)}`);
  let b0 = genLinktype(g, ETHERTYPE.VLAN);
  let b1 = genLinktype(g, ETHERTYPE.QINQ_AD);
  genOr(b0, b1);
  b0 = b1;
  b1 = genLinktype(g, ETHERTYPE.QINQ);
  genOr(b0, b1);
  b0 = b1;
  if (vid !== undefined) {
    if (vid > 0x0fff) g.error(`VLAN tag ${vid} greater than maximum 4095`);
    b1 = g.mcmp('linkpl', 0, BPF_H, vid, 0x0fff);
    genAnd(b0, b1);
    b0 = b1;
  }
  // Both the payload and the type field follow the tag.
  g.offLinkpl.constant += 4;
  g.offLinktype.constant = (g.offLinktype.constant + 4) >>> 0;
  g.vlanStackDepth++;
  return b0;
}

export function genMpls(g: Gen, label: number | undefined): Block {
  let b0: Block;
  if (g.labelStackDepth > 0) b0 = g.mcmp('prevmplshdr', 2, BPF_B, 0, 0x01);
  else if (g.curLink === 'EN10MB') b0 = genLinktype(g, ETHERTYPE.MPLS);
  else if (g.curLink === 'PPP') b0 = genLinktype(g, ETHERTYPE.MPLS);
  else g.error(`no MPLS support for ${describeLink(g)}`);
  if (label !== undefined) {
    if (label > 0xfffff) g.error(`MPLS label ${label} greater than maximum 1048575`);
    const b1 = g.mcmp('linkpl', 0, BPF_W, (label << 12) >>> 0, 0xfffff000);
    genAnd(b0, b1);
    b0 = b1;
  }
  g.offNlNosnap += 4;
  g.offNl += 4;
  g.labelStackDepth++;
  return b0;
}

export function genPppoed(g: Gen): Block {
  return genLinktype(g, ETHERTYPE.PPPOED);
}

export function genPppoes(g: Gen, session: number | undefined): Block {
  let b0 = genLinktype(g, ETHERTYPE.PPPOES);
  if (session !== undefined) {
    if (session > 0xffff) g.error(`PPPoE session number ${session} greater than maximum 65535`);
    const b1 = g.mcmp('linkpl', 0, BPF_W, session, 0xffff);
    genAnd(b0, b1);
    b0 = b1;
  }
  // What follows is a PPP frame without address/control bytes, 6 bytes past the PPPoE header:
  // a new link header (libpcap's PUSH_LINKHDR), whose variable part is the payload's (802.11),
  // with the type field at its start. From here on the PPP rules apply (no vlan, no ether host).
  g.pushLinkhdr('PPP', g.offLinkpl.variable, g.offLinkpl.constant + g.offNl + 6, g.offLinkpl.reg);
  g.offLinktype = { ...g.offLinkhdr };
  g.offLinkpl.constant = g.offLinkhdr.constant + 2;
  g.offNl = 0;
  g.offNlNosnap = 0;
  return b0;
}
