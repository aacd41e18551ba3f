/**
 * OSPFv2 (print-ospf.c): the summary line — version, packet type and length (the MD5 trailer
 * excluded, as tcpdump strips it first). The -v details are not decoded: the summary is
 * printed for every verbosity.
 */
import { Truncated } from './bytes.js';
import type { Ctx } from './context.js';

const TYPES: Record<number, string> = { 1: 'Hello', 2: 'Database Description', 3: 'LS-Request', 4: 'LS-Update', 5: 'LS-Ack' };

export function ospfPrint(ctx: Ctx, off: number, length: number): void {
  const b = ctx.b;
  if (b.u16(off + 14, 'ospf2') === 2) {
    // The MD5 trailer comes off the length and off the captured bytes.
    length -= 16;
    if (off + 2 > b.length - 16) throw new Truncated('ospf2');
  }
  const version = b.u8(off, 'ospf2'), type = b.u8(off + 1, 'ospf2');
  ctx.out += `OSPFv${version}, ${TYPES[type] ?? `unknown LS-type ${type}`}, length ${length}`;
}
