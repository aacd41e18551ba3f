/**
 * The pcap-filter lexer. It follows libpcap's scanner: keywords are lower case, the longest
 * match wins and, on a tie, the earlier rule (keyword, then number, then IPv4 host, MAC, IPv6,
 * then name). `len-1` is therefore one name, as in libpcap.
 */
import { FilterError } from '../errors.js';

export type TokenKind = 'kw' | 'num' | 'id' | 'hid' | 'hid6' | 'eid' | 'aid' | 'op' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Keyword class (`IP`, `LINK`, `AND`, ...), operator text, or the matched text. */
  readonly value: string;
  /** The matched source text. */
  readonly text: string;
  /** Numeric value of a `num` token. */
  readonly num: number;
  /** 0-based offset of the first character. */
  readonly start: number;
  readonly end: number;
}

/** Keyword spellings → token class, as in libpcap 1.10's scanner. */
const KEYWORDS: Readonly<Record<string, string>> = {
  dst: 'DST', src: 'SRC',
  link: 'LINK', ether: 'LINK', ppp: 'LINK', slip: 'LINK', fddi: 'LINK', tr: 'LINK', wlan: 'LINK',
  arp: 'ARP', rarp: 'RARP', ip: 'IP', sctp: 'SCTP', tcp: 'TCP', udp: 'UDP', icmp: 'ICMP',
  igmp: 'IGMP', igrp: 'IGRP', pim: 'PIM', vrrp: 'VRRP', carp: 'CARP', radio: 'RADIO',
  ip6: 'IPV6', icmp6: 'ICMPV6', ah: 'AH', esp: 'ESP',
  atalk: 'ATALK', aarp: 'AARP', decnet: 'DECNET', lat: 'LAT', sca: 'SCA', moprc: 'MOPRC', mopdl: 'MOPDL',
  iso: 'ISO', esis: 'ESIS', 'es-is': 'ESIS', isis: 'ISIS', 'is-is': 'ISIS',
  l1: 'L1', l2: 'L2', iih: 'IIH', lsp: 'LSP', snp: 'SNP', csnp: 'CSNP', psnp: 'PSNP',
  clnp: 'CLNP', stp: 'STP', ipx: 'IPX', netbeui: 'NETBEUI',
  host: 'HOST', net: 'NET', mask: 'NETMASK', port: 'PORT', portrange: 'PORTRANGE',
  proto: 'PROTO', protochain: 'PROTOCHAIN', gateway: 'GATEWAY',
  type: 'TYPE', subtype: 'SUBTYPE', direction: 'DIR', dir: 'DIR',
  address1: 'ADDR1', addr1: 'ADDR1', address2: 'ADDR2', addr2: 'ADDR2',
  address3: 'ADDR3', addr3: 'ADDR3', address4: 'ADDR4', addr4: 'ADDR4', ra: 'RA', ta: 'TA',
  less: 'LESS', greater: 'GREATER', byte: 'CBYTE', broadcast: 'TK_BROADCAST', multicast: 'TK_MULTICAST',
  and: 'AND', or: 'OR', not: '!', len: 'LEN', length: 'LEN',
  inbound: 'INBOUND', outbound: 'OUTBOUND', ifindex: 'IFINDEX',
  vlan: 'VLAN', mpls: 'MPLS', pppoed: 'PPPOED', pppoes: 'PPPOES', geneve: 'GENEVE',
  lane: 'LANE', llc: 'LLC', metac: 'METAC', bcc: 'BCC', oam: 'OAM', oamf4: 'OAMF4',
  oamf4ec: 'OAMF4EC', oamf4sc: 'OAMF4SC', sc: 'SC', ilmic: 'ILMIC', vpi: 'VPI', vci: 'VCI',
  connectmsg: 'CONNECTMSG', metaconnect: 'METACONNECT',
  on: 'PF_IFNAME', ifname: 'PF_IFNAME', rset: 'PF_RSET', ruleset: 'PF_RSET', rnr: 'PF_RNR',
  rulenum: 'PF_RNR', srnr: 'PF_SRNR', subrulenum: 'PF_SRNR', reason: 'PF_REASON', action: 'PF_ACTION',
  fisu: 'FISU', lssu: 'LSSU', lsu: 'LSSU', msu: 'MSU', hfisu: 'HFISU', hlssu: 'HLSSU', hmsu: 'HMSU',
  sio: 'SIO', opc: 'OPC', dpc: 'DPC', sls: 'SLS', hsio: 'HSIO', hopc: 'HOPC', hdpc: 'HDPC', hsls: 'HSLS',
};

/** Built-in names the scanner turns into numbers (offsets, types and flag bits). */
const NUMBER_NAMES: Readonly<Record<string, number>> = {
  icmptype: 0, icmpcode: 1,
  'icmp-echoreply': 0, 'icmp-unreach': 3, 'icmp-sourcequench': 4, 'icmp-redirect': 5, 'icmp-echo': 8,
  'icmp-routeradvert': 9, 'icmp-routersolicit': 10, 'icmp-timxceed': 11, 'icmp-paramprob': 12,
  'icmp-tstamp': 13, 'icmp-tstampreply': 14, 'icmp-ireq': 15, 'icmp-ireqreply': 16,
  'icmp-maskreq': 17, 'icmp-maskreply': 18,
  icmp6type: 0, icmp6code: 1,
  'icmp6-destinationunreach': 1, 'icmp6-packettoobig': 2, 'icmp6-timeexceeded': 3, 'icmp6-parameterproblem': 4,
  'icmp6-echo': 128, 'icmp6-echoreply': 129, 'icmp6-multicastlistenerquery': 130,
  'icmp6-multicastlistenerreportv1': 131, 'icmp6-multicastlistenerdone': 132,
  'icmp6-routersolicit': 133, 'icmp6-routeradvert': 134, 'icmp6-neighborsolicit': 135,
  'icmp6-neighboradvert': 136, 'icmp6-redirect': 137, 'icmp6-routerrenum': 138,
  'icmp6-nodeinformationquery': 139, 'icmp6-nodeinformationresponse': 140,
  'icmp6-ineighbordiscoverysolicit': 141, 'icmp6-ineighbordiscoveryadvert': 142,
  'icmp6-multicastlistenerreportv2': 143, 'icmp6-homeagentdiscoveryrequest': 144,
  'icmp6-homeagentdiscoveryreply': 145, 'icmp6-mobileprefixsolicit': 146,
  'icmp6-mobileprefixadvert': 147, 'icmp6-certpathsolicit': 148, 'icmp6-certpathadvert': 149,
  'icmp6-multicastrouteradvert': 151, 'icmp6-multicastroutersolicit': 152,
  'icmp6-multicastrouterterm': 153,
  tcpflags: 13, 'tcp-fin': 0x01, 'tcp-syn': 0x02, 'tcp-rst': 0x04, 'tcp-push': 0x08,
  'tcp-ack': 0x10, 'tcp-urg': 0x20, 'tcp-ece': 0x40, 'tcp-cwr': 0x80,
};

const TWO_CHAR_OPS: Readonly<Record<string, string>> = {
  '>=': 'GEQ', '<=': 'LEQ', '!=': 'NEQ', '==': '=', '<<': 'LSH', '>>': 'RSH', '&&': 'AND', '||': 'OR',
};
const ONE_CHAR_OPS = '+-*/%:[]!<>()&|^=';

const RE_NUM = /^(?:0[xX][0-9A-Fa-f]+|[0-9]+)/;
const RE_HID = /^(?:[0-9]+|0[xX][0-9A-Fa-f]+)(?:\.(?:[0-9]+|0[xX][0-9A-Fa-f]+)){1,3}/;
const RE_MAC =
  /^(?:[0-9A-Fa-f]{1,2}(?::[0-9A-Fa-f]{1,2}){5}|[0-9A-Fa-f]{1,2}(?:-[0-9A-Fa-f]{1,2}){5}|[0-9A-Fa-f]{1,2}(?:\.[0-9A-Fa-f]{1,2}){5}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}|[0-9A-Fa-f]{12})/;
const RE_V6 = /^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*/;
const RE_BOGUS_MAC = /^[0-9A-Fa-f]{1,2}:+(?:[0-9A-Fa-f]{1,2}:+)+/;
const RE_ID = /^[A-Za-z0-9](?:[-_.A-Za-z0-9]*[.A-Za-z0-9])?/;

/** libpcap's stoulen: 0x… hex, 0… octal, else decimal; values must fit in 32 bits. */
function parseNumber(text: string, start: number): number {
  let value: bigint;
  if (/^0[xX]/.test(text)) value = BigInt(text);
  else if (text.length > 1 && text[0] === '0') {
    if (/[89]/.test(text)) throw new FilterError(`number ${text} contains non-octal digit`, start + 1);
    value = BigInt(`0o${text.slice(1)}`);
  } else value = BigInt(text);
  if (value > 0xffffffffn) throw new FilterError(`number ${text} overflows 32 bits`, start + 1);
  return Number(value);
}

/** Parses an IPv6 address text into 16 bytes, or undefined when it is not one. */
export function parseIpv6(text: string): Uint8Array | undefined {
  let head = text;
  let v4: number[] | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    const parts = text.slice(lastColon + 1).split('.');
    if (parts.length !== 4 || parts.some((p) => !/^[0-9]{1,3}$/.test(p) || Number(p) > 255)) return undefined;
    v4 = parts.map(Number);
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string): number[] | undefined => {
    if (s === '') return [];
    const groups = s.split(':');
    if (groups.some((g) => !/^[0-9A-Fa-f]{1,4}$/.test(g))) return undefined;
    return groups.map((g) => parseInt(g, 16));
  };
  const left = parse(halves[0]!);
  const right = halves.length === 2 ? parse(halves[1]!) : [];
  if (!left || !right) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    if (left.length + right.length > 7) return undefined;
    groups = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  } else {
    if (left.length !== 8) return undefined;
    groups = left;
  }
  const out = new Uint8Array(16);
  groups.forEach((g, i) => { out[2 * i] = g >> 8; out[2 * i + 1] = g & 0xff; });
  if (v4) out.set(v4, 12);
  return out;
}

function tok(kind: TokenKind, value: string, text: string, start: number, num = 0): Token {
  return { kind, value, text, num, start, end: start + text.length };
}

export function tokenize(source: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') { i++; continue; }
    const rest = source.slice(i);
    const two = rest.slice(0, 2);
    if (TWO_CHAR_OPS[two] !== undefined) {
      const v = TWO_CHAR_OPS[two]!;
      out.push(tok(v === 'AND' || v === 'OR' ? 'kw' : 'op', v, two, i));
      i += 2;
      continue;
    }
    if (c === '\\') {
      const m = /^\\[^ !()\n\t]+/.exec(rest);
      if (m) { out.push(tok('id', m[0].slice(1), m[0], i)); i += m[0].length; continue; }
    }
    if (c === '$') {
      const m = /^\$[0-9A-Fa-f]{1,2}/.exec(rest);
      if (m) { out.push(tok('aid', m[0], m[0], i)); i += m[0].length; continue; }
    }
    // Candidates in scanner rule order; the longest wins, the earliest on a tie.
    const cands: { kind: TokenKind | 'bogus'; len: number }[] = [];
    const idm = RE_ID.exec(rest);
    if (idm && (KEYWORDS[idm[0]] !== undefined || NUMBER_NAMES[idm[0]] !== undefined)) cands.push({ kind: 'kw', len: idm[0].length });
    const num = RE_NUM.exec(rest); if (num) cands.push({ kind: 'num', len: num[0].length });
    const mac = RE_MAC.exec(rest); if (mac) cands.push({ kind: 'eid', len: mac[0].length });
    const hid = RE_HID.exec(rest); if (hid) cands.push({ kind: 'hid', len: hid[0].length });
    const v6 = RE_V6.exec(rest);
    if (v6) {
      // Shrink to the longest prefix that is a valid IPv6 address.
      for (let n = v6[0].length; n >= 2; n--) {
        if (parseIpv6(v6[0].slice(0, n))) { cands.push({ kind: 'hid6', len: n }); break; }
      }
    }
    const bogus = RE_BOGUS_MAC.exec(rest); if (bogus) cands.push({ kind: 'bogus', len: bogus[0].length });
    if (idm) cands.push({ kind: 'id', len: idm[0].length });
    if (cands.length > 0) {
      let best = cands[0]!;
      for (const cand of cands) if (cand.len > best.len) best = cand;
      const text = rest.slice(0, best.len);
      if (best.kind === 'bogus') throw new FilterError(`bogus ethernet address ${text}`, i + 1);
      if (best.kind === 'kw') {
        if (KEYWORDS[text] !== undefined) out.push(tok('kw', KEYWORDS[text]!, text, i));
        else out.push(tok('num', text, text, i, NUMBER_NAMES[text]!));
      } else if (best.kind === 'num') out.push(tok('num', text, text, i, parseNumber(text, i)));
      else out.push(tok(best.kind, text, text, i));
      i += best.len;
      continue;
    }
    if (ONE_CHAR_OPS.includes(c)) {
      out.push(tok(c === '!' ? 'kw' : 'op', c, c, i));
      i++;
      continue;
    }
    // libpcap's scanner returns an error token here, which its parser reports as a syntax error.
    throw new FilterError("can't parse filter expression: syntax error", i + 1);
  }
  out.push(tok('eof', '', '', source.length));
  return out;
}
