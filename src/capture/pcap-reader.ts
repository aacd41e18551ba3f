/**
 * The classic libpcap file format: a 24-byte header (magic, version, snaplen, link type)
 * followed by records of a 16-byte header (seconds, micro- or nanoseconds, captured length,
 * original length) and the captured bytes. Either byte order; the magic says which, and
 * whether the sub-second field counts micro- or nanoseconds.
 */
import type { RecordParser } from './chunk-parser.js';
import { CaptureError } from './errors.js';
import { PacketRef, VERBATIM_NONE, VERBATIM_PCAP_NS, VERBATIM_PCAP_US, type PacketSink } from './packet-ref.js';
import type { CaptureHeader } from './types.js';

export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;
/** libpcap's upper bound on a record when the header's snaplen is smaller (MAXIMUM_SNAPLEN). */
const MAX_RECORD = 262144;

export class PcapParser implements RecordParser {
  header: CaptureHeader | undefined;
  need = 24;
  private littleEndian = true;
  private nano = false;
  private maxCaplen = MAX_RECORD;
  /** libpcap's snapshot: the header's snaplen, or MAX_RECORD when that is not positive (as an int). */
  private snapshot = MAX_RECORD;
  private records = 0;
  private readonly ref = new PacketRef();
  stopped = false;

  constructor(private readonly onHeader: (h: CaptureHeader) => void) {}

  parse(buf: Uint8Array, pos: number, end: number, base: number, sink: PacketSink): number {
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    if (!this.header) {
      if (end - pos < 24) { this.need = 24; return pos; }
      this.readHeader(view, pos, base);
      pos += 24;
    }
    const le = this.littleEndian;
    const ref = this.ref;
    ref.buf = buf;
    ref.linkType = this.header!.linkType;
    ref.interfaceId = 0;
    ref.headroom = 16;
    const mult = this.nano ? 1 : 1000;
    const limit = this.nano ? 1e9 : 1e6;
    const verbatim = !le ? VERBATIM_NONE : this.nano ? VERBATIM_PCAP_NS : VERBATIM_PCAP_US;
    const maxCaplen = this.maxCaplen;
    for (;;) {
      const avail = end - pos;
      if (avail < 16) { this.need = 16; return pos; }
      const caplen = view.getUint32(pos + 8, le);
      if (caplen > maxCaplen) {
        throw this.caplenError(caplen, base + pos);
      }
      if (avail < 16 + caplen) { this.need = 16 + caplen; return pos; }
      const sub = view.getUint32(pos + 4, le);
      const seconds = view.getUint32(pos, le);
      ref.at = pos + 16;
      ref.caplen = caplen;
      ref.origLength = view.getUint32(pos + 12, le);
      ref.recordAt = pos;
      ref.recordLength = 16 + caplen;
      if (sub < limit) {
        ref.seconds = seconds;
        ref.nanos = sub * mult;
        ref.verbatim = verbatim;
      } else {
        // A sub-second field out of range is carried over, like libpcap's readers tolerate.
        ref.seconds = seconds + Math.floor(sub / limit);
        ref.nanos = (sub % limit) * mult;
        ref.verbatim = VERBATIM_NONE;
      }
      // A record longer than the snapshot is cut to it, as libpcap reads it (the rest skipped).
      if (caplen > this.snapshot) { ref.caplen = this.snapshot; ref.verbatim = VERBATIM_NONE; }
      ref.index = ++this.records;
      ref.offset = base + pos;
      pos += 16 + caplen;
      if (!sink(ref)) { this.stopped = true; return pos; }
    }
  }

  /** Built out of line so the number-to-text conversions stay off the record loop (see pcapng-reader's blockError). */
  private caplenError(caplen: number, offset: number): CaptureError {
    return new CaptureError(`invalid packet capture length ${caplen}, bigger than ${caplen > this.snapshot ? `snaplen of ${this.snapshot}` : `maximum of ${MAX_RECORD}`}`, offset, this.records + 1);
  }

  private readHeader(view: DataView, pos: number, base: number): void {
    const magicBE = view.getUint32(pos, false);
    const magicLE = view.getUint32(pos, true);
    if (magicLE === PCAP_MAGIC_US || magicLE === PCAP_MAGIC_NS) this.littleEndian = true;
    else if (magicBE === PCAP_MAGIC_US || magicBE === PCAP_MAGIC_NS) this.littleEndian = false;
    else throw new CaptureError('unknown file format', base + pos, 0);
    const le = this.littleEndian;
    this.nano = (le ? magicLE : magicBE) === PCAP_MAGIC_NS;
    const versionMajor = view.getUint16(pos + 4, le);
    const versionMinor = view.getUint16(pos + 6, le);
    // libpcap's checks and words: before 2.x is archaic; 2.0-2.4 (and 543.0) are read.
    if (versionMajor < 2) throw new CaptureError('archaic pcap savefile format', base + pos + 4, 0);
    if (!(versionMajor === 2 && versionMinor <= 4) && !(versionMajor === 543 && versionMinor === 0)) {
      throw new CaptureError(`unsupported pcap savefile version ${versionMajor}.${versionMinor}`, base + pos + 4, 0);
    }
    const snaplen = view.getUint32(pos + 16, le);
    // The top bits of the link-type word carry FCS information; the type is the low 16 bits.
    const linkType = view.getUint32(pos + 20, le) & 0xffff;
    // libpcap rejects records over its maximum, whatever the header says.
    this.maxCaplen = MAX_RECORD;
    this.snapshot = snaplen === 0 || snaplen > 0x7fffffff ? MAX_RECORD : snaplen;
    this.header = { format: 'pcap', littleEndian: le, nanosecond: this.nano, versionMajor, versionMinor, linkType, snaplen };
    this.onHeader(this.header);
  }

  end(leftover: number, offset: number): void {
    if (!this.header) throw new CaptureError(`truncated dump file; tried to read 24 file header bytes, only got ${Math.max(0, leftover - 4)}`, offset, 0);
    if (leftover === 0) return;
    if (leftover < 16) throw new CaptureError(`truncated dump file; tried to read 16 header bytes, only got ${leftover}`, offset, this.records + 1);
    throw new CaptureError(`truncated dump file; tried to read ${this.need - 16} captured bytes, only got ${leftover - 16}`, offset, this.records + 1);
  }
}
