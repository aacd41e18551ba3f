/**
 * Node adapters for the streaming capture reader and writer: a file (or stdin) as an async
 * iterable of chunks, and a synchronous file-descriptor sink for CaptureWriter.
 */
import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';

/** Reads `path` (or standard input for '-') in chunks; memory stays at one chunk. */
export async function* fileChunks(path: string, chunkSize = 1 << 18): AsyncGenerator<Uint8Array> {
  const stream = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: chunkSize });
  for await (const chunk of stream) {
    const c = chunk as Uint8Array;
    yield new Uint8Array(c.buffer, c.byteOffset, c.byteLength);
  }
}

export interface ByteSink {
  write(bytes: Uint8Array): void;
  close(): void;
}

/** A file opened for writing (truncated), or standard output for '-'. */
export function openSink(path: string): ByteSink {
  const fd = path === '-' ? 1 : openSync(path, 'w');
  return {
    write(bytes: Uint8Array): void {
      let at = 0;
      while (at < bytes.length) {
        try {
          at += writeSync(fd, bytes, at, bytes.length - at);
        } catch (e) {
          // A non-blocking stdout pipe that is full: retry until the reader drains it.
          if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        }
      }
    },
    close(): void { if (fd !== 1) closeSync(fd); },
  };
}
