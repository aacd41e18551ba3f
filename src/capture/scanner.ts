/**
 * Reading a capture out of a buffer the caller manages: the caller reads input into one reused
 * buffer, calls `scan` on the bytes it holds, keeps the tail `scan` did not consume (an
 * incomplete record) and reads more after it. The packets go to a `PacketSink` as one reused
 * `PacketRef` pointing into that buffer, so nothing is copied or allocated per packet. This is
 * the fast path under `tsbpf dump`; `CaptureReader` (chunks in, packet objects out) is the
 * convenient one.
 */
import type { RecordParser } from './chunk-parser.js';
import { CaptureError } from './errors.js';
import type { PacketSink } from './packet-ref.js';
import { parserFor, type CaptureReaderHooks } from './formats.js';
import type { CaptureHeader } from './types.js';

export class CaptureScanner {
  header: CaptureHeader | undefined;
  /** After `scan`: bytes needed from the returned position before scanning again makes progress. */
  need = 4;
  /** After `scan`: the sink returned false; nothing more should be read. */
  stopped = false;
  private parser: RecordParser | undefined;

  constructor(private readonly sink: PacketSink, private readonly hooks: CaptureReaderHooks = {}) {}

  /**
   * Parses the complete records in `buf[start..end)` and returns the position of the first byte
   * not consumed. `base` is the file offset of `buf[0]`. Throws a CaptureError at the first bad
   * record, after the sink has seen every packet before it.
   */
  scan(buf: Uint8Array, start: number, end: number, base: number): number {
    if (this.parser === undefined) {
      if (end - start < 4) { this.need = 4; return start; }
      this.parser = parserFor(buf.subarray(start, start + 4), {
        ...this.hooks,
        onHeader: (h) => { this.header = h; this.hooks.onHeader?.(h); },
      });
    }
    const pos = this.parser.parse(buf, start, end, base, this.sink);
    this.need = this.parser.need;
    this.stopped = this.parser.stopped;
    return pos;
  }

  /** The input ended with `leftover` unconsumed bytes at file offset `offset`; throws if they matter. */
  end(leftover: number, offset: number): void {
    if (this.parser === undefined) throw new CaptureError(`truncated dump file; tried to read 4 file header bytes, only got ${leftover}`, 0, 0);
    this.parser.end(leftover, offset);
  }
}
