/**
 * The streaming skeleton shared by the pcap and pcapng readers. Input arrives as chunks of any
 * size; a format parser consumes whole records from a contiguous view and, when the next record
 * is incomplete, says how many bytes it needs. Only the unconsumed tail is kept between pushes
 * (and joined once enough has arrived), so memory stays bounded by the largest record and the
 * work stays linear whatever the chunk size.
 */
import type { PacketRef, PacketSink } from './packet-ref.js';
import type { CapturePacket } from './types.js';

export interface RecordParser {
  /**
   * Consumes complete records from `buf[pos..end)` and returns the new position, handing every
   * packet to `sink`. When it stops before `end` it sets `need` to the bytes required (from the
   * returned position) to go on, unless `sink` returned false (then `stopped` is true).
   * `base` is the file offset of `buf[0]`.
   */
  parse(buf: Uint8Array, pos: number, end: number, base: number, sink: PacketSink): number;
  need: number;
  stopped: boolean;
  /** Called at the end of input with the number of unconsumed bytes; throws if they matter. */
  end(leftover: number, offset: number): void;
}

export class ChunkDriver {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  /** File offset of the first pending byte (or of the next chunk when nothing is pending). */
  private offset = 0;

  constructor(private readonly parser: RecordParser) {}

  push(chunk: Uint8Array, emit: (p: CapturePacket) => void): void {
    if (chunk.length === 0) return;
    let buf = chunk;
    if (this.pendingBytes > 0) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes < this.parser.need) return;
      buf = new Uint8Array(this.pendingBytes);
      let at = 0;
      for (const c of this.pending) { buf.set(c, at); at += c.length; }
      this.pending = [];
      this.pendingBytes = 0;
    }
    const base = this.offset;
    const pos = this.parser.parse(buf, 0, buf.length, base, (ref: PacketRef) => { emit(ref.toPacket()); return true; });
    this.offset = base + pos;
    if (pos < buf.length) {
      // Copy the tail so a large chunk is not kept alive by a few leftover bytes.
      this.pending = [buf.slice(pos)];
      this.pendingBytes = buf.length - pos;
    }
  }

  end(): void {
    this.parser.end(this.pendingBytes, this.offset);
  }
}
