/**
 * Map objects for the userspace runtime, with the kernel's semantics and error codes
 * (returned as negative errno numbers, as helpers return them). A map stores its values in
 * Uint8Arrays; `lookup` returns the buffer and offset so the address space can hand the
 * program a pointer into the live value (writes through it change the map, as in the kernel).
 * New kinds (per-CPU, LRU, LPM trie, queue/stack, ring buffer, ...) implement `BpfMap`.
 */
import { E_KEY, E_NEXT, E_USED, H_BUMP, H_COUNT, H_FREE, H_SPARE, MAX_ARENA, MapSpecError, hashKey, hashLayout, type ArenaMap, type HashLayout } from './arena.js';

export const EPERM = 1, ENOENT = 2, E2BIG = 7, EEXIST = 17, EINVAL = 22, ENOSPC = 28, ENOTSUPP = 524;

/** Update flags from linux/bpf.h. */
export const BPF_ANY = 0, BPF_NOEXIST = 1, BPF_EXIST = 2, BPF_F_LOCK = 4;

/** Map type numbers from linux/bpf.h (enum bpf_map_type). */
export const MAP_TYPES = { hash: 1, array: 2 } as const;
export type MapKind = keyof typeof MAP_TYPES;

/** A pure blueprint, like cilium/ebpf's MapSpec: the same spec creates a VM map or a kernel map. */
export interface MapSpec {
  readonly type: MapKind;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly flags?: number;
  readonly name?: string;
}

/** A live value: `buffer[offset .. offset + valueSize)`. */
export interface ValueRef { readonly buffer: Uint8Array; readonly offset: number }

export interface BpfMap {
  readonly spec: MapSpec;
  /** The live value for `key`, or undefined (NULL to the program). */
  lookup(key: Uint8Array): ValueRef | undefined;
  /** 0, or a negative errno (-EEXIST, -ENOENT, -E2BIG, -EINVAL). */
  update(key: Uint8Array, value: Uint8Array, flags?: number | bigint): number;
  /** 0, or a negative errno. */
  delete(key: Uint8Array): number;
  /** The key after `key` (the first key when undefined or absent), undefined at the end. */
  nextKey(key?: Uint8Array): Uint8Array | undefined;
}

export { MapSpecError, isArenaMap, type ArenaMap, type HashLayout } from './arena.js';

function checkSpec(spec: MapSpec): void {
  const ok = (n: number) => Number.isInteger(n) && n > 0;
  if (!ok(spec.keySize) || !ok(spec.valueSize) || !ok(spec.maxEntries)) throw new MapSpecError(`invalid map spec: key ${spec.keySize}, value ${spec.valueSize}, max_entries ${spec.maxEntries}`);
}

/**
 * Update flags as the kernel checks them (u64): anything but BPF_ANY/NOEXIST/EXIST, optionally
 * with BPF_F_LOCK, is -EINVAL; BPF_F_LOCK itself is -EINVAL on maps without a bpf_spin_lock
 * (none here), checked at the point the kernel checks it. Returns the flags as 0..7, or -1.
 */
export function mapFlags(flags: number | bigint): number {
  if (typeof flags === 'bigint') return flags >= 0n && flags <= 7n ? Number(flags) : -1;
  return Number.isInteger(flags) && flags >= 0 && flags <= 7 ? flags : -1;
}
const badFlags = (f: number): boolean => f < 0 || (f & ~BPF_F_LOCK) > BPF_EXIST;

/** Copies `src` into `dst` at `at` (small copies without the builtin call). */
function put(dst: Uint8Array, at: number, src: Uint8Array, len: number): void {
  if (len <= 16) for (let i = 0; i < len; i++) dst[at + i] = src[i]!;
  else dst.set(src.subarray(0, len), at);
}

/** A stable subarray per arena (an address space keys regions by the Uint8Array object). */
function valuesOf(cache: WeakMap<Uint8Array, Uint8Array>, arena: Uint8Array, length: number): Uint8Array {
  let v = cache.get(arena);
  if (v === undefined) { v = length === arena.length ? arena : arena.subarray(0, length); cache.set(arena, v); }
  return v;
}

/** BPF_MAP_TYPE_ARRAY: u32 keys 0..max_entries-1, every element exists (zeroed), no delete. */
export class ArrayMap implements BpfMap, ArenaMap {
  /** Each element occupies round_up(value_size, 8) bytes, as in the kernel's array map. */
  readonly elemSize: number;
  readonly arenaSize: number;
  private bytes: Uint8Array;
  constructor(readonly spec: MapSpec) {
    checkSpec(spec);
    if (spec.keySize !== 4) throw new MapSpecError('array map keys are 4 bytes');
    this.elemSize = (spec.valueSize + 7) & ~7;
    this.arenaSize = this.elemSize * spec.maxEntries;
    if (this.arenaSize > MAX_ARENA) throw new MapSpecError(`array map of ${spec.maxEntries} x ${this.elemSize} bytes is above the ${MAX_ARENA}-byte limit`);
    this.bytes = new Uint8Array(this.arenaSize);
  }
  /** The elements (element i at i * elemSize); a view of the current arena. */
  get storage(): Uint8Array { return this.bytes; }
  get arena(): Uint8Array { return this.bytes; }
  get valueBytes(): Uint8Array { return this.bytes; }
  relocate(bytes: Uint8Array, copy = true): Uint8Array {
    const old = this.bytes;
    if (copy && bytes !== old) bytes.set(old);
    this.bytes = bytes;
    return old;
  }
  private index(key: Uint8Array, at = 0): number {
    return (key[at]! | (key[at + 1]! << 8) | (key[at + 2]! << 16) | (key[at + 3]! << 24)) >>> 0;
  }
  valueAt(key: Uint8Array, at: number): number {
    const i = this.index(key, at);
    return i < this.spec.maxEntries ? i * this.elemSize : -1;
  }
  lookup(key: Uint8Array): ValueRef | undefined {
    const i = this.index(key);
    return i < this.spec.maxEntries ? { buffer: this.bytes, offset: i * this.elemSize } : undefined;
  }
  update(key: Uint8Array, value: Uint8Array, flags: number | bigint = BPF_ANY): number {
    // kernel/bpf/arraymap.c array_map_update_elem, in its order.
    const f = mapFlags(flags);
    if (badFlags(f)) return -EINVAL;
    const i = this.index(key);
    if (i >= this.spec.maxEntries) return -E2BIG;
    if (f & BPF_NOEXIST) return -EEXIST;
    if (f & BPF_F_LOCK) return -EINVAL;
    put(this.bytes, i * this.elemSize, value, this.spec.valueSize);
    return 0;
  }
  delete(_key: Uint8Array): number { return -EINVAL; }
  nextKey(key?: Uint8Array): Uint8Array | undefined {
    const i = key === undefined ? 0 : this.index(key) >= this.spec.maxEntries ? 0 : this.index(key) + 1;
    if (i >= this.spec.maxEntries) return undefined;
    return Uint8Array.of(i & 0xff, (i >>> 8) & 0xff, (i >>> 16) & 0xff, i >>> 24);
  }
}

/**
 * BPF_MAP_TYPE_HASH: arbitrary fixed-size keys, at most max_entries elements, preallocated
 * like the kernel's default htab: a chained table over one arena (layout in arena.ts). A
 * value keeps its slot while its key is present (updates write in place); a deleted slot is
 * reused by the next insertion; an update of a present key moves it to the spare slot, as the
 * kernel's htab does (arena.ts).
 */
export class HashMap implements BpfMap, ArenaMap {
  readonly layout: HashLayout;
  readonly arenaSize: number;
  private bytes: Uint8Array;
  private u32: Uint32Array;
  private values: Uint8Array;
  private readonly valueViews = new WeakMap<Uint8Array, Uint8Array>();
  constructor(readonly spec: MapSpec) {
    checkSpec(spec);
    this.layout = hashLayout(spec);
    this.arenaSize = this.layout.size;
    this.bytes = new Uint8Array(this.arenaSize);
    this.u32 = new Uint32Array(this.bytes.buffer, this.bytes.byteOffset, this.arenaSize >>> 2);
    this.values = valuesOf(this.valueViews, this.bytes, this.layout.meta);
  }
  get arena(): Uint8Array { return this.bytes; }
  get valueBytes(): Uint8Array { return this.values; }
  relocate(bytes: Uint8Array, copy = true): Uint8Array {
    const old = this.values;
    if (copy && bytes !== this.bytes) bytes.set(this.bytes);
    this.bytes = bytes;
    this.u32 = new Uint32Array(bytes.buffer, bytes.byteOffset, this.arenaSize >>> 2);
    this.values = valuesOf(this.valueViews, bytes, this.layout.meta);
    return old;
  }
  /** Number of keys present. */
  get size(): number { return this.u32[(this.layout.meta + H_COUNT) >>> 2]!; }

  private bucketOf(key: Uint8Array, at = 0): number {
    const L = this.layout;
    return L.bucketsAt + 4 * (hashKey(key, at, L.keySize) & (L.buckets - 1));
  }
  private sameKey(slot: number, key: Uint8Array, k = 0): boolean {
    const L = this.layout, b = this.bytes, at = L.elemsAt + slot * L.elemStride + E_KEY;
    for (let i = 0; i < L.keySize; i++) if (b[at + i] !== key[k + i]) return false;
    return true;
  }
  /** The u32 index of the link (bucket head or previous element's next) to the key at `key[at]`, or -1. */
  private linkTo(key: Uint8Array, at = 0): number {
    const L = this.layout, u32 = this.u32;
    let link = this.bucketOf(key, at) >>> 2;
    for (let s = u32[link]!; s !== 0; s = u32[link]!) {
      if (this.sameKey(s - 1, key, at)) return link;
      link = (L.elemsAt + (s - 1) * L.elemStride + E_NEXT) >>> 2;
    }
    return -1;
  }
  /** Slot of the key at `key[at]`, or -1. */
  private find(key: Uint8Array, at = 0): number {
    const link = this.linkTo(key, at);
    return link < 0 ? -1 : this.u32[link]! - 1;
  }
  valueAt(key: Uint8Array, at: number): number {
    const s = this.find(key, at);
    return s < 0 ? -1 : s * this.layout.valueStride;
  }
  lookup(key: Uint8Array): ValueRef | undefined {
    const s = this.find(key);
    return s < 0 ? undefined : { buffer: this.values, offset: s * this.layout.valueStride };
  }
  update(key: Uint8Array, value: Uint8Array, flags: number | bigint = BPF_ANY): number {
    // kernel/bpf/hashtab.c htab_map_update_elem and check_flags, in their order.
    const f = mapFlags(flags);
    if (badFlags(f) || (f & BPF_F_LOCK)) return -EINVAL;
    const L = this.layout, u32 = this.u32, m = L.meta >>> 2;
    const link = this.linkTo(key);
    if (link >= 0 && (f & 3) === BPF_NOEXIST) return -EEXIST;
    if (link < 0 && (f & 3) === BPF_EXIST) return -ENOENT;
    let s: number;
    if (link >= 0) {
      // The kernel's replacement: the spare element takes the key, the old one becomes the spare.
      const old = u32[link]! - 1, oe = (L.elemsAt + old * L.elemStride) >>> 2;
      u32[link] = u32[oe + (E_NEXT >>> 2)]!;
      u32[oe + (E_USED >>> 2)] = 0;
      u32[oe + (E_NEXT >>> 2)] = 0;
      const spare = u32[m + (H_SPARE >>> 2)]!;
      s = spare === 0 ? L.maxEntries : spare - 1;
      u32[m + (H_SPARE >>> 2)] = old + 1;
    } else {
      if (u32[m + (H_COUNT >>> 2)]! >= L.maxEntries) return -E2BIG;
      const free = u32[m + (H_FREE >>> 2)]!;
      if (free !== 0) {
        s = free - 1;
        u32[m + (H_FREE >>> 2)] = u32[(L.elemsAt + s * L.elemStride + E_NEXT) >>> 2]!;
      } else s = u32[m + (H_BUMP >>> 2)]!++;
      u32[m + (H_COUNT >>> 2)]!++;
    }
    const e = L.elemsAt + s * L.elemStride, bucket = this.bucketOf(key) >>> 2;
    put(this.bytes, e + E_KEY, key, L.keySize);
    u32[(e + E_USED) >>> 2] = 1;
    u32[(e + E_NEXT) >>> 2] = u32[bucket]!;
    u32[bucket] = s + 1;
    put(this.bytes, s * L.valueStride, value, L.valueSize);
    return 0;
  }
  delete(key: Uint8Array): number {
    const L = this.layout, u32 = this.u32;
    let link = this.bucketOf(key) >>> 2;
    for (let s = u32[link]!; s !== 0; s = u32[link]!) {
      const e = L.elemsAt + (s - 1) * L.elemStride;
      if (this.sameKey(s - 1, key)) {
        const m = L.meta >>> 2;
        u32[link] = u32[(e + E_NEXT) >>> 2]!;
        u32[(e + E_USED) >>> 2] = 0;
        u32[(e + E_NEXT) >>> 2] = u32[m + (H_FREE >>> 2)]!;
        u32[m + (H_FREE >>> 2)] = s;
        u32[m + (H_COUNT >>> 2)]!--;
        return 0;
      }
      link = (e + E_NEXT) >>> 2;
    }
    return -ENOENT;
  }
  /** Keys in slot order; like the kernel, an absent key restarts from the first key. */
  nextKey(key?: Uint8Array): Uint8Array | undefined {
    const L = this.layout, u32 = this.u32;
    const from = key === undefined ? 0 : this.find(key.subarray(0, L.keySize)) + 1;
    for (let s = from; s <= L.maxEntries; s++) {
      const e = L.elemsAt + s * L.elemStride;
      if (u32[(e + E_USED) >>> 2] !== 0) return this.bytes.slice(e + E_KEY, e + E_KEY + L.keySize);
    }
    return undefined;
  }
}

export function createMap(spec: MapSpec): BpfMap {
  switch (spec.type) {
    case 'array': return new ArrayMap(spec);
    case 'hash': return new HashMap(spec);
  }
}
