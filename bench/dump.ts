/**
 * `tsbpf dump` against tcpdump on a generated capture of 1,000,000 packets (the seeded corpus of
 * test/helpers/capture-corpus.ts, repeated with advancing timestamps): wall time per packet of
 * `dump -r BIG -w OUT EXPR`, `dump -r BIG --count EXPR` and `dump -r BIG EXPR > /dev/null`, next
 * to the same tcpdump commands, plus `-w` on a 4x larger file (start-up amortized: the per-packet
 * trend), and each process's peak resident memory (from /usr/bin/time) in the notes, with
 * Node's own floor (`node -e 0`). Both tools run as processes with the same arguments.
 *
 * `dump-startup` times start-up alone: `tsbpf --help` and `dump -w` on a one-packet file, next
 * to `node -e 0` (the floor of any Node CLI) and tcpdump.
 *
 * `tsbpf` is what users run, bin/tsbpf (Node started from the start-up snapshot when it fits,
 * the notes say which, and without NODE_EXTRA_CA_CERTS); `no snapshot` is the launcher with
 * TSBPF_NO_SNAPSHOT=1 (`node dist/src/cli/main.js`, the same code loaded as modules, same
 * environment); `node main.js` runs that directly in the environment as given (what `tsbpf` was
 * before the launcher). All in the same run, so each gain shows.
 *
 * TSBPF_BENCH_DUMP_PACKETS changes the packet count (TSBPF_BENCH_DUMP_LARGE the large file's,
 * 0 skips it); TSBPF_BENCH_DUMP_ONLY=TEXT,... runs only the cases whose label contains one;
 * TSBPF_BENCH_DUMP_BEFORE=path/to/an/older/dist/src/cli/main.js adds a `before` column
 * measured in the same run (A/B against an older build).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, fsyncSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
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
  // On disk before timing starts: write-back of a fresh 0.5 GB during the runs slowed whichever
  // run it overlapped (seen: 1M-packet -w 164 -> 342 ns/packet).
  fsyncSync(fd);
  closeSync(fd);
}

interface Run { readonly seconds: number; readonly maxRssKb: number; readonly cpuSeconds: number }

/** One run of `argv` under /usr/bin/time: wall time measured here (ns clock), peak RSS and user+system CPU time from time. */
function timed(argv: readonly string[], stdoutToNull: boolean, env: Record<string, string | undefined> = {}): Run {
  const devnull = openSync('/dev/null', 'w');
  try {
    const t0 = process.hrtime.bigint();
    const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', ...argv], { stdio: ['ignore', stdoutToNull ? devnull : 'ignore', 'pipe'], encoding: 'utf8', env: environment({ TZ: 'UTC', ...env }) });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const [kb, user, sys] = (r.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number);
    if (r.status !== 0 || !Number.isFinite(kb)) throw new Error(`${argv.join(' ')} failed: ${r.stderr.trim()}`);
    return { seconds, maxRssKb: kb!, cpuSeconds: user! + sys! };
  } finally {
    closeSync(devnull);
  }
}

/** This process's environment with `changes` (undefined removes a variable). */
function environment(changes: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** What bin/tsbpf removes from node's environment (see the launcher): the floor it starts from. */
const LAUNCHED: Record<string, undefined> = { NODE_EXTRA_CA_CERTS: undefined };

function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;
}

/**
 * The commands to compare: the launcher (argv prefix), `node dist/src/cli/main.js`, optionally an
 * older build, and tcpdump; `launch` is the launcher's own account of the path it takes.
 */
function tools(): { cli: string[]; plain: string[]; before: string | undefined; tcpdump: boolean; launch: string } {
  const before = process.env['TSBPF_BENCH_DUMP_BEFORE'];
  const launcher = resolve(process.cwd(), 'bin/tsbpf');
  const choice = (args: string[]): string =>
    (spawnSync(launcher, args, { encoding: 'utf8', env: { ...process.env, TSBPF_LAUNCH_DEBUG: '1' } }).stderr.split('\n')[0] ?? '').replace(/^tsbpf: /, '');
  return {
    cli: [launcher],
    plain: [process.execPath, resolve(process.cwd(), 'dist/src/cli/main.js')],
    before: before && existsSync(before) ? resolve(before) : undefined,
    tcpdump: hasTool('tcpdump'),
    launch: `bin/tsbpf --help: ${choice(['--help'])}; bin/tsbpf dump: ${choice(['dump', '-h'])}${process.env['NODE_EXTRA_CA_CERTS'] ? ' (NODE_EXTRA_CA_CERTS is set here; the launcher runs node without it)' : ''}`,
  };
}

const kib = (kb: number): string => `${(kb / 1024).toFixed(1)} MiB`;

export const dumpBench: Benchmark = {
  name: 'dump',
  setup(): BenchSuite {
    const notes: string[] = [];
    if (!existsSync('/usr/bin/time')) {
      return { title: 'tsbpf dump vs tcpdump', unit: 'packet', cases: [], notes: ['/usr/bin/time is missing: benchmark skipped'] };
    }
    const { cli, plain, before, tcpdump, launch } = tools();
    const packets = Number(process.env['TSBPF_BENCH_DUMP_PACKETS'] ?? 1_000_000);
    const large = Number(process.env['TSBPF_BENCH_DUMP_LARGE'] ?? 4 * packets);
    const dir = mkdtempSync(join(tmpdir(), 'tsbpf-bench-dump-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    const big = join(dir, 'big.pcap');
    generate(big, packets);
    const bigger = join(dir, 'bigger.pcap');
    if (large > 0) generate(bigger, large);
    const peak = new Map<string, number>();
    // CPU time (user + system, all threads; 10 ms resolution) is steadier than wall time when
    // other work shares the machine: a loaded machine delays the JIT's background compiles.
    const cpu = new Map<string, number>();
    const variant = (name: string, argv: string[], toNull: boolean, count: number, env: Record<string, string | undefined> = {}): Measure => ({
      measure: () => {
        const run = timed(argv, toNull, env);
        peak.set(name, Math.max(peak.get(name) ?? 0, run.maxRssKb));
        cpu.set(name, Math.min(cpu.get(name) ?? Infinity, (run.cpuSeconds * 1e9) / count));
        return (run.seconds * 1e9) / count;
      },
    });
    const cases: BenchCase[] = [];
    const out = join(dir, 'out.pcap');
    const runs: [string, string, string[], boolean, number][] = [
      ['-w OUT', big, ['-w', out], false, packets],
      ['--count', big, ['--count'], true, packets],
      ['print > /dev/null', big, ['-nn'], true, packets],
      // The printing options other than -nn (names, -v details, link headers, hex dumps).
      ['print (names) > /dev/null', big, [], true, packets],
      ['print -v > /dev/null', big, ['-nnv'], true, packets],
      ['print -e > /dev/null', big, ['-nne'], true, packets],
      ['print -x > /dev/null', big, ['-nnx'], true, packets],
    ];
    if (large > 0) runs.push([`-w OUT, ${large / 1e6}M packets`, bigger, ['-w', out], false, large]);
    // TSBPF_BENCH_DUMP_ONLY=TEXT[,TEXT...] keeps the cases whose label contains one (e.g. '-w,--count').
    const only = process.env['TSBPF_BENCH_DUMP_ONLY']?.split(',');
    for (const [label, file, extra, toNull, count] of runs.filter(([l]) => only === undefined || only.some((t) => l.includes(t)))) {
      const variants: Record<string, Measure> = {
        tsbpf: variant(`tsbpf ${label}`, [...cli, 'dump', '-r', file, ...extra, EXPR], toNull, count),
        'no snapshot': variant(`no snapshot ${label}`, [...cli, 'dump', '-r', file, ...extra, EXPR], toNull, count, { TSBPF_NO_SNAPSHOT: '1' }),
        'node main.js': variant(`node main.js ${label}`, [...plain, 'dump', '-r', file, ...extra, EXPR], toNull, count),
      };
      if (before) variants['before'] = variant(`before ${label}`, [process.execPath, before, 'dump', '-r', file, ...extra, EXPR], toNull, count);
      variants['tcpdump'] = tcpdump ? variant(`tcpdump ${label}`, ['tcpdump', '-r', file, ...extra, EXPR], toNull, count) : { skip: 'tcpdump not installed' };
      cases.push({ name: `${label} '${EXPR}'`, opsPerRound: 1, variants });
    }
    const floor = timed([process.execPath, '-e', '0'], false, LAUNCHED).maxRssKb;
    notes.push(`${packets} packets (${(statSync(big).size / 1e6).toFixed(0)} MB) generated from the seeded test corpus; wall time of the whole process (start-up included), best of the repetitions`);
    notes.push(launch);
    if (before) notes.push(`before = ${before}`);
    // Peak memory is known only after the runs; the runner reads the notes after measuring.
    return {
      title: 'tsbpf dump vs tcpdump (wall time per packet)', unit: 'packet', peer: 'tcpdump', cases,
      get notes(): readonly string[] {
        return [
          ...notes,
          `peak RSS, max over repetitions (Node's floor, node -e 0: ${kib(floor)}; "over floor" is ours minus it):`,
          ...[...peak].map(([k, v]) => `  ${k}: ${kib(v)}${k.startsWith('tcpdump') ? '' : ` (over floor ${kib(v - floor)})`}`),
          'CPU time (user + system, all threads), ns per packet, best over repetitions:',
          ...[...cpu].map(([k, v]) => `  ${k}: ${v.toFixed(0)}`),
        ];
      },
    };
  },
};

export const dumpStartupBench: Benchmark = {
  name: 'dump-startup',
  setup(): BenchSuite {
    if (!existsSync('/usr/bin/time')) return { title: 'start-up', unit: 'run', cases: [], notes: ['/usr/bin/time is missing: benchmark skipped'] };
    const { cli, plain, before, tcpdump, launch } = tools();
    const dir = mkdtempSync(join(tmpdir(), 'tsbpf-bench-startup-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    const one = join(dir, 'one.pcap');
    generate(one, 1);
    const out = join(dir, 'out.pcap');
    const peak = new Map<string, number>();
    /** Best of 10 runs (start-up times are short and the machine is shared); `name` keys the peak RSS. */
    const best = (name: string, argv: string[], env: Record<string, string | undefined> = {}): Measure => ({
      measure: () => Math.min(...Array.from({ length: 10 }, () => {
        const run = timed(argv, true, env);
        peak.set(name, Math.max(peak.get(name) ?? 0, run.maxRssKb));
        return run.seconds * 1e9;
      })),
    });
    // The floor: node as the launcher starts it.
    const node = best('node -e 0', [process.execPath, '-e', '0'], LAUNCHED);
    const given = process.env['NODE_EXTRA_CA_CERTS'] ? best('node -e 0 (NODE_EXTRA_CA_CERTS set)', [process.execPath, '-e', '0']) : undefined;
    const cases: BenchCase[] = [
      {
        name: 'tsbpf --help / tcpdump --version', opsPerRound: 1,
        variants: {
          tsbpf: best('tsbpf --help', [...cli, '--help']),
          'no snapshot': best('no snapshot --help', [...cli, '--help'], { TSBPF_NO_SNAPSHOT: '1' }),
          'node main.js': best('node main.js --help', [...plain, '--help']),
          ...(before ? { before: best('before --help', [process.execPath, before, '--help']) } : {}),
          'node -e 0': node,
          ...(given ? { 'node -e 0 +CA': given } : {}),
          tcpdump: tcpdump ? best('tcpdump --version', ['tcpdump', '--version']) : { skip: 'tcpdump not installed' },
        },
      },
      {
        name: `dump -r ONE_PACKET -w OUT '${EXPR}'`, opsPerRound: 1,
        variants: {
          tsbpf: best('tsbpf dump', [...cli, 'dump', '-r', one, '-w', out, EXPR]),
          'no snapshot': best('no snapshot dump', [...cli, 'dump', '-r', one, '-w', out, EXPR], { TSBPF_NO_SNAPSHOT: '1' }),
          'node main.js': best('node main.js dump', [...plain, 'dump', '-r', one, '-w', out, EXPR]),
          ...(before ? { before: best('before dump', [process.execPath, before, 'dump', '-r', one, '-w', out, EXPR]) } : {}),
          'node -e 0': node,
          ...(given ? { 'node -e 0 +CA': given } : {}),
          tcpdump: tcpdump ? best('tcpdump dump', ['tcpdump', '-r', one, '-w', out, EXPR]) : { skip: 'tcpdump not installed' },
        },
      },
    ];
    return { title: 'start-up (wall time per process, best of 10 runs per repetition)', unit: 'run', peer: 'tcpdump', cases,
      get notes(): readonly string[] {
        return [launch, ...(given ? ['node -e 0 +CA: node -e 0 with NODE_EXTRA_CA_CERTS as set here (node -e 0: without it, as bin/tsbpf runs node)'] : []), 'peak RSS, max over repetitions:', ...[...peak].map(([k, v]) => `  ${k}: ${kib(v)}`)];
      },
    };
  },
};
