/**
 * PIM over IP protocol 103 (print-pim.c): version, message type and length; with -v for
 * version 2 the checksum status, Hello options and Register messages (flags and the
 * encapsulated packet). The -v bodies of the other version-2 messages (Join/Prune, Bootstrap,
 * Assert, Candidate RP, ...) are not decoded: they print as without -v.
 */
import { Truncated } from './bytes.js';
import type { Ctx } from './context.js';
import { host4 } from './names.js';
import { ipPrint, ip6Print, onesSum } from './ip.js';
import { hexPrint } from './ppp-payload.js';
import { relTime } from './timestamp.js';

const TYPES = ['Hello', 'Register', 'Register Stop', 'Join / Prune', 'Bootstrap', 'Assert', 'Graft', 'Graft Acknowledgement',
  'Candidate RP Advertisement', 'Prune Refresh', 'DF Election', 'ECMP Redirect'];
const HELLO_OPTIONS: Record<number, string> = {
  1: 'Hold Time', 2: 'LAN Prune Delay', 18: 'DR Priority (Old)', 19: 'DR Priority', 20: 'Generation ID', 21: 'State Refresh Capability',
  22: 'Bi-Directional Capability', 24: 'Address List', 65001: 'Address List (Old)',
};

export function pimPrint(ctx: Ctx, off: number, length: number, ipOff?: number): void {
  const first = ctx.b.u8(off, 'pim');
  const version = first >> 4;
  const type = TYPES[first & 0xf] ?? 'Unknown Type';
  if (version !== 2) { ctx.out.s('PIMv').v(version).s(', length ').v(length); return; }
  if (!ctx.opts.verbose || ((first & 0xf) !== 0 && (first & 0xf) !== 1)) { ctx.out.s('PIMv2, ').v(type).s(', length ').v(length); return; }
  ctx.out.s('PIMv2, length ').v(length).s('\n\t').v(type);
  pimv2Details(ctx, off, length, first & 0xf, ipOff);
}

function pimv2Details(ctx: Ctx, off: number, len: number, type: number, ipOff: number | undefined): void {
  const b = ctx.b;
  const soft = (): never => { ctx.out.s(' [|pimv2]'); throw new Truncated('', true); };
  if (len < 2) { ctx.out.s('[length ').v(len).s(' < 2] (invalid)'); return; }
  if (b.u8(off + 1, 'pimv2') & 0x0f) ctx.out.s(', RFC2117-encoding');
  if (len < 4) { ctx.out.s('[length ').v(len).s(' < 4] (invalid)'); return; }
  const cksum = b.u16(off + 2, 'pimv2');
  ctx.out.s(', cksum 0x').v(cksum.toString(16).padStart(4, '0')).s(' ');
  if (cksum === 0) ctx.out.s('(unverified)');
  else {
    // Over the whole message (a Register's header alone first); IPv6 would add a pseudo-header.
    const check = (n: number): 'correct' | 'incorrect' | 'unverified' => {
      if (ipOff === undefined || !b.has(off, n)) return 'unverified';
      return onesSum(b.data.subarray(off, off + n)) === 0xffff ? 'correct' : 'incorrect';
    };
    let status = check(type === 1 ? 8 : len);
    if (type === 1 && status === 'incorrect') status = check(len);
    ctx.out.s('(').v(status).s(')');
  }
  let at = off + 4;
  len -= 4;
  if (type === 0) {
    while (len > 0) {
      if (len < 4) soft();
      const otype = b.u16(at, 'pimv2'), olen = b.u16(at + 2, 'pimv2');
      ctx.out.s('\n\t  ').v(HELLO_OPTIONS[otype] ?? 'Unknown').s(' Option (').v(otype).s('), length ').v(olen).s(', Value: ');
      at += 4; len -= 4;
      if (len < olen) soft();
      if (!b.has(at, olen)) soft();
      const bad = (want: number): void => { ctx.out.s('[option length ').v(olen).s(' != ').v(want).s('] (invalid)'); };
      switch (otype) {
        case 1: if (olen !== 2) { bad(2); return; } ctx.out.s(relTime(b.u16(at))); break;
        case 2: {
          if (olen !== 4) { bad(4); return; }
          const delay = b.u16(at);
          ctx.out.s(`\n\t    T-bit=${delay & 0x8000 ? 1 : 0}, LAN delay ${delay & 0x7fff}ms, Override interval ${b.u16(at + 2)}ms`);
          break;
        }
        case 18: case 19:
          if (olen === 0) ctx.out.s('Bi-Directional Capability (Old)');
          else if (olen === 4) ctx.out.s(`${b.u32(at)}`);
          else { bad(4); return; }
          break;
        case 20: if (olen !== 4) { bad(4); return; } ctx.out.s(`0x${b.u32(at).toString(16).padStart(8, '0')}`); break;
        case 21:
          if (olen !== 4) { bad(4); return; }
          ctx.out.s(`v${b.u8(at)}`);
          if (b.u8(at + 1)) ctx.out.s(`, interval ${relTime(b.u8(at + 1))}`);
          if (b.u16(at + 2)) ctx.out.s(` ?0x${b.u16(at + 2).toString(16).padStart(4, '0')}?`);
          break;
        case 22: case 24: case 65001: break;
        default: if (ctx.opts.verbose <= 1) ctx.out.s(hexPrint(b.data.subarray(at, at + olen), '\n\t    '));
      }
      if (ctx.opts.verbose > 1) ctx.out.s(hexPrint(b.data.subarray(at, at + olen), '\n\t    '));
      at += olen; len -= olen;
    }
    return;
  }
  // Register: flags, then the encapsulated packet.
  if (len < 4) soft();
  if (!b.has(at, 4)) soft();
  const flags = b.u32(at);
  ctx.out.s(', Flags [ ').v(flags === 0x80000000 ? 'Border' : flags === 0x40000000 ? 'Null' : 'none').s(' ]\n\t');
  at += 4; len -= 4;
  if (len === 0) soft();
  const v = b.u8(at, 'pimv2') >> 4;
  if (v === 0) ctx.out.s(`IP-Null-header ${host4(ctx, b, at + 12, 'pimv2')} > ${host4(ctx, b, at + 16, 'pimv2')}`);
  else if (v === 4) ipPrint(ctx, at, len);
  else if (v === 6) ip6Print(ctx, at, len);
  else ctx.out.s('IP ver ').v(v);
}
