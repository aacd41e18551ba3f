/**
 * Bad input never crashes the conformance assembler or the .data parser: seeded mutations of
 * the suite's own programs (characters deleted, duplicated, replaced by syntax characters,
 * lines shuffled) either assemble or throw AsmSyntaxError with a line inside the text and a
 * column ≥ 1 — never a TypeError or RangeError. Reproduce with TSBPF_SEED.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { AsmSyntaxError, BpfError } from '../../src/core/errors.js';
import { assembleConformance, parseDataFile } from '../../src/ebpf/asm/conformance/index.js';
import { Prng, testSeed } from '../helpers/prng.js';
import { dataFiles } from '../helpers/conformance.js';

const SEED = testSeed(0xa5a5);
const ALPHABET = '%r0123456789abcdefx[]+-,:# \n\tlockfetchjmpldxst';

function mutate(rng: Prng, text: string): string {
  let s = text;
  for (let n = 1 + rng.int(4); n > 0; n--) {
    const at = rng.int(s.length + 1);
    switch (rng.int(4)) {
      case 0: s = s.slice(0, at) + s.slice(at + 1 + rng.int(3)); break;
      case 1: s = s.slice(0, at) + s.slice(at, at + 1 + rng.int(6)) + s.slice(at); break;
      case 2: s = s.slice(0, at) + ALPHABET[rng.int(ALPHABET.length)] + s.slice(at + 1); break;
      default: { const lines = s.split('\n'); const i = rng.int(lines.length), j = rng.int(lines.length); [lines[i], lines[j]] = [lines[j]!, lines[i]!]; s = lines.join('\n'); }
    }
  }
  return s;
}

test(`mutated suite programs: assembled or AsmSyntaxError with a location (seed ${SEED})`, () => {
  const rng = new Prng(SEED);
  const programs = dataFiles('tests').map((f) => parseDataFile(readFileSync(f, 'utf8')).asm).filter((a): a is string => a !== undefined);
  let ok = 0, rejected = 0;
  for (let i = 0; i < 6000; i++) {
    const text = mutate(rng, rng.pick(programs));
    try {
      assembleConformance(text);
      ok++;
    } catch (e) {
      assert.ok(e instanceof AsmSyntaxError, `case ${i}: ${(e as Error).name}: ${(e as Error).message}\n${text}`);
      assert.ok(e.line >= 1 && e.line <= text.split('\n').length, `case ${i}: line ${e.line}`);
      assert.ok(e.column >= 1, `case ${i}: column ${e.column}`);
      rejected++;
    }
  }
  console.log(`mutations: ${ok} assembled, ${rejected} rejected with a location`);
  assert.ok(rejected > 1000 && ok > 100);
});

test(`mutated .data files: parsed or a BpfError, never a crash (seed ${SEED})`, () => {
  const rng = new Prng(SEED + 1);
  const files = dataFiles('tests').slice(0, 60).map((f) => readFileSync(f, 'utf8'));
  for (let i = 0; i < 3000; i++) {
    const text = mutate(rng, rng.pick(files));
    try { parseDataFile(text); } catch (e) { assert.ok(e instanceof BpfError, `case ${i}: ${(e as Error).name}: ${(e as Error).message}`); }
  }
});
