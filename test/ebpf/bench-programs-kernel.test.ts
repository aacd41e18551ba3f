/**
 * The shared benchmark programs (bench/programs/ebpf.ts) give their expected r0 in the
 * interpreter and, as XDP programs, in the kernel (low 32 bits), so a kernel column of the
 * benchmark measures the same work. Root on Linux only for the kernel half.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assembleConformance } from '../../src/ebpf/asm/conformance/index.js';
import { createVm } from '../../src/ebpf/runtime/index.js';
import { kernelAvailable, openKernel } from '../../src/node/kernel/index.js';
import { XDP_PROLOGUE, ebpfBenchPrograms } from '../../bench/programs/ebpf.js';

test('benchmark programs: interpreter r0 equals the expected value', () => {
  for (const p of ebpfBenchPrograms()) assert.equal(createVm(assembleConformance(p.asm)).run({ data: p.data }).r0, p.expected, p.name);
});

const avail = await kernelAvailable();
test('benchmark programs: the kernel accepts them as XDP and returns the expected low 32 bits', { skip: avail.ok ? false : `kernel unavailable: ${avail.reason}` }, async () => {
  const kernel = await openKernel();
  for (const p of ebpfBenchPrograms()) {
    const prog = kernel.loadProgram({ type: 'xdp', insns: assembleConformance(XDP_PROLOGUE + p.body), license: 'GPL' });
    try {
      const data = p.data.length > 0 ? p.data : new Uint8Array(64);
      assert.equal(prog.testRun({ data }).retval >>> 0, Number(p.expected & 0xffffffffn), p.name);
    } finally {
      prog.close();
    }
  }
});
