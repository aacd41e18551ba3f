/* bpf-to-bpf calls: non-inlined subprograms, recursion-free call chain, stack arguments. */
#include "bpf-defs.h"

static __noinline __u64 mix(__u64 a, __u64 b)
{
  a ^= b >> 7;
  a *= 0x9e3779b97f4a7c15ULL;
  return a ^ (a >> 29);
}

static __noinline int clamp(int v, int lo, int hi)
{
  if (v < lo)
    return lo;
  if (v > hi)
    return hi;
  return v;
}

static __noinline __u64 fold(__u64 *vals, int n)
{
  __u64 acc = 0x1234;
  for (int i = 0; i < 4; i++) {
    if (i >= n)
      break;
    acc = mix(acc, vals[i]);
  }
  return acc;
}

SEC("xdp")
int calls_main(struct xdp_md *ctx)
{
  __u64 vals[4] = { ctx->data, ctx->data_end, ctx->ingress_ifindex, bpf_ktime_get_ns() };
  __u64 h = fold(vals, clamp(ctx->rx_queue_index, 1, 4));
  return (h & 1) ? XDP_PASS : XDP_DROP;
}

char _license[] SEC("license") = "GPL";
