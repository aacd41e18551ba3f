/* tc classifier: mark and classify by priority and protocol using direct packet access. */
#include "bpf-defs.h"

SEC("tc")
int tc_classify(struct __sk_buff *skb)
{
  void *data = (void *)(long)skb->data;
  void *data_end = (void *)(long)skb->data_end;
  struct ethhdr *eth = data;
  if ((void *)(eth + 1) > data_end)
    return TC_ACT_OK;
  if (eth->h_proto != htons(ETH_P_IP))
    return TC_ACT_OK;
  struct iphdr *ip = (void *)(eth + 1);
  if ((void *)(ip + 1) > data_end)
    return TC_ACT_OK;
  if (ip->tos & 0xfc)
    skb->priority = ip->tos >> 2;
  if (ip->protocol == IPPROTO_TCP) {
    skb->mark = 0x10;
    skb->tc_classid = 0x10001;
  } else if (ip->protocol == IPPROTO_UDP) {
    skb->mark = 0x20;
    skb->tc_classid = 0x10002;
  }
  if (skb->len > 1500 && ip->ttl < 2)
    return TC_ACT_SHOT;
  __u8 buf[4];
  if (bpf_skb_load_bytes(skb, 26, buf, 4) == 0 && buf[0] == 10)
    skb->cb[0] = buf[3];
  return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
