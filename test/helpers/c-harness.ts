/**
 * Compiling and running the small C oracle harnesses (test/harness/*.c, bench/harness/*.c)
 * with gcc into a temporary directory. A harness that cannot be built yields a skip reason.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findTool } from './oracles.js';

/** The repository root, found from the working directory (npm runs tests from the root). */
export const repoRoot = resolve(process.cwd());

export type Harness = { readonly path: string } | { readonly skip: string };

/** Builds `source` (relative to the repo root) with gcc; returns the binary or why not. */
export function buildHarness(source: string, flags: readonly string[] = []): Harness {
  if (!findTool('gcc')) return { skip: 'gcc is not installed (CI installs it)' };
  const dir = mkdtempSync(join(tmpdir(), 'tsbpf-harness-'));
  const out = join(dir, source.replace(/.*\//, '').replace(/\.c$/, ''));
  const r = spawnSync('gcc', ['-O2', '-o', out, join(repoRoot, source), ...flags], { encoding: 'utf8' });
  if (r.status !== 0) return { skip: `gcc could not build ${source}: ${r.stderr.trim().split('\n')[0] ?? ''}` };
  return { path: out };
}

/** Runs a built harness with `input` on stdin; returns stdout lines, throws on failure. */
export function runHarness(path: string, input: string): string[] {
  const r = spawnSync(path, [], { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${path} exited with ${r.status}: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '');
}
