/**
 * Builders for well-formed frames (Ethernet, VLAN, cooked, IPv4/IPv6, TCP/UDP/ICMP/ICMPv6, ARP,
 * IGMP, DNS, NTP, DHCP) with correct checksums, used by scripts/make-samples.ts and the
 * generated test corpus. Expected outputs never come from here: tcpdump reads the result.
 */
export type Bytes = Uint8Array;

export function concat(...parts: readonly (Bytes | readonly number[])[]): Bytes {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
export const u8 = (v: number): number[] => [v & 0xff];
export const u16 = (v: number): number[] => [(v >>> 8) & 0xff, v & 0xff];
export const u32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
export const ascii = (s: string): Bytes => new TextEncoder().encode(s);

export function mac(s: string): number[] { return s.split(':').map((h) => parseInt(h, 16)); }
export function ip4(s: string): number[] { return s.split('.').map(Number); }
export function ip6(s: string): number[] {
  const [head, tail] = s.includes('::') ? s.split('::') as [string, string] : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => u16(parseInt(g, 16)));
}

function checksum(data: Bytes, initial = 0): number {
  let sum = initial;
  for (let i = 0; i + 1 < data.length; i += 2) sum += (data[i]! << 8) | data[i + 1]!;
  if (data.length % 2) sum += data[data.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export function ethernet(dst: string, src: string, type: number, payload: Bytes): Bytes {
  return concat(mac(dst), mac(src), u16(type), payload);
}
export function vlan(dst: string, src: string, vid: number, prio: number, type: number, payload: Bytes): Bytes {
  return concat(mac(dst), mac(src), u16(0x8100), u16((prio << 13) | vid), u16(type), payload);
}
/** Linux cooked v1 (DLT_LINUX_SLL). */
export function sll(pkttype: number, addr: string, proto: number, payload: Bytes): Bytes {
  const a = mac(addr);
  return concat(u16(pkttype), u16(1), u16(a.length), a, Array(8 - a.length).fill(0), u16(proto), payload);
}
/** Linux cooked v2 (DLT_LINUX_SLL2). */
export function sll2(proto: number, ifindex: number, pkttype: number, addr: string, payload: Bytes): Bytes {
  const a = mac(addr);
  return concat(u16(proto), u16(0), u32(ifindex), u16(1), u8(pkttype), u8(a.length), a, Array(8 - a.length).fill(0), payload);
}
/** BSD loopback: the address family in host (here little-endian) order; LOOP uses network order. */
export function nullHeader(family: number, networkOrder = false): number[] {
  return networkOrder ? u32(family) : [family & 0xff, (family >>> 8) & 0xff, 0, 0];
}

export interface Ip4Opts {
  src: string; dst: string; proto: number; id?: number; ttl?: number; tos?: number;
  df?: boolean; mf?: boolean; fragOffset?: number; options?: readonly number[]; totalLength?: number;
}
export function ipv4(o: Ip4Opts, payload: Bytes): Bytes {
  const opts = o.options ?? [];
  const ihl = 5 + Math.ceil(opts.length / 4);
  const optBytes = concat(opts, Array(ihl * 4 - 20 - opts.length).fill(0));
  const flags = (o.df ? 0x4000 : 0) | (o.mf ? 0x2000 : 0) | ((o.fragOffset ?? 0) >> 3);
  const hdr = concat(u8(0x40 | ihl), u8(o.tos ?? 0), u16(o.totalLength ?? ihl * 4 + payload.length), u16(o.id ?? 0x1234),
    u16(flags), u8(o.ttl ?? 64), u8(o.proto), u16(0), ip4(o.src), ip4(o.dst), optBytes);
  const c = checksum(hdr);
  hdr[10] = c >> 8; hdr[11] = c & 0xff;
  return concat(hdr, payload);
}
export interface Ip6Opts { src: string; dst: string; nh: number; hlim?: number; tclass?: number; flow?: number }
export function ipv6(o: Ip6Opts, payload: Bytes): Bytes {
  const tc = o.tclass ?? 0;
  return concat(u32((6 << 28) | (tc << 20) | (o.flow ?? 0)), u16(payload.length), u8(o.nh), u8(o.hlim ?? 64), ip6(o.src), ip6(o.dst), payload);
}
/** An IPv6 extension header (hop-by-hop, destination options, routing) padded to 8 bytes. */
export function ip6ext(nh: number, body: readonly number[]): Bytes {
  const len = Math.ceil((body.length + 2) / 8) * 8;
  const padded = concat(body, Array(len - 2 - body.length).fill(0));
  if (len - 2 - body.length >= 2) { padded[body.length] = 1; padded[body.length + 1] = len - 2 - body.length - 2; }
  else if (len - 2 - body.length === 1) padded[body.length] = 0;
  return concat(u8(nh), u8(len / 8 - 1), padded);
}
export function ip6frag(nh: number, offset: number, more: boolean, id: number): Bytes {
  return concat(u8(nh), u8(0), u16(offset | (more ? 1 : 0)), u32(id));
}

function pseudo4(src: string, dst: string, proto: number, len: number): number {
  const p = concat(ip4(src), ip4(dst), u8(0), u8(proto), u16(len));
  return ~checksum(p) & 0xffff;
}
function pseudo6(src: string, dst: string, proto: number, len: number): number {
  const p = concat(ip6(src), ip6(dst), u32(len), [0, 0, 0], u8(proto));
  return ~checksum(p) & 0xffff;
}
export type L3 = { v: 4; src: string; dst: string } | { v: 6; src: string; dst: string };
function l4sum(l3: L3, proto: number, seg: Bytes, at: number): Bytes {
  const init = l3.v === 4 ? pseudo4(l3.src, l3.dst, proto, seg.length) : pseudo6(l3.src, l3.dst, proto, seg.length);
  let c = checksum(seg, init);
  if (proto === 17 && c === 0) c = 0xffff;
  seg[at] = c >> 8; seg[at + 1] = c & 0xff;
  return seg;
}

export const TH = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16, URG: 32, ECE: 64, CWR: 128 } as const;
export interface TcpOpts { sport: number; dport: number; seq: number; ack?: number; flags: number; win?: number; urp?: number; options?: readonly number[] }
export function tcp(l3: L3, o: TcpOpts, payload: Bytes = new Uint8Array(0)): Bytes {
  const opts = o.options ?? [];
  const doff = 5 + Math.ceil(opts.length / 4);
  const seg = concat(u16(o.sport), u16(o.dport), u32(o.seq), u32(o.ack ?? 0), u8(doff << 4), u8(o.flags), u16(o.win ?? 64240), u16(0), u16(o.urp ?? 0),
    opts, Array(doff * 4 - 20 - opts.length).fill(1), payload);
  return l4sum(l3, 6, seg, 16);
}
export const tcpopt = {
  mss: (v: number) => [2, 4, ...u16(v)],
  nop: () => [1],
  wscale: (v: number) => [3, 3, v],
  sackOk: () => [4, 2],
  ts: (a: number, b: number) => [8, 10, ...u32(a), ...u32(b)],
  sack: (...edges: number[]) => [5, 2 + edges.length * 4, ...edges.flatMap(u32)],
};
export function udp(l3: L3, sport: number, dport: number, payload: Bytes): Bytes {
  const seg = concat(u16(sport), u16(dport), u16(8 + payload.length), u16(0), payload);
  return l4sum(l3, 17, seg, 6);
}
export function icmp(type: number, code: number, rest: readonly number[], payload: Bytes = new Uint8Array(0)): Bytes {
  const m = concat(u8(type), u8(code), u16(0), rest, payload);
  const c = checksum(m);
  m[2] = c >> 8; m[3] = c & 0xff;
  return m;
}
export function icmp6(l3: L3, type: number, code: number, body: Bytes): Bytes {
  const m = concat(u8(type), u8(code), u16(0), body);
  return l4sum(l3, 58, m, 2);
}
export function igmp(type: number, maxResp: number, group: string): Bytes {
  const m = concat(u8(type), u8(maxResp), u16(0), ip4(group));
  const c = checksum(m);
  m[2] = c >> 8; m[3] = c & 0xff;
  return m;
}
export function arp(op: number, sha: string, spa: string, tha: string, tpa: string): Bytes {
  return concat(u16(1), u16(0x0800), u8(6), u8(4), u16(op), mac(sha), ip4(spa), mac(tha), ip4(tpa));
}

/** DNS names as labels. */
export function dnsName(name: string): number[] {
  if (name === '.' || name === '') return [0];
  return [...name.replace(/\.$/, '').split('.').flatMap((l) => [l.length, ...ascii(l)]), 0];
}
export interface DnsRR { name: string; type: number; cls?: number; ttl?: number; rdata: readonly number[] }
export interface DnsMsg { id: number; flags: number; qd: readonly { name: string; type: number; cls?: number }[]; an?: readonly DnsRR[]; ns?: readonly DnsRR[]; ar?: readonly DnsRR[] }
export function dns(m: DnsMsg): Bytes {
  const rr = (r: DnsRR) => [...dnsName(r.name), ...u16(r.type), ...u16(r.cls ?? 1), ...u32(r.ttl ?? 300), ...u16(r.rdata.length), ...r.rdata];
  return concat(u16(m.id), u16(m.flags), u16(m.qd.length), u16(m.an?.length ?? 0), u16(m.ns?.length ?? 0), u16(m.ar?.length ?? 0),
    m.qd.flatMap((q) => [...dnsName(q.name), ...u16(q.type), ...u16(q.cls ?? 1)]),
    (m.an ?? []).flatMap(rr), (m.ns ?? []).flatMap(rr), (m.ar ?? []).flatMap(rr));
}
