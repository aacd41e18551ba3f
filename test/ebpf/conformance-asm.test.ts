/**
 * The conformance-syntax assembler and the `.data` parser: error locations, the grammar's edge
 * cases (immediate ranges from the suite's negative cases, `exit` as a jump target, labels on
 * an instruction line), and bytes. Encodings of the instruction values themselves are checked
 * against llvm-mc-19 in isa-codec.test.ts; the suite's lddw `-- raw` words in conformance.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AsmSyntaxError } from '../../src/core/errors.js';
import { assembleConformance, parseConformance, parseDataFile, rawWords, hexBytes } from '../../src/ebpf/asm/conformance/index.js';
import { encode } from '../../src/ebpf/isa/index.js';

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const asmHex = (text: string) => hex(encode(assembleConformance(text)));

function rejects(text: string, line: number, column: number, message: RegExp): void {
  assert.throws(() => assembleConformance(text), (e: unknown) => {
    assert.ok(e instanceof AsmSyntaxError, String(e));
    assert.equal(e.code, 'ASM_SYNTAX');
    assert.deepEqual([e.line, e.column], [line, column], e.message);
    assert.match(e.message, message);
    return true;
  });
}

test('encodings of representative lines (RFC 9669 opcode table)', () => {
  assert.equal(asmHex('mov32 %r0, 0'), 'b400000000000000');
  assert.equal(asmHex('ldxb %r9, [%r0+0]'), '7109000000000000');
  assert.equal(asmHex('stxdw [%r10-8], %r1'), '7b1af8ff00000000');
  assert.equal(asmHex('lock fetch add32 [%r10-4], %r3'), 'c33afcff01000000');
  assert.equal(asmHex('lock cmpxchg [%r10-8], %r1'), 'db1af8fff1000000');
  assert.equal(asmHex('lock xchg32 [%r10-8], %r1'), 'c31af8ffe1000000');
  assert.equal(asmHex('be16 %r0'), 'dc00000010000000');
  assert.equal(asmHex('bswap64 %r0'), 'd700000040000000');
  assert.equal(asmHex('swap32 %r2'), 'd702000020000000');
  assert.equal(asmHex('sdiv32 %r1, -3'), '34010100fdffffff'); // signed division: offset 1
  assert.equal(asmHex('movsx1664 %r8, %r7'), 'bf78100000000000');
  assert.equal(asmHex('ldxsw %r0, [%r1-2]'), '8110feff00000000');
  assert.equal(asmHex('jgt %r1, 0x2, +3'), '2501030002000000');
  assert.equal(asmHex('ja32 +1\nexit\nexit'), '0600000001000000' + '9500000000000000'.repeat(2));
  assert.equal(asmHex('call local f\nexit\nf: exit'), '8510000001000000' + '9500000000000000'.repeat(2));
  assert.equal(asmHex('call 5'), '8500000005000000');
  assert.equal(asmHex('neg32 %r3'), '8403000000000000');
  assert.equal(asmHex('lddw %r0, 0x1122334455667788'), '1800000088776655' + '0000000044332211');
});

test('immediates: decimal within int32, hex within 32 bits, negative allowed', () => {
  assert.equal(asmHex('mov32 %r0, 0xffffffff'), 'b4000000ffffffff');
  assert.equal(asmHex('mov32 %r0, -2147483648'), 'b400000000000080');
  rejects('mov32 %r0, 2147483648', 1, 12, /out of 32-bit range/);
  rejects('exit\nmov32 %r0, 0x100000000', 2, 12, /out of 32-bit range/);
});

test('errors carry line and column', () => {
  rejects('mov %r0, 1\n  ldxq %r0, %r1', 2, 3, /invalid mnemonic 'ldxq'/);
  rejects('or %r0, %r50', 1, 9, /invalid register '%r50'/);
  rejects('ldxb %r0, %r1', 1, 11, /memory operand/);
  rejects('ldxb %r0, [%r1+0x10000]', 1, 11, /16-bit range/);
  rejects('lddw %r0', 1, 1, /number of operands for lddw/);
  rejects('lock or [%r10-8]', 1, 1, /number of operands for lock/);
  rejects('lock', 1, 1, /number of operands for lock/);
  rejects('exit\nja NOT_A_LABEL # comment', 2, 1, /unknown label 'NOT_A_LABEL'/);
  rejects('call %r2', 1, 6, /callx/);
  rejects('lock fetch xchg [%r10-8], %r1', 1, 12, /always fetches/);
  rejects('add %r0,', 1, 9, /empty operand/);
});

test('`exit` as a jump target is the program\'s exit; an explicit exit label wins', () => {
  assert.equal(asmHex('ja exit\nmov %r0, 1\nexit'), '0500010000000000' + 'b700000001000000' + '9500000000000000');
  const items = parseConformance('ja exit\nexit:\nmov %r0, 1\nexit');
  assert.equal(items.filter((i) => i.kind === 'label').length, 1);
  assert.equal(asmHex('ja exit\nexit:\nmov %r0, 1\nexit'), '0500000000000000' + 'b700000001000000' + '9500000000000000');
});

test('.data files: sections, comments, mem, raw words and bytes, unknown sections kept', () => {
  const d = parseDataFile('# c\n# SPDX\n-- asm\nmov %r0, %r2\nexit\n-- mem\n00 01\nff\n-- result\n0x8\n-- no register offset\ncall instruction\n');
  assert.equal(d.asm, 'mov %r0, %r2\nexit');
  assert.equal(d.asmLine, 4);
  assert.deepEqual(d.mem, Uint8Array.from([0, 1, 0xff]));
  assert.equal(d.result, 8n);
  assert.equal(d.sections.get('no register offset')?.trim(), 'call instruction');
  assert.equal(parseDataFile('-- result\n-1\n').result, 0xffffffffffffffffn);
  assert.equal(parseDataFile('-- asm\nexit\n-- error\n\n').error, '');
  assert.equal(hex(rawWords('0x5566778800000018\n0x1122334400000000')), '1800000088776655' + '0000000044332211');
  assert.deepEqual(hexBytes('07 00\n01'), Uint8Array.from([7, 0, 1]));
  assert.throws(() => hexBytes('0g'), /bad hex byte/);
  assert.throws(() => parseDataFile('mov %r0, 1\n-- asm\n'), /before the first section/);
});
