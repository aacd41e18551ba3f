/**
 * Reading a capture of either format from bytes that arrive in chunks. `CaptureReader` is the
 * push-style core (feed chunks, get packets through a callback, synchronously); `readPackets`
 * and `forEachPacket` drive it from a `Uint8Array`, an iterable or an async iterable of chunks.
 * The format is detected from the first four bytes.
 */
import { ChunkDriver, type RecordParser } from './chunk-parser.js';
import { CaptureError } from './errors.js';
import { parserFor, type CaptureReaderHooks } from './formats.js';
import type { CaptureHeader, CapturePacket } from './types.js';

export type { CaptureReaderHooks } from './formats.js';

export type ByteSource = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

export class CaptureReader {
  header: CaptureHeader | undefined;
  private driver: ChunkDriver | undefined;
  private head: Uint8Array = new Uint8Array(0);

  constructor(private readonly hooks: CaptureReaderHooks = {}) {}

  /** Parses what `chunk` completes; `emit` receives every packet, in order. */
  push(chunk: Uint8Array, emit: (p: CapturePacket) => void): void {
    if (!this.driver) {
      // Collect the four magic bytes before choosing a format.
      const joined = new Uint8Array(this.head.length + chunk.length);
      joined.set(this.head);
      joined.set(chunk, this.head.length);
      if (joined.length < 4) { this.head = joined; return; }
      this.driver = new ChunkDriver(this.choose(joined));
      this.head = new Uint8Array(0);
      chunk = joined;
    }
    this.driver.push(chunk, emit);
  }

  /** Signals the end of input; throws a CaptureError if the file stops inside a record. */
  end(): void {
    if (!this.driver) throw new CaptureError(`truncated dump file; tried to read 4 file header bytes, only got ${this.head.length}`, 0, 0);
    this.driver.end();
  }

  private choose(first: Uint8Array): RecordParser {
    return parserFor(first, { ...this.hooks, onHeader: (h) => { this.header = h; this.hooks.onHeader?.(h); } });
  }
}

async function* chunksOf(source: ByteSource): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) { yield source; return; }
  if (Symbol.asyncIterator in source) { yield* source as AsyncIterable<Uint8Array>; return; }
  yield* source as Iterable<Uint8Array>;
}

/**
 * Calls `fn` for every packet of the capture, in order; resolves with the header when the
 * input ends. `fn` returning `false` stops reading early (the rest of the input is not read).
 * A corrupt or truncated file rejects with a CaptureError after every earlier packet was
 * delivered.
 */
export async function forEachPacket(source: ByteSource, fn: (p: CapturePacket) => boolean | void, hooks: CaptureReaderHooks = {}): Promise<CaptureHeader | undefined> {
  const reader = new CaptureReader(hooks);
  let stop = false;
  const emit = (p: CapturePacket): void => {
    if (stop) return;
    if (fn(p) === false) stop = true;
  };
  for await (const chunk of chunksOf(source)) {
    reader.push(chunk, emit);
    if (stop) return reader.header;
  }
  reader.end();
  return reader.header;
}

/** The packets of a capture as an async iterable (one chunk's packets parsed at a time). */
export async function* readPackets(source: ByteSource, hooks: CaptureReaderHooks = {}): AsyncGenerator<CapturePacket> {
  const reader = new CaptureReader(hooks);
  let batch: CapturePacket[] = [];
  const emit = (p: CapturePacket): void => { batch.push(p); };
  for await (const chunk of chunksOf(source)) {
    try {
      reader.push(chunk, emit);
    } catch (err) {
      yield* batch;
      throw err;
    }
    const ready = batch;
    batch = [];
    yield* ready;
  }
  reader.end();
}

/** Synchronous reading of a capture already in memory (tests, small files). */
export function readAllPackets(bytes: Uint8Array): { header: CaptureHeader | undefined; packets: CapturePacket[] } {
  const reader = new CaptureReader();
  const packets: CapturePacket[] = [];
  reader.push(bytes, (p) => { packets.push(p); });
  reader.end();
  return { header: reader.header, packets };
}
