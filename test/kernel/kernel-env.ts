/**
 * Shared setup of the kernel tests: whether bpf(2) can be used here (root on Linux with koffi
 * installed) and, if not, the visible reason every test skips with.
 */
import { readdirSync } from 'node:fs';
import { isRootOnLinux } from '../helpers/oracles.js';
import { kernelAvailable, openKernel, type Kernel } from '../../src/node/kernel/index.js';

async function probe(): Promise<{ kernel: Kernel | undefined; skip: string | false }> {
  if (!isRootOnLinux()) return { kernel: undefined, skip: 'bpf(2) tests need root on Linux (CI runs them)' };
  const avail = await kernelAvailable();
  if (!avail.ok) return { kernel: undefined, skip: `kernel unavailable: ${avail.reason}` };
  return { kernel: await openKernel(), skip: false };
}

export const { kernel, skip } = await probe();

/** The kernel, for tests that only run when `skip` is false. */
export const k = (): Kernel => {
  if (!kernel) throw new Error('kernel tests ran although skipped');
  return kernel;
};

/** Open descriptors of this process, to check that every test closes what it opened. */
export const openFds = (): number => readdirSync('/proc/self/fd').length;
