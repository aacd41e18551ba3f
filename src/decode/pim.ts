/**
 * PIM over IP protocol 103 (print-pim.c): version, message type and length. Version 2's -v
 * details (options, addresses) are not decoded: the summary is printed for every verbosity.
 */
import type { Ctx } from './context.js';

const TYPES = ['Hello', 'Register', 'Register Stop', 'Join / Prune', 'Bootstrap', 'Assert', 'Graft', 'Graft Acknowledgement',
  'Candidate RP Advertisement', 'Prune Refresh', 'DF Election', 'ECMP Redirect'];

export function pimPrint(ctx: Ctx, off: number, length: number): void {
  const first = ctx.b.u8(off, 'pim');
  const version = first >> 4;
  if (version === 2) ctx.out += `PIMv2, ${TYPES[first & 0xf] ?? 'Unknown Type'}, length ${length}`;
  else ctx.out += `PIMv${version}, length ${length}`;
}
