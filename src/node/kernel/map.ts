/**
 * Kernel maps (BPF_MAP_CREATE and the element commands). Keys and values are raw bytes of the
 * sizes given at creation; a missing key on lookup is `undefined`, every other failure is the
 * kernel's errno as a KernelError (EEXIST for NOEXIST on a present key, ENOENT for EXIST or
 * delete on an absent one, EINVAL for delete on an array, E2BIG when a hash map is full, ...).
 */
import { BpfError } from '../../core/errors.js';
import {
  BPF_MAP_CREATE, BPF_MAP_DELETE_ELEM, BPF_MAP_GET_NEXT_KEY, BPF_MAP_LOOKUP_ELEM, BPF_MAP_UPDATE_ELEM,
  BPF_OBJ_GET, BPF_OBJ_NAME_LEN, MAP_TYPES, type MapType, UPDATE_FLAGS, type UpdateFlag,
} from './constants.js';
import { KernelObject, cString } from './fd.js';
import { Attr, type Syscalls } from './syscall.js';

export interface MapSpec {
  readonly type: MapType;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  /** BPF_F_* creation flags (e.g. BPF_F_NO_PREALLOC for hash maps). */
  readonly flags?: number;
  /** Up to 15 characters of [A-Za-z0-9_.]; the kernel rejects others with EINVAL. */
  readonly name?: string;
}

const ENOENT = 2;

export class KernelMap extends KernelObject {
  readonly spec: MapSpec;
  private constructor(sys: Syscalls, fd: number, spec: MapSpec) {
    super(sys, fd);
    this.spec = spec;
  }

  static create(sys: Syscalls, spec: MapSpec): KernelMap {
    const attr = new Attr()
      .u32(0, MAP_TYPES[spec.type]).u32(4, spec.keySize).u32(8, spec.valueSize)
      .u32(12, spec.maxEntries).u32(16, spec.flags ?? 0);
    if (spec.name !== undefined) attr.name(28, BPF_OBJ_NAME_LEN, spec.name);
    return new KernelMap(sys, sys.bpf(BPF_MAP_CREATE, attr), spec);
  }

  /** Opens a map pinned at `path` (BPF_OBJ_GET); the caller states its spec. */
  static fromPinned(sys: Syscalls, path: string, spec: MapSpec): KernelMap {
    return new KernelMap(sys, sys.bpf(BPF_OBJ_GET, new Attr().ptr(0, cString(path))), spec);
  }

  /** The value stored under `key`, or undefined when the key is absent (ENOENT). */
  lookup(key: Uint8Array): Uint8Array | undefined {
    const value = new Uint8Array(this.spec.valueSize);
    const r = this.sys.bpfErrno(BPF_MAP_LOOKUP_ELEM, this.elem(key).ptr(16, value, true));
    if (r === -ENOENT) return undefined;
    if (r < 0) throw this.sys.error('BPF_MAP_LOOKUP_ELEM', -r);
    return value;
  }

  /** Stores `value` under `key`: 'any' creates or replaces, 'noexist' only creates, 'exist' only replaces. */
  update(key: Uint8Array, value: Uint8Array, flag: UpdateFlag = 'any'): void {
    this.checkSize(value, this.spec.valueSize, 'value');
    this.sys.bpf(BPF_MAP_UPDATE_ELEM, this.elem(key).ptr(16, value).u64(24, BigInt(UPDATE_FLAGS[flag])));
  }

  /** Deletes `key`; ENOENT when absent, EINVAL for array maps (their elements always exist). */
  delete(key: Uint8Array): void {
    this.sys.bpf(BPF_MAP_DELETE_ELEM, this.elem(key));
  }

  /** The key after `key` in the kernel's iteration order (the first key when undefined); undefined at the end. */
  nextKey(key?: Uint8Array): Uint8Array | undefined {
    const next = new Uint8Array(this.spec.keySize);
    const attr = new Attr().u32(0, this.fd).ptr(16, next, true);
    if (key !== undefined) attr.ptr(8, this.checkSize(key, this.spec.keySize, 'key'));
    const r = this.sys.bpfErrno(BPF_MAP_GET_NEXT_KEY, attr);
    if (r === -ENOENT) return undefined;
    if (r < 0) throw this.sys.error('BPF_MAP_GET_NEXT_KEY', -r);
    return next;
  }

  /** Every key, by BPF_MAP_GET_NEXT_KEY from the start. */
  *keys(): Generator<Uint8Array> {
    for (let k = this.nextKey(); k !== undefined; k = this.nextKey(k)) yield k;
  }

  /** Every present [key, value] pair. */
  *entries(): Generator<[Uint8Array, Uint8Array]> {
    for (const k of this.keys()) {
      const v = this.lookup(k);
      if (v !== undefined) yield [k, v]; // deleted meanwhile: skip, as bpftool does
    }
  }

  private elem(key: Uint8Array): Attr {
    return new Attr().u32(0, this.fd).ptr(8, this.checkSize(key, this.spec.keySize, 'key'));
  }

  private checkSize(bytes: Uint8Array, size: number, what: string): Uint8Array {
    if (bytes.length !== size) throw new BpfError('USAGE', `map ${what} must be ${size} bytes, got ${bytes.length}`);
    return bytes;
  }
}
