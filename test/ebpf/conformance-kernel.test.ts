/**
 * The kernel column of the conformance suite: every tests/*.data file without `-- mem` is
 * assembled by our conformance assembler, loaded into the running kernel as an XDP program and
 * run with BPF_PROG_TEST_RUN. The kernel reports r0 in 32 bits, so the low halves are compared
 * with the suite's expected result and with our interpreter. Files the verifier refuses are
 * listed with its reason (the verifier is stricter than the ISA: e.g. uninitialised registers).
 * Root on Linux only; skips with the reason elsewhere.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assembleConformance, parseDataFile } from '../../src/ebpf/asm/conformance/index.js';
import { encode } from '../../src/ebpf/isa/index.js';
import { createVm, standardHelpers } from '../../src/ebpf/runtime/index.js';
import { kernelAvailable, openKernel } from '../../src/node/kernel/index.js';
import { dataFiles } from '../helpers/conformance.js';

const avail = await kernelAvailable();

test('conformance tests/ in the kernel (XDP test_run): r0 low 32 bits agree with the suite and the interpreter', { skip: avail.ok ? false : `kernel unavailable: ${avail.reason}` }, async () => {
  const kernel = await openKernel();
  let agreed = 0, considered = 0;
  const rejected: string[] = [], disagreed: string[] = [];
  for (const path of dataFiles('tests')) {
    const name = path.split('/').pop()!;
    const d = parseDataFile(readFileSync(path, 'utf8'));
    if (d.mem !== undefined || d.asm === undefined || d.result === undefined) continue;
    let insns;
    try { insns = assembleConformance(d.asm, d.asmLine); } catch { continue; } // callx: see conformance.test.ts
    considered++;
    let prog;
    try {
      prog = kernel.loadProgram({ type: 'xdp', insns: encode(insns), license: 'GPL' });
    } catch (e) {
      const log = (e as { log?: string }).log ?? (e as Error).message;
      const lines = log.trim().split('\n').filter((l) => !/^(processed|verification time|stack depth)/.test(l));
      rejected.push(`${name}: ${lines.pop()}`);
      continue;
    }
    try {
      const k = prog.testRun({ data: new Uint8Array(64) }).retval >>> 0;
      const ours = Number(createVm(insns, { helpers: standardHelpers() }).run().r0 & 0xffffffffn);
      const want = Number(d.result & 0xffffffffn);
      if (k === want && ours === want) agreed++;
      else disagreed.push(`${name}: kernel 0x${k.toString(16)}, interpreter 0x${ours.toString(16)}, suite 0x${want.toString(16)}`);
    } finally {
      prog.close();
    }
  }
  console.log(`conformance in the kernel: ${agreed}/${considered} agree (low 32 bits); ${rejected.length} refused by the verifier; ${disagreed.length} disagree`);
  for (const r of rejected) console.log(`  refused: ${r}`);
  assert.deepEqual(disagreed, []);
});
