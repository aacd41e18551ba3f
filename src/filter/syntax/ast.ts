/**
 * The syntax tree of a pcap-filter expression. libpcap's implicit qualifiers (`host a or b`,
 * `not tcp port 22 and host x`) are resolved by the parser: every `id` node carries the
 * qualifiers that apply to it, so code generation never looks back.
 */

export type ProtoQual =
  | 'default' | 'link' | 'ip' | 'arp' | 'rarp' | 'sctp' | 'tcp' | 'udp' | 'icmp' | 'igmp' | 'igrp'
  | 'pim' | 'vrrp' | 'carp' | 'atalk' | 'aarp' | 'decnet' | 'lat' | 'sca' | 'moprc' | 'mopdl'
  | 'ip6' | 'icmp6' | 'ah' | 'esp' | 'iso' | 'esis' | 'isis' | 'l1' | 'l2' | 'iih' | 'lsp'
  | 'snp' | 'csnp' | 'psnp' | 'clnp' | 'stp' | 'ipx' | 'netbeui' | 'radio' | 'undef';
export type DirQual = 'default' | 'src' | 'dst' | 'or' | 'and' | 'addr1' | 'addr2' | 'addr3' | 'addr4' | 'ra' | 'ta' | 'undef';
export type AddrQual = 'default' | 'host' | 'net' | 'port' | 'portrange' | 'gateway' | 'proto' | 'protochain' | 'undef';

export interface Qualifiers {
  readonly proto: ProtoQual;
  readonly dir: DirQual;
  readonly addr: AddrQual;
}

export const QERR: Qualifiers = Object.freeze({ proto: 'undef', dir: 'undef', addr: 'undef' });

export interface Span { readonly start: number; readonly end: number }

export type IdValue =
  | { readonly type: 'name'; readonly name: string }
  | { readonly type: 'num'; readonly value: number }
  | { readonly type: 'ipv4'; readonly text: string }
  | { readonly type: 'ipv4-prefix'; readonly text: string; readonly prefix: number }
  | { readonly type: 'ipv4-mask'; readonly text: string; readonly mask: string }
  | { readonly type: 'ipv6'; readonly text: string; readonly prefix: number }
  | { readonly type: 'mac'; readonly text: string }
  | { readonly type: 'arcnet'; readonly text: string };

export type Arth =
  | { readonly kind: 'num'; readonly value: number }
  | { readonly kind: 'len' }
  | { readonly kind: 'load'; readonly proto: ProtoQual; readonly index: Arth; readonly size: number }
  | { readonly kind: 'bin'; readonly op: 'add' | 'sub' | 'mul' | 'div' | 'mod' | 'and' | 'or' | 'xor' | 'lsh' | 'rsh'; readonly left: Arth; readonly right: Arth }
  | { readonly kind: 'neg'; readonly operand: Arth };

export type Expr =
  | { readonly kind: 'and' | 'or'; readonly left: Expr; readonly right: Expr; readonly span: Span }
  | { readonly kind: 'not'; readonly operand: Expr; readonly span: Span }
  | { readonly kind: 'id'; readonly q: Qualifiers; readonly value: IdValue; readonly span: Span }
  | { readonly kind: 'proto'; readonly proto: ProtoQual; readonly span: Span }
  | { readonly kind: 'relation'; readonly op: 'gt' | 'ge' | 'eq'; readonly reversed: boolean; readonly left: Arth; readonly right: Arth; readonly span: Span }
  | { readonly kind: 'broadcast' | 'multicast'; readonly proto: ProtoQual; readonly span: Span }
  | { readonly kind: 'less' | 'greater'; readonly value: number; readonly span: Span }
  | { readonly kind: 'byte'; readonly index: number; readonly op: string; readonly value: number; readonly span: Span }
  | { readonly kind: 'inbound' | 'outbound'; readonly span: Span }
  | { readonly kind: 'ifindex'; readonly value: number; readonly span: Span }
  | { readonly kind: 'vlan' | 'mpls' | 'pppoes' | 'geneve'; readonly value: number | undefined; readonly span: Span }
  | { readonly kind: 'pppoed'; readonly span: Span }
  | { readonly kind: 'llc'; readonly subtype: string | undefined; readonly span: Span }
  | { readonly kind: 'wlan-type'; readonly value: number; readonly mask: number; readonly span: Span }
  | { readonly kind: 'wlan-dir'; readonly value: number; readonly span: Span }
  | { readonly kind: 'unsupported'; readonly what: string; readonly span: Span };

/** A whole program: `undefined` for the empty expression (accept everything). */
export type FilterAst = Expr | undefined;
