/*
 * The libpcap column of the cbpf-filters benchmark: libpcap's own bpf_filter() (the C
 * interpreter tcpdump and libpcap use when the kernel does not filter) timed over a packet set.
 * Compiled by bench/cbpf-filters.ts with gcc -O2 ... -lpcap at bench time.
 *
 * argv[1]: minimum measuring time per sample in milliseconds.
 * stdin: "p N" then N lines "code jt jf k"; then "k WIRELEN HEX" lines, one per packet.
 * stdout: "NS_PER_PACKET CHECKSUM" — the best of 5 samples, and the sum of the return values
 *         over one pass of the packet set (so the caller can check that it computed the same).
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAXPKT 256
static int hexval(int c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; }
static double now_ns(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e9 + t.tv_nsec; }

int main(int argc, char **argv) {
  double min_ms = argc > 1 ? atof(argv[1]) : 200;
  static struct bpf_insn insns[4096];
  static unsigned char *pkts[MAXPKT];
  static unsigned lens[MAXPKT], wires[MAXPKT];
  static char hex[140010];
  int npkt = 0;
  char tag[4];
  while (scanf("%3s", tag) == 1) {
    if (tag[0] == 'p') {
      long n;
      if (scanf("%ld", &n) != 1 || n < 1 || n > 4096) return 2;
      for (long i = 0; i < n; i++) {
        unsigned code, jt, jf; unsigned long k;
        if (scanf("%u %u %u %lu", &code, &jt, &jf, &k) != 4) return 2;
        insns[i].code = (unsigned short)code; insns[i].jt = (unsigned char)jt; insns[i].jf = (unsigned char)jf; insns[i].k = (bpf_u_int32)k;
      }
    } else if (tag[0] == 'k') {
      unsigned long wire;
      if (npkt == MAXPKT || scanf("%lu %140000s", &wire, hex) != 2) return 2;
      size_t len = strcmp(hex, "-") == 0 ? 0 : strlen(hex) / 2;
      pkts[npkt] = malloc(len + 1);
      for (size_t i = 0; i < len; i++) pkts[npkt][i] = (unsigned char)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
      lens[npkt] = (unsigned)len; wires[npkt] = (unsigned)wire; npkt++;
    } else return 2;
  }
  if (npkt == 0) return 2;
  uint64_t checksum = 0;
  for (int i = 0; i < npkt; i++) checksum += bpf_filter(insns, pkts[i], wires[i], lens[i]);
  volatile uint64_t sink = 0;
  long rounds = 1;
  double best = 1e300;
  for (int sample = 0; sample < 6;) {
    double t0 = now_ns();
    uint64_t s = 0;
    for (long r = 0; r < rounds; r++)
      for (int i = 0; i < npkt; i++) s += bpf_filter(insns, pkts[i], wires[i], lens[i]);
    double dt = now_ns() - t0;
    sink += s;
    if (dt < min_ms * 1e6) { rounds *= 2; continue; }
    double per = dt / ((double)rounds * npkt);
    if (per < best) best = per;
    sample++;
  }
  printf("%.3f %llu\n", best, (unsigned long long)checksum);
  return 0;
}
