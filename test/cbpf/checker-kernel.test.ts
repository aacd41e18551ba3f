/**
 * The classic checker against its oracle, the running Linux kernel: every program is offered to
 * setsockopt(SO_ATTACH_FILTER) by test/harness/attach-filter.c and our accept/reject must equal
 * the kernel's. Seeded (TSBPF_SEED overrides) and reproducible; a mismatch prints the seed and
 * the program in -ddd form.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkClassic } from '../../src/cbpf/checker.js';
import { insn, type ClassicInsn } from '../../src/cbpf/insn.js';
import { Prng, testSeed } from '../helpers/prng.js';
import { buildHarness, runHarness } from '../helpers/c-harness.js';
import { randomProgram, toDdd } from './classic-gen.js';

const linuxSkip = process.platform !== 'linux' ? 'SO_ATTACH_FILTER needs Linux' : false;
const harness = linuxSkip ? { skip: linuxSkip } : buildHarness('test/harness/attach-filter.c');
const skip = 'skip' in harness ? harness.skip : false;

function kernelVerdicts(programs: readonly (readonly ClassicInsn[])[]): boolean[] {
  if (!('path' in harness)) throw new Error('no harness');
  const lines = runHarness(harness.path, programs.map(toDdd).join(''));
  assert.equal(lines.length, programs.length, 'one verdict per program');
  return lines.map((l) => {
    if (l !== 'ok' && l !== 'EINVAL') throw new Error(`unexpected kernel answer ${l}`);
    return l === 'ok';
  });
}

/** Compares verdicts; returns how many programs the kernel accepted. */
function compare(programs: readonly (readonly ClassicInsn[])[], seed: number | string): number {
  const kernel = kernelVerdicts(programs);
  let mismatches = 0;
  const reports: string[] = [];
  programs.forEach((p, i) => {
    const ours = checkClassic(p);
    if (ours.ok !== kernel[i]) {
      mismatches++;
      if (reports.length < 5) {
        reports.push(`seed ${seed} program #${i}: kernel ${kernel[i] ? 'accepts' : 'rejects'}, we ${ours.ok ? 'accept' : `reject (${ours.message})`}\n${toDdd(p)}`);
      }
    }
  });
  assert.equal(mismatches, 0, reports.join('\n'));
  return kernel.filter(Boolean).length;
}

/** Breaks one rule of a (usually valid) program. */
function mutate(rng: Prng, p: ClassicInsn[]): ClassicInsn[] {
  const out = [...p];
  const i = rng.int(out.length);
  const at = out[i]!;
  switch (rng.int(9)) {
    case 0: out[i] = insn(rng.int(0x100), at.jt, at.jf, at.k); break;           // any 8-bit opcode
    case 1: out[i] = insn(rng.u32() & 0xffff, at.jt, at.jf, at.k); break;       // any 16-bit opcode
    case 2: out[i] = insn(rng.pick([0x34, 0x94]), 0, 0, rng.pick([0, 0, 1])); break; // div/mod by k
    case 3: out[i] = insn(rng.pick([0x64, 0x74]), 0, 0, rng.pick([31, 32, 33, 0xffffffff])); break;
    case 4: out[i] = insn(rng.pick([0x60, 0x61, 0x02, 0x03]), 0, 0, rng.pick([15, 16, 17, 0xffffffff])); break;
    case 5: out[i] = insn(0x05 | rng.pick([0x10, 0x20, 0x30, 0x40, 0x18]), rng.int(256), rng.int(256), at.k); break;
    case 6: out[i] = insn(0x05, 0, 0, Math.max(0, out.length - i - 2 + rng.int(3))); break; // ja near the end
    case 7: out[i] = insn(rng.pick([0x20, 0x28, 0x30, 0x40, 0xb1]), 0, 0, (-0x1000 + rng.int(72)) >>> 0); break;
    default: out[out.length - 1] = insn(rng.pick([0x06, 0x16, 0x0e, 0x1e, 0x00, 0x15]), 0, 0, 0); break;
  }
  return out;
}

test('checker = kernel on seeded random near-valid and mutated programs', { skip }, () => {
  const seed = testSeed(0xc4ec);
  const rng = new Prng(seed);
  const programs: ClassicInsn[][] = [];
  for (let n = 0; n < 6000; n++) {
    const base = randomProgram(rng, { ancillary: true, negativeOffsets: true, wideShiftX: true, maxLength: rng.bool(0.1) ? 300 : 20 });
    programs.push(rng.bool(0.5) ? base : mutate(rng, base));
  }
  const accepted = compare(programs, seed);
  // Both verdicts must be well represented, or the comparison says little.
  assert.ok(accepted > programs.length * 0.2 && accepted < programs.length * 0.8, `kernel accepted ${accepted} of ${programs.length}`);
});

test('checker = kernel on every 16-bit opcode in a small program', { skip }, () => {
  // [st M[1]; OP k=1 jt=0 jf=0; ret #0; ret #0]: k = 1 keeps div, shift, M[1] and ja 1 legal,
  // so the verdict is the opcode whitelist alone; k = 0xfffff000 probes the ancillary rule.
  const programs: ClassicInsn[][] = [];
  for (let code = 0; code <= 0xffff; code++) {
    programs.push([insn(0x02, 0, 0, 1), insn(code, 0, 0, 1), insn(0x06, 0, 0, 0), insn(0x06, 0, 0, 0)]);
  }
  for (const code of [0x20, 0x28, 0x30, 0x40, 0x48, 0x50, 0xb1, 0x00, 0x01]) {
    for (let n = -4; n < 72; n++) programs.push([insn(code, 0, 0, (-0x1000 + n) >>> 0), insn(0x16, 0, 0, 0)]);
  }
  // The whitelist has 49 opcodes. Of the 9 × 76 probes: ind/msh/imm loads (6 codes) never look
  // at the ancillary rule (6 × 76); the 3 absolute loads pass for the 16 known fields and for
  // the 4 offsets just below SKF_AD_OFF (3 × 20).
  assert.equal(compare(programs, 'exhaustive'), 49 + 6 * 76 + 3 * 20);
});

test('checker = kernel on lengths, jump edges and scratch paths', { skip }, () => {
  const ret = insn(0x06, 0, 0, 1);
  const nop = insn(0x04, 0, 0, 0); // add #0
  const programs: ClassicInsn[][] = [
    [],
    Array(4096).fill(ret),
    Array(4097).fill(ret),
    [...Array(4095).fill(nop), ret],
    // ja k with k = len - pc - 2 (last instruction) and len - pc - 1 (one past it)
    [insn(0x05, 0, 0, 1), ret, ret],
    [insn(0x05, 0, 0, 2), ret, ret],
    [insn(0x15, 1, 0, 0), ret, ret],
    [insn(0x15, 2, 0, 0), ret, ret],
    [insn(0x15, 0, 2, 0), ret, ret],
    [insn(0x15, 255, 255, 0), ...Array(256).fill(ret)],
    // scratch: written on one branch only, on both branches, after a return
    [insn(0x15, 0, 1, 0), insn(0x02, 0, 0, 3), insn(0x60, 0, 0, 3), insn(0x16, 0, 0, 0)],
    [insn(0x15, 0, 2, 0), insn(0x02, 0, 0, 3), insn(0x05, 0, 0, 1), insn(0x02, 0, 0, 3), insn(0x60, 0, 0, 3), insn(0x16, 0, 0, 0)],
    [insn(0x02, 0, 0, 0), insn(0x06, 0, 0, 0), insn(0x60, 0, 0, 0), insn(0x16, 0, 0, 0)],
    [insn(0x61, 0, 0, 0), insn(0x16, 0, 0, 0)],
    // unreachable code and a jump over everything
    [ret, insn(0x04, 0, 0, 0), ret],
    [insn(0x06, 0, 0, 0), insn(0x0e, 0, 0, 0), ret],
  ];
  compare(programs, 'edges');
});

test('kernel quirk: a scratch read after a return inherits the cells written before it', { skip }, () => {
  // check_load_and_stores does not reset its "written" mask after a ret, so the unreachable
  // `ld M[0]` below is accepted. The code can never run, so this is harmless; our checker
  // follows the kernel. If a future kernel starts rejecting it, this test says so.
  const p = [insn(0x02, 0, 0, 0), insn(0x06, 0, 0, 0), insn(0x60, 0, 0, 0), insn(0x16, 0, 0, 0)];
  assert.deepEqual(kernelVerdicts([p]), [true]);
  assert.equal(checkClassic(p).ok, true);
});
