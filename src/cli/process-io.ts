/**
 * The real process behind runCli, shared by the two entries of the `tsbpf` executable: main.ts
 * (a plain `node dist/src/cli/main.js`) and the V8 start-up snapshots' (src/cli/snapshot/). Every
 * fact about the process (what standard output is, isTTY, the arguments) is read when
 * `runProcess` is called, never when this module loads: in the snapshot, module loading happened
 * on the build machine.
 */
import { fstatSync, writeSync } from 'node:fs';
import type { CliIO, Command } from './command.js';
import { runCli } from './run-cli.js';

/**
 * Standard output as a file or /dev/null is a synchronous stream that copies every string
 * into a new Buffer before writing it; writing the string to the descriptor directly skips
 * that (dump's printed lines: ~15% of the run). Pipes and terminals keep the stream.
 */
function stdoutIsFile(): boolean {
  try {
    const st = fstatSync(1);
    return st.isFile() || (st.isCharacterDevice() && !process.stdout.isTTY);
  } catch {
    return false;
  }
}

function writeStdout(text: string): void {
  const n = writeSync(1, text);
  if (n === Buffer.byteLength(text)) return;
  // A short write: finish from the encoded bytes.
  const bytes = Buffer.from(text);
  for (let at = n; at < bytes.length;) at += writeSync(1, bytes, at);
}

/**
 * Standard output as bytes (CliIO.stdoutBytes): `tsbpf dump` prints its lines into a byte
 * buffer and hands over blocks of it. A file or /dev/null takes them with fs.writeSync (no
 * string, no copy); a pipe or terminal through process.stdout, which keeps its EPIPE handling
 * (`tsbpf dump ... | head -1` ends quietly) and needs its own copy, the block being reused.
 */
function stdoutBytesWriter(toFile: boolean): (bytes: Uint8Array) => void {
  if (!toFile) return (bytes) => { process.stdout.write(Buffer.from(bytes)); };
  return (bytes) => {
    // A short write (a full disk returns an error instead): write the rest.
    for (let at = 0; at < bytes.length;) at += writeSync(1, bytes, at, bytes.length - at);
  };
}

/** The process's standard streams and file reading as a CliIO. */
export function processIO(): CliIO {
  const toFile = stdoutIsFile();
  return {
    stdout: toFile ? writeStdout : (text: string) => { process.stdout.write(text); },
    stdoutBytes: stdoutBytesWriter(toFile),
    stderr: (text: string) => { process.stderr.write(text); },
    readInput: async (path?: string) => (await import('../node/io/files.js')).readInput(path),
  };
}

/** Runs `tsbpf ARGV...` on the real process and sets its exit status. */
export async function runProcess(argv: readonly string[], registry?: readonly Command[]): Promise<void> {
  const io = processIO();
  // EPIPE on stdout (e.g. `tsbpf ... | head`) is a normal end, not a crash.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => { if (err.code === 'EPIPE') process.exit(0); throw err; });
  process.exitCode = await runCli(argv, io, registry);
}
