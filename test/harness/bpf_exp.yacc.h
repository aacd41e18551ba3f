/*
 * Stand-in for the header bison generates from the kernel's tools/bpf/bpf_exp.y, so that the
 * kernel's own bpf_exp.l can be compiled alone into a token dumper (bpf-exp-lex.c) for
 * test/cbpf/asm-lexer-oracle.test.ts. Only the token names matter; the values are ours.
 */
#include <stdint.h>
enum bpf_exp_token {
	OP_LDB = 258, OP_LDH, OP_LD, OP_LDX, OP_ST, OP_STX, OP_JMP, OP_JEQ, OP_JGT, OP_JGE,
	OP_JSET, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_AND, OP_OR, OP_XOR, OP_LSH, OP_RSH,
	OP_RET, OP_TAX, OP_TXA, OP_LDXB, OP_MOD, OP_NEG, OP_JNEQ, OP_JLT, OP_JLE, OP_LDI,
	OP_LDXI, K_PKT_LEN, extension, number, label
};
typedef union { char *label; uint32_t number; } YYSTYPE;
extern YYSTYPE yylval;
