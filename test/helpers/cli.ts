/** The CLI run in process, for end-to-end tests of its commands. */
import { runCli } from '../../src/cli/run-cli.js';

/** `tsbpf dump ARGS` with empty stdin: its stdout, stderr and exit status. */
export async function dump(args: readonly string[]): Promise<{ stdout: string; stderr: string; status: number }> {
  let stdout = '', stderr = '';
  const status = await runCli(['dump', ...args], {
    stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, readInput: async () => new Uint8Array(0),
  });
  return { stdout, stderr, status };
}
