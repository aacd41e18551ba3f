/**
 * Map storage as one byte arena with a fixed layout, so JavaScript (the interpreter, the
 * user-space API) and WebAssembly (the JIT, over the same bytes in its linear memory) run the
 * same algorithm on the same bytes. An arena is preallocated to max_entries like the kernel's
 * preallocated maps and can be moved (relocated) into another buffer, e.g. a JIT program's
 * linear memory, without changing its contents or any value's offset.
 *
 * Hash map layout (all little-endian u32, the arena 8-byte aligned):
 *
 *   [0, (n+1)*V)      values: slot s's value at s*V, V = round_up(value_size, 8). This part
 *                     alone is the region programs see, so a value pointer can never reach
 *                     the table below (an overrun faults or lands in another value, as in an
 *                     array map).
 *   META              count, free-list head (slot+1, 0 = none), bump (slots never used yet),
 *                     spare (slot+1; 0 = slot n)
 *   META+16           buckets: B = roundup_pow_of_two(n) chain heads (slot+1, 0 = empty)
 *   ELEMS             element s at ELEMS + s*E, E = 8 + round_up(key_size, 8):
 *                     next in chain (slot+1), used flag, key (zero-padded)
 *
 * n + 1 slots, as the kernel's preallocated htab keeps a spare element (per CPU; one CPU here):
 * a new key takes the most recently freed slot, else the next never-used one (never the spare);
 * an update of a present key writes the new value into the spare, which takes the key's place,
 * and the old element becomes the spare — a pointer looked up before still reads the old value,
 * as in the kernel. Elements go at the head of their bucket's chain. Iteration is in slot order.
 */
import type { MapSpec } from './map.js';

export class MapSpecError extends Error {}

/** Largest arena we preallocate (the whole map lives in one typed array / linear memory). */
export const MAX_ARENA = 1 << 30;

export interface HashLayout {
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  /** V: bytes per value slot. */
  readonly valueStride: number;
  /** B: number of buckets (a power of two). */
  readonly buckets: number;
  /** Byte offset of the header (count, free head, bump). */
  readonly meta: number;
  readonly bucketsAt: number;
  readonly elemsAt: number;
  /** E: bytes per element (next, used, key). */
  readonly elemStride: number;
  /** Offset of the key in an element. */
  readonly keyAt: number;
  readonly size: number;
}

export const H_COUNT = 0, H_FREE = 4, H_BUMP = 8, H_SPARE = 12;
export const E_NEXT = 0, E_USED = 4, E_KEY = 8;

export function hashLayout(spec: MapSpec): HashLayout {
  const valueStride = (spec.valueSize + 7) & ~7;
  const k8 = (spec.keySize + 7) & ~7;
  let buckets = 1;
  while (buckets < spec.maxEntries) buckets *= 2;
  const meta = valueStride * (spec.maxEntries + 1);
  const bucketsAt = meta + 16;
  const elemsAt = (bucketsAt + 4 * buckets + 7) & ~7;
  const elemStride = 8 + k8;
  const size = elemsAt + elemStride * (spec.maxEntries + 1);
  if (size > MAX_ARENA) throw new MapSpecError(`hash map of ${spec.maxEntries} entries (key ${spec.keySize}, value ${spec.valueSize}) needs ${size} bytes, above the ${MAX_ARENA}-byte limit of a preallocated map`);
  return { keySize: spec.keySize, valueSize: spec.valueSize, maxEntries: spec.maxEntries, valueStride, buckets, meta, bucketsAt, elemsAt, elemStride, keyAt: E_KEY, size };
}

/** Multiplier of each word step and the murmur3 finalizer constants (also emitted by the JIT). */
export const HASH_MUL = 0x9e3779b1 | 0, HASH_ROT = 13, FMIX1 = 0x85ebca6b | 0, FMIX2 = 0xc2b2ae35 | 0;

/**
 * The hash of `len` key bytes at `bytes[at]`: per 4-byte little-endian word (the last one
 * zero-extended) h = rotl(imul(h ^ w, HASH_MUL), 13), then murmur3's 32-bit finalizer. Cheap in
 * both JavaScript and wasm (i32.xor, i32.mul, i32.rotl), every key bit reaches the low bits.
 */
export function hashKey(bytes: Uint8Array, at: number, len: number): number {
  let h = 0, i = 0;
  for (; i + 4 <= len; i += 4) {
    const w = bytes[at + i]! | (bytes[at + i + 1]! << 8) | (bytes[at + i + 2]! << 16) | (bytes[at + i + 3]! << 24);
    const m = Math.imul(h ^ w, HASH_MUL);
    h = (m << HASH_ROT) | (m >>> (32 - HASH_ROT));
  }
  if (i < len) {
    let w = 0;
    for (let s = 0; i < len; i++, s += 8) w |= bytes[at + i]! << s;
    const m = Math.imul(h ^ w, HASH_MUL);
    h = (m << HASH_ROT) | (m >>> (32 - HASH_ROT));
  }
  h ^= h >>> 16; h = Math.imul(h, FMIX1); h ^= h >>> 13; h = Math.imul(h, FMIX2); h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A map whose storage is a relocatable arena. The JIT moves arenas into its linear memory
 * (copying the contents once) and back when another program took them.
 */
export interface ArenaMap {
  /** Bytes the arena needs; a placement must be 8-byte aligned. */
  readonly arenaSize: number;
  /** The current arena. */
  readonly arena: Uint8Array;
  /** The part of the arena programs address (map values): a subarray of `arena`, stable per arena. */
  readonly valueBytes: Uint8Array;
  /**
   * Moves the map into `bytes` (arenaSize long): the contents are copied unless `copy` is
   * false (the same memory seen through a new view, after a wasm memory grew). Returns the
   * previous `valueBytes`, so an address space can re-point the region that maps them.
   */
  relocate(bytes: Uint8Array, copy?: boolean): Uint8Array;
  /**
   * `lookup` without allocations: the offset in `valueBytes` of the value of the key at
   * `key[at .. at + key_size)`, or -1 (the caller checked that the key is in bounds).
   */
  valueAt(key: Uint8Array, at: number): number;
}

export const isArenaMap = (m: object): m is ArenaMap => typeof (m as Partial<ArenaMap>).relocate === 'function';
