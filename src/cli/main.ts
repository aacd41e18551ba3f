#!/usr/bin/env node
/**
 * The `tsbpf` executable without the start-up snapshot (bin/tsbpf falls back to it; tests spawn
 * it): wires the real process to runCli through process-io.ts.
 */
import type { Command } from './command.js';
import { runProcess } from './process-io.js';

const argv = process.argv.slice(2);
// `dump` on a large capture is the command whose start-up shows: it loads only its own modules
// instead of every command's (the full registry costs ~100 ms of module loading).
const registry: readonly Command[] | undefined = argv[0] === 'dump' ? [(await import('./commands/dump.js')).dumpCommand] : undefined;
await runProcess(argv, registry);
