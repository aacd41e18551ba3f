/**
 * Link layers: Ethernet (with 802.1Q/QinQ tags), Linux cooked v1/v2, BSD NULL/LOOP, raw IP, and
 * the Ethernet-type demultiplexer they share. Each returns the link header length so the
 * printer knows where -x/-X/-A start.
 */
import { Bytes, etherName, hex4, linkAddrString } from './bytes.js';
import type { Ctx } from './context.js';
import { arpPrint } from './arp.js';
import { ipPrint, ip6Print } from './ip.js';
import { hexAsciiDump } from './hexdump.js';

export const ETHERTYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [0x0800, 'IPv4'], [0x8847, 'MPLS unicast'], [0x8848, 'MPLS multicast'], [0x86dd, 'IPv6'], [0x8100, '802.1Q'],
  [0x9100, '802.1Q-9100'], [0x88a8, '802.1Q-QinQ'], [0x9200, '802.1Q-9200'], [0x0200, 'PUP'], [0x0806, 'ARP'],
  [0x8035, 'Reverse ARP'], [0x0600, 'NS'], [0x0500, 'Sprite'], [0x1000, 'Trail'], [0x6001, 'MOP DL'], [0x6002, 'MOP RC'],
  [0x6003, 'DN'], [0x6004, 'LAT'], [0x6007, 'SCA'], [0x6558, 'TEB'], [0x8038, 'Lanbridge'], [0x803c, 'DEC DNS'],
  [0x803e, 'DEC DTS'], [0x805b, 'VEXP'], [0x805c, 'VPROD'], [0x809b, 'Appletalk'], [0x80f3, 'Appletalk ARP'],
  [0x8137, 'IPX'], [0x880b, 'PPP'], [0x8808, 'MPCP'], [0x8809, 'Slow Protocols'], [0x8863, 'PPPoE D'], [0x8864, 'PPPoE S'],
  [0x888e, 'EAPOL'], [0x8899, 'RRCP'], [0x886f, 'MS NLB heartbeat'], [0x8870, 'Jumbo'], [0x894f, 'NSH'], [0x9000, 'Loopback'],
  [0xfefe, 'OSI'], [0x00fe, 'GRE-OSI'], [0xabcd, 'CFM (old)'], [0x8902, 'CFM'], [0x893a, 'IEEE1905.1'], [0x88cc, 'LLDP'],
  [0x88ca, 'TIPC'], [0x0707, 'GeoNet (old)'], [0x8947, 'GeoNet'], [0x1111, 'CALM FAST'], [0x88a2, 'AoE'], [0x88f7, 'PTP'],
  [0xd28b, 'Arista Vendor Specific Protocol'],
]);

/** tcpdump's default hex+ASCII print of undecoded payloads, suppressed by -x/-X and -q. */
export const defaultPrint = (ctx: Ctx): boolean => !ctx.opts.quiet && !['x', 'xx', 'X', 'XX'].includes(ctx.opts.hex);

const isVlan = (t: number): boolean => t === 0x8100 || t === 0x88a8 || t === 0x9100 || t === 0x9200;

function etherTypeText(ctx: Ctx, type: number): string {
  return ctx.opts.quiet ? (ETHERTYPE_NAMES.get(type) ?? `Unknown Ethertype (0x${hex4(type)})`) : `ethertype ${ETHERTYPE_NAMES.get(type) ?? 'Unknown'} (0x${hex4(type)})`;
}

/** Dispatches on an Ethernet type; false when the type is not decoded. */
export function etherTypePrint(ctx: Ctx, type: number, off: number, length: number): boolean {
  switch (type) {
    case 0x0800: ipPrint(ctx, off, length); return true;
    case 0x86dd: ip6Print(ctx, off, length); return true;
    case 0x0806: case 0x8035: arpPrint(ctx, off, length); return true;
    default: return false;
  }
}

export function etherPrint(ctx: Ctx): number {
  const b = ctx.b;
  const caplen = b.length;
  let length = ctx.origLength;
  if (caplen < 14) { ctx.out += ' [|ether]'; return caplen; }
  // MAC strings are built only when printed (-e or an undecoded type): most packets skip them.
  const macs = (): string => `${etherName(b, 6, ctx.opts.numeric)} > ${etherName(b, 0, ctx.opts.numeric)}, `;
  if (ctx.opts.linkHeader) ctx.out += macs();
  let type = b.u16(12);
  let off = 14;
  length -= 14;
  if (isVlan(type) && caplen - off < 4) { ctx.out += ' [|vlan]'; return caplen; }
  if (ctx.opts.linkHeader && type > 1500) {
    ctx.out += etherTypeText(ctx, type);
    ctx.out += `, length ${ctx.origLength}: `;
  }
  while (isVlan(type)) {
    if (caplen - off < 4) { ctx.out += ' [|vlan]'; return caplen; }
    const tci = b.u16(off);
    type = b.u16(off + 2);
    if (ctx.opts.linkHeader) {
      ctx.out += `vlan ${tci & 0xfff}, p ${tci >> 13}${tci & 0x1000 ? ', DEI' : ''}, `;
      if (type > 1500) ctx.out += `${etherTypeText(ctx, type)}, `;
    }
    off += 4;
    length -= 4;
  }
  if (type <= 1500) {
    // 802.3 length field: LLC follows. Not decoded: tcpdump's generic LLC line is out of scope here.
    if (ctx.opts.linkHeader) ctx.out += `802.3, length ${type}: `;
    ctx.out += `LLC, dsap 0x${b.u8(off).toString(16).padStart(2, '0')}`;
    return off;
  }
  if (!etherTypePrint(ctx, type, off, length)) {
    if (!ctx.opts.linkHeader) ctx.out += `${macs()}${etherTypeText(ctx, type)}, length ${ctx.origLength}: `;
    if (defaultPrint(ctx)) ctx.out += hexAsciiDump(b.data.subarray(off));
  }
  return off;
}

const SLL_PKTTYPES = ['In', 'B', 'M', 'P', 'Out'];

function cookedPayload(ctx: Ctx, proto: number, off: number, length: number, header: () => string): void {
  if (proto <= 1500) { ctx.out += ' [|sll]'; return; }
  if (!etherTypePrint(ctx, proto, off, length)) {
    // Undecoded: the header is printed (if -e did not already) before the raw bytes.
    if (!ctx.opts.linkHeader) ctx.out += header();
    if (defaultPrint(ctx)) ctx.out += hexAsciiDump(ctx.b.data.subarray(off));
  }
}

export function sllPrint(ctx: Ctx): number {
  const b = ctx.b;
  if (b.length < 16) { ctx.out += ' [|sll]'; return b.length; }
  const pkttype = b.u16(0);
  const halen = b.u16(4);
  const proto = b.u16(14);
  const header = (): string => `${(SLL_PKTTYPES[pkttype] ?? '?').padStart(3)} ${halen > 0 && halen <= 8 ? `${linkAddrString(b, 6, halen)} ` : ''}${ctx.opts.quiet ? '' : `${etherTypeText(ctx, proto)}, length ${ctx.origLength}: `}`;
  if (ctx.opts.linkHeader) ctx.out += header();
  cookedPayload(ctx, proto, 16, ctx.origLength - 16, header);
  return 16;
}

export function sll2Print(ctx: Ctx): number {
  const b = ctx.b;
  if (b.length < 20) { ctx.out += ' [|sll2]'; return b.length; }
  const proto = b.u16(0);
  const pkttype = b.u8(10);
  const halen = b.u8(11);
  // tcpdump names the interface with if_indextoname on the reading machine; unknown is '?'.
  ctx.out += `${'?'.padEnd(5)} ${(SLL_PKTTYPES[pkttype] ?? '?').padEnd(3)} `;
  const header = (): string => `ifindex ${b.u32(4)} ${halen > 0 && halen <= 8 ? `${linkAddrString(b, 12, halen)} ` : ''}${ctx.opts.quiet ? '' : `${etherTypeText(ctx, proto)}, length ${ctx.origLength}: `}`;
  if (ctx.opts.linkHeader) ctx.out += header();
  cookedPayload(ctx, proto, 20, ctx.origLength - 20, header);
  return 20;
}

const BSD_AF_NAMES: ReadonlyMap<number, string> = new Map([[2, 'IPv4'], [24, 'IPv6'], [28, 'IPv6'], [30, 'IPv6'], [7, 'OSI'], [16, 'Appletalk'], [23, 'IPX']]);

/** DLT_NULL (host byte order family) and DLT_LOOP (network order). */
export function nullPrint(ctx: Ctx, networkOrder: boolean): number {
  const b = ctx.b;
  if (b.length < 4) { ctx.out += ' [|null]'; return b.length; }
  let family = networkOrder ? b.u32(0) : b.u32le(0);
  // A file written on a big-endian host: the family is in the high bytes.
  if (!networkOrder && (family & 0xffff0000) !== 0) family = b.u32(0);
  if (ctx.opts.linkHeader) ctx.out += `AF ${BSD_AF_NAMES.get(family) ?? 'Unknown'} (${family}), length ${ctx.origLength}: `;
  const length = ctx.origLength - 4;
  if (family === 2) ipPrint(ctx, 4, length);
  else if (family === 24 || family === 28 || family === 30) ip6Print(ctx, 4, length);
  else {
    if (!ctx.opts.linkHeader) ctx.out += `AF ${BSD_AF_NAMES.get(family) ?? 'Unknown'} (${family}), length ${ctx.origLength}: `;
    if (defaultPrint(ctx)) ctx.out += hexAsciiDump(b.data.subarray(4));
  }
  return 4;
}

/** DLT_RAW / IPV4 / IPV6: the packet starts with the IP header. */
export function rawPrint(ctx: Ctx, only?: 4 | 6): number {
  if (ctx.opts.linkHeader) ctx.out += 'ip: ';
  if (ctx.b.length < 1) { ctx.out += ' [|ip]'; return 0; }
  const v = only ?? (ctx.b.u8(0) >> 4);
  if (v === 6) ip6Print(ctx, 0, ctx.origLength);
  else ipPrint(ctx, 0, ctx.origLength);
  return 0;
}

export type { Bytes };
