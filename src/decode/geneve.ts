/** GENEVE (RFC 8926, UDP port 6081): header, options (-v), then the carried protocol. */
import { Truncated } from './bytes.js';
import type { Ctx } from './context.js';
import { innerEther } from './gre.js';
import { ETHERTYPE_NAMES, etherTypePrint } from './link.js';

function optClass(c: number): string {
  switch (c) {
    case 0x0100: return 'Linux';
    case 0x0101: return 'Open vSwitch';
    case 0x0102: return 'Open Virtual Networking (OVN)';
    case 0x0103: return 'In-band Network Telemetry (INT)';
    case 0x0104: return 'VMware';
    default: return c <= 0x00ff ? 'Standard' : c >= 0xfff0 ? 'Experimental' : 'Unknown';
  }
}

function options(ctx: Ctx, at: number, len: number): void {
  const b = ctx.b;
  let sep = '';
  while (len > 0) {
    const cls = b.u16(at, 'geneve'), type = b.u8(at + 2, 'geneve');
    const optLen = 4 + (b.u8(at + 3, 'geneve') & 0x1f) * 4;
    ctx.out.s(`${sep}class ${optClass(cls)} (0x${cls.toString(16)}) type 0x${type.toString(16)}${type & 0x80 ? '(C)' : ''} len ${optLen}`);
    if (optLen > len) { ctx.out.s(' [bad length]'); return; }
    b.need(at, optLen, 'geneve');
    if (ctx.opts.verbose > 1 && optLen > 4) {
      ctx.out.s(' data');
      for (let i = 4; i < optLen; i += 4) ctx.out.s(` ${b.u32(at + i).toString(16).padStart(8, '0')}`);
    }
    at += optLen;
    len -= optLen;
    sep = ', ';
  }
}

export function genevePrint(ctx: Ctx, off: number, length: number): void {
  const b = ctx.b;
  ctx.out.s('Geneve');
  if (!b.has(off, 8)) { ctx.out.s(' [|geneve]'); throw new Truncated('', true); }
  const verOpt = b.u8(off);
  if (verOpt >> 6 !== 0) { ctx.out.s(' ERROR: unknown-version ').v(verOpt >> 6); return; }
  const flags = b.u8(off + 1), proto = b.u16(off + 2), vni = b.u32(off + 4) >>> 8, rsvd = b.u8(off + 7);
  ctx.out.s(', Flags [').v((flags & 0x80 ? 'O' : '') + (flags & 0x40 ? 'C' : '') || 'none').s(']');
  ctx.out.s(', vni 0x').v(vni.toString(16));
  if (rsvd) ctx.out.s(', rsvd 0x').v(rsvd.toString(16));
  if (ctx.opts.linkHeader) ctx.out.s(`, proto ${ETHERTYPE_NAMES.get(proto) ?? 'unknown'} (0x${proto.toString(16).padStart(4, '0')})`);
  const optsLen = (verOpt & 0x3f) * 4;
  let at = off + 8, len = length - 8;
  if (len < optsLen) { ctx.out.s(' truncated-geneve - ').v(optsLen - len).s(' bytes missing'); return; }
  if (!b.has(at, optsLen)) { ctx.out.s(' [|geneve]'); throw new Truncated('', true); }
  if (optsLen > 0) {
    ctx.out.s(', options [');
    if (ctx.opts.verbose) options(ctx, at, optsLen); else ctx.out.v(optsLen).s(' bytes');
    ctx.out.s(']');
  }
  at += optsLen; len -= optsLen;
  ctx.out.s(ctx.opts.verbose ? '\n\t' : ': ');
  if (!etherTypePrint(ctx, proto, at, len)) {
    if (proto === 0x6558) innerEther(ctx, at, len);
    else ctx.out.s('geneve-proto-0x').v(proto.toString(16));
  }
}
