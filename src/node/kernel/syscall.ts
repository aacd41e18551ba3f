/**
 * bpf(2) through koffi's libc `syscall`. koffi is an optional dependency loaded on first use,
 * so the rest of tsbpf works where it is absent; `kernelAvailable()` says why the kernel
 * cannot be used here instead of throwing.
 *
 * `union bpf_attr` is built in a zeroed byte array (`Attr`) at the offsets of linux/bpf.h.
 * Fields that point to user memory (keys, values, instructions, the log, test_run buffers) are
 * recorded with the bytes they point to; for the call each of them is copied into memory koffi
 * allocated (it does not move, unlike a JS buffer), its address is written into the attribute,
 * and buffers the kernel writes are copied back afterwards.
 */
import { ATTR_SIZE, BPF_MAP_CREATE, COMMAND_NAMES, MAP_TYPES, SYS_BPF } from './constants.js';
import { KernelError } from './errors.js';

/** The part of koffi's API this binding uses (declared here so koffi's types are not needed to build). */
interface Koffi {
  load(path: string): { func(definition: string): (...args: unknown[]) => unknown };
  alloc(type: string, length: number): unknown;
  free(ptr: unknown): void;
  view(ptr: unknown, length: number): ArrayBuffer;
  address(ptr: unknown): bigint;
  errno(): number;
  os: { errno: Record<string, number> };
}

/**
 * A pointer field of an attribute: what it points to (bytes, or a struct with pointers of its
 * own, such as bpf_prog_info) and whether the kernel writes there.
 */
interface PointerField { readonly offset: number; readonly data: Uint8Array | Attr; readonly out: boolean }

/** A `union bpf_attr` (or another struct the kernel reads) under construction, in host byte order. */
export class Attr {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly pointers: PointerField[] = [];
  constructor(size = ATTR_SIZE) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  private static readonly le = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  u32(offset: number, value: number): this { this.view.setUint32(offset, value >>> 0, Attr.le); return this; }
  u64(offset: number, value: bigint): this { this.view.setBigUint64(offset, BigInt.asUintN(64, value), Attr.le); return this; }
  getU32(offset: number): number { return this.view.getUint32(offset, Attr.le); }
  /** A NUL-terminated name of at most `size - 1` bytes (longer names are cut, as libbpf does). */
  name(offset: number, size: number, name: string): this {
    const bytes = new TextEncoder().encode(name).subarray(0, size - 1);
    this.bytes.set(bytes, offset);
    return this;
  }
  /** A pointer to `data` (NULL when undefined); with `out` the kernel's writes are copied back. */
  ptr(offset: number, data: Uint8Array | Attr | undefined, out = false): this {
    if (data !== undefined) this.pointers.push({ offset, data, out });
    return this;
  }
}

/** The loaded binding: bpf(2), close(2) and errno names. */
export interface Syscalls {
  /** Runs bpf(cmd, attr); returns the non-negative result or throws a KernelError. */
  bpf(cmd: number, attr: Attr): number;
  /** Like `bpf` but returns `-errno` instead of throwing (for callers that branch on errors). */
  bpfErrno(cmd: number, attr: Attr): number;
  close(fd: number): void;
  error(command: string, errno: number): KernelError;
  errnoName(errno: number): string;
  /** libc's strerror text, e.g. 'Permission denied'. */
  describe(errno: number): string;
}

export type Availability = { readonly ok: true } | { readonly ok: false; readonly reason: string };

let loading: Promise<Syscalls> | undefined;

/** Loads koffi and libc once; rejects with a KernelError naming what is missing. */
export function loadSyscalls(): Promise<Syscalls> {
  loading ??= load();
  return loading;
}

async function load(): Promise<Syscalls> {
  if (process.platform !== 'linux') throw unsupported(`bpf(2) exists only on Linux (this is ${process.platform})`);
  const nr = SYS_BPF[process.arch];
  if (nr === undefined) throw unsupported(`no bpf(2) syscall number known for ${process.arch}`);
  let koffi: Koffi;
  try {
    // A variable specifier keeps TypeScript from requiring koffi at build time.
    const name = 'koffi';
    const mod = (await import(name)) as { default?: Koffi } & Koffi;
    koffi = mod.default ?? mod;
  } catch (e) {
    throw unsupported(`the optional dependency koffi is not installed (${(e as Error).message.split('\n')[0]})`);
  }
  const libc = koffi.load('libc.so.6');
  const syscall = libc.func('long syscall(long number, ...)');
  const closeFn = libc.func('int close(int fd)');
  const strerror = libc.func('const char *strerror(int errnum)');
  const names = new Map<number, string>();
  for (const [name, value] of Object.entries(koffi.os.errno)) if (!names.has(value)) names.set(value, name);
  // Prefer the names bpf(2) documents where two names share a number.
  for (const name of ['EAGAIN', 'EOPNOTSUPP', 'EDEADLK']) if (koffi.os.errno[name] !== undefined) names.set(koffi.os.errno[name]!, name);

  const errnoName = (errno: number): string => names.get(errno) ?? `E${errno}`;
  const describe = (errno: number): string => String(strerror(errno));
  const error = (command: string, errno: number): KernelError =>
    new KernelError(command, errno, errnoName(errno), describe(errno));

  const bpfErrno = (cmd: number, attr: Attr): number => {
    const blocks: unknown[] = [];
    const native = (length: number): { ptr: unknown; bytes: Uint8Array } => {
      const ptr = koffi.alloc('uint8_t', Math.max(length, 1));
      blocks.push(ptr);
      return { ptr, bytes: new Uint8Array(koffi.view(ptr, Math.max(length, 1))) };
    };
    // Copies a struct and everything it points to into native memory (depth first), and
    // returns how to copy the kernel's writes back afterwards.
    const place = (struct: Attr): { ptr: unknown; back: () => void } => {
      const children = struct.pointers.map((field) => {
        if (field.data instanceof Attr) {
          const child = place(field.data);
          struct.u64(field.offset, koffi.address(child.ptr));
          return { field, back: child.back };
        }
        const data = field.data;
        const block = native(data.length);
        block.bytes.set(data);
        struct.u64(field.offset, koffi.address(block.ptr));
        return { field, back: () => data.set(block.bytes.subarray(0, data.length)) };
      });
      const self = native(struct.bytes.length);
      self.bytes.set(struct.bytes);
      return {
        ptr: self.ptr,
        back: () => {
          struct.bytes.set(self.bytes.subarray(0, struct.bytes.length));
          for (const { field, back } of children) {
            if (field.out) back();
            // The addresses are meaningless once the blocks are freed; clear them from the copy.
            struct.u64(field.offset, 0n);
          }
        },
      };
    };
    try {
      const placed = place(attr);
      const ret = Number(syscall(nr, 'int', cmd, 'void *', placed.ptr, 'uint32_t', attr.bytes.length));
      const errno = ret < 0 ? koffi.errno() : 0;
      placed.back();
      return ret < 0 ? -errno : ret;
    } finally {
      for (const ptr of blocks) koffi.free(ptr);
    }
  };

  return {
    bpfErrno,
    bpf(cmd, attr) {
      const r = bpfErrno(cmd, attr);
      if (r < 0) throw error(COMMAND_NAMES[cmd] ?? `bpf command ${cmd}`, -r);
      return r;
    },
    close(fd) {
      if (Number(closeFn(fd)) < 0) throw error('close', koffi.errno());
    },
    error,
    errnoName,
    describe,
  };
}

function unsupported(reason: string): KernelError {
  return new KernelError('bpf', 0, 'ENOSYS', reason);
}

/**
 * Whether this process can use bpf(2): Linux, a known architecture, koffi installed, and the
 * permission to create a map (root or CAP_BPF). Never throws.
 */
export async function kernelAvailable(): Promise<Availability> {
  let sys: Syscalls;
  try {
    sys = await loadSyscalls();
  } catch (e) {
    return { ok: false, reason: (e as Error).message.replace(/^bpf: /, '').replace(/ \(ENOSYS\)$/, '') };
  }
  const attr = new Attr().u32(0, MAP_TYPES.array).u32(4, 4).u32(8, 4).u32(12, 1);
  const fd = sys.bpfErrno(BPF_MAP_CREATE, attr);
  if (fd < 0) return { ok: false, reason: `${sys.error('BPF_MAP_CREATE', -fd).message} (bpf(2) needs root or CAP_BPF)` };
  sys.close(fd);
  return { ok: true };
}
