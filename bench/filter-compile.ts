/**
 * pcap-filter compilation: time per expression for compileFilter (optimized) next to libpcap's
 * pcap_compile() on the same expressions (bench/harness/pcap-compile.c, built with gcc -lpcap
 * when available), and the program lengths: ours vs libpcap's per expression, total and mean.
 * Expressions: a sample of test/filter/corpus.txt (every 32nd accepted line).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { compileFilter } from '../src/filter/index.js';
import { systemResolver } from '../src/node/filter-resolver.js';
import type { BenchCase, Benchmark, BenchOptions, BenchSuite } from './bench-api.js';

const root = resolve(process.cwd());

function corpus(): { linkType: string; expr: string }[] {
  return readFileSync(join(root, 'test/filter/corpus.txt'), 'utf8').split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => { const t = l.indexOf('\t'); return t >= 0 ? { linkType: l.slice(0, t), expr: l.slice(t + 1) } : { linkType: 'EN10MB', expr: l }; });
}

function libpcap(items: readonly { linkType: string; expr: string }[], ms: number): { ns: number; len: number }[] | string {
  const gcc = spawnSync('sh', ['-c', 'command -v gcc'], { encoding: 'utf8' });
  if (gcc.status !== 0) return 'gcc not installed';
  const out = join(mkdtempSync(join(tmpdir(), 'tsbpf-bench-')), 'pcap-compile');
  const b = spawnSync('gcc', ['-O2', '-o', out, join(root, 'bench/harness/pcap-compile.c'), '-lpcap'], { encoding: 'utf8' });
  if (b.status !== 0) return `gcc -lpcap failed: ${b.stderr.trim().split('\n')[0] ?? ''}`;
  const r = spawnSync(out, [String(ms)], { input: items.map((i) => `${i.linkType}\t${i.expr}\n`).join(''), encoding: 'utf8' });
  if (r.status !== 0) return `pcap-compile failed: ${r.stderr}`;
  return r.stdout.trim().split('\n').map((l) => { const [ns, len] = l.split(' ').map(Number); return { ns: ns!, len: len! }; });
}

export const filterCompile: Benchmark = {
  name: 'filter-compile',
  setup(options: BenchOptions): BenchSuite {
    const resolver = systemResolver();
    const all = corpus().filter((c) => { try { compileFilter(c.expr, { linkType: c.linkType, resolver }); return true; } catch { return false; } });
    const items = all.filter((_, i) => i % 32 === 0);
    const peer = libpcap(items, Math.max(5, options.sampleMs / 4));
    const cases: BenchCase[] = [];
    let ours = 0, theirs = 0, counted = 0;
    items.forEach((it, i) => {
      const len = compileFilter(it.expr, { linkType: it.linkType, resolver }).length;
      const p = typeof peer === 'string' ? undefined : peer[i];
      if (p && p.len >= 0) { ours += len; theirs += p.len; counted++; }
      cases.push({
        name: `${it.linkType} ${it.expr}`.slice(0, 60),
        info: { insns: len, libpcap: p ? p.len : '-' },
        opsPerRound: 1,
        variants: {
          tsbpf: { run: (rounds) => { let n = 0; for (let r = 0; r < rounds; r++) n += compileFilter(it.expr, { linkType: it.linkType, resolver }).length; return n; } },
          libpcap: p ? { nsPerOp: p.ns } : { skip: typeof peer === 'string' ? peer : 'no result' },
        },
      });
    });
    const notes = [
      `${items.length} expressions (every 32nd accepted line of test/filter/corpus.txt); one op = one compilation with the optimizer`,
      `program length, ours/libpcap: total ${ours}/${theirs}, mean ${(ours / Math.max(counted, 1)).toFixed(2)}/${(theirs / Math.max(counted, 1)).toFixed(2)} instructions over ${counted} expressions`,
    ];
    if (typeof peer === 'string') notes.push(`libpcap column skipped: ${peer}`);
    return { title: 'pcap-filter compilation', unit: 'compile', peer: 'libpcap', cases, notes };
  },
};
