/**
 * Writing pcap and pcapng. The writer encodes into a buffer and hands full buffers to a sink
 * (a file, stdout, an array in tests), so writing a large capture costs one copy per packet
 * and constant memory.
 *
 * pcap holds one link type: packets of another link type are refused. pcapng declares an
 * interface (IDB) the first time a packet arrives with a new (interfaceId, linkType) pair,
 * so multi-interface captures keep their interfaces.
 */
import { BpfError } from '../core/errors.js';
import { PCAP_MAGIC_NS, PCAP_MAGIC_US } from './pcap-reader.js';
import { BT_EPB, BT_IDB, BT_SHB, BYTE_ORDER_MAGIC } from './pcapng-reader.js';
import { VERBATIM_NONE, VERBATIM_PCAP_NS, VERBATIM_PCAP_US, type PacketRef } from './packet-ref.js';
import type { CaptureFormat, CapturePacket } from './types.js';

export interface CaptureWriterOptions {
  readonly format: CaptureFormat;
  /** Link type of the pcap header (and of the first pcapng interface). */
  readonly linkType: number;
  readonly snaplen?: number;
  /** Nanosecond timestamps (pcap nanosecond magic, pcapng if_tsresol 9). Default microseconds. */
  readonly nanosecond?: boolean;
  /** Byte order of the file; default little-endian. */
  readonly littleEndian?: boolean;
  /** pcapng if_name per interface id. */
  readonly interfaceNames?: readonly string[];
  /** Bytes buffered before the sink is called. */
  readonly bufferSize?: number;
  /**
   * The sink consumes the bytes before it returns (a synchronous file write): it is then given
   * views of the writer's buffer (and of the input for long verbatim runs) instead of copies.
   */
  readonly syncSink?: boolean;
  /**
   * With `syncSink`: the reader that made the refs given to `writeRef` never reads a record's
   * bytes again once it has handed it over, and refills its buffer only after `settle()` (the
   * scan loop of src/node/io/capture-files.ts). A pcap writer then rebuilds other records as
   * pcap records in place (over their headroom) and moves runs of records together inside that
   * buffer, giving them to the sink from there: no copy into the writer's buffer and no
   * allocation per packet.
   */
  readonly compactInput?: boolean;
}

export class CaptureWriter {
  private buf: Uint8Array;
  private view: DataView;
  private at = 0;
  private readonly le: boolean;
  private readonly nano: boolean;
  private readonly snaplen: number;
  /** pcapng: interface index per `${interfaceId}/${linkType}`. */
  private readonly ifaces = new Map<string, number>();
  private started = false;
  /** The VERBATIM_ value of records this writer can copy as they are (0: none). */
  private readonly verbatim: number;
  /** A run of verbatim records not copied yet: `runBuf[runStart..runEnd)`. */
  private runBuf: Uint8Array | undefined;
  private runStart = 0;
  private runEnd = 0;
  /** compactInput: earlier runs already moved together, `runBuf[blockStart..blockEnd)`. */
  private readonly compact: boolean;
  private blockStart = 0;
  private blockEnd = 0;

  constructor(private readonly options: CaptureWriterOptions, private readonly sink: (bytes: Uint8Array) => void) {
    this.le = options.littleEndian ?? true;
    this.nano = options.nanosecond ?? false;
    this.snaplen = options.snaplen ?? 262144;
    this.buf = new Uint8Array(options.bufferSize ?? 1 << 18);
    this.view = new DataView(this.buf.buffer);
    this.verbatim = options.format === 'pcap' && this.le ? (this.nano ? VERBATIM_PCAP_NS : VERBATIM_PCAP_US) : VERBATIM_NONE;
    this.compact = options.compactInput === true && options.syncSink === true;
  }

  /**
   * Writes the packet a reader's ref points at. A pcap record that this file would encode
   * byte for byte as it is (same byte order and resolution, timestamp in range) is copied
   * unchanged, and consecutive such records are copied as one block: the copy may be deferred
   * until `settle()`, which the caller must call before it changes the bytes of `ref.buf`.
   */
  writeRef(ref: PacketRef): void {
    if (this.verbatim !== VERBATIM_NONE && this.started && ref.linkType === this.options.linkType) {
      if (ref.verbatim === this.verbatim) { this.addRun(ref.buf, ref.recordAt, ref.recordAt + ref.recordLength); return; }
      if (this.compact && ref.headroom >= 16) {
        // Any other record (pcapng block, big-endian or nanosecond pcap) becomes a pcap record
        // in place: its 16-byte header over the bytes right before the data.
        const start = ref.at - 16;
        const b = ref.buf;
        put32(b, start, ref.seconds);
        put32(b, start + 4, this.nano ? ref.nanos : Math.floor(ref.nanos / 1000));
        put32(b, start + 8, ref.caplen);
        put32(b, start + 12, ref.origLength);
        this.addRun(b, start, ref.at + ref.caplen);
        return;
      }
    }
    this.settle();
    this.write({ data: ref.data(), origLength: ref.origLength, seconds: ref.seconds, nanos: ref.nanos, linkType: ref.linkType, interfaceId: ref.interfaceId });
  }

  /** Appends `buf[start..end)`, bytes already in this file's record format, to the deferred run. */
  private addRun(buf: Uint8Array, start: number, end: number): void {
    if (buf === this.runBuf) {
      if (start === this.runEnd) { this.runEnd = end; return; }
      if (this.compact) {
        // The pending run joins the block (moved down over records the reader is done with).
        this.blockEnd = this.moveRun(buf);
        this.runStart = start;
        this.runEnd = end;
        return;
      }
    }
    this.settle();
    this.runBuf = buf;
    this.blockStart = this.blockEnd = this.runStart = start;
    this.runEnd = end;
  }

  /** Copies a deferred run of records (see `writeRef`) into the output. */
  settle(): void {
    const run = this.runBuf;
    if (run === undefined) return;
    this.runBuf = undefined;
    if (this.compact) {
      const end = this.moveRun(run);
      this.flushBuffer();
      this.sink(run.subarray(this.blockStart, end));
      return;
    }
    const n = this.runEnd - this.runStart;
    if (n > this.buf.length >> 1) {
      // A long run goes to the sink directly rather than through the buffer.
      this.flushBuffer();
      this.sink(this.options.syncSink ? run.subarray(this.runStart, this.runEnd) : run.slice(this.runStart, this.runEnd));
      return;
    }
    this.reserve(n);
    this.buf.set(run.subarray(this.runStart, this.runEnd), this.at);
    this.at += n;
  }

  /** Moves the pending run to the end of the block (within `buf`); returns the block's new end. */
  private moveRun(buf: Uint8Array): number {
    const n = this.runEnd - this.runStart;
    if (this.runStart !== this.blockEnd) buf.copyWithin(this.blockEnd, this.runStart, this.runEnd);
    return this.blockEnd + n;
  }

  /** Writes the file header now (a capture with no packets still has one). */
  start(): void {
    if (this.started) return;
    this.started = true;
    if (this.options.format === 'pcap') {
      this.reserve(24);
      this.u32(this.nano ? PCAP_MAGIC_NS : PCAP_MAGIC_US);
      this.u16(2); this.u16(4);
      this.u32(0); this.u32(0);
      this.u32(this.snaplen);
      this.u32(this.options.linkType);
    } else {
      this.reserve(28);
      this.u32(BT_SHB); this.u32(28); this.u32(BYTE_ORDER_MAGIC);
      this.u16(1); this.u16(0);
      this.u32(0xffffffff); this.u32(0xffffffff); // section length unknown (-1)
      this.u32(28);
      this.interfaceFor(0, this.options.linkType);
    }
  }

  write(p: Pick<CapturePacket, 'data' | 'origLength' | 'seconds' | 'nanos'> & Partial<Pick<CapturePacket, 'linkType' | 'interfaceId'>>): void {
    this.start();
    this.settle();
    const caplen = p.data.length;
    if (this.options.format === 'pcap') {
      if (p.linkType !== undefined && p.linkType !== this.options.linkType) {
        throw new BpfError('USAGE', `pcap output holds one link type (${this.options.linkType}); packet has ${p.linkType}`);
      }
      this.reserve(16 + caplen);
      this.u32(p.seconds);
      this.u32(this.nano ? p.nanos : Math.floor(p.nanos / 1000));
      this.u32(caplen);
      this.u32(p.origLength);
      this.bytes(p.data);
      return;
    }
    const id = this.interfaceFor(p.interfaceId ?? 0, p.linkType ?? this.options.linkType);
    const padded = (caplen + 3) & ~3;
    const total = 32 + padded;
    this.reserve(total);
    const units = this.nano ? BigInt(p.seconds) * 1000000000n + BigInt(p.nanos) : BigInt(p.seconds) * 1000000n + BigInt(Math.floor(p.nanos / 1000));
    this.u32(BT_EPB); this.u32(total); this.u32(id);
    this.u32(Number(units >> 32n)); this.u32(Number(units & 0xffffffffn));
    this.u32(caplen); this.u32(p.origLength);
    this.bytes(p.data);
    for (let i = caplen; i < padded; i++) this.buf[this.at++] = 0;
    this.u32(total);
  }

  /** Hands everything buffered to the sink. */
  flush(): void {
    this.start();
    this.settle();
    this.flushBuffer();
  }

  private interfaceFor(interfaceId: number, linkType: number): number {
    const key = `${interfaceId}/${linkType}`;
    const known = this.ifaces.get(key);
    if (known !== undefined) return known;
    const id = this.ifaces.size;
    this.ifaces.set(key, id);
    const name = this.options.interfaceNames?.[interfaceId];
    const nameBytes = name === undefined ? undefined : new TextEncoder().encode(name);
    const nameLen = nameBytes ? 4 + ((nameBytes.length + 3) & ~3) : 0;
    const resolLen = this.nano ? 8 : 0;
    const optsLen = nameLen + resolLen + (nameLen + resolLen > 0 ? 4 : 0);
    const total = 20 + optsLen;
    this.reserve(total);
    this.u32(BT_IDB); this.u32(total);
    this.u16(linkType); this.u16(0); this.u32(this.snaplen);
    if (nameBytes) {
      this.u16(2); this.u16(nameBytes.length); this.bytes(nameBytes);
      for (let i = nameBytes.length; i < ((nameBytes.length + 3) & ~3); i++) this.buf[this.at++] = 0;
    }
    if (this.nano) { this.u16(9); this.u16(1); this.u32(this.le ? 9 : 9 << 24); }
    if (optsLen > 0) this.u32(0);
    this.u32(total);
    return id;
  }

  private reserve(n: number): void {
    if (this.at + n <= this.buf.length) return;
    this.flushBuffer();
    if (n > this.buf.length) {
      this.buf = new Uint8Array(n);
      this.view = new DataView(this.buf.buffer);
    }
  }

  private flushBuffer(): void {
    if (this.at === 0) return;
    this.sink(this.options.syncSink ? this.buf.subarray(0, this.at) : this.buf.slice(0, this.at));
    this.at = 0;
  }

  private u16(v: number): void { this.view.setUint16(this.at, v, this.le); this.at += 2; }
  private u32(v: number): void { this.view.setUint32(this.at, v >>> 0, this.le); this.at += 4; }
  private bytes(b: Uint8Array): void { this.buf.set(b, this.at); this.at += b.length; }
}

/** Stores `v` as 32 bits little-endian (the writer's verbatim formats are little-endian). */
function put32(b: Uint8Array, at: number, v: number): void {
  b[at] = v;
  b[at + 1] = v >>> 8;
  b[at + 2] = v >>> 16;
  b[at + 3] = v >>> 24;
}
