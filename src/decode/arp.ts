/** ARP and RARP (print-arp.c's one-line forms). */
import { etherName, linkAddrString, Truncated } from './bytes.js';
import { host4 } from './names.js';
import type { Ctx } from './context.js';
import { ETHERTYPE_NAMES } from './link.js';
import { hexAsciiDump } from './hexdump.js';

const OPS: Record<number, string> = { 1: 'Request', 2: 'Reply', 3: 'Reverse Request', 4: 'Reverse Reply', 8: 'Inverse Request', 9: 'Inverse Reply', 10: 'NACK Reply' };
const HRD: Record<number, string> = { 1: 'Ethernet', 6: 'TokenRing', 15: 'FrameRelay', 16: 'ATM', 24: 'IEEE1394' };

export function arpPrint(ctx: Ctx, off: number, length: number): void {
  const b = ctx.b;
  // The whole message must be captured before anything is printed.
  if (!b.has(off, 8) || !b.has(off, 8 + 2 * b.u8(off + 4) + 2 * b.u8(off + 5))) throw new Truncated('arp');
  if (!ctx.opts.linkHeader) ctx.out.s('ARP, ');
  const hrd = b.u16(off), pro = b.u16(off + 2), hln = b.u8(off + 4), pln = b.u8(off + 5), op = b.u16(off + 6);
  if ((pro !== 0x0800 && pro !== 0x1000) || pln !== 4 || hln === 0) {
    ctx.out.s(`${HRD[hrd] ?? `Unknown Hardware (${hrd})`}, ${ETHERTYPE_NAMES.get(pro) ?? `Unknown Protocol (0x${pro.toString(16).padStart(4, '0')})`} (len ${hln}/${pln})`);
    return;
  }
  const sha = off + 8, spa = sha + hln, tha = spa + pln, tpa = tha + hln;
  if (ctx.opts.verbose) ctx.out.s(`${HRD[hrd] ?? `Unknown Hardware (${hrd})`} (len ${hln}), ${ETHERTYPE_NAMES.get(pro) ?? 'Unknown'} (len ${pln}), `);
  ctx.out.s(`${OPS[op] ?? `Unknown (${op})`} `);
  const nonzero = (at: number, n: number): boolean => b.data.subarray(at, at + n).some((x) => x !== 0);
  // Ethernet-sized hardware addresses get tcpdump's MAC naming; others stay hex.
  const hw = (at: number): string => (hln === 6 ? etherName(b, at, ctx.opts.numeric) : linkAddrString(b, at, hln));
  switch (op) {
    case 1:
      ctx.out.s(`who-has ${host4(ctx, b, tpa)}`);
      if (nonzero(tha, hln)) ctx.out.s(` (${hw(tha)})`);
      ctx.out.s(` tell ${host4(ctx, b, spa)}`);
      break;
    case 2: ctx.out.s(`${host4(ctx, b, spa)} is-at ${hw(sha)}`); break;
    case 3: case 8: ctx.out.s(`who-is ${hw(tha)} tell ${hw(sha)}`); break;
    case 4: ctx.out.s(`${hw(tha)} at ${host4(ctx, b, tpa)}`); break;
    case 9: ctx.out.s(`${hw(sha)} at ${host4(ctx, b, spa)}`); break;
    default: hexAsciiDump(b.data.subarray(off), ctx.out); return;
  }
  ctx.out.s(', length ').v(length);
}
