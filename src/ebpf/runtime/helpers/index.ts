/**
 * The helper registry of the userspace runtime: kernel helper numbers to implementations.
 * `standardHelpers()` returns a fresh registry; callers add or replace entries (a Map) to
 * extend it, e.g. program-type helpers. Semantics follow kernel/bpf/helpers.c.
 */
import type { Env, Helper } from '../env.js';
import { EINVAL, isArenaMap } from '../maps/map.js';
import { HELPER } from './numbers.js';
import { formatTrace, FormatError } from './trace-printk.js';
import { MemoryFault } from '../memory.js';

export { HELPER } from './numbers.js';
export { formatTrace } from './trace-printk.js';

const mapOf = (env: Env, pointer: bigint) => {
  const map = env.mapAt(pointer);
  if (!map) throw new MemoryFault(`helper argument 0x${pointer.toString(16)} is not a map pointer`, pointer, 0);
  return map;
};
const neg = (errno: number): bigint => BigInt.asUintN(64, BigInt(errno));

/**
 * A helper's optional fast path for engines that keep registers as 32-bit halves (index =
 * register number): handles the call without BigInts and returns true with r0 in lo[0]/hi[0],
 * or returns false (nothing done) so the engine makes the ordinary call, which also reports
 * any fault with its message.
 */
export type HalvesHelper = (env: Env, lo: Uint32Array, hi: Uint32Array) => boolean;
export const halvesOf = (helper: Helper): HalvesHelper | undefined => (helper as Helper & { halves?: HalvesHelper }).halves;

export const mapLookupElem: Helper = (env, r1, r2) => {
  const map = mapOf(env, r1);
  const ref = map.lookup(env.memory.bytes(r2, map.spec.keySize));
  return ref ? env.memory.addressOf(ref.buffer, ref.offset) : 0n;
};
/** map_lookup_elem on an arena map, the key read in place: the same result as above, no allocation. */
(mapLookupElem as Helper & { halves: HalvesHelper }).halves = (env, lo, hi) => {
  const map = env.mapAtHalves(hi[1]!, lo[1]!);
  if (map === undefined || !isArenaMap(map)) return false;
  const region = env.memory.region(hi[2]!), at = lo[2]!;
  if (region === undefined || at + map.spec.keySize > region.bytes.length) return false;
  const off = map.valueAt(region.bytes, at);
  if (off < 0) { lo[0] = 0; hi[0] = 0; return true; }
  lo[0] = off;
  hi[0] = env.memory.regionOf(map.valueBytes, 'map-value').id;
  return true;
};
export const mapUpdateElem: Helper = (env, r1, r2, r3, r4) => {
  const map = mapOf(env, r1);
  const key = env.memory.bytes(r2, map.spec.keySize).slice();
  const value = env.memory.bytes(r3, map.spec.valueSize).slice();
  // The flags are the helper's u64 argument: the kernel refuses any unknown bit, high ones included.
  return neg(map.update(key, value, BigInt.asUintN(64, r4)));
};
export const mapDeleteElem: Helper = (env, r1, r2) => {
  const map = mapOf(env, r1);
  return neg(map.delete(env.memory.bytes(r2, map.spec.keySize).slice()));
};
/** r0 = a negative errno (or 0) as 64-bit halves. */
const setErrno = (lo: Uint32Array, hi: Uint32Array, errno: number): void => { lo[0] = errno >>> 0; hi[0] = errno < 0 ? 0xffffffff : 0; };
/** The bytes of [lo, lo + size) in region `id` when readable (else the ordinary call reports the fault). */
const readable = (env: Env, id: number, at: number, size: number): Uint8Array | undefined => {
  const region = env.memory.region(id);
  return region !== undefined && at + size <= region.bytes.length ? region.bytes : undefined;
};
(mapUpdateElem as Helper & { halves: HalvesHelper }).halves = (env, lo, hi) => {
  const map = env.mapAtHalves(hi[1]!, lo[1]!);
  if (map === undefined) return false;
  const { keySize, valueSize } = map.spec;
  const kb = readable(env, hi[2]!, lo[2]!, keySize), vb = readable(env, hi[3]!, lo[3]!, valueSize);
  if (kb === undefined || vb === undefined) return false;
  // Copies, as above: the value may overlap the element it replaces.
  setErrno(lo, hi, map.update(kb.slice(lo[2]!, lo[2]! + keySize), vb.slice(lo[3]!, lo[3]! + valueSize), hi[4] !== 0 ? 8 : lo[4]!));
  return true;
};
(mapDeleteElem as Helper & { halves: HalvesHelper }).halves = (env, lo, hi) => {
  const map = env.mapAtHalves(hi[1]!, lo[1]!);
  if (map === undefined) return false;
  const kb = readable(env, hi[2]!, lo[2]!, map.spec.keySize);
  if (kb === undefined) return false;
  setErrno(lo, hi, map.delete(kb.subarray(lo[2]!, lo[2]! + map.spec.keySize)));
  return true;
};
export const ktimeGetNs: Helper = (env) => BigInt.asUintN(64, env.clock());
(ktimeGetNs as Helper & { halves: HalvesHelper }).halves = (env, lo, hi) => {
  const t = BigInt.asUintN(64, env.clock());
  lo[0] = Number(t & 0xffffffffn); hi[0] = Number(t >> 32n);
  return true;
};
export const getPrandomU32: Helper = (env) => BigInt(env.random() >>> 0);
(getPrandomU32 as Helper & { halves: HalvesHelper }).halves = (env, lo, hi) => { lo[0] = env.random() >>> 0; hi[0] = 0; return true; };
export const getSmpProcessorId: Helper = (env) => BigInt(env.cpu >>> 0);
(getSmpProcessorId as Helper & { halves: HalvesHelper }).halves = (env, lo, hi) => { lo[0] = env.cpu >>> 0; hi[0] = 0; return true; };
/** long bpf_trace_printk(const char *fmt, u32 fmt_size, ...): the formatted length, or -EINVAL. */
export const tracePrintk: Helper = (env, r1, r2, r3, r4, r5) => {
  const size = Number(BigInt.asUintN(32, r2));
  const bytes = env.memory.bytes(r1, size);
  const nul = bytes.indexOf(0);
  if (size === 0 || nul < 0) return neg(-EINVAL);
  let fmt = '';
  for (let i = 0; i < nul; i++) fmt += String.fromCharCode(bytes[i]!);
  let line: string;
  try {
    line = formatTrace(env, fmt, [r3, r4, r5]);
  } catch (err) {
    if (err instanceof FormatError) return neg(-EINVAL);
    throw err;
  }
  env.trace(line.endsWith('\n') ? line.slice(0, -1) : line);
  return BigInt(line.length);
};

export function standardHelpers(): Map<number, Helper> {
  return new Map<number, Helper>([
    [HELPER.map_lookup_elem, mapLookupElem],
    [HELPER.map_update_elem, mapUpdateElem],
    [HELPER.map_delete_elem, mapDeleteElem],
    [HELPER.ktime_get_ns, ktimeGetNs],
    [HELPER.trace_printk, tracePrintk],
    [HELPER.get_prandom_u32, getPrandomU32],
    [HELPER.get_smp_processor_id, getSmpProcessorId],
  ]);
}
