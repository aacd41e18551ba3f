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

static int hexval(int c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; }

int main(void) {
  static struct bpf_insn insns[4096];
  static unsigned char pkt[70000];
  static char hex[140010];
  char tag[4];
  while (scanf("%3s", tag) == 1) {
    if (tag[0] == 'p') {
      long n;
      if (scanf("%ld", &n) != 1 || n < 0 || n > 4096) return 2;
      for (long i = 0; i < n; i++) {
        unsigned code, jt, jf; unsigned long k;
        if (scanf("%u %u %u %lu", &code, &jt, &jf, &k) != 4) return 2;
        insns[i].code = (unsigned short)code; insns[i].jt = (unsigned char)jt; insns[i].jf = (unsigned char)jf; insns[i].k = (bpf_u_int32)k;
      }
    } else if (tag[0] == 'k') {
      unsigned long wirelen;
      if (scanf("%lu %140000s", &wirelen, hex) != 2) return 2;
      size_t len = strcmp(hex, "-") == 0 ? 0 : strlen(hex) / 2;
      for (size_t i = 0; i < len; i++) pkt[i] = (unsigned char)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
      printf("%u\n", bpf_filter(insns, pkt, (u_int)wirelen, (u_int)len));
    } else {
      return 2;
    }
  }
  return 0;
}
