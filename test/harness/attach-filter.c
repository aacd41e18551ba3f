/*
 * Oracle for the classic checker: asks the running Linux kernel whether it accepts each
 * program as a socket filter (setsockopt SO_ATTACH_FILTER on a UDP socket).
 *
 * stdin: programs in tcpdump -ddd form, one after another: a count line N, then N lines
 *        "code jt jf k" (decimal). N may be 0 or larger than 4096.
 * stdout: one line per program: "ok" or the errno name/number ("EINVAL", "errno 12").
 * Used by test/cbpf/checker-kernel.test.ts (compiled there with gcc into a temp dir).
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
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) { perror("socket"); return 2; }
  static struct sock_filter buf[70000];
  long n;
  while (scanf("%ld", &n) == 1) {
    if (n < 0 || n > 70000) { fprintf(stderr, "bad count %ld\n", n); return 2; }
    if (read_insns(buf, n) != 0) return 2;
    struct sock_fprog prog = { .len = (unsigned short)n, .filter = buf };
    if (n > 65535) prog.len = 65535;
    if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) == 0) {
      puts("ok");
      setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER, NULL, 0);
    } else if (errno == EINVAL) {
      puts("EINVAL");
    } else {
      printf("errno %d\n", errno);
    }
  }
  fflush(stdout);
  close(fd);
  return 0;
}
