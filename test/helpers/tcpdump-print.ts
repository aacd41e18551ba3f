/**
 * Runs tcpdump 4.99 on a capture file (TZ=UTC) and runs our printer on the same file, so a test
 * can compare them line for line. The expected text is always tcpdump's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readAllPackets } from '../../src/capture/index.js';
import { PacketPrinter, type PrintOptions, type TimestampMode, type HexMode } from '../../src/decode/index.js';
import { hostsLookup } from '../../src/node/host-names.js';

export function tcpdumpText(file: string, args: readonly string[]): { stdout: string; stderr: string; status: number } {
  const r = spawnSync('tcpdump', ['-r', file, ...args], { encoding: 'latin1', env: { ...process.env, TZ: 'UTC' }, maxBuffer: 1 << 28 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? -1 };
}

/** tcpdump printing flags → our PrintOptions (the subset the tests use). */
export function optionsFromFlags(args: readonly string[]): Partial<PrintOptions> {
  const count = (c: string): number => args.filter((a) => /^-[a-zA-Z]+$/.test(a)).reduce((n, a) => n + [...a].filter((x) => x === c).length, 0);
  const t = count('t');
  const x = count('x'), X = count('X'), A = count('A');
  const hex: HexMode = X ? (X > 1 ? 'XX' : 'X') : x ? (x > 1 ? 'xx' : 'x') : A ? (A > 1 ? 'AA' : 'A') : 'none';
  return {
    numeric: count('n'), linkHeader: count('e') > 0, quiet: count('q') > 0, verbose: count('v'),
    timestamp: (['default', 'none', 'epoch', 'delta', 'date', 'since-first'] as TimestampMode[])[Math.min(t, 5)]!,
    nano: args.includes('--nano'), hex, utcOffsetSeconds: 0,
    // Without -n both sides name hosts from /etc/hosts (tcpdump's DNS fallback fails offline).
    hostName: count('n') === 0 ? hostsLookup() : undefined,
  };
}

export function ourText(file: string, args: readonly string[]): string {
  const printer = new PacketPrinter(optionsFromFlags(args));
  const { packets } = readAllPackets(new Uint8Array(readFileSync(file)));
  let out = '';
  for (const p of packets) out += printer.format(p);
  return out;
}

/** The first differing line, for a readable assertion message. */
export function firstDifference(expected: string, actual: string): string | undefined {
  const e = expected.split('\n'), a = actual.split('\n');
  for (let i = 0; i < Math.max(e.length, a.length); i++) {
    if (e[i] !== a[i]) return `line ${i + 1}:\n  tcpdump: ${JSON.stringify(e[i])}\n  tsbpf:   ${JSON.stringify(a[i])}`;
  }
  return undefined;
}

/** The repository's samples/ folder, found upward from this file (works from test/ and dist/test/). */
export function samplesDir(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'samples', 'http.pcap'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('samples/ not found');
    dir = up;
  }
  return join(dir, 'samples');
}
