/* Atomics on map values: add/or/and/xor with and without fetch, xchg and cmpxchg, 32 and 64 bit. */
#include "bpf-defs.h"

struct stats { __u64 packets; __u64 bytes; __u32 flags; __u32 last; __u64 max; };

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct stats);
} stats_map SEC(".maps");

SEC("xdp")
int xdp_atomics(struct xdp_md *ctx)
{
  __u32 key = 0;
  struct stats *s = bpf_map_lookup_elem(&stats_map, &key);
  if (!s)
    return XDP_PASS;
  __u64 len = ctx->data_end - ctx->data;
  __sync_fetch_and_add(&s->packets, 1);
  __u64 old = __sync_fetch_and_add(&s->bytes, len);
  __sync_fetch_and_or(&s->flags, 1u << (ctx->rx_queue_index & 31));
  __u32 prev = __sync_fetch_and_and(&s->flags, 0xffff);
  __sync_fetch_and_xor(&s->last, prev);
  __u32 was = __sync_lock_test_and_set(&s->last, (__u32)len);
  __u64 cur = s->max;
  if (len > cur)
    __sync_val_compare_and_swap(&s->max, cur, len);
  __u32 c32 = __sync_val_compare_and_swap(&s->flags, was, 7);
  __u64 x = __sync_lock_test_and_set(&s->packets, old + c32);
  return x & 1 ? XDP_PASS : XDP_DROP;
}

char _license[] SEC("license") = "GPL";
