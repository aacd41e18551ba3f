/**
 * The pcap-filter compiler against libpcap (tcpdump -ddd as the oracle), over
 * test/filter/corpus.txt and test/filter/reject.txt:
 * - an expression tcpdump accepts must compile, and our program must return the same value as
 *   tcpdump's on every packet of a generated set (real frames, frames mutated with the
 *   constants the two programs compare, random and truncated packets), optimized and not;
 * - an expression tcpdump rejects must be rejected with the same message;
 * - listing identity is counted and printed (not required); optimized lengths are reported per
 *   expression (those longer and shorter than libpcap's always, all with TSBPF_FILTER_LENGTHS),
 *   their total must not exceed libpcap's, and an expression longer than libpcap's must be in
 *   optimizer-longer.ts with a packet on which libpcap's shorter program is not equivalent.
 * Seeded: TSBPF_SEED reproduces a run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { needsTool } from '../helpers/oracles.js';
import { testSeed } from '../helpers/prng.js';
import { tcpdumpPrograms, parseCorpus, type OracleResult } from '../helpers/tcpdump-filter.js';
import { packetSet } from '../helpers/filter-packets.js';
import { compileFilter, FilterError } from '../../src/filter/index.js';
import { systemResolver } from '../../src/node/filter-resolver.js';
import { interpret } from '../../src/cbpf/interpreter.js';
import { checkClassic } from '../../src/cbpf/checker.js';
import type { ClassicInsn } from '../../src/cbpf/insn.js';
import { LONGER_THAN_LIBPCAP } from './optimizer-longer.js';

// The repository root: the nearest directory with a package.json (works from test/ and dist/test/).
let root = dirname(fileURLToPath(import.meta.url));
while (!existsSync(join(root, 'package.json'))) root = dirname(root);
const PACKETS = Number(process.env.TSBPF_FILTER_PACKETS ?? 3000);
const seed = testSeed(0x5eed_f117);

function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

const same = (a: readonly ClassicInsn[], b: readonly ClassicInsn[]): boolean =>
  a.length === b.length && a.every((x, i) => x.code === b[i]!.code && x.jt === b[i]!.jt && x.jf === b[i]!.jf && x.k === b[i]!.k);

const backward = (i: ClassicInsn): boolean => i.code === 0x05 && i.k >= 0x80000000;

type Ours = { ok: true; insns: readonly ClassicInsn[] } | { ok: false; message: string };

function ours(expr: string, linkType: string, optimize: boolean): Ours {
  try {
    return { ok: true, insns: compileFilter(expr, { linkType, optimize, resolver: systemResolver() }).instructions };
  } catch (err) {
    if (err instanceof FilterError) return { ok: false, message: err.message };
    throw err;
  }
}

async function check(file: string, t: { diagnostic(msg: string): void }): Promise<void> {
  const corpus = parseCorpus(readFileSync(join(root, 'test/filter', file), 'utf8'));
  const queries = corpus.flatMap((c) => [{ ...c, optimize: true }, { ...c, optimize: false }]);
  const oracle = await tcpdumpPrograms(queries);
  const failures: string[] = [];
  const stats = { accepted: 0, acceptedNoopt: 0, rejected: 0, identicalOpt: 0, identicalNoopt: 0, oursLen: 0, theirsLen: 0, oursLenNoopt: 0, theirsLenNoopt: 0, packets: 0, longer: 0, libpcapOptDiffers: 0 };
  const perExpr: string[] = [];
  const lengths: Lengths[] = [];
  corpus.forEach((c, i) => {
    const label = `${c.linkType} '${c.expr}'`;
    for (const optimize of [true, false]) {
      const theirs = oracle[2 * i + (optimize ? 0 : 1)] as OracleResult;
      const mine = ours(c.expr, c.linkType, optimize);
      if (!theirs.ok) {
        if (optimize) stats.rejected++;
        if (mine.ok) failures.push(`${label}${optimize ? '' : ' -O'}: libpcap rejects (${theirs.message}), we accept`);
        else if (mine.message !== theirs.message) failures.push(`${label}: message '${mine.message}' vs libpcap '${theirs.message}'`);
        continue;
      }
      if (!mine.ok) { failures.push(`${label}${optimize ? '' : ' -O'}: we reject (${mine.message}), libpcap accepts`); continue; }
      if (optimize) {
        stats.accepted++;
        stats.oursLen += mine.insns.length; stats.theirsLen += theirs.insns.length;
        if (same(mine.insns, theirs.insns)) stats.identicalOpt++;
        if (mine.insns.length > theirs.insns.length) stats.longer++;
        perExpr.push(`${mine.insns.length}/${theirs.insns.length} ${label}`);
        const plain = oracle[2 * i + 1] as OracleResult;
        lengths.push({ linkType: c.linkType, expr: c.expr, ours: mine.insns, theirs: theirs.insns, plain: plain.ok ? plain.insns : undefined });
      } else {
        stats.acceptedNoopt++;
        stats.oursLenNoopt += mine.insns.length; stats.theirsLenNoopt += theirs.insns.length;
        if (same(mine.insns, theirs.insns)) stats.identicalNoopt++;
      }
      // protochain loops with a backward `ja`, which only libpcap's bpf_filter() runs (the
      // kernel and our interpreter reject it): such programs must then be identical.
      // Likewise a libpcap program the kernel's checker rejects (`geneve 7 or udp` reads a scratch
      // cell that one path leaves unwritten).
      if (theirs.insns.some(backward) || mine.insns.some(backward) || !checkClassic(theirs.insns).ok) {
        if (!same(mine.insns, theirs.insns)) failures.push(`${label}${optimize ? '' : ' -O'}: unrunnable libpcap program, and ours differs`);
        continue;
      }
      // libpcap's optimizer removes unused loads that could fail, so on a short packet its
      // optimized program may accept what its unoptimized one rejects; ours stays equivalent
      // to the unoptimized program, so there the unoptimized verdict is the expected one.
      const plain = optimize ? oracle[2 * i + 1] as OracleResult : undefined;
      const plainInsns = plain?.ok && !plain.insns.some(backward) ? plain.insns : undefined;
      const packets = packetSet(c.linkType, [mine.insns, theirs.insns, ...(plainInsns ? [plainInsns] : [])], (seed ^ hash(label)) >>> 0, PACKETS);
      stats.packets += packets.length;
      for (const p of packets) {
        const a = interpret(mine.insns, p.bytes, p.meta);
        let b = interpret(theirs.insns, p.bytes, p.meta);
        if (plainInsns) { const bp = interpret(plainInsns, p.bytes, p.meta); if (bp !== b) { b = bp; stats.libpcapOptDiffers++; } }
        if (a !== b) {
          const hex = Array.from(p.bytes, (x) => x.toString(16).padStart(2, '0')).join('');
          failures.push(`${label}${optimize ? '' : ' -O'}: returns ${a}, libpcap ${b} on ${hex} meta ${JSON.stringify(p.meta)}`);
          break;
        }
      }
    }
  });
  if (process.env.TSBPF_FILTER_LENGTHS) for (const l of perExpr) t.diagnostic(l);
  else for (const l of perExpr) if (!/^(\d+)\/\1 /.test(l)) t.diagnostic(l);
  if (file === 'corpus.txt') failures.push(...checkLengths(lengths));
  t.diagnostic(
    `${file}: ${corpus.length} expressions, ${stats.accepted} accepted / ${stats.rejected} rejected by libpcap; ` +
    `listing identical ${stats.identicalOpt}/${stats.accepted} optimized, ${stats.identicalNoopt}/${stats.acceptedNoopt} unoptimized; ` +
    `length ours/libpcap optimized ${stats.oursLen}/${stats.theirsLen}, unoptimized ${stats.oursLenNoopt}/${stats.theirsLenNoopt}; ` +
    `${stats.longer} longer than libpcap; ${stats.packets} packets run ` +
    `(${stats.libpcapOptDiffers} where libpcap's optimized program disagrees with its unoptimized one); seed ${seed}`);
  assert.deepEqual(failures.slice(0, 40), [], `${failures.length} failures`);
}

interface Lengths { linkType: string; expr: string; ours: readonly ClassicInsn[]; theirs: readonly ClassicInsn[]; plain: readonly ClassicInsn[] | undefined }

const unhex = (h: string): Uint8Array => Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));

/**
 * Optimized lengths against libpcap's: the total must not be larger, and each longer program
 * must be allow-listed with a packet showing that libpcap's shorter program is not equivalent
 * (its optimized and unoptimized programs disagree there, and ours agrees with the latter).
 */
function checkLengths(rows: readonly Lengths[]): string[] {
  const failures: string[] = [];
  const ours = rows.reduce((n, r) => n + r.ours.length, 0);
  const theirs = rows.reduce((n, r) => n + r.theirs.length, 0);
  if (ours > theirs) failures.push(`optimized total ${ours} instructions, libpcap ${theirs}`);
  const allowed = new Map(LONGER_THAN_LIBPCAP.map((e) => [`${e.linkType}\t${e.expr}`, e]));
  const used = new Set<string>();
  for (const r of rows) {
    const key = `${r.linkType}\t${r.expr}`;
    const label = `${r.linkType} '${r.expr.length > 80 ? `${r.expr.slice(0, 80)}...` : r.expr}'`;
    const e = allowed.get(key);
    if (r.ours.length <= r.theirs.length) {
      if (e) failures.push(`${label}: ${r.ours.length}/${r.theirs.length}, no longer longer than libpcap: remove it from optimizer-longer.ts`);
      continue;
    }
    used.add(key);
    if (!e) { failures.push(`${label}: ${r.ours.length} instructions, libpcap ${r.theirs.length}, and not in optimizer-longer.ts`); continue; }
    if (r.ours.length > e.ours || r.theirs.length !== e.libpcap) failures.push(`${label}: ${r.ours.length}/${r.theirs.length}, optimizer-longer.ts says ${e.ours}/${e.libpcap}`);
    if (!r.plain) { failures.push(`${label}: no unoptimized libpcap program`); continue; }
    const p = unhex(e.packet);
    const opt = interpret(r.theirs, p), plain = interpret(r.plain, p), mine = interpret(r.ours, p);
    if (opt === plain || mine !== plain) failures.push(`${label}: on its packet libpcap optimized ${opt}, unoptimized ${plain}, ours ${mine}`);
  }
  for (const k of allowed.keys()) if (!used.has(k) && !rows.some((r) => `${r.linkType}\t${r.expr}` === k)) failures.push(`optimizer-longer.ts: '${k}' is not in the corpus`);
  return failures;
}

test('pcap-filter corpus: same verdicts as libpcap on generated packets', { ...needsTool('tcpdump'), timeout: 600_000 }, async (t) => {
  await check('corpus.txt', t);
});

test('pcap-filter rejects: same expressions rejected, same messages', { ...needsTool('tcpdump'), timeout: 120_000 }, async (t) => {
  await check('reject.txt', t);
});
