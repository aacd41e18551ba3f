/**
 * `tcpdump -d/-dd/-ddd` listings, byte for byte, against golden files made by the real tcpdump
 * (scripts/golden-cbpf-listings.sh; each section header is the exact command). The -ddd
 * section is parsed here, independently of our own parsers, and is the program under test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { insn, type ClassicInsn } from '../../src/cbpf/insn.js';
import { formatListing, type ListingStyle } from '../../src/cbpf/listing.js';
import { ClassicProgram } from '../../src/cbpf/program.js';

const here = fileURLToPath(new URL('.', import.meta.url));
// Works from test/cbpf (tsx) and from dist/test/cbpf (built): find the repo's test/golden.
const goldenDir = [join(here, '../golden/cbpf-listings'), join(here, '../../../test/golden/cbpf-listings')]
  .find((d) => { try { return readdirSync(d).length > 0; } catch { return false; } })!;

interface Golden { readonly file: string; readonly sections: ReadonlyMap<ListingStyle, { command: string; text: string }> }

function readGolden(file: string): Golden {
  const lines = readFileSync(join(goldenDir, file), 'utf8').split('\n');
  const sections = new Map<ListingStyle, { command: string; text: string }>();
  let current: { style: ListingStyle; command: string; body: string[] } | undefined;
  const flush = (): void => { if (current) sections.set(current.style, { command: current.command, text: current.body.map((l) => `${l}\n`).join('') }); };
  for (const line of lines.slice(1, lines[lines.length - 1] === '' ? -1 : undefined)) {
    const m = /^### (tcpdump (-d{1,3}) .*)$/.exec(line);
    if (m) { flush(); current = { style: m[2]!.slice(1) as ListingStyle, command: m[1]!, body: [] }; continue; }
    current!.body.push(line);
  }
  flush();
  return { file, sections };
}

function parseDdd(text: string): ClassicInsn[] {
  const [count, ...rows] = text.trimEnd().split('\n');
  const insns = rows.map((r) => { const [c, jt, jf, k] = r.split(' ').map(Number); return insn(c!, jt!, jf!, k!); });
  assert.equal(insns.length, Number(count));
  return insns;
}

const files = readdirSync(goldenDir).filter((f) => f.endsWith('.txt')).sort();

test('golden listings exist (run scripts/golden-cbpf-listings.sh to make them)', () => {
  assert.ok(files.length >= 40, `only ${files.length} golden files in ${goldenDir}`);
});

for (const file of files) {
  test(`tcpdump listing ${file}`, () => {
    const golden = readGolden(file);
    const ddd = golden.sections.get('ddd');
    assert.ok(ddd && golden.sections.size === 3, `${file} needs -d, -dd and -ddd sections`);
    const program = new ClassicProgram(parseDdd(ddd.text));
    for (const [style, { command, text }] of golden.sections) {
      assert.equal(formatListing(program, style), text, command);
      assert.equal(formatListing(program.instructions, style), text, command);
    }
  });
}
