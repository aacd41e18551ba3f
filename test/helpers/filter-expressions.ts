/**
 * Seeded random pcap-filter expressions: the generator of test/filter/random-expressions.test.ts,
 * shared with scripts/classify-optimizer-longer.ts so that both see the same expressions for a seed.
 */
import type { Prng } from './prng.js';

/** Primitives of every layer (link, network, transport, byte tests, vlan/mpls/pppoes shifts). */
export const PRIMS: readonly string[] = [
  'ip', 'ip6', 'arp', 'tcp', 'udp', 'icmp', 'icmp6', 'sctp', 'igmp', 'vlan', 'vlan 5', 'mpls', 'pppoes',
  'host 10.0.0.1', 'src host 192.168.1.1', 'dst host 1.2.3.4', 'net 10.0.0.0/8', 'src net 192.168.0.0/16',
  'ip6 host 2001:db8::1', 'ip6 net fe80::/10', 'port 80', 'tcp port 22', 'udp port 53', 'src port 1000',
  'dst portrange 1000-2000', 'ip proto 17', 'ip6 proto 6', 'less 80', 'greater 100', 'ether broadcast',
  'ether multicast', 'ip multicast', 'ether host 00:11:22:33:44:55', 'ether proto 0x0806',
  'tcp[tcpflags] & tcp-syn != 0', 'tcp[13] = 18', 'icmp[icmptype] = icmp-echo', 'ip[8] < 64', 'ip[0] & 0xf > 5',
  'udp[2:2] = 53', 'len > 60', 'ip[2:2] - 20 > 40', 'ip[9] = 6 or ip[9] = 17', 'stp', 'ipx', 'iso',
];

/** A random expression of PRIMS nested up to `depth` levels of not/and/or (both spellings, with and without parentheses). */
export function randomExpr(r: Prng, depth: number): string {
  if (depth <= 0 || r.bool(0.35)) return r.pick(PRIMS);
  switch (r.int(4)) {
    case 0: return `not ${randomExpr(r, depth - 1)}`;
    case 1: return `(${randomExpr(r, depth - 1)} and ${randomExpr(r, depth - 1)})`;
    case 2: return `(${randomExpr(r, depth - 1)} or ${randomExpr(r, depth - 1)})`;
    default: return `${randomExpr(r, depth - 1)} ${r.pick(['and', 'or', '&&', '||'])} ${randomExpr(r, depth - 1)}`;
  }
}
