/** IPv4 and IPv6 (with extension headers) and the protocol demultiplexer above them. */
import { be16, be32, Truncated } from './bytes.js';
import { host4, host6, hostText } from './names.js';
import { grePrint } from './gre.js';
import { ahPrint, espPrint } from './ipsec.js';
import { vrrpPrint } from './vrrp.js';
import { sctpPrint } from './sctp.js';
import { ospfPrint } from './ospf.js';
import { pimPrint } from './pim.js';
import type { Ctx, ReusableIpInfo } from './context.js';
import { icmpPrint, icmp6Print, igmpPrint } from './icmp.js';
import { addressPair, tcpPrint, udpPrint, type IpInfo } from './transport.js';
import { ascii, type AsciiText } from './sink.js';

const T_IP = ascii('IP '), T_IP6 = ascii('IP6 '), T_FRAG = ascii('frag (');
const T_CLASS = ascii('class 0x'), T_FLOWLABEL = ascii('flowlabel 0x'), T_HLIM = ascii('hlim ');
const T_TTL = ascii(', ttl '), T_ID = ascii(', id '), T_OFFSET = ascii(', offset '), T_FLAGS = ascii(', flags ['), T_HEAD_END = ascii(')\n    ');

export const IPPROTO_NAMES: Record<number, string> = {
  0: 'Options', 1: 'ICMP', 2: 'IGMP', 4: 'IPIP', 6: 'TCP', 8: 'EGP', 9: 'IGRP', 17: 'UDP', 33: 'DCCP', 41: 'IPv6',
  43: 'Routing', 44: 'Fragment', 46: 'RSVP', 47: 'GRE', 50: 'ESP', 51: 'AH', 55: 'Mobile IP', 58: 'ICMPv6', 59: 'none',
  62: 'Mobile IP (old)', 88: 'EIGRP', 89: 'OSPF', 103: 'PIM', 108: 'Compressed IP', 112: 'VRRP', 113: 'PGM', 132: 'SCTP', 135: 'Mobility', 240: 'CARP',
};

/** The -v "flags [...]" text for the three flag bits (MF, DF, reserved). */
const IP_FLAGS: readonly string[] = Array.from({ length: 8 }, (_, f) => [f & 1 ? '+' : '', f & 2 ? 'DF' : '', f & 4 ? 'rsvd' : ''].filter((x) => x).join(', ') || 'none');

/** ", offset 0, flags [FLAGS" for every value of the three flag bits (-v). */
const OFFSET0_FLAGS: readonly AsciiText[] = IP_FLAGS.map((f) => ascii(', offset 0, flags [' + f));

/** "(tos 0x.." with its ECN suffix, for every TOS byte (-v). */
const TOS_TEXT: readonly AsciiText[] = Array.from({ length: 256 }, (_, t) => ascii('(tos 0x' + t.toString(16) + ['', ',ECT(1)', ',ECT(0)', ',CE'][t & 3]!));
/** ", next-header NAME (N) payload length: " for every next-header value (-v). */
const NEXT_HEADER_TEXT: readonly AsciiText[] = Array.from({ length: 256 }, (_, p) => ascii(', next-header ' + (IPPROTO_NAMES[p] ?? 'unknown') + ' (' + p + ') payload length: '));
/** "], proto NAME (N), length " for every protocol number (-v). */
const PROTO_LENGTH_TEXT: readonly AsciiText[] = Array.from({ length: 256 }, (_, p) => ascii('], proto ' + (IPPROTO_NAMES[p] ?? 'unknown') + ' (' + p + '), length '));

const IPOPT_NAMES: Record<number, string> = { 0: 'EOL', 1: 'NOP', 68: 'timestamp', 130: 'security', 7: 'RR', 137: 'SSRR', 131: 'LSRR', 148: 'RA', 82: 'traceroute' };

/** One's-complement sum of `data` (for checksum verification in -v). */
export function onesSum(data: Uint8Array, initial = 0): number {
  return onesSumRange(data, 0, data.length, initial);
}

/** onesSum of data[start, end) without a subarray (end within the data). */
export function onesSumRange(data: Uint8Array, start: number, end: number, initial = 0): number {
  let sum = initial;
  const n = start + ((end - start) & ~1);
  for (let i = start; i < n; i += 2) sum += (data[i]! << 8) | data[i + 1]!;
  if ((end - start) & 1) sum += data[end - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/**
 * Where the transport checksum's destination address is: the last hop of a loose or strict
 * source route when the header has one (tcpdump's ip_finddst), else the header's destination.
 */
function finalDestination(ctx: Ctx, off: number, hlen: number): number {
  const b = ctx.b;
  for (let at = off + 20, end = off + hlen; at < end;) {
    const type = b.data[at]!;
    if (type === 0) break;
    let len = 1;
    if (type !== 1) {
      if (at + 1 >= end) break;
      len = b.data[at + 1]!;
      if (len < 2 || at + len > end) break;
    }
    if ((type === 131 || type === 137) && len >= 7) return at + len - 4;
    at += len;
  }
  return off + 16;
}

/** Record-route and source-route options: the addresses, a comma after each one already used. */
function ipRoute(ctx: Ctx, off: number, length: number): void {
  const b = ctx.b;
  if (length < 3) { ctx.out.s(' [bad length ').v(length).s(']'); return; }
  if ((length + 1) & 3) ctx.out.s(' [bad length ').v(length).s(']');
  const ptr = b.u8(off + 2, 'ip') - 1;
  if (ptr < 3 || ((ptr + 1) & 3) || ptr > length + 1) ctx.out.s(` [bad ptr ${b.u8(off + 2)}]`);
  for (let at = 3; at < length; at += 4) {
    ctx.out.s(` ${host4(ctx, b, off + at)}`);
    if (ptr > at) ctx.out.s(',');
  }
}

/** The timestamp option: TS{TSONLY|TS+ADDR|PRESPEC entries, ^ marking the pointer}. */
function ipTimestamps(ctx: Ctx, off: number, length: number): void {
  const b = ctx.b;
  if (length < 4) { ctx.out.s('[bad length ').v(length).s(']'); return; }
  ctx.out.s(' TS{');
  const flags = b.u8(off + 3, 'ip');
  const hoplen = (flags & 0xf) !== 0 ? 8 : 4;
  if ((length - 4) & (hoplen - 1)) ctx.out.s('[bad length ').v(length).s(']');
  const ptr = b.u8(off + 2, 'ip') - 1;
  if (ptr < 4 || ((ptr - 4) & (hoplen - 1)) || ptr > length + 1) ctx.out.s(`[bad ptr ${b.u8(off + 2)}]`);
  let len = 0;
  const kind = ['TSONLY', 'TS+ADDR', undefined, 'PRESPEC'][flags & 0xf];
  if (kind === undefined) ctx.out.s('[bad ts type ').v(flags & 0xf).s(']');
  else {
    ctx.out.s(kind);
    for (len = 4; len < length; len += hoplen) {
      ctx.out.s(`${ptr === len ? ' ^ ' : ' '}${b.u32(off + len + hoplen - 4, 'ip')}@${hoplen !== 8 ? '' : host4(ctx, b, off + len)}`);
    }
  }
  ctx.out.s(ptr === len ? ' ^ ' : '');
  ctx.out.s(flags >> 4 ? ` [${flags >> 4} hops not recorded]} ` : '}');
}

function ipOptions(ctx: Ctx, off: number, len: number): void {
  const b = ctx.b;
  while (len > 0) {
    const code = b.u8(off, 'ip');
    ctx.out.s(IPOPT_NAMES[code] ?? `unknown ${code}`);
    let olen = 1;
    if (code !== 0 && code !== 1) {
      olen = b.u8(off + 1, 'ip');
      if (olen < 2 || olen > len) { ctx.out.s(' [bad length ').v(olen).s(']'); return; }
    }
    if (code === 0) return;
    // The whole option is checked before its value is read: a soft stop, [truncated-option].
    if (!b.has(off, olen)) throw new Truncated('option', true);
    if (code === 7 || code === 131 || code === 137) ipRoute(ctx, off, olen);
    else if (code === 68) ipTimestamps(ctx, off, olen);
    if (code === 148) {
      if (olen < 4) ctx.out.s(' [bad length ').v(olen).s(']');
      else if (b.u16(off + 2) !== 0) ctx.out.s(` value ${b.u16(off + 2)}`);
    }
    off += olen;
    len -= olen;
    // The separator comes before the next option's code is fetched.
    if (len > 0) ctx.out.s(',');
  }
}

export function ipPrint(ctx: Ctx, off: number, length: number): void {
  const b = ctx.b;
  // With nothing at all after the link header tcpdump prints only the truncation marker.
  if (!b.has(off, 1)) throw new Truncated('ip');
  const prefix = !ctx.opts.linkHeader;
  const d = b.data;
  const vhl = d[off]!;
  if (vhl >> 4 !== 4) { ctx.out.s('IP').v(vhl >> 4).v(vhl >> 4 === 6 ? ', wrong link-layer encapsulation' : '').s(' (invalid)'); return; }
  if (prefix) ctx.out.t(T_IP);
  if (!b.has(off, 20)) { ctx.out.s(' [|ip]'); return; }
  // (The fixed header is captured: read directly from here on.)
  if (!ctx.opts.verbose && !b.has(off, (vhl & 0xf) * 4) && (be16(d, off + 6) & 0x1fff) === 0) {
    // Cut inside the options: the addresses are printed first for all but TCP and UDP.
    const p = d[off + 9]!;
    if (p !== 6 && p !== 17) ctx.out.s(`${host4(ctx, b, off + 12)} > ${host4(ctx, b, off + 16)}: `);
    ctx.out.s(' [remaining caplen(').v(b.length - off).s(') < header length(').v((vhl & 0xf) * 4).s(')]');
    throw new Truncated('ip');
  }
  const hlen = (vhl & 0xf) * 4;
  if (hlen < 20) { ctx.out.s('bad-hlen ').v(hlen); return; }
  let len = be16(d, off + 2);
  if (len < hlen) { ctx.out.s('[total length ').v(len).s(' < header length ').v(hlen).s(']'); return; }
  const tos = d[off + 1]!;
  const id = be16(d, off + 4);
  const fragField = be16(d, off + 6);
  const ttl = d[off + 8]!;
  const proto = d[off + 9]!;
  const truncatedBy = length < len ? len - length : 0;
  if (truncatedBy > 0) ctx.out.s('truncated-ip - ').v(truncatedBy).s(' bytes missing! ');
  else len = Math.min(len, length);
  if (ctx.opts.verbose) {
    const out = ctx.out;
    out.t(TOS_TEXT[tos]!);
    if (ttl >= 1) out.t(T_TTL).u(ttl);
    out.t(T_ID).u(id);
    // (One table entry for an unfragmented packet's offset and flags.)
    const fo = fragField & 0x1fff;
    if (fo === 0) out.t(OFFSET0_FLAGS[fragField >> 13]!);
    else out.t(T_OFFSET).u(fo * 8).t(T_FLAGS).s(IP_FLAGS[fragField >> 13]!);
    out.t(PROTO_LENGTH_TEXT[proto]!).u(be16(d, off + 2));
    if (hlen > 20) {
      ctx.out.s(', options (');
      let cut = false;
      try { ipOptions(ctx, off + 20, hlen - 20); } catch (e) { if (e instanceof Truncated && e.proto === 'option') cut = true; else throw e; }
      if (cut) ctx.out.s(' [truncated-option]');
      ctx.out.s(')');
      if (cut) {
        ctx.out.s(`)\n    ${host4(ctx, b, off + 12)} > ${host4(ctx, b, off + 16)}: `);
        throw new Truncated('ip', true);
      }
    }
    if (b.has(off, hlen) && onesSumRange(b.data, off, off + hlen) !== 0xffff) {
      const stored = b.u16(off + 10);
      const tmp = b.data.slice(off, off + hlen);
      tmp[10] = 0; tmp[11] = 0;
      ctx.out.s(`, bad cksum ${stored.toString(16)} (->${(~onesSum(tmp) & 0xffff).toString(16)})!`);
    }
    ctx.out.t(T_HEAD_END);
    if (!b.has(off, hlen) && (fragField & 0x1fff) === 0) {
      const p = b.u8(off + 9);
      if (p !== 6 && p !== 17) ctx.out.s(`${host4(ctx, b, off + 12)} > ${host4(ctx, b, off + 16)}: `);
      ctx.out.s(' [remaining caplen(').v(b.length - off).s(') < header length(').v(hlen).s(')]');
      throw new Truncated('ip');
    }
  }
  // The encoded numeric texts go along unless a host name replaced them (hostText returns
  // the numeric text itself when there is none).
  const addresses = ctx.state.addresses;
  const srcText = addresses.ip4(b.data, off + 12), srcAscii0 = addresses.lastAscii, srcDot0 = addresses.lastAsciiDot;
  const dstText = addresses.ip4(b.data, off + 16), dstAscii0 = addresses.lastAscii, dstDot0 = addresses.lastAsciiDot;
  const src = hostText(ctx, srcText), dst = hostText(ctx, dstText);
  const srcNumeric = src === srcText, dstNumeric = dst === dstText;
  const fragOff = fragField & 0x1fff;
  const payload = len - hlen;
  const info = ipInfo(ctx, 4, src, dst, off + 12, finalDestination(ctx, off, hlen), (fragField & 0x3fff) !== 0, payload, true);
  if (srcNumeric) { info.srcAscii = srcAscii0; info.srcAsciiDot = srcDot0; }
  if (dstNumeric) { info.dstAscii = dstAscii0; info.dstAsciiDot = dstDot0; }
  if (fragOff !== 0) {
    ctx.out.v(src).s(' > ').v(dst).s(': ').v(ctx.opts.numeric === 0 && PROTO_DB[proto] ? PROTO_DB[proto] : `ip-proto-${proto}`);
    return;
  }
  demux(ctx, proto, off + hlen, payload, info);
}

/**
 * The IpInfo handed to the protocol above: one object per printer, refilled for each IP header
 * (no allocation per packet). Every printer is done with it before a nested IP header is printed
 * (tunnels and quoted packets come last), and the AH case passes a copy.
 */
function ipInfo(ctx: Ctx, v: 4 | 6, src: string, dst: string, srcOff: number, dstOff: number, fragmented: boolean, length: number, direct: boolean): ReusableIpInfo {
  const info = ctx.state.ipInfo;
  info.v = v; info.src = src; info.dst = dst; info.srcOff = srcOff; info.dstOff = dstOff;
  info.fragmented = fragmented; info.length = length; info.direct = direct;
  // (The encoded texts are set by the caller when the addresses are numeric.)
  info.srcAscii = undefined; info.dstAscii = undefined; info.srcAsciiDot = undefined; info.dstAsciiDot = undefined;
  return info;
}

/** /etc/protocols names tcpdump uses when -n is not given. */
const PROTO_DB: Record<number, string> = { 1: 'icmp', 2: 'igmp', 6: 'tcp', 17: 'udp', 41: 'ipv6', 47: 'gre', 50: 'esp', 51: 'ah', 58: 'ipv6-icmp', 89: 'ospf', 132: 'sctp' };

function demux(ctx: Ctx, proto: number, off: number, length: number, ip: IpInfo, afterAh = false): void {
  switch (proto) {
    case 6: tcpPrint(ctx, off, length, ip); return;
    case 17: udpPrint(ctx, off, length, ip); return;
    case 132: sctpPrint(ctx, off, length, ip); return;
  }
  if (ip.v === 4 && !afterAh) addressPair(ctx, ip);
  switch (proto) {
    case 47: grePrint(ctx, off, length); return;
    case 50: espPrint(ctx, off, length); return;
    case 51: {
      // The protected protocol follows; TCP and UDP then print their ports only.
      const [next, ahLen] = ahPrint(ctx, off);
      demux(ctx, next, off + ahLen, length - ahLen, { ...ip, direct: false }, true);
      return;
    }
    case 112: vrrpPrint(ctx, off, length, ip.srcOff - 12); return;
    case 89: ospfPrint(ctx, off, length); return;
    case 103: pimPrint(ctx, off, length, ip.srcOff - 12); return;
    case 1: icmpPrint(ctx, off, length, ip); return;
    case 2: igmpPrint(ctx, off, length); return;
    case 58: icmp6Print(ctx, off, length, ip); return;
    case 4: ipPrint(ctx, off, length); return;
    case 41: ip6Print(ctx, off, length); return;
    default:
      ctx.out.v(ctx.opts.numeric === 0 && PROTO_DB[proto] ? ` ${PROTO_DB[proto]}` : ` ip-proto-${proto}`).s(' ').v(length);
  }
}

/** -v: the options of a hop-by-hop or destination options header. */
function ip6Options(ctx: Ctx, at: number, end: number): void {
  const b = ctx.b;
  while (at < end) {
    const type = b.u8(at);
    if (type === 0) { ctx.out.s('(pad1)'); at++; continue; }
    const len = b.u8(at + 1);
    if (at + 2 + len > end) { ctx.out.s('[trunc]'); return; }
    switch (type) {
      case 1: ctx.out.s('(padn)'); break;
      case 5: ctx.out.s(len === 2 ? `(rtalert: 0x${b.u16(at + 2).toString(16).padStart(4, '0')}) ` : `(rtalert: invalid len ${len})`); break;
      case 0xc2: ctx.out.s(len === 4 ? `(jumbo: ${b.u32(at + 2)}) ` : `(jumbo: invalid len ${len})`); break;
      default: ctx.out.s('(opt_type 0x').v(type.toString(16).padStart(2, '0')).s(': len=').v(len).s(')');
    }
    at += 2 + len;
  }
}

export function ip6Print(ctx: Ctx, off: number, length: number): void {
  const b = ctx.b;
  if (!b.has(off, 40)) { ctx.out.s(' [|ip6]'); return; }
  if (!ctx.opts.linkHeader) ctx.out.t(T_IP6);
  // (The fixed header is captured: read directly.)
  const d = b.data;
  const word = be32(d, off);
  if (word >>> 28 !== 6) { ctx.out.s('version error: ').v(word >>> 28).s(' != 6'); return; }
  const plen = be16(d, off + 4);
  let nh = d[off + 6]!;
  const hlim = d[off + 7]!;
  if (ctx.opts.verbose) {
    const out = ctx.out;
    out.c(0x28);
    if (word & 0x0ff00000) out.t(T_CLASS).hex((word >>> 20) & 0xff, 2).c(0x2c).c(0x20);
    if (word & 0xfffff) out.t(T_FLOWLABEL).hex(word & 0xfffff, 5).c(0x2c).c(0x20);
    out.t(T_HLIM).u(hlim).t(NEXT_HEADER_TEXT[nh]!).u(plen).c(0x29).c(0x20);
  }
  let len = plen;
  if (length - 40 < plen) { ctx.out.s('truncated-ip6 - ').v(plen - (length - 40)).s(' bytes missing!'); len = length - 40; }
  const addresses = ctx.state.addresses;
  const srcText = addresses.ip6(b, off + 8), srcAscii0 = addresses.lastAscii, srcDot0 = addresses.lastAsciiDot;
  const dstText = addresses.ip6(b, off + 24), dstAscii0 = addresses.lastAscii, dstDot0 = addresses.lastAsciiDot;
  const src = hostText(ctx, srcText), dst = hostText(ctx, dstText);
  const srcNumeric = src === srcText, dstNumeric = dst === dstText;
  let at = off + 40;
  const end = off + 40 + len;
  let fragmented = false;
  let finalDst = off + 24;
  for (let first = true; ; first = false) {
    if (first && nh !== 6 && nh !== 17 && nh !== 33 && nh !== 132) {
      const pair = ipInfo(ctx, 6, src, dst, off + 8, off + 24, false, 0, true);
      if (srcNumeric) pair.srcAscii = srcAscii0;
      if (dstNumeric) pair.dstAscii = dstAscii0;
      addressPair(ctx, pair);
    }
    // An extension header with nothing of it captured: tcpdump stops with the IPv6 marker.
    // Nothing of the next header captured: a routing header stops softly with the IPv6
    // marker, a fragment header aborts with its own (observed from tcpdump 4.99.3).
    if (at >= b.length && nh === 43) throw new Truncated('ip6', true);
    if (at >= b.length && nh === 44) throw new Truncated('frag6');
    if (nh === 0 || nh === 60) {
      const name = nh === 0 ? 'hbhopt' : 'dstopt';
      const hl = (b.u8(at + 1, name) + 1) * 8;
      // The options printers check the header's length themselves (a soft stop).
      if (!b.has(at, hl)) throw new Truncated(name, true);
      ctx.out.s(nh === 0 ? 'HBH ' : 'DSTOPT ');
      if (ctx.opts.verbose) { ip6Options(ctx, at + 2, at + hl); ctx.out.s(' '); }
      nh = b.u8(at);
      at += hl;
      continue;
    }
    if (nh === 43) {
      // Routing header: printed with its addresses; the last one is the transport checksum's destination.
      ctx.out.s('RT6');
      const hdrLen = b.u8(at + 1, 'rt6');
      ctx.out.s(' (len=').v(hdrLen);
      const type = b.u8(at + 2, 'rt6');
      ctx.out.s(', type=').v(type).v(type === 0 ? ' [Deprecated]' : '');
      ctx.out.s(`, segleft=${b.u8(at + 3, 'rt6')}`);
      if (type === 0 || type === 2) {
        if (ctx.opts.verbose) ctx.out.s(`, rsv=0x${b.u32(at + 4, 'rt6').toString(16)}`);
        for (let i = 0; i < hdrLen >> 1; i++) ctx.out.s(`, [${i}]${host6(ctx, b, at + 8 + 16 * i, 'rt6')}`);
        if (hdrLen >> 1 > 0) finalDst = at + 8 + 16 * ((hdrLen >> 1) - 1);
      } else if (type === 4) {
        const last = b.u8(at + 4, 'rt6');
        ctx.out.s(', last-entry=').v(last);
        if (ctx.opts.verbose) ctx.out.s(`, flags=0x${b.u8(at + 5, 'rt6').toString(16)}`);
        ctx.out.s(`, tag=${b.u16(at + 6, 'rt6').toString(16)}`);
        for (let i = 0; i <= last; i++) ctx.out.s(`, [${i}]${host6(ctx, b, at + 8 + 16 * i, 'rt6')}`);
        finalDst = at + 8;
      } else { ctx.out.s(' (invalid)'); return; }
      ctx.out.s(') ');
      nh = b.u8(at);
      at += (hdrLen + 1) * 8;
      continue;
    }
    if (nh === 44) {
      b.need(at, ctx.opts.verbose ? 8 : 4, 'frag6');
      const offField = b.u16(at + 2);
      const fragLen = end - at - 8;
      if (ctx.opts.verbose) ctx.out.s(`frag (0x${b.u32(at + 4).toString(16).padStart(8, '0')}:${offField & 0xfff8}|${fragLen})`);
      else ctx.out.t(T_FRAG).u(offField & 0xfff8).c(0x7c).v(fragLen).c(0x29);
      if ((offField & 0xfff8) !== 0) return;
      ctx.out.s(' ');
      fragmented = true;
      nh = b.u8(at);
      at += 8;
      if (at >= b.length) return;
      continue;
    }
    if (nh === 59) { ctx.out.s('no next header'); return; }
    if (nh === 51) {
      const [next, ahLen] = ahPrint(ctx, at);
      nh = next;
      at += ahLen;
      continue;
    }
    const info = ipInfo(ctx, 6, src, dst, off + 8, finalDst, fragmented, end - at, at === off + 40);
    if (srcNumeric) { info.srcAscii = srcAscii0; info.srcAsciiDot = srcDot0; }
    if (dstNumeric) { info.dstAscii = dstAscii0; info.dstAsciiDot = dstDot0; }
    switch (nh) {
      case 6: tcpPrint(ctx, at, end - at, info); return;
      case 17: udpPrint(ctx, at, end - at, info); return;
      case 58: icmp6Print(ctx, at, end - at, info); return;
      case 47: grePrint(ctx, at, end - at); return;
      case 50: espPrint(ctx, at, end - at); return;
      case 132: sctpPrint(ctx, at, end - at, info); return;
      case 103: pimPrint(ctx, at, end - at); return;
      case 4: ipPrint(ctx, at, end - at); return;
      case 41: ip6Print(ctx, at, end - at); return;
      default:
        ctx.out.v(ctx.opts.numeric === 0 && PROTO_DB[nh] ? ` ${PROTO_DB[nh]}` : ` ip-proto-${nh}`).s(' ').v(end - at);
        return;
    }
  }
}
