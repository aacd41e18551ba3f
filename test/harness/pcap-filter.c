/*
 * Oracle for the classic interpreter: libpcap's own bpf_filter() (the userland interpreter
 * tcpdump falls back to), run on given programs and packets.
 *
 * stdin, line oriented:
 *   "p N" followed by N lines "code jt jf k" (decimal): the program for the packets that follow;
 *   "k WIRELEN HEX": a packet (HEX = the captured bytes, "-" when empty); prints the return value.
 * stdout: one unsigned decimal per packet line.
 * Used by test/cbpf/interpreter-libpcap.test.ts (compiled there with gcc ... -lpcap).
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness-io.h"


int main(void) {
  static struct bpf_insn insns[4096];
  static unsigned char pkt[70000];
  static char hex[140010];
  char tag[4];
  while (scanf("%3s", tag) == 1) {
    if (tag[0] == 'p') {
      long n;
      if (scanf("%ld", &n) != 1 || n < 0 || n > 4096) return 2;
      if (read_insns(insns, n) != 0) return 2;
    } else if (tag[0] == 'k') {
      unsigned long wirelen;
      if (scanf("%lu %140000s", &wirelen, hex) != 2) return 2;
      size_t len = decode_hex(hex, pkt);
      printf("%u\n", bpf_filter(insns, pkt, (u_int)wirelen, (u_int)len));
    } else {
      return 2;
    }
  }
  return 0;
}
