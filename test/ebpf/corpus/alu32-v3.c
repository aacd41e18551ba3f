/* cpu v3: 32-bit ALU and JMP32 from 32-bit arithmetic, shifts, byte swaps of header fields. */
#include "bpf-defs.h"

static __always_inline __u32 csum_fold(__u32 sum)
{
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  return ~sum & 0xffff;
}

SEC("xdp")
int alu32_ops(struct xdp_md *ctx)
{
  void *data = (void *)(long)ctx->data;
  void *data_end = (void *)(long)ctx->data_end;
  struct iphdr *ip = data + sizeof(struct ethhdr);
  if ((void *)(ip + 1) > data_end)
    return XDP_PASS;
  __u32 sum = 0;
  __u16 *p = (__u16 *)ip;
#pragma clang loop unroll(full)
  for (int i = 0; i < 10; i++)
    sum += p[i];
  if (csum_fold(sum) != 0)
    return XDP_DROP;
  __u32 saddr = __builtin_bswap32(ip->saddr);
  __u32 daddr = __builtin_bswap32(ip->daddr);
  __u32 x = (saddr ^ daddr) * 2654435761u;
  x = (x >> 13) | (x << 19);
  x -= ip->ttl;
  if ((int)x < -100)
    return XDP_DROP;
  if ((x % 7) == 3 || (x / 5) > 1000000)
    return XDP_PASS;
  __s32 y = (__s32)x >> 3;
  if (y > 12345)
    ip->ttl = ip->ttl - 1;
  return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
