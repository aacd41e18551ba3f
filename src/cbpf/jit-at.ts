/**
 * The classic JIT for a packet that lies inside a larger buffer: the generated function takes
 * `(bytes, offset, caplen, wireLength, meta?)` and reads `bytes[offset + k]`, so a capture
 * reader can run the filter on its input buffer without making a view or a metadata object per
 * packet. Semantics are exactly the interpreter's on `bytes.subarray(offset, offset + caplen)`
 * with `meta.wireLength = wireLength` (`ld #len` reads `wireLength`).
 *
 * The code is jit.ts's generator with another PacketShape (reads at `o + k`, the wire length
 * from an argument). The rare loads that need the packet as an array of its own (ancillary
 * fields, SKF_LL_OFF/SKF_NET_OFF offsets, #nla) make that view once per run and call the shared
 * helpers.
 */
import type { ClassicInsn } from './insn.js';
import type { ClassicProgram } from './program.js';
import type { PacketMeta } from './metadata.js';
import { loadAncillary, loadPacket } from './packet-access.js';
import { classicJitSourceFor, type ClassicJitOptions, type PacketShape } from './jit.js';

export type ClassicFilterAtFn = (bytes: Uint8Array, offset: number, caplen: number, wireLength: number, meta?: PacketMeta) => number;

export type ClassicJitAtOptions = ClassicJitOptions;

const cache = new WeakMap<object, ClassicFilterAtFn>();

/** Compiles (once per program object) a checked classic program for packets inside a buffer. */
export function compileClassicAt(program: ClassicProgram | readonly ClassicInsn[]): ClassicFilterAtFn {
  let fn = cache.get(program);
  if (fn === undefined) {
    fn = compileClassicAtUncached(program);
    cache.set(program, fn);
  }
  return fn;
}

/** Compiles without the cache; options exist so tests can force both code shapes. */
export function compileClassicAtUncached(program: ClassicProgram | readonly ClassicInsn[], options: ClassicJitAtOptions = {}): ClassicFilterAtFn {
  const factory = new Function('loadPacket', 'loadAncillary', classicJitAtSource(program, options)) as
    (lp: typeof loadPacket, la: typeof loadAncillary) => ClassicFilterAtFn;
  return factory(loadPacket, loadAncillary);
}

/** `p[o + at]` read big-endian, `size` bytes; `at` is an expression already bounds-checked. */
const readAt = (at: string, size: number): string => {
  const i = (d: number): string => (at === '0' ? (d === 0 ? 'o' : `o + ${d}`) : d === 0 ? `o + ${at}` : `o + ${at} + ${d}`);
  return size === 1 ? `p[${i(0)}]`
    : size === 2 ? `((p[${i(0)}] << 8) | p[${i(1)}])`
    : `(((p[${i(0)}] << 24) | (p[${i(1)}] << 16) | (p[${i(2)}] << 8) | p[${i(3)}]) >>> 0)`;
};

/** The packet inside `p` from `o`, `n` bytes captured; a view of its own is made at most once per run. */
const PACKET_AT: PacketShape = {
  prelude: ({ usesPacketHelpers }) => [
    'return function classicFilterAt(p, o, n, wire, meta) {', 'let a = 0, x = 0, t = 0;', ...(usesPacketHelpers ? ['let v;'] : []),
  ],
  read: readAt,
  view: '(v === undefined ? (v = p.subarray(o, o + n)) : v)',
  wireLength: 'wire >>> 0',
};

/** The body of the factory function: `return function classicFilterAt(p, o, n, wire, meta) { ... }`. */
export function classicJitAtSource(program: ClassicProgram | readonly ClassicInsn[], options: ClassicJitAtOptions = {}): string {
  return classicJitSourceFor(program, PACKET_AT, options);
}
