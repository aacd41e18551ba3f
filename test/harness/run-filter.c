/*
 * Oracle for the classic interpreter's semantics: the running Linux kernel executes each filter
 * on real packets. The filter is attached (SO_ATTACH_FILTER) to the receiving end of an AF_UNIX
 * datagram socket pair; a datagram is sent; the kernel runs the filter on it and trims the
 * datagram to the return value (sk_filter_trim_cap), or drops it when the filter returns 0.
 * What we observe is therefore 0 (dropped) or min(return value, length) — never the raw return.
 *
 * stdin, line oriented:
 *   "p N" followed by N lines "code jt jf k": attach this program for the packets that follow;
 *   "k HEX": a datagram (HEX = payload bytes, "-" when empty).
 * stdout: per datagram, "drop" or the received length; per program, "ok" or "EINVAL".
 * Used by test/cbpf/interpreter-kernel.test.ts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/filter.h>
#include "harness-io.h"


int main(void) {
  static struct sock_filter insns[4096];
  static unsigned char pkt[70000], in[70000];
  static char hex[140010];
  char tag[4];
  int sv[2] = { -1, -1 };
  while (scanf("%3s", tag) == 1) {
    if (tag[0] == 'p') {
      long n;
      if (scanf("%ld", &n) != 1 || n < 0 || n > 4096) return 2;
      if (read_insns(insns, n) != 0) return 2;
      if (sv[0] >= 0) { close(sv[0]); close(sv[1]); }
      if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) != 0) { perror("socketpair"); return 2; }
      struct sock_fprog prog = { .len = (unsigned short)n, .filter = insns };
      puts(setsockopt(sv[1], SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) == 0 ? "ok" : "EINVAL");
    } else if (tag[0] == 'k') {
      if (scanf("%140000s", hex) != 1) return 2;
      size_t len = decode_hex(hex, pkt);
      if (send(sv[0], pkt, len, 0) != (ssize_t)len) { perror("send"); return 2; }
      ssize_t got = recv(sv[1], in, sizeof in, MSG_DONTWAIT | MSG_TRUNC);
      if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) puts("drop");
      else if (got < 0) { perror("recv"); return 2; }
      else printf("%zd\n", got);
    } else {
      return 2;
    }
  }
  fflush(stdout);
  return 0;
}
