/**
 * Every frame cut at every length: neighbor discovery and MLD messages with options, 802.1Q
 * and QinQ frames, and the seeded corpus, printed by tcpdump and by us with -v/-vv/-vvv, -e
 * and the -x/-X dumps (which show whether a printer stopped softly or aborted). Identical
 * text, packet for packet. Seeds come from TSBPF_SEED when set.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { corpus, writeCapture, type CorpusFrame } from '../helpers/capture-corpus.js';
import { cutsOf, icmp6Frame, vlanFrame } from '../helpers/extra-corpus.js';
import { needsTool } from '../helpers/oracles.js';
import { Prng, testSeed } from '../helpers/prng.js';
import { ourText, tcpdumpText } from '../helpers/tcpdump-print.js';

const SEED = testSeed(20261121);
const dir = mkdtempSync(join(tmpdir(), 'tsbpf-cuts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const OPTIONS = [['-nn'], ['-nn', '-v'], ['-nn', '-vv'], ['-nn', '-vvv'], ['-nn', '-e'], ['-nn', '-e', '-v'], ['-nn', '-q'], ['-nn', '-x'], ['-nn', '-X', '-v']];

/** Splits printed text into one record per packet (a record starts with its timestamp). */
const records = (text: string): string[] => text.split(/\n(?=\d\d:\d\d:\d\d\.\d{6} )/);

function compare(name: string, frames: readonly CorpusFrame[]): void {
  const file = join(dir, `${name}.pcap`);
  writeFileSync(file, writeCapture('pcap', 1, frames));
  for (const args of OPTIONS) {
    const expected = tcpdumpText(file, args);
    assert.equal(expected.status, 0, expected.stderr);
    const e = records(expected.stdout), a = records(ourText(file, args));
    assert.equal(a.length, e.length, `${args.join(' ')}: packet count`);
    for (let i = 0; i < e.length; i++) {
      const f = frames[i];
      assert.equal(a[i], e[i], `seed ${SEED}, ${args.join(' ')}, packet ${i + 1} (caplen ${f?.data.length}, len ${f?.origLength ?? f?.data.length})`);
    }
  }
}

describe(`frames cut at every length vs tcpdump (seed ${SEED})`, needsTool('tcpdump'), () => {
  it('neighbor discovery, MLD and other ICMPv6 messages', () => {
    const rng = new Prng(SEED);
    compare('nd', Array.from({ length: 30 }, () => cutsOf(icmp6Frame(rng))).flat());
  });
  it('802.1Q and QinQ frames', () => {
    const rng = new Prng(SEED + 1);
    compare('vlan', Array.from({ length: 30 }, () => cutsOf(vlanFrame(rng))).flat());
  });
  it('the seeded corpus', () => {
    compare('corpus', corpus(SEED + 2, 40, { truncate: false }).flatMap((f) => cutsOf(f.data)));
  });
});
