/**
 * A kernel object reference: a file descriptor that must be closed exactly once. Maps and
 * programs extend it; `close()` is idempotent and `Symbol.dispose` (where the runtime has it)
 * closes too, so `using map = ...` works in TypeScript 5.2+ code.
 */
import { BpfError } from '../../core/errors.js';
import { Attr, type Syscalls } from './syscall.js';
import { BPF_OBJ_PIN } from './constants.js';

export abstract class KernelObject {
  #fd: number;
  protected readonly sys: Syscalls;
  protected constructor(sys: Syscalls, fd: number) {
    this.sys = sys;
    this.#fd = fd;
  }
  /** The descriptor; throws once closed so a stale number is never passed to the kernel. */
  get fd(): number {
    if (this.#fd < 0) throw new BpfError('USAGE', `${this.constructor.name} is closed`);
    return this.#fd;
  }
  get closed(): boolean { return this.#fd < 0; }
  close(): void {
    if (this.#fd < 0) return;
    const fd = this.#fd;
    this.#fd = -1;
    this.sys.close(fd);
  }
  /** Pins the object at `path` on a bpf filesystem (BPF_OBJ_PIN), e.g. /sys/fs/bpf/name. */
  pin(path: string): void {
    this.sys.bpf(BPF_OBJ_PIN, new Attr().ptr(0, cString(path)).u32(8, this.fd));
  }
  static {
    const dispose = (Symbol as unknown as { dispose?: symbol }).dispose;
    if (dispose) Object.defineProperty(this.prototype, dispose, { value(this: KernelObject) { this.close(); } });
  }
}

export const cString = (s: string): Uint8Array => {
  const bytes = new TextEncoder().encode(s);
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
};
