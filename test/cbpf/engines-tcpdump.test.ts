/**
 * Real programs: every classic program tcpdump produced for the listing goldens
 * (test/golden/cbpf-listings/*.txt, the `tcpdump -ddd` sections; scripts/golden-cbpf-listings.sh
 * made them) goes through the checker (against the kernel's verdict), and the interpreter and
 * the JIT (against libpcap's bpf_filter()) over realistic frames and randomly damaged copies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkClassic, isKnownAncillary } from '../../src/cbpf/checker.js';
import { interpret } from '../../src/cbpf/interpreter.js';
import { compileClassic } from '../../src/cbpf/jit.js';
import { insn, type ClassicInsn } from '../../src/cbpf/insn.js';
import { Prng, testSeed } from '../helpers/prng.js';
import { buildHarness, repoRoot, runHarness } from '../helpers/c-harness.js';
import { benchPackets } from '../../bench/cbpf-packets.js';
import { hexOf, randomPacket, toDdd } from './classic-gen.js';

const dir = join(repoRoot, 'test/golden/cbpf-listings');

function goldenPrograms(): { name: string; program: ClassicInsn[] }[] {
  const out: { name: string; program: ClassicInsn[] }[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()) {
    const text = readFileSync(join(dir, file), 'utf8');
    const m = /^### (tcpdump -ddd[^\n]*)\n(\d+)\n/m.exec(text);
    if (!m) continue;
    const lines = text.slice(m.index + m[0].length).split('\n').slice(0, Number(m[2]));
    out.push({ name: `${file}: ${m[1]}`, program: lines.map((l) => { const [c, jt, jf, k] = l.split(' ').map(Number); return insn(c!, jt!, jf!, k!); }) });
  }
  return out;
}

const programs = goldenPrograms();
const attach = process.platform === 'linux' ? buildHarness('test/harness/attach-filter.c') : { skip: 'needs Linux' };
const pcap = buildHarness('test/harness/pcap-filter.c', ['-lpcap']);

test('tcpdump programs: checker = kernel', { skip: 'skip' in attach ? attach.skip : false }, () => {
  assert.ok(programs.length >= 20, `only ${programs.length} golden programs found in ${dir}`);
  if (!('path' in attach)) return;
  const verdicts = runHarness(attach.path, programs.map((p) => toDdd(p.program)).join(''));
  programs.forEach((p, i) => assert.equal(checkClassic(p.program).ok, verdicts[i] === 'ok', `${p.name}: kernel ${verdicts[i]}`));
});

test('tcpdump programs: interpreter = JIT = libpcap on realistic and damaged frames', { skip: 'skip' in pcap ? pcap.skip : false }, (t) => {
  if (!('path' in pcap)) return;
  const seed = testSeed(0x7c9d);
  const rng = new Prng(seed);
  const base = benchPackets();
  const packets: Uint8Array[] = [...base];
  for (let i = 0; i < 150; i++) {
    const p = Uint8Array.from(rng.pick(base));
    for (let f = rng.int(4); f >= 0; f--) p[rng.int(Math.min(p.length, 80))] = rng.u32() & 0xff; // damage a header byte
    packets.push(rng.bool(0.1) ? p.subarray(0, rng.int(p.length)) : p);
  }
  for (let i = 0; i < 50; i++) packets.push(randomPacket(rng));
  // libpcap has no Linux ancillary loads: those programs are compared interpreter vs JIT only.
  const usesAncillary = (p: readonly ClassicInsn[]): boolean => p.some((i) => (i.code & 0xe7) === 0x20 && isKnownAncillary(i.k));
  const valid = programs.filter((p) => checkClassic(p.program).ok);
  const input = valid.filter((p) => !usesAncillary(p.program))
    .flatMap((p) => [`p ${toDdd(p.program)}`, ...packets.map((k) => `k ${k.length} ${hexOf(k)}\n`)]).join('');
  const expected = runHarness(pcap.path, input).map(Number);
  let at = 0;
  let compared = 0;
  for (const p of valid) {
    const jit = compileClassic(p.program);
    const withPcap = !usesAncillary(p.program);
    for (const k of packets) {
      const r = interpret(p.program, k);
      assert.equal(jit(k), r, `${p.name}: JIT differs from the interpreter on ${hexOf(k)} (seed ${seed})`);
      if (withPcap) {
        assert.equal(r, expected[at++], `${p.name}: interpreter ${r}, libpcap ${expected[at - 1]} on ${hexOf(k)} (seed ${seed})`);
        compared++;
      }
    }
  }
  t.diagnostic(`${valid.length} programs × ${packets.length} frames; ${compared} results compared with libpcap`);
});
