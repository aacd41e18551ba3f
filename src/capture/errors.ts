/**
 * The one error a capture reader throws: the bytes at `offset` do not form a valid (or a
 * complete) record. `record` is the 1-based number of the record (pcap packet record or pcapng
 * block) being read when the problem was found; 0 means the file header.
 */
import { BpfError } from '../core/errors.js';

export class CaptureError extends BpfError {
  readonly offset: number;
  readonly record: number;
  /** The problem alone, worded as libpcap words it (what `tsbpf dump` prints, like tcpdump). */
  readonly reason: string;
  constructor(message: string, offset: number, record: number, options?: ErrorOptions) {
    super('CAPTURE', `${message} (record ${record}, byte offset ${offset})`, options);
    this.offset = offset;
    this.record = record;
    this.reason = message;
  }
}
