/**
 * Dev tool for the filter optimizer: for random expressions (the generator of
 * test/filter/random-expressions.test.ts) where our optimized program is longer than libpcap's,
 * decide whether libpcap's optimized program is equivalent to its unoptimized one (run both on
 * generated packets at every truncation length, with random metadata). Not equivalent: fine
 * (we refuse an unsafe transform). Equivalent: a real optimizer gap, printed with both listings.
 * Run: `npx tsx scripts/classify-optimizer-longer.ts [COUNT] [SEED] [-v] [-a]` (-v: listings of
 * the gaps, -a: every expression's lengths).
 */
import { Prng } from '../test/helpers/prng.js';
import { tcpdumpPrograms } from '../test/helpers/tcpdump-filter.js';
import { packetSet, baseFrames, probes } from '../test/helpers/filter-packets.js';
import { randomExpr } from '../test/helpers/filter-expressions.js';
import { compileFilter, FilterError } from '../src/filter/index.js';
import { systemResolver } from '../src/node/filter-resolver.js';
import { interpret } from '../src/cbpf/interpreter.js';
import type { ClassicInsn } from '../src/cbpf/insn.js';

const args = process.argv.slice(2).filter((a) => a !== '-v' && a !== '-a');
const all = process.argv.includes('-a'); // also print every expression's lengths
const verbose = process.argv.includes('-v');
const COUNT = Number(args[0] ?? 150);
const SEED = Number(args[1] ?? 0x0f117e55) >>> 0;
const PACKETS = Number(process.env.PACKETS ?? 6000);
const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const listing = (p: readonly ClassicInsn[]): string => p.map((x, i) => `  ${String(i).padStart(3)}: ${x.code.toString(16).padStart(4, '0')} ${x.jt} ${x.jf} ${x.k >>> 0}`).join('\n');

/** A packet on which the two programs disagree, at any truncation length. */
function differ(linkType: string, a: readonly ClassicInsn[], b: readonly ClassicInsn[], seed: number): Uint8Array | undefined {
  for (const p of packetSet(linkType, [a, b], seed, PACKETS)) {
    for (let n = p.bytes.length; n >= 0; n--) {
      const bytes = p.bytes.subarray(0, n);
      if (interpret(a, bytes, p.meta) !== interpret(b, bytes, p.meta)) return bytes;
    }
  }
  // Then frames with many of the programs' probes written at once (deep paths need several).
  const r = new Prng(seed ^ 0x5a5a5a5a);
  const base = baseFrames(linkType, r);
  const ps = [...probes(a), ...probes(b)];
  if (ps.length === 0) return undefined;
  for (let i = 0; i < PACKETS * 4; i++) {
    const p = Uint8Array.from(r.pick(base));
    for (let j = 0, n = 1 + r.int(12); j < n; j++) {
      const { offset, size, value } = r.pick(ps);
      for (let q = 0; q < size; q++) if (offset + q < p.length) p[offset + q] = (value >>> (8 * (size - 1 - q))) & 0xff;
    }
    const meta = { pktType: r.int(5), ifindex: r.int(4) };
    for (let n = p.length; n >= 0; n--) {
      const bytes = p.subarray(0, n);
      if (interpret(a, bytes, meta) !== interpret(b, bytes, meta)) return bytes;
    }
  }
  return undefined;
}

const r = new Prng(SEED);
const items = Array.from({ length: COUNT }, () => ({ linkType: r.pick(['EN10MB', 'EN10MB', 'EN10MB', 'LINUX_SLL', 'RAW', 'IEEE802_11']), expr: randomExpr(r, 3) }));
const oracle = await tcpdumpPrograms(items.flatMap((c) => [{ ...c, optimize: true }, { ...c, optimize: false }]));
let ours = 0, theirs = 0, longer = 0, notEquiv = 0, gaps = 0, gapExcess = 0, unsafeExcess = 0;
const lines: string[] = [];
items.forEach((c, i) => {
  const o = oracle[2 * i]!, plain = oracle[2 * i + 1]!;
  if (!o.ok || !plain.ok) return;
  let mine: readonly ClassicInsn[];
  try { mine = compileFilter(c.expr, { linkType: c.linkType, optimize: true, resolver: systemResolver() }).instructions; }
  catch (err) { if (err instanceof FilterError) return; throw err; }
  ours += mine.length; theirs += o.insns.length;
  if (all) lines.push(`len ${mine.length}/${o.insns.length} #${i} ${c.linkType} '${c.expr}'`);
  if (mine.length <= o.insns.length) return;
  longer++;
  const d = differ(c.linkType, o.insns, plain.insns, (SEED + i) >>> 0);
  const excess = mine.length - o.insns.length;
  if (d) { notEquiv++; unsafeExcess += excess; lines.push(`unsafe +${excess} ${c.linkType} '${c.expr}' (${hex(d)})`); return; }
  gaps++; gapExcess += excess;
  lines.push(`GAP +${excess} ${mine.length}/${o.insns.length} #${i} ${c.linkType} '${c.expr}'`);
  if (verbose) lines.push(`ours:\n${listing(mine)}\nlibpcap:\n${listing(o.insns)}`);
});
console.log(lines.join('\n'));
console.log(`${COUNT} expressions, seed ${SEED}: ours/libpcap ${ours}/${theirs}; longer ${longer}: libpcap not equivalent ${notEquiv} (+${unsafeExcess}), real gaps ${gaps} (+${gapExcess})`);
