/**
 * The LLVM-syntax disassembler against llvm-objdump-19: the committed golden dumps of the C
 * corpus (made by scripts/build-ebpf-corpus.sh), a live rebuild of the corpus when clang-19
 * exists, and random instructions of every kind in both byte orders and both cpu modes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { encode, R0, R1, R2, alu32, alu64, atomic, ldx, stx, lddw, jmp, type Insn } from '../../src/ebpf/isa/index.js';
import { disassembleLlvm, formatInsnLlvm } from '../../src/ebpf/asm/llvm-disasm.js';
import { objdumpLlvm } from '../../src/ebpf/asm/llvm-objdump.js';
import { parseElf } from '../../src/ebpf/object/elf.js';
import { needsTool } from '../helpers/oracles.js';
import { buildDir, compileCorpus, corpusObjects, objdumpGoldens, readBytes } from '../helpers/ebpf-corpus.js';
import { randomInsn, randomProgram } from '../helpers/ebpf-random.js';
import { llvmObjdumpBytes } from '../helpers/llvm.js';
import { Prng, testSeed } from '../helpers/prng.js';

function firstDifference(ours: string, want: string): string {
  const a = ours.split('\n'), b = want.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}: ours ${JSON.stringify(a[i])}, llvm-objdump ${JSON.stringify(b[i])}`;
  }
  return 'identical';
}

const optionsOf = (command: readonly string[]) => ({
  cpu: command.includes('--mcpu=v4') ? ('v4' as const) : ('generic' as const),
  rawInsn: !command.includes('--no-show-raw-insn'),
  relocations: command.includes('-dr'),
});

test('every golden llvm-objdump-19 dump of the corpus is reproduced byte for byte', () => {
  const goldens = objdumpGoldens();
  assert.ok(goldens.length >= 40, `expected the corpus goldens, found ${goldens.length}`);
  let lines = 0;
  for (const g of goldens) {
    const elf = parseElf(readBytes(join(buildDir, g.object)));
    const ours = objdumpLlvm(elf, g.object, optionsOf(g.command));
    assert.equal(ours, g.text, `${g.file}: ${firstDifference(ours, g.text)}`);
    lines += g.text.split('\n').length;
  }
  assert.ok(lines > 1000);
});

test('a fresh clang-19 build of the corpus disassembles as llvm-objdump-19 does', needsTool('clang-19'), (t) => {
  if (needsTool('llvm-objdump-19').skip) return t.skip('llvm-objdump-19 is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'tsbpf-corpus-'));
  try {
    for (const obj of corpusObjects()) {
      const path = compileCorpus(obj, dir);
      for (const flags of [['-d'], ['-d', '--no-show-raw-insn', '--mcpu=v4'], ['-dr']]) {
        const r = spawnSync('llvm-objdump-19', [...flags, basename(path)], { cwd: dirname(path), encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        const ours = objdumpLlvm(parseElf(readBytes(path)), basename(path), optionsOf(flags));
        assert.equal(ours, r.stdout, `${obj.file} ${flags.join(' ')}: ${firstDifference(ours, r.stdout)}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('llvm-mc-19 objects: labels as symbols, two symbols at one address, cross-section call, sections without symbols (-dr)', needsTool('llvm-mc-19'), (t) => {
  if (needsTool('llvm-objdump-19').skip) return t.skip('llvm-objdump-19 is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'tsbpf-mc-'));
  try {
    const src = ['\t.text', '\t.globl f', 'f:', 'g:', ' r0 = 0', 'loop:', ' r0 += 1', ' if r0 < 10 goto loop', ' goto out', '.Lhidden:',
      ' r0 = 5', 'out:', ' exit', '\t.section xdp,"ax"', 'h:', ' call f', ' r1 = g ll', ' exit', ''].join('\n');
    // A second object: sections without symbols, and code before the first symbol.
    const bare = ['\t.section xdp,"ax"', ' r0 = 0', ' exit', '\t.section tc,"ax"', ' r0 = 1', 'later:', ' exit', ''].join('\n');
    for (const [name, text] of [['m', src], ['n', bare]]) {
      writeFileSync(join(dir, `${name}.s`), text);
      const mc = spawnSync('llvm-mc-19', ['-triple', 'bpfel', '-filetype=obj', `${name}.s`, '-o', `${name}.o`], { cwd: dir, encoding: 'utf8' });
      assert.equal(mc.status, 0, mc.stderr);
      const want = spawnSync('llvm-objdump-19', ['-dr', `${name}.o`], { cwd: dir, encoding: 'utf8' }).stdout;
      const ours = objdumpLlvm(parseElf(readBytes(join(dir, `${name}.o`))), `${name}.o`, { relocations: true });
      assert.equal(ours, want, firstDifference(ours, want));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const [triple, little] of [['bpfel', true], ['bpfeb', false]] as const) {
  for (const cpu of ['generic', 'v4'] as const) {
    test(`random instructions of every kind: ours ≡ llvm-objdump-19 (${triple}, ${cpu})`, needsTool('llvm-objdump-19'), () => {
      const seed = testSeed(0x5eed + (little ? 0 : 1) + (cpu === 'v4' ? 2 : 0));
      const prog = randomProgram(seed, 1500);
      const bytes = encode(prog, little);
      const want = llvmObjdumpBytes(bytes, { triple, mcpu: cpu === 'v4' ? 'v4' : undefined, raw: true });
      const ours = disassembleLlvm(bytes, { cpu, listing: true, rawInsn: true, littleEndian: little, symbols: [{ name: 'f', address: 0 }] });
      assert.equal(ours.length, want.length, `seed ${seed}`);
      for (let i = 0; i < want.length; i++) assert.equal(ours[i], want[i], `seed ${seed}, line ${i}`);
    });
  }
}

test('instruction text details (facts taken from llvm-objdump-19 output)', () => {
  const cases: [Insn, string, string][] = [
    // instruction, generic cpu, v4
    [alu64.mov.imm(R0, -1), 'r0 = -0x1', 'r0 = -0x1'],
    [alu64.and.imm(R1, -0x80000000), 'r1 &= -0x80000000', 'r1 &= -0x80000000'],
    [alu32.neg(R0), 'w0 = -w0', 'w0 = -w0'],
    [ldx(4, R0, R1, 4), 'r0 = *(u32 *)(r1 + 0x4)', 'w0 = *(u32 *)(r1 + 0x4)'],
    [ldx(8, R0, 10, -8), 'r0 = *(u64 *)(r10 - 0x8)', 'r0 = *(u64 *)(r10 - 0x8)'],
    [stx(2, R1, R2, 2), '*(u16 *)(r1 + 0x2) = r2', '*(u16 *)(r1 + 0x2) = w2'],
    [atomic('or', 4, R1, R2, 8), '<unknown>', 'lock *(u32 *)(r1 + 0x8) |= w2'],
    [atomic('add', 4, R1, R2, 0, true), 'lock *(u32 *)(r1 + 0x0) += r2', 'w2 = atomic_fetch_add((u32 *)(r1 + 0x0), w2)'],
    [atomic('cmpxchg', 8, R1, R2, 0x18), 'r0 = cmpxchg_64(r1 + 0x18, r0, r2)', 'r0 = cmpxchg_64(r1 + 0x18, r0, r2)'],
    [lddw(R1, -0x61c8864680b583ebn), 'r1 = -0x61c8864680b583eb ll', 'r1 = -0x61c8864680b583eb ll'],
    [lddw(R1, 7n, 2), 'ld_pseudo\tr1, 0x2, 0x7', 'ld_pseudo\tr1, 0x2, 0x7'],
  ];
  for (const [insn, generic, v4] of cases) {
    assert.equal(formatInsnLlvm(insn), generic);
    assert.equal(formatInsnLlvm(insn, { cpu: 'v4' }), v4);
  }
  const symbols = [{ name: 'f', address: 0 }, { name: 'g', address: 0xa8 }];
  assert.equal(formatInsnLlvm(jmp.gt.imm(R1, 2, 3), { pc: 44, symbols }), 'if r1 > 0x2 goto +0x3 <g+0xd8>');
  assert.equal(formatInsnLlvm(jmp.gt.imm(R1, 2, -3), { pc: 3, symbols }), 'if r1 > 0x2 goto -0x3 <f+0x8>');
  assert.equal(formatInsnLlvm(jmp.eq.reg(R1, R2, 0x7fff)), 'if r1 == r2 goto +0x7fff');
});

/** A byte stream mixing valid instructions, mutated ones, random slots, zero runs and a ragged tail. */
function hostileBytes(rng: Prng, count: number, little: boolean): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const b = encode([randomInsn(rng)], little).slice();
    const k = rng.int(7);
    if (k === 0) b.set(rng.bytes(8));
    else if (k === 1) b[1 + rng.int(7)] = rng.u32() & 0xff;
    else if (k === 2) b[1] = rng.u32() & 0xff;
    else if (k === 3 && rng.bool(0.1)) parts.push(new Uint8Array(8 + rng.int(12)));
    parts.push(b);
  }
  parts.push(rng.bytes(rng.int(8)));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

for (const [triple, little] of [['bpfel', true], ['bpfeb', false]] as const) {
  for (const cpu of ['generic', 'v4'] as const) {
    test(`arbitrary bytes (mutated, random, zero runs, ragged end) list as llvm-objdump-19 does (${triple}, ${cpu})`, needsTool('llvm-objdump-19'), () => {
      const seed = testSeed(0xb17e5 + (little ? 0 : 1) + (cpu === 'v4' ? 2 : 0));
      const bytes = hostileBytes(new Prng(seed), 2000, little);
      const want = llvmObjdumpBytes(bytes, { triple, mcpu: cpu === 'v4' ? 'v4' : undefined, raw: true });
      const ours = disassembleLlvm(bytes, { cpu, listing: true, rawInsn: true, littleEndian: little, symbols: [{ name: 'f', address: 0 }] });
      assert.equal(ours.length, want.length, `seed ${seed}`);
      for (let i = 0; i < want.length; i++) assert.equal(ours[i], want[i], `seed ${seed}, line ${i}`);
    });
  }
}

test('LLVM decoding facts: zero runs, ragged tails, r11, callx, may_goto, addr_space_cast (from llvm-objdump-19)', () => {
  const b = (s: string) => Uint8Array.from(s.split(' ').map((x) => parseInt(x, 16)));
  const list = (s: string, cpu: 'generic' | 'v4' = 'v4') => disassembleLlvm(b(s), { listing: true, rawInsn: true, cpu });
  assert.deepEqual(list('00 00 00 00 00 00 00 00 00 00 00 00 95 00 00 00 00 00 00 00'), ['\t\t...', '       1:\t95 00 00 00 00 00 00 00\texit']);
  assert.deepEqual(list('95 00 00 00 00 00 00 00 00 01'), ['       0:\t95 00 00 00 00 00 00 00\texit', '       1:\t00\t<unknown>', '       1:\t01\t<unknown>']);
  assert.deepEqual(list('18 0c 00 00 05 00 00 00 00 00 00 00 01 00 00 00'), ['       0:\t18 0c 00 00 05 00 00 00\t<unknown>', '       1:\t00 00 00 00 01 00 00 00\t<unknown>']);
  assert.deepEqual(disassembleLlvm(b('b7 0b 00 00 01 00 00 00 8d c0 00 00 00 00 00 00 e5 00 03 00 00 00 00 00 bf 01 01 00 00 00 01 00 c3 21 00 00 02 00 00 00')),
    ['r11 = 0x1', 'callx r0', 'may_goto +0x3', 'r1 = addr_space_cast(r0, 0x1, 0x0)', 'lock *(u32 *)(r1 + 0x0) += r2']);
  assert.deepEqual(list('c3 21 00 00 41 00 00 00', 'generic'), ['       0:\tc3 21 00 00 41 00 00 00\t<unknown>']);
  assert.deepEqual(list('e4 01 00 00 00 00 00 80 95 00 00 00 00 00 00 00'), ['       0:\te4 01 00 00 00 00 00 80\t<unknown>', '       1:\t95 00 00 00 00 00 00 00\texit']);
});
