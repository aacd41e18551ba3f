/**
 * The readers' view of one packet record: a single mutable object the parser refills for every
 * record, pointing into the parser's input buffer. Nothing is allocated per packet, so a filter
 * can run on `buf` at `at` and a writer can copy the bytes straight from the input; a
 * `CapturePacket` (an object of its own, with a `data` view) is made only when asked for.
 * A ref is valid until the sink returns: the buffer is reused afterwards.
 */
import type { CapturePacket } from './types.js';

/** `verbatim` values: how the record's bytes may be copied unchanged into a pcap file. */
export const VERBATIM_NONE = 0;
/** A little-endian microsecond pcap record (16-byte header + data) with an in-range sub-second field. */
export const VERBATIM_PCAP_US = 1;
/** The same with a nanosecond sub-second field. */
export const VERBATIM_PCAP_NS = 2;

const EMPTY = new Uint8Array(0);

export class PacketRef {
  /** The buffer that holds the record. */
  buf: Uint8Array = EMPTY;
  /** Offset in `buf` of the captured bytes. */
  at = 0;
  /** Captured length (bytes at `at`). */
  caplen = 0;
  /** Length on the wire. */
  origLength = 0;
  /** Offset in `buf` of the whole record (pcap record header, pcapng block) and its length. */
  recordAt = 0;
  recordLength = 0;
  /**
   * Bytes of this record right before the captured bytes (`buf[at - headroom..at)`: the pcap
   * record header, the pcapng block's fixed fields), which a writer told that the reader is done
   * with the record may overwrite to rebuild it in place in another format.
   */
  headroom = 0;
  /** One of the VERBATIM_ values. */
  verbatim = VERBATIM_NONE;
  seconds = 0;
  nanos = 0;
  linkType = 0;
  interfaceId = 0;
  /** 1-based packet number in the file. */
  index = 0;
  /** File offset of the record or block. */
  offset = 0;

  /** The captured bytes as a view (allocates a view; the bytes are not copied). */
  data(): Uint8Array { return this.buf.subarray(this.at, this.at + this.caplen); }

  /** An independent packet object (its data still views the reader's buffer). */
  toPacket(): CapturePacket {
    return {
      data: this.data(), origLength: this.origLength, seconds: this.seconds, nanos: this.nanos,
      linkType: this.linkType, interfaceId: this.interfaceId, index: this.index, offset: this.offset,
    };
  }
}

/** Receives every packet record in order; returning false stops the parser after this record. */
export type PacketSink = (ref: PacketRef) => boolean;
