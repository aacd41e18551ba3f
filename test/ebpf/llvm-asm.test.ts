/**
 * The LLVM-syntax assembler against llvm-mc-19 (a hand table and random instructions of every
 * kind, hundreds of lines per llvm-mc call), round trips over the clang-19 corpus (bytes → text
 * → bytes and llvm-objdump text → bytes → text), relocations, and llvm-mc-style errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { assembleLlvm } from '../../src/ebpf/asm/llvm-asm.js';
import { disassembleLlvm, formatInsnLlvm, type LlvmSymbol } from '../../src/ebpf/asm/llvm-disasm.js';
import { parseElf, programSections } from '../../src/ebpf/object/elf.js';
import { alu32, decode, encode, slotIndex, type Insn } from '../../src/ebpf/isa/index.js';
import { AsmSyntaxError } from '../../src/core/errors.js';
import { needsTool } from '../helpers/oracles.js';
import { buildDir, corpusDir, corpusObjects, objdumpGoldens, readBytes } from '../helpers/ebpf-corpus.js';
import { randomInsn } from '../helpers/ebpf-random.js';
import { llvmMcEncodings } from '../helpers/llvm.js';
import { Prng, testSeed } from '../helpers/prng.js';

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
const one = (line: string): Insn => { const r = assembleLlvm(line); assert.equal(r.insns.length, 1, line); return r.insns[0]!; };

// Written the way people write it (decimal, no spaces, upper case, llvm-mc's own forms).
const TABLE = [
  'r0 = 1', 'r0 = -1', 'R3 = 0xffffffff', 'r0=1', 'w0 = -5', 'w1 += w2', 'r1 -= -7', 'w0 = -w0', 'r0 = -r0', 'r1 s/= r2',
  'w1 s%= 3', 'r1 s>>= 63', 'w9 s>>= w3', 'r0 = (s8)r1', 'w0 = (s16)w1', 'r0 = (s32)r1', 'r1 = bswap16 r1', 'r1 = bswap32 r1',
  'r1 = bswap64 r1', 'r0 = be16 r0', 'r0 = be32 r0', 'r0 = be64 r0', 'r0 = le16 r0', 'r0 = le32 r0', 'r0 = le64 r0',
  'r0 = *(u32 *)(r1 + 4)', 'r0 = *(u64 *)(r10 - 8)', 'r0 = *(s16 *)(r1 + 4)', 'r0 = *(s8 *)(r1 + 0)', 'r0 = *(s32 *)(r1 - 32768)',
  'w0 = *(u8 *)(r1 + 4)', 'w0 = *(u16 *)(r1 +0x4)', 'r0 = *(u8 *)(r1 + 32767)', '*(u8 *)(r10 - 1) = 7', '*(u16 *)(r10 - 2) = -1',
  '*(u32 *)(r1 + 2) = r2', '*(u32 *)(r1 + 2) = w2', '*(u64 *)(r1 + 2) = -2', '*(u64 *)(r1 + 0) = 0x80000000', '*(u8 *)(r1 + 0) = w3',
  'lock *(u64 *)(r1 + 0) += r2', 'lock *(u64 *)(r1 + 0) |= r2', 'lock *(u64 *)(r1 + 0) &= r2', 'lock *(u64 *)(r1 + 0) ^= r2',
  'lock *(u32 *)(r1 + 8) ^= w2', 'lock *(u32 *)(r1 + 8) |= w2', 'lock *(u32 *)(r1 + 8) &= w2', 'lock *(u32 *)(r1 + 8) += w2',
  'lock *(u32 *)(r1 + 8) += r2', 'r2 = atomic_fetch_and((u64 *)(r1 + 0), r2)', 'r2 = atomic_fetch_or((u64 *)(r1 - 8), r2)',
  'r2 = atomic_fetch_xor((u64 *)(r1 + 0), r2)', 'r2 = atomic_fetch_add((u64 *)(r1 + 0), r2)', 'w2 = atomic_fetch_add((u32 *)(r1 + 0), w2)',
  'w2 = atomic_fetch_xor((u32 *)(r1 + 0), w2)', 'r2 = xchg_64(r1 + 0, r2)', 'w2 = xchg32_32(r1 + 0, w2)', 'w0 = cmpxchg32_32(r1 + 0, w0, w2)',
  'r0 = cmpxchg_64(r1 + 16, r0, r2)', 'r0 = 0x1122334455667788 ll', 'r0 = -1 ll', 'r0 = 5 ll', 'r1 = 18446744073709551615 ll',
  'r1 = -9223372036854775808 ll', 'r0 = *(u8 *)skb[1]', 'r0 = *(u16 *)skb[r1]', 'r0 = *(u32 *)skb[-1]', 'if w1 s< w2 goto -5',
  'if r1 > 0x2 goto +3', 'if r1 > -2 goto 3', 'if w1 > -2 goto +3', 'if r1 & 0x10 goto +1', 'if r1 == r2 goto +0', 'if r1 != 0 goto -1',
  'if r1 >= 7 goto +32767', 'if r1 < 7 goto -32768', 'if r1 <= r9 goto +2', 'if r1 s> r9 goto +2', 'if r1 s>= 1 goto +2', 'if w1 s<= w2 goto +2',
  'if w1 == 0xffffffff goto +2', 'goto +2', 'goto -2', 'goto 0', 'gotol +100', 'gotol -1', 'call 1', 'call -1', 'call 2147483647', 'exit',
  'r0 = r1', 'w0 = w1', 'r1 <<= 3', 'w1 >>= 3', 'r1 *= r1', 'r1 %= r2', 'r1 /= 0x7fffffff', 'w1 ^= 0xffff', 'r1 |= 2147483647',
  'r1 &= -2147483648', 'r0 = 010', 'r0 = 0b101', 'r10 = 0', 'w10 = w10', 'r0 = 1 # comment', 'r0 = 1 // comment', 'ld_pseudo r1, 2, 7',
];

for (const [triple, little] of [['bpfel', true], ['bpfeb', false]] as const) {
  test(`hand table: ours ≡ llvm-mc-19 -show-encoding (${triple})`, needsTool('llvm-mc-19'), () => {
    const { encodings, stderr } = llvmMcEncodings(TABLE, triple);
    assert.equal(stderr, '');
    assert.equal(encodings.length, TABLE.length);
    TABLE.forEach((line, i) => assert.equal(hex(encode([one(line)], little)), hex(encodings[i]!), line));
  });
}

/** Instructions whose LLVM text says everything about them (see llvm-disasm.ts for the lossy ones). */
function expressible(insn: Insn): boolean {
  switch (insn.kind) {
    case 'call-local': case 'kfunc': return false;
    case 'ldind': return insn.imm === 0;
    case 'lddw': return insn.pseudo === 0 || insn.value <= 0xffffffffn;
    case 'ja': return !insn.long || (typeof insn.off === 'number' && insn.off >= -0x8000 && insn.off <= 0x7fff); // llvm-mc-19 parses gotol offsets as 16-bit
    default: return true;
  }
}

test('random instructions: our text → llvm-mc-19 bytes ≡ our bytes, and our assembler gives the value back', needsTool('llvm-mc-19'), () => {
  const seed = testSeed(0xa53);
  const rng = new Prng(seed);
  const insns: Insn[] = [];
  while (insns.length < 1200) { const x = randomInsn(rng); if (expressible(x)) insns.push(x); }
  for (const cpu of ['generic', 'v4'] as const) {
    // Without alu32, 32-bit atomics other than add print <unknown> and fetch-add prints as add.
    const usable = insns.filter((x) => cpu === 'v4' || !(x.kind === 'atomic' && x.size === 4));
    const lines = usable.map((x) => formatInsnLlvm(x, { cpu }));
    for (const [triple, little] of [['bpfel', true], ['bpfeb', false]] as const) {
      const { encodings, stderr } = llvmMcEncodings(lines, triple);
      assert.equal(stderr, '', `seed ${seed}`);
      assert.equal(encodings.length, usable.length);
      usable.forEach((x, i) => assert.equal(hex(encode([x], little)), hex(encodings[i]!), `seed ${seed}: ${lines[i]}`));
    }
    usable.forEach((x, i) => {
      const back = one(lines[i]!);
      assert.deepEqual(back, x, `seed ${seed}: ${lines[i]}`);
    });
  }
});

/** llvm's text cannot tell a local call from a helper call (`call 0xc` either way). */
const helperized = (insns: readonly Insn[]): Insn[] =>
  insns.map((x) => (x.kind === 'call-local' && typeof x.off === 'number' ? { kind: 'call', helper: x.off } : x));

test('corpus: bytes → our text → our bytes is exact for every program section (local calls aside)', () => {
  let sections = 0, insnCount = 0;
  for (const obj of corpusObjects()) {
    for (const p of programSections(parseElf(readBytes(join(buildDir, obj.file))))) {
      const original = decode(p.bytes, p.littleEndian);
      const text = disassembleLlvm(original, { cpu: 'v4' }).join('\n');
      const back = assembleLlvm(text);
      assert.deepEqual(back.insns, helperized(original), `${obj.file} ${p.name}`);
      const expected = encode(helperized(original), p.littleEndian);
      assert.equal(hex(encode(back.insns, p.littleEndian)), hex(expected));
      sections++; insnCount += original.length;
    }
  }
  assert.ok(sections >= 12 && insnCount > 300, `${sections} sections, ${insnCount} instructions`);
});

test('corpus: llvm-objdump-19 listings → our bytes equal its byte column, and back to the same text', () => {
  let rows = 0;
  for (const g of objdumpGoldens().filter((x) => x.command.includes('--mcpu=v4') && !x.command.includes('--no-show-raw-insn'))) {
    const little = g.object.includes('.bpfel.');
    for (const block of g.text.split(/\n(?=Disassembly of section )/).slice(1)) {
      const listing = block.split('\n');
      const asm = assembleLlvm(listing.join('\n'));
      const insnRows = listing.filter((l) => /^\s+\d+:\t/.test(l));
      assert.equal(asm.insns.length, insnRows.length, g.file);
      // Symbols for the target annotations come back from the listing's own headers (labels).
      const pcs = slotIndex(asm.insns);
      const symbols: LlvmSymbol[] = [];
      let i = 0;
      for (const item of asm.items) {
        if (item.kind === 'label') symbols.push({ name: item.name, address: (pcs[i] ?? pcs.length) * 8 });
        else i++;
      }
      const ours = disassembleLlvm(asm.insns, { cpu: 'v4', listing: true, rawInsn: true, littleEndian: little, symbols });
      insnRows.forEach((row, k) => {
        const isLocalCall = /\tcall /.test(row) && /^\s+\d+:\t85 (1|01)/.test(row);
        if (isLocalCall) return; // `85 10 ...` prints as `call imm` and assembles to a helper call (src 0)
        assert.equal(ours[k], row, `${g.file}`);
        rows++;
      });
    }
  }
  assert.ok(rows > 300);
});

test('map references and external calls become relocations; labels link', () => {
  const src = [
    'prog:',
    '  r1 = my_map ll      ; a map',
    '  call sub',
    '  call ext_fn',
    '  if r0 == 0 goto out',
    '  r0 = 1',
    'out:',
    '  exit',
    'sub: r0 = 2',
    '  exit',
  ].join('\n');
  const r = assembleLlvm(src);
  assert.deepEqual(r.relocations, [{ index: 0, symbol: 'my_map', kind: 'map', line: 2 }, { index: 2, symbol: 'ext_fn', kind: 'call', line: 4 }]);
  assert.deepEqual(r.insns.map((x) => formatInsnLlvm(x)), ['r1 = 0x0 ll', 'call 0x4', 'call -0x1', 'if r0 == 0x0 goto +0x1', 'r0 = 0x1', 'exit', 'r0 = 0x2', 'exit']);
  assert.equal(r.insns[1]!.kind, 'call-local');
  assert.deepEqual(r.items.filter((x) => x.kind === 'label').map((x) => (x as { name: string }).name), ['prog', 'out', 'sub']);
});

test('mapPseudo gives map references a pseudo source; LLVM-only instructions are named in the error', () => {
  const r = assembleLlvm('r1 = counts ll\nr2 = 7 ll\nexit', { mapPseudo: 1 });
  assert.deepEqual(r.insns.slice(0, 2).map((x) => formatInsnLlvm(x)), ['ld_pseudo\tr1, 0x1, 0x0', 'r2 = 0x7 ll']);
  assert.deepEqual(r.relocations.map((x) => [x.index, x.symbol]), [[0, 'counts']]);
  for (const [line, col] of [['callx r1', 1], ['may_goto +3', 1], ['r1 = addr_space_cast(r2, 0, 1)', 6]] as const) {
    assert.throws(() => assembleLlvm(line), (e: unknown) => e instanceof AsmSyntaxError && /not supported/.test(e.message) && e.column === col, line);
  }
});

test('syntax errors carry line and column, with llvm-mc messages where llvm-mc rejects the same', () => {
  const cases: [string, string, number][] = [
    ['r0 = *(u32 *)(r1 + 0x8000)', 'operand is not a 16-bit signed integer', 18],
    ['r0 = *(u32 *)(r1 - 0x8001)', 'operand is not a 16-bit signed integer', 18],
    ['r0 = *(u32 *)(r1)', 'operand is not a 16-bit signed integer', 17],
    ['w0 = w1 ll', 'invalid operand for instruction', 9],
    ['r0 = (s32)w1', 'invalid operand for instruction', 11],
    ['w1 = r2', 'invalid operand for instruction', 6],
    ['r0 = -r1', 'additional inst constraint not met', 7],
    ['r1 = be16 r2', 'additional inst constraint not met', 11],
    ['if r1 s> w2 goto +1', 'invalid operand for instruction', 10],
    ['*(u64 *)(r1 + 0) = w2', 'invalid operand for instruction', 20],
    ['goto +32768', 'operand is not an identifier or 16-bit signed integer', 6],
    ['r0 = 1 ll foo', 'invalid operand for instruction', 11],
    ['r0 == 1', 'invalid operand for instruction', 4],
  ];
  for (const [line, message, column] of cases) {
    assert.throws(() => assembleLlvm(`exit\n${line}`), (e: unknown) =>
      e instanceof AsmSyntaxError && e.line === 2 && e.column === column && e.message === message, line);
  }
  assert.throws(() => assembleLlvm('goto nowhere'), (e: unknown) => e instanceof AsmSyntaxError && /unknown label 'nowhere'/.test(e.message) && e.column === 6);
  assert.throws(() => assembleLlvm('a:\na:'), (e: unknown) => e instanceof AsmSyntaxError && e.line === 2);
  assert.throws(() => assembleLlvm('r11 = 1'), (e: unknown) => e instanceof AsmSyntaxError && e.column === 1);
  assert.throws(() => assembleLlvm('r0 = 0x100000000'), (e: unknown) => e instanceof AsmSyntaxError && e.column === 6);
  assert.throws(() => assembleLlvm('r0 = 1 @'), (e: unknown) => e instanceof AsmSyntaxError && e.message === 'unknown token in expression' && e.column === 8);
  assert.throws(() => assembleLlvm('\t.text\n\t.globl f\nf:\n\t.byte 0x95'), (e: unknown) => e instanceof AsmSyntaxError && /data directive '.byte'/.test(e.message) && e.line === 4);
  assert.equal(assembleLlvm('\t.text\n\t.p2align 3\n\t.globl f\n\t.type f,@function\nf:\n\texit\n\t.size f, 8').insns.length, 1);
  assert.deepEqual(assembleLlvm('.LBB0_1: r0 = 1\n  goto .LBB0_1').insns.map((x) => formatInsnLlvm(x)), ['r0 = 0x1', 'goto -0x2']);
  assert.throws(() => assembleLlvm('       3:\t<unknown>'), (e: unknown) => e instanceof AsmSyntaxError && /could not decode/.test(e.message) && e.column === 11);
  assert.throws(() => assembleLlvm('exit\n\t\t...'), (e: unknown) => e instanceof AsmSyntaxError && /zero bytes/.test(e.message) && e.line === 2 && e.column === 3);
});

test('the error cases are rejected by llvm-mc-19 at the same column', needsTool('llvm-mc-19'), () => {
  for (const line of ['r0 = *(u32 *)(r1 + 0x8000)', 'r0 = *(u32 *)(r1)', 'w0 = w1 ll', 'r0 = (s32)w1', 'w1 = r2', 'if r1 s> w2 goto +1',
    '*(u64 *)(r1 + 0) = w2', 'goto +32768', 'r0 == 1', 'r0 = 1 ll foo']) {
    const r = spawnSync('llvm-mc-19', ['-triple', 'bpfel', '-mcpu=v4'], { input: `${line}\n`, encoding: 'utf8' });
    let ours: AsmSyntaxError | undefined;
    try { assembleLlvm(line); } catch (e) { ours = e as AsmSyntaxError; }
    assert.ok(ours, line);
    assert.match(r.stderr, new RegExp(`<stdin>:1:${ours.column}: error: ${ours.message.replace(/[()*+]/g, '\\$&')}`), line);
  }
});

test('llvm-objdump -dr listings (relocation rows) assemble to the section bytes', () => {
  for (const g of objdumpGoldens().filter((x) => x.command.includes('-dr'))) {
    const little = g.object.includes('.bpfel.');
    const elf = parseElf(readBytes(join(buildDir, g.object)));
    const blocks = g.text.split(/\n(?=Disassembly of section )/).slice(1);
    const progs = programSections(elf);
    assert.equal(blocks.length, progs.length, g.file);
    blocks.forEach((block, i) => {
      if (block.includes('<unknown>')) return; // 32-bit atomics without alu32: llvm-objdump's generic text has no form for them
      const asm = assembleLlvm(block);
      assert.equal(hex(encode(asm.insns, little)), hex(encode(helperized(decode(progs[i]!.bytes, little)), little)), `${g.file} ${progs[i]!.name}`);
    });
  }
});

test('mutated instruction text never raises anything but AsmSyntaxError', () => {
  const seed = testSeed(0xf022);
  const rng = new Prng(seed);
  const alphabet = ' \t()*+-=<>&|^%s/[]:,;#rwul0123456789xabcdefkgotlmsi_.\n';
  let accepted = 0;
  for (let i = 0; i < 20000; i++) {
    let t = formatInsnLlvm(randomInsn(rng), { cpu: 'v4' });
    for (let k = 0, n = 1 + rng.int(3); k < n; k++) {
      const at = rng.int(t.length + 1);
      const c = alphabet[rng.int(alphabet.length)]!;
      const r = rng.int(3);
      t = r === 0 ? t.slice(0, at) + t.slice(at + 1) : r === 1 ? t.slice(0, at) + c + t.slice(at) : t.slice(0, at) + c + t.slice(at + 1);
    }
    try { assembleLlvm(t); accepted++; } catch (e) { assert.ok(e instanceof AsmSyntaxError, `seed ${seed}: ${JSON.stringify(t)}: ${e}`); }
  }
  assert.ok(accepted > 500 && accepted < 19000, `${accepted} accepted`);
});

test('clang-19 -S output of the corpus assembles, section by section, to the bytes clang put in the object', needsTool('clang-19'), () => {
  let sections = 0;
  for (const obj of corpusObjects()) {
    const r = spawnSync('clang-19', ['-O2', '-g', '-target', obj.target, `-mcpu=${obj.cpu}`, '-S', '-o', '-', join(corpusDir, `${obj.name}.c`)], { encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.equal(r.status, 0, r.stderr);
    const asm = assembleLlvm(r.stdout);
    const progs = programSections(parseElf(readBytes(join(buildDir, obj.file))));
    assert.deepEqual(asm.sections.map((s) => s.name).sort(), progs.map((p) => p.name).sort(), obj.file);
    for (const p of progs) {
      const sec = asm.sections.find((s) => s.name === p.name)!;
      assert.equal(hex(encode(sec.insns, p.littleEndian)), hex(p.bytes), `${obj.file} ${p.name}`);
      // Relocations land on the same slots as the object's (symbol names differ only for section-relative calls).
      const pcs = slotIndex(sec.insns);
      assert.deepEqual(sec.relocations.map((x) => pcs[x.index]! * 8), p.relocations.map((x) => x.offset), `${obj.file} ${p.name}`);
      sections++;
    }
  }
  assert.ok(sections >= 12);
});

test('rD = wS (clang -S for a zero-extending move) assembles to wD = wS', () => {
  assert.deepEqual(one('r8 = w2'), alu32.mov.reg(8, 2));
});
