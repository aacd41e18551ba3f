#!/usr/bin/env node
/** The `tsbpf` executable: wires the real process streams to runCli. */
import { readInput } from '../node/io/files.js';
import { runCli } from './run-cli.js';

const io = {
  stdout: (text: string) => { process.stdout.write(text); },
  stderr: (text: string) => { process.stderr.write(text); },
  readInput,
};

// EPIPE on stdout (e.g. `tsbpf ... | head`) is a normal end, not a crash.
process.stdout.on('error', (err: NodeJS.ErrnoException) => { if (err.code === 'EPIPE') process.exit(0); throw err; });

runCli(process.argv.slice(2), io).then((status) => { process.exitCode = status; });
