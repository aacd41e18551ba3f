/**
 * pcapng: a sequence of blocks `type, total length, body, total length`. A Section Header Block
 * (SHB) starts each section and fixes its byte order; Interface Description Blocks (IDB) declare
 * the interfaces of the section (link type, snaplen, timestamp resolution and offset, name);
 * packets come in Enhanced (EPB), Simple (SPB) or obsolete (OPB) packet blocks. Name resolution,
 * statistics, custom and unknown blocks are checked for framing and skipped.
 */
import type { RecordParser } from './chunk-parser.js';
import { CaptureError } from './errors.js';
import { PacketRef, VERBATIM_NONE, type PacketSink } from './packet-ref.js';
import type { CaptureHeader, CaptureInterface } from './types.js';

export const BT_SHB = 0x0a0d0d0a;
export const BT_IDB = 0x00000001;
export const BT_OPB = 0x00000002;
export const BT_SPB = 0x00000003;
export const BT_NRB = 0x00000004;
export const BT_ISB = 0x00000005;
export const BT_EPB = 0x00000006;
export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** Larger blocks are taken as corruption rather than buffered (libpcap uses a similar cap). */
const MAX_BLOCK = 16 * 1024 * 1024;

const OPT_IF_NAME = 2;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;

export class PcapngParser implements RecordParser {
  header: CaptureHeader | undefined;
  need = 12;
  /** Interfaces of the current section. */
  interfaces: CaptureInterface[] = [];
  private littleEndian = true;
  private inSection = false;
  private blocks = 0;
  private packets = 0;
  private sectionVersion: [number, number] = [1, 0];
  private readonly ref = new PacketRef();
  /** Total length of the block being waited for (for libpcap's truncation message), 0 if unknown. */
  private pendingTotal = 0;
  /** libpcap's snapshot: the first interface's snaplen, 262144 when that is not positive (as an int). */
  private snapshot = 262144;
  stopped = false;

  constructor(private readonly onHeader: (h: CaptureHeader) => void, private readonly onInterface?: (i: CaptureInterface, id: number) => void) {}

  parse(buf: Uint8Array, pos: number, end: number, base: number, sink: PacketSink): number {
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const ref = this.ref;
    ref.buf = buf;
    ref.verbatim = VERBATIM_NONE;
    for (;;) {
      const avail = end - pos;
      this.pendingTotal = 0;
      // A block header is 8 bytes; a section header also needs its byte-order magic.
      if (avail < 8 || (avail < 12 && (!this.inSection || view.getUint32(pos, true) === BT_SHB))) { this.need = avail < 8 && this.inSection ? 8 : 12; return pos; }
      const at = base + pos;
      const record = this.blocks + 1;
      let le = this.littleEndian;
      const typeLE = view.getUint32(pos, true);
      if (typeLE === BT_SHB) {
        const bom = view.getUint32(pos + 8, true);
        if (bom === BYTE_ORDER_MAGIC) le = true;
        else if (view.getUint32(pos + 8, false) === BYTE_ORDER_MAGIC) le = false;
        // (libpcap then does not take the file for pcapng at all.)
        else throw new CaptureError(this.inSection ? 'bad byte-order magic in section header block' : 'unknown file format', at + 8, record);
      } else if (!this.inSection) {
        throw new CaptureError('unknown file format', at, record);
      }
      const type = view.getUint32(pos, le);
      const total = view.getUint32(pos + 4, le);
      // libpcap's checks, in its order and words.
      if (!this.inSection && (total < 28 || total > 1024 * 1024)) {
        throw blockError('shb-length', total, 0, at + 4, record);
      }
      // (The first section header is read whatever its alignment; later blocks are checked.)
      if (total < 12) throw blockError('short-length', total, 0, at + 4, record);
      if (this.inSection && total % 4 !== 0) throw blockError('unaligned', total, 0, at + 4, record);
      if (total > MAX_BLOCK) throw blockError('too-big', total, 0, at + 4, record);
      if (avail < total) { this.need = total; this.pendingTotal = total; return pos; }
      // libpcap compares the trailing copy of the length for every block but the first section header.
      if (this.inSection && view.getUint32(pos + total - 4, le) !== total) {
        throw new CaptureError("block total length in header and trailer don't match", at + total - 4, record);
      }
      this.blocks++;
      const body = pos + 8;
      const bodyEnd = pos + total - 4;
      switch (type) {
        case BT_SHB: this.readShb(view, body, bodyEnd, le, at, record); pos += total; continue;
        case BT_IDB: this.readIdb(view, buf, body, bodyEnd, at, record); pos += total; continue;
        case BT_EPB: case BT_OPB: {
          const fixed = 20;
          if (bodyEnd - body < fixed) throw blockError('too-short', type, 0, at, record);
          const id = type === BT_EPB ? view.getUint32(body, le) : view.getUint16(body, le);
          const iface = this.iface(id, at, record);
          const caplen = view.getUint32(body + 12, le);
          if (caplen > this.snapshot) throw blockError('caplen', caplen, this.snapshot, at + 20, record);
          if (caplen > bodyEnd - body - fixed) throw blockError('too-short', type, 0, at + 20, record);
          timestampInto(ref, view.getUint32(body + 4, le), view.getUint32(body + 8, le), iface);
          ref.at = body + fixed;
          ref.headroom = 8 + fixed;
          ref.caplen = caplen;
          ref.origLength = view.getUint32(body + 16, le);
          ref.linkType = iface.linkType;
          ref.interfaceId = id;
          break;
        }
        case BT_SPB: {
          if (bodyEnd - body < 4) throw blockError('too-short', type, 0, at, record);
          const iface = this.iface(0, at, record);
          const origLength = view.getUint32(body, le);
          let caplen = Math.min(origLength, bodyEnd - body - 4);
          if (iface.snaplen > 0) caplen = Math.min(caplen, iface.snaplen);
          ref.seconds = 0;
          ref.nanos = 0;
          ref.at = body + 4;
          ref.headroom = 12;
          ref.caplen = caplen;
          ref.origLength = origLength;
          ref.linkType = iface.linkType;
          ref.interfaceId = 0;
          break;
        }
        default:
          // NRB, ISB, custom (0xBAD/0x40000BAD) and unknown blocks: framing checked, content skipped.
          pos += total;
          continue;
      }
      // A packet block: the ref was filled above.
      ref.recordAt = pos;
      ref.recordLength = total;
      ref.index = ++this.packets;
      ref.offset = at;
      pos += total;
      if (!sink(ref)) { this.stopped = true; return pos; }
    }
  }

  private iface(id: number, at: number, record: number): CaptureInterface {
    const iface = this.interfaces[id];
    if (!iface) throw new CaptureError(`a packet arrived on interface ${id}, but there's no Interface Description Block for that interface`, at + 8, record);
    return iface;
  }

  private readShb(view: DataView, body: number, end: number, le: boolean, at: number, record: number): void {
    if (end - body < 16) throw new CaptureError(`block of type ${BT_SHB} in pcapng dump file is too short`, at, record);
    const major = view.getUint16(body + 4, le);
    const minor = view.getUint16(body + 6, le);
    // libpcap reads 1.0 and 1.2.
    if (major !== 1 || (minor !== 0 && minor !== 2)) throw new CaptureError(`unsupported pcapng savefile version ${major}.${minor}`, at + 12, record);
    this.littleEndian = le;
    this.inSection = true;
    this.interfaces = [];
    this.sectionVersion = [major, minor];
    // (Section options are not read, as by libpcap: their framing is not checked either.)
  }

  private readIdb(view: DataView, buf: Uint8Array, body: number, end: number, at: number, record: number): void {
    const le = this.littleEndian;
    if (end - body < 8) throw new CaptureError(`block of type ${BT_IDB} in pcapng dump file is too short`, at, record);
    const linkType = view.getUint16(body, le);
    const snaplen = view.getUint32(body + 4, le);
    let name: string | undefined;
    let unitsPerSecond = 1e6;
    let tsOffset = 0;
    for (const opt of checkOptions(view, body + 8, end, le, at, record)) {
      if (opt.code === OPT_IF_NAME) name = latin1(buf.subarray(opt.start, opt.start + opt.length)).replace(/\0+$/, '');
      else if (opt.code === OPT_IF_TSRESOL && opt.length >= 1) {
        const v = buf[opt.start]!;
        const exp = v & 0x7f;
        unitsPerSecond = v & 0x80 ? 2 ** exp : 10 ** exp;
        if (exp > (v & 0x80 ? 63 : 19)) throw new CaptureError(`unsupported if_tsresol ${v}`, at, record);
      } else if (opt.code === OPT_IF_TSOFFSET && opt.length >= 8) {
        const hi = view.getInt32(opt.start + (le ? 4 : 0), le);
        const lo = view.getUint32(opt.start + (le ? 0 : 4), le);
        tsOffset = hi * 4294967296 + lo;
      }
    }
    const iface: CaptureInterface = name === undefined ? { linkType, snaplen, unitsPerSecond, tsOffset } : { linkType, snaplen, name, unitsPerSecond, tsOffset };
    this.interfaces.push(iface);
    if (!this.header) {
      this.snapshot = snaplen === 0 || snaplen > 0x7fffffff ? 262144 : snaplen;
      this.header = {
        format: 'pcapng', littleEndian: le, nanosecond: unitsPerSecond > 1e6,
        versionMajor: this.sectionVersion[0], versionMinor: this.sectionVersion[1], linkType, snaplen,
      };
      this.onHeader(this.header);
    }
    this.onInterface?.(iface, this.interfaces.length - 1);
  }

  end(leftover: number, offset: number): void {
    // libpcap's words: the first section header read after its 12-byte prefix, other blocks
    // after their 8-byte header; a file too short for a section header is not pcapng to it.
    if (leftover > 0) {
      const record = this.blocks + 1;
      if (!this.inSection && this.pendingTotal === 0) throw new CaptureError('unknown file format', offset, record);
      const prefix = this.inSection ? 8 : 12;
      const wanted = this.pendingTotal === 0 ? 8 : this.pendingTotal - prefix;
      const got = this.pendingTotal === 0 ? leftover : leftover - prefix;
      throw new CaptureError(`truncated pcapng dump file; tried to read ${wanted} bytes, only got ${got}`, offset, record);
    }
    if (!this.header) throw new CaptureError('the capture file has no Interface Description Blocks', offset, this.blocks + 1);
  }
}

/**
 * The texts of the block loop's errors, built out of line: TurboFan shares a number-to-text
 * conversion that several throws of a loop use and may schedule it above the checks, so inline
 * templates converted `total` and `type` for every block (~35 instructions a packet, seen with
 * callgrind); a call that never ran is not inlined, and its conversions stay on the error path.
 */
function blockError(kind: 'shb-length' | 'short-length' | 'unaligned' | 'too-big' | 'too-short' | 'caplen', n: number, m: number, at: number, record: number): CaptureError {
  switch (kind) {
    case 'shb-length': return new CaptureError(`Section Header Block in pcapng dump file has invalid length 28 < _${n}_ < 1048576 (BT_SHB_INSANE_MAX)`, at, record);
    case 'short-length': return new CaptureError(`block in pcapng dump file has a length of ${n} < 12`, at, record);
    case 'unaligned': return new CaptureError(`block in pcapng dump file has a length of ${n} that is not a multiple of 4`, at, record);
    case 'too-big': return new CaptureError(`pcapng block size ${n} > maximum ${MAX_BLOCK}`, at, record);
    case 'too-short': return new CaptureError(`block of type ${n} in pcapng dump file is too short`, at, record);
    case 'caplen': return new CaptureError(`invalid packet capture length ${n}, bigger than snaplen of ${m}`, at, record);
  }
}

interface OptionSpan { readonly code: number; readonly start: number; readonly length: number }

/** Walks an option list, checking that every option fits inside the block. */
function checkOptions(view: DataView, pos: number, end: number, le: boolean, at: number, record: number): OptionSpan[] {
  const out: OptionSpan[] = [];
  while (pos + 4 <= end) {
    const code = view.getUint16(pos, le);
    const length = view.getUint16(pos + 2, le);
    if (code === 0) break;
    const padded = (length + 3) & ~3;
    if (pos + 4 + padded > end) throw new CaptureError(`option ${code} overruns its block`, at, record);
    out.push({ code, start: pos + 4, length });
    pos += 4 + padded;
  }
  return out;
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/** Splits a 64-bit count of interface units into seconds and nanoseconds, exactly. */
export function timestamp(hi: number, lo: number, iface: CaptureInterface): [number, number] {
  const t = { seconds: 0, nanos: 0 };
  timestampInto(t, hi, lo, iface);
  return [t.seconds, t.nanos];
}

/**
 * `timestamp` without allocating: the common resolutions (a divisor of 10^9) are split by long
 * division in base 2^16, where every intermediate stays below 2^46 and so exact in a double;
 * other resolutions go through BigInt.
 */
export function timestampInto(out: { seconds: number; nanos: number }, hi: number, lo: number, iface: CaptureInterface): void {
  const ups = iface.unitsPerSecond;
  if (ups <= 1e9 && 1e9 % ups === 0) {
    // units = hi * 2^32 + (lo >>> 16) * 2^16 + (lo & 0xffff); each step keeps the remainder < ups < 2^30.
    const q0 = Math.floor(hi / ups);
    const r0 = hi - q0 * ups;
    const x1 = r0 * 65536 + (lo >>> 16);
    const q1 = Math.floor(x1 / ups);
    const r1 = x1 - q1 * ups;
    const x2 = r1 * 65536 + (lo & 0xffff);
    const q2 = Math.floor(x2 / ups);
    out.seconds = q0 * 4294967296 + q1 * 65536 + q2 + iface.tsOffset;
    out.nanos = (x2 - q2 * ups) * (1e9 / ups);
    return;
  }
  const big = (BigInt(hi) << 32n) | BigInt(lo);
  const u = BigInt(ups);
  out.seconds = Number(big / u) + iface.tsOffset;
  out.nanos = Number(((big % u) * 1000000000n) / u);
}
