/**
 * `tsbpf dump` against tcpdump on a generated capture of 1,000,000 packets (the seeded corpus of
 * test/helpers/capture-corpus.ts, repeated with advancing timestamps): wall time per packet of
 * `dump -r BIG -w OUT EXPR` and `dump -r BIG EXPR > /dev/null`, next to the same tcpdump
 * commands, plus each process's peak resident memory (from /usr/bin/time) in the notes.
 * Both tools are run as processes with the same arguments; TSBPF_BENCH_DUMP_PACKETS changes
 * the packet count.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CaptureWriter } from '../src/capture/index.js';
import { corpus } from '../test/helpers/capture-corpus.js';
import type { BenchCase, Benchmark, BenchSuite, Measure } from './bench-api.js';


const EXPR = 'tcp or (udp and port 53) or icmp';

function generate(path: string, packets: number): void {
  const frames = corpus(20241121, 4096, { truncate: false });
  const fd = openSync(path, 'w');
  const w = new CaptureWriter({ format: 'pcap', linkType: 1 }, (b) => { writeSync(fd, b); });
  for (let i = 0; i < packets; i++) {
    const f = frames[i % frames.length]!;
    w.write({ data: f.data, origLength: f.data.length, seconds: 1700000000 + Math.floor(i / 1000), nanos: (i % 1000) * 1000000 });
  }
  w.flush();
  closeSync(fd);
}

interface Run { readonly seconds: number; readonly maxRssKb: number }

function timed(argv: readonly string[], stdoutToNull: boolean): Run {
  const devnull = openSync('/dev/null', 'w');
  try {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %M', ...argv], { stdio: ['ignore', stdoutToNull ? devnull : 'ignore', 'pipe'], encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
    const last = r.stderr.trim().split('\n').pop() ?? '';
    const [secs, kb] = last.split(' ').map(Number);
    if (r.status !== 0 || !Number.isFinite(secs)) throw new Error(`${argv.join(' ')} failed: ${r.stderr.trim()}`);
    return { seconds: secs!, maxRssKb: kb! };
  } finally {
    closeSync(devnull);
  }
}

export const dumpBench: Benchmark = {
  name: 'dump',
  setup(): BenchSuite {
    const notes: string[] = [];
    const tcpdump = spawnSync('sh', ['-c', 'command -v tcpdump'], { encoding: 'utf8' }).status === 0;
    if (!existsSync('/usr/bin/time')) {
      return { title: 'tsbpf dump vs tcpdump', unit: 'packet', cases: [], notes: ['/usr/bin/time is missing: benchmark skipped'] };
    }
    const packets = Number(process.env['TSBPF_BENCH_DUMP_PACKETS'] ?? 1_000_000);
    const dir = mkdtempSync(join(tmpdir(), 'tsbpf-bench-dump-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    const big = join(dir, 'big.pcap');
    generate(big, packets);
    const cli = resolve(process.cwd(), 'dist/src/cli/main.js');
    const peak = new Map<string, number>();
    const variant = (name: string, argv: string[], toNull: boolean): Measure => ({
      measure: () => {
        const run = timed(argv, toNull);
        peak.set(name, Math.max(peak.get(name) ?? 0, run.maxRssKb));
        return (run.seconds * 1e9) / packets;
      },
    });
    const cases: BenchCase[] = [];
    for (const [label, extra, toNull] of [['-w OUT', ['-w', join(dir, 'out.pcap')], false], ['print > /dev/null', ['-nn'], true]] as const) {
      cases.push({
        name: `${label} '${EXPR}'`,
        opsPerRound: 1,
        variants: {
          tsbpf: variant(`tsbpf ${label}`, [process.execPath, cli, 'dump', '-r', big, ...extra, EXPR], toNull),
          tcpdump: tcpdump ? variant(`tcpdump ${label}`, ['tcpdump', '-r', big, ...extra, EXPR], toNull) : { skip: 'tcpdump not installed' },
        },
      });
    }
    notes.push(`${packets} packets (${(statSync(big).size / 1e6).toFixed(0)} MB) generated from the seeded test corpus; wall time from /usr/bin/time (%e, 10 ms resolution), node startup included`);
    // Peak memory is known only after the runs; the runner reads the notes after measuring.
    return {
      title: 'tsbpf dump vs tcpdump (wall time per packet)', unit: 'packet', peer: 'tcpdump', cases,
      get notes(): readonly string[] {
        return [...notes, 'peak RSS, max over repetitions:', ...[...peak].map(([k, v]) => `  ${k}: ${(v / 1024).toFixed(1)} MiB`)];
      },
    };
  },
};
