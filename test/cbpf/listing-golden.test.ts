/**
 * `tcpdump -d/-dd/-ddd` listings, byte for byte, against golden files made by the real tcpdump
 * (scripts/golden-cbpf-listings.sh; each section header is the exact command). The -ddd
 * section is parsed here, independently of our own parsers, and is the program under test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatListing } from '../../src/cbpf/listing.js';
import { goldenDir, goldenFiles, parseDdd, readGolden } from './listing-golden-files.js';
import { ClassicProgram } from '../../src/cbpf/program.js';

const files = goldenFiles();

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
