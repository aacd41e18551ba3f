/**
 * The minimal ELF reader against llvm-readobj-19 (committed JSON made by
 * scripts/build-ebpf-corpus.sh, and live when the tool exists), program sections of both byte
 * orders, and malformed files: every truncation and many byte mutations of a real object end in
 * an ElfError with an offset inside the file or parse cleanly, never in another exception.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ElfError, parseElf, programSections, SHF_EXECINSTR, STT_SECTION, type ElfFile } from '../../src/ebpf/object/elf.js';
import { decode } from '../../src/ebpf/isa/index.js';
import { buildDir, corpusObjects, readBytes } from '../helpers/ebpf-corpus.js';
import { Prng, testSeed } from '../helpers/prng.js';

interface ReadobjSection { Section: { Index: number; Name: { Name: string }; Type: { Value: number }; Flags: { Value: number }; Offset: number; Size: number; Link: number; Info: number; EntrySize: number } }
interface ReadobjSymbol { Symbol: { Name: { Name: string }; Value: number; Size: number; Binding: { Value: number }; Type: { Value: number }; Section: { Value: number } } }
interface ReadobjReloc { SectionIndex: number; Relocs: { Relocation: { Offset: number; Type: { Value: number }; Symbol: { Name: string; Value: number } } }[] }
interface Readobj { Sections: ReadobjSection[]; Symbols: ReadobjSymbol[]; Relocations: ReadobjReloc[] }

function compareWithReadobj(elf: ElfFile, oracle: Readobj, what: string): void {
  assert.deepEqual(
    elf.sections.map((s) => [s.index, s.name, s.type, s.flags, s.offset, s.size, s.link, s.info, s.entsize]),
    oracle.Sections.map(({ Section: s }) => [s.Index, s.Name.Name, s.Type.Value, s.Flags.Value, s.Offset, s.Size, s.Link, s.Info, s.EntrySize]),
    `${what}: sections`,
  );
  // readobj lists symbols from index 0; it shows a section symbol under its section's name.
  assert.deepEqual(
    elf.symbols.map((y) => [y.type === STT_SECTION ? elf.sections[y.section]!.name : y.name, y.value, y.size, y.bind, y.type, y.section]),
    oracle.Symbols.map(({ Symbol: y }) => [y.Name.Name, y.Value, y.Size, y.Binding.Value, y.Type.Value, y.Section.Value]),
    `${what}: symbols`,
  );
  // readobj groups relocations by their REL section; ours carry the section they apply to.
  const want = oracle.Relocations.flatMap((group) => {
    const target = elf.sections[group.SectionIndex]!.info;
    return group.Relocs.map(({ Relocation: r }) => [target, r.Offset, r.Type.Value, r.Symbol.Value]);
  });
  assert.deepEqual(elf.relocations.map((r) => [r.section, r.offset, r.type, r.symbol]), want, `${what}: relocations`);
}

test('sections, symbols and relocations equal llvm-readobj-19 (committed JSON) for every corpus object', () => {
  const objects = corpusObjects();
  assert.ok(objects.length >= 10);
  for (const obj of objects) {
    const elf = parseElf(readBytes(join(buildDir, obj.file)));
    assert.equal(elf.littleEndian, obj.target === 'bpfel');
    assert.equal(elf.machine, 247);
    const oracle = (JSON.parse(readFileSync(join(buildDir, obj.file.replace(/\.o$/, '.readobj.json')), 'utf8')) as Readobj[])[0]!;
    compareWithReadobj(elf, oracle, obj.file);
  }
});

test('program sections: executable, non-empty, their function symbols, their relocations, decodable', () => {
  for (const obj of corpusObjects()) {
    const elf = parseElf(readBytes(join(buildDir, obj.file)));
    const progs = programSections(elf);
    assert.ok(progs.length >= 1, obj.file);
    for (const p of progs) {
      assert.ok((p.section.flags & SHF_EXECINSTR) !== 0 && p.bytes.length > 0 && p.bytes.length % 8 === 0);
      assert.ok(p.symbols.length >= 1, `${obj.file} ${p.name} has a function symbol`);
      assert.ok(p.relocations.every((r) => r.offset % 8 === 0 && r.offset < p.bytes.length));
      decode(p.bytes, p.littleEndian);
    }
  }
  const calls = programSections(parseElf(readBytes(join(buildDir, 'bpf2bpf-calls.bpfel.v3.o'))));
  assert.deepEqual(calls.map((p) => [p.name, p.symbols.map((s) => s.name)]), [['.text', ['fold', 'clamp', 'mix']], ['xdp', ['calls_main']]]);
  const maps = programSections(parseElf(readBytes(join(buildDir, 'xdp-parser.bpfeb.v3.o'))));
  assert.deepEqual(maps[0]!.relocations.map((r) => [r.offset, r.symbolName]), [[31 * 8, 'port_counts']]);
});

test('malformed headers are ElfErrors naming the offending offset', () => {
  const good = readBytes(join(buildDir, 'atomics.bpfel.v3.o'));
  const cases: [Uint8Array, number, RegExp][] = [
    [good.subarray(0, 10), 0, /too short/],
    [Uint8Array.from([0x7f, 0x45, 0x4c, 0x47, ...good.subarray(4)]), 0, /bad magic/],
    [Uint8Array.from([...good.subarray(0, 4), 1, ...good.subarray(5)]), 4, /ELF64/],
    [Uint8Array.from([...good.subarray(0, 5), 3, ...good.subarray(6)]), 5, /data encoding/],
    [good.subarray(0, good.length - 100), 6232, /section header table/], // e_shoff of this object,
  ];
  for (const [bytes, offset, message] of cases) {
    assert.throws(() => parseElf(bytes), (err: unknown) => err instanceof ElfError && err.offset === offset && message.test(err.message));
  }
});

test('truncations and random mutations never raise anything but ElfError', () => {
  const good = readBytes(join(buildDir, 'signed-v4.bpfeb.v4.o'));
  for (let n = 0; n < good.length; n += 7) {
    try { parseElf(good.subarray(0, n)); } catch (err) { assert.ok(err instanceof ElfError, `truncated to ${n}: ${err}`); assert.ok((err as ElfError).offset <= good.length); }
  }
  const seed = testSeed(4242);
  const rng = new Prng(seed);
  for (let i = 0; i < 3000; i++) {
    const bytes = good.slice();
    for (let k = 0, n = 1 + rng.int(4); k < n; k++) bytes[rng.int(bytes.length)] = rng.u32() & 0xff;
    try {
      for (const p of programSections(parseElf(bytes))) void p.bytes.length;
    } catch (err) {
      assert.ok(err instanceof ElfError, `seed ${seed} mutation ${i}: ${err}`);
    }
  }
});
