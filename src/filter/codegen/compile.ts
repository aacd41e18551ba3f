/**
 * AST → block graph. Walks the tree left to right, bottom up — the order in which libpcap's
 * yacc actions run — so that scratch registers and the offset shifts of `vlan`/`mpls`/`pppoes`
 * happen in the same order as in libpcap. Also the name/number/mask/MAC dispatch
 * (gen_scode, gen_ncode, gen_mcode, gen_mcode6, gen_ecode).
 */
import { BPF_B, BPF_H } from '../../cbpf/opcodes.js';
import { genAnd, genNot, genOr, backpatch, type Block } from '../ir/block.js';
import type { Gen } from './context.js';
import type { Expr, IdValue, Qualifiers } from '../syntax/ast.js';
import { parseIpv6 } from '../syntax/lexer.js';
import { wlanPrologue, wlanDataFrame } from './wlan.js';
import { genProtochain } from './protochain.js';
import { genGeneve } from './geneve.js';
import { genArth, genRelation, genLen, genByteop } from './arith.js';
import { genHost, genHost6, genPortBoth, genProto, genProtoAbbrev, genIpBroadcast, genIpMulticast, IPPROTO, PROTO_UNDEF } from './ip.js';
import {
  describeLink, genEtherHost, genLinkBroadcast, genLinkMulticast, genInbound, genIfindex, genVlan, genMpls, genPppoed, genPppoes, genLinktype,
  genAhostop,
} from './link.js';

/** libpcap's __pcap_atoin: dotted decimal with 1–4 parts; returns [value, bits] or undefined. */
function atoin(text: string): [number, number] | undefined {
  let addr = 0;
  let len = 0;
  for (const part of text.split('.')) {
    if (!/^[0-9]+$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    addr = ((addr << 8) | n) >>> 0;
    len += 8;
  }
  return [addr, len];
}

function parseMac(text: string): Uint8Array {
  let hex: string[];
  if (/^[0-9A-Fa-f]{12}$/.test(text)) hex = text.match(/../g)!;
  else if (/^[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}$/.test(text)) hex = text.replace(/\./g, '').match(/../g)!;
  else hex = text.split(/[:.-]/);
  return Uint8Array.from(hex.map((h) => parseInt(h, 16)));
}

function portProto(g: Gen, q: Qualifiers): number {
  switch (q.proto) {
    case 'udp': return IPPROTO.UDP;
    case 'tcp': return IPPROTO.TCP;
    case 'sctp': return IPPROTO.SCTP;
    case 'default': return PROTO_UNDEF;
    default: g.error(q.addr === 'portrange' ? "illegal qualifier of 'portrange'" : "illegal qualifier of 'port'");
  }
}

/** pcap_nametoport: tcp, then udp; both with the same number means "any". */
function nameToPort(g: Gen, name: string): [number, number] | undefined {
  const tcp = g.resolver.service(name, 'tcp');
  const udp = g.resolver.service(name, 'udp');
  if (tcp !== undefined) return [tcp, udp === tcp ? PROTO_UNDEF : IPPROTO.TCP];
  if (udp !== undefined) return [udp, IPPROTO.UDP];
  if (/^[0-9]+$/.test(name)) return [Number(name), PROTO_UNDEF];
  return undefined;
}

function checkRealProto(g: Gen, q: Qualifiers, name: string, real: number, what = 'port'): number {
  const names: Record<number, string> = { [IPPROTO.TCP]: 'tcp', [IPPROTO.UDP]: 'udp', [IPPROTO.SCTP]: 'sctp' };
  const want = q.proto === 'udp' ? IPPROTO.UDP : q.proto === 'tcp' ? IPPROTO.TCP : q.proto === 'sctp' ? IPPROTO.SCTP : undefined;
  if (want === undefined) return real;
  if (real !== PROTO_UNDEF && real !== want) g.error(`${what} '${name}' is ${names[real]}`);
  return want;
}

function lookupProto(g: Gen, name: string, q: Qualifiers): number {
  switch (q.proto) {
    case 'default': case 'ip': case 'ip6': {
      const v = g.resolver.protocol(name);
      if (v === undefined) g.error(`unknown ip proto '${name}'`);
      return v;
    }
    case 'link': {
      const ether: Record<string, number> = { aarp: 0x80f3, arp: 0x0806, atalk: 0x809b, decnet: 0x6003, ip: 0x0800, ip6: 0x86dd, lat: 0x6004, loopback: 0x9000, mopdl: 0x6001, moprc: 0x6002, rarp: 0x8035, sca: 0x6007 };
      const llc: Record<string, number> = { iso: 0xfe, stp: 0x42, ipx: 0xe0, netbeui: 0xf0 };
      const v = ether[name] ?? llc[name];
      if (v === undefined) g.error(`unknown ether proto '${name}'`);
      return v;
    }
    case 'iso': {
      const v = ({ esis: 0x82, isis: 0x83, clnp: 0x81 } as Record<string, number>)[name];
      if (v === undefined) g.error(`unknown osi proto '${name}'`);
      return v;
    }
    default: return -1;
  }
}

function genScode(g: Gen, name: string, q: Qualifiers): Block {
  switch (q.addr) {
    case 'net': {
      let addr = g.resolver.network(name);
      if (addr === undefined) g.error(`unknown network '${name}'`);
      let mask = 0xffffffff;
      while (addr && (addr & 0xff000000) === 0) { addr = (addr << 8) >>> 0; mask = (mask << 8) >>> 0; }
      return genHost(g, addr, mask, q.proto, q.dir, q.addr);
    }
    case 'default': case 'host': {
      if (q.proto === 'link') {
        if (g.curLink !== 'EN10MB' && !g.isWlan) g.error('only ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel supports link-level host name');
        const mac = g.resolver.etherHost(name);
        if (!mac) g.error(`unknown ether host '${name}'`);
        return genEtherHost(g, mac, q.dir);
      }
      // libpcap built without DECnet name support (as Debian's is) cannot translate names.
      if (q.proto === 'decnet') g.error(`decnet name support not included, '${name}' cannot be translated`);
      const addrs = g.resolver.hostAddresses(name);
      if (addrs.length === 0) g.error(`unknown host '${name}'`);
      let tproto = q.proto;
      let tproto6 = q.proto;
      if (g.noLinktype && tproto === 'default') { tproto = 'ip'; tproto6 = 'ip6'; }
      let b: Block | undefined;
      for (const a of addrs) {
        let tmp: Block;
        if (a.family === 4) {
          if (tproto === 'ip6') continue;
          tmp = genHost(g, a.addr, 0xffffffff, tproto, q.dir, q.addr);
        } else {
          if (tproto6 === 'ip') continue;
          tmp = genHost6(g, a.bytes, new Uint8Array(16).fill(0xff), tproto6, q.dir, q.addr);
        }
        if (b) genOr(b, tmp);
        b = tmp;
      }
      if (!b) g.error(`unknown host '${name}'${q.proto === 'default' ? '' : ' for specified address family'}`);
      return b;
    }
    case 'port': {
      if (!['default', 'udp', 'tcp', 'sctp'].includes(q.proto)) g.error("illegal qualifier of 'port'");
      const r = nameToPort(g, name);
      if (!r) g.error(`unknown port '${name}'`);
      const real = checkRealProto(g, q, name, r[1]);
      if (r[0] > 65535) g.error(`illegal port number ${r[0]} > 65535`);
      return genPortBoth(g, r[0], undefined, real, q.dir);
    }
    case 'portrange': {
      if (!['default', 'udp', 'tcp', 'sctp'].includes(q.proto)) g.error("illegal qualifier of 'portrange'");
      // pcap_nametoportrange splits at the first '-'.
      const m = /^([^-]*)-(.*)$/.exec(name);
      const a = m ? nameToPort(g, m[1]!) : undefined;
      const b = m ? nameToPort(g, m[2]!) : undefined;
      if (!m) g.error(`invalid port range '${name}'`);
      if (!a || !b) g.error(`unknown port in range '${name}'`);
      const real = checkRealProto(g, q, name, a[1] === b[1] ? a[1] : PROTO_UNDEF, 'port range');
      if (a[0] > 65535 || b[0] > 65535) g.error(`illegal port number ${Math.max(a[0], b[0])} > 65535`);
      return genPortBoth(g, a[0], b[0], real, q.dir);
    }
    // libpcap built with IPv6 (INET6, as every current build is) rejects `gateway NAME` before
    // looking the name up (gen_gateway exists only in IPv4-only builds).
    case 'gateway': g.error("'gateway' not supported in this configuration");
    case 'proto': {
      const v = lookupProto(g, name, q);
      if (v < 0) g.error(`unknown protocol: ${name}`);
      return genProto(g, v, q.proto, q.dir);
    }
    case 'protochain': {
      const v = lookupProto(g, name, q);
      if (v < 0) g.error(`unknown protocol: ${name}`);
      return genProtochain(g, v, q.proto);
    }
    case 'undef':
      g.error('syntax error in filter expression');
  }
}

function genNcode(g: Gen, text: string | undefined, v: number, q: Qualifiers): Block {
  let vlen = 32;
  if (text !== undefined && q.proto === 'decnet') {
    // `area.node`: a 6-bit area and a 10-bit node (libpcap's __pcap_atodn, sscanf "%d.%d").
    const m = /^(\d+)\.(\d+)/.exec(text);
    if (!m) g.error(`malformed decnet address '${text}'`);
    v = (((Number(m[1]) << 10) & 0xfc00) | (Number(m[2]) & 0x3ff)) >>> 0;
  } else if (text !== undefined) {
    const r = atoin(text);
    if (!r) g.error(`invalid IPv4 address '${text}'`);
    [v, vlen] = r;
  }
  switch (q.addr) {
    case 'default': case 'host': case 'net': {
      if (q.proto === 'decnet') return genHost(g, v >>> 0, 0, q.proto, q.dir, q.addr);
      if (q.proto === 'link') g.error('illegal link layer address');
      let mask = 0xffffffff;
      if (text === undefined && q.addr === 'net') {
        while (v && (v & 0xff000000) === 0) { v = (v << 8) >>> 0; mask = (mask << 8) >>> 0; }
      } else {
        v = vlen === 0 ? 0 : vlen === 32 ? v : (v << (32 - vlen)) >>> 0;
        mask = vlen === 0 ? 0 : vlen === 32 ? mask : (mask << (32 - vlen)) >>> 0;
      }
      return genHost(g, v >>> 0, mask >>> 0, q.proto, q.dir, q.addr);
    }
    case 'port': {
      const p = portProto(g, q);
      if (v > 65535) g.error(`illegal port number ${v} > 65535`);
      return genPortBoth(g, v, undefined, p, q.dir);
    }
    case 'portrange': {
      const p = portProto(g, q);
      if (v > 65535) g.error(`illegal port number ${v} > 65535`);
      return genPortBoth(g, v, v, p, q.dir);
    }
    case 'gateway': g.error("'gateway' requires a name");
    case 'proto': return genProto(g, v, q.proto, q.dir);
    case 'protochain': return genProtochain(g, v, q.proto);
    case 'undef': g.error('syntax error in filter expression');
  }
}

function genMcode(g: Gen, text: string, maskText: string | undefined, masklen: number, q: Qualifiers): Block {
  const r = atoin(text);
  if (!r) g.error(`invalid IPv4 address '${text}'`);
  const n = r[1] === 32 ? r[0] : (r[0] << (32 - r[1])) >>> 0;
  let m: number;
  if (maskText !== undefined) {
    const mr = atoin(maskText);
    if (!mr) g.error(`invalid IPv4 address '${maskText}'`);
    m = mr[1] === 32 ? mr[0] : (mr[0] << (32 - mr[1])) >>> 0;
    if ((n & ~m) !== 0) g.error(`non-network bits set in "${text} mask ${maskText}"`);
  } else {
    if (masklen > 32) g.error('mask length must be <= 32');
    m = masklen === 0 ? 0 : (0xffffffff << (32 - masklen)) >>> 0;
    if ((n & ~m) !== 0) g.error(`non-network bits set in "${text}/${masklen}"`);
  }
  if (q.addr !== 'net') g.error('Mask syntax for networks only');
  return genHost(g, n, m, q.proto, q.dir, q.addr);
}

function genMcode6(g: Gen, text: string, masklen: number, q: Qualifiers): Block {
  const addr = parseIpv6(text);
  if (!addr) g.error(`invalid ip6 address ${text}`);
  if (masklen > 128) g.error('mask length must be <= 128');
  const mask = new Uint8Array(16);
  mask.fill(0xff, 0, masklen >> 3);
  if (masklen % 8) mask[masklen >> 3] = (0xff << (8 - (masklen % 8))) & 0xff;
  if (addr.some((b, i) => (b & ~mask[i]!) !== 0)) g.error(`non-network bits set in "${text}/${masklen}"`);
  switch (q.addr) {
    case 'default': case 'host':
      if (masklen !== 128) g.error('Mask syntax for networks only');
      return genHost6(g, addr, mask, q.proto, q.dir, q.addr);
    case 'net': return genHost6(g, addr, mask, q.proto, q.dir, q.addr);
    default: g.error('invalid qualifier against IPv6 address');
  }
}

function genEcode(g: Gen, text: string, q: Qualifiers): Block {
  if ((q.addr === 'host' || q.addr === 'default') && q.proto === 'link') return genEtherHost(g, parseMac(text), q.dir);
  if (q.addr === 'undef') g.error('syntax error in filter expression');
  g.error('ethernet address used in non-ether expression');
}

function genId(g: Gen, v: IdValue, q: Qualifiers): Block {
  switch (v.type) {
    case 'name': return genScode(g, v.name, q);
    case 'num': return genNcode(g, undefined, v.value, q);
    case 'ipv4': return genNcode(g, v.text, 0, q);
    case 'ipv4-prefix': return genMcode(g, v.text, undefined, v.prefix, q);
    case 'ipv4-mask': return genMcode(g, v.text, v.mask, 0, q);
    case 'ipv6': return genMcode6(g, v.text, v.prefix, q);
    case 'mac': return genEcode(g, v.text, q);
    case 'arcnet': {
      if (g.curLink !== 'ARCNET' && g.curLink !== 'ARCNET_LINUX') g.error('aid supported only on ARCnet');
      if (q.proto !== 'link' || (q.addr !== 'host' && q.addr !== 'default')) g.error('ARCnet address used in non-arc expression');
      // libpcap's __pcap_atoan is handed the text with its `$`, which it reads as a hex digit
      // (xdtoi('$') = -19) before the first digit; the second digit falls off the byte.
      const d = parseInt(v.text[1]!, 16);
      return genAhostop(g, (-19 * 16 + d) & 0xff, q.dir);
    }
  }
}

export function genExpr(g: Gen, e: Expr): Block {
  switch (e.kind) {
    case 'and': case 'or': {
      const b0 = genExpr(g, e.left);
      const b1 = genExpr(g, e.right);
      if (e.kind === 'and') genAnd(b0, b1); else genOr(b0, b1);
      return b1;
    }
    case 'not': { const b = genExpr(g, e.operand); genNot(b); return b; }
    case 'id': return genId(g, e.value, e.q);
    case 'proto': return genProtoAbbrev(g, e.proto);
    case 'relation': return genRelation(g, e.op, e.left, e.right, e.reversed);
    case 'broadcast':
      if (e.proto === 'default' || e.proto === 'link') return genLinkBroadcast(g);
      if (e.proto === 'ip') return genIpBroadcast(g);
      g.error('only link-layer/IP broadcast filters supported');
    case 'multicast':
      if (e.proto === 'default' || e.proto === 'link') return genLinkMulticast(g);
      if (e.proto === 'ip') return genIpMulticast(g, false);
      if (e.proto === 'ip6') return genIpMulticast(g, true);
      g.error('link-layer multicast filters supported only on ethernet/FDDI/token ring/ARCNET/802.11/ATM LANE/Fibre Channel');
    case 'less': { const b = genLen(g, 'gt', e.value); genNot(b); return b; }
    case 'greater': return genLen(g, 'ge', e.value);
    case 'byte': return genByteop(g, e.op, e.index, e.value);
    case 'inbound': return genInbound(g, false);
    case 'outbound': return genInbound(g, true);
    case 'ifindex': return genIfindex(g, e.value);
    case 'vlan': return genVlan(g, e.value);
    case 'mpls': return genMpls(g, e.value);
    case 'pppoed': return genPppoed(g);
    case 'pppoes': return genPppoes(g, e.value);
    case 'geneve': return genGeneve(g, e.value);
    case 'llc': return genLlc(g, e.subtype);
    case 'wlan-type':
      if (!g.isWlan) g.error('802.11 link-layer types supported only on 802.11');
      return g.mcmp('linkhdr', 0, BPF_B, e.value, e.mask);
    case 'wlan-dir':
      if (!g.isWlan) g.error('frame direction supported only with 802.11 headers');
      return g.mcmp('linkhdr', 1, BPF_B, e.value, 0x03);
    case 'unsupported': g.error(unsupportedMessage(e.what));
  }
}

/** `llc [i|s|u|SUBTYPE]`: 802.2 LLC frames and their control field. */
function genLlc(g: Gen, subtype: string | undefined): Block {
  const t = subtype?.toLowerCase();
  const sTypes: Record<string, number> = { rr: 0x01, rnr: 0x05, rej: 0x09 };
  const uTypes: Record<string, number> = { ui: 0x03, ua: 0x63, disc: 0x43, dm: 0x0f, sabme: 0x6f, test: 0xe3, xid: 0xaf, frmr: 0x87 };
  // The grammar checks the name before any code is generated.
  if (t !== undefined && !['i', 's', 'u'].includes(t) && sTypes[t] === undefined && uTypes[t] === undefined) g.error(`unknown LLC type name "${subtype}"`);
  let b0: Block;
  if (g.curLink === 'EN10MB') {
    b0 = g.cmpGt('linktype', 0, BPF_H, 1500); genNot(b0);
    const b1 = g.cmp('llc', 0, BPF_H, 0xffff); genNot(b1);
    genAnd(b0, b1);
    b0 = b1;
  } else if (g.isWlan) b0 = wlanDataFrame(g);
  else g.error(`'llc' not supported for ${describeLink(g)}`);
  if (t === undefined) return b0;
  let b1: Block;
  if (t === 'i') { b1 = g.jset(g.loadA('llc', 2, BPF_B), 0x01); genNot(b1); }
  else if (t === 's') b1 = g.mcmp('llc', 2, BPF_B, 0x01, 0x03);
  else if (t === 'u') b1 = g.mcmp('llc', 2, BPF_B, 0x03, 0x03);
  else if (sTypes[t] !== undefined) b1 = g.mcmp('llc', 2, BPF_B, sTypes[t]!, 0x0f);
  else if (uTypes[t] !== undefined) b1 = g.mcmp('llc', 2, BPF_B, uTypes[t]!, 0xef);
  else g.error(`unknown LLC type name "${subtype}"`);
  genAnd(b0, b1);
  return b1;
}

/** libpcap's messages for ATM, MTP2/MTP3 and pf primitives on other link types. */
function unsupportedMessage(what: string): string {
  const pf: Record<string, string> = { PF_IFNAME: 'ifname', PF_RSET: 'ruleset', PF_RNR: 'rnr', PF_SRNR: 'srnr', PF_REASON: 'reason', PF_ACTION: 'action' };
  if (pf[what]) return `${pf[what]} supported only on PF linktype`;
  const name = what.toLowerCase();
  if (['fisu', 'lssu', 'msu'].includes(name)) return `'${name}' supported only on MTP2`;
  if (['hfisu', 'hlssu', 'hmsu'].includes(name)) return `'${name}' supported only on MTP2_HSL`;
  // The high-speed-link variants share gen_mtp3field_code's message without their `h`.
  if (['sio', 'opc', 'dpc', 'sls', 'hsio', 'hopc', 'hdpc', 'hsls'].includes(name)) return `'${name.replace(/^h/, '')}' supported only on SS7`;
  return `'${name}' supported only on raw ATM`;
}

/** finish_parse: accept → `ret #snaplen`, reject → `ret #0`; the empty program accepts. */
export function finish(g: Gen, root: Block | undefined): Block {
  if (!root) return g.f.ret(g.snaplen);
  const prologue = wlanPrologue(g);
  if (prologue.length > 0) root.head.stmts = [...prologue, ...root.head.stmts];
  backpatch(root, g.f.ret(g.snaplen));
  root.sense = !root.sense;
  backpatch(root, g.f.ret(0));
  return root.head;
}

export { genArth, genLinktype, BPF_B };
