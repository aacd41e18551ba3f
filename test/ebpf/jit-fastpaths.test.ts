/**
 * The JIT's fast paths against the interpreter (itself checked against the kernel): the packet
 * fast path (one unsigned compare per access instead of the region table) must fault exactly
 * where the interpreter does — just before and after the packet, pointers into the region below
 * it, every size, loads and stores, packets of changing length — and budget-deferred blocks
 * (register-only blocks whose check moves to their successor) must report the exhausted budget
 * at the same instruction for every budget.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileWasm } from '../../src/ebpf/jit/index.js';
import { createVm, standardHelpers, type RunInput } from '../../src/ebpf/runtime/index.js';
import { assembleConformance } from '../../src/ebpf/asm/conformance/index.js';
import type { Insn } from '../../src/ebpf/isa/index.js';
import { runOutcome, type Engine } from '../helpers/ebpf-outcome.js';

const outcome = (e: Engine, input: RunInput): string => runOutcome(e, input, (f) => `fault ${f.code} index=${f.index} pc=${f.pc} ${f.message}`);

test('packet fast path: every size, offset -10..10, loads and stores, lengths 0..9, checked and unchecked', () => {
  let cases = 0;
  for (const sfx of ['b', 'h', 'w', 'dw']) {
    for (let off = -10; off <= 10; off++) {
      for (const store of [false, true]) {
        const mem = `[%r1${off < 0 ? off : `+${off}`}]`;
        // r1 moved 4 bytes in for the longer packets, so negative offsets stay in the packet too.
        for (const shift of [0, 4]) {
          const asm = `${shift ? `add %r1, ${shift}\n` : ''}${store ? `stx${sfx} ${mem}, %r2` : `ldx${sfx} %r0, ${mem}`}\nexit\n`;
          const insns = assembleConformance(asm);
          const vm = createVm(insns, { helpers: standardHelpers() });
          const checked = compileWasm(insns, { helpers: standardHelpers() });
          const unchecked = compileWasm(insns, { helpers: standardHelpers(), checked: false });
          // One program over packets of changing length: the per-size bounds follow each run's length.
          for (const len of [0, 1, 3, 4, 7, 8, 9, 4, 0, 9]) {
            const data = () => Uint8Array.from({ length: len }, (_, i) => i + 1);
            const want = outcome(vm, { data: data() });
            assert.equal(outcome(checked, { data: data() }), want, `${asm} len ${len}`);
            // Unchecked mode is only for proven programs: it must agree where the program is valid.
            if (want.startsWith('ok')) assert.equal(outcome(unchecked, { data: data() }), want, `${asm} len ${len} unchecked`);
            cases++;
          }
        }
      }
    }
  }
  assert.equal(cases, 4 * 21 * 2 * 2 * 10);
});

const BUDGET_PROGRAMS: Record<string, string> = {
  // Loop header register-only, body with a packet load: the header's check is deferred.
  checksum: `mov %r9, %r1
add %r9, %r2
mov %r0, 0
mov %r4, %r1
mov %r8, 40
loop:
mov %r5, %r4
add %r5, 2
jgt %r5, %r9, fold
ldxh %r3, [%r4+0]
add %r0, %r3
mov %r4, %r5
sub %r8, 1
jne %r8, 0, loop
fold:
mov %r3, %r0
rsh %r3, 16
add %r0, %r3
exit
`,
  // Chains of register-only blocks, a two-slot lddw inside one, diamonds and a loop.
  diamonds: `mov %r0, 0
mov %r1, 0
top:
add %r0, 3
jgt %r0, 100, a
add %r1, 1
lddw %r3, 0x123456789
a:
mov %r2, %r0
and %r2, 1
jeq %r2, 0, b
add %r0, 1
b:
add %r1, 2
jlt %r1, 30, top
exit
`,
  // A store in the loop and a register-only exit path.
  stack: `mov %r1, 0
mov %r0, 0
l:
stxdw [%r10-8], %r1
ldxdw %r2, [%r10-8]
add %r0, %r2
add %r1, 1
jlt %r1, 20, l
mov %r3, %r0
rsh %r3, 1
exit
`,
};

test('budget-deferred blocks: the exhausted budget names the interpreter\'s instruction for every budget', () => {
  const data = Uint8Array.from({ length: 90 }, (_, i) => (i * 37) & 0xff);
  for (const [name, asm] of Object.entries(BUDGET_PROGRAMS)) {
    const insns: Insn[] = assembleConformance(asm);
    const total = createVm(insns, { helpers: standardHelpers() }).run({ data }).instructions;
    assert.ok(total > 50, `${name} runs ${total} instructions`);
    let faults = 0;
    for (let max = 0; max <= total; max++) {
      const want = outcome(createVm(insns, { helpers: standardHelpers(), maxInstructions: max }), { data: data.slice() });
      assert.equal(outcome(compileWasm(insns, { helpers: standardHelpers(), maxInstructions: max }), { data: data.slice() }), want, `${name} budget ${max}`);
      if (want.startsWith('fault')) faults++;
    }
    assert.equal(faults, total, `${name}: every budget below ${total} faults`);
  }
});
