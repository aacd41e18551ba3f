/** Spanning tree BPDUs (802.1D, 802.1w) over LLC SAP 0x42: print-stp.c's summary and -v details. */
import { macString } from './bytes.js';
import type { Ctx } from './context.js';

const VERSIONS: Record<number, string> = { 0: '802.1d', 2: '802.1w', 3: '802.1s', 4: '802.1aq' };
const TYPES: Record<number, string> = { 0: 'Config', 2: 'Rapid STP', 0x80: 'Topology Change' };
const FLAGS: readonly [number, string][] = [[0x01, 'Topology change'], [0x02, 'Proposal'], [0x10, 'Learn'], [0x20, 'Forward'], [0x40, 'Agreement'], [0x80, 'Topology change ACK']];
const ROLES = ['Unknown', 'Alternate', 'Root', 'Designated'];

/** printf("%.2f") of v/256 (exact in binary, so ties round to even as glibc does). */
function seconds(v: number): string {
  const num = v * 100;
  let q = Math.floor(num / 256);
  const r = num % 256;
  if (r * 2 > 256 || (r * 2 === 256 && q % 2 === 1)) q++;
  return `${Math.floor(q / 100)}.${String(q % 100).padStart(2, '0')}s`;
}

function bridgeId(ctx: Ctx, at: number): string {
  // Formatted by hand in print-stp.c: never a name.
  ctx.b.need(at, 8, 'stp');
  return `${ctx.b.u16(at, 'stp').toString(16).padStart(4, '0')}.${macString(ctx.b, at + 2)}`;
}

export function stpPrint(ctx: Ctx, off: number, length: number): void {
  const b = ctx.b;
  if (length < 4) { ctx.out.s(' (invalid)'); return; }
  if (b.u16(off, 'stp') !== 0) { ctx.out.s('unknown STP version, length ').v(length); return; }
  const version = b.u8(off + 2, 'stp');
  ctx.out.s(`STP ${VERSIONS[version] ?? `Unknown STP protocol (0x${version.toString(16).padStart(2, '0')})`}`);
  if (VERSIONS[version] === undefined) return;
  const type = b.u8(off + 3, 'stp');
  ctx.out.s(`, ${TYPES[type] ?? `Unknown BPDU Type (0x${type.toString(16).padStart(2, '0')})`}`);
  if (type === 0x80) return;
  if (type === 0 && length < 35) { ctx.out.s(' (invalid)'); return; }
  if (type === 2) {
    if (version !== 2) { ctx.out.s(' (invalid)'); return; }
    if (length < 36) { ctx.out.s(' (invalid)'); return; }
  }
  if (type !== 0 && type !== 2) return;
  const flags = b.u8(off + 4, 'stp');
  const set = FLAGS.filter(([m]) => flags & m).map(([, n]) => n);
  ctx.out.s(', Flags [').v(set.length ? set.join(', ') : 'none').s(']');
  // Each line is one printf: all its fields are fetched before any of it is printed.
  b.need(off + 17, 10, 'stp');
  ctx.out.s(`, bridge-id ${bridgeId(ctx, off + 17)}.${b.u16(off + 25, 'stp').toString(16).padStart(4, '0')}, length ${length}`);
  if (!ctx.opts.verbose) return;
  b.need(off + 27, 8, 'stp');
  ctx.out.s(`\n\tmessage-age ${seconds(b.u16(off + 27, 'stp'))}, max-age ${seconds(b.u16(off + 29, 'stp'))}`);
  ctx.out.s(`, hello-time ${seconds(b.u16(off + 31, 'stp'))}, forwarding-delay ${seconds(b.u16(off + 33, 'stp'))}`);
  b.need(off + 5, 12, 'stp');
  ctx.out.s(`\n\troot-id ${bridgeId(ctx, off + 5)}, root-pathcost ${b.u32(off + 13, 'stp')}`);
  if (version === 2) ctx.out.s(', port-role ').v(ROLES[(flags & 0x0c) >> 2]);
}
