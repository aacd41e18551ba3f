/* cpu v4: signed division and modulo, sign-extending moves and loads, bswap, gotol-capable jumps. */
#include "bpf-defs.h"

struct rec { __s8 a; __s16 b; __s32 c; __s64 d; };

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 4);
  __type(key, __u32);
  __type(value, struct rec);
} recs SEC(".maps");

SEC("xdp")
int signed_ops(struct xdp_md *ctx)
{
  __u32 key = ctx->rx_queue_index & 3;
  struct rec *r = bpf_map_lookup_elem(&recs, &key);
  if (!r)
    return XDP_PASS;
  __s64 a = r->a;          /* sign-extending byte load */
  __s64 b = r->b;          /* sign-extending half load */
  __s64 c = r->c;          /* sign-extending word load */
  __s64 d = r->d;
  if (b == 0 || c == 0)
    return XDP_DROP;
  __s64 q = d / b;
  __s64 m = d % c;
  __s32 q32 = (__s32)c / (__s32)b;
  __s32 m32 = (__s32)d % (__s32)a;
  __s64 s8 = (__s8)(q + m);
  __s64 s16 = (__s16)(q32 ^ m32);
  __s64 s32 = (__s32)(q - m);
  __u64 sw = __builtin_bswap64((__u64)s32) ^ __builtin_bswap32((__u32)s16) ^ __builtin_bswap16((__u16)s8);
  r->d = (__s64)sw;
  return sw > 0 ? XDP_PASS : XDP_DROP;
}

char _license[] SEC("license") = "GPL";
