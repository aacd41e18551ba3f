/** VRRP versions 2 and 3 (RFC 3768, RFC 5798): print-vrrp.c's one-line form. */
import type { Ctx } from './context.js';
import { onesSum } from './ip.js';
import { host4 } from './names.js';

/** `ipOff` is the IPv4 header (for the TTL and, in version 3, the checksum's pseudo-header). */
export function vrrpPrint(ctx: Ctx, off: number, length: number, ipOff: number): void {
  const b = ctx.b;
  ctx.out.s('VRRP');
  const first = b.u8(off, 'vrrp');
  const version = first >> 4, type = first & 0xf;
  ctx.out.s(`v${version}, ${type === 1 ? 'Advertisement' : `unknown type (${type})`}`);
  const ttl = b.u8(ipOff + 8);
  if (ttl !== 255) ctx.out.s(', (ttl ').v(ttl).s(')');
  if (version < 2 || version > 3 || type !== 1) return;
  ctx.out.s(`, vrid ${b.u8(off + 1, 'vrrp')}, prio ${b.u8(off + 2, 'vrrp')}`);
  let auth = 0;
  if (version === 2) {
    auth = b.u8(off + 4, 'vrrp');
    ctx.out.s(', authtype ').v(['none', 'simple', 'ah'][auth] ?? '');
    ctx.out.s(`, intvl ${b.u8(off + 5, 'vrrp')}s, length ${length}`);
  } else {
    const intvl = ((b.u8(off + 4, 'vrrp') & 0x0f) << 8) | b.u8(off + 5, 'vrrp');
    ctx.out.s(', intvl ').v(intvl).s('cs, length ').v(length);
  }
  if (!ctx.opts.verbose) return;
  const naddrs = b.u8(off + 3, 'vrrp');
  if (b.has(off, length)) {
    let sum = onesSum(b.data.subarray(off, off + length));
    if (version === 3) {
      const pseudo = new Uint8Array(12);
      pseudo.set(b.data.subarray(ipOff + 12, ipOff + 20), 0);
      pseudo[9] = 112;
      pseudo[10] = length >> 8; pseudo[11] = length & 0xff;
      sum = onesSum(b.data.subarray(off, off + length), onesSum(pseudo));
    }
    if (sum !== 0xffff) ctx.out.s(`, (bad vrrp cksum ${b.u16(off + 6).toString(16)})`);
  }
  ctx.out.s(', addrs').v(naddrs > 1 ? `(${naddrs})` : '').s(':');
  let at = off + 8;
  for (let i = 0; i < naddrs; i++, at += 4) ctx.out.s(`${i === 0 ? ' ' : ','}${host4(ctx, b, at, 'vrrp')}`);
  if (version === 2 && auth === 1) {
    ctx.out.s(' auth "');
    for (let i = 0; i < 8; i++) {
      const c = b.u8(at + i, 'vrrp');
      if (c === 0) break;
      // fn_print_char: M- for bytes above 127, ^X for control characters.
      const low = c & 0x7f;
      ctx.out.s((c > 0x7f ? 'M-' : '') + (low < 0x20 || low === 0x7f ? `^${String.fromCharCode(low ^ 0x40)}` : String.fromCharCode(low)));
    }
    ctx.out.s('"');
  }
}
