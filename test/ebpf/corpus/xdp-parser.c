/* XDP: parse Ethernet/IPv4/UDP with the verifier's bounds checks, count per destination port. */
#include "bpf-defs.h"

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 256);
  __type(key, __u32);
  __type(value, __u64);
} port_counts SEC(".maps");

SEC("xdp")
int xdp_parse(struct xdp_md *ctx)
{
  void *data = (void *)(long)ctx->data;
  void *data_end = (void *)(long)ctx->data_end;
  struct ethhdr *eth = data;
  if ((void *)(eth + 1) > data_end)
    return XDP_DROP;
  if (eth->h_proto != htons(ETH_P_IP))
    return XDP_PASS;
  struct iphdr *ip = (void *)(eth + 1);
  if ((void *)(ip + 1) > data_end)
    return XDP_DROP;
  if ((ip->ihl_version & 0x0f) != 5)
    return XDP_PASS;
  if (ip->protocol != IPPROTO_UDP)
    return XDP_PASS;
  struct udphdr *udp = (void *)(ip + 1);
  if ((void *)(udp + 1) > data_end)
    return XDP_DROP;
  __u32 key = ntohs(udp->dest) & 0xff;
  __u64 *count = bpf_map_lookup_elem(&port_counts, &key);
  if (count)
    __sync_fetch_and_add(count, 1);
  if (ntohs(udp->dest) == 53 && ntohs(udp->len) > 512)
    return XDP_DROP;
  return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
