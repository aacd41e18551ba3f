#!/usr/bin/env node
/** The `tsbpf` executable: wires the real process streams to runCli. */
import { fstatSync, writeSync } from 'node:fs';
import type { Command } from './command.js';
import { runCli } from './run-cli.js';

/**
 * Standard output as a file or /dev/null is a synchronous stream that copies every string
 * into a new Buffer before writing it; writing the string to the descriptor directly skips
 * that (dump's printed lines: ~15% of the run). Pipes and terminals keep the stream.
 */
const stdoutToFile = ((): boolean => {
  try {
    const st = fstatSync(1);
    return st.isFile() || (st.isCharacterDevice() && !process.stdout.isTTY);
  } catch {
    return false;
  }
})();

function writeStdout(text: string): void {
  const n = writeSync(1, text);
  if (n === Buffer.byteLength(text)) return;
  // A short write: finish from the encoded bytes.
  const bytes = Buffer.from(text);
  for (let at = n; at < bytes.length;) at += writeSync(1, bytes, at);
}

const io = {
  stdout: stdoutToFile ? writeStdout : (text: string) => { process.stdout.write(text); },
  stderr: (text: string) => { process.stderr.write(text); },
  readInput: async (path?: string) => (await import('../node/io/files.js')).readInput(path),
};

// EPIPE on stdout (e.g. `tsbpf ... | head`) is a normal end, not a crash.
process.stdout.on('error', (err: NodeJS.ErrnoException) => { if (err.code === 'EPIPE') process.exit(0); throw err; });

const argv = process.argv.slice(2);
// `dump` on a large capture is the command whose start-up shows: it loads only its own modules
// instead of every command's (the full registry costs ~100 ms of module loading).
const registry: readonly Command[] | undefined = argv[0] === 'dump' ? [(await import('./commands/dump.js')).dumpCommand] : undefined;
process.exitCode = await runCli(argv, io, registry);
