/**
 * Standard output as bytes (CliIO.stdoutBytes): `tsbpf dump` prints its lines into a byte
 * buffer and hands over blocks of it. A file or /dev/null takes them with fs.writeSync (no
 * string, no copy); a pipe or terminal through process.stdout, which keeps its EPIPE handling
 * (`tsbpf dump ... | head -1` ends quietly) and needs its own copy, the block being reused.
 */
import { writeSync } from 'node:fs';

export function stdoutBytesWriter(toFile: boolean): (bytes: Uint8Array) => void {
  if (!toFile) return (bytes) => { process.stdout.write(Buffer.from(bytes)); };
  return (bytes) => {
    // A short write (a full disk returns an error instead): write the rest.
    for (let at = 0; at < bytes.length;) at += writeSync(1, bytes, at, bytes.length - at);
  };
}
