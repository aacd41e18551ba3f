#!/usr/bin/env node
/** The `tsbpf` executable: wires the real process streams to runCli. */
import type { Command } from './command.js';
import { runCli } from './run-cli.js';

const io = {
  stdout: (text: string) => { process.stdout.write(text); },
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
