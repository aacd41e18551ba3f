/**
 * The entry of the `tsbpf` start-up snapshot: scripts/build-snapshot.mjs bundles this module
 * (with every command) into one CommonJS file and runs `node --build-snapshot` on it; bin/tsbpf
 * then starts `node --snapshot-blob dist/tsbpf.blob -- ARGS...`. Node deserializes the heap
 * with all modules already evaluated instead of loading ~150 of them (start-up: ~110 ms ->
 * ~70 ms; `node -e 0` is ~60 ms).
 *
 * Build time vs run time: this module runs once, on the build machine. What it leaves in the
 * heap is code and constant tables only. Everything about the running process (arguments,
 * standard streams, TZ, /etc/hosts, the working directory) is read by `main`, which runs in
 * the user's process, through process-io.ts and the commands, which read those facts per run.
 *
 * The warm-up runs commands on the bundled samples before the heap is serialized, so the
 * functions a run needs are already compiled in the snapshot. It writes to no stream (an
 * in-memory CliIO) and its files live in a temporary directory that is removed; what it
 * creates (printers, filters, writers) belongs to each run and is garbage afterwards. The one
 * module-level memo it fills, the built-in services/protocols resolver, is immutable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import type { CliIO } from './command.js';
import { commands } from './commands/index.js';
import { runProcess } from './process-io.js';
import { runCli } from './run-cli.js';

/** The user's process: started from the snapshot, process.argv is [node, ...args]. */
function main(): void {
  runProcess(process.argv.slice(1), commands).catch((err: unknown) => {
    process.stderr.write(`tsbpf: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}

const WARM_FILTER = 'tcp or (udp and port 53) or icmp';

/** Commands run before serializing; `samples` is the repository's samples/ directory. */
async function warmUp(samples: string): Promise<void> {
  const sink: CliIO = {
    stdout: () => {},
    stderr: () => {},
    readInput: async () => { throw new Error('the warm-up reads no standard input'); },
  };
  const dir = mkdtempSync(join(tmpdir(), 'tsbpf-snapshot-'));
  try {
    const failures: string[] = [];
    const run = async (argv: string[]): Promise<void> => {
      const status = await runCli(argv, sink, commands);
      if (status !== 0) failures.push(`${argv.join(' ')} -> ${status}`);
    };
    await run(['--help']);
    // -w and --count several times: the scan, filter and write loops are dump's hot path on
    // large files. Every run of a function compiles it (bytecode, kept in the snapshot);
    // repetitions add type feedback but also heap, and every MB of heap costs ~3 ms of
    // deserialization at each start: the printing runs are one per sample.
    const http = join(samples, 'http.pcap');
    for (let i = 0; i < 3; i++) {
      await run(['dump', '-r', http, '-w', join(dir, 'out.pcap'), WARM_FILTER]);
      await run(['dump', '-r', http, '--count', WARM_FILTER]);
    }
    for (const file of ['http.pcap', 'dns.pcap', 'icmp.pcap', 'ipv6.pcap', 'arp.pcap', 'vlan.pcap', 'http.pcapng']) {
      await run(['dump', '-nnv', '-r', join(samples, file)]);
      await run(['dump', '-ex', '-tttt', '-r', join(samples, file), WARM_FILTER]);
    }
    if (failures.length > 0) throw new Error(`snapshot warm-up failed: ${failures.join('; ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (!v8.startupSnapshot.isBuildingSnapshot()) {
  throw new Error('snapshot-entry is the entry of `node --build-snapshot` (scripts/build-snapshot.mjs), not a script to run');
}
v8.startupSnapshot.setDeserializeMainFunction(main);
const samples = process.argv[2];
if (samples === undefined) throw new Error('usage: node --snapshot-blob BLOB --build-snapshot ENTRY.cjs SAMPLES_DIR');
// Node serializes the heap once the event loop is empty, that is after the warm-up.
// A failure exits before Node writes a blob: the build must fail, not ship a half-warm snapshot.
warmUp(samples).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
