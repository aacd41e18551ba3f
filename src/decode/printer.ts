/**
 * The packet printer: one capture packet in, tcpdump 4.99's text for it out (timestamp, link
 * and protocol summary, optional -x/-X/-A dump, newline). Keeps the per-file state tcpdump
 * keeps: previous and first timestamps for -ttt/-ttttt and TCP initial sequence numbers.
 */
import type { CapturePacket } from '../capture/types.js';
import { AddressText, Bytes, MacPairAscii, Truncated } from './bytes.js';
import { makeCtx, type Ctx, type DecodeState, type ReusableCtx } from './context.js';
import { asciiDump, hexAsciiDump, hexDump } from './hexdump.js';
import { etherPrint, nullPrint, pppPrint, rawPrint, sll2Print, sllPrint } from './link.js';
import { DEFAULT_PRINT_OPTIONS, type PrintOptions } from './options.js';
import { Sink } from './sink.js';
import { TcpSeqTable } from './tcp-seq.js';
import { printTimestamp, type TsState } from './timestamp.js';

/** What the printer reads of a capture packet. */
export type PrintablePacket = Pick<CapturePacket, 'data' | 'origLength' | 'seconds' | 'nanos' | 'linkType'>;

/** True when tcpdump can print packets of this link type. */
export function canPrintLinkType(linkType: number): boolean {
  return [0, 1, 9, 12, 14, 101, 108, 113, 228, 229, 276].includes(linkType);
}

/** tcpdump's line for a record header it refuses (no timestamp, nothing decoded). */
function invalidHeader(caplen: number, len: number): string {
  const parts: string[] = [];
  if (caplen === 0) parts.push(' caplen==0');
  if (len === 0) parts.push(' len==0');
  else if (len < caplen) parts.push(` len(${len}) < caplen(${caplen})`);
  if (caplen > 262144) parts.push(` caplen(${caplen}) > 262144`);
  if (len > 262144) parts.push(` len(${len}) > 262144`);
  return `[Invalid header:${parts.join(',')}]\n`;
}

export class PacketPrinter {
  readonly options: PrintOptions;
  private readonly state: DecodeState = { tcpSeq: new TcpSeqTable(), ipInfo: { v: 4, src: '', dst: '', srcOff: 0, dstOff: 0, fragmented: false, length: 0, direct: true, srcAscii: undefined, dstAscii: undefined, srcAsciiDot: undefined, dstAsciiDot: undefined }, addresses: new AddressText(), macPairAscii: new MacPairAscii() };
  private readonly ts: TsState = {};
  /** The sink format() prints into. */
  private readonly own = new Sink(1024);
  private readonly ctx: ReusableCtx;

  constructor(options: Partial<PrintOptions> = {}) {
    this.options = { ...DEFAULT_PRINT_OPTIONS, ...options };
    this.ctx = makeCtx(new Bytes(new Uint8Array(0)), this.options, this.state, 0, this.own);
  }

  /** The packet's line (with its newline) as a string. */
  format(p: PrintablePacket): string {
    const out = this.own;
    out.len = 0;
    this.print(p, out);
    return out.text();
  }

  /** Appends the packet's line (with its newline) to `out`. */
  print(p: PrintablePacket, out: Sink): void {
    const caplen = p.data.length, len = p.origLength;
    if (caplen === 0 || len < caplen || len > 262144 || caplen > 262144) { out.s(invalidHeader(caplen, len)); return; }
    const opts = this.options;
    // libpcap hands tcpdump microsecond timestamps unless nanoseconds were asked for: the
    // deltas of -ttt/-ttttt are computed after that truncation.
    printTimestamp(p.seconds, opts.nano ? p.nanos : p.nanos - (p.nanos % 1000), opts, this.ts, out);
    // One context and one Bytes for every packet (no per-packet garbage).
    const ctx = this.ctx;
    ctx.b.data = p.data;
    ctx.origLength = p.origLength;
    ctx.out = out;
    ctx.dumpEnd = undefined;
    let hdrlen = 0;
    try {
      hdrlen = this.link(ctx, p.linkType);
    } catch (e) {
      if (!(e instanceof Truncated)) throw e;
      if (e.proto) out.s(' [|').s(e.proto).c(0x5d);
      // A soft stop keeps the link header length; an abort dumps the whole frame, except
      // (observed from tcpdump 4.99.3) after 802.1Q tags, which it had already accounted.
      hdrlen = e.soft ? this.linkHeaderLength(ctx, p.linkType) : 0;
    }
    if (opts.hex !== 'none') {
      const d = ctx.dumpEnd === undefined ? p.data : p.data.subarray(0, ctx.dumpEnd);
      switch (opts.hex) {
        case 'XX': hexAsciiDump(d, out); break;
        case 'X': if (d.length > hdrlen) hexAsciiDump(d.subarray(hdrlen), out); break;
        case 'xx': hexDump(d, out); break;
        case 'x': if (d.length > hdrlen) hexDump(d.subarray(hdrlen), out); break;
        case 'AA': asciiDump(d, out); break;
        case 'A': if (d.length > hdrlen) asciiDump(d.subarray(hdrlen), out); break;
        default: break;
      }
    }
    out.c(0x0a);
  }

  /** The link header length for dumps after a soft truncation. */
  private linkHeaderLength(ctx: Ctx, linkType: number): number {
    const b = ctx.b;
    switch (linkType) {
      case 1: {
        let off = 14;
        for (;;) {
          if (!b.has(off - 2, 2)) break;
          const t = b.u16(off - 2);
          if ((t !== 0x8100 && t !== 0x88a8 && t !== 0x9100 && t !== 0x9200) || !b.has(off, 4)) break;
          off += 4;
        }
        return off;
      }
      case 113: return 16;
      case 276: return 20;
      case 0: case 108: return 4;
      default: return 0;
    }
  }

  private link(ctx: Ctx, linkType: number): number {
    switch (linkType) {
      case 1: return etherPrint(ctx);
      case 113: return sllPrint(ctx);
      case 276: return sll2Print(ctx);
      case 0: return nullPrint(ctx, false);
      case 108: return nullPrint(ctx, true);
      case 12: case 14: case 101: return rawPrint(ctx);
      case 228: return rawPrint(ctx, 4);
      case 229: return rawPrint(ctx, 6);
      case 9: return pppPrint(ctx);
      default:
        // tcpdump has no printer for this link type: it says so and shows the bytes.
        ctx.out.s('UNSUPPORTED');
        hexAsciiDump(ctx.b.data, ctx.out);
        return 0;
    }
  }
}
