/**
 * One rejection per kernel rule, with the index and rule the checker must name (the verdicts
 * themselves are compared with the kernel in checker-kernel.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClassic, checkClassic, ClassicCheckError, type ClassicCheckRule } from '../../src/cbpf/checker.js';
import { insn, type ClassicInsn } from '../../src/cbpf/insn.js';
import { ClassicProgram } from '../../src/cbpf/program.js';
import { BpfError } from '../../src/core/errors.js';

const ret = insn(0x06, 0, 0, 0);
const cases: [string, ClassicInsn[], number, ClassicCheckRule, RegExp][] = [
  ['empty program', [], 0, 'length', /0 instructions/],
  ['4097 instructions', Array(4097).fill(ret), 4096, 'length', /4097 instructions/],
  ['ret x is not an opcode', [insn(0x0e, 0, 0, 0)], 0, 'opcode', /opcode 0x0e/],
  ['ld h #k is not an opcode', [insn(0x08, 0, 0, 1), ret], 0, 'opcode', /0x08/],
  ['division by constant 0', [insn(0x00, 0, 0, 1), insn(0x34, 0, 0, 0), ret], 1, 'div-by-zero', /division by constant 0/],
  ['modulo by constant 0', [insn(0x94, 0, 0, 0), ret], 0, 'div-by-zero', /modulo/],
  ['lsh #32', [insn(0x64, 0, 0, 32), ret], 0, 'shift-range', /32/],
  ['st M[16]', [insn(0x02, 0, 0, 16), ret], 0, 'scratch-index', /M\[16\]/],
  ['ja past the end', [insn(0x05, 0, 0, 1), ret], 0, 'jump-range', /ja 1 lands at 2/],
  ['jt past the end', [ret, insn(0x15, 1, 0, 0), ret], 1, 'jump-range', /jt 1 lands at 3/],
  ['jf past the end', [insn(0x1d, 0, 9, 0), ret], 0, 'jump-range', /jf 9/],
  ['unknown ancillary field', [insn(0x30, 0, 0, 0xfffff000 + 64), ret], 0, 'ancillary', /SKF_AD_OFF\+64/],
  ['last instruction not a return', [ret, insn(0x04, 0, 0, 1)], 1, 'last-return', /must be a return/],
  ['scratch read on a path without a write', [insn(0x15, 0, 1, 0), insn(0x02, 0, 0, 5), insn(0x61, 0, 0, 5), ret], 2, 'scratch-uninit', /M\[5\]/],
];

for (const [name, prog, index, rule, text] of cases) {
  test(`checker rejects: ${name}`, () => {
    const r = checkClassic(prog);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.index, index);
    assert.equal(r.rule, rule);
    assert.match(r.message, text);
    assert.match(r.message, new RegExp(`rule: ${rule}`));
    assert.throws(() => assertClassic(new ClassicProgram(prog)), (e: unknown) =>
      e instanceof ClassicCheckError && e instanceof BpfError && e.code === 'CHECK' && e.index === index && e.rule === rule);
  });
}

test('checker accepts valid programs, including every ancillary field and unreachable code', () => {
  assert.deepEqual(checkClassic([ret]), { ok: true });
  for (let n = 0; n < 64; n += 4) assert.equal(checkClassic([insn(0x20, 0, 0, (-0x1000 + n) >>> 0), insn(0x16, 0, 0, 0)]).ok, true);
  assert.equal(checkClassic([insn(0x15, 0, 1, 0), insn(0x02, 0, 0, 5), insn(0x02, 0, 0, 5), insn(0x61, 0, 0, 5), ret]).ok, true);
  assert.equal(checkClassic([ret, insn(0x84, 0, 0, 0), ret]).ok, true);
});
