/** The CLI run in process, for end-to-end tests of its commands. */
import { runCli } from '../../src/cli/run-cli.js';

/**
 * `tsbpf dump ARGS` with empty stdin: its stdout, stderr and exit status. Standard output takes
 * bytes (CliIO.stdoutBytes, as the real process's does) unless `textOnly`, which leaves dump
 * its fallback through stdout(text).
 */
export async function dump(args: readonly string[], textOnly = false): Promise<{ stdout: string; stderr: string; status: number }> {
  const parts: (string | Uint8Array)[] = [];
  let stderr = '';
  const status = await runCli(['dump', ...args], {
    stdout: (t) => { parts.push(t); },
    // The bytes are borrowed (the buffer is reused): keep a copy.
    ...(textOnly ? {} : { stdoutBytes: (b: Uint8Array) => { parts.push(b.slice()); } }),
    stderr: (t) => { stderr += t; }, readInput: async () => new Uint8Array(0),
  });
  // One decode of all the bytes (a block may end inside a character).
  const encoder = new TextEncoder();
  const chunks = parts.map((p) => (typeof p === 'string' ? encoder.encode(p) : p));
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  chunks.reduce((at, c) => { all.set(c, at); return at + c.length; }, 0);
  return { stdout: new TextDecoder().decode(all), stderr, status };
}
