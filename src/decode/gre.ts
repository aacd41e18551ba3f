/** GRE versions 0 and 1 (print-gre.c), with the IPv4, IPv6, MPLS and Ethernet payloads of version 0. */
import { Bytes, Truncated } from './bytes.js';
import { makeCtx, type Ctx } from './context.js';
import { ipPrint, ip6Print } from './ip.js';
import { ETHERTYPE_NAMES, etherPrint } from './link.js';
import { mplsPrint } from './mpls.js';
import { pppPayload } from './ppp-payload.js';

const FLAGS: readonly [number, string][] = [[0x8000, 'checksum present'], [0x4000, 'routing present'], [0x2000, 'key present'], [0x1000, 'sequence# present'],
  [0x0800, 'source routing present'], [0x0700, 'recursion count'], [0x0080, 'ack present']];

function flagText(flags: number): string {
  const set = FLAGS.filter(([m]) => (flags & m) === m).map(([, n]) => n);
  return set.length ? set.join(', ') : 'none';
}

export function grePrint(ctx: Ctx, off: number, length: number): void {
  const b = ctx.b;
  if (!b.has(off, 2) || length < 2) { ctx.out.s(' [|gre]'); throw new Truncated('', true); }
  const flags = b.u16(off);
  const version = flags & 7;
  ctx.out.s('GREv').v(version);
  if (version > 1) { ctx.out.s(' ERROR: unknown-version'); return; }
  if (ctx.opts.verbose) ctx.out.s(`, Flags [${flagText(flags)}]`);
  let at = off + 2, len = length - 2;
  // Each field is checked before use: a soft stop with the GRE marker.
  const need = (n: number): void => { if (!b.has(at, n) || len < n) { ctx.out.s(' [|gre]'); throw new Truncated('', true); } };
  need(2);
  const proto = b.u16(at);
  at += 2; len -= 2;
  if (version === 0) {
    if (flags & 0xc000) {
      need(2);
      if (ctx.opts.verbose) ctx.out.s(`, sum 0x${b.u16(at).toString(16)}`);
      at += 2; len -= 2;
      need(2);
      ctx.out.s(`, off 0x${b.u16(at).toString(16)}`);
      at += 2; len -= 2;
    }
    if (flags & 0x2000) { need(4); ctx.out.s(`, key=0x${b.u32(at).toString(16)}`); at += 4; len -= 4; }
    if (flags & 0x1000) { need(4); ctx.out.s(`, seq ${b.u32(at)}`); at += 4; len -= 4; }
    if (flags & 0x4000) {
      // Source route entries (address family, offset, length) until the null entry; skipped.
      for (;;) {
        need(4);
        const af = b.u16(at), sreLen = b.u8(at + 3);
        at += 4; len -= 4;
        if (af === 0 && sreLen === 0) break;
        need(sreLen);
        at += sreLen; len -= sreLen;
      }
    }
  } else {
    if (flags & 0x2000) { need(4); ctx.out.s(`, call ${b.u32(at) & 0xffff}`); at += 4; len -= 4; }
    if (flags & 0x1000) { need(4); ctx.out.s(`, seq ${b.u32(at)}`); at += 4; len -= 4; }
    if (flags & 0x0080) { need(4); ctx.out.s(`, ack ${b.u32(at)}`); at += 4; len -= 4; }
    if (!(flags & 0x1000)) ctx.out.s(', no-payload');
  }
  if (ctx.opts.linkHeader) ctx.out.s(`, proto ${ETHERTYPE_NAMES.get(proto) ?? 'unknown'} (0x${proto.toString(16).padStart(4, '0')})`);
  ctx.out.s(', length ').v(length);
  if (version === 1 && !(flags & 0x1000)) return;
  ctx.out.s(ctx.opts.verbose ? '\n\t' : ': ');
  if (version === 1) {
    if (proto === 0x880b) pppPayload(ctx, at, len);
    else ctx.out.s('gre-proto-0x').v(proto.toString(16));
    return;
  }
  switch (proto) {
    case 0x0800: ipPrint(ctx, at, len); return;
    case 0x86dd: ip6Print(ctx, at, len); return;
    case 0x8847: mplsPrint(ctx, at, len); return;
    case 0x6558: innerEther(ctx, at, len); return;
    default: ctx.out.s('gre-proto-0x').v(proto.toString(16));
  }
}

/** An Ethernet frame carried inside another packet (GRE, VXLAN, GENEVE): printed in place. */
export function innerEther(ctx: Ctx, at: number, len: number): void {
  // Too short for an Ethernet header: ether_print's own check (a soft stop).
  if (!ctx.b.has(at, 14)) { ctx.out.s(' [|ether]'); throw new Truncated('', true); }
  const inner = makeCtx(new Bytes(ctx.b.data.subarray(at)), ctx.opts, ctx.state, len, ctx.out, ctx.nested);
  etherPrint(inner);
}
