/**
 * Link layers: Ethernet (with 802.1Q/QinQ tags), Linux cooked v1/v2, BSD NULL/LOOP, raw IP, and
 * the Ethernet-type demultiplexer they share. Each returns the link header length so the
 * printer knows where -x/-X/-A start.
 */
import { Bytes, etherName, hex4, linkAddrString } from './bytes.js';
import { makeCtx, type Ctx } from './context.js';
import { ascii, type AsciiText } from './sink.js';
import { arpPrint } from './arp.js';
import { ipPrint, ip6Print } from './ip.js';
import { hexAsciiDump } from './hexdump.js';
import { mplsPrint } from './mpls.js';
import { stpPrint } from './stp.js';

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

/** "ethertype NAME (0xHHHH)" of every named type, each one flat string (one piece per -e line instead of five). */
const ETHERTYPE_TEXT: ReadonlyMap<number, string> = new Map([...ETHERTYPE_NAMES].map(([t, n]) => [t, ['ethertype ', n, ' (0x', hex4(t), ')'].join('')]));

/** ETHERTYPE_TEXT encoded for Sink.t. */
const ETHERTYPE_ASCII: ReadonlyMap<number, AsciiText> = new Map([...ETHERTYPE_TEXT].map(([t, text]) => [t, ascii(text)]));
const T_LENGTH = ascii(', length ');

function etherTypeText(ctx: Ctx, type: number): string {
  return ctx.opts.quiet ? (ETHERTYPE_NAMES.get(type) ?? `Unknown Ethertype (0x${hex4(type)})`) : (ETHERTYPE_TEXT.get(type) ?? `ethertype Unknown (0x${hex4(type)})`);
}

/** Dispatches on an Ethernet type; false when the type is not decoded. */
export function etherTypePrint(ctx: Ctx, type: number, off: number, length: number): boolean {
  switch (type) {
    case 0x0800: ipPrint(ctx, off, length); return true;
    case 0x86dd: ip6Print(ctx, off, length); return true;
    case 0x0806: case 0x8035: arpPrint(ctx, off, length); return true;
    case 0x8847: case 0x8848: mplsPrint(ctx, off, length); return true;
    default: return false;
  }
}

/**
 * "SRC > DST, " of an Ethernet header (at 0 of the captured bytes), built only when printed
 * (-e or an undecoded type): most packets skip it.
 */
function macPair(ctx: Ctx): string {
  const names = ctx.state.addresses;
  return etherName(ctx.b, 6, ctx.opts.numeric, names) + ' > ' + etherName(ctx.b, 0, ctx.opts.numeric, names) + ', ';
}

/** macPair written to the output (from the kept encoded text when there is one). */
function macPairOut(ctx: Ctx): void {
  if (!ctx.b.has(0, 12)) { ctx.out.s(macPair(ctx)); return; }
  const pairs = ctx.state.macPairAscii;
  const encoded = pairs.get(ctx.b.data);
  if (encoded !== undefined) { ctx.out.t(encoded); return; }
  // (The text is ASCII: hex digits and the OUI table's names.)
  const text = ascii(macPair(ctx));
  pairs.set(ctx.b.data, text);
  ctx.out.t(text);
}

export function etherPrint(ctx: Ctx): number {
  const b = ctx.b;
  const caplen = b.length;
  let length = ctx.origLength;
  if (caplen < 14) { ctx.out.s(' [|ether]'); return caplen; }
  // MAC strings are built only when printed (-e or an undecoded type): most packets skip them.
  if (ctx.opts.linkHeader) macPairOut(ctx);
  let type = b.u16(12);
  let off = 14;
  length -= 14;
  if (isVlan(type) && caplen - off < 4) { ctx.out.s(' [|vlan]'); return caplen; }
  if (ctx.opts.linkHeader && type > 1500) {
    const encoded = ctx.opts.quiet ? undefined : ETHERTYPE_ASCII.get(type);
    if (encoded !== undefined) ctx.out.t(encoded); else ctx.out.s(etherTypeText(ctx, type));
    ctx.out.t(T_LENGTH).v(ctx.origLength).c(0x3a).c(0x20);
  }
  while (isVlan(type)) {
    if (caplen - off < 4) { ctx.out.s(' [|vlan]'); return caplen; }
    const tci = b.u16(off);
    type = b.u16(off + 2);
    if (ctx.opts.linkHeader) {
      ctx.out.s('vlan ').v(tci & 0xfff).s(', p ').v(tci >> 13).v(tci & 0x1000 ? ', DEI' : '').s(', ');
      // Another tag's type is named only once that tag is known to be captured.
      if (type > 1500 && !(isVlan(type) && caplen - off < 8)) ctx.out.s(`${etherTypeText(ctx, type)}, `);
    }
    off += 4;
    length -= 4;
  }
  if (type <= 1500) {
    // An 802.3 length field: LLC follows, and the frame ends where the length says.
    // (After 802.1Q tags tcpdump 4.99.3 writes "802.3" alone, glued to the LLC text.)
    if (ctx.opts.linkHeader) ctx.out.s(off > 14 ? '802.3' : `802.3, length ${type}: `);
    return llcPrint(ctx, off, type, () => macPair(ctx));
  }
  if (!etherTypePrint(ctx, type, off, length)) {
    if (!ctx.opts.linkHeader) ctx.out.s(`${macPair(ctx)}${etherTypeText(ctx, type)}, length ${ctx.origLength}: `);
    if (defaultPrint(ctx)) hexAsciiDump(b.data.subarray(off), ctx.out);
  }
  return off;
}

const SLL_PKTTYPES = ['In', 'B', 'M', 'P', 'Out'];

function cookedPayload(ctx: Ctx, proto: number, off: number, length: number, header: () => string): void {
  if (proto <= 1500) { ctx.out.s(' [|sll]'); return; }
  if (!etherTypePrint(ctx, proto, off, length)) {
    // Undecoded: the header is printed (if -e did not already) before the raw bytes.
    if (!ctx.opts.linkHeader) ctx.out.s(header());
    if (defaultPrint(ctx)) hexAsciiDump(ctx.b.data.subarray(off), ctx.out);
  }
}

export function sllPrint(ctx: Ctx): number {
  const b = ctx.b;
  if (b.length < 16) { ctx.out.s(' [|sll]'); return b.length; }
  const pkttype = b.u16(0);
  const halen = b.u16(4);
  const proto = b.u16(14);
  const header = (): string => `${(SLL_PKTTYPES[pkttype] ?? '?').padStart(3)} ${halen > 0 && halen <= 8 ? `${linkAddrString(b, 6, halen)} ` : ''}${ctx.opts.quiet ? '' : `${etherTypeText(ctx, proto)}, length ${ctx.origLength}: `}`;
  if (ctx.opts.linkHeader) ctx.out.s(header());
  cookedPayload(ctx, proto, 16, ctx.origLength - 16, header);
  return 16;
}

export function sll2Print(ctx: Ctx): number {
  const b = ctx.b;
  if (b.length < 20) { ctx.out.s(' [|sll2]'); return b.length; }
  const proto = b.u16(0);
  const pkttype = b.u8(10);
  const halen = b.u8(11);
  // tcpdump names the interface with if_indextoname on the reading machine; unknown is '?'.
  ctx.out.v('?'.padEnd(5)).s(' ').v((SLL_PKTTYPES[pkttype] ?? '?').padEnd(3)).s(' ');
  const header = (): string => `ifindex ${b.u32(4)} ${halen > 0 && halen <= 8 ? `${linkAddrString(b, 12, halen)} ` : ''}${ctx.opts.quiet ? '' : `${etherTypeText(ctx, proto)}, length ${ctx.origLength}: `}`;
  if (ctx.opts.linkHeader) ctx.out.s(header());
  cookedPayload(ctx, proto, 20, ctx.origLength - 20, header);
  return 20;
}

const BSD_AF_NAMES: ReadonlyMap<number, string> = new Map([[2, 'IPv4'], [24, 'IPv6'], [28, 'IPv6'], [30, 'IPv6'], [7, 'OSI'], [16, 'Appletalk'], [23, 'IPX']]);

/** DLT_NULL (host byte order family) and DLT_LOOP (network order). */
export function nullPrint(ctx: Ctx, networkOrder: boolean): number {
  const b = ctx.b;
  if (b.length < 4) { ctx.out.s(' [|null]'); return b.length; }
  let family = networkOrder ? b.u32(0) : b.u32le(0);
  // A file written on a big-endian host: the family is in the high bytes.
  if (!networkOrder && (family & 0xffff0000) !== 0) family = b.u32(0);
  if (ctx.opts.linkHeader) ctx.out.s(`AF ${BSD_AF_NAMES.get(family) ?? 'Unknown'} (${family}), length ${ctx.origLength}: `);
  const length = ctx.origLength - 4;
  if (family === 2) ipPrint(ctx, 4, length);
  else if (family === 24 || family === 28 || family === 30) ip6Print(ctx, 4, length);
  else {
    if (!ctx.opts.linkHeader) ctx.out.s(`AF ${BSD_AF_NAMES.get(family) ?? 'Unknown'} (${family}), length ${ctx.origLength}: `);
    if (defaultPrint(ctx)) hexAsciiDump(b.data.subarray(4), ctx.out);
  }
  return 4;
}

/** DLT_RAW / IPV4 / IPV6: the packet starts with the IP header. */
export function rawPrint(ctx: Ctx, only?: 4 | 6): number {
  if (ctx.opts.linkHeader) ctx.out.s('ip: ');
  if (ctx.b.length < 1) { ctx.out.s(' [|ip]'); return 0; }
  const v = only ?? (ctx.b.u8(0) >> 4);
  if (v === 6) ip6Print(ctx, 0, ctx.origLength);
  else ipPrint(ctx, 0, ctx.origLength);
  return 0;
}


const LLC_SAPS: Record<number, string> = {
  0x00: 'Null', 0xff: 'Global', 0x02: '802.1B I', 0x03: '802.1B G', 0x06: 'IP', 0x04: 'SNA', 0x0e: 'ProWay NM', 0x42: 'STP', 0x4e: 'RS511',
  0x7e: 'ISO8208', 0x8e: 'ProWay', 0xaa: 'SNAP', 0xe0: 'IPX', 0xf0: 'NetBeui', 0xfe: 'OSI',
};
const LLC_U_CMDS: Record<number, string> = { 0x03: 'ui', 0xe3: 'test', 0xaf: 'xid', 0x63: 'ua', 0x43: 'disc', 0x0f: 'dm', 0x6f: 'sabme', 0x87: 'frmr' };
const LLC_FLAGS: Record<number, string> = { 0x00: 'Command', 0x01: 'Response', 0x10: 'Poll', 0x11: 'Final' };

/**
 * 802.2 LLC: SNAP with an Ethernet OUI goes back to the Ethernet-type dispatcher; other SAPs
 * get tcpdump's generic "Unnumbered, ui, ..." line and the raw bytes (the SAP-specific
 * printers, STP, IPX, NetBIOS and OSI, are not implemented).
 */
function llcPrint(ctx: Ctx, off: number, length: number, macs: () => string): number {
  const b = ctx.b;
  const view = new Bytes(b.data.subarray(0, Math.min(b.length, off + length)));
  const c = makeCtx(view, ctx.opts, ctx.state, ctx.origLength, ctx.out, ctx.nested);
  if (length < 3 || !view.has(off, 3)) {
    // Too short for an LLC header: tcpdump says so and shows what there is.
    c.out.s(' [|llc]');
    // (Observed: this dump is suppressed by neither -q nor -x; -x/-X/-A then dump what follows.)
    hexAsciiDump(view.data.subarray(off, off + length), c.out);
    return Math.min(b.length, off + length);
  }
  {
    const dsap = view.u8(off, 'llc'), ssapField = view.u8(off + 1, 'llc'), control = view.u8(off + 2, 'llc');
    const ssap = ssapField & 0xfe;
    if (dsap === 0xaa && ssap === 0xaa && control === 0x03) {
      if (ctx.opts.linkHeader) c.out.s('LLC, dsap SNAP (0xaa) Individual, ssap SNAP (0xaa) Command, ctrl 0x03: ');
      // snap_print checks its 5 bytes itself: a soft stop, nothing left for -x to dump.
      if (!view.has(off + 3, 5)) { c.out.s(' [|snap]'); return off + 8; }
      const oui = (view.u8(off + 3, 'snap') << 16) | (view.u8(off + 4, 'snap') << 8) | view.u8(off + 5, 'snap');
      const et = view.u16(off + 6, 'snap');
      if (ctx.opts.linkHeader) c.out.s(`oui ${oui === 0 ? 'Ethernet' : 'Unknown'} (0x${oui.toString(16).padStart(6, '0')}), ethertype ${ETHERTYPE_NAMES.get(et) ?? 'Unknown'} (0x${hex4(et)}), length ${length - 8}: `);
      if (oui === 0 && etherTypePrint(c, et, off + 8, length - 8)) return off + 8;
      if (defaultPrint(ctx)) hexAsciiDump(view.data.subarray(off + 8), c.out);
      return off + 8;
    }
    const name = (sap: number, what: string): string => LLC_SAPS[sap] ?? `Unknown ${what} 0x${sap.toString(16).padStart(2, '0')}`;
    if (ctx.opts.linkHeader) {
      c.out.s('LLC, dsap ').v(LLC_SAPS[dsap & 0xfe] ?? 'Unknown').s(' (0x').v((dsap & 0xfe).toString(16).padStart(2, '0')).s(') ').v(dsap & 1 ? 'Group' : 'Individual').s(', ssap ').v(LLC_SAPS[ssap] ?? 'Unknown').s(' (0x').v(ssap.toString(16).padStart(2, '0')).s(') ').v(ssapField & 1 ? 'Response' : 'Command').s(', ctrl 0x').v(control.toString(16).padStart(2, '0')).s(': ');
    }
    // Spanning tree BPDUs have their own printer (and no address line without -e).
    if ((dsap & 0xfe) === 0x42 && ssap === 0x42 && control === 0x03) { stpPrint(c, off + 3, length - 3); return off + 3; }
    if (!ctx.opts.linkHeader) {
      const m = macs().slice(0, -2).split(' > ');
      c.out.s(ssap === dsap ? `${m[0]} > ${m[1]} ${name(dsap, 'DSAP')} ` : `${m[0]} ${name(ssap, 'SSAP')} > ${m[1]} ${name(dsap, 'DSAP')} `);
    }
    if ((control & 3) === 3) {
      c.out.s('Unnumbered, ').v(LLC_U_CMDS[control & 0xef] ?? (control & 0xef).toString(16).padStart(2, '0')).s(', Flags [').v(LLC_FLAGS[(ssapField & 1) | (control & 0x10)] ?? '?').s('], length ').v(length);
    }
    if (defaultPrint(ctx)) hexAsciiDump(view.data.subarray(off), c.out);
    return off + 3;
  }
}

/** DLT_PPP: optional address/control bytes, then the protocol (one byte when compressed). */
export function pppPrint(ctx: Ctx): number {
  const b = ctx.b;
  let off = 0;
  if (b.length >= 2 && b.data[0] === 0xff && b.data[1] === 0x03) off = 2;
  const first = b.u8(off, 'ppp');
  const proto = first & 1 ? first : b.u16(off, 'ppp');
  off += first & 1 ? 1 : 2;
  const name = proto === 0x21 ? 'IP' : proto === 0x57 ? 'IP6' : undefined;
  if (ctx.opts.linkHeader) ctx.out.v(name ?? 'unknown').s(' (0x').v(hex4(proto)).s('), length ').v(ctx.origLength).s(': ');
  if (proto === 0x21) ipPrint(ctx, off, ctx.origLength - off);
  else if (proto === 0x57) ip6Print(ctx, off, ctx.origLength - off);
  else {
    ctx.out.s('unknown PPP protocol (0x').v(hex4(proto)).s(')');
    if (defaultPrint(ctx)) hexAsciiDump(b.data.subarray(off), ctx.out);
  }
  // tcpdump reports a fixed 4-byte PPP header to -x/-X/-A, whatever the compression.
  return 4;
}
