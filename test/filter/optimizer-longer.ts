/**
 * The corpus expressions whose optimized program is longer than libpcap's, each with a packet
 * on which libpcap's optimized program gives another verdict than its own unoptimized program
 * (so libpcap's shorter form is not equivalent, and ours, which gives the unoptimized verdict,
 * cannot simply take it). libpcap-equivalence.test.ts checks every entry on that packet
 * against tcpdump's programs and fails on a longer expression missing here, on an entry that is
 * no longer longer, and on one that got longer than `ours`.
 *
 * The packets were found among the test's generated packets (real frames, mutated and
 * truncated); `interpret` runs them without metadata.
 */

export interface LongerEntry {
  readonly linkType: string;
  readonly expr: string;
  /** Our optimized length now (the test fails if it grows) and libpcap's. */
  readonly ours: number;
  readonly libpcap: number;
  /** Hex bytes of a packet where libpcap's optimized and unoptimized programs disagree. */
  readonly packet: string;
  readonly reason: string;
}

const hosts59 = Array.from({ length: 59 }, (_, i) => `host 10.0.0.${i + 1}`).join(' or ');

// libpcap drops a load whose value an `and #0` (or a /0 mask) made unused; the unoptimized
// program still loads it, so a frame that ends before that word is rejected there and accepted
// by libpcap's optimized program. Ours keeps that load (with no jump of its own).
const DROPPED_WORD = 'libpcap drops the unused load of an address word past the tested prefix; the frame ends inside that word (unoptimized: 0)';
// libpcap's or-pullup tests every alternative against the source before the destination is
// loaded; a frame that ends inside the destination field whose source matches a later
// alternative is rejected by the unoptimized program (the destination load fails first) and
// accepted by libpcap's. Equivalent: test the first alternative, load the destination, test it
// against all, reload the source for the rest — one load more per address family.
const PULLUP = 'libpcap tests a later alternative on the source before the destination load; the frame ends inside the destination field (unoptimized: 0)';

export const LONGER_THAN_LIBPCAP: readonly LongerEntry[] = [
  { linkType: 'EN10MB', expr: 'ip6 src net fe80::/10', ours: 8, libpcap: 7, packet: 'ffffffffffff00112233445586dd11002a1d00380057fe800000', reason: DROPPED_WORD },
  { linkType: 'RAW', expr: 'ip6 src net fe80::/10', ours: 9, libpcap: 8, packet: '60000000001c2c40fe800001', reason: DROPPED_WORD },
  { linkType: 'NULL', expr: 'ip6 src net fe80::/10', ours: 8, libpcap: 7, packet: '0a00000060000000001c2c40fe800000', reason: DROPPED_WORD },
  { linkType: 'LOOP', expr: 'ip6 src net fe80::/10', ours: 8, libpcap: 7, packet: '0000000a60000000001c2c40fe800000', reason: DROPPED_WORD },
  { linkType: 'LINUX_SLL', expr: 'ip6 src net fe80::/10', ours: 8, libpcap: 7, packet: '000100010006001122334455000086dd4500001c12340000fe80000100000001', reason: DROPPED_WORD },
  { linkType: 'LINUX_SLL2', expr: 'ip6 src net fe80::/10', ours: 8, libpcap: 7, packet: '86dd0000000000030001030600112233445500006000000000188440fe8000000000', reason: DROPPED_WORD },
  { linkType: 'PPP', expr: 'ip6 src net fe80::/10', ours: 8, libpcap: 7, packet: 'ff03005760000000001c2c40fe800000', reason: DROPPED_WORD },
  { linkType: 'EN10MB', expr: 'ip6 dst net ff00::/8', ours: 8, libpcap: 7, packet: '00112233445501020304050686dd4500001c123400004002dfaa7f0000010a000001160009feff000001', reason: DROPPED_WORD },
  { linkType: 'EN10MB', expr: 'ip6 net ::/0', ours: 5, libpcap: 4, packet: 'ffffffffffff00112233445586dd45', reason: DROPPED_WORD },
  { linkType: 'EN10MB', expr: 'ip6 net 2001:db8::/32', ours: 10, libpcap: 8, packet: 'ffffffffffff01005e00000186dd023608004500002820010db840067e940a0000', reason: DROPPED_WORD },
  { linkType: 'EN10MB', expr: 'net 2001:db8::/64', ours: 14, libpcap: 12, packet: '333300000001ffffffffffff86dd600000000046114020010db80000000000000000000000', reason: DROPPED_WORD },
  { linkType: 'EN10MB', expr: 'host 1.2.3.4 or 1.2.3.5', ours: 20, libpcap: 17, packet: 'ffffffffffff00112233445508004500002c1234000040335a6501020305', reason: PULLUP },
  { linkType: 'EN10MB', expr: 'host (1.2.3.4 or 1.2.3.5)', ours: 20, libpcap: 17, packet: 'ffffffffffff00112233445508004500002c1234000040335a6501020305', reason: PULLUP },
  { linkType: 'EN10MB', expr: hosts59, ours: 191, libpcap: 188, packet: '01005e0000010102030405068035071d810006b90800450000240a000a00003600', reason: PULLUP },
  { linkType: 'EN10MB', expr: 'tcp and (port 80 or port 443) and not src net 10.0.0.0/8', ours: 29, libpcap: 27, packet: '01005e00000133330000000186dd6000000000140640fe800000000000000000000000000001ff02000000000000000000000000000101bb03', reason: PULLUP },
];
