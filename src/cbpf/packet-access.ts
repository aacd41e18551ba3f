/**
 * Packet and metadata reads shared by the interpreter and the JIT, with the Linux kernel's
 * semantics for socket filters (net/core/filter.c: bpf_skb_load_helper_{8,16,32} and
 * bpf_internal_load_pointer_neg_helper; convert_bpf_extensions for ancillary fields).
 * The packet model is described in metadata.ts.
 */
import type { PacketMeta } from './metadata.js';
import { nlattr, nlattrNest } from './nlattr.js';
import {
  SKF_AD_ALU_XOR_X, SKF_AD_CPU, SKF_AD_HATYPE, SKF_AD_IFINDEX, SKF_AD_MARK, SKF_AD_NLATTR, SKF_AD_NLATTR_NEST,
  SKF_AD_OFF, SKF_AD_PAY_OFFSET, SKF_AD_PKTTYPE, SKF_AD_PROTOCOL, SKF_AD_QUEUE, SKF_AD_RANDOM, SKF_AD_RXHASH,
  SKF_AD_VLAN_TAG, SKF_AD_VLAN_TAG_PRESENT, SKF_AD_VLAN_TPID, SKF_LL_OFF, SKF_NET_OFF,
} from './opcodes.js';

/** Reads `size` (1, 2 or 4) bytes big-endian at byte `at`, which the caller has bounds-checked. */
export function readBE(p: Uint8Array, at: number, size: number): number {
  if (size === 1) return p[at]!;
  if (size === 2) return (p[at]! << 8) | p[at + 1]!;
  return ((p[at]! << 24) | (p[at + 1]! << 16) | (p[at + 2]! << 8) | p[at + 3]!) >>> 0;
}

/**
 * A packet load at `offset` (the kernel's signed 32-bit `int offset`: k for absolute loads,
 * X + k for indirect ones). Returns the value (0..2^32-1) or -1 when the load faults, in which
 * case the filter returns 0. Negative offsets address the link layer (SKF_LL_OFF + n) or the
 * network header (SKF_NET_OFF + n); anything else below 0 faults.
 */
export function loadPacket(p: Uint8Array, meta: PacketMeta | undefined, offset: number, size: number): number {
  let at = offset | 0;
  if (at < 0) {
    if (at >= SKF_NET_OFF) at = (meta?.networkOffset ?? 0) + (at - SKF_NET_OFF);
    else if (at >= SKF_LL_OFF) at -= SKF_LL_OFF;
    else return -1;
  }
  if (at < 0 || at + size > p.length) return -1;
  return readBE(p, at, size);
}

/**
 * An ancillary load `ld [SKF_AD_OFF + n]` (any size: the kernel ignores it and loads the whole
 * field). Returns the new A, unsigned. The checker guarantees that n is a known field.
 */
export function loadAncillary(k: number, p: Uint8Array, meta: PacketMeta | undefined, a: number, x: number): number {
  const m = meta ?? {};
  switch ((k | 0) - SKF_AD_OFF) {
    case SKF_AD_PROTOCOL: return (m.protocol ?? 0) & 0xffff;
    case SKF_AD_PKTTYPE: return (m.pktType ?? 0) & 7;
    case SKF_AD_IFINDEX: return (m.ifindex ?? 0) >>> 0;
    case SKF_AD_NLATTR: return nlattr(p, a, x);
    case SKF_AD_NLATTR_NEST: return nlattrNest(p, a, x);
    case SKF_AD_MARK: return (m.mark ?? 0) >>> 0;
    case SKF_AD_QUEUE: return (m.queue ?? 0) & 0xffff;
    case SKF_AD_HATYPE: return (m.hatype ?? 0) & 0xffff;
    case SKF_AD_RXHASH: return (m.rxhash ?? 0) >>> 0;
    case SKF_AD_CPU: return (m.cpu ?? 0) >>> 0;
    case SKF_AD_ALU_XOR_X: return (a ^ x) >>> 0;
    case SKF_AD_VLAN_TAG: return (m.vlanTci ?? 0) & 0xffff;
    case SKF_AD_VLAN_TAG_PRESENT: return m.vlanPresent ? 1 : 0;
    case SKF_AD_PAY_OFFSET: return (m.payOffset ?? 0) >>> 0;
    case SKF_AD_RANDOM: return m.random ? m.random() >>> 0 : 0;
    case SKF_AD_VLAN_TPID: return (m.vlanTpid ?? 0) & 0xffff;
    default: return a >>> 0; // unreachable for checked programs
  }
}

/** True when an absolute load at k reads ancillary data rather than packet bytes. */
export function isAncillaryOffset(k: number): boolean {
  return (k >>> 0) >= (SKF_AD_OFF >>> 0);
}
