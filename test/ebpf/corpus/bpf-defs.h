/* Minimal stand-ins for vmlinux/libbpf headers so the corpus builds with clang alone. */
#ifndef BPF_DEFS_H
#define BPF_DEFS_H
typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef signed char __s8;
typedef short __s16;
typedef int __s32;
typedef long long __s64;

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
#define __noinline __attribute__((noinline))
#define __always_inline inline __attribute__((always_inline))

#define BPF_MAP_TYPE_HASH 1
#define BPF_MAP_TYPE_ARRAY 2
#define BPF_ANY 0

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *) 1;
static long (*bpf_map_update_elem)(void *map, const void *key, const void *value, __u64 flags) = (void *) 2;
static long (*bpf_trace_printk)(const char *fmt, __u32 fmt_size, ...) = (void *) 6;
static __u64 (*bpf_ktime_get_ns)(void) = (void *) 5;
static __u32 (*bpf_get_prandom_u32)(void) = (void *) 7;
static __u64 (*bpf_get_current_pid_tgid)(void) = (void *) 14;
static long (*bpf_skb_load_bytes)(const void *skb, __u32 offset, void *to, __u32 len) = (void *) 26;

struct xdp_md { __u32 data; __u32 data_end; __u32 data_meta; __u32 ingress_ifindex; __u32 rx_queue_index; __u32 egress_ifindex; };
struct __sk_buff {
  __u32 len; __u32 pkt_type; __u32 mark; __u32 queue_mapping; __u32 protocol; __u32 vlan_present;
  __u32 vlan_tci; __u32 vlan_proto; __u32 priority; __u32 ingress_ifindex; __u32 ifindex; __u32 tc_index;
  __u32 cb[5]; __u32 hash; __u32 tc_classid; __u32 data; __u32 data_end;
};

struct ethhdr { __u8 h_dest[6]; __u8 h_source[6]; __u16 h_proto; } __attribute__((packed));
struct iphdr { __u8 ihl_version; __u8 tos; __u16 tot_len; __u16 id; __u16 frag_off; __u8 ttl; __u8 protocol; __u16 check; __u32 saddr; __u32 daddr; };
struct udphdr { __u16 source; __u16 dest; __u16 len; __u16 check; };
struct tcphdr { __u16 source; __u16 dest; __u32 seq; __u32 ack_seq; __u16 flags; __u16 window; __u16 check; __u16 urg_ptr; };

#define XDP_DROP 1
#define XDP_PASS 2
#define TC_ACT_OK 0
#define TC_ACT_SHOT 2
#define ETH_P_IP 0x0800
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define htons(x) __builtin_bswap16(x)
#define ntohs(x) __builtin_bswap16(x)
#endif
