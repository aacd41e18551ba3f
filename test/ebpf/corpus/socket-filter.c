/* Socket filter: keep TCP packets to port 80 or 443, read with legacy packet loads. */
#include "bpf-defs.h"

unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");
unsigned long long load_half(void *skb, unsigned long long off) asm("llvm.bpf.load.half");
unsigned long long load_word(void *skb, unsigned long long off) asm("llvm.bpf.load.word");

SEC("socket")
int tcp_web_filter(struct __sk_buff *skb)
{
  if (load_half(skb, 12) != ETH_P_IP)
    return 0;
  if (load_byte(skb, 23) != IPPROTO_TCP)
    return 0;
  if (load_half(skb, 20) & 0x1fff)
    return 0;
  __u32 ihl = (load_byte(skb, 14) & 0x0f) << 2;
  __u32 dport = load_half(skb, 14 + ihl + 2);
  if (dport == 80 || dport == 443)
    return skb->len;
  if (load_word(skb, 14 + ihl + 4) == 0)
    return 0;
  return 0;
}

char _license[] SEC("license") = "GPL";
