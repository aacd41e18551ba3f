/**
 * Node adapters for the capture readers and writers: a file (or stdin) scanned through one
 * reused buffer, a file as an async iterable of chunks, and a synchronous file-descriptor sink
 * for CaptureWriter.
 */
import { closeSync, createReadStream, openSync, readSync, writeSync } from 'node:fs';
import type { CaptureScanner } from '../../capture/index.js';

/** Reads `path` (or standard input for '-') in chunks; memory stays at one chunk. */
export async function* fileChunks(path: string, chunkSize = 1 << 18): AsyncGenerator<Uint8Array> {
  const stream = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: chunkSize });
  for await (const chunk of stream) {
    const c = chunk as Uint8Array;
    yield new Uint8Array(c.buffer, c.byteOffset, c.byteLength);
  }
}

export interface ScanFileHooks {
  /** Called after every read with the number of bytes read (a progress bar). */
  readonly onRead?: (bytes: number) => void;
  /**
   * Called after every scan, before the buffer's bytes are moved or overwritten: whoever kept
   * a reference into them (a writer's deferred run) must copy what it needs now.
   */
  readonly beforeReuse?: () => void;
}

/** The read size; the buffer grows past it only for a record larger than this. */
const READ_BUFFER = 1 << 18;
const FIRST_READ = 1 << 12;

/** Reads up to `max` bytes into `buf` at `at`; 0 at the end of input. */
export type ReadInto = (buf: Uint8Array, at: number, max: number) => number | Promise<number>;

/**
 * Feeds the capture at `path` ('-' for standard input) to `scanner`, reading with `readSync`
 * into one buffer reused for the whole file: memory is one buffer whatever the file's size, and
 * there is no stream, promise or chunk object per read. Returns when the input ends (after
 * `scanner.end`, which throws for a truncated file) or when the sink stops the scanner.
 */
export async function scanCaptureFile(path: string, scanner: CaptureScanner, hooks: ScanFileHooks = {}): Promise<void> {
  if (path !== '-') {
    const fd = openSync(path, 'r');
    try {
      await scanFrom((buf, at, max) => readSync(fd, buf, at, max, null), scanner, hooks);
    } finally {
      closeSync(fd);
    }
    return;
  }
  // Standard input may be a non-blocking pipe or a terminal: read it as a stream, copying each
  // chunk into the scan buffer (the part that does not fit waits for the next read).
  const chunks = (process.stdin as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  let spare: Uint8Array | undefined;
  let done = false;
  await scanFrom(async (buf, at, max) => {
    if (spare === undefined && !done) {
      const next = await chunks.next();
      if (next.done) done = true;
      else spare = next.value;
    }
    if (spare === undefined) return 0;
    const n = Math.min(spare.length, max);
    buf.set(n === spare.length ? spare : spare.subarray(0, n), at);
    spare = n === spare.length ? undefined : spare.subarray(n);
    return n;
  }, scanner, hooks);
}

/**
 * The scan loop over any source: one buffer, the unconsumed tail moved to its front before
 * each read, grown only when a single record needs more room. `bufferSize` is for tests.
 */
export async function scanFrom(read: ReadInto, scanner: CaptureScanner, hooks: ScanFileHooks = {}, bufferSize = READ_BUFFER): Promise<void> {
  let buf = new Uint8Array(bufferSize);
  // buf[start..end) holds unconsumed input; buf[0] is at file offset `base`.
  let start = 0, end = 0, base = 0;
  // The first reads are small and grow: the parser then returns (and meets its chunk-end path)
  // many times while V8 collects type feedback, so its optimized code is complete instead of
  // being compiled mid-loop and thrown away at the first chunk end.
  let readSize = FIRST_READ;
  for (;;) {
    // Keep only the unconsumed tail, at the front, and make room for the record it starts.
    if (start > 0) {
      buf.copyWithin(0, start, end);
      base += start;
      end -= start;
      start = 0;
    }
    if (scanner.need > buf.length) {
      const bigger = new Uint8Array(Math.max(scanner.need, buf.length * 2));
      bigger.set(buf.subarray(0, end));
      buf = bigger;
    }
    const max = Math.min(buf.length - end, Math.max(readSize, scanner.need - end));
    readSize = Math.min(readSize * 2, bufferSize);
    const n = await read(buf, end, max);
    if (n === 0) break;
    end += n;
    hooks.onRead?.(n);
    start = scanner.scan(buf, start, end, base);
    hooks.beforeReuse?.();
    if (scanner.stopped) return;
  }
  scanner.end(end - start, base + start);
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
