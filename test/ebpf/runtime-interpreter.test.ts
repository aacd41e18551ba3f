/**
 * Interpreter and memory-model behaviour beyond the conformance suite: faults (with location,
 * touching nothing), the budget, call frames, r10, tracing, legacy packet loads. Expected
 * values come from RFC 9669 and the kernel's documented behaviour, not from running our code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alu32, alu64, call, callLocal, exit, ja, jmp, label, lddw, ldabs, ldind, ldx, link, st, stx, R0, R1, R2, R6, R7, R8, R9, R10 } from '../../src/ebpf/isa/index.js';
import type { ProgramItem } from '../../src/ebpf/isa/index.js';
import { Env, createVm, interpreterBackend, VmFault, type TraceEvent } from '../../src/ebpf/runtime/index.js';
import { assembleConformance } from '../../src/ebpf/asm/conformance/index.js';

const vm = (items: ProgramItem[], opts = {}) => createVm(link(items), opts);

test('out-of-bounds stack load faults with pc, index, address and size', () => {
  const v = vm([alu64.mov.imm(R0, 0), ldx(8, R0, R10, -520), exit()]);
  const r = v.tryRun();
  assert.ok('fault' in r);
  assert.ok(r.fault instanceof VmFault);
  assert.equal(r.fault.code, 'VM_FAULT');
  assert.equal(r.fault.pc, 1);
  assert.equal(r.fault.index, 1);
  assert.equal(r.fault.size, 8);
  assert.ok(r.fault.address !== undefined);
});

test('a store straddling the end of the packet faults and changes no byte', () => {
  const data = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
  let seen: Uint8Array | undefined;
  const v = vm([alu64.mov.imm(R2, -1), stx(8, R1, R2, 4), exit()], {
    traceHook: () => undefined,
  });
  assert.throws(() => v.run({ data }), (e: unknown) => e instanceof VmFault && e.pc === 1 && e.size === 8);
  // The input is copied; check the copy through a program that reads it back after a failed store.
  const check = vm([alu64.mov.imm(R2, -1), alu64.mov.reg(R6, R1), stx(4, R1, R2, 0), ldx(8, R0, R6, 0), exit()]);
  seen = undefined;
  const r = check.run({ data });
  seen = r.data;
  assert.equal(r.r0, 0x08070605ffffffffn);
  assert.deepEqual(data, Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), 'caller buffer untouched');
  assert.deepEqual(seen, Uint8Array.from([0xff, 0xff, 0xff, 0xff, 5, 6, 7, 8]));
});

test('NULL and small integers are not addresses', () => {
  assert.throws(() => vm([alu64.mov.imm(R1, 0), ldx(1, R0, R1, 0), exit()]).run(), VmFault);
  assert.throws(() => vm([alu64.mov.imm(R1, 4096), st(4, R1, 0, 1), alu64.mov.imm(R0, 0), exit()]).run(), VmFault);
});

test('r10 is read-only: refused when the program is loaded', () => {
  assert.throws(() => vm([alu64.mov.imm(R10, 0), exit()]), (e: unknown) => e instanceof VmFault && e.index === 0 && /r10/.test(e.message));
});

test('the instruction budget stops an endless loop', () => {
  const v = vm([alu64.mov.imm(R0, 0), label('top'), alu64.add.imm(R0, 1), ja('top')], { maxInstructions: 1000 });
  assert.throws(() => v.run(), (e: unknown) => e instanceof VmFault && /budget of 1000/.test(e.message));
});

test('jumps out of the program or into lddw are refused at load', () => {
  assert.throws(() => createVm([ja(5), exit()]), VmFault);
  assert.throws(() => createVm([ja(1), lddw(R0, 1n), exit()]), VmFault);
  assert.throws(() => createVm([]), VmFault);
});

test('local calls: r6-r9 and r10 restored, each frame has its own 512 bytes', () => {
  const prog: ProgramItem[] = [
    alu64.mov.imm(R6, 6), alu64.mov.imm(R7, 7), alu64.mov.imm(R8, 8), alu64.mov.imm(R9, 9),
    st(8, R10, -8, 0x1111), callLocal('f'),
    ldx(8, R2, R10, -8), // caller's slot is intact
    alu64.mov.reg(R0, R6), alu64.add.reg(R0, R7), alu64.add.reg(R0, R8), alu64.add.reg(R0, R9), alu64.add.reg(R0, R2),
    exit(),
    label('f'), alu64.mov.imm(R6, 100), alu64.mov.imm(R7, 100), alu64.mov.imm(R8, 100), alu64.mov.imm(R9, 100),
    st(8, R10, -8, 0x2222), alu64.mov.imm(R0, 0), exit(),
  ];
  assert.equal(vm(prog).run().r0, 6n + 7n + 8n + 9n + 0x1111n);
});

test('more than 8 call frames fault', () => {
  const rec = [label('f'), callLocal('f'), exit()];
  assert.throws(() => vm(rec).run(), (e: unknown) => e instanceof VmFault && /8 frames/.test(e.message));
  // Exactly 8 frames (main + 7 nested calls) are allowed.
  const seven: ProgramItem[] = [callLocal('a1'), exit()];
  for (let i = 1; i <= 7; i++) seven.push(label(`a${i}`), i < 7 ? callLocal(`a${i + 1}`) : alu64.mov.imm(R0, 42), exit());
  assert.equal(vm(seven).run().r0, 42n);
});

test('trace hook reports pc, instruction and changed registers', () => {
  const events: TraceEvent[] = [];
  const v = vm([alu64.mov.imm(R0, 5), alu32.add.imm(R0, 1), lddw(R2, 7n), exit()], { traceHook: (e: TraceEvent) => events.push(e) });
  assert.equal(v.run().r0, 6n);
  assert.deepEqual(events.map((e) => e.pc), [0, 1, 2, 4]);
  assert.deepEqual(events.map((e) => e.changed), [[[0, 5n]], [[0, 6n]], [[2, 7n]], []]);
});

test('legacy ldabs/ldind read big-endian; out of bounds returns 0 from the program', () => {
  const data = Uint8Array.from([0x12, 0x34, 0x56, 0x78, 0x9a]);
  assert.equal(vm([ldabs(4, 1), exit()]).run({ data }).r0, 0x3456789an);
  assert.equal(vm([alu64.mov.imm(R7, 1), ldind(2, R7, 2), exit()]).run({ data }).r0, 0x789an);
  assert.equal(vm([alu64.mov.imm(R0, 9), ldabs(4, 2), alu64.mov.imm(R0, 9), exit()]).run({ data }).r0, 0n);
});

test('edge-case arithmetic as RFC 9669 defines it', () => {
  const run = (text: string) => createVm(assembleConformance(text)).run().r0;
  // 32-bit ops zero the upper half, even mov32 of a register.
  assert.equal(run('lddw %r0, 0xffffffffffffffff\nmov32 %r0, %r0\nexit'), 0xffffffffn);
  // Shift amounts are masked: 64-bit by 65 == by 1, 32-bit by 33 == by 1.
  assert.equal(run('mov %r0, 1\nmov %r1, 65\nlsh %r0, %r1\nexit'), 2n);
  assert.equal(run('mov32 %r0, 1\nmov32 %r1, 33\nlsh32 %r0, %r1\nexit'), 2n);
  // mod by zero keeps dst (64) / keeps the low half (32).
  assert.equal(run('lddw %r0, 0x1234567890\nmov %r1, 0\nmod %r0, %r1\nexit'), 0x1234567890n);
  assert.equal(run('lddw %r0, 0x1234567890\nmov %r1, 0\nmod32 %r0, %r1\nexit'), 0x34567890n);
  // INT_MIN / -1 and INT_MIN % -1.
  assert.equal(run('lddw %r0, 0x8000000000000000\nsdiv %r0, -1\nexit'), 0x8000000000000000n);
  assert.equal(run('lddw %r0, 0x8000000000000000\nsmod %r0, -1\nexit'), 0n);
  assert.equal(run('mov32 %r0, 0x80000000\nsdiv32 %r0, -1\nexit'), 0x80000000n);
  // Signed modulo takes the sign of the dividend (C semantics).
  assert.equal(run('mov %r0, -7\nsmod %r0, 2\nexit'), 0xffffffffffffffffn);
});

test('a helper that is not registered is a fault, not a crash', () => {
  assert.throws(() => vm([call(9999), exit()]).run(), (e: unknown) => e instanceof VmFault && /unknown helper 9999/.test(e.message));
});

test('runs are independent: the stack is cleared and results repeat', () => {
  const v = vm([ldx(8, R0, R10, -8), st(8, R10, -8, 77), exit()]);
  assert.equal(v.run().r0, 0n);
  assert.equal(v.run().r0, 0n);
  assert.equal(vm([jmp.eq.imm(R1, 0, 'z'), alu64.mov.imm(R0, 1), exit(), label('z'), alu64.mov.imm(R0, 2), exit()]).run({ args: [0n] }).r0, 2n);
});

test('the interpreter as a Backend: load in an environment, run, close', async () => {
  const loaded = await interpreterBackend.load({ insns: link([alu64.mov.reg(R0, R2), exit()]) }, new Env());
  assert.equal((await loaded.run({ data: new Uint8Array(9) })).r0, 9n);
  loaded.close();
  assert.equal(interpreterBackend.name, 'interpreter');
});

test('close() unmaps the VM\'s regions: a pointer kept from a run faults afterwards', () => {
  const env = new Env();
  const a = createVm([alu64.mov.reg(R0, R10), exit()], { env });
  const stackTop = a.run().r0;
  const b = createVm([ldx(8, R0, R1, -8), exit()], { env });
  assert.equal(b.run({ args: [stackTop] }).r0, 0n, 'another VM may read a live region of the same environment');
  a.close();
  assert.throws(() => b.run({ args: [stackTop] }), (e: unknown) => e instanceof VmFault && /no region/.test(e.message));
});
