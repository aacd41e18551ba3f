/**
 * SKF_AD_NLATTR and SKF_AD_NLATTR_NEST: the kernel's netlink attribute search over the packet
 * bytes (net/core/filter.c bpf_skb_get_nlattr / bpf_skb_get_nlattr_nest over lib/nlattr.c
 * nla_find). The packet is a netlink message; A is the offset where the search starts, X the
 * attribute type; the result is the offset of the attribute found, or 0.
 *
 * Netlink headers are in host byte order; like the kernels tsbpf is tested on (x86-64,
 * arm64), we read them little-endian.
 */
const NLA_HDRLEN = 4;
const NLA_TYPE_MASK = 0x3fff; // ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER)

const u16le = (p: Uint8Array, at: number): number => p[at]! | (p[at + 1]! << 8);

/** nla_find over [start, start + len): offset of the first attribute of `type`, or -1. */
function nlaFind(p: Uint8Array, start: number, len: number, type: number): number {
  let at = start;
  let rem = len;
  // nla_ok: a whole header fits, nla_len covers at least the header and fits in what remains.
  while (rem >= NLA_HDRLEN) {
    const nlaLen = u16le(p, at);
    if (nlaLen < NLA_HDRLEN || nlaLen > rem) break;
    if ((u16le(p, at + 2) & NLA_TYPE_MASK) === type) return at;
    const step = (nlaLen + 3) & ~3; // NLA_ALIGN
    at += step;
    rem -= step;
  }
  return -1;
}

/** `ld #nla`: A = offset of attribute X at or after offset A, else 0. */
export function nlattr(p: Uint8Array, a: number, x: number): number {
  const len = p.length;
  a >>>= 0;
  if (len < NLA_HDRLEN || a > len - NLA_HDRLEN) return 0;
  const found = nlaFind(p, a, len - a, x >>> 0);
  return found < 0 ? 0 : found;
}

/** `ld #nlan`: A = offset of attribute X nested inside the attribute at offset A, else 0. */
export function nlattrNest(p: Uint8Array, a: number, x: number): number {
  const len = p.length;
  a >>>= 0;
  if (len < NLA_HDRLEN || a > len - NLA_HDRLEN) return 0;
  const nlaLen = u16le(p, a);
  if (nlaLen < NLA_HDRLEN || nlaLen > len - a) return 0; // nla_ok on the outer attribute
  const found = nlaFind(p, a + NLA_HDRLEN, nlaLen - NLA_HDRLEN, x >>> 0);
  return found < 0 ? 0 : found;
}
