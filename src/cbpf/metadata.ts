/**
 * What a classic filter can see besides the packet bytes: the Linux socket-buffer fields read
 * by ancillary loads (`ld [SKF_AD_OFF + n]`, bpf_asm `#proto`, `#ifidx`, ...), the wire length
 * read by `ld #len`, and where the network header starts for `SKF_NET_OFF` loads.
 *
 * The packet model (shared by the interpreter and the JIT):
 * - the packet bytes start at the link layer (like a capture, or skb->data on a packet
 *   socket); loads with a non-negative offset and `SKF_LL_OFF + n` both read `packet[n]`;
 * - `SKF_NET_OFF + n` reads `packet[networkOffset + n]` (networkOffset defaults to 0, the
 *   packet then starts at the network header as on an AF_INET raw socket);
 * - a load is in bounds only inside `packet` (the captured bytes); `wireLength` may be larger
 *   and only changes what `ld #len` / `ldx #len` see (libpcap's wirelen vs buflen).
 *
 * Every field is read as the kernel's converted classic program reads it (net/core/filter.c,
 * convert_bpf_extensions): the value given here is what lands in A, truncated to the width of
 * the skb field. Missing fields read as 0.
 */
export interface PacketMeta {
  /** BPF_LEN / `#len` (skb->len); default `packet.length`. */
  wireLength?: number;
  /**
   * SKF_AD_PROTOCOL (`#proto`): the skb protocol as the filter sees it, i.e. the EtherType as
   * a number (0x0800 for IPv4, 0x86dd for IPv6). The kernel stores it big-endian in skb->protocol
   * and byte-swaps it on load (ntohs), so A receives exactly this number. 16 bits.
   */
  protocol?: number;
  /** SKF_AD_PKTTYPE (`#type`): PACKET_HOST 0, BROADCAST 1, MULTICAST 2, OTHERHOST 3, OUTGOING 4. 3 bits. */
  pktType?: number;
  /** SKF_AD_IFINDEX (`#ifidx`): skb->dev->ifindex. 32 bits. */
  ifindex?: number;
  /** SKF_AD_MARK (`#mark`): skb->mark. 32 bits. */
  mark?: number;
  /** SKF_AD_QUEUE (`#queue`): skb->queue_mapping. 16 bits. */
  queue?: number;
  /** SKF_AD_HATYPE (`#hatype`): skb->dev->type (ARPHRD_ETHER = 1, ...). 16 bits. */
  hatype?: number;
  /** SKF_AD_RXHASH (`#rxhash`): skb->hash. 32 bits. */
  rxhash?: number;
  /** SKF_AD_CPU (`#cpu`): the CPU running the filter. 32 bits. */
  cpu?: number;
  /** SKF_AD_VLAN_TAG (`#vlan_tci`): skb->vlan_tci. 16 bits. */
  vlanTci?: number;
  /** SKF_AD_VLAN_TAG_PRESENT (`#vlan_avail`): 1 when a VLAN tag was stripped, else 0. */
  vlanPresent?: boolean;
  /** SKF_AD_VLAN_TPID (`#vlan_tpid`): skb->vlan_proto as a number (0x8100, 0x88a8). 16 bits. */
  vlanTpid?: number;
  /** SKF_AD_PAY_OFFSET (`#poff`): the transport payload offset the kernel's flow dissector finds; 0 when unknown. */
  payOffset?: number;
  /** SKF_AD_RANDOM (`#rand`): a source of 32-bit random numbers (the core never calls Math.random); default 0. */
  random?: () => number;
  /** Offset of the network header inside `packet`, for SKF_NET_OFF loads; default 0. */
  networkOffset?: number;
}

/*
 * SKF_AD_NLATTR (`#nla`) and SKF_AD_NLATTR_NEST (`#nlan`) need no metadata: the kernel computes
 * them from the packet bytes (a netlink message), see nlattr.ts.
 */
