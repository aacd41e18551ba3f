/** IPsec ESP and AH headers (print-esp.c / print-ah.c, without decryption). */
import { Truncated } from './bytes.js';
import type { Ctx } from './context.js';

export function espPrint(ctx: Ctx, off: number, length: number): void {
  const b = ctx.b;
  // esp_print wants at least one byte past the 8-byte header (a soft stop).
  if (!b.has(off, 9)) { ctx.out.s(' [|esp]'); throw new Truncated('', true); }
  const spi = b.u32(off, 'esp');
  ctx.out.s('ESP(spi=0x').v(spi.toString(16).padStart(8, '0'));
  ctx.out.s(`,seq=0x${b.u32(off + 4, 'esp').toString(16)}), length ${length}`);
}

/**
 * The authentication header: SPI, sequence and integrity value; returns the next header and
 * the header's length so the caller goes on with the protected protocol.
 */
export function ahPrint(ctx: Ctx, off: number): [next: number, length: number] {
  const b = ctx.b;
  // Printed as the fields are fetched (bounds-checked reads: a cut aborts the packet).
  if (!b.has(off, 1)) { ctx.out.s(' [|ah]'); throw new Truncated('', true); }
  const next = b.u8(off, 'ah');
  ctx.out.s('AH');
  const words = b.u8(off + 1, 'ah');
  const length = (words + 2) * 4;
  ctx.out.s('(');
  if (ctx.opts.verbose) ctx.out.s('length=').v(words).s('(').v(length).s('-bytes),');
  ctx.out.s(`spi=0x${b.u32(off + 4, 'ah').toString(16).padStart(8, '0')},`);
  ctx.out.s(`seq=0x${b.u32(off + 8, 'ah').toString(16)},icv=0x`);
  for (let p = off + 12; p < off + length; p++) ctx.out.s(b.u8(p, 'ah').toString(16).padStart(2, '0'));
  ctx.out.s('): ');
  return [next, length];
}
