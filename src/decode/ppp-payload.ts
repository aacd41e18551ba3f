/** PPP frames carried inside another protocol (GRE version 1, as PPTP uses): print-ppp.c's ppp_print. */
import { hex4, Truncated } from './bytes.js';
import type { Ctx } from './context.js';
import { ipPrint, ip6Print } from './ip.js';

/** tcpdump's hex_print: `ident` then "0x%04x: " every 16 bytes, bytes in pairs, no ASCII. */
export function hexPrint(d: Uint8Array, ident: string): string {
  let s = '';
  for (let i = 0; i < d.length; i += 2) {
    if (i % 16 === 0) s += `${ident}0x${i.toString(16).padStart(4, '0')}: `;
    s += ` ${d[i]!.toString(16).padStart(2, '0')}${i + 1 < d.length ? d[i + 1]!.toString(16).padStart(2, '0') : ''}`;
  }
  return s;
}

export function pppPayload(ctx: Ctx, off: number, length: number): void {
  const b = ctx.b;
  const olen = length;
  if (length < 2) { ctx.out.s(' [|ppp]'); throw new Truncated('', true); }
  if (b.u16(off, 'ppp') === 0xff03) { off += 2; length -= 2; }
  if (length < 2) { ctx.out.s(' [|ppp]'); throw new Truncated('', true); }
  let proto: number;
  if (b.u8(off, 'ppp') % 2) { proto = b.u8(off); off++; length--; } else { proto = b.u16(off, 'ppp'); off += 2; length -= 2; }
  if (ctx.opts.linkHeader) ctx.out.v(proto === 0x21 ? 'IP' : proto === 0x57 ? 'IP6' : 'unknown').s(' (0x').v(hex4(proto)).s('), length ').v(olen).s(': ');
  if (proto === 0x21) ipPrint(ctx, off, length);
  else if (proto === 0x57) ip6Print(ctx, off, length);
  else {
    ctx.out.s('unknown PPP protocol (0x').v(hex4(proto)).s(') ');
    ctx.out.s(hexPrint(b.data.subarray(off, Math.min(b.length, off + length)), '\n\t'));
  }
}
