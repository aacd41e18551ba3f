/*
 * The text protocol the TypeScript tests speak to the C oracle harnesses, read in one place:
 * a program is a count then `code jt jf k` lines (tcpdump -ddd without the count's own line),
 * a packet is a hex string (`-` for an empty one).
 */
#ifndef TSBPF_HARNESS_IO_H
#define TSBPF_HARNESS_IO_H
#include <stdio.h>
#include <string.h>

/* struct sock_filter (linux/filter.h) and libpcap's struct bpf_insn share this layout. */
struct harness_insn { unsigned short code; unsigned char jt, jf; unsigned int k; };
_Static_assert(sizeof(struct harness_insn) == 8, "classic instructions are 8 bytes");

/* Reads `n` instructions into `out`; returns 0, or -1 on malformed input. */
static inline int read_insns(void *out, long n) {
  struct harness_insn *insns = out;
  for (long i = 0; i < n; i++) {
    unsigned code, jt, jf; unsigned long k;
    if (scanf("%u %u %u %lu", &code, &jt, &jf, &k) != 4) { fprintf(stderr, "bad instruction %ld\n", i); return -1; }
    insns[i].code = (unsigned short)code; insns[i].jt = (unsigned char)jt; insns[i].jf = (unsigned char)jf; insns[i].k = (unsigned)k;
  }
  return 0;
}

static inline int hexval(int c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; }

/* Decodes a hex string (`-` is empty) into `out`; returns the byte count. */
static inline size_t decode_hex(const char *hex, unsigned char *out) {
  size_t len = strcmp(hex, "-") == 0 ? 0 : strlen(hex) / 2;
  for (size_t i = 0; i < len; i++) out[i] = (unsigned char)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
  return len;
}
#endif
