/**
 * Map objects for the userspace runtime, with the kernel's semantics and error codes
 * (returned as negative errno numbers, as helpers return them). A map stores its values in
 * Uint8Arrays; `lookup` returns the buffer and offset so the address space can hand the
 * program a pointer into the live value (writes through it change the map, as in the kernel).
 * New kinds (per-CPU, LRU, LPM trie, queue/stack, ring buffer, ...) implement `BpfMap`.
 */
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
  update(key: Uint8Array, value: Uint8Array, flags?: number): number;
  /** 0, or a negative errno. */
  delete(key: Uint8Array): number;
  /** The key after `key` (the first key when undefined or absent), undefined at the end. */
  nextKey(key?: Uint8Array): Uint8Array | undefined;
}

export class MapSpecError extends Error {}

function checkSpec(spec: MapSpec): void {
  const ok = (n: number) => Number.isInteger(n) && n > 0;
  if (!ok(spec.keySize) || !ok(spec.valueSize) || !ok(spec.maxEntries)) throw new MapSpecError(`invalid map spec: key ${spec.keySize}, value ${spec.valueSize}, max_entries ${spec.maxEntries}`);
}

/** BPF_MAP_TYPE_ARRAY: u32 keys 0..max_entries-1, every element exists (zeroed), no delete. */
export class ArrayMap implements BpfMap {
  /** Each element occupies round_up(value_size, 8) bytes, as in the kernel's array map. */
  readonly elemSize: number;
  readonly storage: Uint8Array;
  constructor(readonly spec: MapSpec) {
    checkSpec(spec);
    if (spec.keySize !== 4) throw new MapSpecError('array map keys are 4 bytes');
    this.elemSize = (spec.valueSize + 7) & ~7;
    this.storage = new Uint8Array(this.elemSize * spec.maxEntries);
  }
  private index(key: Uint8Array): number {
    return (key[0]! | (key[1]! << 8) | (key[2]! << 16) | (key[3]! << 24)) >>> 0;
  }
  lookup(key: Uint8Array): ValueRef | undefined {
    const i = this.index(key);
    return i < this.spec.maxEntries ? { buffer: this.storage, offset: i * this.elemSize } : undefined;
  }
  update(key: Uint8Array, value: Uint8Array, flags = BPF_ANY): number {
    if ((flags & ~BPF_F_LOCK) > BPF_EXIST) return -EINVAL;
    const i = this.index(key);
    if (i >= this.spec.maxEntries) return -E2BIG;
    if (flags & BPF_NOEXIST) return -EEXIST;
    this.storage.set(value.subarray(0, this.spec.valueSize), i * this.elemSize);
    return 0;
  }
  delete(_key: Uint8Array): number { return -EINVAL; }
  nextKey(key?: Uint8Array): Uint8Array | undefined {
    const i = key === undefined ? 0 : this.index(key) >= this.spec.maxEntries ? 0 : this.index(key) + 1;
    if (i >= this.spec.maxEntries) return undefined;
    return Uint8Array.of(i & 0xff, (i >>> 8) & 0xff, (i >>> 16) & 0xff, i >>> 24);
  }
}

const keyString = (key: Uint8Array): string => {
  let s = '';
  for (const b of key) s += String.fromCharCode(b);
  return s;
};

/** BPF_MAP_TYPE_HASH: arbitrary fixed-size keys, at most max_entries elements. */
export class HashMap implements BpfMap {
  private readonly entries = new Map<string, { key: Uint8Array; value: Uint8Array }>();
  constructor(readonly spec: MapSpec) { checkSpec(spec); }
  get size(): number { return this.entries.size; }
  lookup(key: Uint8Array): ValueRef | undefined {
    const e = this.entries.get(keyString(key.subarray(0, this.spec.keySize)));
    return e && { buffer: e.value, offset: 0 };
  }
  update(key: Uint8Array, value: Uint8Array, flags = BPF_ANY): number {
    if ((flags & ~BPF_F_LOCK) > BPF_EXIST) return -EINVAL;
    const k = key.slice(0, this.spec.keySize);
    const ks = keyString(k);
    const old = this.entries.get(ks);
    if (old && (flags & 3) === BPF_NOEXIST) return -EEXIST;
    if (!old && (flags & 3) === BPF_EXIST) return -ENOENT;
    if (old) { old.value.set(value.subarray(0, this.spec.valueSize)); return 0; }
    if (this.entries.size >= this.spec.maxEntries) return -E2BIG;
    // Values are padded to 8 bytes like the kernel's element layout, so aligned 8-byte
    // accesses to the last field stay inside the region.
    const v = new Uint8Array((this.spec.valueSize + 7) & ~7);
    v.set(value.subarray(0, this.spec.valueSize));
    this.entries.set(ks, { key: k, value: v });
    return 0;
  }
  delete(key: Uint8Array): number {
    return this.entries.delete(keyString(key.subarray(0, this.spec.keySize))) ? 0 : -ENOENT;
  }
  nextKey(key?: Uint8Array): Uint8Array | undefined {
    const keys = [...this.entries.values()];
    if (key === undefined) return keys[0]?.key.slice();
    const ks = keyString(key.subarray(0, this.spec.keySize));
    const at = keys.findIndex((e) => keyString(e.key) === ks);
    // Like the kernel: an absent key restarts from the first key.
    return (at < 0 ? keys[0] : keys[at + 1])?.key.slice();
  }
}

export function createMap(spec: MapSpec): BpfMap {
  switch (spec.type) {
    case 'array': return new ArrayMap(spec);
    case 'hash': return new HashMap(spec);
  }
}
