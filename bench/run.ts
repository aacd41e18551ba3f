/**
 * The benchmark runner (`npm run bench`, or `node dist/bench/run.js [NAME...]` for some of
 * them): runs each module of bench/index.ts and prints, per benchmark, a table of ns per op for
 * every variant and the ratio of each variant to the peer measured in the same run.
 *
 * Timing: each JavaScript variant is warmed up (so V8 has optimized it), then the number of
 * rounds is doubled until one sample lasts at least TSBPF_BENCH_MS (default 200) ms; a
 * measurement is the best of 5 such samples. The variants of a case are measured in turn,
 * TSBPF_BENCH_REPS (default 3) times, interleaved so that load from other processes hits all of
 * them alike, and each figure is the best over the repetitions.
 */
import { benchmarks } from './index.js';
import type { BenchCase, BenchSuite, Measure } from './bench-api.js';

const sampleMs = Number(process.env['TSBPF_BENCH_MS'] ?? 200);
const reps = Math.max(1, Number(process.env['TSBPF_BENCH_REPS'] ?? 3));
/**
 * TSBPF_BENCH_CLOCK=cpu times samples by this process's CPU time (process.cpuUsage, µs) instead of
 * wall time: on a machine shared with other loads the time spent descheduled is left out.
 */
const cpuClock = process.env['TSBPF_BENCH_CLOCK'] === 'cpu';
const clockNs = (): bigint => {
  if (!cpuClock) return process.hrtime.bigint();
  const u = process.cpuUsage();
  return BigInt(u.user + u.system) * 1000n;
};
let sink = 0;

function timeRuns(run: (rounds: number) => number, opsPerRound: number): number {
  const warmEnd = performance.now() + Math.min(300, sampleMs);
  while (performance.now() < warmEnd) sink ^= run(1);
  let rounds = 1;
  let best = Infinity;
  for (let samples = 0; samples < 5;) {
    const t0 = clockNs();
    sink ^= run(rounds);
    const ns = Number(clockNs() - t0);
    if (ns < sampleMs * 1e6) { rounds *= 2; continue; }
    best = Math.min(best, ns / (rounds * opsPerRound));
    samples++;
  }
  return best;
}

function measure(m: Measure, c: BenchCase): number | string {
  if ('skip' in m) return m.skip;
  if ('nsPerOp' in m) return m.nsPerOp;
  if ('measure' in m) return m.measure();
  return timeRuns(m.run, c.opsPerRound);
}

/** Best of `reps` interleaved measurements of every variant of one case. */
function measureCase(c: BenchCase, variants: readonly string[]): (number | string)[] {
  const best: (number | string)[] = variants.map(() => Infinity);
  for (let r = 0; r < reps; r++) {
    variants.forEach((v, j) => {
      const m = c.variants[v];
      const x = m === undefined ? 'not measured for this case' : measure(m, c);
      const prev = best[j]!;
      best[j] = typeof x === 'string' ? x : typeof prev === 'number' ? Math.min(prev, x) : prev;
    });
  }
  return best;
}

const fmt = (ns: number): string => (ns >= 100 ? ns.toFixed(0) : ns >= 10 ? ns.toFixed(1) : ns.toFixed(2));

function printTable(name: string, suite: BenchSuite, results: (number | string)[][]): void {
  const variants = [...new Set(suite.cases.flatMap((c) => Object.keys(c.variants)))];
  const infoKeys = [...new Set(suite.cases.flatMap((c) => Object.keys(c.info ?? {})))];
  const peer = suite.peer !== undefined && variants.includes(suite.peer) ? suite.peer : undefined;
  const ratioOf = peer === undefined ? [] : variants.filter((v) => v !== peer);
  const header = ['case', ...infoKeys, ...variants.map((v) => `${v} ns/${suite.unit}`), ...ratioOf.map((v) => `${v}/${peer}`)];
  const rows = suite.cases.map((c, i) => {
    const r = results[i]!;
    const peerNs = peer === undefined ? undefined : r[variants.indexOf(peer)];
    return [
      c.name,
      ...infoKeys.map((k) => String(c.info?.[k] ?? '')),
      ...r.map((x) => (typeof x === 'number' ? fmt(x) : 'n/a')),
      ...ratioOf.map((v) => {
        const x = r[variants.indexOf(v)];
        return typeof x === 'number' && typeof peerNs === 'number' ? `${(x / peerNs).toFixed(2)}x` : 'n/a';
      }),
    ];
  });
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((row) => row[j]!.length)));
  const line = (cells: string[]): string => cells.map((s, j) => (j === 0 ? s.padEnd(widths[j]!) : s.padStart(widths[j]!))).join('  ');
  console.log(`\n## ${name}: ${suite.title}`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
  const skips = new Set(results.flat().filter((x): x is string => typeof x === 'string'));
  for (const s of skips) console.log(`note: n/a = ${s}`);
  for (const n of suite.notes) console.log(`note: ${n}`);
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const chosen = benchmarks.filter((b) => only.length === 0 || only.some((o) => b.name.includes(o)));
  if (chosen.length === 0) {
    console.error(`tsbpf bench: no benchmark matches ${only.join(' ')} (have: ${benchmarks.map((b) => b.name).join(', ')})`);
    process.exitCode = 2;
    return;
  }
  console.log(`tsbpf benchmarks — node ${process.version}, ${process.platform}/${process.arch}, best of ${reps} interleaved runs of best-of-5 samples of >= ${sampleMs} ms${cpuClock ? ' of CPU time' : ''}`);
  for (const b of chosen) {
    const suite = await b.setup({ sampleMs });
    const variants = [...new Set(suite.cases.flatMap((c) => Object.keys(c.variants)))];
    const results = suite.cases.map((c) => measureCase(c, variants));
    printTable(b.name, suite, results);
  }
  if (sink === 0.5) console.log(''); // keeps `sink` observable so no work is optimized away
}

await main();
