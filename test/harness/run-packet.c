/*
 * Oracle for the interpreter's link-layer model and ancillary fields: the Linux kernel runs
 * each filter on real loopback frames, in a private network namespace (so only our traffic is
 * seen), on an AF_PACKET SOCK_RAW socket where skb->data is the Ethernet header, the network
 * header is at 14, and protocol/pkttype/ifindex/hatype/... are real socket-buffer fields.
 *
 * Two packet sockets are bound to lo with outgoing copies ignored: F carries the filter (replaced
 * for each program), C has none and captures the exact frame bytes. F is opened after C, so the kernel delivers to F
 * first and F's verdict is final by the time C's copy arrives.
 *
 * stdin: "p N" + N lines "code jt jf k": attach the program to F (prints "ok"/"EINVAL");
 *        "k4 HEX" / "k6 HEX": send a UDP datagram with that payload ("-" = empty) to 127.0.0.1 / ::1.
 * stdout: first "ifindex N" (lo); per datagram "FRAMEHEX RESULT" where RESULT is "drop" or
 *         the length F received (min(filter result, frame length)).
 * Needs root (unshare(CLONE_NEWNET)). Used by test/cbpf/interpreter-packet.test.ts.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "harness-io.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

static void die(const char *what) { perror(what); exit(2); }

static int packet_socket(int ifindex) {
  int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
  if (fd < 0) die("socket(AF_PACKET)");
  int one = 1;
  if (setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one) != 0) die("PACKET_IGNORE_OUTGOING");
  struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_ifindex = ifindex };
  if (bind(fd, (struct sockaddr *)&sll, sizeof sll) != 0) die("bind(AF_PACKET)");
  return fd;
}

int main(void) {
  if (unshare(CLONE_NEWNET) != 0) die("unshare(CLONE_NEWNET)");
  int ctl = socket(AF_INET, SOCK_DGRAM, 0);
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strcpy(ifr.ifr_name, "lo");
  if (ioctl(ctl, SIOCGIFFLAGS, &ifr) != 0) die("SIOCGIFFLAGS");
  ifr.ifr_flags |= IFF_UP;
  if (ioctl(ctl, SIOCSIFFLAGS, &ifr) != 0) die("SIOCSIFFLAGS");
  int ifindex = (int)if_nametoindex("lo");
  printf("ifindex %d\n", ifindex);

  /* UDP endpoints for both families, bound so that no ICMP "port unreachable" appears. */
  int rx4 = socket(AF_INET, SOCK_DGRAM, 0), rx6 = socket(AF_INET6, SOCK_DGRAM, 0);
  struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons(9999), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(9999), .sin6_addr = IN6ADDR_LOOPBACK_INIT };
  if (bind(rx4, (struct sockaddr *)&a4, sizeof a4) != 0) die("bind4");
  if (bind(rx6, (struct sockaddr *)&a6, sizeof a6) != 0) die("bind6");
  int tx4 = socket(AF_INET, SOCK_DGRAM, 0), tx6 = socket(AF_INET6, SOCK_DGRAM, 0);

  int cap = packet_socket(ifindex);
  struct timeval tv = { .tv_sec = 2 };
  setsockopt(cap, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  int flt = -1;

  static struct sock_filter insns[4096];
  static unsigned char payload[2000], frame[4000], junk[4000];
  static char hex[4010];
  char tag[4];
  while (scanf("%3s", tag) == 1) {
    if (tag[0] == 'p') {
      long n;
      if (scanf("%ld", &n) != 1 || n < 0 || n > 4096) return 2;
      if (read_insns(insns, n) != 0) return 2;
      /* One filter socket for all programs: closing a packet socket waits for an RCU grace
       * period, and SO_ATTACH_FILTER replaces the previous filter anyway. */
      if (flt < 0) flt = packet_socket(ifindex);
      struct sock_fprog prog = { .len = (unsigned short)n, .filter = insns };
      puts(setsockopt(flt, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) == 0 ? "ok" : "EINVAL");
      /* Drain anything that reached the capture socket before the filter was attached. */
      while (recv(cap, junk, sizeof junk, MSG_DONTWAIT) >= 0) {}
      while (recv(flt, junk, sizeof junk, MSG_DONTWAIT) >= 0) {}
    } else if (tag[0] == 'k') {
      if (scanf("%4000s", hex) != 1) return 2;
      size_t len = decode_hex(hex, payload);
      int v6 = tag[1] == '6';
      ssize_t s = v6 ? sendto(tx6, payload, len, 0, (struct sockaddr *)&a6, sizeof a6) : sendto(tx4, payload, len, 0, (struct sockaddr *)&a4, sizeof a4);
      if (s != (ssize_t)len) die("sendto");
      ssize_t got = recv(cap, frame, sizeof frame, 0);
      if (got < 0) die("recv(capture)");
      ssize_t f = recv(flt, junk, sizeof junk, MSG_DONTWAIT | MSG_TRUNC);
      recv(v6 ? rx6 : rx4, junk, sizeof junk, MSG_DONTWAIT);
      for (ssize_t i = 0; i < got; i++) printf("%02x", frame[i]);
      if (f < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) puts(" drop");
      else if (f < 0) die("recv(filter)");
      else printf(" %zd\n", f);
    } else return 2;
  }
  fflush(stdout);
  return 0;
}
