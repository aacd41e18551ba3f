/**
 * Listings of opcodes tcpdump's compiler never emits (mod/xor/neg with X, st/stx, ldx #len,
 * ret x, invalid opcodes, ...) compared with libpcap's own bpf_dump(): test/harness/bpf-dump.c
 * is compiled against the installed libpcap and fed seeded random programs in -ddd form.
 * tcpdump calls bpf_dump(program, number of 'd' flags), so option 1/2/3 = -d/-dd/-ddd.
 * Reproduce a failure with TSBPF_SEED=<seed printed in the test name>.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClassicInsn } from '../../src/cbpf/insn.js';
import { formatListing, type ListingStyle } from '../../src/cbpf/listing.js';
import { findTool } from '../helpers/oracles.js';
import { Prng, testSeed } from '../helpers/prng.js';
import { randomInsn, KNOWN_OPCODES } from './listing-random.js';
import { insn } from '../../src/cbpf/insn.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const source = [join(here, '../harness/bpf-dump.c'), join(here, '../../../test/harness/bpf-dump.c')].find(existsSync);

function buildHarness(): { exe?: string; skip: string | false; dir?: string } {
  if (!findTool('gcc')) return { skip: 'gcc is not installed (CI installs it)' };
  if (!existsSync('/usr/include/pcap.h') && !existsSync('/usr/include/pcap/pcap.h')) return { skip: 'libpcap-dev is not installed (CI installs it)' };
  if (!source) return { skip: 'test/harness/bpf-dump.c not found' };
  const dir = mkdtempSync(join(tmpdir(), 'tsbpf-bpf-dump-'));
  const exe = join(dir, 'bpf-dump');
  const r = spawnSync('gcc', ['-O1', '-o', exe, source, '-lpcap'], { encoding: 'utf8' });
  if (r.status !== 0) return { skip: `cannot build the bpf_dump harness: ${r.stderr.trim()}`, dir };
  return { exe, skip: false, dir };
}

const harness = buildHarness();
const STYLES: readonly [ListingStyle, number][] = [['d', 1], ['dd', 2], ['ddd', 3]];

function bpfDump(exe: string, insns: readonly ClassicInsn[], option: number): string {
  const input = `${insns.length}\n${insns.map((i) => `${i.code} ${i.jt} ${i.jf} ${i.k}`).join('\n')}\n`;
  const r = spawnSync(exe, [String(option)], { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

function compare(exe: string, insns: readonly ClassicInsn[], what: string): void {
  for (const [style, option] of STYLES) {
    const want = bpfDump(exe, insns, option);
    const got = formatListing(insns, style);
    if (got !== want) {
      const g = got.split('\n'), w = want.split('\n');
      const at = g.findIndex((l, i) => l !== w[i]);
      assert.fail(`${what} -${style}: first difference at line ${at}:\n  ours:     ${JSON.stringify(g[at])}\n  bpf_dump: ${JSON.stringify(w[at])}`);
    }
  }
}

test('every known opcode, and every 8-bit opcode, lists like bpf_dump', harness, () => {
  const insns: ClassicInsn[] = [];
  for (let code = 0; code < 0x100; code++) insns.push(insn(code, 1, 2, 0xfffff024));
  for (const code of KNOWN_OPCODES) for (const k of [0, 5, 0x80000000, 0xffffffff, 0xfffff000, 0xfffff030, 0xfffff03c, 0xfffff041]) insns.push(insn(code, 0, 255, k));
  compare(harness.exe!, insns, 'opcode sweep');
});

const seed = testSeed(20261121);
test(`seeded random programs list like bpf_dump (seed ${seed})`, harness, () => {
  const rng = new Prng(seed);
  let total = 0;
  // 40 programs of up to 150 instructions, plus one past index 999 where "(%03d)" widens.
  for (let p = 0; p < 41; p++) {
    const n = p === 40 ? 1200 : 1 + rng.int(150);
    const insns = Array.from({ length: n }, () => randomInsn(rng));
    compare(harness.exe!, insns, `program ${p} (seed ${seed})`);
    total += n;
  }
  assert.ok(total >= 3000, `only ${total} instructions compared`);
});

test('cleanup', () => { if (harness.dir) rmSync(harness.dir, { recursive: true, force: true }); });
