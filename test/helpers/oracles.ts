/**
 * Finding the real oracles (tcpdump, clang, llvm-objdump, the kernel) for differential and
 * golden tests. A test that needs one skips with a visible reason when it is missing; CI
 * installs them all, so there the tests run.
 */
import { spawnSync } from 'node:child_process';

/** Returns the path of `tool` on PATH, or undefined. */
export function findTool(tool: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  const path = r.stdout.trim();
  return r.status === 0 && path ? path : undefined;
}

/** A `skip` option for node:test: false when the tool exists, else the reason. */
export function needsTool(tool: string): { skip: string | false } {
  return { skip: findTool(tool) ? false : `${tool} is not installed (CI installs it)` };
}

/** True when running as root on Linux, the condition for bpf(2) tests. */
export function isRootOnLinux(): boolean {
  return process.platform === 'linux' && typeof process.getuid === 'function' && process.getuid() === 0;
}
