/**
 * ns per packet for the classic interpreter and JIT on real tcpdump programs (golden data in
 * bench/data/cbpf-filters.txt, made by bench/data/make-cbpf-filters.sh) over a mixed set of
 * realistic frames, next to libpcap's own C bpf_filter() on the same programs and packets
 * (bench/harness/pcap-bpf-filter.c, built here with gcc -O2 -lpcap when available).
 * Before timing, the three engines must agree on every packet's result (checked via sums).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ClassicProgram, compileClassic, insn, interpret } from '../src/cbpf/index.js';
import type { BenchCase, Benchmark, BenchOptions, BenchSuite, Measure } from './bench-api.js';
import { benchPackets } from './cbpf-packets.js';

const root = resolve(process.cwd());

interface Filter { readonly name: string; readonly command: string; readonly program: ClassicProgram }

export function loadFilters(): Filter[] {
  const text = readFileSync(join(root, 'bench/data/cbpf-filters.txt'), 'utf8');
  return text.split(/^### /m).filter((b) => b.trim() !== '').map((block) => {
    const [name = '', command = '', count = '', ...lines] = block.trim().split('\n');
    const insns = lines.slice(0, Number(count)).map((l) => {
      const [c, jt, jf, k] = l.trim().split(/\s+/).map(Number);
      return insn(c!, jt!, jf!, k!);
    });
    return { name, command: command.replace(/^\$ /, ''), program: new ClassicProgram(insns) };
  });
}

function buildLibpcapHarness(): { path: string } | { skip: string } {
  const gcc = spawnSync('sh', ['-c', 'command -v gcc'], { encoding: 'utf8' });
  if (gcc.status !== 0) return { skip: 'gcc not installed: libpcap column skipped' };
  const out = join(mkdtempSync(join(tmpdir(), 'tsbpf-bench-')), 'pcap-bpf-filter');
  const r = spawnSync('gcc', ['-O2', '-o', out, join(root, 'bench/harness/pcap-bpf-filter.c'), '-lpcap'], { encoding: 'utf8' });
  if (r.status !== 0) return { skip: `libpcap column skipped: gcc -lpcap failed (${r.stderr.trim().split('\n')[0] ?? ''}); install libpcap-dev` };
  return { path: out };
}

const hex = (b: Uint8Array): string => (b.length === 0 ? '-' : Buffer.from(b).toString('hex'));

function libpcapMeasure(path: string, f: Filter, packets: readonly Uint8Array[], ms: number): { ns: number; sum: number } {
  const input = [`p ${f.program.length}`, ...f.program.instructions.map((i) => `${i.code} ${i.jt} ${i.jf} ${i.k}`),
    ...packets.map((p) => `k ${p.length} ${hex(p)}`)].join('\n');
  const r = spawnSync(path, [String(ms)], { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pcap-bpf-filter failed: ${r.stderr}`);
  const [ns, sum] = r.stdout.trim().split(' ').map(Number);
  return { ns: ns!, sum: sum! };
}

export const cbpfFilters: Benchmark = {
  name: 'cbpf-filters',
  setup(options: BenchOptions): BenchSuite {
    const filters = loadFilters();
    const packets = benchPackets();
    const harness = buildLibpcapHarness();
    const notes: string[] = [
      `${packets.length} packets per round: Ethernet IPv4/IPv6 TCP/UDP, ICMP, ICMPv6, ARP, IP options, a fragment; ${packets.reduce((n, p) => n + p.length, 0)} bytes`,
      'programs: tcpdump -ddd output in bench/data/cbpf-filters.txt (bench/data/make-cbpf-filters.sh):',
      ...filters.map((f) => `  ${f.name}: ${f.command}`),
    ];
    if ('skip' in harness) notes.push(harness.skip);
    const cases: BenchCase[] = filters.map((f) => {
      const jit = compileClassic(f.program);
      const sumOf = (run: (p: Uint8Array) => number): number => packets.reduce((s, p) => s + run(p), 0);
      const sumInterp = sumOf((p) => interpret(f.program, p));
      const sumJit = sumOf((p) => jit(p));
      if (sumInterp !== sumJit) throw new Error(`${f.name}: interpreter and JIT disagree (${sumInterp} vs ${sumJit})`);
      const accepted = packets.filter((p) => jit(p) !== 0).length;
      const n = packets.length;
      const variants: Record<string, Measure> = {
        interpreter: { run: (rounds) => { let s = 0; for (let r = 0; r < rounds; r++) for (let i = 0; i < n; i++) s += interpret(f.program, packets[i]!); return s; } },
        jit: { run: (rounds) => { let s = 0; for (let r = 0; r < rounds; r++) for (let i = 0; i < n; i++) s += jit(packets[i]!); return s; } },
      };
      if ('path' in harness) {
        const path = harness.path;
        variants['libpcap'] = {
          measure: () => {
            const m = libpcapMeasure(path, f, packets, options.sampleMs);
            if (m.sum !== sumJit) throw new Error(`${f.name}: libpcap sums ${m.sum}, tsbpf ${sumJit}`);
            return m.ns;
          },
        };
      } else {
        variants['libpcap'] = { skip: harness.skip };
      }
      return { name: f.name, info: { insns: f.program.length, match: `${accepted}/${n}` }, opsPerRound: n, variants };
    });
    notes.push('interpreter, JIT and libpcap return the same value for every packet (checked before timing)');
    return { title: 'classic filters, ns per packet', unit: 'pkt', peer: 'libpcap', cases, notes };
  },
};
