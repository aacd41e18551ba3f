/**
 * The socket-filter context a translated classic program reads: offsets of `struct __sk_buff`
 * (linux/bpf.h, uapi), and the helpers the kernel's translation calls for ancillary loads.
 */
export const SK_BUFF = {
  len: 0, pkt_type: 4, mark: 8, queue_mapping: 12, protocol: 16, vlan_present: 20, vlan_tci: 24,
  vlan_proto: 28, priority: 32, ingress_ifindex: 36, ifindex: 40, tc_index: 44, cb: 48, hash: 68,
} as const;

/** Public helper numbers (linux/bpf.h `FN(...)` order). */
export const HELPER_GET_PRANDOM_U32 = 7;
export const HELPER_GET_SMP_PROCESSOR_ID = 8;

/**
 * Ancillary loads the kernel implements with internal functions that have no public helper
 * number (the device type, the payload offset, netlink attribute search). A translated program
 * calls these tsbpf-internal helper numbers with the kernel's arguments (r1 = ctx, r2 = A,
 * r3 = X); tsbpf's runtime provides them, a real kernel would refuse to load such a program.
 */
export const INTERNAL_HELPER_BASE = 0x7ff0_0000;
export const HELPER_SKB_HATYPE = INTERNAL_HELPER_BASE + 1;
export const HELPER_SKB_PAY_OFFSET = INTERNAL_HELPER_BASE + 2;
export const HELPER_SKB_NLATTR = INTERNAL_HELPER_BASE + 3;
export const HELPER_SKB_NLATTR_NEST = INTERNAL_HELPER_BASE + 4;
