/**
 * The `tsbpf` start-up snapshots. scripts/build-snapshot.mjs bundles each entry of this folder
 * (dump-entry.ts: `tsbpf dump`; all-entry.ts: every command) into one CommonJS file and runs
 * `node --build-snapshot` on it; bin/tsbpf then starts `node --snapshot-blob BLOB -- ARGS...`.
 * Node deserializes a heap whose modules are already evaluated instead of loading ~150 of them.
 * `dump` has a blob of its own: without the other commands' modules its heap is ~0.4 MB
 * smaller, and each MB of heap costs every start ~3 ms of reading and deserializing.
 *
 * Build time vs run time: an entry runs once, on the build machine. What it leaves in the heap
 * is code and constant tables only. Everything about the running process (arguments, standard
 * streams, TZ, /etc/hosts, the working directory) is read by `main`, which runs in the user's
 * process, through process-io.ts and the commands, which read those facts per run.
 *
 * The warm-up runs commands before the heap is serialized, so the functions a run needs are
 * already compiled to bytecode in the snapshot. It writes to no stream (an in-memory CliIO) and
 * its files live in a temporary directory that is removed; what it creates (printers, filters,
 * writers) belongs to each run and is garbage afterwards. The one module-level memo it fills,
 * the built-in services/protocols resolver, is immutable.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import type { CliIO, Command } from '../command.js';
import { runProcess } from '../process-io.js';
import { runCli } from '../run-cli.js';

/** Runs one command of the warm-up; a non-zero status fails the build. */
export type WarmRun = (argv: readonly string[]) => Promise<void>;

/** Where the warm-up finds its inputs and may write. */
export interface WarmPlace {
  /** The repository's samples/ directory. */
  readonly samples: string;
  /** A temporary directory, removed after the warm-up. */
  readonly dir: string;
}

/**
 * Called at the top level of an entry: makes `main` (tsbpf with `registry`) the snapshot's
 * start, then runs `warmUp`; Node serializes the heap once the event loop is empty, after it.
 * Build-time argument: the samples directory (`node --build-snapshot ENTRY.cjs SAMPLES_DIR`).
 */
export function buildSnapshot(registry: readonly Command[], warmUp: (run: WarmRun, place: WarmPlace) => Promise<void>): void {
  if (!v8.startupSnapshot.isBuildingSnapshot()) {
    throw new Error('a snapshot entry is run by `node --build-snapshot` (scripts/build-snapshot.mjs), not as a script');
  }
  // In the user's process, started from the snapshot: process.argv is [node, ...args].
  v8.startupSnapshot.setDeserializeMainFunction(() => {
    runProcess(process.argv.slice(1), registry).catch((err: unknown) => {
      process.stderr.write(`tsbpf: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    });
  });
  const samples = process.argv[2];
  if (samples === undefined) throw new Error('usage: node --snapshot-blob BLOB --build-snapshot ENTRY.cjs SAMPLES_DIR');
  // Shaped as processIO()'s, so the warm-up takes the output paths real runs take.
  const sink: CliIO = {
    stdout: () => {},
    stdoutBytes: () => {},
    stderr: () => {},
    readInput: async (path) => {
      if (path === undefined || path === '-') throw new Error('the warm-up reads no standard input');
      return new Uint8Array(readFileSync(path));
    },
  };
  const failures: string[] = [];
  const run: WarmRun = async (argv) => {
    const status = await runCli(argv, sink, registry);
    if (status !== 0) failures.push(`${argv.join(' ')} -> ${status}`);
  };
  const dir = mkdtempSync(join(tmpdir(), 'tsbpf-snapshot-'));
  // A failure exits before Node writes a blob: the build must fail, not ship a half-warm snapshot.
  warmUp(run, { samples, dir })
    .then(() => { if (failures.length > 0) throw new Error(`snapshot warm-up failed: ${failures.join('; ')}`); })
    .finally(() => rmSync(dir, { recursive: true, force: true }))
    .catch((err: unknown) => {
      // (While a snapshot is built, errors have no stack.)
      process.stderr.write(`build-snapshot: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
      process.exit(1);
    });
}
