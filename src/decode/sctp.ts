/** SCTP (RFC 9260): print-sctp.c's chunk summary — DATA, INIT/INIT ACK and SACK fields, other chunk names. */
import { Truncated } from './bytes.js';
import type { Ctx } from './context.js';
import { hexAsciiDump } from './hexdump.js';
import { defaultPrint } from './link.js';
import type { IpInfo } from './transport.js';

const CHUNKS: Record<number, string> = {
  0: 'DATA', 1: 'INIT', 2: 'INIT ACK', 3: 'SACK', 4: 'HB REQ', 5: 'HB ACK', 6: 'ABORT', 7: 'SHUTDOWN', 8: 'SHUTDOWN ACK', 9: 'OP ERR',
  10: 'COOKIE ECHO', 11: 'COOKIE ACK', 12: 'ECN ECHO', 13: 'ECN CWR', 14: 'SHUTDOWN COMPLETE', 192: 'FOR CUM TSN', 193: 'REL CTRL', 194: 'REL CTRL ACK',
};

export function sctpPrint(ctx: Ctx, off: number, length: number, ip: IpInfo): void {
  const b = ctx.b;
  const soft = (): never => { ctx.out.s(' [|sctp]'); throw new Truncated('', true); };
  if (length < 12) { ctx.out.s('truncated-sctp - ').v(12 - length).s(' bytes missing!'); return; }
  if (!b.has(off, 12)) soft();
  // Ports are always numeric here; the addresses are the IP header's.
  ctx.out.s(`${ip.src}.${b.u16(off)} > ${ip.dst}.${b.u16(off + 2)}: sctp`);
  let at = off + 12, left = length - 12;
  let sep = ctx.opts.verbose >= 2 ? '\n\t' : ' (';
  for (let n = 1; left !== 0; n++) {
    if (left < 4) { ctx.out.v(sep).v(n).s(') [chunk descriptor cut off at end of packet]'); return; }
    if (!b.has(at, 4)) soft();
    const chunkLength = b.u16(at + 2);
    if (chunkLength < 4) { ctx.out.v(sep).v(n).s(') [Bad chunk length ').v(chunkLength).s(', < size of chunk descriptor]'); return; }
    const align = chunkLength % 4 ? 4 - (chunkLength % 4) : 0;
    if (left < align) { ctx.out.v(sep).v(n).s(') [Bad chunk length ').v(chunkLength).s(', > remaining data in packet]'); return; }
    if (!b.has(at, chunkLength)) soft();
    const id = b.u8(at), flags = b.u8(at + 1);
    at += 4; left -= 4;
    let rem = chunkLength - 4;
    ctx.out.v(sep).v(n).s(') [').v(CHUNKS[id] ?? `Unknown chunk type: 0x${id.toString(16)}`).s('] ');
    const bogus = (): void => { ctx.out.s('bogus chunk length ').v(chunkLength).s(']'); };
    if (id === 0) {
      if (flags & 4) ctx.out.s('(U)');
      if (flags & 2) ctx.out.s('(B)');
      if (flags & 1) ctx.out.s('(E)');
      if (flags & 7) ctx.out.s(' ');
      if (rem < 12) { bogus(); return; }
      const ppid = b.u32(at + 8);
      ctx.out.s(`[TSN: ${b.u32(at)}] [SID: ${b.u16(at + 4)}] [SSEQ ${b.u16(at + 6)}] [PPID 0x${ppid.toString(16)}] `);
      at += 12; left -= 12; rem -= 12;
      if (rem === 0) { bogus(); return; }
      if (ctx.opts.verbose >= 2) {
        ctx.out.s('[Payload');
        if (defaultPrint(ctx)) { ctx.out.c(0x3a); hexAsciiDump(b.data.subarray(at, Math.min(b.length, at + rem)), ctx.out); }
        ctx.out.s(']');
      }
      at += rem; left -= rem; rem = 0;
    } else if (id === 1 || id === 2) {
      if (rem < 16) { bogus(); return; }
      ctx.out.s(`[init tag: ${b.u32(at)}] [rwnd: ${b.u32(at + 4)}] [OS: ${b.u16(at + 8)}] [MIS: ${b.u16(at + 10)}] [init TSN: ${b.u32(at + 12)}] `);
      at += 16; left -= 16; rem -= 16;
    } else if (id === 3) {
      if (rem < 12) { bogus(); return; }
      const cum = b.u32(at), gaps = b.u16(at + 8), dups = b.u16(at + 10);
      ctx.out.s(`[cum ack ${cum}] [a_rwnd ${b.u32(at + 4)}] [#gap acks ${gaps}] [#dup tsns ${dups}] `);
      at += 12; left -= 12; rem -= 12;
      for (let i = 0; rem !== 0 && i < gaps; i++, at += 4, left -= 4, rem -= 4) {
        if (rem < 4) { bogus(); return; }
        ctx.out.s(`\n\t\t[gap ack block #${i + 1}: start = ${(cum + b.u16(at)) >>> 0}, end = ${(cum + b.u16(at + 2)) >>> 0}] `);
      }
      for (let i = 0; rem !== 0 && i < dups; i++, at += 4, left -= 4, rem -= 4) {
        if (rem < 4) { bogus(); return; }
        ctx.out.s(`\n\t\t[dup TSN #${i + 1}: ${b.u32(at)}] `);
      }
    }
    at += rem; left -= rem;
    if (ctx.opts.verbose < 2) sep = ', (';
    if (align !== 0) {
      if (!b.has(at, align)) soft();
      at += align; left -= align;
    }
  }
}
