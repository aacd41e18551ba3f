/*
 * Token dumper around the Linux kernel's bpf_asm lexer (tools/bpf/bpf_exp.l, compiled with
 * flex from a kernel source tree; it is not part of this repository). Reads bpf_asm source on
 * standard input and prints one token per line:
 *   op N | len | ext N | number N | label TEXT | punct C | eof
 * and on a lexical error "ERR <line>" (bpf_exp.l calls yyerror). Used by
 * test/cbpf/asm-lexer-oracle.test.ts.
 */
#include <stdio.h>
#include <stdlib.h>
#include "bpf_exp.yacc.h"

YYSTYPE yylval;
extern int yylex(void);
extern int yylineno;

void yyerror(const char *str)
{
	(void)str;
	printf("\nERR %d\n", yylineno);
	exit(0);
}

int main(void)
{
	int t;

	while ((t = yylex()) != 0) {
		if (t == number)
			printf("number %u\n", yylval.number);
		else if (t == extension)
			printf("ext %u\n", yylval.number);
		else if (t == label)
			printf("label %s\n", yylval.label);
		else if (t == K_PKT_LEN)
			printf("len\n");
		else if (t < 256)
			printf("punct %c\n", t);
		else
			printf("op\n");
	}
	printf("eof\n");
	return 0;
}
