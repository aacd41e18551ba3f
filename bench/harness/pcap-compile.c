/*
 * Peer for bench/filter-compile.ts: libpcap's pcap_compile() timed on the same expressions.
 * argv[1]: minimum milliseconds per expression. stdin: "LINKTYPE<TAB>EXPRESSION" lines.
 * stdout per line: "NS_PER_COMPILE PROGRAM_LENGTH" (length -1 when libpcap rejects it).
 * Built by the bench with gcc -O2 ... -lpcap.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv) {
  double ms = argc > 1 ? atof(argv[1]) : 50;
  static char line[8192];
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\n")] = 0;
    char *tab = strchr(line, '\t');
    if (!tab) continue;
    *tab = 0;
    int dlt = pcap_datalink_name_to_val(line);
    pcap_t *p = pcap_open_dead(dlt, 262144);
    struct bpf_program prog;
    if (pcap_compile(p, &prog, tab + 1, 1, 0) != 0) { printf("0 -1\n"); pcap_close(p); continue; }
    unsigned len = prog.bf_len;
    pcap_freecode(&prog);
    long n = 0;
    double start = now_ns(), end;
    do {
      for (int i = 0; i < 20; i++) { pcap_compile(p, &prog, tab + 1, 1, 0); pcap_freecode(&prog); }
      n += 20;
      end = now_ns();
    } while (end - start < ms * 1e6);
    printf("%.1f %u\n", (end - start) / n, len);
    fflush(stdout);
    pcap_close(p);
  }
  return 0;
}
