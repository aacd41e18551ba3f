/**
 * OSPFv2 (print-ospf.c): the summary line — version, packet type and length (the MD5 trailer
 * excluded, as tcpdump strips it first) — and with -v the common header (router, area,
 * authentication) and the Hello body. The -v bodies of the other packet types (database
 * description, link-state requests, updates and acknowledgements) are not decoded.
 */
import { Truncated } from './bytes.js';
import type { Ctx } from './context.js';
import { host4 } from './names.js';

const TYPES: Record<number, string> = { 1: 'Hello', 2: 'Database Description', 3: 'LS-Request', 4: 'LS-Update', 5: 'LS-Ack' };
const OPTIONS: readonly [number, string][] = [[0x01, 'MultiTopology'], [0x02, 'External'], [0x04, 'Multicast'], [0x08, 'NSSA'], [0x10, 'LLS'],
  [0x20, 'Demand Circuit'], [0x40, 'Opaque'], [0x80, 'Up/Down']];

export function ospfPrint(ctx: Ctx, off: number, length: number): void {
  const b = ctx.b;
  const auth = b.u16(off + 14, 'ospf2');
  // The MD5 trailer comes off the length and off the captured bytes.
  const end = auth === 2 ? b.length - 16 : b.length;
  if (auth === 2) length -= 16;
  const u8 = (at: number): number => { if (at >= end) throw new Truncated('ospf2'); return b.u8(at); };
  const need = (at: number, n: number): void => { if (at + n > end) throw new Truncated('ospf2'); };
  const version = u8(off), type = u8(off + 1);
  ctx.out.s('OSPFv').v(version).s(', ').v(TYPES[type] ?? `unknown LS-type ${type}`).s(', length ').v(length);
  if (!ctx.opts.verbose) return;
  need(off + 2, 2);
  const ospfLen = b.u16(off + 2);
  if (length !== ospfLen) ctx.out.s(' [len ').v(ospfLen).s(']');
  const dataEnd = off + (length > ospfLen ? ospfLen : length);
  need(off + 4, 4);
  ctx.out.s(`\n\tRouter-ID ${host4(ctx, b, off + 4)}`);
  need(off + 8, 4);
  ctx.out.s(b.u32(off + 8) !== 0 ? `, Area ${host4(ctx, b, off + 8)}` : ', Backbone Area');
  need(off + 16, 8);
  ctx.out.s(', Authentication Type: ').v(['none', 'simple', 'MD5'][auth] ?? 'unknown').s(' (').v(auth).s(')');
  if (auth === 1) {
    ctx.out.s('\n\tSimple text password: ');
    for (let i = 0; i < 8; i++) {
      const c = b.u8(off + 16 + i);
      if (c === 0) break;
      const low = c & 0x7f;
      ctx.out.s((c > 0x7f ? 'M-' : '') + (low < 0x20 || low === 0x7f ? `^${String.fromCharCode(low ^ 0x40)}` : String.fromCharCode(low)));
    }
  } else if (auth === 2) {
    ctx.out.s(`\n\tKey-ID: ${b.u8(off + 18)}, Auth-Length: ${b.u8(off + 19)}, Crypto Sequence Number: 0x${b.u32(off + 20).toString(16).padStart(8, '0')}`);
  } else if (auth !== 0) return;
  if (version !== 2) { ctx.out.s(' ospf [version ').v(version).s(']'); return; }
  if (type !== 1) return;
  const h = off + 24;
  const options = u8(h + 6);
  const set = OPTIONS.filter(([m]) => options & m).map(([, n]) => n);
  ctx.out.s('\n\tOptions [').v(set.length ? set.join(', ') : 'none').s(']');
  need(h, 12);
  ctx.out.s(`\n\t  Hello Timer ${b.u16(h + 4)}s, Dead Timer ${b.u32(h + 8)}s, Mask ${host4(ctx, b, h)}, Priority ${b.u8(h + 7)}`);
  need(h + 12, 4);
  if (b.u32(h + 12) !== 0) ctx.out.s(`\n\t  Designated Router ${host4(ctx, b, h + 12)}`);
  need(h + 16, 4);
  if (b.u32(h + 16) !== 0) ctx.out.s(`, Backup Designated Router ${host4(ctx, b, h + 16)}`);
  let at = h + 20;
  if (at < dataEnd) ctx.out.s('\n\t  Neighbor List:');
  for (; at < dataEnd; at += 4) { need(at, 4); ctx.out.s(`\n\t    ${host4(ctx, b, at)}`); }
}
