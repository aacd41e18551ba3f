/**
 * A seeded corpus of generated frames (every protocol the printer knows, malformed and cut
 * short ones included) written as captures of each link type, printed by tcpdump and by us:
 * identical text, line for line. Seeds come from TSBPF_SEED when set.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { corpus, reframe, writeCapture, type CorpusOptions } from '../helpers/capture-corpus.js';
import { needsTool } from '../helpers/oracles.js';
import { Prng, testSeed } from '../helpers/prng.js';
import { firstDifference, ourText, tcpdumpText } from '../helpers/tcpdump-print.js';

const SEED = testSeed(20241121);
const dir = mkdtempSync(join(tmpdir(), 'tsbpf-corpus-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function check(file: string, args: readonly string[]): void {
  const expected = tcpdumpText(file, args);
  assert.equal(expected.status, 0, expected.stderr);
  const actual = ourText(file, args);
  const diff = firstDifference(expected.stdout, actual);
  assert.equal(diff, undefined, `seed ${SEED}: ${diff}`);
}

function capture(name: string, linkType: number, frames: Parameters<typeof writeCapture>[2]): string {
  const path = join(dir, name);
  writeFileSync(path, writeCapture('pcap', linkType, frames));
  return path;
}

const TEXT_OPTIONS = [['-nn'], ['-n'], ['-nn', '-e'], ['-nn', '-q'], ['-nn', '-tt'], ['-nn', '-ttt'], ['-nn', '-tttt'], ['-nn', '-e', '-q']];
const DUMP_OPTIONS = [['-nn', '-x'], ['-nn', '-xx'], ['-nn', '-X'], ['-nn', '-XX'], ['-nn', '-A'], ['-nn', '-AA']];
const VERBOSE_OPTIONS = [['-nn', '-v'], ['-nn', '-vv'], ['-nn', '-vvv'], ['-nn', '-e', '-v']];

describe(`generated corpus vs tcpdump (seed ${SEED})`, needsTool('tcpdump'), () => {
  for (let k = 0; k < 3; k++) {
    const seed = SEED + k;
    const full = (opts: CorpusOptions, n = 700) => corpus(seed, n, opts);
    it(`Ethernet, all protocols, cut frames included (seed ${seed})`, () => {
      const file = capture(`eth-${seed}.pcap`, 1, full({}));
      for (const args of TEXT_OPTIONS) check(file, args);
    });
    it(`Ethernet dumps -x/-X/-A (seed ${seed})`, () => {
      const file = capture(`eth-whole-${seed}.pcap`, 1, full({ truncate: false }));
      for (const args of DUMP_OPTIONS) check(file, args);
    });
    it(`-v/-vv/-vvv details (seed ${seed})`, () => {
      const file = capture(`eth-v-${seed}.pcap`, 1, full({ truncate: false }));
      for (const args of VERBOSE_OPTIONS) check(file, args);
    });
  }
  for (const [name, linkType] of [['NULL', 0], ['LOOP', 108], ['RAW', 101], ['IPV4', 228], ['IPV6', 229], ['LINUX_SLL', 113], ['LINUX_SLL2', 276], ['PPP', 9]] as const) {
    it(`${name} link type (seed ${SEED})`, () => {
      const file = capture(`${name}.pcap`, linkType, reframe(corpus(SEED, 500, { truncate: false }), linkType, new Prng(SEED)));
      for (const args of [['-nn'], ['-nn', '-e'], ['-nn', '-q'], ['-nn', '-x'], ['-nn', '-XX']]) check(file, args);
    });
  }
});
