/** MPLS label stacks (print-mpls.c) and the payload guessed from the bottom label or first byte. */
import type { Ctx } from './context.js';
import { hexAsciiDump } from './hexdump.js';
import { ipPrint, ip6Print } from './ip.js';
import { defaultPrint } from './link.js';

const LABEL_NAMES = ['IPv4 explicit NULL', 'router alert', 'IPv6 explicit NULL', 'implicit NULL', undefined, undefined, undefined, 'ELI',
  undefined, undefined, undefined, undefined, undefined, 'OAM alert'] as const;

export function mplsPrint(ctx: Ctx, off: number, length: number): void {
  const b = ctx.b;
  ctx.out.s('MPLS');
  let entry: number;
  let depth = 0;
  do {
    entry = b.u32(off, 'mpls');
    const label = entry >>> 12;
    ctx.out.v(depth && ctx.opts.verbose ? '\n\t' : ' ').s('(label ').v(label);
    depth++;
    const name = label < LABEL_NAMES.length ? LABEL_NAMES[label] : undefined;
    if (ctx.opts.verbose && name) ctx.out.s(' (').v(name).s(')');
    ctx.out.s(', tc ').v((entry >> 9) & 7);
    if (entry & 0x100) ctx.out.s(', [S]');
    ctx.out.s(', ttl ').v(entry & 0xff).s(')');
    off += 4;
    length -= 4;
  } while (!(entry & 0x100));
  const label = entry >>> 12;
  let kind: 'ip' | 'ip6' | 'unknown';
  if (label === 0 || label === 3) kind = 'ip';
  else if (label === 2) kind = 'ip6';
  else {
    const first = b.u8(off, 'mpls');
    kind = first >= 0x45 && first <= 0x4f ? 'ip' : first >= 0x60 && first <= 0x6f ? 'ip6' : 'unknown';
  }
  if (kind === 'unknown') { if (defaultPrint(ctx)) hexAsciiDump(b.data.subarray(off, off + Math.max(0, length)), ctx.out); return; }
  ctx.out.s(ctx.opts.verbose ? '\n\t' : ' ');
  if (kind === 'ip') ipPrint(ctx, off, length);
  else ip6Print(ctx, off, length);
}
