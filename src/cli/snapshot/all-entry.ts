/** The snapshot of every command but `dump`, which has its own (see snapshot.ts). */
import { join } from 'node:path';
import { commands } from '../commands/index.js';
import { buildSnapshot } from './snapshot.js';

buildSnapshot(commands, async (run, { samples }) => {
  await run(['--help']);
  await run(['compile', 'tcp port 80']);
  await run(['bpf-asm', join(samples, 'cpu-filter.bpf')]);
});
