/** VXLAN (RFC 7348, UDP port 4789): flags and VNI, then the inner Ethernet frame on its own line. */
import type { Ctx } from './context.js';
import { innerEther } from './gre.js';

export function vxlanPrint(ctx: Ctx, off: number, length: number): void {
  const b = ctx.b;
  ctx.out.s('VXLAN');
  if (length < 8) { ctx.out.s(' (invalid)'); return; }
  const flags = b.u8(off, 'vxlan');
  ctx.out.s(', flags [').v(flags & 0x08 ? 'I' : 'invalid').s('] (0x').v(flags.toString(16).padStart(2, '0')).s('), ');
  b.need(off + 4, 3, 'vxlan');
  ctx.out.s(`vni ${(b.u8(off + 4) << 16) | (b.u8(off + 5) << 8) | b.u8(off + 6)}\n`);
  b.need(off, 8, 'vxlan');
  innerEther(ctx, off + 8, length - 8);
}
