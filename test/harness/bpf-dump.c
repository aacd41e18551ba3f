/*
 * Oracle harness for tsbpf's classic listings: reads a program in `tcpdump -ddd` form on
 * standard input (a count line, then one "code jt jf k" line per instruction, decimal) and
 * prints it with libpcap's own bpf_dump(), the function tcpdump calls for -d/-dd/-ddd.
 *
 *   usage: bpf-dump OPTION     (OPTION = 1 for -d, 2 for -dd, 3 for -ddd, as tcpdump passes
 *                               its count of 'd' flags straight to bpf_dump)
 *
 * Built by test/cbpf/listing-oracle.test.ts with `gcc bpf-dump.c -lpcap` into a temp dir.
 */
#include <pcap.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	unsigned long n, i;
	struct bpf_program prog;

	if (argc != 2) {
		fprintf(stderr, "usage: bpf-dump 1|2|3 < program.ddd\n");
		return 2;
	}
	if (scanf("%lu", &n) != 1) {
		fprintf(stderr, "bpf-dump: missing instruction count\n");
		return 1;
	}
	prog.bf_len = (u_int)n;
	prog.bf_insns = calloc(n ? n : 1, sizeof *prog.bf_insns);
	if (prog.bf_insns == NULL)
		return 1;
	for (i = 0; i < n; i++) {
		unsigned int code, jt, jf, k;
		if (scanf("%u %u %u %u", &code, &jt, &jf, &k) != 4) {
			fprintf(stderr, "bpf-dump: instruction %lu is malformed\n", i);
			return 1;
		}
		prog.bf_insns[i].code = (u_short)code;
		prog.bf_insns[i].jt = (u_char)jt;
		prog.bf_insns[i].jf = (u_char)jf;
		prog.bf_insns[i].k = k;
	}
	bpf_dump(&prog, atoi(argv[1]));
	free(prog.bf_insns);
	return 0;
}
