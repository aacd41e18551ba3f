/**
 * bpf_asm (tools/bpf/bpf_exp.l + bpf_exp.y): every instruction form with the encoding its
 * grammar action writes, the lexer's quirks, numbers as strtol/strtoul convert them, and the
 * errors. Expected bytes are written out by hand from the grammar actions, never produced by
 * the assembler under test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { assemble, formatCommaForm, formatCForm, parseBytecode, AsmLabelError } from '../../src/cbpf/asm/index.js';
import { AsmSyntaxError } from '../../src/core/errors.js';
import { insn } from '../../src/cbpf/insn.js';
import { findTool } from '../helpers/oracles.js';
import { Prng, testSeed } from '../helpers/prng.js';

const bytes = (text: string): string => formatCommaForm(assemble(text));
const one = (text: string): [number, number, number, number] => {
  const [i] = assemble(text).instructions;
  return [i!.code, i!.jt, i!.jf, i!.k];
};

test('the reference example: ld #cpu / jneq #3, drop / ret #262144 / drop: ret #0', () => {
  // bpf_exp.y: `jneq #k, L` is BPF_JMP|BPF_JEQ|BPF_K (21) with k = 3, jt = 0 and L in jf.
  assert.equal(bytes('ld #cpu\njneq #3, drop\nret #262144\ndrop: ret #0\n'), '4,32 0 0 4294963236,21 0 1 3,6 0 0 262144,6 0 0 0,\n');
  // The issue (and the Q&A it quotes) shows `21 0 1 1`: that is the bytecode of `jneq #1`, not
  // of `jneq #3`; k is the compared CPU number.
  assert.equal(bytes('ld #cpu\njneq #1, drop\nret #262144\ndrop: ret #0\n'), '4,32 0 0 4294963236,21 0 1 1,6 0 0 262144,6 0 0 0,\n');
  assert.equal(bytes('    ld #cpu\n    jneq #3, drop\n    ret #262144\ndrop:\n    ret #0\n'), '4,32 0 0 4294963236,21 0 1 3,6 0 0 262144,6 0 0 0,\n');
});

test('filter.rst examples', () => {
  // "ARP packets" from Documentation/networking/filter.rst.
  assert.equal(bytes('ldh [12]\njne #0x806, drop\nret #-1\ndrop: ret #0'), '4,40 0 0 12,21 0 1 2054,6 0 0 4294967295,6 0 0 0,\n');
  // "IPv4 TCP packets".
  assert.equal(bytes('ldh [12]\njne #0x800, drop\nldb [23]\njneq #6, drop\nret #-1\ndrop: ret #0'),
    '6,40 0 0 12,21 0 3 2048,48 0 0 23,21 0 1 6,6 0 0 4294967295,6 0 0 0,\n');
  // "icmp random packet sampling, 1 in 4".
  assert.equal(bytes('ldh [12]\njne #0x800, drop\nldb [23]\njneq #1, drop\n# get a random uint32 number\nld rand\nmod #4\njneq #1, drop\nret #-1\ndrop: ret #0'),
    '9,40 0 0 12,21 0 6 2048,48 0 0 23,21 0 4 1,32 0 0 4294963256,148 0 0 4,21 0 1 1,6 0 0 4294967295,6 0 0 0,\n');
});

test('every instruction form encodes as bpf_exp.y says', () => {
  const cases: [string, [number, number, number, number]][] = [
    ['ldb [x + 7]', [0x50, 0, 0, 7]], ['ldb [%x + 7]', [0x50, 0, 0, 7]], ['ldb [9]', [0x30, 0, 0, 9]], ['ldb #proto', [0x30, 0, 0, 0xfffff000]],
    ['ldh [x + 7]', [0x48, 0, 0, 7]], ['ldh [%x+ 7]', [0x48, 0, 0, 7]], ['ldh [12]', [0x28, 0, 0, 12]], ['ldh #type', [0x28, 0, 0, 0xfffff004]],
    ['ldi #5', [0x00, 0, 0, 5]], ['ldi 5', [0x00, 0, 0, 5]],
    ['ld #5', [0x00, 0, 0, 5]], ['ld #len', [0x80, 0, 0, 0]], ['ld len', [0x80, 0, 0, 0]], ['ld M[3]', [0x60, 0, 0, 3]],
    ['ld [x + 2]', [0x40, 0, 0, 2]], ['ld [%x + 2]', [0x40, 0, 0, 2]], ['ld [30]', [0x20, 0, 0, 30]],
    ['ldxi #6', [0x01, 0, 0, 6]], ['ldxi 6', [0x01, 0, 0, 6]],
    ['ldx #6', [0x01, 0, 0, 6]], ['ldx #len', [0x81, 0, 0, 0]], ['ldx M[15]', [0x61, 0, 0, 15]],
    ['ldxb 4*([14]&0xf)', [0xb1, 0, 0, 14]], ['ldx 4 * ([14] & 0xf)', [0xb1, 0, 0, 14]],
    ['st M[1]', [0x02, 0, 0, 1]], ['stx M[2]', [0x03, 0, 0, 2]],
    ['add #1', [0x04, 0, 0, 1]], ['add x', [0x0c, 0, 0, 0]], ['add %x', [0x0c, 0, 0, 0]],
    ['sub #1', [0x14, 0, 0, 1]], ['sub x', [0x1c, 0, 0, 0]], ['mul #3', [0x24, 0, 0, 3]], ['mul x', [0x2c, 0, 0, 0]],
    ['div #3', [0x34, 0, 0, 3]], ['div x', [0x3c, 0, 0, 0]], ['mod #3', [0x94, 0, 0, 3]], ['mod %x', [0x9c, 0, 0, 0]],
    ['neg', [0x84, 0, 0, 0]], ['and #0xff', [0x54, 0, 0, 255]], ['and x', [0x5c, 0, 0, 0]], ['or #1', [0x44, 0, 0, 1]],
    ['or x', [0x4c, 0, 0, 0]], ['xor #1', [0xa4, 0, 0, 1]], ['xor x', [0xac, 0, 0, 0]], ['lsh #2', [0x64, 0, 0, 2]],
    ['lsh x', [0x6c, 0, 0, 0]], ['rsh #2', [0x74, 0, 0, 2]], ['rsh %x', [0x7c, 0, 0, 0]],
    ['ret a', [0x16, 0, 0, 0]], ['ret %a', [0x16, 0, 0, 0]], ['ret x', [0x0e, 0, 0, 0]], ['ret %x', [0x0e, 0, 0, 0]], ['ret #96', [0x06, 0, 0, 96]],
    ['tax', [0x07, 0, 0, 0]], ['txa', [0x87, 0, 0, 0]],
  ];
  for (const [text, want] of cases) assert.deepEqual(one(text), want, text);
});

test('every extension, with and without #, any case', () => {
  const ext: [string, number][] = [
    ['proto', 0], ['type', 4], ['poff', 52], ['ifidx', 8], ['nla', 12], ['nlan', 16], ['mark', 20], ['queue', 24],
    ['hatype', 28], ['rxhash', 32], ['cpu', 36], ['vlan_tci', 44], ['vlan_pr', 48], ['vlan_avail', 48], ['vlan_tpid', 60], ['rand', 56],
  ];
  for (const [name, off] of ext) {
    const k = (-0x1000 + off) >>> 0;
    assert.deepEqual(one(`ld #${name}`), [0x20, 0, 0, k], name);
    assert.deepEqual(one(`LD ${name.toUpperCase()}`), [0x20, 0, 0, k], name);
    assert.deepEqual(one(`ldh #${name}`), [0x28, 0, 0, k], name);
    assert.deepEqual(one(`ldb ${name}`), [0x30, 0, 0, k], name);
  }
});

test('jumps: two targets, one target (jf falls through), pseudo-jumps put the target in jf', () => {
  const prog = (j: string): number[][] => assemble(`${j}\nret #1\ntt: ret #2\nff: ret #3`).instructions.map((i) => [i.code, i.jt, i.jf, i.k]).slice(0, 1);
  assert.deepEqual(prog('jeq #7, tt, ff'), [[0x15, 1, 2, 7]]);
  assert.deepEqual(prog('jeq x, tt, ff'), [[0x1d, 1, 2, 0]]);
  assert.deepEqual(prog('jeq %x, tt'), [[0x1d, 1, 0, 0]]);
  assert.deepEqual(prog('jeq #7, ff'), [[0x15, 2, 0, 7]]);
  assert.deepEqual(prog('jgt #7, tt, ff'), [[0x25, 1, 2, 7]]);
  assert.deepEqual(prog('jgt x, ff'), [[0x2d, 2, 0, 0]]);
  assert.deepEqual(prog('jge #7, tt, ff'), [[0x35, 1, 2, 7]]);
  assert.deepEqual(prog('jge %x, tt, ff'), [[0x3d, 1, 2, 0]]);
  assert.deepEqual(prog('jset #7, tt, ff'), [[0x45, 1, 2, 7]]);
  assert.deepEqual(prog('jset x, tt'), [[0x4d, 1, 0, 0]]);
  assert.deepEqual(prog('jneq #7, ff'), [[0x15, 0, 2, 7]]);
  assert.deepEqual(prog('jne x, ff'), [[0x1d, 0, 2, 0]]);
  assert.deepEqual(prog('jlt #7, ff'), [[0x35, 0, 2, 7]]);
  assert.deepEqual(prog('jlt %x, tt'), [[0x3d, 0, 1, 0]]);
  assert.deepEqual(prog('jle #7, ff'), [[0x25, 0, 2, 7]]);
  assert.deepEqual(prog('jle x, tt'), [[0x2d, 0, 1, 0]]);
  assert.deepEqual(prog('jmp ff'), [[0x05, 0, 0, 2]]);
  assert.deepEqual(prog('ja tt'), [[0x05, 0, 0, 1]]);
  // A backward jmp stores L - i - 1 as an unsigned k, as bpf_asm does.
  assert.deepEqual(assemble('top: ld #1\nja top').instructions[1], insn(0x05, 0, 0, 0xfffffffe));
});

test('numbers convert like strtol/strtoul into a uint32_t', () => {
  const k = (n: string): number => one(`ld #${n}`)[3];
  assert.equal(k('0'), 0);
  assert.equal(k('42'), 42);
  assert.equal(k('+42'), 42);
  assert.equal(k('-1'), 0xffffffff);
  assert.equal(k('-4096'), 0xfffff000);
  assert.equal(k('4294967296'), 0);                    // truncated to 32 bits
  assert.equal(k('99999999999999999999'), 0xffffffff); // strtol saturates at LONG_MAX
  assert.equal(k('-99999999999999999999'), 0);         // LONG_MIN truncates to 0
  assert.equal(k('0x1F'), 31);
  assert.equal(k('0X1f'), 31);
  assert.equal(k('0x123456789'), 0x23456789);
  assert.equal(k('0xffffffffffffffffff'), 0xffffffff);  // strtoul saturates at ULONG_MAX
  assert.equal(k('017'), 15);
  assert.equal(k('0b101'), 5);
  assert.equal(k('0B11'), 3);
});

test('comments, blanks and case as bpf_exp.l has them', () => {
  assert.equal(bytes('# a comment line\nld #1 ; trailing\n/* block\n comment */ ret a'), '2,0 0 0 1,22 0 0 0,\n');
  assert.equal(bytes('LDH [12]\nRET A'), '2,40 0 0 12,22 0 0 0,\n');
  assert.equal(bytes('ld #1 ret x'), '2,0 0 0 1,14 0 0 0,\n');   // line breaks are only blanks
  assert.equal(bytes('ld M[1]\nret #0'), bytes('ld m[1]\nret #0'));
  // Labels keep their case and are matched exactly.
  assert.equal(bytes('jmp Out\nout: ret #1\nOut: ret #2'), '3,5 0 0 1,6 0 0 1,6 0 0 2,\n');
});

function syntaxError(text: string, line: number, column: number, message: RegExp): void {
  assert.throws(() => assemble(text), (e: unknown) => {
    assert.ok(e instanceof AsmSyntaxError || e instanceof AsmLabelError, `${String(e)}`);
    assert.equal((e as AsmSyntaxError).line, line, `line of ${JSON.stringify(text)}`);
    assert.equal((e as AsmSyntaxError).column, column, `column of ${JSON.stringify(text)}`);
    assert.match((e as Error).message, message);
    return true;
  });
}

test('errors carry line, column and a bpf_asm-like message', () => {
  syntaxError('ld [x+4]\nret a', 1, 6, /syntax error, unexpected number '\+4', expecting '\+'.*x \+ 4/);
  syntaxError('ld #1\nret b', 2, 5, /lex unknown character 'b'/);
  syntaxError('ld #1\r\nret a', 1, 6, /lex unknown character '\\r/);
  syntaxError('', 1, 1, /syntax error, unexpected end of input/);
  syntaxError('ld #1\nend:', 2, 5, /syntax error, unexpected end of input, expecting mnemonic/);
  syntaxError('ld #1\nx: ret a', 2, 1, /syntax error, unexpected 'x'/);   // labels need 2+ characters
  syntaxError('ld # len', 1, 6, /unexpected 'len', expecting number/);
  syntaxError('ldh #len', 1, 5, /unexpected '#len'/);
  syntaxError('ldxb 2*([14]&0xf)', 1, 1, /ldxb offset not supported/);
  syntaxError('ld #1\n  jeq #1, nowhere\nret #0', 2, 11, /no such label 'nowhere'/);
  syntaxError('aa: ld #1\naa: ret #0', 2, 1, /duplicate label 'aa'/);
  syntaxError('jeq #1, back\nback: ret #0\njeq #1, back', 3, 9, /insn #2 jumps to insn #1 .*out of range/);
  syntaxError('ret #1 /* unterminated', 1, 8, /lex unknown character '\/'/);
  const far = `jeq #1, far\n${'ld #0\n'.repeat(256)}far: ret #0`;
  syntaxError(far, 1, 9, /insn #0 jumps to insn #257/);
  assert.equal(assemble(`jeq #1, far\n${'ld #0\n'.repeat(255)}far: ret #0`).instructions[0]!.jt, 255);
  assert.throws(() => assemble('ret #0\n'.repeat(4097)), /only max 4096 insns allowed/);
  assert.equal(assemble('ret #0\n'.repeat(4096)).length, 4096);
});

test('output forms: comma form and C form, and reading them back', () => {
  const p = assemble('ld #0\nldh [12]\njeq #0x800, yes, no\nyes: ret #0xffffffff\nno: ret #0');
  assert.equal(formatCommaForm(p), '5,0 0 0 0,40 0 0 12,21 0 1 2048,6 0 0 4294967295,6 0 0 0,\n');
  assert.equal(formatCForm(p), [
    '{ 0000,  0,  0, 0000000000 },',     // printf("%#04x") prints no 0x for zero
    '{ 0x28,  0,  0, 0x0000000c },',
    '{ 0x15,  0,  1, 0x00000800 },',
    '{ 0x06,  0,  0, 0xffffffff },',
    '{ 0x06,  0,  0, 0000000000 },',
  ].map((l) => `${l}\n`).join(''));
  assert.deepEqual(parseBytecode(formatCommaForm(p)), p.instructions);
  assert.deepEqual(parseBytecode(formatCForm(p)), p.instructions);
  assert.deepEqual(parseBytecode(`struct sock_filter code[] = {\n${formatCForm(p)}};\n`), p.instructions);
  assert.deepEqual(parseBytecode('/* { op, jt, jf, k }, */\n' + formatCForm(p)), p.instructions);
  assert.deepEqual(parseBytecode('5\n0 0 0 0\n40 0 0 12\n21 0 1 2048\n6 0 0 4294967295\n6 0 0 0\n'), p.instructions);
  assert.throws(() => parseBytecode('3,6 0 0 0,'), /count says 3 instructions but 1 follow/);
  assert.throws(() => parseBytecode('1,6 0 0 4294967296,'), (e: unknown) => e instanceof AsmSyntaxError && /k 4294967296 does not fit/.test(e.message) && e.column === 9);
  assert.throws(() => parseBytecode('{ 0x6, 0, 0 },'), /four numbers in braces/);
  assert.throws(() => parseBytecode('1,6 0 zero 0,'), (e: unknown) => e instanceof AsmSyntaxError && e.line === 1 && e.column === 7);
});

const printf = findTool('printf') ? '/usr/bin/printf' : undefined;
const seed = testSeed(7070);
test(`C form matches C printf("{ %#04x, %2u, %2u, %#010x },") (seed ${seed})`, { skip: printf ? false : 'no printf(1)' }, () => {
  const rng = new Prng(seed);
  const insns = Array.from({ length: 400 }, (_, i) => insn(
    i < 4 ? [0, 1, 0x100, 0xffff][i]! : rng.int(5) === 0 ? 0 : rng.int(0x10000),
    rng.int(256), rng.int(256), rng.int(4) === 0 ? rng.pick([0, 1, 0xffffffff]) : rng.u32()));
  const args = insns.flatMap((i) => [String(i.code), String(i.jt), String(i.jf), String(i.k)]);
  const r = spawnSync(printf!, ['{ %#04x, %2u, %2u, %#010x },\\n', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(formatCForm(insns), r.stdout);
});

test('disassembler label prefix must make bpf_asm labels', async () => {
  const { disassemble } = await import('../../src/cbpf/asm/index.js');
  const p = assemble('jeq #1, out\nout: ret #0');
  assert.equal(disassemble(p, { labelPrefix: 'L_' }), '\tjeq #1, L_1\nL_1:\tret #0\n');
  assert.throws(() => disassemble(p, { labelPrefix: '' }), /does not make bpf_asm labels/);
  assert.throws(() => disassemble(p, { labelPrefix: '9' }), /does not make bpf_asm labels/);
});
